/**
 * Kinds held-out-ab's first (blind) score showed (notes: n1ab26): Peewee models run their statements from the class
 * (`Event.get(…)`, `Recordings.select(…).where(…).exists()`, `Timeline.insert(row).execute()`) and from the instance
 * (`export.delete_instance()`) — none was seen, so frigate's request loops over a body's ids were all missed; and loops
 * over the members of the app's configuration object (`self.config.cameras` with `config: FrigateConfig` imported from
 * the app's config module) run per camera the deployment declares, not per row.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines } from '../../support/nplusoneFixtures';


const models: ScanFile = {
  path: 'frigate/models.py',
  text: [
    'from peewee import CharField, DateTimeField, Model',
    '',
    'class Event(Model):',
    '    camera = CharField()',
    '',
    'class Timeline(Model):',
    '    source_id = CharField()',
    '',
  ],
};

describe('N+1 kinds of held-out-ab', () => {
  it('Peewee: a model class get per id of a request body is a query per item', async () => {
    const f: ScanFile = {
      path: 'frigate/api/event.py',
      text: [
        'from fastapi import APIRouter',
        'from frigate.models import Event',
        '',
        'router = APIRouter()',
        '',
        '@router.post("/events/check")',
        'def check(body: dict):',
        '    found = []',
        '    for event_id in body["ids"]:',
        '        event = Event.get_or_none(Event.id == event_id)',
        '        if event:',
        '            found.append(event.id)',
        '    return found',
        '',
      ],
    };
    assert.deepEqual(await lines([models, f]), ['frigate/api/event.py:10 warning']);
  });

  it('Peewee: select(…).exists() per file, insert(…).execute() and delete_instance() per row are statements per item', async () => {
    const f: ScanFile = {
      path: 'frigate/api/media.py',
      text: [
        'from fastapi import APIRouter',
        'from frigate.models import Event, Timeline',
        '',
        'router = APIRouter()',
        '',
        '@router.post("/media/sync")',
        'def sync(files: list[str], rows: list[dict]):',
        '    orphans = []',
        '    for file in files:',
        '        if not Event.select().where(Event.camera == file).exists():',
        '            orphans.append(file)',
        '    for row in rows:',
        '        Timeline.insert(row).execute()',
        '    for event in Event.select().where(Event.camera == "x"):',
        '        event.delete_instance()',
        '    return orphans',
        '',
      ],
    };
    assert.deepEqual(await lines([models, f]), ['frigate/api/media.py:10 warning', 'frigate/api/media.py:13 warning', 'frigate/api/media.py:15 warning']);
  });

  it('Peewee: `<<` (IN) and insert_many are the batched forms', async () => {
    const f: ScanFile = {
      path: 'frigate/api/review.py',
      text: [
        'from fastapi import APIRouter',
        'from frigate.models import Event, Timeline',
        '',
        'router = APIRouter()',
        '',
        '@router.post("/reviews/delete")',
        'def delete(chunks: list[list[str]], rows: list[list[dict]]):',
        '    for chunk in chunks:',
        '        Event.delete().where(Event.id << chunk).execute()',
        '    for batch in rows:',
        '        Timeline.insert_many(batch).execute()',
        '',
      ],
    };
    assert.deepEqual(await lines([models, f]), []);
  });

  it('a class method of a plain class imported from a models module in a Django file is not Peewee', async () => {
    const f: ScanFile = {
      path: 'shop/views.py',
      text: [
        'from django.http import JsonResponse',
        'from shop.models import Price',
        '',
        'def prices(request):',
        '    out = []',
        '    for code in request.GET.getlist("codes"):',
        '        out.append(Price.get(code))',
        '    return JsonResponse(out, safe=False)',
        '',
      ],
    };
    assert.deepEqual(await lines([f]), []);
  });

  const storage = (annotation: string, importLine: string): ScanFile => ({
    path: 'frigate/storage.py',
    text: [
      'import threading',
      importLine,
      'from frigate.models import Event',
      '',
      'class StorageMaintainer(threading.Thread):',
      `    def __init__(self, config: ${annotation}) -> None:`,
      '        threading.Thread.__init__(self)',
      '        self.config = config',
      '',
      '    def run(self) -> None:',
      '        for camera in self.config.cameras.keys():',
      '            Event.select().where(Event.camera == camera).count()',
      '',
    ],
  });

  it("a loop over a member of an object typed by the app's configuration class runs per configured camera (info)", async () => {
    assert.deepEqual(await lines([models, storage('FrigateConfig', 'from frigate.config import FrigateConfig')]), ['frigate/storage.py:12 info']);
  });

  it('the same loop over an object of a class from elsewhere stays a warning', async () => {
    assert.deepEqual(await lines([models, storage('CameraRegistry', 'from frigate.registry import CameraRegistry')]), ['frigate/storage.py:12 warning']);
  });

  it("a member of an item of a configured loop is configured too (a camera's triggers)", async () => {
    const f: ScanFile = {
      path: 'frigate/embeddings/embeddings.py',
      text: [
        'from frigate.config import FrigateConfig',
        'from frigate.models import Event',
        '',
        'class Embeddings:',
        '    def __init__(self, config: FrigateConfig) -> None:',
        '        self.config = config',
        '',
        '    def sync_triggers(self) -> None:',
        '        for camera in self.config.cameras.values():',
        '            for name, trigger in (camera.semantic_search.triggers or {}).items():',
        '                Event.get(Event.id == trigger.data)',
        '',
      ],
    };
    assert.deepEqual(await lines([models, f]), ['frigate/embeddings/embeddings.py:11 info']);
  });

  const maintainer = (declaration: string): ScanFile => ({
    path: 'frigate/review/maintainer.py',
    text: [
      'from frigate.models import ReviewSegment',
      '',
      'class PendingReviewSegment:',
      '    def __init__(self, camera: str) -> None:',
      '        self.camera = camera',
      `        ${declaration}`,
      '',
      'class ReviewMaintainer:',
      '    def update(self, current_segment: PendingReviewSegment, detections: list[str]) -> None:',
      '        for label in detections:',
      '            current_segment.audio.add(label)',
      '',
    ],
  });

  it('`.add` on an attribute the file declares as a set is the set\'s own method, no related manager', async () => {
    assert.deepEqual(await lines([maintainer('self.audio = set()')]), []);
    assert.deepEqual(await lines([maintainer('self.audio: set[str] = set()')]), []);
  });

  it('`.add` on an attribute the file does not declare stays a write per item (a many-to-many manager)', async () => {
    assert.deepEqual(await lines([maintainer('self.started = True')]), ['frigate/review/maintainer.py:11 warning']);
  });

  const concern: ScanFile = {
    path: 'app/services/imports/bulk_insertable.rb',
    text: [
      'module Imports',
      '  module BulkInsertable',
      '    extend ActiveSupport::Concern',
      '',
      '    private',
      '',
      '    def bulk_insert_points(batch)',
      '      return 0 if batch.empty?',
      '',
      '      unique_batch = batch.compact.uniq { |record| [record[:lonlat], record[:timestamp], record[:user_id]] }',
      "      result = Point.upsert_all(unique_batch, unique_by: %i[lonlat timestamp user_id], returning: Arel.sql('id'), on_duplicate: :skip)",
      '      result.length',
      '    rescue StandardError => e',
      '      create_import_error_notification("Failed: #{e.message}")',
      '      0',
      '    end',
      '',
      '    def create_import_error_notification(message)',
      "      Notification.create!(user_id: import.user_id, title: 'Import Error', content: message, kind: :error)",
      '    end',
      '  end',
      'end',
      '',
    ],
  };
  const importer = (call: string): ScanFile => ({
    path: 'app/services/google_maps/records_importer.rb',
    text: [
      'class GoogleMaps::RecordsImporter',
      '  include Imports::BulkInsertable',
      '  BATCH_SIZE = 1000',
      '',
      '  def call(locations)',
      '    Array(locations).each_slice(BATCH_SIZE) do |location_batch|',
      '      batch = location_batch.map { |l| prepare(l) }',
      `      ${call}`,
      '    end',
      '  end',
      '',
      '  private',
      '',
      '  def prepare(location)',
      '    { lonlat: location[:lonlat], timestamp: location[:timestamp] }',
      '  end',
      'end',
      '',
    ],
  });

  it('a Ruby each_slice loop hands a value derived from its slice to the call: once per slice', async () => {
    assert.deepEqual(await lines([concern, importer('bulk_insert_points(batch)')]), []);
  });

  it('…but a call that reads no part of the slice is still once per slice of a statement that may be per item', async () => {
    assert.deepEqual((await lines([concern, importer('Point.where(import_id: @import.id).update_all(status: 1)')])).length, 1);
  });
});
