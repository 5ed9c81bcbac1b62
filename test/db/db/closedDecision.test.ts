/**
 * A decision on a connection that closes under it (a profile switch, Disconnect) ends with one error for its caller, not
 * a log line for each statement left (verify35: 6,001 "Not connected (the connection was closed)" lines for a generated
 * file of 3,000 statements).
 */
import { strict as assert } from 'node:assert';
import { IndexDecider } from '../../../src/db/indexDecision';
import { testDatabase } from '../support';
import { HUGE_FILE_STATEMENTS, NO_HYPOPG, ORDERS_TABLE } from './hugeFile';

describe('db/index decision on a connection closed under it (real PostgreSQL)', function () {
  this.timeout(120000);
  const t = testDatabase('closeddecision');
  before(async () => {
    await t.admin.query(ORDERS_TABLE);
  });

  it('ends with one "Not connected" error, and logs no line per statement', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const lines: string[] = [];
    const decider = new IndexDecider(db, { info: { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum }, log: (l) => lines.push(l) });
    await db.close();
    await assert.rejects(decider.decide(HUGE_FILE_STATEMENTS.slice(0, 50)), /Not connected \(the connection was closed\)/);
    assert.ok(lines.filter((l) => /Not connected/.test(l)).length <= 1, lines.join('\n'));
  });
});
