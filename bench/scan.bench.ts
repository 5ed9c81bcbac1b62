/**
 * End-to-end scan throughput (walk → read → extract → rules and N+1 detection → findings), as `pg-lens scan` runs it:
 *  - without a database: over examples/ and over a generated 200,000-line repository (lines/s);
 *  - with a database: over examples/shop with its schema loaded (embedded PostgreSQL), evidence cold
 *    (a fresh DbEvidence: catalog queries and EXPLAINs) and warm (the same DbEvidence again, facts cached).
 *    The plans engineer's plan cache is not on main yet, so "warm" is DbEvidence's own per-run cache;
 *  - without a database, over each folder of real code under PGLENS_BENCH_CORPUS (e.g. /work/corpus/apps:
 *    fetched open-source apps, never committed), one figure per app and the total.
 * Every figure counts tree-sitter parses: one per file at most (extraction and N+1 share the tree).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseScanArgs, runScan } from '../src/cli/commands/scan';
import type { CliContext } from '../src/cli/io';
import { parseConnectionString } from '../src/core/connection/profile';
import { connect } from '../src/db/database';
import { DbEvidence } from '../src/db/ruleEvidence';
import { startEmbeddedPostgres } from '../scripts/embeddedServer';
import { treeSitterParseCount } from '../src/core/syntax/treeSitter';
import { configureTreeSitterForCli } from '../src/node/treeSitterDir';

const root = path.join(__dirname, '..');
const quiet: CliContext = { out: () => undefined, err: () => undefined, env: {}, cwd: root };

async function timeScan(paths: string[], cwd: string, evidence?: DbEvidence) {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const parses = treeSitterParseCount();
  configureTreeSitterForCli(); // as the CLI's main does before any command
  const r = await runScan(parseScanArgs(paths), { ...quiet, cwd }, { evidence });
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  // CPU time beside wall time: on a shared machine wall time measures the neighbours too.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    cpuMs: Math.round(cpuMs), linesPerCpuSecond: Math.round(r.lines / (cpuMs / 1000)),
    treeSitterParses: treeSitterParseCount() - parses,
    files: r.files, lines: r.lines, sites: r.sites, findings: r.findings.length, ms: Math.round(ms), linesPerSecond: Math.round(r.lines / (ms / 1000)),
    extractMs: Math.round(r.timings.extractMs), rulesMs: Math.round(r.timings.analyzers.rules ?? 0), nPlusOneMs: Math.round(r.timings.analyzers['n-plus-one'] ?? 0),
  };
}

/** A repository of TypeScript services and .sql files, about `lines` lines, with SQL in realistic density. */
function generateRepo(dir: string, lines: number): void {
  const tables = ['orders', 'customers', 'products', 'reviews', 'invoices', 'shipments', 'events', 'sessions'];
  let written = 0;
  let f = 0;
  while (written < lines) {
    const out: string[] = ["import { db } from '../db';", ''];
    for (let fn = 0; fn < 40; fn++) {
      const t = tables[(f + fn) % tables.length];
      const variant = (f * 7 + fn) % 6;
      const sql = [
        `SELECT id, status, total FROM ${t} WHERE customer_id = $1 ORDER BY id LIMIT 20`,
        `SELECT * FROM ${t} WHERE lower(email) = lower($1)`,
        `SELECT id FROM ${t} ORDER BY created_at DESC LIMIT 20 OFFSET $1`,
        `SELECT count(*) > 0 FROM ${t} WHERE customer_id = $1`,
        `UPDATE ${t} SET status = $2 WHERE id = $1`,
        `SELECT id FROM ${t} WHERE id NOT IN (SELECT ${t.slice(0, -1)}_id FROM archived)`,
      ][variant];
      out.push(`/** Function ${fn} of file ${f}. */`, `export async function fn${f}_${fn}(id: number, other: string) {`, '  const started = Date.now();', '  if (!id) throw new Error("no id");');
      out.push(`  const { rows } = await db.query(\n    \`${sql}\`,\n    [id, other],\n  );`);
      out.push('  const result = rows.map((r) => ({ ...r, took: Date.now() - started }));', '  return result;', '}', '');
    }
    const dirName = path.join(dir, `service${f % 20}`);
    fs.mkdirSync(dirName, { recursive: true });
    fs.writeFileSync(path.join(dirName, `module${f}.ts`), out.join('\n'));
    written += out.join('\n').split('\n').length;
    if (f % 10 === 0) {
      const sqlFile = tables.map((t) => `-- report for ${t}\nSELECT id, total FROM ${t} WHERE created_at > now() - interval '1 day' ORDER BY id;\n`).join('\n');
      fs.writeFileSync(path.join(dirName, `reports${f}.sql`), sqlFile);
      written += sqlFile.split('\n').length;
    }
    f++;
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const examples = path.join(root, 'examples');
  if (fs.existsSync(examples)) {
    await timeScan([examples], root); // warm-up: tree-sitter and parser loading
    out.examplesNoDb = await timeScan([examples], root);
  } else out.examplesNoDb = 'examples/ not present';

  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-repo-'));
  try {
    generateRepo(repo, 200_000);
    out.generated200kNoDb = await timeScan(['.'], repo);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }

  const corpus = process.env.PGLENS_BENCH_CORPUS;
  if (corpus) {
    const apps = fs.readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const perApp: Record<string, unknown> = {};
    let lines = 0;
    let ms = 0;
    let cpuMs = 0;
    let parses = 0;
    let files = 0;
    for (const app of apps) {
      const fig = await timeScan(['.'], path.join(corpus, app));
      perApp[app] = fig;
      lines += fig.lines;
      ms += fig.ms;
      cpuMs += fig.cpuMs;
      parses += fig.treeSitterParses;
      files += fig.files;
    }
    out.realCorpusNoDb = { corpus, apps: apps.length, files, treeSitterParses: parses, lines, ms, linesPerSecond: Math.round(lines / (ms / 1000)), linesPerCpuSecond: Math.round(lines / (cpuMs / 1000)), perApp };
  }

  const shop = path.join(root, 'examples', 'shop');
  if (fs.existsSync(path.join(shop, 'schema.sql'))) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-bench-pg-'));
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      const { loadShop } = await import('../examples/shop/seed');
      await loadShop(server.url, { scale: 0.05 });
      const c = parseConnectionString(server.url);
      const db = await connect({ profile: { name: 'bench', environment: 'development', ...c.profile } as any, password: c.password });
      try {
        const evidence = new DbEvidence(db);
        const cold = await timeScan([shop], root, evidence);
        const warm = await timeScan([shop], root, evidence);
        out.shopWithDb = { cold, warm, catalogQueries: evidence.stats.catalogQueries, explains: evidence.stats.explains, warmOverCold: Number((warm.ms / cold.ms).toFixed(3)), planCache: 'plan cache not on main: warm = DbEvidence cache' };
      } finally {
        await db.close();
      }
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return out;
}
