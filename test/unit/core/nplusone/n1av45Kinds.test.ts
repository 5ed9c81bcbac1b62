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

  it('a program named for a schedule (cron.py, scheduler.py) runs its own jobs per tick: a warning; a one-off program keeps info', async () => {
    assert.deepEqual(await scanLines([models, program('billing/cron.py')]), ['billing/cron.py:7 warning']);
    assert.deepEqual(await scanLines([models, program('billing/scheduler.py')]), ['billing/scheduler.py:7 warning']);
    assert.deepEqual(await scanLines([models, program('billing/export_invoices.py')]), ['billing/export_invoices.py:7 info']);
    // By file: the one-off program's function of the same name stays its own (info).
    assert.deepEqual(await scanLines([models, program('billing/cron.py'), program('billing/export_invoices.py')]), ['billing/cron.py:7 warning', 'billing/export_invoices.py:7 info']);
  });

  it("a common name (get, delete, filter) called on an app's model class is the class method its ORM base defines: a query per item", async () => {
    const base: ScanFile = {
      path: 'shop/models.py',
      text: [
        'from sqlalchemy import Column, Integer, String',
        'from shop.db import Base, Session',
        '',
        'class CrudMixin(object):',
        '    @classmethod',
        '    def get(cls, id):',
        '        return Session.query(cls).get(id)',
        '',
        '    @classmethod',
        '    def delete(cls, obj_id):',
        '        Session.query(cls).filter(cls.id == obj_id).delete()',
        '',
        'class Coupon(Base, CrudMixin):',
        '    __tablename__ = "coupon"',
        '    id = Column(Integer, primary_key=True)',
        '',
        'class Colour(object):',
        '    NAMES = {"r": "red"}',
        '',
        '    @classmethod',
        '    def get(cls, key):',
        '        return cls.NAMES.get(key)',
        '',
      ],
    };
    const worker: ScanFile = {
      path: 'shop/services/coupons.py',
      text: [
        'from sqlalchemy import and_',
        'from shop.db import Session',
        'from shop.models import Colour, Coupon',
        '',
        'def purge_expired(now):',
        '    for coupon in Session.query(Coupon).filter(and_(Coupon.id > 0)).all():',
        '        Coupon.delete(coupon.id)',
        '',
        'def coupons_by_id(ids):',
        '    out = []',
        '    for coupon_id in ids:',
        '        out.append(Coupon.get(coupon_id))',
        '    return out',
        '',
        'def colour_names(keys):',
        '    return [Colour.get(k) for k in keys]',
        '',
      ],
    };
    assert.deepEqual(await scanLines([base, worker]), ['shop/services/coupons.py:12 warning', 'shop/services/coupons.py:7 warning']);
    // A program at the project's root (`cron.py`) calling the class of another package: the import links them.
    assert.deepEqual(await scanLines([base, { ...worker, path: 'coupons_job.py' }]), ['coupons_job.py:12 warning', 'coupons_job.py:7 warning']);
  });
});
