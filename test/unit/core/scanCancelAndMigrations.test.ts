/**
 * Scan Workspace on a real Go service (issue 20, person16): Cancel reaches the analyzers between statements (HIGH 1),
 * and a migration's statements are not planned or advised on by default (MEDIUM 4).
 */
import * as assert from 'node:assert/strict';
import { analyzeFile, plannedIn, rulesAnalyzer, scanFiles, type Analyzer } from '../../../src/core/scan';
import { DEFAULT_CONTEXT_POLICY } from '../../../src/core/codeContext';
import { mergeStatements } from '../../../src/db/indexDecision';
import { extractSqlSites } from '../../../src/core/extract';
import { loadPgParser } from '../../../src/core/sql/statement';

/** An analyzer that records what each file's input said. */
function recorder(seen: { file: string; planned?: boolean; cancelled?: boolean }[], during?: (file: string) => void): Analyzer {
  return {
    id: 'recorder',
    rules: [],
    analyze(input) {
      during?.(input.file);
      seen.push({ file: input.file, planned: input.planned, cancelled: input.isCancelled?.() });
      return [];
    },
  };
}

describe('core/scan: Cancel reaches the analyzers (person16 HIGH 1)', () => {
  it('a Cancel pressed while a file is analysed is seen by its analyzers, and the scan stops there', async () => {
    let stop = false;
    const seen: { file: string; cancelled?: boolean }[] = [];
    // Cancel is pressed while the second file's statements are being proved.
    const files = ['a.go', 'b.go', 'c.go', 'd.go'].map((path) => ({ path, text: 'package x\n' }));
    const r = await scanFiles(files, { analyzers: [recorder(seen, (f) => (stop ||= f === 'b.go'))], isCancelled: () => stop });
    assert.deepEqual(seen.map((s) => [s.file, s.cancelled]), [['a.go', false], ['b.go', true]]);
    assert.equal(r.cancelled, true);
    assert.equal(r.files, 1, 'the file cut short is not reported as read (its findings would be partial)');
  });
});

describe('core/scan: migrations are not planned (person16 MEDIUM 4)', () => {
  it('tells the analyzers a migration file is not planned; request code, and migrations under --context migration=keep, are', async () => {
    const seen: { file: string; planned?: boolean }[] = [];
    for (const path of ['migrations/101_fix_free_storage_expiry.up.sql', 'db/migrate/20240101_add_x.rb', 'pkg/repo/trash.go']) {
      await analyzeFile({ path, text: 'UPDATE subscriptions SET expiry_time = 1 WHERE storage = 10737418240;\n' }, { analyzers: [recorder(seen)] });
    }
    assert.deepEqual(seen.map((s) => s.planned), [false, false, true]);
    assert.equal(plannedIn('migration', { ...DEFAULT_CONTEXT_POLICY, migration: 'keep' }), true);
    assert.equal(plannedIn('migration', { ...DEFAULT_CONTEXT_POLICY, migration: 'warning' }), false);
    assert.equal(plannedIn('job'), true);
  });

  it('gives no "not analysed" hint in a migration (no advice runs there anyway); request code keeps it', async () => {
    const go = (sqlVar: string) => `package x\n\nfunc f(db *sql.DB, table string) {\n\tdb.Exec("UPDATE " + ${sqlVar} + " SET is_deleted = true WHERE id = $1", 1)\n}\n`;
    const inMigration = await analyzeFile({ path: 'migrations/migrate.go', text: go('table') }, { analyzers: [rulesAnalyzer()] });
    const inRequest = await analyzeFile({ path: 'pkg/repo/trash.go', text: go('table') }, { analyzers: [rulesAnalyzer()] });
    assert.ok(inRequest.findings.some((f) => f.ruleId === 'not-analysed'), JSON.stringify(inRequest.findings.map((f) => f.ruleId)));
    assert.deepEqual(inMigration.findings.filter((f) => f.ruleId === 'not-analysed'), []);
  });
});

describe('db/indexDecision mergeStatements: each statement once, by lookup (person16 HIGH 1)', () => {
  before(() => loadPgParser());

  // The same answer the search over the whole list gave (it passes on 81a5a0bd too): the lookup changes the cost only.
  it('a file statement the same as one already merged — by text, by spacing, or after a fingerprint match took its text — is not added again', () => {
    const top = [{ sql: 'SELECT id FROM trash WHERE user_id = 5', label: 'queryid 1', calls: 100, totalMs: 50 }];
    const m = mergeStatements(top, [
      { sql: 'SELECT id FROM trash WHERE user_id = $1', source: 'pkg/repo/trash.go:10' },
      { sql: 'SELECT id FROM trash WHERE user_id = $1', source: 'pkg/repo/trash.go:20' },
      { sql: 'SELECT  id FROM trash\n WHERE user_id = $1', source: 'pkg/repo/trash.go:30' },
      { sql: 'SELECT email FROM users WHERE user_id = $1', source: 'pkg/repo/user.go:5' },
      { sql: 'SELECT email FROM users\n  WHERE user_id = $1', source: 'pkg/repo/user.go:9' },
    ]);
    assert.deepEqual(m.statements.map((s) => [s.sql, s.calls]), [
      ['SELECT id FROM trash WHERE user_id = $1', 100],
      ['SELECT email FROM users\n  WHERE user_id = $1', undefined],
    ]);
    assert.equal(m.fromStatStatements, 1);
  });

  it('a pg_stat_statements entry the code writes at several places is named by the first and says where else (person28 M2: the calls filed under a file that never ran)', () => {
    const top = [{ sql: 'SELECT id FROM orders WHERE customer_id = $1', label: 'queryid 7', calls: 478, totalMs: 1300 }];
    const m = mergeStatements(top, [
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/Orders.java:8' },
      { sql: 'SELECT id\n  FROM orders\n WHERE customer_id = $1', source: 'src/customers.ts:25' },
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/orders.go:6' },
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/orders.rb:7' },
      { sql: 'SELECT email FROM users WHERE id = $1', source: 'src/users.ts:3' },
      { sql: 'SELECT email FROM users WHERE id = $1', source: 'src/users.ts:9' },
    ]);
    assert.deepEqual(m.statements.map((s) => s.label), [
      // No place known to run (no other statement of these files ran): by place.
      'other/Orders.java:8: SELECT id FROM orders WHERE customer_id = $1 (the same statement at other/orders.go:6, other/orders.rb:7 and 1 more too)',
      // Not in pg_stat_statements: no figures to share out, named by one place as before.
      'src/users.ts:9: SELECT email FROM users WHERE id = $1',
    ]);
  });

  it('…and by the place that runs it first: a file whose own statement ran (person30 L2: "for other/Orders.java:8" while src/customers.ts:26 ran it)', () => {
    const top = [
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', label: 'queryid 7', calls: 478, totalMs: 1300 },
      { sql: 'SELECT id, name FROM customers WHERE lower(email) = lower($1)', label: 'queryid 8', calls: 168, totalMs: 330 },
    ];
    const m = mergeStatements(top, [
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/Orders.java:8' },
      { sql: 'SELECT id FROM orders WHERE customer_id = $1', source: 'other/customers.py:17' },
      { sql: 'SELECT id\n  FROM orders\n WHERE customer_id = $1', source: 'src/customers.ts:26' },
      { sql: 'SELECT id, name FROM customers WHERE lower(email) = lower($1)', source: 'src/customers.ts:19' },
    ]);
    assert.equal(m.statements[0].label, 'src/customers.ts:26: SELECT id FROM orders WHERE customer_id = $1 (the same statement at other/Orders.java:8, other/customers.py:17 too)');
  });

  it("a statement of the code that does not parse as written (a name the code fills in, `FROM ${table}`) is left out with its reason, never weighed as one PostgreSQL rejects (person21 LOW 2)", async () => {
    const code = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const max = async (table: string) => (await pool.query(`SELECT max(id) AS n FROM ${table}`)).rows[0].n;\nexport const one = (id: number) => pool.query(`SELECT name FROM products WHERE id = $1`, [id]);\n";
    const sites = await extractSqlSites(code, '/app/src/traffic.ts', '/app/src/traffic.ts');
    const found = sites.map((s, i) => ({ sql: s.sql, source: `src/traffic.ts:${i + 3}`, ...(s.dynamic ? { dynamic: true } : {}) }));
    assert.equal(found.length, 2, JSON.stringify(sites.map((s) => s.sql)));
    const m = mergeStatements([], found);
    assert.deepEqual(m.statements.map((s) => s.label), ['src/traffic.ts:4: SELECT name FROM products WHERE id = $1']);
    assert.deepEqual(m.leftOut, [{ why: "that PostgreSQL's parser rejects as written (a name the code fills in at run time, or another dialect)", statements: 1 }]);
    // An appended clause the code chooses (dynamic) says so.
    const appended = mergeStatements([], [{ sql: 'SELECT FROM WHERE', source: 'src/q.ts:9', dynamic: true }]);
    assert.deepEqual(appended.leftOut, [{ why: 'whose text the code completes at run time (as written they do not parse)', statements: 1 }]);
  });
});
