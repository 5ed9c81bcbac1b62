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
});
