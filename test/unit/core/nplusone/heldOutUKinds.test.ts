/**
 * Kinds seen on the sixteenth session's held-out apps (issue 14, held-out-u: a Go authentication server on
 * gobuffalo/pop, a small Rails app whose data work lives in plain classes under app/, a Next.js + Prisma app),
 * one small synthetic fixture per kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

describe('N+1 kinds of held-out-u', () => {
  describe('Ruby: a plain class Rails autoloads is Rails code', () => {
    const assigner = (path: string): ScanFile => ({
      path,
      text: [
        'class TicketAssigner',
        '  def initialize(user, watches)',
        '    @user = user',
        '    @watches = watches',
        '  end',
        '',
        '  def assign!',
        '    @watches.each do |watch|',
        '      assign_for(watch)',
        '    end',
        '  end',
        '',
        '  private def assign_for(watch)',
        '    candidates(watch).each do |ticket|',
        '      watch.ticket_assignments.create(ticket_id: ticket.id)',
        '    end',
        '  end',
        '',
        '  private def candidates(watch)',
        '    Ticket.where(project_id: watch.project_id).limit(watch.limit).to_a',
        '  end',
        'end',
        '',
      ],
    });

    it('an association write per item in app/models (no Rails name in the file) is a write per item, and the method calling it per item an N+1', async () => {
      assert.deepEqual(await scanLines([assigner('app/models/ticket_assigner.rb')]), ['app/models/ticket_assigner.rb:15 request warning', 'app/models/ticket_assigner.rb:9 request warning']);
    });

    it('the same in app/services; outside a Rails app folder the association call stays unknown (the helper query alone is seen)', async () => {
      assert.deepEqual(await scanLines([assigner('app/services/ticket_assigner.rb')]), ['app/services/ticket_assigner.rb:15 request warning', 'app/services/ticket_assigner.rb:9 request warning']);
      assert.deepEqual(await scanLines([assigner('lib/ticket_assigner.rb')]), ['lib/ticket_assigner.rb:9 request warning']);
    });

    it('a view or asset under app/ is not read as a Rails class by this rule', async () => {
      assert.deepEqual(await scanLines([assigner('app/assets/ticket_assigner.rb')]), ['app/assets/ticket_assigner.rb:9 request warning']);
    });
  });

  describe('Ruby: a relation read per record of the model\'s own has_many association', () => {
    const model = (body: string[]): ScanFile => ({
      path: 'app/models/member.rb',
      text: ['class Member < ApplicationRecord', '  has_many :watches', '', ...body, 'end', ''],
    });

    it('`watches.select { |w| w.project.active? }` loads each watch\'s project lazily', async () => {
      assert.deepEqual(await scanLines([model(['  def active_watches', '    watches.select { |w| w.project.active? }', '  end'])]), ['app/models/member.rb:5 request warning']);
    });

    it('preloaded (`watches.includes(:project)`), or a local of the same name, it is not', async () => {
      assert.deepEqual(await scanLines([model(['  def active_watches', '    watches.includes(:project).select { |w| w.project.active? }', '  end'])]), []);
      assert.deepEqual(await scanLines([model(['  def active_watches(watches)', '    watches.select { |w| w.project.active? }', '  end'])]), []);
    });
  });

  describe('Go: gobuffalo/pop, and a call through an interface every implementation of which queries', () => {
    const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/auth/v2', '', 'go 1.22', '', 'require github.com/gobuffalo/pop/v6 v6.1.1', ''] };
    const persister = (name: string, type: string, extra: string[] = []): ScanFile => ({
      path: `store/${name}.go`,
      text: [
        'package store',
        '',
        'import (',
        '\t"time"',
        '',
        '\t"github.com/gobuffalo/pop/v6"',
        ')',
        '',
        `type ${type} struct{ ID string }`,
        '',
        `type ${name}Store struct{ db *pop.Connection }`,
        '',
        `func (s *${name}Store) FindExpired(cutoff time.Time, page, perPage int) ([]${type}, error) {`,
        `\tvar rows []${type}`,
        '\terr := s.db.Where("expires_at < ?", cutoff).Paginate(page, perPage).All(&rows)',
        '\treturn rows, err',
        '}',
        '',
        `func (s *${name}Store) Delete(row ${type}) error {`,
        '\treturn s.db.Destroy(&row)',
        '}',
        ...extra,
        '',
      ],
    });
    const iface: ScanFile = {
      path: 'store/store.go',
      text: ['package store', '', 'import "time"', '', 'type Expiring[T any] interface {', '\tFindExpired(cutoff time.Time, page, perPage int) ([]T, error)', '\tDelete(row T) error', '}', ''],
    };
    // A Delete of a type that is no Expiring (it has no FindExpired) and runs no query.
    const cache: ScanFile = { path: 'cache/cache.go', text: ['package cache', '', 'type Cache struct{ m map[string]string }', '', 'func (c *Cache) Delete(key string) error {', '\tdelete(c.m, key)', '\treturn nil', '}', ''] };
    const purge: ScanFile = {
      path: 'jobs/purge.go',
      text: [
        'package jobs',
        '',
        'import (',
        '\t"time"',
        '',
        '\t"example.com/auth/v2/store"',
        ')',
        '',
        'func purge[T any](s store.Expiring[T], cutoff time.Time) error {',
        '\trows, err := s.FindExpired(cutoff, 1, 500)',
        '\tif err != nil {',
        '\t\treturn err',
        '\t}',
        '\tfor _, row := range rows {',
        '\t\tif err := s.Delete(row); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };

    it('pop writes and reads per item are database calls (`s.db.Destroy(&row)`, `tx.Where(…).Exists(…)`)', async () => {
      const loop = persister('session', 'Session', ['', 'func (s *sessionStore) DeleteAll(rows []Session) {', '\tfor _, row := range rows {', '\t\t_ = s.db.Destroy(&row)', '\t}', '}']);
      assert.deepEqual(await scanLines([goMod, loop]), ['store/session.go:25 request warning']);
      const found = await scanNPlusOne([goMod, loop]);
      assert.match(found[0].message, /`s\.db\.Destroy`/);
    });

    it('without the pop import the same chain is not read as pop', async () => {
      const loop = persister('session', 'Session', ['', 'func (s *sessionStore) DeleteAll(rows []Session) {', '\tfor _, row := range rows {', '\t\t_ = s.db.Destroy(&row)', '\t}', '}']);
      const noPop = { ...loop, text: (loop.text as string[]).map((l) => l.replace('"github.com/gobuffalo/pop/v6"', '"example.com/other/pop"')) };
      assert.deepEqual(await scanLines([goMod, noPop]), []);
    });

    it('a generic interface whose every implementation deletes with a query: a definite N+1, a Delete of a type that is no implementation aside', async () => {
      assert.deepEqual(await scanLines([goMod, iface, persister('session', 'Session'), persister('flow', 'Flow'), persister('audit', 'Audit'), cache, purge]), ['jobs/purge.go:15 job warning']);
    });

    it('the same call in a closure handed to a worker queue (`q.Dispatch(func() { … })`) is not made definite', async () => {
      const queued: ScanFile = { ...purge, text: (purge.text as string[]).map((l) => l.replace('\t\tif err := s.Delete(row); err != nil {', '\t\tq.Dispatch(func() { _ = s.Delete(row) })\n\t\tif err != nil {').replace('func purge[T any](s store.Expiring[T], cutoff time.Time) error {', 'func purge[T any](q *Queue, s store.Expiring[T], cutoff time.Time) error {')) };
      assert.deepEqual((await scanLines([goMod, iface, persister('session', 'Session'), persister('flow', 'Flow'), persister('audit', 'Audit'), cache, queued])).filter((l) => /warning/.test(l)), []);
    });

    it('an implementation whose Delete runs no query (an in-memory store): not every one queries, so it is not reported', async () => {
      const memory: ScanFile = { path: 'store/memory.go', text: ['package store', '', 'import "time"', '', 'type memoryStore struct{ rows map[string]Flow }', '', 'func (m *memoryStore) FindExpired(cutoff time.Time, page, perPage int) ([]Flow, error) {', '\treturn nil, nil', '}', '', 'func (m *memoryStore) Delete(row Flow) error {', '\tdelete(m.rows, row.ID)', '\treturn nil', '}', ''] };
      assert.deepEqual(await scanLines([goMod, iface, persister('session', 'Session'), persister('flow', 'Flow'), memory, purge]), []);
    });
  });
});
