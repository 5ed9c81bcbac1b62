/**
 * Kinds seen on the fifth session's held-out apps (issue 14, held-out-e: a FastAPI + SQLAlchemy 2.0
 * app with repository classes, a Gin + GORM admin app, a Next.js + Drizzle app with a Go service),
 * one small synthetic fixture per kind.
 */
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('core/nplusone kinds seen on held-out-e', () => {

  it('GORM through the project\'s own handle, in a file that does not import gorm, is a query', async () => {
    const go = [
      'package catalog',
      '',
      'import (',
      '\t"context"',
      '\t"example.com/shop/server/global"',
      '\t"example.com/shop/server/model"',
      ')',
      '',
      'func loadKids(ctx context.Context, n *model.Node) error {',
      '\treturn global.SHOP_DB.WithContext(ctx).Where("parent_id = ?", n.ID).Order("sort").Find(&n.Kids).Error',
      '}',
      '',
      'func Tree(ctx context.Context, roots []model.Node) error {',
      '\tfor i := range roots {',
      '\t\tif err := global.SHOP_DB.WithContext(ctx).Save(&roots[i]).Error; err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t\t_ = loadKids(ctx, &roots[i])',
      '\t}',
      '\treturn nil',
      '}',
    ];
    await expectNPlusOne(go, 'server/service/catalog.go', [15, 18]);
    // Not GORM: a map's or a cache's methods, and database/sql's Exec on a DB handle (judged as database/sql).
    const other = [
      'package cache',
      '',
      'import "example.com/shop/server/global"',
      '',
      'func Warm(keys []string) {',
      '\tfor _, k := range keys {',
      '\t\tglobal.Cache.Where(k).First()',
      '\t\tglobal.Registry.Find(k)',
      '\t}',
      '}',
    ];
    await expectNPlusOne(other, 'server/cache/warm.go', []);
  });

  it('a common name (get_one, create, update) called on the app\'s repository is that repository\'s query', async () => {
    const repo = [
      'from sqlalchemy import select',
      'from sqlalchemy.orm import Session',
      '',
      'class RepositoryGeneric:',
      '    def __init__(self, session: Session, model):',
      '        self.session = session',
      '        self.model = model',
      '',
      '    def _one(self, key):',
      '        return self.session.execute(select(self.model).filter_by(slug=key)).scalars().one()',
      '',
      '    def get_one(self, key):',
      '        return self._one(key)',
      '',
      '    def create(self, data):',
      '        row = self.model(**data)',
      '        self.session.add(row)',
      '        self.session.commit()',
      '        return row',
    ];
    const service = [
      'class BulkService:',
      '    def __init__(self, repos, db):',
      '        self.repos = repos',
      '        self.db = db',
      '',
      '    def tag(self, slugs, tags):',
      '        for slug in slugs:',
      '            recipe = self.repos.recipes.get_one(slug)',
      '            recipe.tags += tags',
      '',
      '    def report(self, entries):',
      '        for entry in entries:',
      '            self.db.report_entries.create(entry)',
      '',
      '    def plain(self, items, cache):',
      '        for item in items:',
      '            cache.create(item)',
      '            self.db.session.add(item)',
      '            self.helper.get_one(item)',
    ];
    // Classes of other layers defining the same names without a query: a common name (create), and
    // a name defined by too many classes to judge by the usual every-definition rule (get_one in each controller).
    const forms = 'class Forms:\n    def create(self, data):\n        return dict(data)\n';
    const controllers = Array.from({ length: 8 }, (_, i) => ({ path: `app/routes/c${i}.py`, text: `class C${i}:\n    def get_one(self, key):\n        return {"key": key}\n` }));
    const files = [{ path: 'app/repos/repository_generic.py', text: repo }, { path: 'app/services/bulk.py', text: service }, { path: 'app/forms/forms.py', text: forms }];
    await expectNPlusOneInScan([...files, ...controllers], ['app/services/bulk.py:13', 'app/services/bulk.py:8']);
    // With only a couple of definitions the usual rule decides: a non-querying twin means no guess.
    await expectNPlusOneInScan([...files, controllers[0]], ['app/services/bulk.py:13']);
    // The same through the app's service (`self.service.update_one`), defined in a service file.
    const recipeService = 'class RecipeService:\n    def __init__(self, repos):\n        self.repos = repos\n\n    def update_one(self, slug, data):\n        recipe = self.repos.recipes.get_one(slug)\n        return recipe\n';
    const route = 'class Routes:\n    def update_many(self, data):\n        for recipe in data:\n            self.service.update_one(recipe.slug, recipe)\n';
    const many = Array.from({ length: 8 }, (_, i) => ({ path: `app/routes/u${i}.py`, text: `class U${i}:\n    def update_one(self, key, data):\n        return data\n` }));
    await expectNPlusOneInScan([
      { path: 'app/repos/repository_generic.py', text: repo },
      { path: 'app/services/recipe_service.py', text: recipeService },
      { path: 'app/routes/recipes.py', text: route },
      ...many,
    ], ['app/routes/recipes.py:4']);
  });

  it('Go: a loop over a ticker runs once per tick; a callback handed to Register runs later', async () => {
    const store = 'package db\n\nimport "database/sql"\n\ntype DB struct{ conn *sql.DB }\n\nfunc (d *DB) SaveMetric(m string) error {\n\t_, err := d.conn.Exec("INSERT INTO metrics (v) VALUES ($1)", m)\n\treturn err\n}\n';
    const main = [
      'package main',
      '',
      'import (',
      '\t"time"',
      '\t"example.com/mon/db"',
      ')',
      '',
      'func Loop(d *db.DB, lines []string) {',
      '\tticker := time.NewTicker(time.Minute)',
      '\tfor range ticker.C {',
      '\t\t_ = d.SaveMetric("cpu")',
      '\t}',
      '\tfor _, l := range lines {',
      '\t\t_ = d.SaveMetric(l)',
      '\t}',
      '}',
    ];
    await expectNPlusOneInScan([{ path: 'db/store.go', text: store }, { path: 'cmd/main.go', text: main }], ['cmd/main.go:14']);
    const scope = 'package scope\n\nimport "gorm.io/gorm"\n\nfunc Install(db *gorm.DB) {\n\tdb.Callback().Query().Register("scope", func(tx *gorm.DB) {\n\t\tvar n int64\n\t\ttx.Table("audit").Count(&n)\n\t})\n\tc := db.Callback().Create()\n\t_ = c.Before("gorm:create").Register("stamp", stamp)\n}\n\nfunc stamp(tx *gorm.DB) {}\n';
    const boot = 'package boot\n\nimport (\n\t"example.com/app/scope"\n\t"gorm.io/gorm"\n)\n\nfunc Init(dbs []*gorm.DB) {\n\tfor _, d := range dbs {\n\t\tscope.Install(d)\n\t}\n}\n';
    await expectNPlusOneInScan([{ path: 'scope/scope.go', text: scope }, { path: 'boot/boot.go', text: boot }], []);
  });

  it('a name the calling file binds itself, or a standard library package\'s function, is not the app\'s querying function', async () => {
    const service = [
      "import { db } from '../db';",
      "import { deployments } from '../schema';",
      "import { eq } from 'drizzle-orm';",
      'export const removeDeployment = async (id: string) => {',
      '  await db.delete(deployments).where(eq(deployments.id, id));',
      '};',
      'export const copyRows = async (id: string) => {',
      '  await db.insert(deployments).values({ id });',
      '};',
    ];
    const page = [
      "import { api } from '@/utils/api';",
      'export function List({ items }: { items: { id: string }[] }) {',
      '  const { mutateAsync: removeDeployment } = api.deployment.remove.useMutation();',
      '  const [copyRows, setCopy] = useState(() => async (_id: string) => undefined);',
      '  const clearAll = async () => {',
      '    for (const d of items) await removeDeployment({ id: d.id });',
      '    for (const d of items) await copyRows(d.id);',
      '  };',
      '  return null;',
      '}',
    ];
    const job = [
      "import { removeDeployment } from '../services/deployment';",
      'export async function prune(ids: string[]) {',
      '  for (const id of ids) await removeDeployment(id);',
      '}',
    ];
    await expectNPlusOneInScan([
      { path: 'src/services/deployment.ts', text: service },
      { path: 'src/components/list.tsx', text: page },
      { path: 'src/cleanup/prune.ts', text: job },
    ], ['src/cleanup/prune.ts:3']);

    const store = 'package store\n\nimport "gorm.io/gorm"\n\ntype S struct{ db *gorm.DB }\n\nfunc (s *S) Create(v any) error {\n\treturn s.db.Create(v).Error\n}\n';
    const gen = [
      'package gen',
      '',
      'import (',
      '\t"os"',
      '\t"example.com/app/store"',
      ')',
      '',
      'func Write(paths []string, s *store.S) {',
      '\tfor _, p := range paths {',
      '\t\tf, _ := os.Create(p)',
      '\t\t_ = f',
      '\t\t_ = s.Create(p)',
      '\t}',
      '}',
    ];
    await expectNPlusOneInScan([{ path: 'store/store.go', text: store }, { path: 'gen/write.go', text: gen }], ['gen/write.go:12']);
    // …and in a file whose own type has a querying `Create` method.
    const pkg = [
      'package gen',
      '',
      'import (',
      '\t"os"',
      '\t"gorm.io/gorm"',
      ')',
      '',
      'type Pkg struct{ db *gorm.DB }',
      '',
      'func (p *Pkg) Create(name string) error {',
      '\treturn p.db.Where("name = ?", name).First(&Pkg{}).Error',
      '}',
      '',
      'func (p *Pkg) Files(paths []string) {',
      '\tfor _, f := range paths {',
      '\t\t_, _ = os.Create(f)',
      '\t\t_ = p.Create(f)',
      '\t}',
      '}',
    ];
    await expectNPlusOne(pkg, 'gen/pkg.go', [17]);
  });

  it('a look-up cached under a key the items share runs once per key; a cache keyed by each item, or a seen-set, does not count', async () => {
    const py = [
      'from sqlalchemy.orm import Session',
      'from app.models import Item, List',
      '',
      'def merge(items, session: Session):',
      '    lists = {}',
      '    for item in items:',
      '        if item.list_id not in lists:',
      '            lists[item.list_id] = session.query(List).filter(List.id == item.list_id).all()',
      '    seen = set()',
      '    for item in items:',
      '        if item not in seen:',
      '            seen.add(item)',
      '            session.query(Item).filter(Item.id == item.id).delete()',
      '    cache = {}',
      '    for key in items:',
      '        if key not in cache:',
      '            cache[key] = session.query(Item).filter(Item.id == key).first()',
    ];
    await expectNPlusOne(py, 'app/merge.py', [13, 17]);
    const rb = [
      'class Feed',
      '  def authors(posts)',
      '    cache = {}',
      '    posts.each do |post|',
      '      cache[post.author_id] ||= User.find(post.author_id)',
      '    end',
      '    posts.each do |post|',
      '      User.find(post.author_id)',
      '    end',
      '  end',
      'end',
    ];
    await expectNPlusOne(rb, 'app/models/feed.rb', [8]);
    const ts = [
      "import { prisma } from './db';",
      'export async function owners(rows: { teamId: string }[]) {',
      '  const teams = new Map<string, unknown>();',
      '  for (const row of rows) {',
      '    if (!teams.has(row.teamId)) {',
      '      teams.set(row.teamId, await prisma.team.findUnique({ where: { id: row.teamId } }));',
      '    }',
      '  }',
      '  return teams;',
      '}',
    ];
    await expectNPlusOne(ts, 'src/owners.ts', []);
  });

  it('a loop over groups the code built from the items is one call per group (the batched shape)', async () => {
    const py = [
      'from collections import defaultdict',
      'from sqlalchemy.orm import Session',
      'from app.models import Event',
      '',
      'def publish(session: Session, recipes):',
      '    by_group = defaultdict(lambda: defaultdict(list))',
      '    for r in recipes:',
      '        by_group[r.group_id][r.household_id].append(r)',
      '    for group_id, households in by_group.items():',
      '        for household_id, rows in households.items():',
      '            session.add(Event(group_id=group_id, household_id=household_id, ids=[x.id for x in rows]))',
      '            session.commit()',
      '    for r in recipes:',
      '        session.commit()',
    ];
    await expectNPlusOne(py, 'app/events.py', [14]);
    const ts = [
      "import { prisma } from './db';",
      'export async function notify(rows: { team: string; id: string }[], seen: Map<string, number>) {',
      '  const byTeam = new Map<string, string[]>();',
      '  for (const r of rows) { if (!byTeam.has(r.team)) byTeam.set(r.team, []); byTeam.get(r.team)!.push(r.id); }',
      '  for (const [team, ids] of byTeam.entries()) await prisma.note.create({ data: { team, ids } });',
      '  for (const [team] of seen.entries()) await prisma.note.create({ data: { team, ids: [] } });',
      '}',
    ];
    await expectNPlusOne(ts, 'src/notify.ts', [6]);
  });

  it('a list bound empty and filled before the loop, or bound to a literal in one branch only, is as long as the data', async () => {
    const py = [
      'from sqlalchemy.orm import Session',
      'from app.models import Event, Group',
      '',
      'def record(session: Session, plans, group_id=None):',
      '    to_create: list[Event] = []',
      '    for plan in plans:',
      '        to_create.append(Event(plan_id=plan.id))',
      '    for event in to_create:',
      '        session.query(Event).filter(Event.plan_id == event.plan_id).first()',
      '    if group_id is None:',
      '        group_ids = [g.id for g in session.query(Group).all()]',
      '    else:',
      '        group_ids = [group_id]',
      '    for gid in group_ids:',
      '        session.query(Event).filter(Event.group_id == gid).first()',
      '    fixed = [1, 2]',
      '    for n in fixed:',
      '        session.query(Event).filter(Event.id == n).first()',
    ];
    await expectNPlusOne(py, 'app/jobs/record.py', [9, 15]);
    const ts = [
      "import { prisma } from './db';",
      'export async function touch(rows: { id: string }[]) {',
      '  const ids: string[] = [];',
      '  for (const r of rows) ids.push(r.id);',
      '  for (const id of ids) await prisma.item.update({ where: { id }, data: { seen: true } });',
      '}',
    ];
    await expectNPlusOne(ts, 'src/touch.ts', [5]);
  });

  it('a loop over the call\'s own keyword arguments or the schema\'s tables is bounded by the code', async () => {
    const py = [
      'from sqlalchemy import select',
      '',
      'def init(self, session, **kwargs):',
      '    for key, val in kwargs.items():',
      '        setattr(self, key, session.execute(select(Tag).filter_by(id=val)).scalar_one_or_none())',
      '',
      'def dump(self, connection):',
      '    return {t.name: connection.execute(t.select()).all() for t in self.meta.sorted_tables}',
      '',
      'def per_row(session, rows):',
      '    for row in rows:',
      '        session.execute(select(Tag).filter_by(id=row.tag_id)).scalar_one_or_none()',
    ];
    await expectNPlusOne(py, 'app/model_utils.py', [12]);
  });

  it('a function of the calling file that queries only through another file\'s functions is a query per item', async () => {
    const service = [
      "import { db } from '../db';",
      'export const findAppById = async (id: string) => db.query.apps.findFirst({ where: (a, { eq }) => eq(a.id, id) });',
      'export const createAppCopy = async (app: unknown) => db.insert(apps).values(app);',
    ];
    const router = [
      "import { findAppById, createAppCopy } from '../services/app';",
      'export const duplicate = async (ids: string[]) => {',
      '  const copyOne = async (id: string) => {',
      '    const app = await findAppById(id);',
      '    await createAppCopy(app);',
      '  };',
      '  const label = (id: string) => `copy of ${id}`;',
      '  for (const id of ids) {',
      '    await copyOne(id);',
      '    label(id);',
      '  }',
      '};',
    ];
    await expectNPlusOneInScan([{ path: 'src/services/app.ts', text: service }, { path: 'src/routers/project.ts', text: router }], ['src/routers/project.ts:9']);
  });

  it('a function whose queries depend only on arguments the loop passes unchanged is one repeated look-up, not one query per item', async () => {
    const exec = [
      "import { db } from '../db';",
      "import { ssh } from './ssh';",
      'export const execRemote = async (serverId: string, command: string) => {',
      '  const server = await findServer(serverId);',
      '  return ssh(server.ip).exec(command);',
      '};',
      'export const findServer = async (id: string) => db.query.servers.findFirst({ where: (s, { eq }) => eq(s.id, id) });',
      'export const portUsed = async (port: number, serverId: string) => {',
      '  const cmd = `ss -ltn sport = :${port}`;',
      '  return execRemote(serverId, cmd);',
      '};',
      'export const saveRow = async (tenant: string, row: { key: string }) => {',
      '  const key = `${tenant}:${row.key}`;',
      '  await db.insert(rows).values({ key });',
      '};',
    ];
    const job = [
      "import { execRemote, portUsed, saveRow } from '../utils/exec';",
      'export async function cleanup(serverId: string, commands: string[], tenant: string, rows: { key: string }[]) {',
      '  for (const command of commands) await execRemote(serverId, command);',
      '  for (const server of ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]) await execRemote(server, "ls");',
      '  for (const row of rows) await saveRow(tenant, row);',
      '  for (const row of rows) {',
      '    const id = row.key;',
      '    await execRemote(id, "ls");',
      '  }',
      '  for (const p of [80, 443, 8080, 8443, 3000, 3001, 5432, 6379, 9000, 9090, 9200, 27017]) await portUsed(p, serverId);',
      '}',
    ];
    // The wrapper passes the port only into the shell command: the look-up depends on serverId alone.
    await expectNPlusOneInScan([{ path: 'src/utils/exec.ts', text: exec }, { path: 'src/jobs/cleanup.ts', text: job }], ['src/jobs/cleanup.ts:4', 'src/jobs/cleanup.ts:5', 'src/jobs/cleanup.ts:8']);
    // What the loop builds per item (a typed const, a destructured rest, a field set on it) changes per item;
    // a callback handed to a scheduler inside the loop runs per job, not per item.
    const hook = [
      "import { execRemote, saveRow } from '../utils/exec';",
      "import { scheduleJob } from 'node-schedule';",
      'type Job = { key: string; serverId?: string };',
      'export async function hook(tenant: string, rows: { key: string; id: string }[], serverId: string) {',
      '  for (const r of rows) {',
      '    const job: Job = { key: r.key };',
      '    await saveRow(tenant, job);',
      '  }',
      '  for (const r of rows) {',
      '    const { id, ...rest } = r;',
      '    await saveRow(tenant, { ...rest });',
      '  }',
      '  for (const r of rows) {',
      '    scheduleJob(r.id, "* * * * *", async () => { await execRemote(r.id, "ls"); });',
      '  }',
      '}',
    ];
    await expectNPlusOneInScan([{ path: 'src/utils/exec.ts', text: exec }, { path: 'src/hooks/hook.ts', text: hook }], ['src/hooks/hook.ts:11', 'src/hooks/hook.ts:7']);
    // Keyword arguments do not map to parameters by position: judged as before.
    const repo = 'from sqlalchemy import select\n\nclass Repo:\n    async def get_by(self, session, kind, dispute_id=None):\n        return (await session.execute(select(T).filter_by(kind=kind, dispute_id=dispute_id))).scalar_one_or_none()\n';
    const svc = 'class Svc:\n    async def run(self, session, disputes):\n        for d in disputes:\n            await self.repo.get_by(session, kind="reversal", dispute_id=d.id)\n';
    await expectNPlusOneInScan([{ path: 'app/repos/repo.py', text: repo }, { path: 'app/services/svc.py', text: svc }], ['app/services/svc.py:4']);
  });

  it('a function whose query runs in a callback it returns or hands to a scheduler does not query when called', async () => {
    const utils = [
      "import { scheduleJob } from 'node-schedule';",
      "import { db } from '../db';",
      'export const scheduleBackup = (backup: { id: string; cron: string }) => {',
      '  scheduleJob(backup.id, backup.cron, async () => {',
      '    await db.query.backups.findFirst({ where: (b, { eq }) => eq(b.id, backup.id) });',
      '  });',
      '};',
      'export const runBackup = async (id: string) => {',
      '  await db.query.backups.findFirst({ where: (b, { eq }) => eq(b.id, id) });',
      '};',
    ];
    const boot = [
      "import { scheduleBackup, runBackup } from './utils';",
      'export const initCronJobs = async (backups: { id: string; cron: string }[]) => {',
      '  for (const backup of backups) scheduleBackup(backup);',
      '  for (const backup of backups) await runBackup(backup.id);',
      '};',
    ];
    await expectNPlusOneInScan([{ path: 'src/backups/utils.ts', text: utils }, { path: 'src/backups/index.ts', text: boot }], ['src/backups/index.ts:4']);
    const handler = [
      'package mcp',
      '',
      'import (',
      '\t"context"',
      '\t"gorm.io/gorm"',
      ')',
      '',
      'type Cmd struct{ Name string }',
      '',
      'func MakeHandler(db *gorm.DB, cmd Cmd) func(context.Context) error {',
      '\treturn func(ctx context.Context) error {',
      '\t\tvar out []Cmd',
      '\t\treturn db.Where("name = ?", cmd.Name).Find(&out).Error',
      '\t}',
      '}',
    ];
    const register = 'package server\n\nimport "example.com/app/mcp"\n\nfunc Register(cmds []mcp.Cmd) {\n\tfor _, c := range cmds {\n\t\tAdd(mcp.MakeHandler(nil, c))\n\t}\n}\n';
    await expectNPlusOneInScan([{ path: 'mcp/handler.go', text: handler }, { path: 'server/register.go', text: register }], []);
    // A returned thunk (fp-ts tasks: `deleteUser(u)()`) is run by the caller at once: still a query per item.
    const tasks = "import { prisma } from './db';\nexport class Users {\n  deleteUser(uid: string) {\n    return () => prisma.user.delete({ where: { uid } });\n  }\n}\n";
    const admin = "import { Users } from './users';\nexport async function purge(users: Users, uids: string[]) {\n  for (const uid of uids) await users.deleteUser(uid)();\n}\n";
    await expectNPlusOneInScan([{ path: 'src/users.ts', text: tasks }, { path: 'src/admin.ts', text: admin }], ['src/admin.ts:3']);
  });
});
