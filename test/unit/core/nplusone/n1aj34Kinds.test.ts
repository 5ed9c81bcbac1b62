/**
 * Kinds of false alarm and miss the blind split held-out-aj showed (n1aj34: storyden, railsdevs.com, a MikroORM app),
 * fixed by kind, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by held-out-aj (n1aj34)', () => {
  it('Ruby groupdate: a loop over `group_by_month(…).sum(…)` (or a name bound to it) walks calendar periods, not rows', async () => {
    const reporting: ScanFile = {
      path: 'app/models/reporting.rb',
      text: [
        'class Reporting',
        '  def normalize',
        '    monthly = Charge.where(kind: :payment).group_by_month(:created).group(:description).sum(:amount)',
        '    monthly.each do |(occurred_on, description), amount|',
        '      Revenue.create!(occurred_on:, description:, amount:)',
        '    end',
        '    Charge.fee.group_by_week(:created).sum(:amount).each do |week, amount|',
        '      Expense.create!(occurred_on: week, amount:)',
        '    end',
        '    Transaction.expense.find_each do |transaction|',
        '      Expense.create!(transaction.attributes.slice("amount"))',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const lines = await scanLines([reporting]);
    assert.deepEqual([...lines].sort(), ['app/models/reporting.rb:11 warning', 'app/models/reporting.rb:5 info', 'app/models/reporting.rb:8 info']);
  });
});
