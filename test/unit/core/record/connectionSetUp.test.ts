/**
 * person20 LOW 7 and the Recorded Queries tree: what a driver or ORM sends once per new connection is the connection's
 * (never a line's statements, its CodeLens or a finding), and a site is named in the tree with the report's words.
 */
import { strict as assert } from 'node:assert';
import { isConnectionSetUp } from '../../../../src/core/record/ping';
import { LiveRecording } from '../../../../src/core/record/live';
import { recordedLenses } from '../../../../src/core/record/lens';
import { CONNECTION_SET_UP, recordedSiteText, recordText } from '../../../../src/core/record/format';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { normalizeSql } from '../../../../src/core/sql/statement';

const VIEWS = '/app/conduit/articles/views.py';

function q(sql: string, unit: string, site: QueryEvent['site'], ms = 1): QueryEvent {
  return { v: 1, t: 'q', lib: 'psycopg2', sql, pc: 0, pt: [], ms, rows: 1, u: { k: 'request', id: unit, n: 'GET /api/articles' }, ts: 0, pid: 1, site };
}

/** Probes drivers and ORMs send on a new connection (SQLAlchemy 1.4/2.0, psycopg2/3 and Django, asyncpg, Sequelize). */
const PROBES = [
  "SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'hstore'",
  'show transaction isolation level',
  'select current_schema()',
  'select pg_catalog.version()',
  'show standard_conforming_strings',
  "SELECT CAST('test plain returns' AS VARCHAR(60)) AS anon_1",
  "SELECT typarray FROM pg_type WHERE typname = 'citext'",
  "SELECT set_config('TimeZone', 'UTC', false)",
  "SET TIME ZONE 'UTC'",
  "SELECT typname AS name, oid, typarray AS array_oid, oid::regtype::text AS regtype, typdelim AS delimiter FROM pg_type t WHERE t.oid = to_regtype('hstore') ORDER BY t.oid",
  'WITH RECURSIVE typeinfo_tree(oid, ns, name, depth) AS (SELECT ti.oid FROM (SELECT t.oid FROM pg_catalog.pg_type AS t LEFT JOIN pg_catalog.pg_namespace ns ON ns.oid = t.typnamespace) AS ti WHERE ti.oid = any($1::oid[]) UNION ALL SELECT ti.oid FROM typeinfo_tree tt, (SELECT t.oid FROM pg_catalog.pg_type t) ti WHERE tt.elemtype = ti.oid) SELECT DISTINCT * FROM typeinfo_tree ORDER BY depth DESC',
  "SELECT typname, typtype, oid, typarray FROM pg_type WHERE typtype = 'b' AND typname IN ('hstore', 'geometry', 'geography')",
];

describe('connection set-up: the probes of a new connection are the connection\'s', () => {
  it('knows the probes of each driver and ORM, and not the app\'s statements, a transaction\'s settings or its tenant', () => {
    for (const sql of PROBES) assert.equal(isConnectionSetUp(sql), true, sql);
    for (const sql of ['SELECT * FROM article WHERE id = $1', 'SELECT t.oid FROM pg_type t JOIN article a ON a.id = t.oid', 'SET LOCAL statement_timeout = 5000', 'SET search_path TO tenant1', "SELECT set_config('app.user', $1, true)", 'SELECT 1', 'SELECT current_schema(), id FROM users', 'select count(*) from pg_class'])
      assert.equal(isConnectionSetUp(sql), false, sql);
  });

  it('LOW 7: not counted at the line that took the connection (its CodeLens), never a finding, filed as connection set-up', () => {
    const rec = new LiveRecording(normalizeSql);
    const list = { file: VIEWS, line: 36, col: 9, via: 'sqlalchemy' };
    // Two gunicorn workers: each connects inside its first request, at views.py:36, then serves more requests.
    for (let r = 0; r < 6; r++) {
      if (r < 2) for (const p of PROBES.slice(0, 4)) for (let k = 0; k < 2; k++) rec.receive(q(p, `r${r}`, list, 50));
      rec.receive(q('SELECT article.id FROM article ORDER BY article."createdAt" DESC LIMIT $1', `r${r}`, list, 10));
    }
    const s = rec.summary({ threshold: 5 });
    assert.equal(s.statements, 6 + 16);
    assert.equal(s.connectionSetUp, 16);
    const at36 = s.sites.find((x) => x.file === VIEWS && x.line === 36)!;
    assert.equal(at36.calls, 6);
    assert.deepEqual(at36.statements.map((x) => x.calls), [6]);
    const setUp = s.sites.find((x) => x.connection)!;
    assert.equal(setUp.calls, 16);
    assert.equal(setUp.file, undefined);
    assert.equal(s.nPlusOne.length, 0);
    assert.equal(s.withoutSite, 0);
    assert.deepEqual(recordedLenses(s, VIEWS).map((l) => l.title), ['6 calls · 60.0 ms client time · 1× per request']);
    // Not the slowest statements' line either; the report files them under connection set-up.
    assert.ok(s.slowest.filter((x) => isConnectionSetUp(x.sql)).every((x) => x.file === undefined && x.connection));
    const text = recordText(s, (f) => f.replace('/app/', ''));
    assert.match(text, /\(connection set-up\) {2}16 statements · 800 ms · sent by the driver or ORM once per new connection/);
    // Recorded Queries: the request's group has the line's statement and a connection set-up site.
    const g = rec.groups().find((x) => x.name === 'GET /api/articles')!;
    assert.deepEqual(g.sites.map((x) => [x.file ?? null, x.calls, x.connection ?? false]).sort((a, b) => Number(b[1]) - Number(a[1])), [[null, 16, true], [VIEWS, 6, false]]);
  });

  it('the Recorded Queries tree names a site with the report\'s words: a serialising view\'s, connection set-up', () => {
    const rec = new LiveRecording(normalizeSql);
    const ser = { file: VIEWS, line: 28, col: 1, fn: 'get_articles', via: 'sqlalchemy', serializing: true };
    for (let i = 0; i < 3; i++) rec.receive(q('SELECT tags.id FROM tags, tag_assoc WHERE $1 = tag_assoc.article', 'r1', ser));
    rec.receive(q('select current_schema()', 'r1', ser));
    const sites = rec.groups()[0].sites;
    const rel = (f: string) => f.replace('/app/', '');
    const serSite = sites.find((x) => x.serializing)!;
    assert.equal(serSite.serializing, 'get_articles');
    const tree = recordedSiteText(serSite, rel);
    assert.deepEqual(tree, { where: 'conduit/articles/views.py:28', note: 'sent while serialising the response of get_articles (no line of your code on the stack)' });
    // The same words as the report's line of that site.
    const report = recordText(rec.summary({ threshold: 5 }), rel);
    assert.ok(report.includes(`${tree.where}  3 statements · 3.00 ms · via sqlalchemy · ${tree.note}`), report);
    assert.equal(recordedSiteText(sites.find((x) => x.connection)!, rel).where, CONNECTION_SET_UP);
    assert.equal(recordedSiteText({ file: VIEWS, line: 36 }, rel).note, undefined);
  });
});
