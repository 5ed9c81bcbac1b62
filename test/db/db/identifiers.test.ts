/**
 * Issue 12 item 8 against a real server: names are resolved and truncated as PostgreSQL does, index
 * names are unique in their schema (non-ASCII names too), and the sequence fix for an integer serial
 * widens the column as well as the sequence (and inserts go on past 2^31 - 1 once it is applied).
 */
import * as assert from 'node:assert/strict';
import { adviseStatement } from '../../../src/db/advisor';
import { runHealth } from '../../../src/db/health';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const LONG = `t_${'x'.repeat(70)}`; // PostgreSQL keeps the first 63 bytes
const SCHEMA = 'we"ird';
const TABLE = 'Ta"b';
const COLUMN = 'c"ol';

describe('identifiers and fixes as PostgreSQL resolves them (real server)', function () {
  this.timeout(120000);
  const t = testDatabase('identifiers');
  let db: Database;
  before(async () => {
    const a = t.admin;
    await a.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    await a.query(`CREATE TABLE ${q(SCHEMA)}.${q(TABLE)} (id int PRIMARY KEY, ${q(COLUMN)} int, pad text)`);
    await a.query(`INSERT INTO ${q(SCHEMA)}.${q(TABLE)} SELECT g, g % 5000, repeat('x', 100) FROM generate_series(1, 50000) g`);
    await a.query(`CREATE TABLE ${LONG} (id int PRIMARY KEY, k int, pad text)`);
    await a.query(`INSERT INTO ${LONG} SELECT g, g % 5000, repeat('x', 100) FROM generate_series(1, 50000) g`);
    await a.query(`CREATE TABLE "заказы" (id int PRIMARY KEY, "имя" int, "фамилия" int, pad text)`);
    await a.query(`INSERT INTO "заказы" SELECT g, g % 5000, g % 4000, repeat('x', 100) FROM generate_series(1, 50000) g`);
    await a.query(`ANALYZE`);
    db = await t.open();
  });

  it('advise finds a table and column whose quoted names hold "" (the attack), and quotes them back', async () => {
    const r = await adviseStatement(db, `SELECT * FROM ${q(SCHEMA)}.${q(TABLE)} WHERE ${q(COLUMN)} = 42`, undefined, { info: await db.serverInfo() });
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.suggestions.length, 1, JSON.stringify(r));
    assert.match(r.suggestions[0].ddl, /ON "we""ird"\."Ta""b" \("c""ol"\)$/);
  });

  it('a name over 63 bytes is truncated as PostgreSQL truncates it', async () => {
    const r = await adviseStatement(db, `SELECT * FROM ${LONG} WHERE k = 42`, undefined, { info: await db.serverInfo() });
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.suggestions.length, 1, JSON.stringify(r));
    assert.match(r.suggestions[0].ddl, new RegExp(`ON ${LONG.slice(0, 63)} \\(k\\)$`));
  });

  it('non-ASCII column names give different index names, unique in the schema (an existing relation of that name is avoided)', async () => {
    const info = await db.serverInfo();
    const a = await adviseStatement(db, `SELECT * FROM "заказы" WHERE "имя" = 42`, undefined, { info });
    const b = await adviseStatement(db, `SELECT * FROM "заказы" WHERE "фамилия" = 42`, undefined, { info });
    const nameOf = (ddl: string) => /INDEX CONCURRENTLY (\S+) ON/.exec(ddl)![1];
    const na = nameOf(a.suggestions[0].ddl);
    const nb = nameOf(b.suggestions[0].ddl);
    assert.notEqual(na, nb);
    // Something else already holds that name in the schema: the suggestion takes another one.
    await t.admin.query(`CREATE SEQUENCE ${na}`);
    const again = await adviseStatement(db, `SELECT * FROM "заказы" WHERE "имя" = 42`, undefined, { info });
    assert.equal(nameOf(again.suggestions[0].ddl), `${na}_2`);
    // And the suggestion can be run as given.
    await t.admin.query(again.suggestions[0].ddl);
  });

  it('sequence-exhaustion on an integer serial: the fix widens the column and the sequence, and states the lock', async () => {
    await t.admin.query('CREATE TABLE counters (id serial PRIMARY KEY, v int)');
    await t.admin.query(`SELECT setval('counters_id_seq', 2147483000)`);
    const { findings } = await runHealth(db, { only: ['sequence-exhaustion'] });
    const f = findings.find((x) => x.objects[0].name === 'counters_id_seq');
    assert.ok(f, JSON.stringify(findings));
    assert.deepEqual(f.fixSql, ['ALTER TABLE public.counters ALTER COLUMN id TYPE bigint;', 'ALTER SEQUENCE public.counters_id_seq AS bigint;']);
    assert.match(f.help ?? '', /rewrites the whole table and rebuilds its indexes( \(.*\))? under an ACCESS EXCLUSIVE lock/);
    // Applied, inserts go on past the integer range.
    await t.admin.query(`SELECT setval('counters_id_seq', 2147483647)`);
    for (const sql of f.fixSql) await t.admin.query(sql);
    const r = await t.admin.query('INSERT INTO counters (v) VALUES (1) RETURNING id');
    assert.equal(String(r.rows[0].id), '2147483648');
  });
});
