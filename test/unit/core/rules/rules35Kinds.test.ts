/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-v (session 35: OED in plain JavaScript on pg-promise
 * with .sql files, Hiro's ordinals API in TypeScript on postgres.js, Apicurio Registry in Java on JDBC), each fixed as a
 * kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { sitesIn } from '../../support/extractFixtures';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { updateDeleteWithoutWhere } from '../../../../src/core/rules/updateDeleteWithoutWhere';
import { declaredOneRow } from '../../../../src/core/sql/declaredIndexes';
import { declared } from './helpers';
import { parseSql } from '../../../../src/core/sql/parse';
import { ormOffsetAnalyzer } from '../../../../src/core/rules/ormOffset';
import { selectStar } from '../../../../src/core/rules/selectStar';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** A postgres.js store that composes statements from nested sql`` fragments, as a class member (`this.sql`). */
const STORE = [
  "import postgres from 'postgres';",
  '',
  'export class Store {',
  '  constructor(private readonly sql: postgres.Sql) {}',
  '',
  '  async events(page: { limit: number; offset: number }, f: { who?: string; kind?: string[] }) {',
  '    return this.sql`',
  '      SELECT e.id, e.kind, e.who',
  '      FROM events AS e',
  '      WHERE TRUE',
  '        ${f.kind ? this.sql`AND e.kind IN ${this.sql(f.kind)}` : this.sql``}',
  '        ${f.who ? this.sql`AND (e.who = ${f.who} OR e.whom = ${f.who})` : this.sql``}',
  '      ORDER BY e.id DESC',
  '      LIMIT ${page.limit}',
  '      OFFSET ${page.offset}',
  '    `;',
  '  }',
  '',
  '  async one(args: { id: number } | { name: string }) {',
  "    return this.sql`SELECT id, name FROM things WHERE ${'id' in args ? this.sql`id = ${args.id}` : this.sql`name = ${args.name}`}`;",
  '  }',
  '}',
].join('\n');

describe('rules-v kinds', () => {
  it('postgres.js: a statement composed from nested sql`` fragments (also `this.sql`) is read as its variants, fragments inlined', async () => {
    const sites = await sitesIn(STORE, 'src/pg/store.ts');
    const events = sites.find((s) => /FROM events/.test(s.sql));
    assert.ok(events, JSON.stringify(sites.map((s) => s.sql)));
    assert.equal(flat(events.sql), 'SELECT e.id, e.kind, e.who FROM events AS e WHERE TRUE AND e.kind IN ($1) AND (e.who = $2 OR e.whom = $3) ORDER BY e.id DESC LIMIT $4 OFFSET $5');
    assert.equal(events.dynamic, false, 'every piece is read: nothing is spliced at run time');
    assert.ok(events.variants && events.variants.length >= 2, 'the filters may be absent: the statement without them is a variant too');
    assert.ok(events.variants.some((v) => flat(v.sql) === 'SELECT e.id, e.kind, e.who FROM events AS e WHERE TRUE ORDER BY e.id DESC LIMIT $1 OFFSET $2'), JSON.stringify(events.variants.map((v) => v.sql)));
    assert.equal(sites.filter((s) => /FROM events/.test(s.sql) || /^\s*AND /.test(s.sql)).length, 1, 'the fragments are part of the statement, not sites of their own');
    const one = sites.find((s) => /FROM things/.test(s.sql));
    assert.ok(one);
    assert.deepEqual(new Set([one.sql, ...(one.variants ?? []).map((v) => v.sql)].map(flat)), new Set(['SELECT id, name FROM things WHERE name = $1', 'SELECT id, name FROM things WHERE id = $1']));
  });

  it('update-delete-without-where: a table the app fills only while it is empty (IF NOT EXISTS (SELECT … FROM t) THEN INSERT INTO t) holds one row: its UPDATE is a note', async () => {
    const schema = [
      'CREATE TABLE IF NOT EXISTS site_prefs (id SERIAL PRIMARY KEY, title VARCHAR(50) NOT NULL, lang TEXT);',
      "DO $$ BEGIN IF NOT EXISTS(SELECT * FROM site_prefs) THEN INSERT INTO site_prefs (title, lang) VALUES ('', 'en'); END IF; END; $$",
      'CREATE TABLE IF NOT EXISTS user_prefs (id SERIAL PRIMARY KEY, user_id INT NOT NULL, lang TEXT);',
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM user_prefs WHERE user_id = 1) THEN INSERT INTO user_prefs (user_id, lang) VALUES (1, 'en'); END IF; END $$;",
      "INSERT INTO app_state (mode) SELECT 'idle' WHERE NOT EXISTS (SELECT 1 FROM app_state);",
    ].join('\n');
    const d = declared(schema);
    assert.ok(declaredOneRow(d, 'site_prefs'));
    assert.ok(declaredOneRow(d, 'app_state'), 'INSERT … SELECT … WHERE NOT EXISTS (SELECT 1 FROM the same table)');
    assert.ok(!declaredOneRow(d, 'user_prefs'), 'a guard on some rows (WHERE user_id = 1) says nothing of the table');
    const run = async (table: string) =>
      (await analyzeFile({ path: 'src/models/prefs.ts', text: `export async function save(db, t, l) {\n  await db.query('UPDATE ${table} SET title = $1, lang = $2', [t, l]);\n}\n` }, { analyzers: [rulesAnalyzer({ rules: [updateDeleteWithoutWhere], declared: d })] })).findings;
    const one = await run('site_prefs');
    assert.equal(one.length, 1);
    assert.equal(one[0].severity, 'info', one[0].message);
    assert.match(one[0].message, /only while it is empty/);
    assert.equal((await run('user_prefs'))[0].severity, 'warning', 'a table of many rows keeps its warning');
  });

  it("the rule parser reads a column named by a reserved word after its table's alias (l.offset, lf.offset AS from_offset)", () => {
    assert.ok(parseSql('SELECT l.tx_id,\n  l.offset,\n  l.value FROM locations AS l').ok);
    assert.ok(parseSql('SELECT lf.offset AS from_offset, lt.offset AS to_offset FROM locations lf JOIN locations lt ON lt.id = lf.id').ok);
  });

  it('TypeScript typed tags (await sql<Row[]>`…`, this.sql<Row[]>`…`) are statements, with their nested fragments', async () => {
    const ts = [
      'export async function list(sql: any, f?: string) {',
      '  const kind = f ? sql`AND kind = ${f}` : sql``;',
      '  return await sql<{ id: number }[]>`SELECT id FROM t WHERE TRUE ${f ? sql`AND name = ${f}` : sql``} ${kind} LIMIT 10`;',
      '}',
      'export async function other(sql: any, order: string) {',
      '  let kind: any;',
      '  kind = sql`ORDER BY id`;',
      '  return await sql`SELECT id FROM u WHERE TRUE ${kind} LIMIT 10`;',
      '}',
    ].join('\n');
    const sites = await sitesIn(ts, 'src/pg/list.ts');
    assert.deepEqual(sites.map((s) => [s.api, flat(s.sql), s.dynamic]), [
      ['postgres.sql', 'SELECT id FROM t WHERE TRUE AND name = $1 AND kind = $2 LIMIT 10', false],
      // `kind` here is another function's const (and assigned, not declared, in this one): not read as that fragment.
      // Standing where no value can (after `TRUE`), it is a clause chosen at run time: read without it, dynamic.
      ['postgres.sql', 'SELECT id FROM u WHERE TRUE LIMIT 10', true],
    ]);
  });

  it('more than five choices: besides the fullest and the shortest statement, each filter alone is a variant (a predicate rule sees the filter a caller passes by itself)', async () => {
    const filters = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => `\${f.${c} ? sql\`AND ${c} = \${f.${c}}\` : sql\`\`}`).join(' ');
    const ts = `export async function list(sql: any, f: any) {\n  return sql\`SELECT id FROM t WHERE TRUE ${filters} ORDER BY id LIMIT 10\`;\n}\n`;
    const [site] = await sitesIn(ts, 'src/pg/list.ts');
    const all = [site.sql, ...(site.variants ?? []).map((v) => v.sql)].map(flat);
    assert.ok(all.includes('SELECT id FROM t WHERE TRUE ORDER BY id LIMIT 10'), JSON.stringify(all));
    assert.ok(all.includes('SELECT id FROM t WHERE TRUE AND d = $1 ORDER BY id LIMIT 10'), JSON.stringify(all));
    assert.ok(all.length <= 9, 'bounded: the fullest, the shortest, each alone');
  });

  it('offset-pagination: a fragment kept in a `let` (`${orderBySql}` before LIMIT) is a clause chosen at run time, not a parameter: the statement is read without it and keeps its OFFSET note', async () => {
    const ts = [
      'export async function txs(sql: any, sortBy: string, limit: number, offset: number) {',
      '  let orderBySql: any;',
      "  if (sortBy === 'fee') orderBySql = sql`ORDER BY fee_rate DESC`;",
      '  else orderBySql = sql`ORDER BY block_height DESC`;',
      '  return await sql`SELECT tx_id FROM txs WHERE canonical = true ${orderBySql} LIMIT ${limit} OFFSET ${offset}`;',
      '}',
    ].join('\n');
    const found = (await analyzeFile({ path: 'src/datastore/store.ts', text: ts }, { analyzers: [rulesAnalyzer({}), ormOffsetAnalyzer({})] })).findings.filter((f) => f.ruleId === 'offset-pagination');
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    assert.equal(ts.slice(0, found[0].span.start).split('\n').length, 5);
  });

  it('select-star: a statement kept in a const (`const query = sql`…``) whose rows a later call hands to a model constructor is the model', async () => {
    const schema = 'CREATE TABLE notes (id serial PRIMARY KEY, name text NOT NULL, "acteeId" varchar, meta jsonb, "deletedAt" timestamptz);';
    const js = (then: string) =>
      [
        "const { sql } = require('slonik');",
        'const getByActee = (acteeId, whole) => ({ maybeOne }) => {',
        '  const selectables = whole ? sql`* FROM notes` : sql`id, name FROM notes`;',
        '  const query = sql`',
        '    SELECT ${selectables}',
        '    WHERE "acteeId"=${acteeId} AND "deletedAt" IS NULL',
        '  `;',
        `  return maybeOne(query).then(${then});`,
        '};',
        'module.exports = { getByActee };',
      ].join('\n');
    const run = async (then: string) => (await analyzeFile({ path: 'lib/model/query/notes.js', text: js(then) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] })).findings.filter((f) => f.ruleId === 'select-star');
    assert.equal((await run('map(construct(Note))')).length, 0, 'rows handed to the Note model');
    assert.equal((await run('map((note) => note.acteeId)')).length, 1, 'one column read: still a finding');
  });

  it('the same condition written twice is one choice: a join and the filter on it come together or not at all', async () => {
    const ts = [
      'export async function forms(sql: any, actorId?: number) {',
      '  return sql`SELECT f.id FROM forms f ${actorId == null ? sql`` : sql`JOIN grants g ON g.form_id = f.id`} WHERE f.live ${actorId == null ? sql`` : sql`AND g.actor_id = ${actorId}`} ORDER BY f.id`;',
      '}',
    ].join('\n');
    const [site] = await sitesIn(ts, 'src/pg/forms.ts');
    assert.deepEqual(new Set([site.sql, ...(site.variants ?? []).map((v) => v.sql)].map(flat)), new Set(['SELECT f.id FROM forms f JOIN grants g ON g.form_id = f.id WHERE f.live AND g.actor_id = $1 ORDER BY f.id', 'SELECT f.id FROM forms f WHERE f.live ORDER BY f.id']));
  });
});
