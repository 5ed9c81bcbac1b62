/**
 * Kinds of mistake the blind split held-out-ao showed (n1ao, session 39: letta on async SQLAlchemy 2, readflow on
 * database/sql, rybbit on Drizzle with node-cron), fixed by kind, each keyed on what the code shows. Each test failed
 * before its fix (main 516eeba6).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanNPlusOne } from '../../support/nplusoneFixtures';

const SCHEMA: ScanFile = {
  path: 'server/src/db/postgres/postgres.ts',
  text: [
    "import { drizzle } from 'drizzle-orm/node-postgres';",
    "export const db = drizzle(process.env.DATABASE_URL!);",
    '',
  ],
};

async function contexts(files: ScanFile[], prefix: string): Promise<string[]> {
  return (await scanNPlusOne(files)).filter((f) => f.file!.startsWith(prefix)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();
}

describe('N+1 kinds shown by held-out-ao (n1ao39)', () => {
  it('a function handed to a scheduler by name runs per tick (job), though start-up code also runs it once; one only start-up code calls stays a script', async () => {
    const checker: ScanFile = {
      path: 'server/src/cron/usage-checker.ts',
      text: [
        "import { eq } from 'drizzle-orm';",
        "import { db } from '../db/postgres/postgres.js';",
        "import { organization, sites } from '../db/postgres/schema.js';",
        '',
        'async function siteIdsOf(organizationId: string) {',
        '  const rows = await db.select({ siteId: sites.siteId }).from(sites).where(eq(sites.organizationId, organizationId));',
        '  return rows.map((r) => r.siteId);',
        '}',
        '',
        'export async function updateUsage() {',
        '  const orgs = await db.select({ id: organization.id }).from(organization);',
        '  for (const org of orgs) {',
        '    const ids = await siteIdsOf(org.id);',
        '    console.log(ids.length);',
        '  }',
        '}',
        '',
        'export async function seedOnce() {',
        '  const orgs = await db.select({ id: organization.id }).from(organization);',
        '  for (const org of orgs) {',
        '    const ids = await siteIdsOf(org.id);',
        '    console.log(ids.length);',
        '  }',
        '}',
        '',
      ],
    };
    const cron: ScanFile = {
      path: 'server/src/cron/index.ts',
      text: [
        "import * as cron from 'node-cron';",
        "import { updateUsage, seedOnce } from './usage-checker.js';",
        '',
        'export async function initializeCronJobs() {',
        "  cron.schedule('*/30 * * * *', updateUsage);",
        '  updateUsage();',
        '  seedOnce();',
        '}',
        '',
      ],
    };
    const main: ScanFile = {
      path: 'server/src/index.ts',
      text: [
        "import { initializeCronJobs } from './cron/index.js';",
        '',
        'async function start() {',
        '  await initializeCronJobs();',
        '}',
        'start();',
        '',
      ],
    };
    const lines = await contexts([SCHEMA, checker, cron, main], 'server/src/cron/');
    assert.deepEqual(lines, ['server/src/cron/usage-checker.ts:13 job warning', 'server/src/cron/usage-checker.ts:21 script info'], lines.join('\n'));
  });

  it('Python: `async with client.pipeline(…) as pipe` is a Redis pipeline: `pipe.execute()` per run is no query; `async with pool.acquire() as conn` still is', async () => {
    const streams: ScanFile = {
      path: 'app/server/stream_manager.py',
      text: [
        'import asyncpg',
        '',
        'class StreamManager:',
        '    async def flush_all(self):',
        '        for run_id in list(self.buffer.keys()):',
        '            await self._flush_run(run_id)',
        '',
        '    async def _flush_run(self, run_id):',
        '        client = await self.redis.get_client()',
        '        async with client.pipeline(transaction=False) as pipe:',
        '            await pipe.xadd(run_id, self.buffer[run_id])',
        '            await pipe.execute()',
        '',
        '    async def save_all(self, run_ids):',
        '        for run_id in run_ids:',
        '            await self._save_run(run_id)',
        '',
        '    async def _save_run(self, run_id):',
        '        async with self.pool.acquire() as conn:',
        '            await conn.execute("UPDATE runs SET flushed = true WHERE id = $1", run_id)',
        '',
      ],
    };
    const lines = (await scanNPlusOne([streams])).map((f) => `${f.file}:${f.line} ${f.severity}`).sort();
    assert.deepEqual(lines, ['app/server/stream_manager.py:16 warning'], lines.join('\n'));
  });

  it('Python: `reader.load_data(…)` on `reader = PDFReader()` of another package (llama_index) is not the app\'s `load_data`; an object of the app\'s own class still is', async () => {
    const server: ScanFile = {
      path: 'app/server/server.py',
      text: [
        'from sqlalchemy import select',
        '',
        'class SyncServer:',
        '    async def load_data(self, session, source_id):',
        '        return (await session.execute(select(Passage).where(Passage.source_id == source_id))).all()',
        '',
      ],
    };
    const loader: ScanFile = {
      path: 'app/data_sources/loader.py',
      text: [
        'from app.data_sources.reader import AppReader',
        '',
        'class DirectoryConnector:',
        '    def generate_passages(self, file):',
        '        from llama_index.readers.file import PDFReader',
        '        reader = PDFReader()',
        '        return reader.load_data(file=file.file_path)',
        '',
        '    def generate_app_passages(self, file):',
        '        reader = AppReader()',
        '        return reader.load_data(file)',
        '',
        'def load_all(connector, files):',
        '    for file in files:',
        '        connector.generate_passages(file)',
        '    for file in files:',
        '        connector.generate_app_passages(file)',
        '',
      ],
    };
    const reader: ScanFile = { path: 'app/data_sources/reader.py', text: ['class AppReader:', '    def close(self):', '        pass', ''] };
    const lines = (await scanNPlusOne([server, loader, reader])).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepEqual(lines, ['app/data_sources/loader.py:17'], lines.join('\n'));
  });

  it('a write per item after a function of the same file that calls another service first (`getSubscription` → `(stripe as Stripe).subscriptions.list`) is possible only; the read before it stays', async () => {
    const checker: ScanFile = {
      path: 'server/src/jobs/usage.job.ts',
      text: [
        "import { eq } from 'drizzle-orm';",
        "import Stripe from 'stripe';",
        "import { db } from '../db/postgres/postgres.js';",
        "import { organization, sites } from '../db/postgres/schema.js';",
        "import { stripe } from '../lib/stripe.js';",
        '',
        'async function getSubscription(customerId: string) {',
        "  const subs = await (stripe as Stripe).subscriptions.list({ customer: customerId, status: 'active', limit: 1 });",
        '  return subs.data[0];',
        '}',
        '',
        'export async function updateUsage() {',
        '  const orgs = await db.select().from(organization);',
        '  for (const org of orgs) {',
        '    const rows = await db.select().from(sites).where(eq(sites.organizationId, org.id));',
        '    const sub = await getSubscription(org.stripeCustomerId);',
        '    await db.update(organization).set({ plan: sub.id, sites: rows.length }).where(eq(organization.id, org.id));',
        '  }',
        '}',
        '',
      ],
    };
    const lines = (await scanNPlusOne([SCHEMA, checker])).map((f) => `${f.file}:${f.line} ${f.severity}`).sort();
    assert.deepEqual(lines, ['server/src/jobs/usage.job.ts:15 warning', 'server/src/jobs/usage.job.ts:17 info'], lines.join('\n'));
  });
});
