/**
 * Kinds seen on the eleventh session's held-out apps (issue 14, held-out-q: a Flask + SQLAlchemy app with data-source
 * connectors, a Hibernate + QueryDSL RSS reader, a Sequelize editor), one small synthetic fixture per kind.
 */
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('N+1 kinds of held-out-q', () => {
  it('Java: a getter called without arguments (`sub.getFeed()`, an entity getter Lombok writes) is not a resource method `getFeed(id)` that queries; the one-argument call still is', async () => {
    const resource = {
      path: 'src/main/java/org/acme/reader/web/FeedResource.java',
      text: [
        'package org.acme.reader.web;',
        '',
        'public class FeedResource {',
        '  private FeedDAO feedDAO;',
        '',
        '  public Feed getFeed(Long id) {',
        '    return feedDAO.findById(id);',
        '  }',
        '}',
        '',
      ],
    };
    const exporter = {
      path: 'src/main/java/org/acme/reader/opml/Exporter.java',
      text: [
        'package org.acme.reader.opml;',
        '',
        'public class Exporter {',
        '  private FeedResource feedResource;',
        '',
        '  private Outline outline(Subscription sub) {',
        '    Outline o = new Outline();',
        '    o.setUrl(sub.getFeed().getUrl());',
        '    return o;',
        '  }',
        '',
        '  private Feed refetch(Subscription sub) {',
        '    return feedResource.getFeed(sub.getFeedId());',
        '  }',
        '',
        '  public void export(List<Subscription> subs, Opml opml) {',
        '    for (Subscription sub : subs) {',
        '      opml.add(outline(sub));',
        '      opml.add(refetch(sub));',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([resource, exporter], ['src/main/java/org/acme/reader/opml/Exporter.java:19']);
  });

  it('Python: a method called on another object (`job.get_status()`, `stack.run(sql)`, `pipe.execute()`) is not a module function of that name that queries; a function imported from the module still is', async () => {
    const monitor = {
      path: 'app/monitor.py',
      text: [
        'from app import models',
        '',
        '',
        'def get_status():',
        '    return {"queries": models.db.session.query(models.Query).count()}',
        '',
        '',
        'def run(sql):',
        '    return models.db.session.execute(sql)',
        '',
      ],
    };
    const tasks = {
      path: 'app/tasks/enqueue.py',
      text: [
        'from rq.job import Job',
        'from app.monitor import get_status',
        '',
        '',
        'def job_state(job_id):',
        '    job = Job.fetch(job_id)',
        '    return job.get_status()',
        '',
        '',
        'def strip_statement(stack, stmt):',
        '    return next(stack.run(str(stmt)), None)',
        '',
        '',
        'def server_status():',
        '    return get_status()',
        '',
        '',
        'def states(job_ids, stack, statements):',
        '    out = [job_state(j) for j in job_ids]',
        '    parts = [strip_statement(stack, s) for s in statements]',
        '    totals = [server_status() for _ in job_ids]',
        '    return out, parts, totals',
        '',
      ],
    };
    await expectNPlusOneInScan([monitor, tasks], ['app/tasks/enqueue.py:21']);
  });

  it('Python: a method `record_event(self, …)` calling the bare `record_event(…)` of its own module is not another module\'s `record_event` that queries', async () => {
    const base = {
      path: 'app/handlers/base.py',
      text: [
        'from app.tasks import record_event as record_event_task',
        '',
        '',
        'class BaseResource:',
        '    def record_event(self, options):',
        '        record_event(self.current_org, options)',
        '',
        '',
        'def record_event(org, options):',
        '    options["org_id"] = org.id',
        '    record_event_task.delay(options)',
        '',
      ],
    };
    const task = {
      path: 'app/tasks/general.py',
      text: [
        'from app import models',
        '',
        '',
        'def record_event(raw_event):',
        '    models.Event.record(raw_event)',
        '    models.db.session.commit()',
        '',
      ],
    };
    const events = {
      path: 'app/handlers/events.py',
      text: [
        'from flask import request',
        'from app.handlers.base import BaseResource',
        '',
        '',
        'class EventsResource(BaseResource):',
        '    def post(self):',
        '        for event in request.get_json(force=True):',
        '            self.record_event(event)',
        '',
      ],
    };
    await expectNPlusOneInScan([base, task, events], []);
  });

  it('Python: statements on an in-process engine\'s connection (`sqlite3.connect(":memory:")`, `duckdb.connect(path)`, their cursors) make no round trip; a file that also imports psycopg keeps them', async () => {
    const memory = [
      'import sqlite3',
      '',
      '',
      'def load(rows):',
      '    connection = sqlite3.connect(":memory:")',
      '    cursor = connection.cursor()',
      '    for row in rows:',
      '        cursor.execute("insert into t (a) values (?)", [row["a"]])',
      '    return connection',
      '',
    ];
    await expectNPlusOne(memory, 'app/runners/memory.py', []);
    const duck = [
      'import duckdb',
      '',
      '',
      'class Runner:',
      '    def connect(self, extensions):',
      '        self.con = duckdb.connect(self.path)',
      '        for ext in extensions:',
      '            self.con.execute(f"LOAD {ext}")',
      '',
    ];
    await expectNPlusOne(duck, 'app/runners/duck.py', []);
    const both = [
      'import sqlite3',
      'import psycopg2',
      '',
      '',
      'def copy(rows, dsn):',
      '    connection = psycopg2.connect(dsn)',
      '    cursor = connection.cursor()',
      '    for row in rows:',
      '        cursor.execute("insert into t (a) values (%s)", [row["a"]])',
      '',
    ];
    await expectNPlusOne(both, 'app/runners/copy.py', [9]);
  });

  it('Java/Python/TS: a variable initialised on the first item only (`if (subs == null) subs = dao.findByFeed(feed);`, `x ??= await load()`) is one query, not one per item; a variable assigned per item stays a finding', async () => {
    await expectNPlusOne([
      'public class Updater {',
      '  private FeedSubscriptionDAO feedSubscriptionDAO;',
      '',
      '  public void update(Feed feed, List<Entry> entries) {',
      '    List<FeedSubscription> subscriptions = null;',
      '    for (Entry entry : entries) {',
      '      if (subscriptions == null) {',
      '        subscriptions = feedSubscriptionDAO.findByFeed(feed);',
      '      }',
      '      add(entry, subscriptions);',
      '    }',
      '  }',
      '',
      '  public void each(List<Entry> entries) {',
      '    for (Entry entry : entries) {',
      '      List<FeedSubscription> subscriptions = null;',
      '      if (subscriptions == null) {',
      '        subscriptions = feedSubscriptionDAO.findByFeed(entry.getFeed());',
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ], 'src/main/java/org/acme/reader/Updater.java', [18]);
    await expectNPlusOne([
      'def update(feed, entries):',
      '    subscriptions = None',
      '    for entry in entries:',
      '        if subscriptions is None:',
      '            subscriptions = Subscription.objects.filter(feed=feed)',
      '        add(entry, subscriptions)',
      '',
    ], 'app/updater.py', []);
    await expectNPlusOne([
      'import { prisma } from "./db";',
      '',
      'export async function update(feedId: string, entries: Entry[]) {',
      '  let settings: Settings | null = null;',
      '  for (const entry of entries) {',
      '    settings ??= await prisma.settings.findUnique({ where: { feedId } });',
      '    await notify(entry, settings);',
      '  }',
      '}',
      '',
    ], 'src/updater.ts', []);
  });

  it('Python: a cached method (`@cache.memoize`) is cold in a loop its function runs right after emptying the cache (`clear_config()` → `cache.delete_memoized(_get_config)`): one query per key again; without the clear it stays cached', async () => {
    const utils = {
      path: 'app/utils/__init__.py',
      text: [
        'from app.cache import cache',
        'from app.models import Configs, db',
        '',
        '',
        '@cache.memoize()',
        'def _get_config(key):',
        '    return db.session.execute(Configs.__table__.select().where(Configs.key == key)).fetchone()',
        '',
        '',
        'def get_config(key, default=None):',
        '    value = _get_config(key)',
        '    return default if value is None else value',
        '',
      ],
    };
    const cacheModule = {
      path: 'app/cache/__init__.py',
      text: [
        'from flask_caching import Cache',
        '',
        'cache = Cache()',
        '',
        '',
        'def clear_config():',
        '    from app.utils import _get_config',
        '',
        '    cache.delete_memoized(_get_config)',
        '',
      ],
    };
    const admin = {
      path: 'app/admin/views.py',
      text: [
        'from app.cache import clear_config',
        'from app.models import Configs',
        'from app.utils import get_config',
        '',
        '',
        'def config():',
        '    clear_config()',
        '    configs = Configs.query.all()',
        '    return {c.key: get_config(c.key) for c in configs}',
        '',
        '',
        'def settings():',
        '    configs = Configs.query.all()',
        '    return {c.key: get_config(c.key) for c in configs}',
        '',
      ],
    };
    await expectNPlusOneInScan([utils, cacheModule, admin], ['app/admin/views.py:9']);
  });

  it('Java/Python: a write repeated until it affects nothing (`do { n = dao.delete(feedId, batchSize); } while (n > 0)`) is the batched cleanup, per item of the outer loop; a delete per item without it stays a finding', async () => {
    await expectNPlusOne([
      'public class Cleaner {',
      '  private FeedEntryDAO feedEntryDAO;',
      '',
      '  public void clean(List<Feed> feeds, int batchSize) {',
      '    for (Feed feed : feeds) {',
      '      long deleted;',
      '      do {',
      '        deleted = feedEntryDAO.deleteOldEntries(feed.getId(), batchSize);',
      '      } while (deleted > 0);',
      '    }',
      '  }',
      '',
      '  public void each(List<Feed> feeds) {',
      '    for (Feed feed : feeds) {',
      '      feedEntryDAO.deleteOldEntries(feed.getId(), 100);',
      '    }',
      '  }',
      '}',
      '',
    ], 'src/main/java/org/acme/reader/Cleaner.java', [15]);
    await expectNPlusOne([
      'import psycopg',
      '',
      '',
      'def purge(conn, tenant_ids):',
      '    for tenant_id in tenant_ids:',
      '        while True:',
      '            deleted = conn.execute("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE tenant_id = %s LIMIT 1000)", [tenant_id]).rowcount',
      '            if not deleted:',
      '                break',
      '',
    ], 'app/cleanup.py', []);
  });
});
