/**
 * Kinds of false alarm and miss left by the blind splits held-out-af and held-out-ag (n1af30, n1ag30 "Kinds left"),
 * fixed by kind in n1kinds31, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds left by held-out-af and held-out-ag (n1kinds31)', () => {
  it('remote work two calls down: the callee reaches an HTTP client through the app\'s own functions before any query (a cron job\'s feed check per podcast)', async () => {
    const utils: ScanFile = {
      path: 'server/utils/podcastUtils.js',
      text: [
        "const axios = require('axios')",
        'module.exports.getPodcastFeed = (feedUrl) => {',
        '  return axios({ url: feedUrl, method: "GET" }).then((res) => res.data)',
        '}',
        '',
      ],
    };
    // A controller method of the same name delegates to the wrapper: every definition of the name reaches the HTTP call.
    const controller: ScanFile = {
      path: 'server/controllers/PodcastController.js',
      text: [
        "const { getPodcastFeed } = require('../utils/podcastUtils')",
        'class PodcastController {',
        '  async getPodcastFeed(req, res) {',
        '    const feed = await getPodcastFeed(req.body.rssFeed)',
        '    res.json({ podcast: feed })',
        '  }',
        '}',
        'module.exports = new PodcastController()',
        '',
      ],
    };
    const manager: ScanFile = {
      path: 'server/managers/PodcastManager.js',
      text: [
        "const { Pool } = require('pg')",
        "const { getPodcastFeed } = require('../utils/podcastUtils')",
        'const pool = new Pool()',
        'class PodcastManager {',
        '  async checkPodcastForNewEpisodes(libraryItem, since) {',
        '    const feed = await getPodcastFeed(libraryItem.media.feedUrl)',
        '    return feed.episodes.filter((ep) => ep.publishedAt > since)',
        '  }',
        '',
        '  async runEpisodeCheck(libraryItem) {',
        '    const newEpisodes = await this.checkPodcastForNewEpisodes(libraryItem, libraryItem.media.lastEpisodeCheck)',
        "    await pool.query('UPDATE podcasts SET last_episode_check = now() WHERE id = $1', [libraryItem.mediaId])",
        '    return newEpisodes.length',
        '  }',
        '}',
        'module.exports = PodcastManager',
        '',
      ],
    };
    const cron: ScanFile = {
      path: 'server/managers/CronManager.js',
      text: [
        'class CronManager {',
        '  async executePodcastCron(libraryItems) {',
        '    for (const libraryItem of libraryItems) {',
        '      await this.podcastManager.runEpisodeCheck(libraryItem)',
        '    }',
        '  }',
        '}',
        'module.exports = CronManager',
        '',
      ],
    };
    const lines = await scanLines([utils, controller, manager, cron]);
    assert.deepEqual(lines.filter((l) => l.startsWith('server/managers/CronManager.js:4')), ['server/managers/CronManager.js:4 info']);
    // A query of its own before the remote work: the database work starts first, the warning stays.
    const queryFirst: ScanFile = { path: manager.path, text: (manager.text as string[]).map((l) => l.replace('const newEpisodes = await this.checkPodcastForNewEpisodes', "await pool.query('SELECT 1 FROM podcasts WHERE id = $1', [libraryItem.mediaId])\n    const newEpisodes = await this.checkPodcastForNewEpisodes")) };
    const kept = await scanLines([utils, controller, queryFirst, cron]);
    assert.deepEqual(kept.filter((l) => l.startsWith('server/managers/CronManager.js:4')), ['server/managers/CronManager.js:4 warning']);
  });
});
