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

  it("PG Lens's own transactions the server shows an interval later are still PG Lens's: carried, never the app's (person24 LOW 11); an old shortfall is dropped", () => {
    const db = (commit: number, rollback: number) => ({ xactCommit: commit, xactRollback: rollback, blksRead: 0, blksHit: 0, tupReturned: 0, tupFetched: 0, tupInserted: 0, tupUpdated: 0, tupDeleted: 0, tempFiles: 0, tempBytes: 0, deadlocks: 0 });
    const sample = (atMs: number, commit: number, rollback: number, own: TransactionCounts): CounterSample => ({ atMs, db: db(commit, rollback) as CounterSample['db'], walBytes: null, checkpoints: null, own });
    // Only PG Lens on the server: two rollbacks of its own (a trial index, a rolled-back Explain Analyze) in every other
    // 2 s interval, each flushed by the server one interval late.
    let prev = sample(0, 100, 10, { commits: 0, rollbacks: 0 });
    const shown: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const cur = sample(i * 2000, 100 + i, 10 + 2 * Math.floor(i / 2), { commits: i, rollbacks: 2 * Math.ceil(i / 2) });
      const r = computeRates(prev, cur)!;
      shown.push(r.rollbacksPerSec, r.tps);
      prev = r.ownUnseen ? { ...cur, ownUnseen: r.ownUnseen } : cur;
    }
    assert.deepEqual(shown.filter((x) => x !== 0), [], `rollbacks/s and TPS shown: ${shown.join(' ')}`);
    // The app's own rollback in an interval with a carried one of PG Lens's still shows.
    const carried = { ...sample(0, 100, 10, { commits: 0, rollbacks: 0 }), ownUnseen: { commits: 0, rollbacks: 1, sinceMs: 0 } };
    assert.equal(computeRates(carried, sample(2000, 100, 12, { commits: 0, rollbacks: 0 }))!.rollbacksPerSec, 0.5);
    // A shortfall older than the server's flush interval never showed: dropped, so it cannot hide the app's rollbacks for long.
    const stale = { ...sample(20_000, 100, 10, { commits: 0, rollbacks: 0 }), ownUnseen: { commits: 0, rollbacks: 5, sinceMs: 0 } };
    assert.equal(computeRates(stale, sample(22_000, 100, 12, { commits: 0, rollbacks: 0 }))!.rollbacksPerSec, 1);
  });
});
