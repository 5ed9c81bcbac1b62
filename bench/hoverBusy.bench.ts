/**
 * A hover's plan while the workspace's index decisions run (person42 L6: after a window reload the hovers lagged the
 * Problems panel by about 10 s). The editor's state after a reload, on examples/shop at scale 5 (PostgreSQL 18, no HypoPG,
 * trialBuilds 'automatic' as the e2e workspace has it): the shop's five files decided at once on one decider over the
 * editor's pool of 4 sessions, real trial builds made again (no kept proofs), and a hover every 100 ms — a statement not
 * planned yet (a new constant each time, so no cache answers it) — timed from the request to its plan. Twice: the hover
 * on the shared pool (as before) and on its own lane (database Lane 'interactive', as the hover asks now), alternated over
 * three rounds each.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../scripts/embeddedServer';
import { loadShop } from '../examples/shop/seed';
import { connect, type Lane } from '../src/db/database';
import { parseConnectionString, type ConnectionProfile } from '../src/core/connection/profile';
import { Planner } from '../src/db/planner';
import { IndexDecider, mergeStatements } from '../src/db/indexDecision';
import { newTrialProofs } from '../src/db/trialProofs';
import { extractSqlSites } from '../src/core/extract/index';
import { foundStatementsOf } from '../src/core/advice/workload';
import { configureTreeSitterForCli } from '../src/node/treeSitterDir';
import { percentile } from '../src/core/plan/benchmark';

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v);
  return { n: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), max: r(s[s.length - 1] ?? 0) };
};

export async function run(): Promise<Record<string, unknown>> {
  configureTreeSitterForCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-hover-busy-'));
  const server = await startEmbeddedPostgres({ dataDir: dir });
  try {
    await loadShop(server.url, { scale: 5 });
    const p = parseConnectionString(server.url);
    const profile = { name: 'bench', environment: 'development', ...p.profile } as ConnectionProfile;
    // The shop's files as the editor reads them.
    const src = path.join(__dirname, '..', 'examples', 'shop', 'src');
    const files = await Promise.all(fs.readdirSync(src).filter((f) => f.endsWith('.ts')).map(async (f) => {
      const text = fs.readFileSync(path.join(src, f), 'utf8');
      return { file: `src/${f}`, found: foundStatementsOf((await extractSqlSites(text, f, f)).filter((s) => s.confidence >= 0.5), text, `src/${f}`) };
    }));
    const statements = mergeStatements([], files.flatMap((f) => f.found)).statements;

    const measure = async (lane: Lane | undefined) => {
      const db = await connect({ profile, password: p.password, max: 4 });
      try {
        // The editor's state at a window's start: one decider, no kept proofs, every tab's file decided at once.
        const decider = new IndexDecider(db, { realIndexes: true, askedFor: false, trialProofs: newTrialProofs() });
        const planner = new Planner(db, `bench-${lane ?? 'shared'}`, { versionTtlMs: 60_000 });
        const t0 = performance.now();
        let deciding = true;
        const decisions = Promise.all(files.map((f) => decider.decide(statements, { focus: f.found.map((x) => x.sql) }))).finally(() => (deciding = false));
        const hovers: number[] = [];
        for (let i = 1; deciding; i++) {
          const h0 = performance.now();
          const outcome = await planner.plan(`SELECT id, status, total_cents FROM orders WHERE customer_id = ${i} ORDER BY placed_at DESC`, undefined, { lane });
          if (!outcome.ok) throw new Error(outcome.message);
          hovers.push(performance.now() - h0);
          await new Promise((r) => setTimeout(r, 100));
        }
        await decisions;
        return { decisionsMs: Math.round(performance.now() - t0), hovers };
      } finally {
        await db.close();
      }
    };
    // Alternated, three rounds each (the later rounds on warmer caches): each lane's hovers over all its rounds.
    const rounds: Record<'shared' | 'interactive', { decisionsMs: number[]; hovers: number[] }> = { shared: { decisionsMs: [], hovers: [] }, interactive: { decisionsMs: [], hovers: [] } };
    for (let r = 0; r < 3; r++) {
      for (const lane of r % 2 ? (['interactive', undefined] as const) : ([undefined, 'interactive'] as const)) {
        const m = await measure(lane);
        const into = rounds[lane ?? 'shared'];
        into.decisionsMs.push(m.decisionsMs);
        into.hovers.push(...m.hovers);
      }
    }
    const figures = (x: { decisionsMs: number[]; hovers: number[] }) => ({ decisionsMs: x.decisionsMs, hoverPlanMs: stats(x.hovers) });
    return {
      server: 'embedded PostgreSQL 18 (no HypoPG), examples/shop scale 5, 5 files decided at once, pool of 4; a hover every 100 ms',
      hoverOnSharedPool: figures(rounds.shared),
      hoverOnInteractiveLane: figures(rounds.interactive),
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
    };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
