/**
 * Writes in loops (issue 14): the shorthand and association forms of a per-item write, in each
 * language, and the bulk API of the library for that kind of write (no createMany for an update,
 * no saveAll for a delete).
 */
import { strict as assert } from 'node:assert';
import { rewriteFor } from '../../../../src/core/nplusone';
import type { DbCall } from '../../../../src/core/nplusone/dbCalls';
import { detectWithLines } from '../../support/nplusoneFixtures';

const found = async (text: string, file: string) =>
  (await detectWithLines(text, file)).map(({ line, evidence: ev }) => {
    // A per-item write gets advice (the bulk API, in the title and help), never code: a sketch drops the loop's body.
    assert.equal(ev.rewrite.code, '', ev.rewrite.title);
    return { line, kind: ev.kind, title: ev.rewrite.title, code: `${ev.rewrite.title}\n${ev.rewrite.help}` };
  });

const RAILS_CONTROLLER = (body: string) => `class ItemsController < ApplicationController\n  def bulk\n${body}\n  end\nend\n`;

describe('core/nplusone writes in loops', () => {

  it('Ruby: each(&:save!) and each(&:destroy) are one statement per record', async () => {
    const rb = RAILS_CONTROLLER('    items = Item.where(owner_id: params[:owner])\n    items.each(&:save!)\n    Item.where(stale: true).each(&:destroy)\n    items.map(&:name)');
    const f = await found(rb, 'app/controllers/items_controller.rb');
    assert.deepEqual(f.map((x) => [x.line, x.kind]), [[4, 'write-in-loop'], [5, 'write-in-loop']]);
    assert.match(f[0].title, /upsert_all/);
    assert.match(f[0].code, /Item\.upsert_all/);
    assert.match(f[1].title, /destroy_all/);
  });

  it('Ruby: an update on the block variable, an association create and << in a loop', async () => {
    const rb = RAILS_CONTROLLER('    params[:ids].each do |id|\n      current_user.notifications.create!(body: id)\n    end\n    @items.each { |it| it.update(done: true) }\n    params[:tags].each { |t| @post.tags << t }');
    const f = await found(rb, 'app/controllers/items_controller.rb');
    assert.deepEqual(f.map((x) => [x.line, x.kind]), [[4, 'write-in-loop'], [6, 'write-in-loop'], [7, 'write-in-loop']]);
    assert.match(f[0].code, /Notification\.insert_all/);
    assert.match(f[1].code, /update_all[\s\S]*upsert_all/);
    assert.match(f[2].code, /insert_all|_ids/);
  });

  it('Ruby: << onto a plain array, errors.add and a write outside a loop are not reported', async () => {
    const rb = RAILS_CONTROLLER('    out = []\n    params[:ids].each { |id| out << id }\n    params[:ids].each { |id| @report.lines << id }\n    @post.tags << Tag.first\n    @post.comments.create!(body: "x")');
    assert.deepEqual(await found(rb, 'app/controllers/items_controller.rb'), []);
  });

  it('Ruby outside Rails: a plain object with update/<< is not taken for ActiveRecord', async () => {
    const rb = 'class Bag\n  def fill(xs)\n    xs.each { |x| x.update(1) }\n    xs.each { |x| @box.things << x }\n  end\nend\n';
    assert.deepEqual(await found(rb, 'lib/bag.rb'), []);
  });

  it('Python: instance save and related-manager add per item, with their bulk forms', async () => {
    const py = 'from shop.models import Book\n\ndef rename(request, tags):\n    for b in Book.objects.filter(shelf=1):\n        b.title = b.title.strip()\n        b.save()\n    for tag in tags:\n        request.article.tags.add(tag)\n        article.tags.add(tag)\n    seen = set()\n    for t in tags:\n        seen.add(t)\n    article.tags.add(*tags)\n';
    const f = await found(py, 'shop/views.py');
    assert.deepEqual(f.map((x) => [x.line, x.kind]), [[6, 'write-in-loop'], [9, 'write-in-loop']]);
    assert.match(f[0].code, /Book\.objects\.bulk_update/);
    assert.match(f[1].code, /one \.add\(\*objs\) call/);
  });

  it('picks the bulk API by the kind of write, per library', () => {
    const call = (library: DbCall['library'], method: string, extra: Partial<DbCall> = {}): DbCall => ({ library, op: 'write', batch: false, label: method, method, ...extra });
    const cases: [DbCall, RegExp, RegExp?][] = [
      [call('prisma', 'create', { model: 'user' }), /user\.createMany/],
      [call('prisma', 'update', { model: 'user' }), /updateMany[\s\S]*\$transaction/, /createMany/],
      [call('prisma', 'delete', { model: 'user' }), /user\.deleteMany/, /createMany/],
      [call('typeorm', 'delete'), /repository\.delete\(/, /save\(/],
      [call('sequelize', 'destroy', { model: 'Post' }), /Post\.destroy\(\{ where: \{ \[Post\.primaryKeyAttribute\]:/, /bulkCreate/],
      [call('sequelize', 'create', { model: 'Post' }), /Post\.bulkCreate/],
      [call('django', 'delete', { model: 'Book' }), /filter\(pk__in=[\s\S]*\.delete\(\)/, /bulk_create/],
      [call('django', 'save', { model: 'Book' }), /bulk_update/],
      [call('activerecord', 'create!', { model: 'Post' }), /Post\.insert_all/],
      [call('activerecord', 'destroy', { model: 'Post' }), /where\(id: .*\)\.delete_all/, /insert_all/],
      [call('jpa', 'delete'), /deleteAllByIdInBatch/, /saveAll/],
      [call('jpa', 'save'), /saveAll/],
      [call('gorm', 'Delete'), /db\.Delete\(&/, /CreateInBatches/],
      [call('database/sql', 'ExecContext', { sql: 'DELETE FROM t WHERE id = $1' }), /DELETE with = ANY\(\$1\)/, /pgx/],
      [call('database/sql', 'ExecContext', { sql: 'INSERT INTO t (a) VALUES ($1)' }), /unnest/, /pgx\.Batch/],
    ];
    for (const [c, want, not] of cases) {
      const r = rewriteFor({ call: c, variable: 'post', iterable: 'posts' });
      assert.equal(r.code, '', 'a per-item write gets advice, not code');
      const code = `${r.title}\n${r.help}`;
      assert.match(code, want, `${c.library} ${c.method}`);
      if (not) assert.doesNotMatch(code, not, `${c.library} ${c.method}`);
    }
  });

  it('a query builder chain whose last call is where(): the write verb earlier in the chain decides the batched form (knex .update(…).where(…) per row is an UPDATE, .del() a DELETE; never "insert all")', async () => {
    const ts = [
      "import knex from 'knex';",
      "const db = knex({ client: 'pg' });",
      'export async function fix(rows: { id: number; owner: string }[]) {',
      '  await Promise.all(rows.map(async (row) => {',
      "    return db('events').update({ owner: row.owner }).where({ id: row.id });",
      '  }));',
      '  for (const row of rows) {',
      "    await db('events').where({ id: row.id }).del();",
      '  }',
      '}',
      '',
    ].join('\n');
    const got = await found(ts, 'src/events/fix.ts');
    assert.deepEqual(got.map((x) => x.line), [5, 8]);
    assert.match(got[0].code, /whereIn\('id', ids\)\.update/);
    assert.match(got[1].code, /whereIn\('id', ids\)\.del\(\)/);
    for (const g of got) assert.doesNotMatch(g.code, /insert/i, g.title);
  });

  it("a per-item call of the file's own upserting method: the batched method the file has, or one to add keeping the conflict handling and columns; a builder upsert in a loop keeps its onConflict (person10 N1)", async () => {
    // Unleash's project-store.ts shape: addEnvironmentToProject(id, env) per project, its write an insert with
    // .onConflict([...]).ignore(), and addEnvironmentToProjects(environment, projects) beside it.
    const ts = [
      "import knex from 'knex';",
      'export class ProjectStore {',
      '  constructor(private db: any) {}',
      '  async importProjects(projects: { id: string }[], environments: { name: string }[]) {',
      '    environments.forEach((env) => {',
      '      projects.forEach(async (project) => {',
      '        await this.addEnvironmentToProject(project.id, env.name);',
      '      });',
      '    });',
      '    for (const p of projects) await this.addTag(p.id, \'x\');',
      '    for (const id of projects.map((p) => p.id)) await this.getUser(id);',
      '    for (const p of projects) {',
      "      await this.db('project_environments').insert({ project_id: p.id, environment_name: 'x' }).onConflict(['project_id', 'environment_name']).merge();",
      '    }',
      '  }',
      '  async addEnvironmentToProject(id: string, environment: string): Promise<void> {',
      "    await this.db('project_environments')",
      '      .insert({ project_id: id, environment_name: environment })',
      "      .onConflict(['project_id', 'environment_name'])",
      '      .ignore();',
      '  }',
      '  async addEnvironmentToProjects(environment: string, projects: string[]): Promise<void> {',
      '    const rows = projects.map((projectId) => ({ project_id: projectId, environment_name: environment }));',
      "    await this.db('project_environments').insert(rows).onConflict(['project_id', 'environment_name']).ignore();",
      '  }',
      "  async addTag(id: string, tag: string) { await this.db('tags').insert({ owner_id: id, tag }).onConflict(['owner_id', 'tag']).ignore(); }",
      "  async getUser(id: string) { return this.db('users').where({ id }).first(); }",
      "  async getUsers() { return this.db('users').select('*'); }",
      '}',
      '',
    ].join('\n');
    const got = await found(ts, 'src/lib/features/project/project-store.ts');
    assert.deepEqual(got.map((x) => x.line), [7, 10, 11, 13]);
    const [env, tag, user, direct] = got;
    // The file's own batched method, said to keep the conflict handling (it does); never "insert all projects".
    assert.equal(env.title, 'Batch addEnvironmentToProject: call addEnvironmentToProjects(…) once');
    assert.match(env.code, /this file already has addEnvironmentToProjects\(…\) \(line 22\): call it once with every `project`/);
    assert.match(env.code, /It keeps addEnvironmentToProject's \.onConflict\(\['project_id', 'environment_name'\]\)\.ignore\(\)/);
    for (const g of got) assert.doesNotMatch(g.code, /Insert all/, g.title);
    // No batched method: one to add, with the callee's columns and its conflict handling.
    assert.equal(tag.title, 'Batch addTag: add addTags(…) to this class');
    assert.match(tag.code, /the columns addTag writes \(owner_id, tag\) and keep its \.onConflict\(\['owner_id', 'tag'\]\)\.ignore\(\): without it one duplicate fails the whole batch, where the loop skipped that row/);
    // getUsers() lists every user: not the batched form of getUser(id).
    assert.doesNotMatch(user.code, /already has getUsers/);
    // A knex upsert in the loop itself: the batch keeps the loop's onConflict(…).merge() and names its columns.
    assert.match(direct.title, /insert\(array\)\.onConflict\(\['project_id', 'environment_name'\]\)\.merge\(\)/);
    assert.match(direct.code, /knex\('project_environments'\)\.insert\(\[\.\.\.\]\)\.onConflict\(\['project_id', 'environment_name'\]\)\.merge\(\) \(one \{ project_id, environment_name \} per p/);
  });

  it('a record built in the loop and saved, a write through an association, the model\'s own association called bare', async () => {
    const rb = 'class Shelf < ApplicationRecord\n  has_many :books\n  def self.import(rows)\n    rows.each do |row|\n      b = Book.new(row.to_hash)\n      b.save!\n    end\n  end\n  def seed(names)\n    names.each { |name| books.create!(name: name) }\n  end\n  def publish(partners)\n    partners.each { |p| p.profile.update!(shown: true) }\n  end\nend\n';
    assert.deepEqual((await found(rb, 'app/models/shelf.rb')).map((x) => [x.line, x.kind]), [[6, 'write-in-loop'], [10, 'write-in-loop'], [13, 'write-in-loop']]);
    const py = 'from shop.models import Book\n\ndef load(rows):\n    for row in rows:\n        b = Book(**row)\n        b.save()\n';
    assert.deepEqual((await found(py, 'shop/imports.py')).map((x) => x.line), [6]);
  });

  it('not per item: error paths, mail/job dispatch, << onto a record handed in, one value wrapped in a list', async () => {
    const rb = RAILS_CONTROLLER([
      '    params[:items].each do |it|',
      '      errors.add(:base, "bad #{Item.find(it[:id]).name}") if it[:unit].blank?',
      '      Rails.logger.info("saw #{Item.find_by(id: it[:id])&.name}")',
      '      begin',
      '        it.process!',
      '      rescue StandardError',
      '        Item.find_by(id: it[:id])',
      '      end',
      '    end',
      '    Array.wrap(current_org).each { |org| org.reload }',
    ].join('\n'));
    assert.deepEqual(await found(rb, 'app/controllers/items_controller.rb'), []);
    const svc = 'class Fill < ApplicationRecord\n  def fill(request, rows)\n    rows.each { |r| request.item_requests << r }\n  end\n  def load_owner(id)\n    Owner.find_by(id: id)\n  end\n  def remind(partners)\n    partners.each { |p| load_owner(p.id) }\n    partners.each { |p| reminder_mail(p).deliver_later }\n  end\n  def reminder_mail(p)\n    Owner.find_by(id: p.owner_id)\n  end\nend\n';
    assert.deepEqual((await found(svc, 'app/models/fill.rb')).map((x) => x.line), [9]);
  });

  it('Python: a write on a name the loop unpacks, and a model built and saved in one expression', async () => {
    const py = 'from django.db import models\nfrom dcim.models import Termination\n\ndef sync(existing, cable, ends):\n    for key, mapping in existing.items():\n        mapping.delete()\n    for i, end in enumerate(ends):\n        Termination(cable=cable, end=end, position=i).save()\n    for key, other in existing.items():\n        cable.save()\n';
    assert.deepEqual((await found(py, 'dcim/utils.py')).map((x) => [x.line, x.kind]), [[6, 'write-in-loop'], [8, 'write-in-loop']]);
    assert.match((await found(py, 'dcim/utils.py'))[1].code, /Termination\.objects\.bulk_create/);
  });

  it('JS: this.create in a static method of a Sequelize model, per item; an instance method or a plain class is not', async () => {
    const ts = "import { Table } from 'sequelize-typescript';\n@Table({ tableName: 'memberships', comment: '" + 'x'.repeat(900) + "' })\nclass Membership extends ParanoidModel {\n  static async copy(ids: string[]) {\n    for (const id of ids) {\n      await this.create({ documentId: id });\n    }\n  }\n}\nclass Cache {\n  static async fill(ids: string[]) {\n    for (const id of ids) {\n      await this.create(id);\n    }\n  }\n}\n";
    assert.deepEqual((await found(ts, 'server/models/Membership.ts')).map((x) => [x.line, x.kind]), [[6, 'write-in-loop']]);
  });
});

describe('core/nplusone: one finding per loop (person10 N20)', () => {
  // Unleash event-store.ts: three UPDATE branches in one `toUpdate.map` — three warnings, and ignoring the loop left two.
  const knexBranches = [
    "import type { Knex } from 'knex';",
    "const TABLE = 'events';",
    'export class EventStore {',
    '  constructor(private db: Knex) {}',
    '  async fill(toUpdate: any[]) {',
    '    const updates = toUpdate.map(async (row) => {',
    "      if (row.created_by === 'unknown') {",
    '        return this.db(TABLE).update({ created_by_user_id: 1 }).where({ id: row.id });',
    '      }',
    '      if (row.userid) {',
    '        return this.db(TABLE).update({ created_by_user_id: row.userid }).where({ id: row.id });',
    '      }',
    '      if (row.username) {',
    '        return this.db(TABLE).update({ created_by_user_id: 2 }).where({ id: row.id });',
    '      }',
    '      return Promise.resolve();',
    '    });',
    '    await Promise.all(updates);',
    '  }',
    '}',
  ].join('\n');

  it('TypeScript (knex): three UPDATE branches of one loop are one warning naming the other two lines', async () => {
    const f = await detectWithLines(knexBranches, 'src/lib/features/events/event-store.ts');
    assert.deepEqual(f.map((x) => [x.line, x.evidence.kind]), [[8, 'write-in-loop']]);
    assert.deepEqual(f[0].evidence.alsoAt?.map((a) => a.line), [11, 14]);
    assert.match(f[0].finding.message, /also writes on lines 11, 14 \(one finding for the loop\)/);
    assert.deepEqual(f[0].finding.related?.slice(1).map((r) => knexBranches.slice(0, r.span!.start).split('\n').length), [11, 14]);
  });

  it('an ignore comment on the loop\'s finding leaves none (it left two)', async () => {
    const ignored = knexBranches.replace("      if (row.created_by === 'unknown') {\n", "      if (row.created_by === 'unknown') {\n        // pg-lens-ignore n-plus-one: a one-off backfill\n");
    assert.deepEqual(await detectWithLines(ignored, 'src/lib/features/events/event-store.ts'), []);
  });

  it('Python and Ruby: every write of one iteration is one finding; two different reads stay two', async () => {
    const py = 'from shop.models import Item, Log\n\ndef save_all(items):\n    for it in items:\n        if it.new:\n            Item.objects.create(name=it.name)\n        else:\n            Item.objects.filter(pk=it.pk).update(name=it.name)\n        Log.objects.create(item=it.pk)\n        a = Item.objects.get(pk=it.pk)\n        b = Log.objects.filter(item=it.pk).first()\n';
    const f = await detectWithLines(py, 'shop/views.py');
    assert.deepEqual(f.map((x) => [x.line, x.evidence.kind]), [[6, 'write-in-loop'], [10, 'query-in-loop'], [11, 'query-in-loop']]);
    assert.deepEqual(f[0].evidence.alsoAt?.map((a) => a.line), [8, 9]);
    const rb = RAILS_CONTROLLER('    params[:ids].each do |id|\n      if id.odd?\n        Item.create!(name: id)\n      else\n        Item.where(id: id).update_all(done: true)\n      end\n    end');
    const r = await detectWithLines(rb, 'app/controllers/items_controller.rb');
    assert.deepEqual(r.map((x) => [x.line, x.evidence.alsoAt?.map((a) => a.line)]), [[5, [7]]]);
  });
});

describe('core/nplusone: the help names the collection the loop iterates (person10 N13)', () => {
  it('TypeScript (knex): "Insert all newToken.projects", not "all newToken", for a loop over a member of an object', async () => {
    const ts = [
      "import type { Knex } from 'knex';",
      'export class ApiTokenStore {',
      '  constructor(private db: Knex) {}',
      '  async insert(newToken: { secret: string; projects?: string[] }) {',
      '    await this.db.transaction(async (tx) => {',
      '      const updates = (newToken.projects || []).filter((project) => project !== "*").map((project) =>',
      "        tx.raw('INSERT INTO api_token_project VALUES (?, ?)', [newToken.secret, project]),",
      '      );',
      '      await Promise.all(updates);',
      '    });',
      '  }',
      '}',
    ].join('\n');
    const f = await detectWithLines(ts, 'src/lib/db/api-token-store.ts');
    assert.deepEqual(f.map((x) => x.evidence.kind), ['write-in-loop']);
    assert.match(f[0].finding.help ?? '', /all newToken\.projects\b.*one per project/);
    // A loop over a plain name keeps its name; over a method's result, the object's (no path to name).
    const plain = await detectWithLines(ts.replace('(newToken.projects || []).filter((project) => project !== "*")', 'projects').replace('newToken: {', 'projects: string[], newToken: {'), 'src/lib/db/api-token-store.ts');
    assert.match(plain[0].finding.help ?? '', /all projects\b/);
  });
});
