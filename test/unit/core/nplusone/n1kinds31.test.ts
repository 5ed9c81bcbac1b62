/**
 * Kinds of false alarm and miss left by the blind splits held-out-af and held-out-ag (n1af30, n1ag30 "Kinds left"),
 * fixed by kind in n1kinds31, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines, scanWarnings } from '../../support/nplusoneFixtures';

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
    // Through a name of one lowercase word (`push`: an array's method as often as a notification provider's), no.
    const pushing: ScanFile = { path: 'server/notification-providers/pushover.js', text: ['class Pushover {', '  async push(msg) {', "    return fetch('https://api.pushover.net/1/messages.json', { method: 'POST', body: msg })", '  }', '}', 'module.exports = Pushover', ''] };
    const viaPush: ScanFile = { path: manager.path, text: (manager.text as string[]).map((l) => l.replace('const newEpisodes = await this.checkPodcastForNewEpisodes(libraryItem, libraryItem.media.lastEpisodeCheck)', 'const newEpisodes = []\n    newEpisodes.push(libraryItem.media.title)')) };
    const generic = await scanLines([utils, controller, viaPush, cron, pushing]);
    assert.deepEqual(generic.filter((l) => l.startsWith('server/managers/CronManager.js:4')), ['server/managers/CronManager.js:4 warning']);
    // A query of its own before the remote work: the database work starts first, the warning stays.
    const queryFirst: ScanFile = { path: manager.path, text: (manager.text as string[]).map((l) => l.replace('const newEpisodes = await this.checkPodcastForNewEpisodes', "await pool.query('SELECT 1 FROM podcasts WHERE id = $1', [libraryItem.mediaId])\n    const newEpisodes = await this.checkPodcastForNewEpisodes")) };
    const kept = await scanLines([utils, controller, queryFirst, cron]);
    assert.deepEqual(kept.filter((l) => l.startsWith('server/managers/CronManager.js:4')), ['server/managers/CronManager.js:4 warning']);
  });
  it('Go: a subscription processed per item whose first call fetches its list over HTTP through another package (`tsport.DereferenceList` → `http.NewRequestWithContext`) is paced by it (info)', async () => {
    const transport: ScanFile = {
      path: 'internal/transport/dereflist.go',
      text: [
        'package transport',
        '',
        'import (',
        '\t"context"',
        '\t"net/http"',
        ')',
        '',
        'type Transport struct{ client *http.Client }',
        '',
        'func (t *Transport) DereferenceList(ctx context.Context, uri string) (*http.Response, error) {',
        '\treq, err := http.NewRequestWithContext(ctx, "GET", uri, nil)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn t.client.Do(req)',
        '}',
        '',
      ],
    };
    const head = [
      'package subscriptions',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      '',
      '\t"example.org/app/internal/transport"',
      ')',
      '',
    ];
    const loop: ScanFile = {
      path: 'internal/subscriptions/subs.go',
      text: [
        ...head,
        'type Sub struct{ ID int64; URI string }',
        '',
        'type Subscriptions struct {',
        '\tdb     *sql.DB',
        '\ttsport *transport.Transport',
        '}',
        '',
        'func (s *Subscriptions) ProcessAll(ctx context.Context, subs []Sub) {',
        '\tfor _, sub := range subs {',
        '\t\ts.ProcessSubscription(ctx, sub)',
        '\t}',
        '}',
        '',
      ],
    };
    const process = (remoteFirst: boolean): ScanFile => ({
      path: 'internal/subscriptions/process.go',
      text: [
        ...head,
        'func (s *Subscriptions) ProcessSubscription(ctx context.Context, sub Sub) error {',
        ...(remoteFirst ? [] : ['\tif _, err := s.db.ExecContext(ctx, "UPDATE subs SET tried_at = now() WHERE id = $1", sub.ID); err != nil {', '\t\treturn err', '\t}']),
        '\tresp, err := s.tsport.DereferenceList(ctx, sub.URI)',
        '\tif err != nil {',
        '\t\treturn err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\t_, err = s.db.ExecContext(ctx, "UPDATE subs SET fetched_at = now() WHERE id = $1", sub.ID)',
        '\treturn err',
        '}',
        '',
      ],
    });
    const at = (l: string[]) => l.filter((x) => x.startsWith('internal/subscriptions/subs.go:'));
    assert.deepEqual(at(await scanLines([transport, loop, process(true)])), ['internal/subscriptions/subs.go:19 info']);
    // A query before the fetch: the database work starts first, the warning stays.
    assert.deepEqual(at(await scanLines([transport, loop, process(false)])), ['internal/subscriptions/subs.go:19 warning']);
  });
  it('a loop that walks a chain of parents, one query per ancestor (`for { … parent, err = GetStatusByID(ctx, next.InReplyToID) … next = parent }`), is an N+1 over the depth; a page per iteration is not', async () => {
    const text = [
      'package visibility',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      ')',
      '',
      'type Status struct{ ID, AccountID, InReplyToID string }',
      '',
      'func getStatus(ctx context.Context, db *sql.DB, id string) (*Status, error) {',
      '\ts := &Status{}',
      '\terr := db.QueryRowContext(ctx, "SELECT id, account_id, in_reply_to_id FROM statuses WHERE id = $1", id).Scan(&s.ID, &s.AccountID, &s.InReplyToID)',
      '\treturn s, err',
      '}',
      '',
      'func oneAuthorThread(ctx context.Context, db *sql.DB, status *Status) (bool, error) {',
      '\tnext := status',
      '\tfor {',
      '\t\tif next.InReplyToID == "" {',
      '\t\t\treturn true, nil',
      '\t\t}',
      '\t\tparent, err := getStatus(ctx, db, next.InReplyToID)',
      '\t\tif err != nil {',
      '\t\t\treturn false, err',
      '\t\t}',
      '\t\tif parent.AccountID != status.AccountID {',
      '\t\t\treturn false, nil',
      '\t\t}',
      '\t\tnext = parent',
      '\t}',
      '}',
      '',
      'func rootOf(ctx context.Context, db *sql.DB, status *Status) (*Status, error) {',
      '\tvar err error',
      '\tfor parent := status; parent.InReplyToID != ""; {',
      '\t\tparentID := parent.InReplyToID',
      '\t\tparent, err = getStatus(ctx, db, parentID)',
      '\t\tif err != nil {',
      '\t\t\treturn nil, err',
      '\t\t}',
      '\t\tif parent.AccountID != status.AccountID {',
      '\t\t\treturn parent, nil',
      '\t\t}',
      '\t}',
      '\treturn status, nil',
      '}',
      '',
      '// Keyset pagination: one page per iteration.',
      'func allStatuses(ctx context.Context, db *sql.DB) ([]string, error) {',
      '\tvar out []string',
      '\tlast := ""',
      '\tfor {',
      '\t\tvar id string',
      '\t\terr := db.QueryRowContext(ctx, "SELECT max(id) FROM (SELECT id FROM statuses WHERE id > $1 ORDER BY id LIMIT $2) p", last, pageSize).Scan(&id)',
      '\t\tif err != nil || id == "" {',
      '\t\t\treturn out, err',
      '\t\t}',
      '\t\tout = append(out, id)',
      '\t\tlast = id',
      '\t}',
      '}',
      '',
      'const pageSize = 100',
      '',
    ];
    const f: ScanFile = { path: 'internal/filter/visibility/thread.go', text };
    assert.deepEqual(await scanWarnings([f]), ['internal/filter/visibility/thread.go:22 warning', 'internal/filter/visibility/thread.go:37 warning']);
  });
  it('Java: a lambda wrapped for a stream\'s operation (`.forEach(throwConsumer(e -> …))`, `.map(throwFunction(e -> …)).reduce(…)`) runs per element; a loader handed to `computeIfAbsent` runs once per key', async () => {
    const f: ScanFile = {
      path: 'core/src/main/java/io/kestra/core/services/PurgeService.java',
      text: [
        'package io.kestra.core.services;',
        '',
        'import static io.kestra.core.utils.Rethrow.throwConsumer;',
        'import static io.kestra.core.utils.Rethrow.throwFunction;',
        '',
        'import java.util.List;',
        'import org.jooq.DSLContext;',
        'import reactor.core.publisher.Flux;',
        '',
        'public class PurgeService {',
        '    private DSLContext dslContext;',
        '',
        '    public void deleteAll(List<String> ids) {',
        '        ids.forEach(throwConsumer(id -> dslContext.deleteFrom("executions").where("id = ?", id).execute()));',
        '    }',
        '',
        '    public void graph(List<String> ids, java.util.Map<String, Integer> byUid) {',
        '        ids.forEach(throwConsumer(id -> byUid.computeIfAbsent(id.substring(0, 3), uid -> dslContext.fetchCount(dslContext.selectFrom("flows").where("uid = ?", uid)))));',
        '    }',
        '',
        '    public Integer purge(Flux<String> found) {',
        '        return found',
        '            .map(throwFunction(id -> dslContext.deleteFrom("logs").where("execution_id = ?", id).execute()))',
        '            .reduce(Integer::sum)',
        '            .block();',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await scanWarnings([f]), ['core/src/main/java/io/kestra/core/services/PurgeService.java:14 warning', 'core/src/main/java/io/kestra/core/services/PurgeService.java:23 warning']);
  });
  it('Ruby: `Rails.cache.fetch(…)` is a cache read, not the global `fetch` of another service', async () => {
    const f: ScanFile = {
      path: 'app/services/visits/creator.rb',
      text: [
        'class Visits::Creator',
        '  def create(visits_data)',
        '    visits_data.each do |visit_data|',
        '      years = Rails.cache.fetch("years/#{visit_data[:user_id]}") { [] }',
        '      Visit.create!(user_id: visit_data[:user_id], years: years)',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await scanWarnings([f]), ['app/services/visits/creator.rb:5 warning']);
  });
});
