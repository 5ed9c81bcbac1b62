/**
 * Suggest Indexes' pick for a statement the automatic advice weighs apart (issue 20, person42 M4): the one-off DELETE's
 * `orders (status)` was offered with "934 → 554 · one index, also serving …", nothing saying it is a one-off write.
 */
import { strict as assert } from 'node:assert';
import { suggestPickDetail } from '../../../../src/core/advice/missingIndex';
import { oneOffWriteWhy } from '../../../../src/core/plan';

describe('suggestPickDetail', () => {
  const s = { summary: 'Seq Scan on orders (32k rows): an index on orders (status) cuts the estimated cost 934 → 554' };

  it('a one-off write: its proof\'s figures first (the visible part of the one-line detail), then that it is a one-off write and why (person43 L2)', () => {
    const apart = `a one-off DELETE: ${oneOffWriteWhy('DELETE', 0, 'orders')}; the automatic advice (diagnostics, hovers, pg-lens scan) proposes no index for it`;
    const d = suggestPickDetail(s, { apart });
    assert.equal(d, `${s.summary} · Asked for, but a one-off DELETE: this DELETE has not recurred (pg_stat_statements has no run of it), and an index is kept up by every write to orders from now on, to spare this one read: not worth it for a one-off statement; the automatic advice (diagnostics, hovers, pg-lens scan) proposes no index for it`);
    assert.ok(d.indexOf('934 → 554') < 100, `the cost drop within the first 100 characters: ${d}`);
    assert.equal(suggestPickDetail(s, { apart, alsoServes: ['src/a.ts:1: SELECT …'] }).startsWith(`${s.summary} · one index, also serving src/a.ts:1: SELECT … · Asked for, but a one-off DELETE`), true);
  });

  it('a statement of the workload: its summary and the statements the index also serves, named', () => {
    assert.equal(suggestPickDetail(s, { alsoServes: ['src/orders.ts:70: SELECT …'], name: (l) => l.split(':').slice(0, 2).join(':') }), `${s.summary} · one index, also serving src/orders.ts:70`);
    assert.equal(suggestPickDetail(s), s.summary);
  });
});
