/**
 * Kinds of false alarm the blind Ruby and Python apps of held-out-an…aq showed (n1at, session 44: cloud_controller_ng on
 * Sequel, letta on async SQLAlchemy, homeward-tails on Rails, vue-fastapi-admin on Tortoise), fixed by kind, each keyed on
 * what the code shows. Each test failed before its fix (branch n1at at f8f9ffa7).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines, scanWarnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by the Ruby and Python apps of held-out-an…aq (n1at44)', () => {
  it('Ruby: a loop whose body opens a transaction per item (`Model.transaction do`, Sequel `X.db.transaction do`, `with_lock do`, a model\'s own `transaction do`) is a unit of work per item (info); a read before the transaction keeps the warning', async () => {
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
    const owner: ScanFile = {
      path: 'app/models/team.rb',
      text: [
        'class Team < ApplicationRecord',
        '  has_many :roles',
        '',
        '  def archive_roles(names)',
        '    names.each do |name|',
        '      transaction do',
        '        Role.create!(name: name, archived: true)',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await scanLines([model, event, action, owner]), [
      'app/actions/role_delete.rb:14 info',
      'app/actions/role_delete.rb:21 warning',
      'app/actions/role_delete.rb:24 warning',
      'app/actions/role_delete.rb:31 warning',
      'app/actions/role_delete.rb:5 info',
      'app/models/team.rb:7 info',
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

  it('Python: a class method a model inherits from the app\'s own ORM base (`ProviderModel.list_async(…)` on `class SqlBase`), on the class imported under another name too, is that base\'s query per item; another class\'s method of that name is not', async () => {
    const base: ScanFile = {
      path: 'app/orm/base.py',
      text: [
        'from sqlalchemy import select',
        'from sqlalchemy.orm import DeclarativeBase',
        '',
        'class Base(DeclarativeBase):',
        '    pass',
        '',
        'class SqlBase(Base):',
        '    __abstract__ = True',
        '',
        '    @classmethod',
        '    async def list_async(cls, db_session, limit=None, **kwargs):',
        '        result = await db_session.execute(select(cls).filter_by(**kwargs).limit(limit))',
        '        return result.scalars().all()',
        '',
      ],
    };
    const model: ScanFile = { path: 'app/orm/provider_model.py', text: ['from app.orm.base import SqlBase', '', 'class ProviderModel(SqlBase):', '    __tablename__ = "provider_models"', ''] };
    const cache: ScanFile = {
      path: 'app/memory/cache.py',
      text: ['class Cache:', '    entries = {}', '', '    @classmethod', '    async def list_async(cls, db_session, limit=None, **kwargs):', '        return [e for e in cls.entries.values()][:limit]', ''],
    };
    const service: ScanFile = {
      path: 'app/services/provider_manager.py',
      text: [
        'from app.orm.provider_model import ProviderModel as ProviderModelORM',
        'from app.orm.provider_model import ProviderModel',
        'from app.memory.cache import Cache',
        '',
        'class ProviderManager:',
        '    async def sync(self, session, models):',
        '        for m in models:',
        '            existing = await ProviderModelORM.list_async(db_session=session, limit=1, handle=m.handle)',
        '            other = await ProviderModel.list_async(db_session=session, limit=1, name=m.name)',
        '            cached = await Cache.list_async(db_session=session, limit=1, name=m.name)',
        '',
      ],
    };
    assert.deepEqual(await scanLines([base, model, cache, service]), ['app/services/provider_manager.py:8 warning', 'app/services/provider_manager.py:9 warning']);
  });

  it('Python: `self.name(…)` is a method of the class\'s own hierarchy (the class, the app\'s classes it names as bases, a subclass), not another module\'s function of that name; a library base\'s method is the library\'s', async () => {
    const tasks: ScanFile = {
      path: 'app/tasks/email.py',
      text: ['from sqlalchemy import select', 'from app.models import Outbox', '', 'def send(session, recipient, body):', '    session.execute(select(Outbox).where(Outbox.recipient == recipient))', ''],
    };
    const store: ScanFile = {
      path: 'app/store/base.py',
      text: ['from sqlalchemy import select', 'from app.models import Outbox', '', 'class BaseStore:', '    def __init__(self, session):', '        self.session = session', '', '    def persist_row(self, row):', '        self.session.execute(select(Outbox).where(Outbox.id == row))', ''],
    };
    const socket: ScanFile = {
      path: 'app/streamer/websocket.py',
      text: [
        'import json',
        'from ws4py.websocket import WebSocket as _WebSocket',
        'from app.store.base import BaseStore',
        '',
        'class WebSocket(_WebSocket):',
        '    def send_json(self, payload):',
        '        self.send(json.dumps(payload))',
        '',
        'class OutboxStore(BaseStore):',
        '    def keep_payload(self, row):',
        '        self.persist_row(row)',
        '',
      ],
    };
    const messages: ScanFile = {
      path: 'app/streamer/messages.py',
      text: [
        'def broadcast(sockets, payload):',
        '    for socket in sockets:',
        '        socket.send_json(payload)',
        '',
        'def keep_all(store, rows):',
        '    for row in rows:',
        '        store.keep_payload(row)',
        '',
      ],
    };
    assert.deepEqual(await scanWarnings([tasks, store, socket, messages]), ['app/streamer/messages.py:7 warning']);
  });
});
