import { strict as assert } from 'node:assert';
import { countsBetween, SessionTransactions, transactionKind, type TransactionCounts } from '../../../../src/core/dashboard/ownTransactions';
import { computeRates, type CounterSample } from '../../../../src/core/dashboard/live';

describe("core/dashboard/ownTransactions: PG Lens's own transactions, as pg_stat_database counts them (person9 P17)", () => {
  it('tells transaction control from other statements (leading comments skipped; ROLLBACK TO SAVEPOINT is not an end)', () => {
    assert.equal(transactionKind('/* pg-lens */ BEGIN READ ONLY'), 'begin');
    assert.equal(transactionKind('start transaction isolation level repeatable read'), 'begin');
    assert.equal(transactionKind('COMMIT'), 'commit');
    assert.equal(transactionKind('END'), 'commit');
    assert.equal(transactionKind('ROLLBACK'), 'rollback');
    assert.equal(transactionKind('ABORT'), 'rollback');
    assert.equal(transactionKind('ROLLBACK TO SAVEPOINT trial'), 'other');
    assert.equal(transactionKind('rollback to trial'), 'other');
    assert.equal(transactionKind('SAVEPOINT trial'), 'other');
    assert.equal(transactionKind('-- x\nSELECT 1'), 'other');
    assert.equal(transactionKind('BEGIN; SET LOCAL statement_timeout = 5; SELECT 1; ROLLBACK'), 'rollback');
  });

  it('a statement outside a block is one transaction (committed, or rolled back when it fails); a block is one, ended by COMMIT or ROLLBACK', () => {
    const c: TransactionCounts = { commits: 0, rollbacks: 0 };
    const s = new SessionTransactions(c);
    s.observe('SELECT 1', true);
    s.observe('SELECT nope', false);
    assert.deepEqual(c, { commits: 1, rollbacks: 1 });
    // A trial index: BEGIN … SAVEPOINT … ROLLBACK TO … ROLLBACK is one rolled-back transaction.
    for (const [t, ok] of [['BEGIN', true], ['SAVEPOINT a', true], ['CREATE INDEX ON t (a)', true], ['ROLLBACK TO SAVEPOINT a', true], ['EXPLAIN SELECT 1', true], ['ROLLBACK', true]] as const) s.observe(t, ok);
    assert.deepEqual(c, { commits: 1, rollbacks: 2 });
    // A failed statement inside a block: its COMMIT rolls back.
    for (const [t, ok] of [['BEGIN', true], ['SELECT 1/0', false], ['COMMIT', true]] as const) s.observe(t, ok);
    assert.deepEqual(c, { commits: 1, rollbacks: 3 });
    for (const [t, ok] of [['BEGIN', true], ['SELECT 1', true], ['COMMIT', true]] as const) s.observe(t, ok);
    assert.deepEqual(c, { commits: 2, rollbacks: 3 });
    // COMMIT with no block open is a warning, not a transaction.
    s.observe('COMMIT', true);
    assert.deepEqual(c, { commits: 2, rollbacks: 3 });
  });

  it("computeRates leaves PG Lens's own out of Transactions/s and rollbacks/s, says how much, never goes below zero", () => {
    const db = (commit: number, rollback: number) => ({ xactCommit: commit, xactRollback: rollback, blksRead: 0, blksHit: 0, tupReturned: 0, tupFetched: 0, tupInserted: 0, tupUpdated: 0, tupDeleted: 0, tempFiles: 0, tempBytes: 0, deadlocks: 0 });
    const sample = (atMs: number, commit: number, rollback: number, own?: TransactionCounts): CounterSample => ({ atMs, db: db(commit, rollback) as CounterSample['db'], walBytes: null, checkpoints: null, own });
    // An idle server: every transaction in the interval was PG Lens's (person9: "21.3 TPS, rollbacks 6.2/s").
    const idle = computeRates(sample(0, 100, 10, { commits: 50, rollbacks: 5 }), sample(2000, 130, 22, { commits: 80, rollbacks: 17 }))!;
    assert.equal(idle.tps, 0);
    assert.equal(idle.rollbacksPerSec, 0);
    assert.equal(idle.ownTps, 21);
    // The app's 40 commits and 2 rollbacks stay.
    const busy = computeRates(sample(0, 100, 10, { commits: 0, rollbacks: 0 }), sample(2000, 150, 14, { commits: 10, rollbacks: 2 }))!;
    assert.equal(busy.tps, 21);
    assert.equal(busy.rollbacksPerSec, 1);
    // The server counts a little later than PG Lens: clamped at zero.
    assert.equal(computeRates(sample(0, 100, 10, { commits: 0, rollbacks: 0 }), sample(1000, 101, 10, { commits: 5, rollbacks: 0 }))!.tps, 0);
    // Not counted (another process): the figures as the server has them, ownTps unknown.
    const unknown = computeRates(sample(0, 100, 10), sample(1000, 110, 10))!;
    assert.equal(unknown.tps, 10);
    assert.equal(unknown.ownTps, null);
    assert.deepEqual(countsBetween({ commits: 5, rollbacks: 5 }, { commits: 1, rollbacks: 9 }), { commits: 0, rollbacks: 4 });
  });
});
