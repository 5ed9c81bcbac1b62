/**
 * Kinds of false alarms of the SQL rules on the rules splits (issue 14, session 26, branch rulesq26), each on our own
 * fixture code: an expression on a later key of an index whose leading key is a foreign key (one parent's rows), an
 * expression in an optional filter (`$1 IS NULL OR …`), a view of a whole table, and a temporary table the code builds
 * from a query.
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { declared, error, facts, ok } from './helpers';

const SCHEMA = [
  'CREATE TABLE account (id bigserial PRIMARY KEY, name text);',
  'CREATE TABLE route (id serial PRIMARY KEY, account bigint NOT NULL REFERENCES account, network route_network NOT NULL, address text NOT NULL, UNIQUE (account, network, address));',
  'CREATE TABLE slot (queue text, key text NOT NULL, cron text, PRIMARY KEY (queue, key), CONSTRAINT slot_queue_fk FOREIGN KEY (queue) REFERENCES queue (name));',
  // A category, not a parent: `kind = 'USER'` picks a large share of the table, and the later key is what finds the row.
  'CREATE TABLE entity (id serial PRIMARY KEY, kind entity_kind NOT NULL, name text NOT NULL, UNIQUE (kind, name));',
].join('\n');

async function findings(lines: string[], schema = SCHEMA) {
  const ts = ['export async function f(db, a: number, b: string) {', ...lines.map((l) => `  await db.query(\`${l}\`, [a, b]);`), '}', ''];
  const r = await analyzeFile({ path: 'src/f.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(schema) })] });
  return r.findings;
}

describe('rules-q kinds: an expression on the later key of an index led by a foreign key', () => {
  it('`account = $1 AND network::text = $2` with UNIQUE (account, network, address) and account REFERENCES: a note that one parent\'s rows are read and their number is unproved', async () => {
    const f = await findings([
      'SELECT id FROM route WHERE account = $1 AND network::text = $2',
      "SELECT cron FROM slot WHERE queue = $1 AND COALESCE(key, '') = $2",
      "SELECT id FROM entity WHERE kind = 'USER' AND lower(name) = lower($1)",
      'SELECT id FROM entity WHERE kind = $1 AND lower(name) = lower($2)',
    ]);
    assert.deepEqual(f.map((x) => [x.severity, x.evidence?.lookupBy ?? null, x.evidence?.laterKeyLost ?? null, x.evidence?.size ?? null]), [
      ['info', 'account', 'network', 'unproved'],
      ['info', 'queue', 'key', 'unproved'],
      ['warning', null, null, null],
      ['warning', null, null, null],
    ]);
    assert.match(f[0].message, /only filters one account's rows here: .*keeps that index from using network as its next key.* How many rows one account has is unproved here/);
    assert.match(f[0].message, /index \(account, \(network::text\)\)\.$/);
  });
});

describe('rules-q kinds: a view of a whole table (`SELECT *`, `SELECT DISTINCT ON (…) *`)', () => {
  const VIEWS = [
    'CREATE TABLE gift (id serial PRIMARY KEY, giver bigint NOT NULL, taker bigint NOT NULL, amount money_amount NOT NULL, mtime timestamptz NOT NULL);',
    'CREATE INDEX gift_giver_idx ON gift (giver, mtime DESC);',
    'CREATE INDEX gift_amount_idx ON gift (amount);',
    'CREATE VIEW current_gift AS SELECT DISTINCT ON (giver, taker) * FROM gift ORDER BY giver, taker, mtime DESC;',
    'CREATE VIEW all_gift AS SELECT * FROM gift;',
  ].join('\n');
  it('a lookup on a DISTINCT ON column (or any column of a plain `*` view) is the table\'s index lookup: the expression beside it only filters; another column is no lookup', async () => {
    const f = await findings([
      'SELECT sum(t.amount) FROM current_gift t WHERE t.giver = $1 AND t.amount::text = $2',
      'SELECT sum(t.amount) FROM all_gift t WHERE t.giver = $1 AND t.amount::text = $2',
      // amount leads an index of gift, but it is not a DISTINCT ON column: the view checks it after the DISTINCT.
      'SELECT t.id FROM current_gift t WHERE t.amount = $1 AND lower(t.mtime::text) = $2',
    ], VIEWS);
    assert.deepEqual(f.map((x) => [x.severity, x.evidence?.lookupBy ?? null]), [
      ['info', 'giver'],
      ['info', 'giver'],
      ['warning', null],
    ]);
  });
});

describe('rules-q kinds: an expression in an optional filter (`$1 IS NULL OR …`)', () => {
  it('without a database a note that the size is unproved; with one, nothing under 10,000 rows and a warning over; a plain OR arm keeps its warning', () => {
    const sql = "SELECT name FROM secret WHERE ($1 IS NULL OR lower(name) LIKE (lower($1) || '%')) ORDER BY name LIMIT $2";
    const note = error(nonSargablePredicate, sql);
    assert.equal(note.severity, 'info');
    assert.equal(note.evidence?.size, 'unproved');
    assert.match(note.message, /optional filter \(\$1 IS NULL OR …\): without it the statement reads every row anyway\. How many rows the filter reads is unproved here/);
    // `$1::text IS NULL` too (a typed parameter).
    assert.equal(error(nonSargablePredicate, 'SELECT id FROM secret WHERE ($1::text IS NULL OR upper(name) = $1)').severity, 'info');
    ok(nonSargablePredicate, sql, { evidence: facts({ secret: { rows: 40, cols: { name: 'text idx' } } }) });
    assert.equal(error(nonSargablePredicate, sql, { evidence: facts({ secret: { rows: 1e6, cols: { name: 'text idx' } } }) }).severity, 'warning');
    assert.equal(error(nonSargablePredicate, 'SELECT id FROM secret WHERE (kind = $2 OR lower(name) = $1)').severity, 'warning');
    assert.equal(error(nonSargablePredicate, 'SELECT id FROM secret WHERE (note IS NULL OR lower(name) = $1)').severity, 'warning');
  });
});

describe('rules-q kinds: a temporary table the code builds from a query', () => {
  it('`CREATE TEMP TABLE t ON COMMIT DROP AS SELECT …` has no index but the ones the code creates on it: an expression on its columns hides none', async () => {
    // Beside the project's schema (the gift table and its index), as the code's DDL is read.
    const temp = 'CREATE TABLE gift (id serial PRIMARY KEY, taker bigint NOT NULL, paid numeric, amount numeric);\nCREATE INDEX gift_taker_idx ON gift (taker);\nCREATE TEMP TABLE temp_gift ON COMMIT DROP AS SELECT * FROM gift WHERE taker = $1;';
    const sql = 'SELECT taker FROM temp_gift WHERE taker = $1 AND coalesce(paid, amount) > 0';
    assert.deepEqual(await findings([sql], temp), []);
    // An index the code creates on it: the expression may hide that one.
    const indexed = await findings([sql], `${temp}\nCREATE INDEX ON temp_gift (paid);`);
    assert.deepEqual(indexed.map((x) => x.severity), ['warning']);
    // A table of that name the code does not create stays unknown: the warning (its index is not known either way).
    assert.deepEqual((await findings([sql], temp.replace('TABLE temp_gift', 'TABLE other_gift'))).map((x) => x.severity), ['warning']);
  });
});
