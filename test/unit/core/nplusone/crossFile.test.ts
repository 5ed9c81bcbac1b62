/** N+1 through the app's own layers: a loop calls a function of another file whose body queries. */
import { strict as assert } from 'node:assert';
import { CROSS_FILE_REPO as repo, CROSS_FILE_SERVICE as service, scanNPlusOne } from '../../support/nplusoneFixtures';

async function scan(files: Record<string, string>) {
  const found = await scanNPlusOne(Object.entries(files).map(([path, text]) => ({ path, text })));
  return found.map((f) => ({ file: f.file, line: f.line, message: f.message, severity: f.severity }));
}

describe('core/nplusone across files', () => {

  it('reports a loop calling a method of another file that queries, transitively', async () => {
    const got = await scan({ 'app/repository.py': repo, 'app/service.py': service });
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].file, 'app/service.py');
    assert.equal(got[0].line, 8);
    assert.match(got[0].message, /`repository\.customer_label\(\)` reaches the database \(`customer_label` in app\/repository\.py:8\)/);
  });

  it('names the querying function\'s file from the project\'s top, not as an absolute path (person9: "in /work/…/internal/manager/manager.go:371")', async () => {
    const got = await scan({ '/home/me/work/app/repository.py': repo, '/home/me/work/app/service.py': service });
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.match(got[0].message, /\(`customer_label` in repository\.py:8\)/);
    assert.doesNotMatch(got[0].message, /\/home\/me/);
  });

  it('does not guess when another definition of the name does not query', async () => {
    const other = 'class Cache:\n    async def customer_label(self, session, customer_id):\n        return str(customer_id)\n';
    assert.deepEqual(await scan({ 'app/repository.py': repo, 'app/service.py': service, 'app/cache.py': other }), []);
  });

  it('applies the context of the calling file (a script loop is info)', async () => {
    const got = await scan({ 'app/repository.py': repo, 'scripts/backfill.py': service });
    assert.equal(got.length, 1);
    assert.equal(got[0].severity, 'info');
  });

  it('ignores functions defined in tests, and Ruby attribute reads without arguments', async () => {
    const r = await scanNPlusOne([
      { path: 'e2e/helpers.spec.ts', text: "import { prisma } from '@documenso/prisma';\nexport async function documentByToken(token: string) { return prisma.document.findFirst({ where: { token } }); }\n" },
      { path: 'src/sign.ts', text: "import { documentByToken } from './x';\nexport async function signAll(tokens: string[]) {\n  for (const t of tokens) await documentByToken(t);\n}\n" },
      { path: 'app/models/processor.rb', text: 'class Processor\n  def merchant\n    Merchant.find_by(id: 1)\n  end\nend\n' },
      { path: 'app/models/report.rb', text: 'class Report\n  def names(txns)\n    txns.map { |txn| txn.merchant }\n  end\nend\n' },
    ]);
    assert.deepEqual(r.filter((f) => (f.evidence as any)?.library === 'app'), []);
  });

  it('an endpoint of the same name delegating to the querying service does not hide it', async () => {
    const r = await scanNPlusOne([
      { path: 'app/seat/service.py', text: 'from sqlalchemy import update\n\nclass SeatService:\n    async def revoke_seat(self, session, seat):\n        await session.execute(update(Seat).where(Seat.id == seat.id))\n' },
      { path: 'app/seat/endpoints.py', text: 'from app.seat.service import seat_service\n\nasync def revoke_seat(session, seat):\n    return await seat_service.revoke_seat(session, seat)\n' },
      { path: 'app/seat/jobs.py', text: 'from app.seat.service import seat_service\n\nasync def revoke_all(session, seats):\n    for seat in seats:\n        await seat_service.revoke_seat(session, seat)\n' },
    ]);
    assert.deepEqual(r.map((f) => f.file), ['app/seat/jobs.py']);
  });

  it('a call naming its class (StatsD.increment) is not a same-named method of another class', async () => {
    const r = await scanNPlusOne([
      { path: 'app/models/tally.rb', text: 'class Tally\n  def self.increment(count, id:)\n    Download.where(item_id: id).update_all(["count = count + ?", count])\n  end\nend\n' },
      { path: 'app/jobs/tally_job.rb', text: 'class TallyJob < ApplicationJob\n  def perform(rows)\n    rows.each do |r|\n      StatsD.increment("tally.row")\n      Tally.increment(1, id: r.id)\n    end\n  end\nend\n' },
    ]);
    assert.deepEqual(r.map((f) => `${f.file}:${(f.evidence as any).call}`), ['app/jobs/tally_job.rb:Tally.increment()']);
  });

  it('a one-word name reaches a definition only within its own package of a monorepo', async () => {
    const files = [
      { path: 'packages/server/src/config.service.ts', text: "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function fail(name: string) { await prisma.setting.update({ where: { name }, data: { ok: false } }); }\n" },
      { path: 'packages/runner/src/run.ts', text: "export async function runStep(step: { name: string }) { spinner.start(); if (!step.name) spinner.fail(); return step.name; }\n" },
      { path: 'packages/runner/src/all.ts', text: "import { runStep } from './run';\nexport async function runAll(steps: { name: string }[]) {\n  for (const s of steps) await runStep(s);\n}\n" },
    ];
    const r = await scanNPlusOne(files);
    assert.deepEqual(r.filter((f) => (f.evidence as any)?.library === 'app'), []);
    files[1].path = 'packages/server/src/run.ts';
    files[2].path = 'packages/server/src/all.ts';
    const same = await scanNPlusOne(files);
    assert.deepEqual(same.filter((f) => (f.evidence as any)?.library === 'app').map((f) => f.file), ['packages/server/src/all.ts'], 'within one package the name is followed');
  });

  it('across packages of a monorepo a name is followed only when the calling file imports that package', async () => {
    const lib = { path: 'packages/lib/src/documents.ts', text: "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function getAll(id: string) { return prisma.doc.findMany({ where: { id } }); }\n" };
    const sandbox = { path: 'packages/sandbox/src/run.ts', text: "export async function runAll(items: string[]) {\n  for (const i of items) await getAll(i);\n}\n" };
    const app = { path: 'apps/web/src/list.ts', text: "import { getAll } from '@acme/lib/documents';\nexport async function list(ids: string[]) {\n  for (const i of ids) await getAll(i);\n}\n" };
    const r = await scanNPlusOne([lib, sandbox, app]);
    assert.deepEqual(r.map((f) => f.file), ['apps/web/src/list.ts']);
    // The same when the scan was given an absolute or a `../` folder: packages are read inside the project.
    for (const prefix of ['/home/me/acme/', '../../acme/']) {
      const moved = [lib, sandbox, app].map((x) => ({ path: prefix + x.path, text: x.text }));
      const r2 = await scanNPlusOne(moved);
      assert.deepEqual(r2.map((f) => f.file), [prefix + 'apps/web/src/list.ts'], prefix);
    }
  });

  it('a finding across files takes the context its file\'s text says, also when the scan keeps no texts (the CLI)', async () => {
    const migration = 'from django.db import migrations\nfrom app.repository import customer_label\n\ndef forwards(apps, schema_editor):\n    for customer_id in range(1000):\n        customer_label(None, customer_id)\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunPython(forwards)]\n';
    for (const keepText of [true, false]) {
      const r = await scanNPlusOne([{ path: 'app/repository.py', text: repo }, { path: 'app/data_fix.py', text: migration }], keepText);
      assert.deepEqual(r.map((f) => [f.file, f.context, f.severity]), [['app/data_fix.py', 'migration', 'info']], String(keepText));
    }
  });

  it('when every definition of a name queries, the finding names the one the calling file can reach', async () => {
    const api = { path: 'apps/api/src/utils.ts', text: "import { db } from './db';\nexport const deploy = async (id: string) => db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, id) });\n" };
    const web = { path: 'apps/web/server/deploy.ts', text: "import { db } from '../db';\nexport const deploy = async (id: string) => db.query.servers.findFirst({ where: (s, { eq }) => eq(s.id, id) });\n" };
    const hook = { path: 'apps/web/pages/hook.ts', text: "import { deploy } from '@/server/deploy';\nexport async function hook(ids: string[]) {\n  for (const id of ids) await deploy(id);\n}\n" };
    const r = await scanNPlusOne([api, web, hook]);
    assert.deepEqual(r.map((f) => [f.file, (f.evidence as { callee?: { call?: string } }).callee?.call]), [['apps/web/pages/hook.ts', 'apps/web/server/deploy.ts']]);
  });
});

describe('core/nplusone across files: the callee by the receiver\'s declared type (person10 N14)', () => {
  // Unleash: `private segmentService: ISegmentService` and `segmentIds.map((id) => this.segmentService.get(id))`; the scan
  // said it "reaches the database (`get` in …/repository/storage-provider-in-mem.ts:11)" — an in-memory Map's get.
  // (the in-memory store's file read first, as in Unleash's tree: features/playground before features/segment)
  const files = {
    'src/lib/features/playground/repository/storage-provider-in-mem.ts': 'export class InMemStorageProvider<T> {\n  private store = new Map<string, T>();\n  async get(key: string) {\n    return Promise.resolve(this.store.get(key));\n  }\n}\n',
    'src/lib/features/segment/segment-store.ts': "import type { Db } from '../../db/db';\nexport class SegmentStore {\n  constructor(private db: Db) {}\n  async get(id: number) {\n    return this.db('segments').where({ id }).first();\n  }\n}\n",
    'src/lib/features/segment/segment-service.ts': "import type { SegmentStore } from './segment-store';\nimport type { ISegmentService } from './segment-service-interface';\nexport class SegmentService implements ISegmentService {\n  constructor(private segmentStore: SegmentStore) {}\n  async get(id: number) {\n    return this.segmentStore.get(id);\n  }\n}\n",
    'src/lib/features/segment/segment-service-interface.ts': 'export interface ISegmentService {\n  get(id: number): Promise<unknown>;\n}\n',
    'src/lib/features/feature-toggle/feature-toggle-service.ts': "import type { ISegmentService } from '../segment/segment-service-interface';\nexport class FeatureToggleService {\n  private segmentService: ISegmentService;\n  constructor(segmentService: ISegmentService) {\n    this.segmentService = segmentService;\n  }\n  async segmentsOf(segmentIds: number[]) {\n    return Promise.all(segmentIds.map((segmentId) => this.segmentService.get(segmentId)));\n  }\n}\n",
  };

  it('TypeScript: `this.segmentService.get()` on an ISegmentService is SegmentService.get (segment-service.ts), not an in-memory store\'s get', async () => {
    const got = await scan(files);
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].file, 'src/lib/features/feature-toggle/feature-toggle-service.ts');
    assert.match(got[0].message, /\(`get` in src\/lib\/features\/segment\/segment-service\.ts:5\)/);
  });

  it('the declared type names no file that defines the method: a one-word name is not claimed by name alone', async () => {
    const { 'src/lib/features/segment/segment-service.ts': _svc, ...rest } = files;
    const renamed = { ...rest, 'src/lib/features/segment/lookups.ts': _svc.replace(' implements ISegmentService', '') };
    assert.deepEqual(await scan(renamed), []);
    // The class says it implements the interface (n14e): the code names it, whatever its file is called.
    const implementing = await scan({ ...rest, 'src/lib/features/segment/lookups.ts': _svc });
    assert.deepEqual(implementing.map((f) => f.message.match(/\(`get` in [^)]*\)/)?.[0]), ['(`get` in src/lib/features/segment/lookups.ts:5)']);
  });

  it('Python: an annotated service (`segment_service: SegmentService`) is that class\'s method, though another class defines the name without a query', async () => {
    // Judged by name alone, the in-memory store's load_segment (no query) made the call no database call; the annotation
    // says which class it is.
    const got = await scan({
      'app/storage/repository/memory_store.py': "class MemoryStore:\n    def __init__(self):\n        self.store = {}\n\n    async def load_segment(self, key):\n        return self.store.get(key)\n",
      'app/segments/segment_store.py': "from sqlalchemy import text\n\n\nclass SegmentStore:\n    def __init__(self, session):\n        self.session = session\n\n    async def load_segment(self, segment_id):\n        return await self.session.execute(text(\"SELECT * FROM segments WHERE id = :id\"), {\"id\": segment_id})\n",
      'app/segments/segment_service.py': "from app.segments.segment_store import SegmentStore\n\n\nclass SegmentService:\n    def __init__(self, segment_store: SegmentStore):\n        self.segment_store = segment_store\n\n    async def load_segment(self, segment_id):\n        return await self.segment_store.load_segment(segment_id)\n",
      'app/features/feature_service.py': "from app.segments.segment_service import SegmentService\n\n\nclass FeatureService:\n    def __init__(self, segment_service: SegmentService):\n        self.segment_service = segment_service\n\n    async def segments_of(self, segment_ids):\n        out = []\n        for segment_id in segment_ids:\n            out.append(await self.segment_service.load_segment(segment_id))\n        return out\n",
    });
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].file, 'app/features/feature_service.py');
    assert.match(got[0].message, /`self\.segment_service\.load_segment\(\)` reaches the database \(`load_segment` in app\/segments\/segment_service\.py:8\)/);
  });

  it('Java: a field declared as IUserService is UserService(Impl)\'s method', async () => {
    const got = await scan({
      'src/main/java/app/UserRepository.java': 'package app;\nimport org.springframework.jdbc.core.JdbcTemplate;\npublic class UserRepository {\n  private JdbcTemplate jdbc;\n  public String name(long id) {\n    return jdbc.queryForObject("SELECT name FROM users WHERE id = ?", String.class, id);\n  }\n}\n',
      'src/main/java/app/UserServiceImpl.java': 'package app;\npublic class UserServiceImpl implements IUserService {\n  private UserRepository userRepository;\n  public String label(long id) {\n    return userRepository.name(id);\n  }\n}\n',
      'src/main/java/app/Cache.java': 'package app;\npublic class Cache {\n  public String label(long id) {\n    return String.valueOf(id);\n  }\n}\n',
      'src/main/java/app/ReportController.java': 'package app;\nimport java.util.List;\npublic class ReportController {\n  private IUserService userService;\n  public void labels(List<Long> ids) {\n    for (Long id : ids) {\n      userService.label(id);\n    }\n  }\n}\n',
    });
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.match(got[0].message, /\(`label` in src\/main\/java\/app\/UserServiceImpl\.java:4\)/);
  });
});
