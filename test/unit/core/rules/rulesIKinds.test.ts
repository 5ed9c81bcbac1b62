/**
 * Kinds of false alarms and misses from the blind look at split rules-i (issue 14, thirteenth session), each on our own
 * fixture code: DB-API `?` parameters not read in Python (statements said "cannot parse"), SQL constants written as
 * Go/Java format templates (`FROM %s`), versioned schema-delta folders taken for request code, a comment quoting SQL
 * read as an appended OFFSET, and `LIMIT 1 OFFSET n` (the row where a batch ends) taken for pagination.
 */
import { strict as assert } from 'node:assert';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { codeContextOf } from '../../../../src/core/codeContext';
import { sitesIn } from '../../support/extractFixtures';
import { check, siteOf } from './helpers';
import { checkSite } from '../../../../src/core/rules/engine';
import { RULES } from '../../../../src/core/rules';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('rules-i kinds: DB-API `?` parameters in Python', function () {
  this.timeout(30000);
  const STORE = [
    'class InboxStore:',
    '    def _unread_txn(self, txn, owner, since):',
    '        sql = """',
    '            SELECT message_id, sent_at FROM inbox',
    '            WHERE owner = ? AND sent_at > ?',
    '            ORDER BY sent_at',
    '        """',
    '        txn.execute(sql, (owner, since))',
    '        return txn.fetchall()',
    '',
    '    def _tagged_txn(self, txn, tag):',
    '        txn.execute("SELECT id FROM notes WHERE meta ? %s", (tag,))',
    '',
    '    def _page_txn(self, txn, owner, limit, start):',
    '        txn.execute(',
    '            "SELECT message_id FROM inbox WHERE owner = ? ORDER BY sent_at LIMIT ? OFFSET ?",',
    '            (owner, limit, start),',
    '        )',
    '',
  ].join('\n');

  it("an app's own transaction wrapper with `?` parameters: the statement is read (it was 'cannot parse')", async () => {
    const sites = await sitesIn(STORE, 'chat/storage/inbox.py');
    const unread = sites.find((s) => /FROM inbox\s+WHERE owner/.test(s.sql) && /sent_at >/.test(s.sql));
    assert.ok(unread, JSON.stringify(sites.map((s) => s.sql)));
    assert.equal(flat(unread.sql), 'SELECT message_id, sent_at FROM inbox WHERE owner = $1 AND sent_at > $2 ORDER BY sent_at');
  });

  it("PostgreSQL's own `?` operator (jsonb has-key) stays an operator: the text parses as written", async () => {
    const sites = await sitesIn(STORE, 'chat/storage/inbox.py');
    const tagged = sites.find((s) => /FROM notes/.test(s.sql));
    assert.ok(tagged);
    assert.equal(flat(tagged.sql), 'SELECT id FROM notes WHERE meta ? $1');
  });

  it('the paged statement read with its `?` parameters is judged by offset-pagination', async () => {
    const sites = await sitesIn(STORE, 'chat/storage/inbox.py');
    const page = sites.find((s) => /OFFSET/.test(s.sql));
    assert.ok(page);
    assert.equal(flat(page.sql), 'SELECT message_id FROM inbox WHERE owner = $1 ORDER BY sent_at LIMIT $2 OFFSET $3');
    assert.deepEqual(check(offsetPagination, page.sql).findings.map((f) => [f.severity, f.evidence?.size]), [['info', 'unproved']]);
  });
});

describe('rules-i kinds: SQL constants written as format templates', function () {
  this.timeout(30000);
  const GO = [
    'package store',
    '',
    'const (',
    '\tqueryFmtSelectTokens = `',
    '\t\tSELECT id, owner, expires',
    '\t\tFROM %s',
    '\t\tWHERE owner = ?',
    '\t\tLIMIT ?',
    '\t\tOFFSET ?;`',
    '',
    '\tqueryFmtRevokeToken = `',
    '\t\tUPDATE %s',
    '\t\tSET revoked = TRUE',
    '\t\tWHERE id = ? AND revoked IS NULL;`',
    ')',
    '',
  ].join('\n');

  it('a Go constant with a %s table name and ? parameters is read (it was "cannot parse near %" or silent)', async () => {
    const sites = await sitesIn(GO, 'internal/store/queries.go');
    const sqls = sites.map((s) => flat(s.sql));
    assert.equal(sites.length, 2, JSON.stringify(sqls));
    assert.match(sqls[0], /^SELECT id, owner, expires FROM \S+ WHERE owner = \$\d LIMIT \$\d OFFSET \$\d$/);
    assert.match(sqls[1], /^UPDATE \S+ SET revoked = TRUE WHERE id = \$\d AND revoked IS NULL$/);
    // The table is the verb, read as the quoted name "%s": the statement is whole (whole-statement rules judge it).
    assert.match(sqls[1], /^UPDATE "%s" SET/);
  });

  it('a Java String.format template (`FROM %s … LIMIT %d`) held in a constant is read the same way', async () => {
    const java = [
      'class Queries {',
      '    static final String COUNT_BY_OWNER = "SELECT count(*) FROM %s WHERE owner_id = ? AND state = \'%s\'";',
      '}',
      '',
    ].join('\n');
    const sites = await sitesIn(java, 'src/main/java/shop/Queries.java');
    assert.equal(sites.length, 1, JSON.stringify(sites.map((s) => s.sql)));
    assert.match(flat(sites[0].sql), /^SELECT count\(\*\) FROM \S+ WHERE owner_id = \$\d AND state = /);
  });
});

describe('rules-i kinds: versioned schema deltas are migrations', () => {
  it('a numbered folder of a delta/ folder holds one-off schema changes (.sql and .py)', () => {
    assert.equal(codeContextOf('app/storage/schema/main/delta/16/unique_constraints.sql'), 'migration');
    assert.equal(codeContextOf('app/storage/schema/state/delta/70/08_state_group_edges_unique.py'), 'migration');
    assert.equal(codeContextOf('db/deltas/0042_add_index/up.sql'), 'migration');
    // With its text: a Python module there is a revision, not an importer of another app's data.
    assert.equal(codeContextOf('app/storage/schema/main/delta/33/media_ts.py', 'import time\n\ndef run_upgrade(cur, database_engine, config):\n    cur.execute("UPDATE media SET ts = ?", (0,))\n'), 'migration');
  });

  it('a module named delta, or a delta folder without a version, is not', () => {
    assert.equal(codeContextOf('app/sync/delta.py'), 'request');
    assert.equal(codeContextOf('app/storage/delta/compute.py'), 'request');
  });

  it('an underscore-prefixed scripts folder is scripts', () => {
    assert.equal(codeContextOf('app/_scripts/port_db.py'), 'script');
  });
});

describe('rules-i kinds: OFFSET that is not pagination', () => {
  it('a comment quoting SQL is not an appended OFFSET fragment', () => {
    const py = [
      '            # Sqlite requires \'LIMIT -1 OFFSET ?\', the LIMIT must be present,',
      '            sql = "DELETE FROM visits WHERE id NOT IN (SELECT id FROM visits ORDER BY ts DESC LIMIT ?)"',
      '',
    ].join('\n');
    assert.deepEqual(findOrmOffsets(py, 'store.py', []), []);
    const go = '\t// the old form was "LIMIT ? OFFSET ?" per page\n\tq := base + " ORDER BY id"\n';
    assert.deepEqual(findOrmOffsets(go, 'store.go', []), []);
    // Code after a quoted '#' is still code.
    assert.equal(findOrmOffsets('sql = "SELECT id FROM t WHERE tag = \'#x\' LIMIT ? OFFSET ?" % (x,)', 'store.py', []).length, 1);
  });

  it('an appended OFFSET of a composed statement the rules cannot read is still reported (once)', async function () {
    this.timeout(30000);
    // `"… FROM scheduler" + where + " ORDER BY …"`: the clause glued to the name reads as `scheduler$1` (an identifier
    // to PostgreSQL, unread by the rule parser): only the fragment scan can report the OFFSET.
    const java = [
      'class SchedulerDao {',
      '    List<String> search(String where, int size, int start) {',
      '        String dataSql = "SELECT json_data FROM scheduler" + where + " ORDER BY name LIMIT ? OFFSET ?";',
      '        return query(dataSql, size, start);',
      '    }',
      '}',
      '',
    ].join('\n');
    const sites = await sitesIn(java, 'src/main/java/shop/SchedulerDao.java');
    assert.equal(findOrmOffsets(java, 'SchedulerDao.java', sites).length, 1, JSON.stringify(sites.map((s) => s.sql)));
  });

  it('LIMIT 1 OFFSET n reads the row where a batch ends: info, not a pagination warning', () => {
    const r = check(offsetPagination, 'SELECT stream_ordering FROM event_actions WHERE stream_ordering > $1 ORDER BY stream_ordering LIMIT 1 OFFSET $2');
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].severity, 'info');
    assert.equal(check(offsetPagination, 'SELECT id FROM filters ORDER BY id LIMIT 1 OFFSET 1000').findings[0]?.severity, 'info');
    assert.deepEqual(findOrmOffsets('q = "SELECT id FROM t ORDER BY id LIMIT 1 OFFSET ?"\n', 'store.py', []), []);
    // A page of rows is still a page.
    assert.deepEqual(check(offsetPagination, 'SELECT id FROM t ORDER BY id LIMIT $1 OFFSET $2').findings.map((f) => [f.evidence?.oneRow, f.evidence?.size]), [[undefined, 'unproved']]);
  });
});

describe('rules-i kinds: a statement for another database in a PostgreSQL app', () => {
  it("a statement calling SQLite's typeof() (an engine branch) gets no PostgreSQL rule, and says why", () => {
    const { site } = siteOf("DELETE FROM event_search WHERE typeof(value) != 'text'");
    const found = checkSite(site, RULES);
    assert.deepEqual(found.map((f) => f.ruleId), ['not-analysed']);
    assert.match(found[0].message, /written for SQLite \(typeof\(\) is not a PostgreSQL function\)/);
    // MySQL's functions too; a name inside a string, or a column called so, is not a call.
    assert.equal(checkSite(siteOf("SELECT group_concat(name) FROM tags WHERE post_id = $1").site, RULES)[0]?.ruleId, 'not-analysed');
    assert.ok(!checkSite(siteOf("SELECT id FROM t WHERE lower(kind) = 'typeof(x)' AND typeof = $1").site, RULES).some((f) => f.ruleId === 'not-analysed'));
  });
});
