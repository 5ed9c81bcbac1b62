/** Helpers for database tests: fresh databases on the harness's real server, and capabilities. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { parseConnectionString, type ConnectionProfile } from '../../src/core/connection/profile';
import { connect, type Database, type DatabaseOptions } from '../../src/db/database';

export function serverUrl(): string {
  const url = process.env.PGLENS_TEST_DATABASE_URL;
  if (!url) throw new Error('PGLENS_TEST_DATABASE_URL is not set: run the database tests through mocha with test/db/harness.ts');
  return url;
}

export interface TestDatabase {
  name: string;
  url: string;
  profile: ConnectionProfile;
  password?: string;
  /** A plain pg client, for setting up data and checking results independently of PG Lens code. */
  admin: Client;
  open(extra?: Partial<DatabaseOptions>): Promise<Database>;
  drop(): Promise<void>;
}

let counter = 0;

/** Create a fresh database (dropped by drop()). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const base = parseConnectionString(serverUrl());
  const name = `pglens_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
  const root = new Client({ connectionString: serverUrl() });
  await root.connect();
  try {
    await root.query(`DROP DATABASE IF EXISTS ${name}`);
    await root.query(`CREATE DATABASE ${name}`);
  } finally {
    await root.end();
  }
  const profile: ConnectionProfile = { ...base.profile, database: name, name: `test ${name}`, environment: 'development' } as ConnectionProfile;
  const u = new URL(serverUrl());
  u.pathname = '/' + name;
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  const opened: Database[] = [];
  return {
    name,
    url: u.toString(),
    profile,
    password: base.password,
    admin,
    async open(extra = {}) {
      const db = await connect({ profile, password: base.password, ...extra });
      opened.push(db);
      return db;
    },
    async drop() {
      for (const db of opened) await db.close();
      await admin.end().catch(() => undefined);
      const r = new Client({ connectionString: serverUrl() });
      await r.connect();
      try {
        await r.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await r.end();
      }
    },
  };
}

/**
 * A fresh database for the enclosing describe block: created in a before hook registered here (so
 * before the block's own hooks, which can fill it), dropped in an after hook (the first of the block's
 * after hooks to run). Its fields can be read from the block's hooks and tests on.
 */
export function testDatabase(prefix: string): TestDatabase {
  let t: TestDatabase | undefined;
  const made = (): TestDatabase => {
    if (!t) throw new Error(`the test database "${prefix}" is used before its before hook ran`);
    return t;
  };
  before(async () => {
    t = await createTestDatabase(prefix);
  });
  after(async () => t?.drop());
  return {
    get name() { return made().name; },
    get url() { return made().url; },
    get profile() { return made().profile; },
    get password() { return made().password; },
    get admin() { return made().admin; },
    open: (extra) => made().open(extra),
    drop: () => made().drop(),
  };
}

/**
 * pg_stat_statements created in `t` when the server preloads it (true); otherwise the fallback the
 * test takes is announced (false).
 */
export async function statementStats(t: TestDatabase, fallback: string): Promise<boolean> {
  if (!(await capabilities()).pgStatStatements) {
    announceFallback('pg_stat_statements', fallback);
    return false;
  }
  await t.admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return true;
}

/**
 * A real foreign key with a cascade (features ← feature_tags ON DELETE CASCADE), 50 features, and pg_stat_statements
 * reset: PostgreSQL's own foreign-key checks then show in it when the app's writes run with track = all. Returns
 * statementStats' answer (false: announced, no pg_stat_statements).
 */
export async function foreignKeyTables(t: TestDatabase): Promise<boolean> {
  const pss = await statementStats(t, 'the foreign-key checks cannot be seen without pg_stat_statements');
  await t.admin.query('CREATE TABLE features (name text PRIMARY KEY, enabled boolean NOT NULL DEFAULT true)');
  await t.admin.query(`INSERT INTO features (name) SELECT 'f' || g FROM generate_series(1, 50) g`);
  await t.admin.query('CREATE TABLE feature_tags (id serial PRIMARY KEY, feature_name text NOT NULL REFERENCES features (name) ON DELETE CASCADE, tag text NOT NULL)');
  if (pss) await t.admin.query('SELECT pg_stat_statements_reset()');
  return pss;
}

/**
 * Another session on `url`, named `app` (a victim, a blocker, an application's pool), kept in
 * `sessions` for the block's after hook to end; its errors (it may be terminated on purpose) are ignored.
 */
export async function extraSession(url: string, app: string, sessions: Client[]): Promise<Client> {
  const c = new Client({ connectionString: url, application_name: app });
  await c.connect();
  c.on('error', () => undefined);
  sessions.push(c);
  return c;
}

export interface Capabilities {
  versionNum: number;
  hypopg: boolean;
  pgStatStatements: boolean;
}

let caps: Promise<Capabilities> | undefined;

/** What the test server can do. Tests of a missing capability run its fallback and say so. */
export function capabilities(): Promise<Capabilities> {
  caps ??= (async () => {
    const c = new Client({ connectionString: serverUrl() });
    await c.connect();
    try {
      const v = Number((await c.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
      const ext = (await c.query(`SELECT name FROM pg_available_extensions WHERE name IN ('hypopg','pg_stat_statements')`)).rows.map((r) => r.name);
      const preload = (await c.query(`SELECT current_setting('shared_preload_libraries') AS s`)).rows[0].s as string;
      return { versionNum: v, hypopg: ext.includes('hypopg'), pgStatStatements: ext.includes('pg_stat_statements') && preload.includes('pg_stat_statements') };
    } finally {
      await c.end();
    }
  })();
  return caps;
}

const announced = new Set<string>();
/** Print, once per run, that a capability is absent and its fallback is what gets tested. */
export function announceFallback(capability: string, fallback: string): void {
  if (announced.has(capability)) return;
  announced.add(capability);
  console.log(`      [capability absent] ${capability}: testing the fallback (${fallback})`);
}

/** Assert that a promise rejects with a message (not String(error)) matching re, on one line. */
export async function rejectsWith(p: Promise<unknown>, re: RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    const msg = (e as Error).message;
    if (!re.test(msg)) throw new Error(`expected a rejection matching ${re}, got: ${msg}`);
    if (msg.includes('\n')) throw new Error(`expected one line, got: ${msg}`);
    return e as Error;
  }
  throw new Error(`expected a rejection matching ${re}, but it resolved`);
}

/**
 * Poll until `check` gives a truthy value (returned), instead of sleeping a fixed time: the test
 * waits exactly as long as the server needs, and fails naming what it waited for.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The built CLI (dist/cli.js) for tests that run `pg-lens` as a child process, built first when the sources are newer
 * (`npm test` builds; a bare mocha run of one file would otherwise test a stale or missing bundle).
 */
export function builtCli(): string {
  const root = path.join(__dirname, '..', '..');
  const cli = path.join(root, 'dist', 'cli.js');
  const newest = (dir: string): number => {
    let n = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      n = Math.max(n, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return n;
  };
  if (!fs.existsSync(cli) || fs.statSync(cli).mtimeMs < newest(path.join(root, 'src'))) execFileSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'ignore' });
  return cli;
}
