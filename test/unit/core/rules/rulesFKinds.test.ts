/**
 * Kinds of false alarms and misses from the blind look at split rules-f (issue 14, tenth session), each on our own
 * fixture code: an expression that only filters the rows an indexed equality already found, a function of a whole
 * row, row locks, sqlc queries (whose `*` sqlc writes out at generate time),
 * a subquery that drops its own NULLs, an app's one-letter prepare helper taken for Ruby's `p`, and migration files
 * named for what they hold.
 */
import { strict as assert } from 'node:assert';
import { leadingWildcardLike } from '../../../../src/core/rules/leadingWildcardLike';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { codeContextOf } from '../../../../src/core/codeContext';
import { sitesIn } from '../../support/extractFixtures';
import { declared, error, ok } from './helpers';

const SCHEMA = [
  'CREATE TABLE payment_route (id serial PRIMARY KEY, owner bigint NOT NULL, kind route_kind NOT NULL, region text, label text, created timestamptz NOT NULL);',
  'CREATE INDEX payment_route_owner_idx ON payment_route (owner);',
  // Indexes that hold the wrapped columns: an expression on a column no declared index holds hides none (rules-j).
  'CREATE INDEX payment_route_kind_idx ON payment_route (kind, region);',
  'CREATE INDEX ledger_booked_idx ON ledger (booked);',
  'CREATE TABLE ledger (id serial PRIMARY KEY, payer bigint NOT NULL, payee bigint NOT NULL, team bigint, booked timestamptz NOT NULL, amount numeric NOT NULL);',
  'CREATE INDEX ledger_payer_idx ON ledger (payer);',
  'CREATE TABLE token (account bigint NOT NULL, n int NOT NULL, secret text NOT NULL, UNIQUE (account, n));',
  'CREATE TABLE audit (id serial PRIMARY KEY, actor bigint, body jsonb, at timestamptz);',
].join('\n');

describe('rules-f kinds: what the schema files say about a statement', () => {
  it('an expression beside an equality on a column an index of the schema files leads with only filters the rows: a note that says so', async () => {
    const ts = [
      'export async function routes(db, owner: number, kind: string, year: number, region: string) {',
      "  await db.query(`SELECT id FROM payment_route WHERE owner = $1 AND kind::text LIKE 'card-%'`, [owner]);",
      '  await db.query(`SELECT id FROM payment_route WHERE owner = $1 AND COALESCE(region, \'\') = $2`, [owner, region]);',
      '  await db.query(`SELECT sum(amount) FROM ledger l WHERE l.payer = $1 AND extract(year from l.booked) = $2`, [owner, year]);',
      "  await db.query(`DELETE FROM token WHERE account = $1 AND secret LIKE '%.mail'`, [owner]);",
      // A LATERAL looks the routes up once per outer row by the indexed column, as a parameter would.
      "  await db.query(`SELECT s.id, r.id FROM schedule s JOIN LATERAL (SELECT r.id FROM payment_route r WHERE r.owner = s.payer AND r.kind::text LIKE 'card-%') r ON true`);",
      // The lookup's index holds the wrapped column as a later key (UNIQUE (account, n)): the expression loses it.
      '  await db.query(`SELECT secret FROM token WHERE account = $1 AND n::text = $2`, [owner, kind]);',
      // No index leads with `payee`, nor with `label`: still warnings.
      '  await db.query(`SELECT sum(amount) FROM ledger WHERE payee = $1 AND extract(year from booked) = $2`, [owner, year]);',
      "  await db.query(`SELECT id FROM payment_route WHERE label = $1 AND kind::text LIKE 'card-%'`, [kind]);",
      '}',
      '',
    ];
    const r = await analyzeFile({ path: 'src/routes.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate, leadingWildcardLike], declared: declared(SCHEMA) })] });
    const got = r.findings.map((f) => [f.ruleId, f.severity, (f.evidence?.lookupBy as string) ?? null]);
    assert.deepEqual(got, [
      ['non-sargable-predicate', 'info', 'owner'],
      ['non-sargable-predicate', 'info', 'owner'],
      ['non-sargable-predicate', 'info', 'payer'],
      ['leading-wildcard-like', 'info', 'account'],
      ['non-sargable-predicate', 'info', 'owner'],
      ['non-sargable-predicate', 'warning', null],
      ['non-sargable-predicate', 'warning', null],
      ['non-sargable-predicate', 'warning', null],
    ]);
    assert.match(r.findings[0].message, /only filters rows here: the same WHERE looks them up by owner, which an index of the schema files leads with/);
    // Without schema files nothing changes.
    const bare = await analyzeFile({ path: 'src/routes.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate, leadingWildcardLike] })] });
    // (leading-wildcard-like's scan is a note without a database since session 25: the table's size is unproved.)
    assert.deepEqual(bare.findings.map((f) => [f.ruleId, f.severity]), got.map(([rule]) => [rule, rule === 'leading-wildcard-like' ? 'info' : 'warning']));
    assert.equal(bare.findings.find((f) => f.ruleId === 'leading-wildcard-like')?.evidence?.size, 'unproved');
  });

  it('a function of a whole row (`f(t) > 0` with t the FROM\'s alias) hides no column', () => {
    ok(nonSargablePredicate, 'UPDATE tips AS t SET funded = true WHERE tippee = $1 AND compute_funding(t) > 0');
    ok(nonSargablePredicate, 'SELECT t.id FROM tips t WHERE compute_funding(t) > $1');
    error(nonSargablePredicate, 'SELECT t.id FROM tips t WHERE compute_funding(t.amount) > $1');
  });

  it('select-star: a row lock (`SELECT * … FOR UPDATE`) is about the lock, not the columns', () => {
    ok(selectStar, 'SELECT * FROM participants WHERE id = $1 FOR UPDATE');
    ok(selectStar, 'SELECT * FROM jobs WHERE state = $1 LIMIT 10 FOR UPDATE SKIP LOCKED');
    error(selectStar, 'SELECT * FROM participants WHERE id = $1');
  });

  it('select-star: a sqlc query (`-- name: X :many`) gets no note — sqlc writes the columns and their struct at generate time', async () => {
    const sqlc = ['-- name: ListRoutes :many', 'SELECT * FROM payment_route WHERE owner = $1;', '', '-- name: GetAudit :one', 'SELECT a.* FROM audit a WHERE id = $1;', ''].join('\n');
    const r = await analyzeFile({ path: 'store/queries.sql', text: sqlc }, { analyzers: [rulesAnalyzer({ rules: [selectStar] })] });
    assert.deepEqual(r.findings, []);
    // A named-query file of another library (aiosql, goyesql: `-- name: list-routes`) keeps the note.
    const aiosql = ['-- name: archive-routes', 'INSERT INTO payment_route_archive SELECT * FROM payment_route WHERE owner = :owner;', ''].join('\n');
    const a = await analyzeFile({ path: 'app/sql/routes.sql', text: aiosql }, { analyzers: [rulesAnalyzer({ rules: [selectStar] })] });
    assert.equal(a.findings.length, 1);
  });

  it('not-in-subquery: a subquery that drops its NULLs itself (`WHERE col IS NOT NULL`) has only the planning problem', async () => {
    const ts = [
      'export async function gc(db, kind: string) {',
      '  await db.query(`DELETE FROM queues q WHERE q.id NOT IN (SELECT queue_id FROM jobs WHERE queue_id IS NOT NULL)`);',
      '  await db.query(`DELETE FROM queues q WHERE q.id NOT IN (SELECT j.queue_id FROM jobs j WHERE j.queue_id IS NOT NULL AND j.kind = $1)`, [kind]);',
      '  await db.query(`DELETE FROM queues q WHERE q.id NOT IN (SELECT queue_id FROM jobs WHERE kind = $1)`, [kind]);',
      '}',
      '',
    ];
    const r = await analyzeFile({ path: 'src/gc.ts', text: ts.join('\n') }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery] })] });
    assert.deepEqual(r.findings.map((f) => f.severity), ['warning', 'info', 'warning']);
    assert.doesNotMatch(r.findings[0].message, /NULL/, 'over the whole table: the anti-join point only');
    assert.match(r.findings[2].message, /single NULL/);
  });
});

describe('rules-f kinds: discovery and contexts', () => {
  it("an app's one-letter prepare helper (`p.P(`…`)` in Go) is a statement, not Ruby's `p` print", async () => {
    const go = [
      'package store',
      '',
      'func NewStore(ctx context.Context, db *sql.DB) (*Store, error) {',
      '\tp := &util.Prepare{DB: db, Ctx: ctx}',
      '\treturn &Store{',
      '\t\tfindOne: p.P(`SELECT id, name FROM users WHERE id = $1`),',
      '\t\tmissing: p.P(`',
      '\t\t\tSELECT id FROM users WHERE id NOT IN (SELECT user_id FROM auth_subjects WHERE provider_id = $1)',
      '\t\t`),',
      '\t}, p.Err',
      '}',
      '',
      'func (s *RuleStore) init(prep *util.Prepare) {',
      '\tp := prep.P',
      '\ts.findAll = p("SELECT id, delay_minutes FROM user_notification_rules WHERE user_id = $1")',
      '}',
      '',
    ];
    const sites = await sitesIn(go, 'user/store.go');
    assert.equal(sites.length, 3);
    // Ruby's bare `p` / `pp` still print.
    const rb = ['def show', '  p "SELECT id FROM users WHERE id = 1"', '  pp("SELECT id FROM users WHERE id = 2")', 'end', ''];
    assert.deepEqual(await sitesIn(rb, 'app/models/user.rb'), []);
  });

  it('a file that holds every migration (`migrations.sql`) or creates the schema (`migrate.go`) is migration code', () => {
    assert.equal(codeContextOf('sql/migrations.sql'), 'migration');
    assert.equal(codeContextOf('storage/sql/migrate.go'), 'migration');
    assert.equal(codeContextOf('sql/schema.sql'), 'request');
    assert.equal(codeContextOf('app/sql/queries.sql'), 'request');
  });
});

describe('rules-f kinds: a schema created in code strings', () => {
  it('reads CREATE TABLE / CREATE INDEX / ALTER TABLE … ADD PRIMARY KEY whose table name follows a spliced schema (`${schema}.queue`, `{schema}.queue`)', () => {
    const plans = [
      'export function create(schema: string) {',
      '  return `',
      '    CREATE TABLE ${schema}.schedule (name text NOT NULL, key text NOT NULL DEFAULT \'\', cron text NOT NULL, PRIMARY KEY (name, key));',
      '    CREATE INDEX job_i1 ON ${schema}.job (name, state);',
      '    ALTER TABLE ${schema}.job ADD PRIMARY KEY (name, id);',
      '  `;',
      '}',
      'CREATE TABLE {schema}.records (id text PRIMARY KEY, parent_id text NOT NULL)',
    ].join('\n');
    const d = declared(plans);
    assert.deepEqual([...(d.tables?.get('schedule')?.columns ?? [])], ['name', 'key', 'cron']);
    assert.ok(d.get('schedule')?.has('name'), 'the primary key leads with name');
    assert.ok(d.get('job')?.has('name'));
    assert.ok(d.get('records')?.has('!id'));
  });
});
