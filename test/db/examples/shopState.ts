/**
 * The shop as the index advice tests read it: loaded at a scale, and — where pg_stat_statements is there — the app's
 * steady state, statement timings and table writes counted over the same traffic (not the bulk load). Without it the
 * decision weighs the workspace's statements without timings, and the fallback is said.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadShop } from '../../../examples/shop/seed';
import { runTraffic } from '../../../examples/shop/traffic';
import { extractSqlSites } from '../../../src/core/extract/index';
import type { SqlSite } from '../../../src/core/extract/types';
import { foundStatementsOf, type IndexDecision } from '../../../src/core/advice/workload';
import type { Database } from '../../../src/db/database';
import type { IndexSuggestion } from '../../../src/db/advisor';
import { topStatements, WorkspaceStatements, type DecisionInput, type IndexDecider } from '../../../src/db/indexDecision';
import { decided, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { statementStats, type TestDatabase } from '../support';

export async function shopWithTraffic(t: TestDatabase, o: { scale: number; requests: number }): Promise<void> {
  await loadShop(t.url, { scale: o.scale });
  if (await statementStats(t, 'the decision weighs the workspace statements without timings')) {
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await t.admin.query('SELECT pg_stat_reset()');
    await runTraffic(t.url, { requests: o.requests });
  }
}

/** The files a person added to the shop (person25/26's hour): ad-hoc reads in queries.sql and a report script. */
export const QUERIES_SQL = `-- ad-hoc reads
SELECT count(*) FROM orders;

SELECT o.id, o.total_cents, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'refunded' ORDER BY o.placed_at DESC;
`;
export const REPORT_PY = `import psycopg

with psycopg.connect() as conn:
    with conn.cursor() as cur:
        cur.execute("SELECT id, total_cents FROM orders WHERE status = 'refunded' ORDER BY placed_at DESC")
        print(cur.fetchall())
`;

/** The shop's own TypeScript sources, by their workspace path (`src/orders.ts`). */
export function shopSources(): Map<string, string> {
  const src = path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'src');
  return new Map(fs.readdirSync(src).filter((n) => n.endsWith('.ts')).map((f) => [`src/${f}`, fs.readFileSync(path.join(src, f), 'utf8')]));
}

/** The statements of the shop's sources as the workspace holds them (confidence ≥ 0.5), each named by its place (`src/orders.ts:70`). */
export async function shopStatements(): Promise<{ sql: string; source: string }[]> {
  const out: { sql: string; source: string }[] = [];
  for (const [file, text] of shopSources()) {
    const f = path.basename(file);
    for (const s of await extractSqlSites(text, f, f)) if (s.confidence >= 0.5) out.push({ sql: s.sql, source: `${file}:${text.slice(0, s.span.start).split('\n').length}` });
  }
  return out;
}

/** The shop's refunds read without LIMIT (src/orders.ts), as shopStatements gives it. */
export function refundsRead(files: readonly { sql: string }[]): string {
  return files.find((f) => /WHERE status = 'refunded' ORDER BY placed_at DESC$/.test(f.sql.trim()))?.sql ?? '';
}

/** The indexes one decision over `set`, focused on `sql`, gives `sql` (their CREATE INDEX texts). */
export async function decidedDdl(decider: IndexDecider, set: DecisionInput[], sql: string): Promise<string[]> {
  const decision = await decider.decide(set, { focus: [sql] });
  return decided(decider, sql, decision)?.suggestions.map((s) => s.ddl) ?? [];
}

/** The editor's per-connection advice state over the workspace's files (src/vscode/indexAdvice.ts). */
export interface EditorAdviceState {
  /** The advice every statement has (what diagnostics and hovers read, open file or not). */
  advice: Map<string, DecidedAdvice>;
  /** The workspace's statements, read from the files as they were when the state was made (sawFile keeps them). */
  ws: WorkspaceStatements;
  /** What each decision weighs: the workspace's statements with pg_stat_statements' top ones. */
  statements: () => Promise<DecisionInput[]>;
  /** The decision's advice kept for every statement it names (indexAdvice.ts applyDecision). */
  onDecision: (d: IndexDecision<IndexSuggestion>) => void;
}

/** The shop as the editor's advice tests open it: the database with traffic, its files, and the editor's state. */
export interface ShopWorkspace {
  /** PG Lens's connection to the shop (opened in the before hook). */
  readonly db: Database;
  /** Each file's text by workspace path: the shop's sources and the test's own files (a test may add one later). */
  readonly texts: Map<string, string>;
  /** A file's statements as the editor takes them (confidence 0.5 or more). */
  sitesOf(file: string): Promise<SqlSite[]>;
  /** The editor's state for this decider over the files as they are now. */
  editor(decider: IndexDecider): Promise<EditorAdviceState>;
}

/**
 * The shop for the enclosing describe block, made in a before hook registered here (after testDatabase's): loaded at scale
 * 0.25 (or `scale`) with 150 requests of traffic (shopWithTraffic), `vacuum` tables vacuumed and analysed, and the workspace: the shop's
 * sources (shopSources) and `files` (workspace path → text).
 */
export function shopWorkspace(t: TestDatabase, o: { files: Record<string, string>; vacuum: string[]; scale?: number }): ShopWorkspace {
  let db: Database | undefined;
  const texts = new Map<string, string>();
  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: o.scale ?? 0.25, requests: 150 });
    for (const table of o.vacuum) await t.admin.query(`VACUUM ANALYZE ${table}`);
    db = await t.open();
    for (const [f, text] of shopSources()) texts.set(f, text);
    for (const [f, text] of Object.entries(o.files)) texts.set(f, text);
  });
  const opened = (): Database => {
    if (!db) throw new Error('the shop workspace is used before its before hook ran');
    return db;
  };
  const sitesOf = async (file: string) => (await extractSqlSites(texts.get(file)!, file, file)).filter((s) => s.confidence >= 0.5);
  return {
    get db() {
      return opened();
    },
    texts,
    sitesOf,
    async editor(decider) {
      const advice = new Map<string, DecidedAdvice>();
      const ws = new WorkspaceStatements();
      for (const file of texts.keys()) ws.setFile(file, foundStatementsOf(await sitesOf(file), texts.get(file)!, file));
      const top = (await topStatements(opened())).statements;
      const onDecision = (d: IndexDecision<IndexSuggestion>) => {
        for (const sql of d.byStatement.keys()) {
          const now = decided(decider, sql, d);
          if (now) advice.set(sql, now);
        }
      };
      return { advice, ws, statements: async () => ws.statements(top), onDecision };
    },
  };
}
