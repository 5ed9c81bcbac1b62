/**
 * Index advisor accuracy and speed on the labelled workload (test/fixtures/advisor):
 * how many positives get the right index, how many negatives get none, and time per statement,
 * on PostgreSQL 18 without HypoPG (transaction fallback) and, when this machine has it,
 * PostgreSQL 15 with HypoPG (scripts/pg15.sh).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { parseConnectionString, type ConnectionProfile } from '../src/core/connection/profile';
import { adviseStatement } from '../src/db/advisor';
import { connect } from '../src/db/database';
import { startEmbeddedPostgres, freePort } from '../scripts/embeddedServer';
import { loadAdvisorFixture, positiveRight, workload } from '../test/support/advisorWorkload';

interface ServerFigures {
  server: string;
  proof: string;
  positives: number;
  positivesRight: number;
  negatives: number;
  negativesClean: number;
  wrong: string[];
  loadMs: number;
  msPerStatement: { median: number; p90: number; max: number };
}

async function measure(url: string, server: string): Promise<ServerFigures> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const dbName = `pglens_bench_advisor_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = '/' + dbName;
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  const t0 = Date.now();
  const hypo = (await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'`)).rowCount === 1;
  if (hypo) await c.query('CREATE EXTENSION IF NOT EXISTS hypopg');
  await loadAdvisorFixture(c);
  const loadMs = Date.now() - t0;
  await c.end();
  const p = parseConnectionString(u.toString());
  const db = await connect({ profile: { name: 'bench', environment: 'development', ...p.profile } as ConnectionProfile, password: p.password, statementTimeoutMs: 60000 });
  const times: number[] = [];
  const wrong: string[] = [];
  const { positives, negatives } = workload();
  let positivesRight = 0;
  let negativesClean = 0;
  try {
    const info = await db.serverInfo();
    for (const s of positives) {
      const t = Date.now();
      const r = await adviseStatement(db, s.sql, undefined, { info });
      times.push(Date.now() - t);
      if (positiveRight(r.suggestions, s.expect!)) positivesRight++;
      else wrong.push(`${s.id}: got ${r.suggestions.map((x) => x.ddl).join('; ') || 'nothing'}`);
    }
    for (const s of negatives) {
      const t = Date.now();
      const r = await adviseStatement(db, s.sql, undefined, { info });
      times.push(Date.now() - t);
      if (!r.suggestions.length) negativesClean++;
      else wrong.push(`${s.id} (negative): got ${r.suggestions.map((x) => x.ddl).join('; ')}`);
    }
  } finally {
    await db.close();
    const r = new Client({ connectionString: url });
    await r.connect();
    await r.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await r.end();
  }
  times.sort((a, b) => a - b);
  return {
    server,
    proof: hypo ? 'hypopg (GIN by transaction)' : 'transaction (no HypoPG)',
    positives: positives.length,
    positivesRight,
    negatives: negatives.length,
    negativesClean,
    wrong,
    loadMs,
    msPerStatement: { median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)], max: times[times.length - 1] },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-advisor-'));
  const pg18 = await startEmbeddedPostgres({ dataDir: dir, quiet: true });
  try {
    out.pg18 = await measure(pg18.url, 'PostgreSQL 18 (embedded)');
  } finally {
    await pg18.stop();
  }
  const pg15url = process.env.PGLENS_BENCH_PG15_URL;
  const canStart = fs.existsSync('/usr/lib/postgresql/15/bin/postgres') && fs.existsSync('/usr/share/postgresql/15/extension/hypopg.control') && process.getuid?.() === 0;
  if (pg15url) {
    out.pg15 = await measure(pg15url, 'PostgreSQL 15 + HypoPG');
  } else if (canStart) {
    const pgdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-pg15-'));
    const script = path.join(__dirname, '..', 'scripts', 'pg15.sh');
    const url = execFileSync('bash', [script, 'start', pgdir, String(await freePort())]).toString().trim();
    try {
      out.pg15 = await measure(url, 'PostgreSQL 15 + HypoPG');
    } finally {
      execFileSync('bash', [script, 'stop', pgdir]);
    }
  } else {
    out.pg15 = 'not measured: set PGLENS_BENCH_PG15_URL or install PostgreSQL 15 + HypoPG (scripts/pg15.sh install)';
  }
  return out;
}
