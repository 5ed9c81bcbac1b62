import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';
import { readPerParentFacts } from '../../../src/db/perParent';
import { rowsPerParent } from '../../../src/core/nplusone/perParent';

/**
 * An N+1 over one parent's children (issue 14): how many children a parent has is in the database, not the code.
 * Rows per parent = reltuples × (1 − null_frac) / distinct values of the child table's key column (pg_stats).
 */
describe('cli: pg-lens n-plus-one --db, rows per parent from pg_stats (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('cli_n1_per_parent');
  let dir: string;
  before(async () => {
    // 100 users with 40 applications each; 500 setting groups with 2 settings each; 4,000 applications in all.
    await t.admin.query('CREATE TABLE application (id bigserial PRIMARY KEY, user_id int NOT NULL, seen timestamptz)');
    await t.admin.query('INSERT INTO application (user_id) SELECT g % 100 FROM generate_series(1, 4000) g');
    await t.admin.query('CREATE TABLE setting (id bigserial PRIMARY KEY, group_id int NOT NULL, value text)');
    await t.admin.query(`INSERT INTO setting (group_id, value) SELECT g % 500, 'v' FROM generate_series(1, 1000) g`);
    await t.admin.query('CREATE TABLE message (id bigserial PRIMARY KEY, application_id int NOT NULL)');
    await t.admin.query('ANALYZE application; ANALYZE setting; ANALYZE message');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-n1-per-parent-'));
    fs.writeFileSync(path.join(dir, 'users.ts'), `import { Pool } from 'pg';
const pool = new Pool();

export async function deleteUser(userId: number) {
  const apps = await getApplicationsByUser(userId);
  for (const app of apps) {
    await pool.query('DELETE FROM message WHERE application_id = $1', [app.id]);
  }
}

export async function saveGroup(groupId: number) {
  const { rows: settings } = await pool.query('SELECT id, value FROM setting WHERE group_id = $1', [groupId]);
  for (const s of settings) {
    await pool.query('UPDATE setting SET value = $1 WHERE id = $2', [s.value, s.id]);
  }
}

export async function touchAll() {
  const { rows } = await pool.query('SELECT id FROM application');
  for (const r of rows) {
    await pool.query('UPDATE application SET seen = now() WHERE id = $1', [r.id]);
  }
}
`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads rows per parent from pg_class and pg_stats (n_distinct, as a count or a fraction)', async () => {
    const facts = await readPerParentFacts(t.admin, { tables: ['application', 'applications'], suffixes: ['setting'], columns: ['user_id', 'group_id'] });
    const app = facts.find((f) => f.table === 'application' && f.column === 'user_id');
    const set = facts.find((f) => f.table === 'setting' && f.column === 'group_id');
    assert.ok(app && set, JSON.stringify(facts));
    assert.equal(Math.round(rowsPerParent(app)!), 40);
    assert.equal(Math.round(rowsPerParent(set)!), 2);
    // Never a table that is not asked for, nor a system catalog.
    assert.ok(facts.every((f) => f.schema === 'public' && ['application', 'setting'].includes(f.table)), JSON.stringify(facts));
  });

  it('many per parent: a warning with the figure; few: info with the figure; a page of the data is left as it is', async () => {
    const r = await run(['n-plus-one', dir, '--db', t.url, '--format', 'json']);
    assert.equal(r.code, 1, r.err);
    const out = JSON.parse(r.out) as { line: number; severity: string; message: string; evidence: { perParent?: { rows: number } } }[];
    const at = (line: number) => out.find((f) => f.line === line);
    assert.equal(out.length, 3, r.out);
    assert.equal(at(7)?.severity, 'warning', r.out);
    assert.match(at(7)!.message, /about 40 rows per user in application — pg_stats/);
    assert.equal(at(14)?.severity, 'info', r.out);
    assert.match(at(14)!.message, /^Possible N\+1 — per group's setting, about 2 rows per group in setting — pg_stats .*below 10: /);
    assert.equal(at(21)?.severity, 'warning', r.out);
    assert.equal(at(21)?.evidence.perParent, undefined);
    // The threshold is a setting: at 50 per parent, 40 is few.
    const high = JSON.parse((await run(['n-plus-one', dir, '--db', t.url, '--format', 'json', '--many-per-parent', '50'])).out) as typeof out;
    assert.equal(high.find((f) => f.line === 7)?.severity, 'info');
    assert.match(high.find((f) => f.line === 7)!.message, /about 40 rows per user in application — pg_stats .*below 50/);
  });

  it('pg-lens scan --db says the same, and a test file\'s loop is never raised above the test context\'s level', async () => {
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tests', 'users.test.ts'), fs.readFileSync(path.join(dir, 'users.ts'), 'utf8'));
    try {
      const r = await run(['scan', dir, '--db', t.url, '--format', 'json', '--fail-on', 'never']);
      assert.equal(r.code, 0, r.err);
      const n1 = (JSON.parse(r.out) as { findings: { ruleId: string; file: string; line: number; severity: string; message: string }[] }).findings.filter((f) => f.ruleId === 'n-plus-one');
      const app = n1.find((f) => f.line === 7 && !f.file.includes('tests'));
      assert.equal(app?.severity, 'warning', r.out);
      assert.match(app!.message, /about 40 rows per user in application — pg_stats/);
      const inTest = n1.find((f) => f.line === 7 && f.file.includes('tests'));
      assert.ok(inTest && inTest.severity !== 'warning', r.out);
      assert.equal(n1.find((f) => f.line === 14 && !f.file.includes('tests'))?.severity, 'info');
    } finally {
      fs.rmSync(path.join(dir, 'tests'), { recursive: true, force: true });
    }
  });

  it('a bad threshold is one clear line', async () => {
    const r = await run(['n-plus-one', dir, '--many-per-parent', 'lots']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--many-per-parent must be a number between 1 and 1000000 \(got "lots"\)/);
  });
});
