/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-u (session 34: ODK Central in plain JavaScript on slonik,
 * Hiro's Stacks API in TypeScript on postgres.js and node-pg-migrate, GOV.UK's Publishing API on Rails), each fixed as a
 * kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { updateDeleteWithoutWhere } from '../../../../src/core/rules/updateDeleteWithoutWhere';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { isNodePgMigrate, nodePgMigrateDdl } from '../../../../src/core/sql/nodePgMigrate';
import { isKnexSchemaBuilder, knexSchemaDdl } from '../../../../src/core/sql/knexSchema';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { declaredForeignKey, declaredLeadingColumn, declaredNotNull, declaredOneRow, declaredUniqueColumn } from '../../../../src/core/sql/declaredIndexes';
import { declared } from './helpers';

const MIGRATION = [
  "import type { MigrationBuilder } from 'node-pg-migrate';",
  '',
  'export const up = (pgm: MigrationBuilder) => {',
  "  pgm.createTable('app_tip', {",
  "    id: { type: 'bool', primaryKey: true, default: true },",
  "    height: { type: 'integer', notNull: true },",
  "    updated_at: { type: 'timestamptz', default: pgm.func('(NOW())') },",
  '  });',
  "  pgm.addConstraint('app_tip', 'app_tip_one_row', 'CHECK(id)');",
  "  pgm.createTable('transfers', {",
  "    id: 'id',",
  "    sender: { type: 'string', notNull: true },",
  "    recipient: { type: 'string' },",
  "    payload: { type: 'bytea' },",
  '  });',
  "  pgm.createIndex('transfers', 'sender');",
  "  pgm.createIndex('transfers', [{ name: 'recipient', sort: 'DESC' }, 'id'], { method: 'btree' });",
  '};',
].join('\n');

const WRITE_STORE = (table: string) =>
  [
    'export class WriteStore {',
    '  async advance(height: number) {',
    '    const sql = this.sql;',
    `    await sql\`UPDATE ${table} SET height = \${height}, updated_at = NOW()\`;`,
    '  }',
    '}',
  ].join('\n');

describe('rules-u kinds', () => {
  it("node-pg-migrate's builder calls are read as the DDL they run: tables, columns, NOT NULL, indexes and constraints", () => {
    assert.ok(isNodePgMigrate(MIGRATION));
    const d = declared(nodePgMigrateDdl(MIGRATION));
    assert.deepEqual([...d.tables!.get('transfers')!.columns].sort(), ['id', 'payload', 'recipient', 'sender']);
    assert.equal(declaredNotNull(d, 'transfers', 'sender'), true);
    assert.equal(declaredNotNull(d, 'transfers', 'recipient'), false);
    assert.ok(d.tables!.get('transfers')!.large.has('payload'));
    assert.ok(declaredLeadingColumn(d, 'transfers', 'sender'));
    assert.ok(declaredLeadingColumn(d, 'transfers', 'recipient'), 'an index led by a sorted column');
    assert.equal(nodePgMigrateDdl('const x = db.createTable("a", {});'), '', 'no pgm builder, no DDL');
  });

  it('update-delete-without-where: an UPDATE of a table the schema holds to one row (a boolean primary key with CHECK (id)) is a note, not a warning', async () => {
    const d = declared(nodePgMigrateDdl(MIGRATION));
    assert.ok(declaredOneRow(d, 'app_tip'));
    assert.ok(!declaredOneRow(d, 'transfers'));
    const run = async (table: string) => (await analyzeFile({ path: 'src/datastore/write-store.ts', text: WRITE_STORE(table) }, { analyzers: [rulesAnalyzer({ rules: [updateDeleteWithoutWhere], declared: d })] })).findings;
    const one = await run('app_tip');
    assert.equal(one.length, 1);
    assert.equal(one[0].severity, 'info', one[0].message);
    assert.match(one[0].message, /one row/);
    const many = await run('transfers');
    assert.equal(many.length, 1);
    assert.equal(many[0].severity, 'warning', 'a table of many rows keeps its warning');
  });

  it('a one-row table declared in SQL: an integer key pinned by CHECK (id = 1), or a table-level CHECK on a boolean key', () => {
    assert.ok(declaredOneRow(declared('CREATE TABLE settings_row (id integer PRIMARY KEY CHECK (id = 1), body jsonb);'), 'settings_row'));
    assert.ok(declaredOneRow(declared('CREATE TABLE tip (lock boolean NOT NULL DEFAULT true, h int, PRIMARY KEY (lock), CONSTRAINT one CHECK (lock));'), 'tip'));
    assert.ok(declaredOneRow(declared('CREATE TABLE tip (lock boolean PRIMARY KEY, h int);\nALTER TABLE tip ADD CONSTRAINT tip_one CHECK (lock);'), 'tip'));
    assert.ok(!declaredOneRow(declared('CREATE TABLE t (id serial PRIMARY KEY, qty int CHECK (qty));'), 't'), 'a check on another column');
    assert.ok(!declaredOneRow(declared('CREATE TABLE t (id int PRIMARY KEY CHECK (id > 0));'), 't'), 'a range is no single value');
  });

  it('select-star: INSERT INTO a SELECT * FROM b where the file creates b as a copy of a ((LIKE a), AS TABLE a) writes the same columns in the same order: no finding', async () => {
    const replay = (create: string) =>
      [
        "import { connectPostgres } from '@example/pg';",
        'export async function* stagedEvents(stream: Readable) {',
        "  const sql = await connectPostgres({ usageName: 'replay' });",
        '  const reserved = await sql.reserve();',
        '  try {',
        '    await reserved`CREATE TEMPORARY TABLE staged_events(id bigint PRIMARY KEY, path text NOT NULL, payload jsonb NOT NULL)`;',
        create,
        '    await reserved`',
        '      INSERT INTO staged_events',
        '      SELECT *',
        '      FROM raw_events',
        '      ON CONFLICT DO NOTHING',
        '    `;',
        '  } finally {',
        '    reserved.release();',
        '  }',
        '}',
      ].join('\n');
    const run = async (create: string) => (await analyzeFile({ path: 'src/replay/import.ts', text: replay(create) }, { analyzers: [rulesAnalyzer({ rules: [selectStar] })] })).findings.filter((f) => f.ruleId === 'select-star');
    assert.deepEqual(await run('    await reserved`CREATE TEMPORARY TABLE raw_events (LIKE staged_events)`;'), []);
    assert.deepEqual(await run('    await reserved`CREATE TEMP TABLE raw_events AS TABLE staged_events WITH NO DATA`;'), []);
    const other = await run('    await reserved`CREATE TEMPORARY TABLE raw_events(id bigint, payload jsonb, path text)`;');
    assert.equal(other.length, 1, 'a table of its own columns keeps the finding');
  });

  const KNEX = [
    'const up = async (db) => {',
    "  await db.schema.createTable('folders', (folders) => {",
    "    folders.increments('id').primary();",
    "    folders.text('name').notNull();",
    '  });',
    "  await db.schema.createTable('labels', (labels) => {",
    "    labels.increments('id').primary();",
    "    labels.text('name').notNull();",
    "    labels.integer('folderId').notNull();",
    "    labels.jsonb('meta');",
    "    labels.string('slug', 64).unique();",
    '',
    "    labels.foreign('folderId').references('folders.id');",
    "    labels.unique(['folderId', 'name']);",
    '  });',
    "  await db.schema.table('labels', (labels) => {",
    "    labels.dateTime('createdAt').notNull().index();",
    '  });',
    '};',
    'module.exports = { up };',
  ].join('\n');

  it("knex's schema builder is read as the DDL it runs: columns, NOT NULL, keys, foreign keys and indexes", () => {
    assert.ok(isKnexSchemaBuilder(KNEX));
    const d = declared(knexSchemaDdl(KNEX));
    assert.deepEqual([...d.tables!.get('labels')!.columns].sort(), ['createdat', 'folderid', 'id', 'meta', 'name', 'slug']);
    assert.equal(declaredNotNull(d, 'labels', 'folderId'), true);
    assert.ok(declaredForeignKey(d, 'labels', 'folderId'));
    assert.ok(declaredLeadingColumn(d, 'labels', 'folderId'), 'unique (folderId, name)');
    assert.ok(declaredLeadingColumn(d, 'labels', 'createdAt'), '.index() on a column added later');
    assert.ok(declaredUniqueColumn(d, 'labels', 'slug'));
    assert.ok(d.tables!.get('labels')!.large.has('meta'));
    assert.equal(knexSchemaDdl("const t = await db.select('*').from('labels');"), '');
  });

  it('non-sargable-predicate: lower(name) beside a foreign key a knex migration declares (one folder\'s labels) is a note, as for a SQL schema', async () => {
    const js = ["const { sql } = require('slonik');", 'const getDuplicate = (label) => ({ maybeOne }) => maybeOne(sql`', '  SELECT name FROM labels', '  WHERE lower(name) = lower(${label.name})', '    AND "folderId" = ${label.folderId}', '`);', 'module.exports = { getDuplicate };'].join('\n');
    const run = async (schema: string) => (await analyzeFile({ path: 'lib/model/query/labels.js', text: js }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(schema) })] })).findings;
    const f = await run(knexSchemaDdl(KNEX));
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info', f[0].message);
    const without = await run('');
    assert.equal(without[0]?.severity, 'warning', 'without the schema the warning stands');
  });

  it('select-star: rows a JavaScript call hands straight to a model constructor (.then(map(construct(Note))), new Note(row), Note.fromRow) are the model: no finding', async () => {
    const schema = 'CREATE TABLE notes (id serial PRIMARY KEY, name text NOT NULL, "folderId" integer NOT NULL, meta jsonb, slug varchar UNIQUE, "deletedAt" timestamptz);';
    const js = (then: string) => ["const { sql } = require('slonik');", 'const getById = (id) => ({ maybeOne }) =>', '  maybeOne(sql`select * from notes where id=${id} and "deletedAt" is null`)', `    .then(${then});`, 'module.exports = { getById };'].join('\n');
    const run = async (then: string) => (await analyzeFile({ path: 'lib/model/query/notes.js', text: js(then) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] })).findings.filter((f) => f.ruleId === 'select-star');
    assert.deepEqual(await run('map(construct(Note))'), []);
    assert.deepEqual(await run('map((x) => new Note(x))'), []);
    assert.deepEqual(await run('map(Note.fromRow)'), []);
    assert.equal((await run('map((note) => note.name)')).length, 1, 'a row whose one column is read keeps the finding (meta unread)');
  });

  it("select-star: rows a promise callback hands on whole (.then(dbStream => streamBlobs(s3, dbStream))) are no subset; the callback's parameter list is not a hand-off", async () => {
    const schema = 'CREATE TABLE notes (id serial PRIMARY KEY, name text NOT NULL, "folderId" integer NOT NULL, meta jsonb, body text, "deletedAt" timestamptz);';
    const js = (then: string) => ["const { sql } = require('slonik');", 'const streamForExport = (folderId) => ({ s3, stream }) => stream(sql`', '  select notes.* from notes where "folderId"=${folderId} order by id`)', `  .then(${then});`, 'module.exports = { streamForExport };'].join('\n');
    const run = async (then: string) => (await analyzeFile({ path: 'lib/model/query/notes.js', text: js(then) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] })).findings.filter((f) => f.ruleId === 'select-star');
    assert.deepEqual(await run('dbStream => streamRows(s3, dbStream)'), []);
    assert.deepEqual(await run('(dbStream) => streamRows(s3, dbStream)'), []);
    assert.equal((await run('(note) => note.name')).length, 1, 'the callback reads one column: still a subset');
  });
});

