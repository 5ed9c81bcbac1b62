/**
 * Kinds of false alarm the held-out splits x…ab still gave together (notes: n1k27), each keyed on what the code shows:
 * a constant's class method that ActiveRecord would take without arguments (`Oj.load(line)`), a list the code itself
 * fills with a fixed number of `append`s, a subset of a constant list, and a write-behind buffer flushed once per key.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';
import { RailsViews } from '../../../../src/core/nplusone/views';


describe('N+1 kinds of the held-out splits together (n1k27)', () => {
  it('Ruby: a constant\'s `load(text)` is another library\'s parser, not a relation load; a model\'s query per item still is', async () => {
    const f: ScanFile = {
      path: 'app/services/imports/jsonl.rb',
      text: [
        'class Imports::Jsonl',
        '  def call(paths)',
        '    paths.each do |path|',
        '      File.foreach(path) do |line|',
        '        rows << Oj.load(line)',
        '      end',
        '      User.find_by(email: path)',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/services/imports/jsonl.rb:7 warning']);
  });
  it('a list the code fills with a few single appends, none in a loop, is a handful; one filled per row is data', async () => {
    const models: ScanFile = { path: 'app/models.py', text: ['from peewee import CharField, Model', '', 'class Event(Model):', '    camera = CharField()', ''] };
    const f: ScanFile = {
      path: 'app/embeddings/maintainer.py',
      text: [
        'import threading',
        'from app.models import Event',
        '',
        'class Processor:',
        '    def __init__(self, name):',
        '        self.name = name',
        '',
        '    def process(self, event_id):',
        '        return Event.get_or_none(Event.id == event_id)',
        '',
        'class Maintainer(threading.Thread):',
        '    def __init__(self, config):',
        '        super().__init__()',
        '        self.processors: list[Processor] = []',
        '        if config.a:',
        '            self.processors.append(Processor("a"))',
        '        if config.b:',
        '            self.processors.append(Processor("b"))',
        '        self.rows = []',
        '        for name in config.names:',
        '            self.rows.append(Processor(name))',
        '',
        '    def run(self, event_id):',
        '        for processor in self.processors:',
        '            Event.get_or_none(Event.camera == processor.name)',
        '        for row in self.rows:',
        '            Event.get_or_none(Event.camera == row.name)',
        '',
      ],
    };
    assert.deepEqual(await warnings([models, f]), ['app/embeddings/maintainer.py:27 warning']);
    assert.ok((await lines([models, f])).includes('app/embeddings/maintainer.py:25 info'));
  });
  it('Go: a flush of totals summed per key (`store[id] += value`) writes once per distinct key; a write per event is still N+1', async () => {
    const f: ScanFile = {
      path: 'model/batch.go',
      text: [
        'package model',
        '',
        'import (',
        '\t"sync"',
        '\t"gorm.io/gorm"',
        ')',
        '',
        'var DB *gorm.DB',
        'var stores []map[int]int64',
        'var lock sync.Mutex',
        '',
        'func addRecord(kind int, id int, value int64) {',
        '\tlock.Lock()',
        '\tdefer lock.Unlock()',
        '\tstores[kind][id] += value',
        '}',
        '',
        'func flush(kind int) {',
        '\tstore := stores[kind]',
        '\tfor key, value := range store {',
        '\t\tDB.Model(&User{}).Where("id = ?", key).Update("quota", gorm.Expr("quota + ?", value))',
        '\t}',
        '}',
        '',
        'func record(events []Event) {',
        '\tfor _, e := range events {',
        '\t\tDB.Model(&User{}).Where("id = ?", e.UserID).Update("quota", gorm.Expr("quota + ?", e.Value))',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['model/batch.go:27 warning']);
    assert.ok((await lines([f])).includes('model/batch.go:21 info'));
  });
  it('Ruby: a part of a constant list picked before the loop (`THRESHOLDS.select`) is no more than the constant; a select of data is data', async () => {
    const f: ScanFile = {
      path: 'app/jobs/lite/archival_warning_job.rb',
      text: [
        'class Lite::ArchivalWarningJob < ApplicationJob',
        '  THRESHOLDS = [',
        '    { key: "a", duration: 11.months },',
        '    { key: "b", duration: 12.months }',
        '  ].freeze',
        '',
        '  def perform(user_id)',
        '    user = User.find(user_id)',
        '    crossed = THRESHOLDS.select do |threshold|',
        '      user.created_at <= threshold[:duration].ago',
        '    end',
        '    crossed.each { |threshold| mark_sent(user, threshold[:key]) }',
        '    active = User.all.to_a.select { |u| u.active? }',
        '    active.each { |u| mark_sent(u, "c") }',
        '  end',
        '',
        '  def mark_sent(user, key)',
        '    User.where(id: user.id).update_all(warned: key)',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/jobs/lite/archival_warning_job.rb:14 warning']);
  });
  it('Ruby: `map(&:delete)` over the items of an object the method constructs (`Sidekiq::ScheduledSet.new`) is no row write; over a relation it is', async () => {
    const f: ScanFile = {
      path: 'app/services/users/destroy.rb',
      text: [
        'class Users::Destroy',
        '  def cancel_jobs(user)',
        '    scheduled = Sidekiq::ScheduledSet.new',
        '    scheduled.select { |job| job.args.first == user.id }.map(&:delete)',
        '    stale = user.exports.where(status: :stale)',
        '    stale.select { |e| e.old? }.map(&:destroy)',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/services/users/destroy.rb:6 warning']);
  });
  it('Rails view: `.count` on a model member that holds an array (an assigned attribute, a method reading a hash key) is Ruby\'s; on an association it is a query', async () => {
    const v = new RailsViews();
    v.addRuby('app/models/digest.rb', [
      'class Digest < ApplicationRecord',
      '  belongs_to :user',
      '  has_many :visits',
      '',
      '  def refresh',
      '    self.visited_countries = visits.pluck(:country).uniq',
      '  end',
      '',
      '  def first_time_countries',
      "    first_time_visits['countries'] || []",
      '  end',
      'end',
      '',
    ].join('\n'));
    v.addRuby('app/controllers/digests_controller.rb', 'class DigestsController < ApplicationController\n  def index\n    @digests = current_user.digests.order(year: :desc)\n  end\nend\n');
    v.addView('app/views/digests/index.html.erb', '<% @digests.each do |digest| %>\n  <%= digest.first_time_countries.count %>\n  <%= digest.visited_countries.count %>\n  <%= digest.visits.count %>\n<% end %>\n');
    // Only line 4 (`digest.visits`), never lines 2–3.
    const at = (await v.findings()).map((f) => /index\.html\.erb:(\d+)/.exec(f.message)?.[1]);
    assert.ok(at.length > 0 && at.every((l) => l === '4'), at.join(','));
  });
  it('Ruby: a buffer one method empties and another fills per call (`@buffer = []`, `add` → `@buffer << x`) holds as many items as the data', async () => {
    const f: ScanFile = {
      path: 'app/services/users/import_data/places.rb',
      text: [
        'class Users::ImportData::Places',
        '  def initialize(user)',
        '    @user = user',
        '    @buffer = []',
        '  end',
        '',
        '  def add(place_data)',
        '    @buffer << place_data',
        '  end',
        '',
        '  def flush_batch',
        '    @buffer.each do |place_data|',
        '      Place.find_by(name: place_data[:name])',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/services/users/import_data/places.rb:13 warning']);
  });
});
