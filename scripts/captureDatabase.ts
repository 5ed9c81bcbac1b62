/**
 * A throwaway database for the capture scripts (capturePlans.ts, capturePsqlStyles.ts): on the server
 * at --url, or on an embedded PostgreSQL 18 started for the run; dropped (and the server stopped)
 * afterwards, whatever happens.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embeddedServer';

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Run fn with a client on a fresh database (and its URL); the database is dropped afterwards. */
export async function withCaptureDatabase(prefix: string, fn: (c: Client, url: string) => Promise<void>): Promise<void> {
  let url = arg('--url');
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const server = await startEmbeddedPostgres({ dataDir: dir });
    url = server.url;
    stop = server.stop;
  }
  const root = new Client({ connectionString: url });
  await root.connect();
  const dbName = `${prefix.replace(/\W/g, '_')}_${process.pid}`;
  await root.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await root.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await fn(c, u.toString());
  } finally {
    await c.end();
    await root.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await root.end();
    await stop?.();
  }
}

export function runMain(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
