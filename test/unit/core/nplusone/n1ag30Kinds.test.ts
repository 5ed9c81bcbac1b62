/**
 * Kinds of mistake the blind split held-out-ag showed (gotosocial, kestra, audiobookshelf; notes: n1ag30), each keyed on
 * what the code shows, never on an app's name. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of the held-out split ag (n1ag30)', () => {
  it('Go: a helper that only builds an error from `http.StatusText` is not a call to another service', async () => {
    const errs: ScanFile = {
      path: 'internal/gtserror/withcode.go',
      text: [
        'package gtserror',
        '',
        'import "net/http"',
        '',
        'type WithCode struct{ safe string }',
        '',
        'func NewErrorInternalError(original error) *WithCode {',
        '\treturn &WithCode{safe: http.StatusText(http.StatusInternalServerError)}',
        '}',
        '',
      ],
    };
    const f: ScanFile = {
      path: 'internal/processing/search/util.go',
      text: [
        'package search',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        '',
        '\t"example.org/app/internal/gtserror"',
        ')',
        '',
        'type Processor struct{ db *sql.DB }',
        '',
        'func (p *Processor) statuses(ctx context.Context, ids []int64) (int, *gtserror.WithCode) {',
        '\tn := 0',
        '\tfor _, id := range ids {',
        '\t\tif id < 0 {',
        '\t\t\treturn 0, gtserror.NewErrorInternalError(nil)',
        '\t\t}',
        '\t\tif _, err := p.db.ExecContext(ctx, "UPDATE statuses SET seen = true WHERE id = $1", id); err != nil {',
        '\t\t\treturn 0, gtserror.NewErrorInternalError(err)',
        '\t\t}',
        '\t\tn++',
        '\t}',
        '\treturn n, nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([errs, f]), ['internal/processing/search/util.go:18 warning']);
  });

  it('JavaScript: a Sequelize record updated per item (`book.update({ order })`, `item.media.update({ tags })`, `books[i].update({…})`) is a write per row', async () => {
    const f: ScanFile = {
      path: 'server/controllers/CollectionController.js',
      text: [
        "const Sequelize = require('sequelize')",
        "const Database = require('../Database')",
        '',
        'class CollectionController {',
        '  async reorder(req, res) {',
        '    const collectionBooks = await req.collection.getCollectionBooks()',
        '    for (let i = 0; i < collectionBooks.length; i++) {',
        '      if (collectionBooks[i].order !== i + 1) {',
        '        await collectionBooks[i].update({ order: i + 1 })',
        '      }',
        '    }',
        '    let order = 1',
        '    for (const collectionBook of collectionBooks) {',
        '      await collectionBook.update({ order })',
        '      order++',
        '    }',
        '    res.sendStatus(200)',
        '  }',
        '',
        '  async renameTag(req, res) {',
        '    const items = await Database.libraryItemModel.findAll({ where: { libraryId: req.params.id } })',
        '    for (const libraryItem of items) {',
        '      await libraryItem.media.update({ tags: [req.body.tag] })',
        '    }',
        '    const hash = require("crypto").createHash("sha1")',
        '    for (const part of req.body.parts) {',
        '      hash.update(part)',
        '    }',
        '    res.sendStatus(200)',
        '  }',
        '}',
        'module.exports = new CollectionController()',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), [
      'server/controllers/CollectionController.js:14 warning',
      'server/controllers/CollectionController.js:23 warning',
      'server/controllers/CollectionController.js:9 warning',
    ]);
  });

  it("JavaScript: `mp.getOldMediaProgress()` that the project's model class defines as a mapping of the row is no Sequelize accessor", async () => {
    const model: ScanFile = {
      path: 'server/models/MediaProgress.js',
      text: [
        "const { DataTypes, Model } = require('sequelize')",
        '',
        'class MediaProgress extends Model {',
        '  getOldMediaProgress() {',
        '    return { id: this.id, userId: this.userId, progress: this.extraData?.progress || 0 }',
        '  }',
        '}',
        'module.exports = MediaProgress',
        '',
      ],
    };
    const f: ScanFile = {
      path: 'server/controllers/MeController.js',
      text: [
        "const Sequelize = require('sequelize')",
        '',
        'class MeController {',
        '  getAllMediaProgress(req, res) {',
        '    const mediaProgress = req.user.mediaProgresses.map((mp) => mp.getOldMediaProgress())',
        '    res.json({ mediaProgress })',
        '  }',
        '',
        '  async comments(req, res) {',
        '    const out = []',
        '    for (const post of req.user.posts) {',
        '      out.push(await post.getComments())',
        '    }',
        '    res.json(out)',
        '  }',
        '}',
        'module.exports = new MeController()',
        '',
      ],
    };
    assert.deepEqual(await lines([model, f]), ['server/controllers/MeController.js:12 warning']);
  });

  it('Go: a field promoted from an embedded struct (`type Emoji struct{ *Cleaner }`, `e.state.DB.X(…)`) has the embedded field\'s type', async () => {
    const dbIface: ScanFile = {
      path: 'internal/db/db.go',
      text: ['package db', '', 'import "context"', '', 'type DB interface {', '\tGetAccountsUsingEmoji(ctx context.Context, id string) ([]string, error)', '}', ''],
    };
    const impl: ScanFile = {
      path: 'internal/db/bundb/emoji.go',
      text: [
        'package bundb',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        ')',
        '',
        'type emojiDB struct{ db *sql.DB }',
        '',
        'func (e *emojiDB) GetAccountsUsingEmoji(ctx context.Context, id string) ([]string, error) {',
        '\trows, err := e.db.QueryContext(ctx, "SELECT account_id FROM account_to_emojis WHERE emoji_id = $1", id)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer rows.Close()',
        '\treturn nil, nil',
        '}',
        '',
      ],
    };
    const st: ScanFile = {
      path: 'internal/state/state.go',
      text: ['package state', '', 'import "example.org/gts/internal/db"', '', 'type State struct {', '\tDB db.DB', '}', ''],
    };
    const cleaner: ScanFile = {
      path: 'internal/cleaner/cleaner.go',
      text: ['package cleaner', '', 'import "example.org/gts/internal/state"', '', 'type Cleaner struct {', '\tstate *state.State', '}', ''],
    };
    const emoji: ScanFile = {
      path: 'internal/cleaner/emoji.go',
      text: [
        'package cleaner',
        '',
        'import "context"',
        '',
        'type Emoji struct{ *Cleaner }',
        '',
        'func (e *Emoji) PruneUnused(ctx context.Context, ids []string) int {',
        '\tn := 0',
        '\tfor _, id := range ids {',
        '\t\taccounts, err := e.state.DB.GetAccountsUsingEmoji(ctx, id)',
        '\t\tif err == nil && len(accounts) == 0 {',
        '\t\t\tn++',
        '\t\t}',
        '\t}',
        '\treturn n',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([dbIface, impl, st, cleaner, emoji]), ['internal/cleaner/emoji.go:10 warning']);
  });

  it("Java: a method the receiver's own class defines without a query, or a `get` on a Map named like a repository, is no Spring Data call", async () => {
    const base: ScanFile = {
      path: 'jdbc/src/main/java/io/kestra/jdbc/AbstractJdbcRepository.java',
      text: [
        'package io.kestra.jdbc;',
        '',
        'import java.time.Instant;',
        'import org.jooq.DSLContext;',
        'import org.jooq.Record;',
        '',
        'public abstract class AbstractJdbcRepository<T> {',
        '    protected DSLContext dslContext;',
        '',
        '    public <R extends Record> Instant getDate(R record, String groupByType) {',
        '        return record.get("date", Instant.class);',
        '    }',
        '',
        '    public T fetchOne(String key) {',
        '        return (T) dslContext.selectFrom("t").where("key = ?", key).fetchOne();',
        '    }',
        '}',
        '',
      ],
    };
    const users: ScanFile = {
      path: 'webserver/src/main/java/io/kestra/webserver/UserRepository.java',
      text: [
        'package io.kestra.webserver;',
        '',
        'import java.util.Optional;',
        'import org.springframework.data.jpa.repository.JpaRepository;',
        '',
        'public interface UserRepository extends JpaRepository<User, Long> {',
        '    Optional<User> findByEmail(String email);',
        '}',
        '',
      ],
    };
    const f: ScanFile = {
      path: 'jdbc/src/main/java/io/kestra/jdbc/repository/ExecutionStats.java',
      text: [
        'package io.kestra.jdbc.repository;',
        '',
        'import java.time.Instant;',
        'import java.util.List;',
        'import java.util.Map;',
        'import java.util.stream.Collectors;',
        'import io.kestra.jdbc.AbstractJdbcRepository;',
        'import io.kestra.webserver.UserRepository;',
        'import org.jooq.Record;',
        '',
        'public class ExecutionStats {',
        '    protected final io.kestra.jdbc.AbstractJdbcRepository<Execution> jdbcRepository;',
        '    private final UserRepository userRepository;',
        '',
        '    public ExecutionStats(AbstractJdbcRepository<Execution> jdbcRepository, UserRepository userRepository) {',
        '        this.jdbcRepository = jdbcRepository;',
        '        this.userRepository = userRepository;',
        '    }',
        '',
        '    public List<Instant> dates(List<Record> records) {',
        '        return records.stream().map(record -> this.jdbcRepository.getDate(record, "day")).collect(Collectors.toList());',
        '    }',
        '',
        '    public int load(List<String> files, Map<String, Flow> flowByUidInRepository) {',
        '        int n = 0;',
        '        for (String file : files) {',
        '            Flow inRepository = flowByUidInRepository.get(file);',
        '            if (inRepository == null) n++;',
        '        }',
        '        return n;',
        '    }',
        '',
        '    public int users(List<String> emails) {',
        '        int n = 0;',
        '        for (String email : emails) {',
        '            if (userRepository.findByEmail(email).isPresent()) n++;',
        '        }',
        '        return n;',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([base, users, f]), ['jdbc/src/main/java/io/kestra/jdbc/repository/ExecutionStats.java:36 warning']);
  });

  it('JavaScript: a list filled by spreading another (`newAudioFiles.push(...scannedAudioFiles)`) holds as many items as that one', async () => {
    const f: ScanFile = {
      path: 'server/scanner/PodcastScanner.js',
      text: [
        "const Sequelize = require('sequelize')",
        "const Database = require('../Database')",
        '',
        'class PodcastScanner {',
        '  async rescan(media, scannedAudioFiles, isNew) {',
        '    let newAudioFiles = []',
        '    if (isNew) {',
        '      newAudioFiles.push(...scannedAudioFiles)',
        '    } else {',
        '      newAudioFiles.push(...scannedAudioFiles.filter((f) => !f.seen))',
        '    }',
        '    for (const newAudioFile of newAudioFiles) {',
        '      const episode = Database.podcastEpisodeModel.build({ podcastId: media.id, audioFile: newAudioFile })',
        '      await episode.save()',
        '    }',
        '  }',
        '}',
        'module.exports = new PodcastScanner()',
        '',
      ],
    };
    assert.deepEqual(await lines([f]), ['server/scanner/PodcastScanner.js:14 warning']);
  });
});
