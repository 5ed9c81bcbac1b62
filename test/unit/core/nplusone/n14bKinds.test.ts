/**
 * Kinds of the thirteenth session (issue 14, n14b): calls through the app's own module-level database accessor
 * (`database.get(Model, value)`, a Go store's `Get`), a service module's own `get` called by its bare name, and a
 * query another function built that the caller narrows. One small synthetic fixture per kind, both ways.
 */
import { strict as assert } from 'node:assert';
import { ImportGraph } from '../../../../src/core/importContext';
import { nPlusOneAnalyzer } from '../../../../src/core/nplusone/analyzer';
import { scanFiles } from '../../../../src/core/scan';
import { expectNPlusOneInScan, scanNPlusOne } from '../../support/nplusoneFixtures';

/** The app's database helper module: every helper wraps the Flask-SQLAlchemy session. */
const database = {
  path: 'shop/database.py',
  text: [
    'from shop.extensions import db',
    '',
    'def session_query(model):',
    '    return model.query if hasattr(model, "query") else db.session.query(model)',
    '',
    'def get(model, value, field="id"):',
    '    query = session_query(model)',
    '    return query.filter(getattr(model, field) == value).scalar()',
    '',
    'def create(model):',
    '    db.session.add(model)',
    '    db.session.commit()',
    '    return model',
    '',
  ],
};
/** Seven more service modules define `get` and `create` (as every service module of such an app does). */
const services = Array.from({ length: 7 }, (_, i) => ({
  path: `shop/area${i}/service.py`,
  text: ['from shop import database', `from shop.area${i}.models import Thing${i}`, '', 'def get(thing_id):', `    return database.get(Thing${i}, thing_id)`, '', 'def create(**kwargs):', `    return database.create(Thing${i}(**kwargs))`, ''],
}));
/** An in-memory module of the same shape: its `get` is a dict read. */
const memory = { path: 'shop/cache/store.py', text: ['_items = {}', '', 'def get(key):', '    return _items.get(key)', ''] };
const orders = {
  path: 'shop/orders/service.py',
  text: [
    'from shop import database',
    'from shop.orders.models import Order, Tag',
    '',
    'def get(order_id):',
    '    return database.get(Order, order_id)',
    '',
    'def get_by_name(name):',
    '    return database.get(Order, name, field="name")',
    '',
    'def get_or_create_tag(**kwargs):',
    '    tag = database.get(Tag, kwargs["name"], field="name")',
    '    if not tag:',
    '        tag = Tag(**kwargs)',
    '        database.create(tag)',
    '    return tag',
    '',
    'def get_orders(order_ids):',
    '    orders = []',
    '    for order_id in order_ids:',
    '        order = get(order_id)',
    '        if order:',
    '            orders.append(order)',
    '    return orders',
    '',
  ],
};

describe('N+1 kinds of the thirteenth session (n14b)', () => {
  it('Python: calls through the app\'s database helper module (`database.get(Model, value)`) reach the database however many service modules define `get`; the value narrowing the query the helper built is its key', async () => {
    const sync = {
      path: 'shop/sources/service.py',
      text: [
        'from shop import database',
        'from shop.cache import store',
        'from shop.orders import service as order_service',
        'from shop.orders.models import Order',
        '',
        'def sync(items):',
        '    for item in items:',
        '        item["order"] = order_service.get_by_name(item["name"])',
        '        tags = [order_service.get_or_create_tag(name=t) for t in item["tags"]]',
        '        item["row"] = database.get(Order, item["id"])',
        '        item["cached"] = store.get(item["id"])',
        '        item["base"] = database.session_query(Order)',
        '',
      ],
    };
    await expectNPlusOneInScan([database, ...services, memory, orders, sync], [
      'shop/orders/service.py:20',
      'shop/sources/service.py:10',
      'shop/sources/service.py:8',
      'shop/sources/service.py:9',
    ]);
  });

  it('Python: a service module\'s own `get` called by its bare name in a loop is that function; a bare `get` the module imports or does not define is not judged by name', async () => {
    const other = {
      path: 'shop/reports/service.py',
      text: [
        'from shop.cache.store import get',
        '',
        'def totals(keys):',
        '    return [get(k) for k in keys]',
        '',
        'def names(rows):',
        '    out = []',
        '    for r in rows:',
        '        out.append(get(r))',
        '    return out',
        '',
      ],
    };
    const found = (await scanNPlusOne([database, ...services, memory, orders, other])).map((f) => `${f.file}:${f.line}`);
    assert.deepEqual(found.sort(), ['shop/orders/service.py:20']);
  });

  it('Python: a helper narrowing the query another helper built with a constant only (`query.filter(Model.active == True)`) is the same look-up per item', async () => {
    const helpers = {
      path: 'shop/audit/service.py',
      text: [
        'from shop import database',
        'from shop.audit.models import Entry',
        '',
        'def active_entries(model):',
        '    query = database.session_query(model)',
        '    return query.filter(Entry.active == True).all()',
        '',
        'def per_kind(kinds):',
        '    for kind in kinds:',
        '        print(kind, active_entries(Entry))',
        '',
      ],
    };
    const caller = {
      path: 'shop/audit/views.py',
      text: ['from shop.audit import service as audit_service', 'from shop.audit.models import Entry', '', 'def show(kinds):', '    for kind in kinds:', '        audit_service.active_entries(Entry)', ''],
    };
    await expectNPlusOneInScan([database, helpers, caller], []);
  });

  it('Go: a common method name on a value typed as the app\'s store (`s.Get(id)` with `s *store.Store`) is that store\'s method; on a value of another type it is not', async () => {
    const store = {
      path: 'internal/store/store.go',
      text: ['package store', '', 'import "database/sql"', '', 'type Store struct { db *sql.DB }', '', 'func (s *Store) Get(id int64) (*User, error) {', '\trow := s.db.QueryRow("select id from users where id = $1", id)', '\tvar u User', '\treturn &u, row.Scan(&u.ID)', '}', ''],
    };
    const cache = {
      path: 'internal/cache/cache.go',
      text: ['package cache', '', 'type Cache struct { m map[int64]string }', '', 'func (c *Cache) Get(id int64) string {', '\treturn c.m[id]', '}', ''],
    };
    const api = {
      path: 'internal/api/sync.go',
      text: ['package api', '', 'import (', '\t"example.com/app/internal/cache"', '\t"example.com/app/internal/store"', ')', '', 'func Sync(s *store.Store, c *cache.Cache, ids []int64) {', '\tfor _, id := range ids {', '\t\ts.Get(id)', '\t\tc.Get(id)', '\t}', '}', ''],
    };
    await expectNPlusOneInScan([store, cache, api], ['internal/api/sync.go:10']);
  });
});

describe('N+1 kinds of the thirteenth session (n14b): a call on a module is that module\'s', () => {
  const cli = {
    path: 'shop/certificates/cli.py',
    text: ['from shop.certificates.models import Certificate', '', 'def query(fqdn):', '    return Certificate.query.filter(Certificate.cn == fqdn).first()', ''],
  };
  it('Python: `dns.resolver.query(…)` on an imported library module is not the app\'s function `query` (a CLI command), neither in the loop nor in a helper the loop calls', async () => {
    const acme = {
      path: 'shop/plugins/acme/handlers.py',
      text: [
        'import dns.resolver',
        '',
        'def get_cname(domain):',
        '    result = dns.resolver.query(domain, "CNAME")',
        '    return result[0]',
        '',
        'def check(domains):',
        '    for d in domains:',
        '        dns.resolver.query(d, "TXT")',
        '        get_cname(d)',
        '',
      ],
    };
    await expectNPlusOneInScan([cli, acme], []);
  });
  it('Python: the same call on a module of the project (`from shop.certificates import cli`) is that module\'s function', async () => {
    const report = {
      path: 'shop/reports/daily.py',
      text: ['from shop.certificates import cli', '', 'def daily(batches):', '    for fqdn in batches:', '        cli.query(fqdn)', ''],
    };
    await expectNPlusOneInScan([cli, report], ['shop/reports/daily.py:5']);
  });
});

describe('N+1 kinds of the thirteenth session (n14b): loops over a set the code or its configuration declares are at most info', () => {
  const severities = async (path: string, text: string[]) => (await scanNPlusOne([{ path, text }])).map((f) => `${f.line} ${f.severity}`);

  it('Python: a field\'s choices and a value of the settings (django.conf, a config module, Flask\'s app config) are possible N+1s; the rows of a query stay warnings', async () => {
    assert.deepEqual(await severities('app/orders/views.py', [
      'from django.conf import settings',
      'from app.core import config',
      'from flask import current_app',
      'from app.orders.models import Order, Report',
      '',
      'def summary(request):',
      '    for status, label in Order.Status.choices:',
      '        Order.objects.filter(status=status).count()',
      '    for code, name in Order._meta.get_field("kind").choices:',
      '        Order.objects.filter(code=code).exists()',
      '    for queue in config.worker_queues:',
      '        Report.objects.create(queue=queue)',
      '    for name in current_app.config["EXPORT_TABLES"]:',
      '        Report.objects.create(name=name)',
      '    for order in Order.objects.filter(open=True):',
      '        Report.objects.create(order=order)',
      '    for kind in request.data["kinds"]:',
      '        Report.objects.create(kind=kind)',
      '',
    ]), ['8 info', '10 info', '12 info', '14 info', '16 warning', '18 warning']);
  });

  it('Ruby: a constant of another class (`Links::LINKS`) and the Rails configuration are possible N+1s; a relation stays a warning', async () => {
    assert.deepEqual(await severities('app/models/version.rb', [
      'class Version < ApplicationRecord',
      '  def refresh_links',
      '    Links::LINKS.each do |kind, _|',
      '      LinkVerification.find_by(kind: kind)',
      '    end',
      '    Rails.configuration.launch_feeds.each do |url|',
      '      Feed.find_by(url: url)',
      '    end',
      '    Version.where(indexed: true).each do |v|',
      '      LinkVerification.find_by(version_id: v.id)',
      '    end',
      '  end',
      'end',
      '',
    ]), ['4 info', '7 info', '10 warning']);
  });

  it('Go: a value of the app\'s config package (`global.CONFIG.Tables`) is a possible N+1; a slice of the data stays a warning', async () => {
    assert.deepEqual(await severities('server/task/clear.go', [
      'package task',
      '',
      'import (',
      '\t"database/sql"',
      '\t"example.com/app/global"',
      ')',
      '',
      'func Clear(db *sql.DB, rows []Row) {',
      '\tfor _, t := range global.CONFIG.Tables {',
      '\t\tdb.Exec("DELETE FROM logs WHERE kind = $1", t.Kind)',
      '\t}',
      '\tfor _, r := range rows {',
      '\t\tdb.Exec("DELETE FROM logs WHERE id = $1", r.ID)',
      '\t}',
      '}',
      '',
    ]), ['10 info', '13 warning']);
  });
});

describe('N+1 kinds of the thirteenth session (n14b): Ruby one-off data services', () => {
  const backfill = [
    'module Deployment',
    '  class BackfillContactMetadataService',
    '    def backfill',
    '      Contact.where(metadata: nil).find_each do |contact|',
    '        contact.update!(metadata: { started: contact.created_at })',
    '      end',
    '    end',
    '  end',
    'end',
    '',
  ];
  const refresh = ['class ContactRefreshService', '  def refresh', '    Contact.where(stale: true).find_each do |contact|', '      contact.update!(stale: false)', '    end', '  end', 'end', ''];
  it('a service class named only by a one-off rake task (dated, or under deployment/) and its spec runs where the task runs: a script, its N+1 at most info; one a controller or a recurring rake task names keeps its own context', async () => {
    const g = new ImportGraph();
    g.add('app/services/deployment/backfill_contact_metadata_service.rb', backfill.join('\n'));
    g.add('lib/tasks/deployment/20240720_backfill_contact_metadata.rake', 'namespace :after_party do\n  task backfill: :environment do\n    Deployment::BackfillContactMetadataService.new.backfill\n  end\nend\n');
    g.add('spec/services/deployment/backfill_contact_metadata_service_spec.rb', 'RSpec.describe Deployment::BackfillContactMetadataService do\nend\n');
    g.add('app/services/contact_refresh_service.rb', refresh.join('\n'));
    g.add('lib/tasks/refresh.rake', 'task refresh: :environment do\n  ContactRefreshService.new.refresh\nend\n');
    g.add('app/controllers/contacts_controller.rb', 'class ContactsController < ApplicationController\n  def refresh\n    ContactRefreshService.new.refresh\n  end\nend\n');
    // A rake task not one-off by its path (a daily reminder the scheduler runs): what it names keeps its own context.
    g.add('app/services/reminder_service.rb', refresh.join('\n').replace('ContactRefreshService', 'ReminderService'));
    g.add('lib/tasks/send_reminders.rake', 'task send_reminders: :environment do\n  ReminderService.new.refresh\nend\n');
    assert.deepEqual([...g.contexts()], [['app/services/deployment/backfill_contact_metadata_service.rb', 'script']]);
    const scan = await scanFiles([
      { path: 'app/services/deployment/backfill_contact_metadata_service.rb', text: backfill.join('\n') },
      { path: 'lib/tasks/deployment/20240720_backfill_contact_metadata.rake', text: 'task backfill: :environment do\n  Deployment::BackfillContactMetadataService.new.backfill\nend\n' },
      { path: 'app/services/contact_refresh_service.rb', text: refresh.join('\n') },
      { path: 'app/controllers/contacts_controller.rb', text: 'class ContactsController < ApplicationController\n  def refresh\n    ContactRefreshService.new.refresh\n  end\nend\n' },
    ], { analyzers: [nPlusOneAnalyzer()] });
    assert.deepEqual(scan.findings.filter((f) => f.ruleId === 'n-plus-one').map((f) => `${f.file} ${f.severity}`).sort(), [
      'app/services/contact_refresh_service.rb warning',
      'app/services/deployment/backfill_contact_metadata_service.rb info',
    ]);
  });
});

describe('N+1 kinds of the thirteenth session (n14b): names bound together', () => {
  it('Python: names bound at once (`data, errors = schema.load(item)`) carry the parameter, so a helper writing what it loaded is judged per item, not as the same look-up repeated', async () => {
    const helper = {
      path: 'shop/sync/service.py',
      text: [
        'from shop import database',
        'from shop.sync.schemas import UploadSchema',
        'from shop.sync.models import Item',
        '',
        'def item_create(item, source):',
        '    data, errors = UploadSchema().load(item)',
        '    row = Item(**data)',
        '    row.source = database.get(Item, source.id)',
        '    database.create(row)',
        '    return row',
        '',
        'def sync(items, source):',
        '    for item in items:',
        '        item_create(item, source)',
        '',
      ],
    };
    await expectNPlusOneInScan([database, helper], ['shop/sync/service.py:14']);
  });
});

describe('N+1 kinds of the thirteenth session (n14b): declared sets, nested and shipped in a file', () => {
  it('Ruby: a loop over part of an item of a constant (`DEFAULTS.each do |name, types| types.each …`) and over data read from a shipped YAML file are possible N+1s; over a relation\'s rows it stays a warning', async () => {
    const text = [
      'class ContactTypeGroup < ApplicationRecord',
      '  DEFAULT_GROUPS = {',
      '    Family: ["Parent", "Sibling"],',
      '    School: ["Teacher", "Counselor"]',
      '  }.freeze',
      '',
      '  def self.generate_for_org!(org)',
      '    DEFAULT_GROUPS.each do |group_name, type_names|',
      '      group = ContactTypeGroup.find_or_create_by!(org: org, name: group_name)',
      '      type_names.each do |type_name|',
      '        ContactType.find_or_create_by!(group: group, name: type_name)',
      '      end',
      '    end',
      '    default_topics.each do |topic|',
      '      ContactTopic.find_or_create_by!(org: org, question: topic["question"])',
      '    end',
      '    org.groups.each do |g|',
      '      g.types.each do |t|',
      '        ContactType.find_or_create_by!(group: g, name: t.name)',
      '      end',
      '    end',
      '  end',
      '',
      '  def self.default_topics',
      '    YAML.load_file(DEFAULT_TOPICS_PATH)',
      '  end',
      'end',
      '',
    ];
    assert.deepEqual((await scanNPlusOne([{ path: 'app/models/contact_type_group.rb', text }])).map((f) => `${f.line} ${f.severity}`), ['11 info', '15 info', '19 warning']);
  });
});
