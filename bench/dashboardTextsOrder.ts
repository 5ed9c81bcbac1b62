/**
 * A dashboard panel's first refresh in the two orders its reads of pg_stat_statements can be sent in: every entry's text
 * (STATS_SQL.allStatementTexts) sent beside the counters (STATS_SQL.statements), or after them (sent once the counters
 * are answered). On the dashboard bench's server (6,000 entries of the app), each order is measured
 *  - cold: PG Lens's own entries removed first (pg_stat_statements_reset of each; the app's kept), as on a server where
 *    PG Lens never ran: each of its reads makes its entry under pg_stat_statements' exclusive lock, which waits for a
 *    read of the entries (the texts' shared lock, held while every entry is built);
 *  - warm: its entries kept from the runs before (a server it has read before: the lock taken shared only).
 * Each run opens a new connection (its session setup made as the extension makes it), reads once, and closes; the
 * orders and states take turns, so the machine's load falls on all four alike. A poller on another session counts the
 * reads seen waiting on the `pg_stat_statements` lock. Run: `npx tsx bench/dashboardTextsOrder.ts` (not part of
 * `npm run bench`: about 3 minutes); PGLENS_BENCH_RUNS (default 16) runs of each. Figures: docs/dashboard.md.
 */
import { Client } from 'pg';
import { parseConnectionString, type ConnectionProfile } from '../src/core/connection/profile';
import { APPLICATION_NAME, connect, type Database } from '../src/db/database';
import { ownStatements, STATS_SQL, StatsReader } from '../src/db/stats';
import { dashboardServer } from './dashboard.bench';

const RUNS = Number(process.env.PGLENS_BENCH_RUNS ?? 16);
type Order = 'beside' | 'after';
type State = 'cold' | 'warm';

const TEXTS = new Set<string>([STATS_SQL.allStatementTexts, STATS_SQL.allStatementTexts13]);
const COUNTERS = new Set<string>([STATS_SQL.statements, STATS_SQL.statements13, STATS_SQL.statements12]);

function stats(xs: number[]): { median: number; p90: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  return { median: at(0.5), p90: at(0.9), max: Math.round(s[s.length - 1]) };
}

/** Removes PG Lens's own entries (its statements' texts told by ownStatements), the app's kept: a server it never read. */
async function forgetOwnEntries(admin: Client): Promise<number> {
  const { rows } = await admin.query(`SELECT userid, dbid, queryid::text AS queryid, query FROM pg_stat_statements WHERE queryid IS NOT NULL`);
  const own = rows.filter((r) => ownStatements.isOwn(r.query, false));
  for (const r of own) await admin.query('SELECT pg_stat_statements_reset($1::oid, $2::oid, $3::bigint)', [r.userid, r.dbid, r.queryid]);
  return own.length;
}

interface Run {
  firstRefreshMs: number;
  countersMs: number;
  textsMs: number;
  /** Polls (every ~2 ms) that saw one of the read's sessions waiting on the pg_stat_statements lock. */
  lockWaitPolls: number;
}

async function oneRun(profile: ConnectionProfile, password: string | undefined, admin: Client, order: Order): Promise<Run> {
  const db: Database = await connect({ profile, password, statementTimeoutMs: 60000 });
  try {
    const info = await db.serverInfo();
    let t0 = 0;
    let countersMs = 0;
    let textsMs = 0;
    let countersDone!: () => void;
    const countersAnswered = new Promise<void>((resolve) => (countersDone = resolve));
    const ordered = {
      profile: db.profile,
      query: (async (text: string, params?: unknown[], opts?: { prepare?: boolean }) => {
        const texts = TEXTS.has(text);
        // "after": the texts wait for the counters' answer (the reader sends them beside).
        if (texts && order === 'after') await countersAnswered;
        try {
          return await db.query(text, params, opts);
        } finally {
          if (COUNTERS.has(text)) {
            countersMs = performance.now() - t0;
            countersDone();
          } else if (texts) textsMs = performance.now() - t0;
        }
      }) as typeof db.query,
    };
    const reader = new StatsReader(ordered, { versionNum: info.versionNum, pgStatStatements: info.pgStatStatements, topN: 20 });
    let polling = true;
    let lockWaitPolls = 0;
    const poll = (async () => {
      while (polling) {
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'LWLock' AND wait_event = 'pg_stat_statements'`, [APPLICATION_NAME]);
        if (rows[0].n > 0) lockWaitPolls++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    t0 = performance.now();
    try {
      const first = await reader.read();
      if (first.statements.state !== 'ready' || first.statements.count < 1000) throw new Error(`the first refresh listed ${first.statements.count} statements (${first.statements.state})`);
    } finally {
      polling = false;
      await poll;
    }
    return { firstRefreshMs: performance.now() - t0, countersMs, textsMs, lockWaitPolls };
  } finally {
    await db.close();
  }
}

async function run(): Promise<Record<string, unknown>> {
  const { server, admin } = await dashboardServer();
  try {
    const p = parseConnectionString(server.url);
    const profile = { name: 'bench', environment: 'development', ...p.profile } as ConnectionProfile;
    const runs: Record<`${State} ${Order}`, Run[]> = { 'cold beside': [], 'cold after': [], 'warm beside': [], 'warm after': [] };
    // One run of each before measuring: the warm runs find their entries, and this process's code is compiled.
    await oneRun(profile, p.password, admin, 'beside');
    await oneRun(profile, p.password, admin, 'after');
    const kinds = Object.keys(runs) as (keyof typeof runs)[];
    let forgotten = 0;
    for (let i = 0; i < RUNS; i++) {
      // Each round in another order of the four, so none always runs first (or after a reset).
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(k + i) % kinds.length];
        const [state, order] = kind.split(' ') as [State, Order];
        if (state === 'cold') forgotten = await forgetOwnEntries(admin);
        runs[kind].push(await oneRun(profile, p.password, admin, order));
      }
    }
    const out: Record<string, unknown> = {
      server: (await admin.query('SHOW server_version')).rows[0].server_version,
      entries: (await admin.query('SELECT count(*)::int AS n FROM pg_stat_statements')).rows[0].n,
      ownEntriesRemovedPerColdRun: forgotten,
      runsEach: RUNS,
    };
    for (const kind of kinds) {
      const r = runs[kind];
      out[kind] = {
        firstRefreshMs: stats(r.map((x) => x.firstRefreshMs)),
        countersAnsweredMs: stats(r.map((x) => x.countersMs)),
        textsAnsweredMs: stats(r.map((x) => x.textsMs)),
        runsWithLockWaits: r.filter((x) => x.lockWaitPolls > 0).length,
      };
    }
    return out;
  } finally {
    await admin.end().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
