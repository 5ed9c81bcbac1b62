/**
 * Kinds of mistake the blind split held-out-ar showed in Python (n1av, session 45): a program a scheduler runs (`cron.py`
 * with `--job` dispatch under `if __name__ == "__main__":`) taken for an operator's one-off, so its jobs' N+1s were only
 * `info`; and a lazy SQLAlchemy relationship read once per row of a model query in a loop, which no explicit-loop rule
 * saw. Each test failed before its fix (branch n1av at 35c45aec).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1av45 (Python)', () => {
  const models: ScanFile = {
    path: 'billing/models.py',
    text: [
      'from sqlalchemy import Column, ForeignKey, Integer, Boolean',
      'from sqlalchemy.orm import relationship',
      'from billing.db import Base',
      '',
      'class Customer(Base):',
      '    __tablename__ = "customer"',
      '    id = Column(Integer, primary_key=True)',
      '',
      'class Invoice(Base):',
      '    __tablename__ = "invoice"',
      '    id = Column(Integer, primary_key=True)',
      '    paid = Column(Boolean)',
      '    customer_id = Column(Integer, ForeignKey("customer.id"))',
      '    customer = relationship(Customer)',
      '',
      'class Payment(Base):',
      '    __tablename__ = "payment"',
      '    id = Column(Integer, primary_key=True)',
      '    invoice_id = Column(Integer, ForeignKey("invoice.id"))',
      '',
    ],
  };
  const program = (path: string): ScanFile => ({
    path,
    text: [
      'import argparse',
      'from billing.db import session',
      'from billing.models import Invoice, Payment',
      '',
      'def remind_unpaid():',
      '    for invoice in session.query(Invoice).filter(Invoice.paid.is_(False)).all():',
      '        payment = session.query(Payment).filter_by(invoice_id=invoice.id).first()',
      '        if payment is None:',
      '            print(invoice.id)',
      '',
      'if __name__ == "__main__":',
      '    parser = argparse.ArgumentParser()',
      '    parser.add_argument("--job", required=True)',
      '    args = parser.parse_args()',
      '    if args.job == "remind_unpaid":',
      '        remind_unpaid()',
      '',
    ],
  });

  it('a program named for a schedule (cron.py, scheduler.py) runs its jobs per tick: a warning; a one-off program keeps info', async () => {
    assert.deepEqual(await scanLines([models, program('billing/cron.py')]), ['billing/cron.py:7 warning']);
    assert.deepEqual(await scanLines([models, program('billing/scheduler.py')]), ['billing/scheduler.py:7 warning']);
    assert.deepEqual(await scanLines([models, program('billing/export_invoices.py')]), ['billing/export_invoices.py:7 info']);
  });
});
