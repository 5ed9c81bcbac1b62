/** A statement's hover leads with the findings on it, one line each (issue 20 item 8, person20 LOW 5). */
import { strict as assert } from 'node:assert';
import { hoverLeadLines } from '../../../src/core/hoverLead';

describe('core/hoverLead: the first lines of a statement\'s hover', () => {
  it('the N+1 first, one line each (the first line of the message), the missing index left to its own hover', () => {
    const lines = hoverLeadLines([
      { ruleId: 'select-star', severity: 'info', message: 'SELECT * reads every column.\nName the columns you use.' },
      { ruleId: 'missing-index', severity: 'warning', message: 'Seq Scan on orders (32k rows): an index on orders (status) cuts 940 → 293' },
      { ruleId: 'n-plus-one', severity: 'warning', message: 'N+1 query: `db.query` runs once per `order` in `orders`: one round trip per item.\nQuery once with order_id = ANY($1).' },
    ]);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^\$\(warning\) N\\\+1 query: \\`db\\\.query\\` runs once per/);
    assert.match(lines[1], /^\$\(info\) SELECT \\\* reads every column\\\.$/);
    assert.ok(!lines.join('\n').includes('Seq Scan'));
    assert.ok(!lines.join('\n').includes('ANY'), 'the fix is in the Problems entry and the quick fix, not the lead');
  });

  it('bounded: three findings and a count of the rest; long messages cut; none: no lines', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ruleId: `rule-${i}`, severity: 'info', message: `${'x'.repeat(300)} ${i}` }));
    const lines = hoverLeadLines(many);
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '… and 2 more in the Problems panel');
    for (const l of lines.slice(0, 3)) assert.ok(l.length <= 170, String(l.length));
    assert.deepEqual(hoverLeadLines([]), []);
  });
});
