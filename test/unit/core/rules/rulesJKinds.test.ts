/**
 * Kinds of misses from the blind look at split rules-j (issue 14, fourteenth session), each on our own fixture code:
 * a table named by an attribute path in a Python f-string (`FROM {self.qualified.jobs}`, said "cannot read"), pg-promise's
 * query-formatting variables (`$1:name`, `$<name>`, `${name}` in a plain string: said "cannot parse near $"), and an
 * OFFSET fragment whose `$n` is numbered by the code (`` `OFFSET $${values.length + 1}` ``, silent); and an expression on a
 * column the app's own schema (created in an f-string: `CREATE TABLE {qn.jobs_table} (…)`) indexes nowhere, reported as
 * hiding an index there is none of.
 */
import { strict as assert } from 'node:assert';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { checkSite } from '../../../../src/core/rules/engine';
import { RULES } from '../../../../src/core/rules';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { sitesIn } from '../../support/extractFixtures';
import { declaredFindings } from './helpers';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('rules-j kinds: a table named by an attribute path in a Python f-string', function () {
  this.timeout(30000);
  const BUILDER = [
    'class QueryBuilder:',
    '    def __init__(self, settings, names):',
    '        self.settings = settings',
    '        self.names = names',
    '',
    '    def browse(self) -> str:',
    '        return f"""SELECT id, kind, state FROM {self.names.jobs_table}',
    '        ORDER BY priority DESC, id',
    '        LIMIT $1 OFFSET $2',
    '        """',
    '',
    '    def by_id(self) -> str:',
    '        return f"SELECT id, state FROM {self.settings.schema}.jobs WHERE id = $1"',
    '',
  ].join('\n');

  it('the statement is read with the path\'s last parts as the name (it was "rule parser cannot read it")', async () => {
    const sites = await sitesIn(BUILDER, 'app/persistence/builder.py');
    const sqls = sites.map((s) => flat(s.sql));
    assert.ok(sqls.includes('SELECT id, kind, state FROM names.jobs_table ORDER BY priority DESC, id LIMIT $1 OFFSET $2'), JSON.stringify(sqls));
    // A qualifier spliced before a written table keeps one part: `schema.jobs`, not `self.settings.schema.jobs`.
    assert.ok(sqls.includes('SELECT id, state FROM schema.jobs WHERE id = $1'), JSON.stringify(sqls));
  });

  it('and judged: the OFFSET page is reported (its size unproved without a database), at the OFFSET line', async () => {
    const sites = await sitesIn(BUILDER, 'app/persistence/builder.py');
    const browse = sites.find((s) => /OFFSET/.test(s.sql));
    assert.ok(browse);
    const found = checkSite(browse, RULES).filter((f) => f.ruleId === offsetPagination.id);
    assert.equal(found.length, 1);
    assert.deepEqual([found[0].severity, found[0].evidence?.size], ['info', 'unproved']);
    assert.equal(BUILDER.slice(0, found[0].span.start).split('\n').length, 9);
  });
});

describe("rules-j kinds: pg-promise's query-formatting variables", function () {
  this.timeout(30000);
  const ADAPTER = [
    "const pgp = require('pg-promise')();",
    'const db = pgp(process.env.DATABASE_URL);',
    '',
    'async function save(className, schema, id, columns) {',
    '  await db.none(\'UPDATE "_registry" SET $2:name = jsonb_set($2:name, $3, $4) WHERE "className" = $1\', [className, "schema", "{a}", "1"]);',
    '  await db.none(\'INSERT INTO "_registry" ("className", "schema") VALUES ($<className>, $<schema>)\', { className, schema });',
    '  await db.any(\'SELECT indexname FROM pg_indexes WHERE tablename = ${className}\', { className });',
    '  await db.one(`SELECT count(*) FROM $1:name WHERE "owner" = $2`, [className, id]);',
    "  await db.any('SELECT $1:raw FROM items WHERE id = $2', [columns, id]);",
    '}',
    '',
  ].join('\n');

  it('a name variable is read as a quoted name, a named value as $n (they were "cannot parse")', async () => {
    const sites = await sitesIn(ADAPTER, 'src/storage/adapter.js');
    const sqls = sites.map((s) => flat(s.sql));
    assert.deepEqual(sqls.slice(0, 4), [
      'UPDATE "_registry" SET "$2:name" = jsonb_set("$2:name", $3, $4) WHERE "className" = $1',
      'INSERT INTO "_registry" ("className", "schema") VALUES ($1, $2)',
      'SELECT indexname FROM pg_indexes WHERE tablename = $1',
      'SELECT count(*) FROM "$1:name" WHERE "owner" = $2',
    ]);
    // The same named variable twice is one parameter; whole statements, not dynamic.
    assert.ok(sites.slice(0, 4).every((s) => !s.dynamic));
  });

  it('raw text (`$1:raw`) is a value whose text is unknown: the statement is dynamic', async () => {
    const sites = await sitesIn(ADAPTER, 'src/storage/adapter.js');
    const raw = sites.find((s) => /FROM items/.test(s.sql));
    assert.ok(raw);
    assert.equal(flat(raw.sql), 'SELECT $1 FROM items WHERE id = $2');
    assert.equal(raw.dynamic, true);
  });

  it('an unmatched bracket or a PostgreSQL dollar quote is not a variable', async () => {
    const sites = await sitesIn("await db.any('SELECT $body$ a $<b) $body$ AS x FROM t WHERE id = $1', [id]);\n", 'src/q.js');
    assert.equal(sites.length, 1);
    assert.match(sites[0].sql, /\$body\$ a \$<b\) \$body\$/);
  });
});

describe('rules-j kinds: an OFFSET fragment numbered by the code', () => {
  it('`OFFSET $${values.length + 1}` joined into a statement later is offset pagination', () => {
    const js = [
      'function find(table, where, values, limit, skip) {',
      '  const limitPattern = limit !== undefined ? `LIMIT $${values.length + 1}` : "";',
      '  const skipPattern = skip !== undefined ? `OFFSET $${values.length + 2}` : "";',
      '  return db.any(`SELECT * FROM ${table} ${where} ${limitPattern} ${skipPattern}`, values);',
      '}',
      '',
    ].join('\n');
    const found = findOrmOffsets(js, 'src/storage/find.js', []);
    assert.equal(found.length, 1);
    assert.equal(js.slice(0, found[0].at).split('\n').length, 3);
    assert.match(found[0].what, /^OFFSET \$\$\{values\.length\+2\}$/);
  });

  it('a literal offset is still not pagination', () => {
    assert.deepEqual(findOrmOffsets('const q = `SELECT id FROM t ORDER BY id LIMIT 10 OFFSET 0`;\n', 'src/q.js', []), []);
  });
});

describe('rules-j kinds: an expression on a column no declared index holds', function () {
  this.timeout(30000);
  const SCHEMA = [
    'class Builder:',
    '    def install(self):',
    '        qn = self.qualified',
    // The persistence word and a column's type spliced in too (`CREATE {policy} TABLE`, `status {qn.status_type}`).
    '        return f"""CREATE {self.policy} TABLE {qn.jobs_table} (',
    '            id SERIAL PRIMARY KEY, priority INT NOT NULL, status {qn.status_type} NOT NULL, heartbeat TIMESTAMPTZ NOT NULL',
    '        );',
    '        CREATE INDEX {qn.jobs_table}_prio ON {qn.jobs_table} (priority DESC, id) WHERE status = \'queued\';',
    '        """',
    '',
  ].join('\n');

  const findings = (sql: string[], schema = SCHEMA) => declaredFindings(sql, schema, [nonSargablePredicate]);

  it('a table the code creates under an attribute path is declared by the path\'s last part, and an unindexed column hides nothing', async () => {
    assert.deepEqual(await findings([
      "SELECT id FROM qualified.jobs_table WHERE NOW() - heartbeat > interval '30 seconds'",
      'SELECT id FROM jobs_table WHERE status::text = $1',
    ]), []);
  });

  it('a column an index holds still warns; so does any column of a table with an index the code fills in', async () => {
    assert.deepEqual(await findings(['SELECT id FROM qualified.jobs_table WHERE priority::text = $1']), [['non-sargable-predicate', 'warning', 'priority::text']]);
    const loop = SCHEMA.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS ix_{col} ON {qn.jobs_table} ("{col}");\n        CREATE INDEX');
    assert.deepEqual(await findings(["SELECT id FROM jobs_table WHERE NOW() - heartbeat > interval '1 hour'"], loop), [['non-sargable-predicate', 'warning', 'NOW() - heartbeat']]);
    // A table the schema does not create is no evidence either way.
    assert.deepEqual(await findings(["SELECT id FROM other WHERE NOW() - heartbeat > interval '1 hour'"]), [['non-sargable-predicate', 'warning', 'NOW() - heartbeat']]);
  });
});
