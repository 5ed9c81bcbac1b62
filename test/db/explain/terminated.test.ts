/**
 * An Explain Analyze whose session the server ends mid-run (a restart, pg_terminate_backend: SQLSTATE 57P01) settles at
 * once with one line that says the analysis did not finish, and the next command works (person20 LOW 6: only the log
 * said so; the panel still read "Running Explain Analyze…").
 */
import { strict as assert } from 'node:assert';
import { testDatabase } from '../support';
import { explainAnalyze } from '../../../src/db/explain';

describe('db/explain: Explain Analyze cut by the server (real PostgreSQL)', function () {
  const tdb = testDatabase('explain_cut');

  it('a session terminated mid-run rejects within seconds with one line, and the next Explain Analyze runs', async () => {
    const db = await tdb.open();
    let pid: number | undefined;
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const run = explainAnalyze(db, 'SELECT pg_sleep(30)', { statementTimeoutMs: 60000, onStarted: (p) => ((pid = p), markStarted()) });
    run.catch(() => undefined);
    await started;
    for (let i = 0; i < 100; i++) {
      const a = await tdb.admin.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid]);
      if (a.rows[0]?.state === 'active') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await tdb.admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const outcome = await Promise.race([run.then(() => 'resolved', (e: Error) => e.message), new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10000))]);
    assert.match(outcome, /closed our session|connection .* was (lost|closed)/);
    assert.ok(!outcome.includes('\n'), outcome);
    const again = await explainAnalyze(db, 'SELECT 1');
    assert.equal(again.plan.nodes.length, 1);
  });
});
