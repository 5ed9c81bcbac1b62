/**
 * The plans' index use, kept across a restart: what is kept (statements whose plan uses an index,
 * the newest, not too old, not too long), how it comes back (the newer plan of a statement wins,
 * expired entries drop), and that anything malformed read from storage is dropped.
 */
import { strict as assert } from 'node:assert';
import { IndexUseLedger, INDEX_USE_KEEP, INDEX_USE_MAX_AGE_MS, parseIndexUseEntries } from '../../../../src/core/plan/indexUse';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 10, 30, 12);
const ix = (name: string, schema: string | null = null) => ({ schema, name });

/** What the extension does across a restart: kept entries → JSON in storage → parsed → a new ledger. */
function restart(from: IndexUseLedger, nowMs = NOW): IndexUseLedger {
  const stored = JSON.parse(JSON.stringify(from.entriesToKeep(nowMs)));
  const fresh = new IndexUseLedger();
  fresh.restore(parseIndexUseEntries(stored), nowMs);
  return fresh;
}

describe('IndexUseLedger across a restart', () => {
  it('a statement whose plan uses an index still keeps it after a restart, with its text and time', () => {
    const l = new IndexUseLedger();
    l.noteIndexes('SELECT * FROM orders WHERE customer_id = $1', [ix('orders_customer_id_idx', 'public')], NOW - 3 * DAY);
    l.noteIndexes('SELECT count(*) FROM orders', [], NOW - DAY);
    const after = restart(l);
    assert.deepEqual(after.usersOf('public', 'orders_customer_id_idx'), [{ sql: 'SELECT * FROM orders WHERE customer_id = $1', atMs: NOW - 3 * DAY }]);
    assert.equal(after.size, 1, 'a plan that uses no index protects nothing and is not kept');
    // Without the kept record a new ledger knows nothing: what the restart used to lose.
    assert.deepEqual(new IndexUseLedger().usersOf('public', 'orders_customer_id_idx'), []);
  });

  it('entries not planned again within the maximum age expire, on save and on load', () => {
    const l = new IndexUseLedger();
    l.noteIndexes('SELECT 1 FROM a WHERE x = $1', [ix('a_x_idx')], NOW - INDEX_USE_MAX_AGE_MS - DAY);
    l.noteIndexes('SELECT 1 FROM b WHERE y = $1', [ix('b_y_idx')], NOW - DAY);
    assert.deepEqual(l.entriesToKeep(NOW).map((e) => e.sql), ['SELECT 1 FROM b WHERE y = $1']);
    const fresh = new IndexUseLedger();
    fresh.restore([{ sql: 'SELECT 1 FROM a WHERE x = $1', atMs: NOW - INDEX_USE_MAX_AGE_MS - DAY, indexes: [ix('a_x_idx')] }], NOW);
    assert.equal(fresh.size, 0);
  });

  it('keeps only the newest statements, up to the bound', () => {
    const l = new IndexUseLedger();
    for (let i = 0; i < INDEX_USE_KEEP + 50; i++) l.noteIndexes(`SELECT ${i} FROM t WHERE a = $1`, [ix('t_a_idx')], NOW - (INDEX_USE_KEEP + 50 - i) * 1000);
    const kept = l.entriesToKeep(NOW);
    assert.equal(kept.length, INDEX_USE_KEEP);
    assert.equal(kept[kept.length - 1].sql, `SELECT ${INDEX_USE_KEEP + 49} FROM t WHERE a = $1`);
    assert.equal(kept[0].sql, 'SELECT 50 FROM t WHERE a = $1');
  });

  it('of two plans of one statement (this session and a kept one) the newer wins: a later plan without the index releases it', () => {
    const sql = 'SELECT * FROM orders WHERE status = $1';
    const l = new IndexUseLedger();
    l.noteIndexes(sql, [], NOW - 1000); // planned now: no longer uses the index
    l.restore([{ sql, atMs: NOW - DAY, indexes: [ix('orders_status_idx')] }], NOW);
    assert.deepEqual(l.usersOf('public', 'orders_status_idx'), []);
    const older = new IndexUseLedger();
    older.noteIndexes(sql, [ix('orders_status_idx')], NOW - 2 * DAY);
    older.restore([{ sql, atMs: NOW - DAY, indexes: [ix('orders_status_idx'), ix('orders_x_idx')] }], NOW);
    assert.deepEqual(older.usersOf('public', 'orders_x_idx').map((u) => u.atMs), [NOW - DAY]);
  });

  it('what storage holds is checked: malformed entries are dropped, good ones kept', () => {
    const good = { sql: 'SELECT 1 FROM t WHERE a = $1', atMs: NOW, indexes: [{ schema: 'public', name: 't_a_idx' }] };
    assert.deepEqual(parseIndexUseEntries(undefined), []);
    assert.deepEqual(parseIndexUseEntries({ sql: 'x' }), []);
    const parsed = parseIndexUseEntries([good, null, 7, { sql: '', atMs: NOW, indexes: [] }, { sql: 'SELECT 2', atMs: 'yesterday', indexes: [] }, { sql: 'SELECT 3', atMs: NOW, indexes: [{ name: 5 }, { schema: 1, name: 'x' }] }, { ...good, extra: '<script>' }]);
    assert.deepEqual(parsed, [good, good]);
  });

  it('a statement planned again keeps the plan before it beside the newest (the cost lens asks what it used before a DROP INDEX: person49 M-2)', () => {
    const l = new IndexUseLedger();
    const q = 'SELECT id FROM orders WHERE status = $1';
    l.noteIndexes(q, [ix('orders_status_idx')], NOW - 60_000);
    assert.equal(l.planOf(q)?.prior, undefined, 'planned once: nothing before it');
    l.noteIndexes(q, [], NOW);
    assert.deepEqual(l.planOf(q), { atMs: NOW, indexes: [], prior: { atMs: NOW - 60_000, indexes: [ix('orders_status_idx')] } });
    l.noteIndexes(q, [], NOW + 1000);
    assert.deepEqual(l.planOf(q)?.prior, { atMs: NOW - 60_000, indexes: [ix('orders_status_idx')] }, 'planned again with the same indexes (the hover after the drop): the plan before the change stays (person50 M-A)');
    l.noteIndexes(q, [ix('orders_status_placed_at_idx')], NOW + 2000);
    assert.deepEqual(l.planOf(q)?.prior, { atMs: NOW + 1000, indexes: [] }, 'another set of indexes: the newest plan before it');
  });

  it('tells its listener about every plan noted (the extension saves the record after it)', () => {
    const l = new IndexUseLedger();
    let calls = 0;
    const sub = l.onDidNote(() => calls++);
    l.noteIndexes('SELECT 1', [ix('a')]);
    l.note('SELECT 2', { nodes: [] });
    sub.dispose();
    l.noteIndexes('SELECT 3', [ix('a')]);
    assert.equal(calls, 2);
  });
});
