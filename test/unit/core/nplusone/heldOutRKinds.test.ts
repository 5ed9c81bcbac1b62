/**
 * Kinds seen on the twelfth session's held-out apps (issue 14, held-out-r: a Next.js + Prisma bookmark manager,
 * a Flask + SQLAlchemy certificate manager, a Rails app with views and service objects), one small synthetic
 * fixture per kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { codeContextOf } from '../../../../src/core/codeContext';
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('N+1 kinds of held-out-r', () => {
  it('an importer folder named `migration` inside the API code (`lib/api/controllers/migration/importFromX.ts`) is request code; migration files stay migrations', () => {
    const importer = 'import { prisma } from "@acme/db";\n\nexport default async function importFromX(userId: number, raw: string) {\n  for (const row of JSON.parse(raw)) await prisma.note.create({ data: { userId, body: row.body } });\n}\n';
    assert.equal(codeContextOf('apps/web/lib/api/controllers/migration/importFromX.ts', importer), 'request');
    assert.equal(codeContextOf('src/routes/migrations/fromTrello.js', 'const db = require("../../db");\nmodule.exports = async function fromTrello(req, res) {}\n'), 'request');
    assert.equal(codeContextOf('apps/web/lib/api/controllers/migration/importFromX.ts'), 'migration', 'without the text nothing is known');
    // Numbered or versioned files, migration shapes (Knex, node-pg-migrate, MikroORM, Sequelize), runners, and
    // migrations folders outside request code stay migrations.
    assert.equal(codeContextOf('src/api/migrations/20240101120000_add_notes.ts', importer), 'migration');
    assert.equal(codeContextOf('src/api/migration/v2.6.1/index.ts', importer), 'migration');
    assert.equal(codeContextOf('src/api/migrations/addNotes.ts', 'import { Knex } from "knex";\nexport async function up(knex: Knex) {}\n'), 'migration');
    assert.equal(codeContextOf('src/api/migrations/addNotes.ts', 'export const up = (pgm) => { pgm.createTable("n", {}) };\n'), 'migration');
    assert.equal(codeContextOf('src/api/migrations/AddNotes.ts', 'import { Migration } from "@mikro-orm/migrations";\nexport class AddNotes extends Migration {}\n'), 'migration');
    assert.equal(codeContextOf('src/api/migrations/addNotes.js', 'module.exports = { up: async (queryInterface) => {} };\n'), 'migration');
    assert.equal(codeContextOf('src/services/migration/migrate.ts', importer), 'migration');
    assert.equal(codeContextOf('migrations/lib/views.ts', importer), 'migration');
    assert.equal(codeContextOf('packages/server/migration-scripts/add-actions.ts', importer), 'migration');
  });

  it('TS: recursion in a loop (`for (c of children) walk(c)`) is per item only for the function\'s work outside that loop; the queries inside the loop are reported at their own lines', async () => {
    const walk = [
      'import { prisma } from "@acme/db";',
      '',
      'async function importTree(userId: number, node: TreeNode, folderId?: number) {',
      '  for (const child of node.children) {',
      '    if (child.kind === "folder") {',
      '      const id = await createFolder(userId, child.name, folderId);',
      '      await importTree(userId, child, id);',
      '    } else {',
      '      await prisma.note.create({ data: { userId, folderId, title: child.name } });',
      '    }',
      '  }',
      '}',
      '',
      'async function createFolder(userId: number, name: string, parentId?: number) {',
      '  const folder = await prisma.folder.create({ data: { userId, name, parentId } });',
      '  return folder.id;',
      '}',
      '',
      'export default importTree;',
      '',
    ];
    await expectNPlusOne(walk, 'src/api/importTree.ts', [6, 9]);
    // The children lookup at the top runs once more per child: the recursive call is per item too.
    const purge = [
      'import { prisma } from "@acme/db";',
      '',
      'export async function purgeFolder(id: number) {',
      '  const children = await prisma.folder.findMany({ where: { parentId: id } });',
      '  for (const child of children) {',
      '    await purgeFolder(child.id);',
      '    await prisma.note.findFirst({ where: { folderId: child.id } });',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(purge, 'src/api/purgeFolder.ts', [6, 7]);
  });

  it('TS: a Prisma model named Collection (`prisma.collection.findMany(…)`) is a query; a MongoDB `db.collection("x").find()` still is not PostgreSQL', async () => {
    const prisma = [
      'import { prisma } from "@acme/db";',
      '',
      'export async function counts(ids: number[]) {',
      '  for (const id of ids) {',
      '    await prisma.collection.findFirst({ where: { id } });',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(prisma, 'src/api/counts.ts', [5]);
    const mongo = [
      'export async function counts(db, ids) {',
      '  for (const id of ids) {',
      '    await db.collection("items").findOne({ _id: id });',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(mongo, 'src/api/mongoCounts.js', []);
  });

  it('TS: a name imported from a package (`import { signIn } from "next-auth/react"`) is the package\'s function, not the app\'s `signIn` that queries; a workspace package or a `baseUrl` path of the app still is the app\'s', async () => {
    const authConfig = {
      path: 'apps/web/pages/api/auth/[...nextauth].ts',
      text: [
        'import { prisma } from "@acme/db";',
        '',
        'export async function signIn(email: string) {',
        '  return prisma.user.findUnique({ where: { email } });',
        '}',
        '',
      ],
    };
    const page = {
      path: 'apps/web/pages/invite.tsx',
      text: [
        'import { signIn } from "next-auth/react";',
        '',
        'export async function resendInvites(emails: string[]) {',
        '  for (const email of emails) {',
        '    await signIn("email", { email, redirect: false });',
        '  }',
        '}',
        '',
      ],
    };
    const db = {
      path: 'packages/db/src/users.ts',
      text: [
        'import { prisma } from "./client";',
        '',
        'export async function loadUser(id: number) {',
        '  return prisma.user.findUnique({ where: { id } });',
        '}',
        '',
      ],
    };
    const lib = {
      path: 'apps/web/lib/teams.ts',
      text: [
        'import { prisma } from "@acme/db";',
        '',
        'export async function loadTeam(id: number) {',
        '  return prisma.team.findUnique({ where: { id } });',
        '}',
        '',
      ],
    };
    const route = {
      path: 'apps/web/pages/api/members.ts',
      text: [
        'import { loadUser } from "@acme/db";',
        'import { loadTeam } from "lib/teams";',
        'import { canSee } from "@web/lib/access";',
        '',
        'export default async function handler(ids: number[]) {',
        '  for (const id of ids) {',
        '    await loadUser(id);',
        '    await loadTeam(id);',
        '    await canSee(id);',
        '  }',
        '}',
        '',
      ],
    };
    // A path alias (`@web/lib/access` → apps/web/lib/access.ts, tsconfig `paths`) names a file of the app.
    const access = {
      path: 'apps/web/lib/access.ts',
      text: [
        'import { prisma } from "@acme/db";',
        '',
        'export async function canSee(id: number) {',
        '  return prisma.member.findFirst({ where: { id } });',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([authConfig, page, db, lib, access, route], ['apps/web/pages/api/members.ts:7', 'apps/web/pages/api/members.ts:8', 'apps/web/pages/api/members.ts:9']);
  });

  it('a call in the loop\'s error handler (`except OperationalError: …; lookup(…)`, `catch`) runs on a failure only: not per item, as the loop\'s own queries there', async () => {
    const service = {
      path: 'app/endpoints/service.py',
      text: [
        'from app.database import db',
        'from app.endpoints.models import Endpoint',
        '',
        '',
        'def get_by_name(name):',
        '    return db.session.query(Endpoint).filter(Endpoint.name == name).first()',
        '',
      ],
    };
    const sync = {
      path: 'app/sources/service.py',
      text: [
        'from sqlalchemy.exc import OperationalError',
        'from app.database import db',
        'from app.endpoints import service as endpoint_service',
        '',
        '',
        'def sync(endpoints):',
        '    for e in endpoints:',
        '        try:',
        '            found = endpoint_service.get_by_name(e["name"])',
        '        except OperationalError:',
        '            db.session.rollback()',
        '            found = endpoint_service.get_by_name(e["name"])',
        '',
      ],
    };
    await expectNPlusOneInScan([service, sync], ['app/sources/service.py:9']);
    const ts = [
      'import { prisma } from "@acme/db";',
      '',
      'async function loadNote(id: number) {',
      '  return prisma.note.findUnique({ where: { id } });',
      '}',
      '',
      'export async function refresh(ids: number[]) {',
      '  for (const id of ids) {',
      '    try {',
      '      await fetch(`https://example.test/notes/${id}`);',
      '    } catch (e) {',
      '      await loadNote(id);',
      '    }',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(ts, 'src/api/refresh.ts', []);
  });

  it('Ruby: `<<` onto an association of a copy (`copy = record.dup`) adds in memory; the copy is saved once after the loop', async () => {
    const rb = [
      'class NotesController < ApplicationController',
      '  def duplicate',
      '    note = Note.find(params[:id])',
      '    params[:board_ids].each do |board_id|',
      '      copy = note.dup',
      '      copy.board_id = board_id',
      '      note.tags.each do |tag|',
      '        copy.tags << tag.dup',
      '      end',
      '      copy.save!',
      '    end',
      '  end',
      '',
      '  def tag_all',
      '    note = Note.find(params[:id])',
      '    Tag.where(id: params[:tag_ids]).each do |tag|',
      '      note.tags << tag',
      '    end',
      '  end',
      'end',
      '',
    ];
    await expectNPlusOne(rb, 'app/controllers/notes_controller.rb', [17]);
  });
});
