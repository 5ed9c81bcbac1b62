/**
 * Kinds of false alarm the held-out splits z, aa and ab still gave (notes: n1fix28), each keyed on what the code shows.
 * Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';


describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28)', () => {
  it('Ruby: a loop over calendar periods (`months.each do |month|`) reads the data a period at a time; a loop over places is per item', async () => {
    const f: ScanFile = {
      path: 'app/services/places/visits/create.rb',
      text: [
        'class Places::Visits::Create',
        '  def call(places)',
        '    places.each do |place|',
        '      Point.where(place_id: place.id).to_a',
        '    end',
        '  end',
        '',
        '  def place_visits(place)',
        '    months = Point.where(place_id: place.id).distinct.pluck(:month)',
        '    months.each do |month|',
        '      Point.where(place_id: place.id, month: month).to_a',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/services/places/visits/create.rb:4 warning']);
    assert.ok((await lines([f])).includes('app/services/places/visits/create.rb:11 info'));
  });
  it('Python: a loop over time periods (`for period_start, period_end, offset in dst_periods`) is one grouped read per period', async () => {
    const models: ScanFile = { path: 'app/models.py', text: ['from peewee import CharField, FloatField, Model', '', 'class Recordings(Model):', '    camera = CharField()', '    start_time = FloatField()', ''] };
    const f: ScanFile = {
      path: 'app/api/record.py',
      text: [
        'from app.models import Recordings',
        '',
        'def summary(camera, periods_of, cameras):',
        '    dst_periods = periods_of(camera)',
        '    out = []',
        '    for period_start, period_end, period_offset in dst_periods:',
        '        out.extend(Recordings.select().where((Recordings.start_time >= period_start) & (Recordings.start_time <= period_end)).namedtuples())',
        '    for name in cameras:',
        '        out.extend(Recordings.select().where(Recordings.camera == name).namedtuples())',
        '    return out',
        '',
      ],
    };
    assert.deepEqual(await warnings([models, f]), ['app/api/record.py:9 warning']);
    assert.ok((await lines([models, f])).includes('app/api/record.py:7 info'));
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): remote work inside the callee', () => {
  it('Go: a function of the file that first calls another service (through its own HTTP helper) and then logs the answer is paced by the remote call', async () => {
    const f: ScanFile = {
      path: 'pkg/webhook/webhook.go',
      text: [
        'package webhook',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        '\t"net/http"',
        ')',
        '',
        'func do(ctx context.Context, url string) (*http.Response, error) {',
        '\treq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn http.DefaultClient.Do(req)',
        '}',
        '',
        'func SendWebhook(ctx context.Context, db *sql.DB, id int64, url string) error {',
        '\tres, err := do(ctx, url)',
        '\tstatus := 0',
        '\tif err == nil {',
        '\t\tstatus = res.StatusCode',
        '\t}',
        '\t_, err = db.ExecContext(ctx, "INSERT INTO webhook_deliveries (webhook_id, status) VALUES ($1, $2)", id, status)',
        '\treturn err',
        '}',
        '',
        'func MarkWebhook(ctx context.Context, db *sql.DB, id int64, url string) error {',
        '\t_, err := db.ExecContext(ctx, "UPDATE webhooks SET fired = true WHERE id = $1", id)',
        '\tif err != nil {',
        '\t\treturn err',
        '\t}',
        '\t_, err = do(ctx, url)',
        '\treturn err',
        '}',
        '',
        'func SendEvent(ctx context.Context, db *sql.DB, ids []int64, urls []string) error {',
        '\tfor i, id := range ids {',
        '\t\tif err := SendWebhook(ctx, db, id, urls[i]); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\tfor i, id := range ids {',
        '\t\tif err := MarkWebhook(ctx, db, id, urls[i]); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['pkg/webhook/webhook.go:43 warning']);
    assert.ok((await lines([f])).includes('pkg/webhook/webhook.go:38 info'));
  });
  it('TypeScript: another file\'s function that calls `fetch` before its INSERT is paced by the remote call; one that writes first is not', async () => {
    const svc: ScanFile = {
      path: 'src/services/delivery.ts',
      text: [
        'import { pool } from "../db";',
        '',
        'export async function deliverWebhook(id: string, url: string) {',
        '  const res = await fetch(url, { method: "POST" });',
        '  await pool.query("INSERT INTO deliveries (webhook_id, status) VALUES ($1, $2)", [id, res.status]);',
        '}',
        '',
        'export async function markAndDeliver(id: string, url: string) {',
        '  await pool.query("UPDATE webhooks SET fired = true WHERE id = $1", [id]);',
        '  await fetch(url, { method: "POST" });',
        '}',
        '',
      ],
    };
    const loop: ScanFile = {
      path: 'src/jobs/send.ts',
      text: [
        'import { deliverWebhook, markAndDeliver } from "../services/delivery";',
        '',
        'export async function sendAll(hooks: { id: string; url: string }[]) {',
        '  for (const h of hooks) {',
        '    await deliverWebhook(h.id, h.url);',
        '  }',
        '  for (const h of hooks) {',
        '    await markAndDeliver(h.id, h.url);',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([svc, loop]), ['src/jobs/send.ts:8 warning']);
    assert.ok((await lines([svc, loop])).includes('src/jobs/send.ts:5 info'));
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): calendar periods, handed items', () => {
  it('Ruby: days grouped in memory (`days.map { |date, data| build_day(date, data) }`) hand each day\'s items on: still per item', async () => {
    const f: ScanFile = {
      path: 'app/services/timeline/day_assembler.rb',
      text: [
        'class Timeline::DayAssembler',
        '  def build_days(days)',
        '    days.map { |date, data| build_day(date, data) }',
        '  end',
        '',
        '  def build_day(date, data)',
        '    ActiveRecord::Base.connection.exec_query(sql_for(data), "count")',
        '  end',
        'end',
        '',
      ],
    };
    assert.ok((await warnings([f])).includes('app/services/timeline/day_assembler.rb:3 warning'));
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): Java calls that are no database call', () => {
  it('Java: another class\'s private method of the same name is not the call; a public one that queries is', async () => {
    const handler: ScanFile = {
      path: 'src/main/java/org/acme/amqp/MessageHandler.java',
      text: [
        'package org.acme.amqp;',
        '',
        'public class MessageHandler {',
        '  private final TargetRepository targetRepository;',
        '',
        '  private void deleteTarget(final String id) {',
        '    targetRepository.deleteById(id);',
        '  }',
        '',
        '  public void archiveTarget(final String id) {',
        '    targetRepository.deleteById(id);',
        '  }',
        '}',
        '',
      ],
    };
    const view: ScanFile = {
      path: 'src/main/java/org/acme/ui/TargetView.java',
      text: [
        'package org.acme.ui;',
        '',
        'import java.util.List;',
        '',
        'public class TargetView {',
        '  private final MgmtClient client;',
        '',
        '  public void remove(final List<String> ids) {',
        '    ids.forEach(id -> client.getTargetRestApi().deleteTarget(id));',
        '  }',
        '',
        '  public void archive(final List<String> ids, final MessageHandler handler) {',
        '    for (final String id : ids) {',
        '      handler.archiveTarget(id);',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([handler, view]), ['src/main/java/org/acme/ui/TargetView.java:14 warning']);
  });
  it('Java: Spring Data\'s `repository.getDomainClass()` is the repository\'s metadata, no query; `findByName` is', async () => {
    const f: ScanFile = {
      path: 'src/main/java/org/acme/repository/AccessCheck.java',
      text: [
        'package org.acme.repository;',
        '',
        'public class AccessCheck<T> {',
        '  private final TargetRepository repository;',
        '',
        '  public void check(final Iterable<?> result) {',
        '    for (final Object e : result) {',
        '      if (repository.getDomainClass().isAssignableFrom(e.getClass())) {',
        '        repository.findByName(e.toString());',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['src/main/java/org/acme/repository/AccessCheck.java:9 warning']);
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): start-up through the entry point', () => {
  it('Python: what only the method `__main__` calls on the app it constructs (`App().start()`) calls runs once per boot, though other code calls a `start` too', async () => {
    const models: ScanFile = { path: 'app/models.py', text: ['from peewee import CharField, Model', '', 'class Export(Model):', '    state = CharField()', ''] };
    const reaper: ScanFile = {
      path: 'app/jobs/export.py',
      text: [
        'from app.models import Export',
        '',
        'def reap_stale_exports():',
        '    for export in Export.select().where(Export.state == "running"):',
        '        Export.update(state="failed").where(Export.id == export.id).execute()',
        '',
        'def retry_exports(ids):',
        '    for export_id in ids:',
        '        Export.update(state="queued").where(Export.id == export_id).execute()',
        '',
      ],
    };
    const app: ScanFile = {
      path: 'app/app.py',
      text: [
        'from app.jobs.export import reap_stale_exports, retry_exports',
        '',
        'class App:',
        '    def start(self):',
        '        reap_stale_exports()',
        '        self.serve()',
        '',
        '    def serve(self):',
        '        pass',
        '',
        'class Api:',
        '    def post(self, ids, worker):',
        '        retry_exports(ids)',
        '        worker.start()',
        '',
      ],
    };
    const main: ScanFile = {
      path: 'app/__main__.py',
      text: [
        'from app.app import App',
        '',
        'def main():',
        '    App().start()',
        '',
        'if __name__ == "__main__":',
        '    main()',
        '',
      ],
    };
    const found = await lines([models, reaper, app, main]);
    if (process.env.N1K_DEBUG) console.log(found);
    assert.ok(found.includes('app/jobs/export.py:9 warning'), found.join(', '));
    assert.ok(!found.includes('app/jobs/export.py:5 warning'), found.join(', '));
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): a Go channel that streams a walk', () => {
  it('Go: a channel the function makes and hands to a producer goroutine it starts streams a walk\'s items: per item; a worker\'s queue is not', async () => {
    const f: ScanFile = {
      path: 'pkg/backend/lfs.go',
      text: [
        'package backend',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        ')',
        '',
        'func search(ctx context.Context, out chan string) {',
        '\tdefer close(out)',
        '}',
        '',
        'func StoreMissing(ctx context.Context, db *sql.DB) error {',
        '\tpointers := make(chan string)',
        '\tgo search(ctx, pointers)',
        '\tfor oid := range pointers {',
        '\t\tdb.QueryRowContext(ctx, "SELECT id FROM lfs_objects WHERE oid = $1", oid)',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func worker(ctx context.Context, db *sql.DB, jobs chan string) {',
        '\tfor oid := range jobs {',
        '\t\tdb.QueryRowContext(ctx, "SELECT id FROM lfs_objects WHERE oid = $1", oid)',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['pkg/backend/lfs.go:16 warning']);
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): rows walked by find_each', () => {
  it('Ruby: `Model.any_scope.find_each` walks rows of a relation (find_each is ActiveRecord\'s): a relation read per row is an N+1', async () => {
    const job: ScanFile = {
      path: 'app/jobs/users/points_counter_correction_job.rb',
      text: [
        'class Users::PointsCounterCorrectionJob < ApplicationJob',
        '  def perform',
        '    User.active_or_trial.find_each do |user|',
        '      actual_count = user.points.count',
        '      next if user.points_count == actual_count',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const model: ScanFile = { path: 'app/models/user.rb', text: ['class User < ApplicationRecord', '  has_many :points', 'end', ''] };
    assert.deepEqual(await warnings([job, model]), ['app/jobs/users/points_counter_correction_job.rb:4 warning']);
  });
});

describe('N+1 kinds of the held-out splits z, aa and ab (n1fix28): the entry point is the guard\'s code', () => {
  it('Python: in a module with `if __name__ == "__main__":`, only the guard and the functions it calls name entry methods', async () => {
    const models: ScanFile = { path: 'app/models.py', text: ['from peewee import CharField, Model', '', 'class Export(Model):', '    state = CharField()', ''] };
    const jobs: ScanFile = {
      path: 'app/jobs.py',
      text: [
        'from app.models import Export',
        '',
        'def reap():',
        '    for export in Export.select().where(Export.state == "running"):',
        '        Export.update(state="failed").where(Export.id == export.id).execute()',
        '',
        'def retry(ids):',
        '    for export_id in ids:',
        '        Export.update(state="queued").where(Export.id == export_id).execute()',
        '',
      ],
    };
    const server: ScanFile = {
      path: 'app/server.py',
      text: [
        'from app.jobs import reap, retry',
        '',
        'class App:',
        '    def start(self):',
        '        reap()',
        '',
        'class Page:',
        '    def __init__(self, ids):',
        '        self.ids = ids',
        '',
        '    def render(self):',
        '        retry(self.ids)',
        '',
        'def show(ids):',
        '    return Page(ids).render()',
        '',
        'def main():',
        '    App().start()',
        '',
        'if __name__ == "__main__":',
        '    main()',
        '',
      ],
    };
    const found = await lines([models, jobs, server]);
    if (process.env.N1K_DEBUG) console.log(found);
    assert.ok(found.includes('app/jobs.py:5 info'), found.join(', '));
    assert.ok(found.includes('app/jobs.py:9 warning'), found.join(', '));
  });
});
