import { strict as assert } from 'node:assert';
import { ParameterMemory } from '../../../../src/core/record/parameterMemory';
import { loadPgParser } from '../../../../src/core/sql/statement';

describe('core/record/parameterMemory: the values a benchmark runs a statement with', () => {
  before(() => loadPgParser());

  it('finds what the app sent from pg_stat_statements\' text, with the text it was sent with (its constants as written)', () => {
    const m = new ParameterMemory();
    m.remember('SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 5', ['refunded'], 'recorded', 1);
    const got = m.get('SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT $2');
    assert.deepEqual(got, { sql: 'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 5', values: ['refunded'], from: 'recorded', at: 1 });
    assert.equal(m.get('SELECT id FROM orders WHERE customer_id = $1'), undefined);
  });

  it('the app\'s values first for a workload; the user\'s first for the prompt that shows their last answer', () => {
    const m = new ParameterMemory();
    m.remember('SELECT * FROM orders WHERE customer_id = $1', ['7'], 'yours');
    assert.equal(m.get('select * from orders where customer_id = $1')?.from, 'yours', 'only the user\'s: theirs');
    m.remember('SELECT * FROM orders WHERE customer_id = $1', [42], 'recorded');
    assert.deepEqual(m.get('SELECT * FROM orders WHERE customer_id = $1')?.values, [42]);
    assert.deepEqual(m.get('SELECT * FROM orders WHERE customer_id = $1', 'yours')?.values, ['7']);
    m.clear('recorded');
    assert.equal(m.get('SELECT * FROM orders WHERE customer_id = $1')?.from, 'yours', 'Clear Recorded Queries forgets the app\'s, not the user\'s');
    m.clear('yours');
    assert.equal(m.get('SELECT * FROM orders WHERE customer_id = $1'), undefined);
  });

  it('is bounded: the statement remembered longest ago goes first', () => {
    const m = new ParameterMemory();
    for (let i = 0; i < 501; i++) m.remember(`SELECT * FROM t${i} WHERE id = $1`, [i], 'recorded');
    assert.equal(m.get('SELECT * FROM t0 WHERE id = $1'), undefined);
    assert.deepEqual(m.get('SELECT * FROM t500 WHERE id = $1')?.values, [500]);
  });
});
