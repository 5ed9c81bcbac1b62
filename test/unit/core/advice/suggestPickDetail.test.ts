/**
 * Suggest Indexes' pick for a statement the automatic advice weighs apart (issue 20, person42 M4): the one-off DELETE's
 * `orders (status)` was offered with "934 → 554 · one index, also serving …", nothing saying it is a one-off write.
 */
import { strict as assert } from 'node:assert';
import { costPhrase, suggestPickDetail } from '../../../../src/core/advice/missingIndex';
import { oneOffWriteWhy } from '../../../../src/core/plan';

describe('suggestPickDetail', () => {
  const s = { summary: 'Seq Scan on orders (32k rows): an index on orders (status) cuts the estimated cost 934 → 554', costBefore: 934, costAfter: 554, figures: { before: 934, after: 554, earlier: false } };
  const lead = 'cost 934 → 554 (41% lower) · Seq Scan on orders (32k rows): an index on orders (status)';

  it('a one-off write: its proof\'s figures first (the visible part of the one-line detail), then that it is a one-off write and why (person43 L2)', () => {
    const apart = `a one-off DELETE: ${oneOffWriteWhy('DELETE', 0, 'orders')}; the automatic advice (diagnostics, hovers, pg-lens scan) proposes no index for it`;
    const d = suggestPickDetail(s, { apart });
    assert.equal(d, `${lead} · Asked for, but a one-off DELETE: this DELETE has not recurred (pg_stat_statements has no run of it), and an index is kept up by every write to orders from now on, to spare this one read: not worth it for a one-off statement; the automatic advice (diagnostics, hovers, pg-lens scan) proposes no index for it`);
    assert.ok(d.indexOf('934 → 554') < 100, `the cost drop within the first 100 characters: ${d}`);
    assert.equal(suggestPickDetail(s, { apart, alsoServes: ['src/a.ts:1: SELECT …'] }).startsWith(`${lead} · one index, also serving src/a.ts:1: SELECT … · Asked for, but a one-off DELETE`), true);
  });

  it('a statement of the workload: its summary and the statements the index also serves, named', () => {
    assert.equal(suggestPickDetail(s, { alsoServes: ['src/orders.ts:70: SELECT …'], name: (l) => l.split(':').slice(0, 2).join(':') }), `${lead} · one index, also serving src/orders.ts:70`);
    assert.equal(suggestPickDetail(s), lead);
    // Offered though keeping it current costs a share of its saving: the write cost right after the figures (issue 20).
    assert.equal(suggestPickDetail(s, { writes: 'orders is written often: keeping this index current costs about 6 ms against 18 ms saved' }), 'cost 934 → 554 (41% lower) · writes: orders is written often: keeping this index current costs about 6 ms against 18 ms saved · Seq Scan on orders (32k rows): an index on orders (status)');
  });

  // person45 M2: the label is the whole CREATE INDEX, and the detail "Seq Scan on orders (42k rows): an index on orders
  // (status) cuts the estimated cost 1…" was cut before its figures at the quick pick's width (1600 px window).
  it('the figures lead the detail, in the first 30 characters, and are not said twice; a kept proof\'s age stays after them', () => {
    const grown = { summary: 'Seq Scan on orders (42k rows): an index on orders (status) cuts the estimated cost 1,231 → 391', costBefore: 1231.28, costAfter: 391.2, figures: { before: 1231.28, after: 391.2, earlier: false } };
    const d = suggestPickDetail(grown);
    assert.equal(d, 'cost 1,231 → 391 (3.1× lower) · Seq Scan on orders (42k rows): an index on orders (status)');
    assert.ok(d.indexOf('1,231 → 391') < 30, d);
    // Kept from an earlier proof: its summary says so in words after its figures; those words stay.
    const earlier = { summary: 'Seq Scan on orders (42k rows): an index on orders (status) cut the estimated cost 941 → 304 (proved 3 min ago; orders has changed since: Suggest Indexes proves it again)', costBefore: 1231.28, costAfter: 304, figures: { before: 941.4, after: 304, earlier: true } };
    assert.equal(suggestPickDetail(earlier), 'cost 941 → 304 · Seq Scan on orders (42k rows): an index on orders (status) (proved 3 min ago; orders has changed since: Suggest Indexes proves it again)');
    // Not proved (no figure after): the summary as it is.
    assert.equal(suggestPickDetail({ summary: 'Reading orders (42k rows): an index on orders (status) may help', costBefore: 1231, costAfter: null }), 'Reading orders (42k rows): an index on orders (status) may help');
  });

  // lowsr's M2 read the figures back out of the summary's text with a pattern; they are the suggestion's fields now (the
  // summary's phrase is written by costPhrase from the same fields).
  it('the figures are the suggestion\'s fields, never read back from its summary', () => {
    const figures = { before: 1231.28, after: 391.2, earlier: false };
    assert.equal(costPhrase(figures), ' cuts the estimated cost 1,231 → 391');
    assert.equal(costPhrase({ ...figures, earlier: true }), ' cut the estimated cost 1,231 → 391');
    // A kept earlier proof whose figures round like the plan now's: still that proof's, no drop said against the plan now.
    const kept = { summary: `Seq Scan on orders (42k rows): an index on orders (status)${costPhrase({ ...figures, earlier: true })} (proved 3 min ago; orders has changed since: Suggest Indexes proves it again)`, costBefore: 1231.28, costAfter: 391.2, figures: { ...figures, earlier: true } };
    assert.equal(suggestPickDetail(kept), 'cost 1,231 → 391 · Seq Scan on orders (42k rows): an index on orders (status) (proved 3 min ago; orders has changed since: Suggest Indexes proves it again)');
    // No figures given: the summary as it is, whatever its words (nothing parsed out of them).
    const text = { summary: 'Seq Scan on orders (42k rows): an index on orders (status) cuts the estimated cost 1,231 → 391', costBefore: 1231.28, costAfter: 391.2 };
    assert.equal(suggestPickDetail(text), text.summary);
  });
});
