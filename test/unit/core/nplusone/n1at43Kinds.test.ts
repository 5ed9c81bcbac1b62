/**
 * Kinds of false alarm the blind Ruby and Python apps of held-out-an…aq showed (n1at, session 43: cloud_controller_ng on
 * Sequel, letta on async SQLAlchemy, homeward-tails on Rails, vue-fastapi-admin on Tortoise), fixed by kind, each keyed on
 * what the code shows. Each test failed before its fix (branch n1at at f8f9ffa7).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by the Ruby and Python apps of held-out-an…aq (n1at43)', () => {
  it('Ruby: a loop whose body opens a transaction per item (`Model.transaction do`, Sequel `X.db.transaction do`, `with_lock do`) is a unit of work per item (info); a read before the transaction keeps the warning', async () => {
    const model: ScanFile = { path: 'app/models/role.rb', text: ['class Role < ApplicationRecord', '  has_many :grants', 'end', ''] };
    const event: ScanFile = { path: 'app/models/audit_event.rb', text: ['class AuditEvent < ApplicationRecord', 'end', ''] };
    const action: ScanFile = {
      path: 'app/actions/role_delete.rb',
      text: [
        'class RoleDelete',
        '  def delete(roles)',
        '    roles.each do |role|',
        '      Role.transaction do',
        '        AuditEvent.create!(kind: "role.delete", target: role.id)',
        '        role.destroy!',
        '      end',
        '    end',
        '  end',
        '',
        '  def lock_and_touch(roles)',
        '    roles.each do |role|',
        '      role.with_lock do',
        '        role.update!(touched_at: Time.now)',
        '      end',
        '    end',
        '  end',
        '',
        '  def import(rows)',
        '    rows.each do |row|',
        '      existing = Role.find_by(name: row[:name])',
        '      next if existing',
        '      Role.transaction do',
        '        Role.create!(name: row[:name])',
        '      end',
        '    end',
        '  end',
        '',
        '  def plain(roles)',
        '    roles.each do |role|',
        '      role.update!(archived: true)',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await scanLines([model, event, action]), [
      'app/actions/role_delete.rb:14 info',
      'app/actions/role_delete.rb:21 warning',
      'app/actions/role_delete.rb:24 warning',
      'app/actions/role_delete.rb:31 warning',
      'app/actions/role_delete.rb:5 info',
    ]);
  });

  it('Python: a loop whose body opens a transaction per item (`with transaction.atomic():`) is a unit of work per item (info); the same writes without it stay warnings', async () => {
    const models: ScanFile = {
      path: 'shop/models.py',
      text: ['from django.db import models', '', 'class Order(models.Model):', '    state = models.CharField(max_length=20)', '', 'class Event(models.Model):', '    order = models.ForeignKey(Order, on_delete=models.CASCADE)', ''],
    };
    const views: ScanFile = {
      path: 'shop/services.py',
      text: [
        'from django.db import transaction',
        'from shop.models import Event, Order',
        '',
        'def cancel_orders(orders):',
        '    for order in orders:',
        '        with transaction.atomic():',
        '            Event.objects.create(order=order)',
        '            order.save()',
        '',
        'def archive_orders(orders):',
        '    for order in orders:',
        '        Event.objects.create(order=order)',
        '',
      ],
    };
    assert.deepEqual(await scanLines([models, views]), ['shop/services.py:12 warning', 'shop/services.py:7 info']);
  });
});
