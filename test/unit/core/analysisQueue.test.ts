import { strict as assert } from 'node:assert';
import { AnalysisQueue, type AnalysisRank } from '../../../src/core/analysisQueue';

/** A run that ends when the test says so. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { open, p };
}
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('core/analysisQueue: one file cannot starve the others (issue 20, person32 H1)', () => {
  it('the active editor\'s document starts at once while a generated file\'s run holds the slot; the visible ones go before the rest', async () => {
    const ranks = new Map<string, AnalysisRank>([['huge', 2], ['customers', 0], ['orders', 1], ['catalog', 2]]);
    const q = new AnalysisQueue((k) => ranks.get(k) ?? 2, 1);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const runOf = (k: string) => () => {
      started.push(k);
      const g = gate();
      gates.set(k, g);
      return g.p;
    };
    const huge = q.run('huge', runOf('huge'));
    const catalog = q.run('catalog', runOf('catalog'));
    const orders = q.run('orders', runOf('orders'));
    const customers = q.run('customers', runOf('customers'));
    await settle();
    assert.deepEqual(started, ['huge', 'customers'], 'the active document did not wait for the slot the huge file holds');
    assert.equal(q.pending, 2);
    gates.get('customers')!.open();
    await customers;
    gates.get('huge')!.open();
    await huge;
    await settle();
    assert.deepEqual(started, ['huge', 'customers', 'orders'], 'the visible document before the one that came earlier');
    gates.get('orders')!.open();
    await orders;
    await settle();
    gates.get('catalog')!.open();
    await catalog;
    assert.deepEqual(started, ['huge', 'customers', 'orders', 'catalog']);
    assert.equal(q.pending, 0);
  });

  it('a document that becomes active while it waits starts when told (pump), and a waiting document is queued once', async () => {
    const ranks = new Map<string, AnalysisRank>([['a', 2], ['b', 2]]);
    const q = new AnalysisQueue((k) => ranks.get(k) ?? 2, 1);
    const started: string[] = [];
    const g = gate();
    const a = q.run('a', async () => {
      started.push('a');
      await g.p;
    });
    let ranFirst = false;
    const b1 = q.run('b', async () => {
      ranFirst = true;
    });
    const b2 = q.run('b', async () => {
      started.push('b');
    });
    await settle();
    assert.deepEqual(started, ['a']);
    ranks.set('b', 0);
    q.pump();
    await Promise.all([b1, b2]);
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(ranFirst, false, 'the newer run replaced the waiting one');
    g.open();
    await a;
  });

  it('a run that fails frees its slot', async () => {
    const q = new AnalysisQueue(() => 2, 1);
    const done: string[] = [];
    await Promise.all([q.run('x', async () => {
      throw new Error('no');
    }), q.run('y', async () => {
      done.push('y');
    })]);
    assert.deepEqual(done, ['y']);
  });
});
