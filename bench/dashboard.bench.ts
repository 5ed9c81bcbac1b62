/**
 * The dashboard at scale: 10,000 tables, 30,000 indexes and 6,000 pg_stat_statements entries on an
 * embedded PostgreSQL. Reports refresh wall time (p50/p95), the server time PG Lens's own statements
 * cost per refresh (from pg_stat_statements), the payload size, and the health checks' time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../scripts/embeddedServer';
import { parseConnectionString, type ConnectionProfile } from '../src/core/connection/profile';
import { connect } from '../src/db/database';
import { runHealth } from '../src/db/health';
import { readSecurityFacts } from '../src/db/securityFacts';
import { sqlShape } from '../src/core/dashboard/ownStatements';
import { ownStatements, STATS_SQL, StatsReader } from '../src/db/stats';

const TABLES = Number(process.env.PGLENS_BENCH_TABLES ?? 10000);
const STATEMENTS = Number(process.env.PGLENS_BENCH_STATEMENTS ?? 6000);
const REFRESHES = 40;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}

/** Server ms (planning + execution) of each of our refresh statements, by constant name. */
async function byStatement(c: Client): Promise<Record<string, number>> {
  const shapes = Object.entries(STATS_SQL).map(([name, text]) => [name, sqlShape(text)] as const);
  const { rows } = await c.query(`SELECT query, total_exec_time + total_plan_time AS ms FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  const out: Record<string, number> = {};
  for (const r of rows) {
    const shape = sqlShape(r.query);
    const hit = shapes.find(([, s]) => s === shape || (r.query.length >= 2000 && s.startsWith(shape.slice(0, -16))));
    if (hit) out[hit[0]] = (out[hit[0]] ?? 0) + Number(r.ms);
  }
  return out;
}

async function ownServerMs(c: Client): Promise<number> {
  // Planning and execution (track_planning is on in this server).
  const { rows } = await c.query(`SELECT query, total_exec_time + total_plan_time AS ms FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  return rows.filter((r) => ownStatements.isOwn(r.query, r.query.length >= 2000)).reduce((s, r) => s + Number(r.ms), 0);
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-dash-'));
  const server = await startEmbeddedPostgres({ dataDir: dir, extraFlags: ['-c', 'pg_stat_statements.max=20000', '-c', 'pg_stat_statements.track_planning=on', '-c', 'max_locks_per_transaction=256'] });
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  try {
    const t0 = Date.now();
    await admin.query('CREATE EXTENSION pg_stat_statements');
    // The setup's own 40,000 DDL statements stay out of pg_stat_statements.
    await admin.query(`SET pg_stat_statements.track = 'none'`);
    // DDL in big batches, committed every 250 tables (each new relation holds a lock until commit).
    await admin.query(`CREATE PROCEDURE make_tables(n int) LANGUAGE plpgsql AS $$
      BEGIN
        FOR i IN 1..n LOOP
          EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a int, b int, c text)', i);
          EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i);
          EXECUTE format('CREATE INDEX t%s_b ON t%s (b)', i, i);
          IF i % 250 = 0 THEN COMMIT; END IF;
        END LOOP;
      END $$`);
    await admin.query(`CALL make_tables(${TABLES})`);
    const setupDdlMs = Date.now() - t0;
    // Distinct statements (one per table) recorded by pg_stat_statements (track = all: nested ones too).
    await admin.query(`SET pg_stat_statements.track = 'all'`);
    await admin.query(`DO $$ BEGIN FOR i IN 1..${STATEMENTS} LOOP EXECUTE format('SELECT count(*) FROM t%s WHERE a = 1', i); END LOOP; END $$`);
    await admin.query(`SET pg_stat_statements.track = 'top'`);
    await admin.query(`INSERT INTO t1 SELECT g, g % 100, g % 7, 'x' FROM generate_series(1, 100000) g`);
    await admin.query('ANALYZE');
    const counts = (await admin.query(`SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^t[0-9]+$')::int AS tables,
      (SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname ~ '^t[0-9]+')::int AS indexes, (SELECT count(*) FROM pg_stat_statements)::int AS statements`)).rows[0];
    const loadAverage = os.loadavg().map((x) => Math.round(x * 10) / 10);
    const setupMs = Date.now() - t0;

    const p = parseConnectionString(server.url);
    const profile = { name: 'bench', environment: 'development', ...p.profile } as ConnectionProfile;
    const db = await connect({ profile, password: p.password, statementTimeoutMs: 60000 });
    const info = await db.serverInfo();
    const reader = new StatsReader(db, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 20 });

    const tFirst = performance.now();
    const first = await reader.read();
    const firstMs = performance.now() - tFirst;
    const serverBefore = await ownServerMs(admin);
    const perBefore = await byStatement(admin);
    const times: number[] = [];
    let payload = 0;
    for (let i = 0; i < REFRESHES; i++) {
      // Some workload between refreshes, so deltas and rates are non-trivial.
      await admin.query(`SELECT count(*) FROM t1 WHERE a = $1`, [i % 100]);
      const t = performance.now();
      const s = await reader.read();
      times.push(performance.now() - t);
      payload = Math.max(payload, JSON.stringify(s).length);
    }
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
    let findings = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const h = await runHealth(db, { versionNum: info.versionNum });
      healthTimes.push(performance.now() - t);
      findings = h.findings.length;
    }
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
      statementsSeen: first.statements.count,
      firstRefreshMs: Math.round(firstMs),
      refreshMs: { p50: pct(times, 50), p95: pct(times, 95), max: pct(times, 100), refreshes: REFRESHES },
      // Planning + execution of PG Lens's own statements per refresh (the cache-ratio query runs on the first of every 30), measured before the health checks ran.
      serverMsPerRefresh: Math.round(((serverAfter - serverBefore) / REFRESHES) * 100) / 100,
      serverMsPerRefreshByStatement: perRefresh,
      cacheRatioQueryMs: { p50: pct(ratioTimes, 50), note: 'walks every relation; read once every 30 refreshes' },
      payloadBytes: payload,
      healthMs: { p50: pct(healthTimes, 50), max: pct(healthTimes, 100), findings },
      securityFactsMs: { p50: pct(securityTimes, 50), max: pct(securityTimes, 100) },
    };
  } finally {
    await admin.end().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
