/**
 * Kinds of false alarm and miss the blind split held-out-al showed (n1al, session 36: minder, Dittofeed, Skyvern),
 * fixed by kind, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

const CLICKHOUSE: ScanFile = {
  path: 'packages/backend-lib/src/clickhouse.ts',
  text: [
    "import { db } from './db';",
    '',
    'export async function query(sqlText: string) {',
    '  return db().execute(sqlText);',
    '}',
    '',
  ],
};

describe('N+1 kinds shown by held-out-al (n1al36)', () => {
  it('TS: a method of a default-imported library object (`jp.query` from "jsonpath") is never the app function of that name', async () => {
    const props: ScanFile = {
      path: 'packages/backend-lib/src/userProperties.ts',
      text: [
        "import jp from 'jsonpath';",
        "import { query } from './clickhouse';",
        '',
        'export async function assignProperties(contexts: object[], paths: string[]) {',
        '  const out: unknown[] = [];',
        '  for (const ctxItem of contexts) {',
        '    for (const path of paths) {',
        '      out.push(jp.query(ctxItem, path)[0]);',
        '    }',
        '  }',
        "  await query('select 1');",
        '  return out;',
        '}',
        '',
      ],
    };
    const lines = await scanLines([CLICKHOUSE, props]);
    assert.deepEqual(lines.filter((l) => l.startsWith('packages/backend-lib/src/userProperties')), []);
  });

  it('TS: `for (const key in SomeEnum)` over an imported PascalCase enum walks the keys the code declares', async () => {
    const email: ScanFile = {
      path: 'packages/backend-lib/src/messaging/email.ts',
      text: [
        "import { EmailProviderType } from '../types';",
        "import { db } from '../db';",
        '',
        'async function upsertEmailProvider(workspaceId: string, type: string) {',
        '  return db().query.emailProvider.findFirst({ where: { workspaceId, type } });',
        '}',
        '',
        'export async function bootstrapProviders(workspaceId: string, users: { id: string }[]) {',
        '  for (const typeKey in EmailProviderType) {',
        '    await upsertEmailProvider(workspaceId, typeKey);',
        '  }',
        '  for (const u of users) {',
        '    await upsertEmailProvider(u.id, "x");',
        '  }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([email]);
    assert.deepEqual(lines.filter((l) => l.startsWith('packages/backend-lib/src/messaging')), ['packages/backend-lib/src/messaging/email.ts:13 warning']);
  });
  it('Go: a cache hit that returns (`cachedProv, ok := p.providerCache.Get(k); if ok { return cachedProv, nil }`) leaves the query to a miss, though the value it reads is named like a cache', async () => {
    const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/app', '', 'go 1.22', ''] };
    const manager: ScanFile = {
      path: 'internal/providers/manager.go',
      text: [
        'package providers',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        ')',
        '',
        'type Manager struct {',
        '\tdb            *sql.DB',
        '\tproviderCache Cache',
        '}',
        '',
        'func (p *Manager) FromID(ctx context.Context, id string) (*Provider, error) {',
        '\tcachedProv, ok := p.providerCache.Get(id)',
        '\tif ok {',
        '\t\treturn cachedProv, nil',
        '\t}',
        '\tvar prov Provider',
        '\terr := p.db.QueryRowContext(ctx, `select name from providers where id = $1`, id).Scan(&prov.Name)',
        '\tp.providerCache.Set(id, &prov)',
        '\treturn &prov, err',
        '}',
        '',
        'func (p *Manager) Load(ctx context.Context, id string) (*Provider, error) {',
        '\tvar prov Provider',
        '\terr := p.db.QueryRowContext(ctx, `select name from providers where id = $1`, id).Scan(&prov.Name)',
        '\treturn &prov, err',
        '}',
        '',
        'func (p *Manager) Convert(ctx context.Context, ids []string) []string {',
        '\tout := []string{}',
        '\tfor _, id := range ids {',
        '\t\tprov, _ := p.FromID(ctx, id)',
        '\t\tout = append(out, prov.Name)',
        '\t}',
        '\tfor _, id := range ids {',
        '\t\tprov, _ := p.Load(ctx, id)',
        '\t\tout = append(out, prov.Name)',
        '\t}',
        '\treturn out',
        '}',
        '',
      ],
    };
    const main: ScanFile = { path: 'cmd/app/main.go', text: ['package main', '', 'import "example.com/app/internal/providers"', '', 'func main() { providers.Serve() }', ''] };
    const lines = await scanLines([goMod, manager, main]);
    assert.deepEqual(lines.filter((l) => l.startsWith('internal/')), ['internal/providers/manager.go:37 warning']);
  });
  it('Python: a function of a module imported whole (`asyncio.create_task(…)` on `import asyncio`) is the module\'s, not the app\'s function of that name', async () => {
    const repo: ScanFile = {
      path: 'app/db/tasks.py',
      text: [
        'from sqlalchemy import select',
        '',
        'class TasksRepository:',
        '    def __init__(self, session):',
        '        self.session = session',
        '',
        '    async def create_task(self, task):',
        '        await self.session.execute(select(Task).where(Task.id == task.id))',
        '',
      ],
    };
    const agent: ScanFile = {
      path: 'app/agent.py',
      text: [
        'import asyncio',
        '',
        'from app.db.tasks import TasksRepository',
        '',
        '',
        'class Agent:',
        '    async def run_actions(self, actions, repo: TasksRepository):',
        '        for action in actions:',
        '            asyncio.create_task(self.record(action))',
        '        for action in actions:',
        '            await repo.create_task(action)',
        '',
        '    async def record(self, action):',
        '        return action',
        '',
      ],
    };
    const lines = await scanLines([repo, agent]);
    assert.deepEqual(lines.filter((l) => l.startsWith('app/agent')), ['app/agent.py:11 warning']);
  });
  it('Python/TS: a value loaded once and kept (`elif params is None: params = await repo.get_params(run_id)` in a loop) is one query, not one per item', async () => {
    const repo: ScanFile = {
      path: 'app/db/runs.py',
      text: [
        'from sqlalchemy import select',
        '',
        'class RunsRepository:',
        '    def __init__(self, session):',
        '        self.session = session',
        '',
        '    async def get_run_parameters(self, run_id):',
        '        return (await self.session.scalars(select(RunParameter).where(RunParameter.run_id == run_id))).all()',
        '',
      ],
    };
    const service: ScanFile = {
      path: 'app/services/credentials.py',
      text: [
        'from app.forge import app',
        '',
        '',
        'async def credential_ids(params, run_id):',
        '    run_params: list | None = None',
        '    out = []',
        '    for param in params:',
        '        if param.kind == "direct":',
        '            out.append(param.value)',
        '        elif run_params is None:',
        '            try:',
        '                run_params = await app.DATABASE.runs.get_run_parameters(',
        '                    run_id=run_id,',
        '                )',
        '            except Exception:',
        '                run_params = []',
        '        out.append(await app.DATABASE.runs.get_run_parameters(run_id=param.run_id))',
        '    return out',
        '',
      ],
    };
    const ts: ScanFile = {
      path: 'src/services/settings.ts',
      text: [
        "import { db } from '../db';",
        '',
        'export async function labels(items: { id: string }[]) {',
        '  let settings: unknown[] | undefined;',
        '  const out: unknown[] = [];',
        '  for (const item of items) {',
        '    if (!settings) {',
        "      settings = await db().select().from('settings');",
        '    }',
        '    out.push(item.id, settings);',
        '  }',
        '  return out;',
        '}',
        '',
      ],
    };
    const lines = await scanLines([repo, service, ts]);
    assert.deepEqual(lines.filter((l) => !l.startsWith('app/db')).sort(), ['app/services/credentials.py:17 warning']);
  });
});
