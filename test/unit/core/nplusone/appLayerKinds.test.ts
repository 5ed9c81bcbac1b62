/**
 * Kinds seen on apps PG Lens had not been tuned on (issue 14, held-out-c: a NestJS + Prisma app, a
 * Rails app, a Django app), one small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOne, scanNPlusOne } from '../../support/nplusoneFixtures';

describe('core/nplusone kinds seen on new apps', () => {

  it('the client handed to a Prisma $transaction callback is a database client', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Boards {',
      '  constructor(private readonly db: DbService) {}',
      '  async renumber(ownerId: string) {',
      '    await this.db.$transaction(async (tx) => {',
      '      const cards = await tx.card.findMany({ where: { ownerId } });',
      '      const writes = cards.map((c, i) =>',
      '        tx.card.update({ where: { id: c.id }, data: { position: i } }),',
      '      );',
      '      await Promise.all(writes);',
      '    });',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'src/boards/boards.service.ts', [8]);
  });

  it('a function that queries and calls itself per child is one query per node of the tree', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Folders {',
      '  constructor(private readonly prisma: DbService) {}',
      '  async ids(parentId: string): Promise<string[]> {',
      '    const kids = await this.prisma.folder.findMany({ where: { parentId } });',
      '    const out = [parentId];',
      '    for (const k of kids) out.push(...(await this.ids(k.id)));',
      '    return out;',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'src/folders/folders.service.ts', [7]);
    const py = 'from app.models import Node\n\ndef walk(node_id):\n    children = list(Node.objects.filter(parent_id=node_id))\n    for c in children:\n        walk(c.id)\n';
    await expectNPlusOne(py, 'app/tree.py', [6]);
  });

  it('a call in a loop to a function of the file that queries through another function of the file', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Search {',
      '  constructor(private readonly prisma: DbService) {}',
      '  private async pathOf(id: string) { return this.prisma.$queryRaw`SELECT path FROM node WHERE id = ${id}`; }',
      '  private async pathFor(hit: { id: string }) { return this.pathOf(hit.id); }',
      '  async withPaths(hits: { id: string }[]) {',
      '    const out = [];',
      '    for (const h of hits) out.push(await this.pathFor(h));',
      '    return out;',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'src/search/search.service.ts', [8]);
  });

  it('a field resolver calling a service of another file that queries is one query per parent', async () => {
    const service = [
      "import { PrismaClient } from '@prisma/client';",
      'export class ShelfService {',
      '  constructor(private readonly prisma: PrismaClient) {}',
      '  async booksOnShelf(shelfId: string) { return this.prisma.book.findMany({ where: { shelfId } }); }',
      '}',
    ];
    const resolver = [
      "import { Resolver, ResolveField, Parent, Query } from '@nestjs/graphql';",
      "import { ShelfService } from './shelf.service';",
      '@Resolver(() => Shelf)',
      'export class ShelfResolver {',
      '  constructor(private readonly shelfService: ShelfService, private readonly loaders: Loaders) {}',
      '  @ResolveField(() => [Book])',
      '  books(@Parent() shelf: Shelf) {',
      '    return this.shelfService.booksOnShelf(shelf.id);',
      '  }',
      '  @ResolveField(() => [Book])',
      '  batched(@Parent() shelf: Shelf) {',
      '    return this.loaders.books.load(shelf.id);',
      '  }',
      '  @Query(() => [Shelf])',
      '  shelves() {',
      '    return this.shelfService.booksOnShelf("all");',
      '  }',
      '}',
    ];
    const found = await scanNPlusOne([{ path: 'src/shelf/shelf.service.ts', text: service }, { path: 'src/shelf/shelf.resolver.ts', text: resolver }]);
    assert.deepEqual(found.map((x) => [x.file, x.line]), [['src/shelf/shelf.resolver.ts', 8]]);
    assert.match(found[0].message, /Shelf\.books \(GraphQL field resolver/);
  });

  it('a loop in code that runs once at startup (lifecycle hooks and what only they call) is not per request', async () => {
    const ts = [
      "import { PrismaService } from '../prisma/prisma.service';",
      'export class SettingsService {',
      '  constructor(private readonly prisma: PrismaService) {}',
      '  async onModuleInit() { await this.syncDefaults(); }',
      '  async syncDefaults() {',
      '    const rows = await this.prisma.setting.findMany();',
      '    for (const r of rows) await this.prisma.setting.update({ where: { id: r.id }, data: { seen: true } });',
      '  }',
      '  async touchAll(ids: string[]) {',
      '    for (const id of ids) await this.prisma.setting.update({ where: { id }, data: { seen: true } });',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'src/settings/settings.service.ts', [10]);
    const py = 'from django.apps import AppConfig\n\nclass BoardsConfig(AppConfig):\n    def ready(self):\n        from .models import Lane\n        for name in Lane.objects.values_list("name", flat=True):\n            Lane.objects.filter(name=name).update(ok=True)\n';
    await expectNPlusOne(py, 'boards/apps.py', []);
  });

  it('a loop over a small literal map (filter/exclude table) is a fixed number of round trips', async () => {
    const py = 'from app.models import Member\n\ndef narrow(qs, q):\n    ops = {"filter": qs.filter, "exclude": qs.exclude}\n    for mode, method in ops.items():\n        ids = list(Member.objects.filter(mode=mode).values_list("id", flat=True))\n        qs = method(id__in=ids)\n    return qs\n';
    await expectNPlusOne(py, 'app/filters.py', []);
    const filled = 'from app.models import Member\n\ndef link(rows):\n    by_id = {}\n    for r in rows:\n        by_id[r.id] = r\n    for k, r in by_id.items():\n        Member.objects.filter(id=k).update(seen=True)\n';
    await expectNPlusOne(filled, 'app/link.py', [8], 'an empty map filled from the data is not fixed');
  });

  it('a loop under a size check of its iterable against a small bound is bounded; its else branch is not', async () => {
    const rb = [
      'class SweepJob < ApplicationJob',
      '  LIMIT = 20',
      '  def perform(users)',
      '    if users.length <= LIMIT',
      '      users.each { |u| User.where(id: u.id).update_all(blocked: true) }',
      '    else',
      '      users.each { |u| User.where(id: u.id).update_all(flagged: true) }',
      '    end',
      '  end',
      'end',
    ];
    await expectNPlusOne(rb, 'app/jobs/sweep_job.rb', [7]);
  });

  it('an index loop that returns only when an item fails still runs once per item', async () => {
    const ts = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function paths(hits: { id: string }[]) {',
      '  const out = [];',
      '  for (let i = 0; i < hits.length; i++) {',
      '    const p = await prisma.node.findUnique({ where: { id: hits[i].id } });',
      '    if (isLeftish(p)) return E.left("NOT_FOUND");',
      '    out.push(p);',
      '  }',
      '  for (let i = 0; i < hits.length; i++) {',
      '    const p = await prisma.node.findUnique({ where: { id: hits[i].id } });',
      '    if (p) return p;',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'src/paths.ts', [6]);
  });

  it('a loop over the recipients of one mail is bounded by that mail', async () => {
    const rb = 'class BaseMailer < ActionMailer::Base\n  after_deliver :log_it\n  def log_it\n    message.to_addrs&.each do |address|\n      u = User.find_by(email: address)\n    end\n  end\nend\n';
    await expectNPlusOne(rb, 'app/mailers/base_mailer.rb', []);
  });

  it('a list literal made of spread data is as long as the data, not a fixed list', async () => {
    const ts = [
      "import { Model } from 'sequelize-typescript';",
      'class Membership extends Model {',
      '  static async copyTo(doc: Doc) {',
      '    const ids = [...(doc.id ? [doc.id] : []), ...(await doc.childIds())];',
      '    for (const id of ids) {',
      '      await this.create({ documentId: id });',
      '    }',
      '  }',
      '}',
    ];
    await expectNPlusOne(ts, 'server/models/Membership.ts', [6]);
  });

  it('Go store interfaces: noun-then-verb methods and an underscored store name are database calls', async () => {
    const go = [
      'package api',
      '',
      'func syncPerms(_store store.Store, repos []*model.Repo) error {',
      '\tfor _, r := range repos {',
      '\t\tif err := _store.PermUpsert(r.Perm); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\treturn nil',
      '}',
    ];
    await expectNPlusOne(go, 'server/api/perms.go', [5]);
  });

  it('Rails: an association call through relation builders (reorder, where) per item', async () => {
    const rb = [
      'class TicketsController < ApplicationController',
      '  def index',
      '    @tickets = Ticket.order(:id)',
      '    @who = @tickets.each_with_object({}) do |ticket, out|',
      '      out[ticket.id] = ticket.reports.reorder(created_at: :desc).pluck(:user_id)',
      '    end',
      '  end',
      'end',
    ];
    await expectNPlusOne(rb, 'app/controllers/tickets_controller.rb', [5]);
  });
});
