/**
 * "None fires on a database without them": every workload advisor of issue 17 over a plain working database —
 * a small table read and written as an app does, pg_stat_statements installed, no materialized view, no
 * time-keyed archive, few connections, no PgBouncer, no history — says nothing.
 */
import * as assert from 'node:assert/strict';
import { HEALTH_CHECKS } from '../../../src/core/health';
import { runHealth } from '../../../src/db/health';
import { announceFallback, capabilities, createTestDatabase, type TestDatabase } from '../support';

const ADVISORS = ['materialized-view-candidate', 'stale-materialized-view', 'unused-materialized-view', 'refresh-cost', 'cache-candidate', 'archive-candidate', 'partition-candidate', 'brin-candidate', 'toast-compression', 'connection-saturation', 'pool-sizing', 'capacity-forecast'];

describe('workload advisors on a clean database', function () {
  this.timeout(120000);
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase('advisors_clean');
  });
  after(async () => t?.drop());

  it('none of them fires', async () => {
    for (const id of ADVISORS) assert.ok(HEALTH_CHECKS.some((c) => c.id === id), `${id} is a registered check`);
    const a = t.admin;
    if ((await capabilities()).pgStatStatements) await a.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    else announceFallback('pg_stat_statements', 'the clean sweep runs without statement statistics');
    await a.query('CREATE TABLE todos (id serial PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now())');
    for (let i = 0; i < 200; i++) {
      await a.query('INSERT INTO todos (title) VALUES ($1)', [`todo ${i}`]);
      await a.query('SELECT id, title FROM todos WHERE done = $1 ORDER BY id DESC LIMIT 20', [false]);
      if (i % 3 === 0) await a.query('UPDATE todos SET done = true WHERE id = $1', [i]);
    }
    await a.query('ANALYZE todos');
    await a.query('SELECT pg_stat_force_next_flush()');
    const { findings } = await runHealth(await t.open(), { only: ADVISORS });
    assert.deepEqual(findings.map((f) => `${f.checkId}: ${f.message}`), []);
  });
});
