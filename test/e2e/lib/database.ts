/**
 * The throwaway database of an end-to-end run: an embedded PostgreSQL 18 (pg_stat_statements
 * preloaded) with a "shop" database holding the example shop's schema and data
 * (examples/shop/seed.ts when present, else the small schema in test/e2e/fixtures).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningServer } from '../../../scripts/embeddedServer';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DB_NAME = 'shop';

export interface E2EDatabase {
  server: RunningServer;
  /** URL of the shop database (with the password: for the harness only, never written to settings). */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Where the data came from. */
  source: 'examples/shop' | 'test/e2e/fixtures';
  /** The server's data folder (stop() removes it; a process ending before stop() is done removes it on exit). */
  dataDir: string;
  query<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startDatabase(opts: { scale?: number } = {}): Promise<E2EDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-e2e-pg-'));
  const server = await startEmbeddedPostgres({ dataDir });
  try {
    const root = new Client({ connectionString: server.url });
    await root.connect();
    try {
      await root.query(`CREATE DATABASE ${DB_NAME}`);
    } finally {
      await root.end();
    }
    const u = new URL(server.url);
    u.pathname = `/${DB_NAME}`;
    const url = u.toString();
    const seed = path.join(ROOT, 'examples', 'shop', 'seed.ts');
    let source: E2EDatabase['source'];
    if (fs.existsSync(seed)) {
      const { loadShop } = await import(seed);
      await loadShop(url, { scale: opts.scale ?? 0.05 });
      source = 'examples/shop';
    } else {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'schema.sql'), 'utf8'));
      } finally {
        await c.end();
      }
      source = 'test/e2e/fixtures';
    }
    // pg_stat_statements in the shop database, so the dashboard has statements to show.
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.end();
    return {
      server,
      url,
      host: '127.0.0.1',
      port: server.port,
      user: server.user,
      password: server.password,
      source,
      dataDir,
      async query(text, params = []) {
        const q = new Client({ connectionString: url });
        await q.connect();
        try {
          return (await q.query(text, params as any[])).rows;
        } finally {
          await q.end();
        }
      },
      stop: () => server.stop(),
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}
