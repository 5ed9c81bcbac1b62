/** The e2e suite's step order: by number, so a step numbered past 99 runs at the end, where it was added. */
import { strict as assert } from 'node:assert';
import { orderSteps } from '../../e2e/run';

describe('e2e orderSteps', () => {
  it('orders by step number: 100- after 99-, not between 10- and 11- (name order ran the value-not-allowed step right after step 10)', () => {
    const files = ['11-b.ts', '100-z.ts', '10-a.ts', '99-y.ts', '02-c.ts'];
    assert.deepEqual(orderSteps(files), ['02-c.ts', '10-a.ts', '11-b.ts', '99-y.ts', '100-z.ts']);
    assert.deepEqual(orderSteps(files, 'reverse'), ['100-z.ts', '99-y.ts', '11-b.ts', '10-a.ts', '02-c.ts']);
  });
});
