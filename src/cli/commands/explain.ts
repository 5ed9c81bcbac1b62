/**
 * pg-lens explain: the plan of one statement (or the SQL site on a line of a source file), with
 * PG Lens's figures, warnings and tips. --analyze runs it in a transaction that is rolled back;
 * statements that change data also need --allow-dml. JSON carries the server's plan untouched.
 * pg-lens benchmark: latency percentiles of a read-only statement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type CliCommand, DB_OPTIONS, EXIT, numberOption, openDatabase, UsageError, type CliContext } from '../io';
import { briefPlan, planText } from '../../core/plan';
import { compareBenchmarks } from '../../core/plan/benchmark';
import { extractSqlSites } from '../../core/extract/index';
import { lineStarts } from '../../core/findings';
import { explain, explainAnalyze } from '../../db/explain';
import { benchmark } from '../../db/benchmark';
import { oneLine } from '../../core/safeText';
import { LIMITS } from '../../core/limits';
import { readRegularFile, readRegularFileSync } from '../../db/readFile';

async function statementFrom(values: { file?: string; line?: string }, positionals: string[], ctx: CliContext): Promise<string> {
  if (values.file) {
    if (positionals.length) throw new UsageError('give either SQL or --file, not both');
    const file = path.resolve(ctx.cwd, values.file);
    let text: string;
    try {
      text = (await readRegularFile(file, LIMITS.fileBytes)).toString('utf8');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const sites = await extractSqlSites(text, file, file);
    if (!sites.length) throw new UsageError(`no SQL found in ${values.file}`);
    const starts = lineStarts(text);
    const lineOf = (off: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= off) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };
    if (values.line === undefined) {
      if (sites.length === 1) return sites[0].sql;
      throw new UsageError(`${values.file} holds ${sites.length} SQL statements (lines ${sites.map((s) => lineOf(s.span.start)).join(', ')}): pick one with --line N`);
    }
    const line = numberOption(values.line, '--line', 1, 1e9, { integer: true })!;
    const site = sites.find((s) => lineOf(s.span.start) <= line && line <= lineOf(Math.max(s.span.start, s.span.end - 1)));
    if (!site) throw new UsageError(`no SQL statement on line ${line} of ${values.file} (statements start on lines ${sites.map((s) => lineOf(s.span.start)).join(', ')})`);
    return site.sql;
  }
  if (positionals.length !== 1) throw new UsageError('give the SQL as one argument (quote it), or --file F [--line N]');
  return positionals[0];
}

export const explainCommand: CliCommand = {
  name: 'explain',
  summary: 'plan one statement (or the SQL on a line of a file): cost, hot path, warnings and tips; --analyze runs it and rolls back',
  usage: 'pg-lens explain [--db URL] [--production] [--analyze] [--allow-dml] [--param V]... [--format text|json] (SQL | --file F [--line N])',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...DB_OPTIONS, analyze: { type: 'boolean', default: false }, 'allow-dml': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' }, file: { type: 'string' }, line: { type: 'string' }, param: { type: 'string', multiple: true },
        timeout: { type: 'string' },
      },
    });
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
    if (values['allow-dml'] && !values.analyze) throw new UsageError('--allow-dml only makes sense with --analyze');
    // Milliseconds; checked before anything is read or sent (a bad value must never switch the timeouts off).
    const timeoutMs = numberOption(values.timeout, '--timeout', 1, 3_600_000, { integer: true }) ?? 30000;
    const sql = await statementFrom(values, positionals, ctx);
    const params = values.param?.map((p) => (p === 'NULL' ? null : p));
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: Math.max(timeoutMs, 5000), production: values.production });
    try {
      const r = values.analyze
        ? await explainAnalyze(db, sql, { params, allowDml: values['allow-dml'], statementTimeoutMs: timeoutMs })
        : await explain(db, sql, { params });
      const plan = r.plan;
      if (values.format === 'json') {
        ctx.out(JSON.stringify({
          sql: r.sql,
          method: r.method,
          serverVersionNum: r.versionNum,
          rolledBack: values.analyze ? true : undefined,
          plan: [r.json],
          summary: {
            ...briefPlan(plan, 5),
            hotPath: plan.hotPath,
            nodes: plan.nodes.map((n) => ({ id: n.id, parent: n.parent, label: n.metrics.title + (n.metrics.detail ? ` ${n.metrics.detail}` : ''), metrics: n.metrics, warnings: n.warnings })),
            tips: plan.tips,
          },
        }, null, 2));
      } else {
        const how = r.method === 'generic-plan' || r.method === 'prepare-generic' ? ' (generic plan: parameter values unknown)' : '';
        ctx.out(`${values.analyze ? 'EXPLAIN ANALYZE, rolled back' : 'EXPLAIN'}${how}: ${oneLine(r.sql.split(/\r\n|\n/)[0].slice(0, 100))}`);
        ctx.out('');
        ctx.out(planText(plan));
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};

export const benchmarkCommand: CliCommand = {
  name: 'benchmark',
  summary: 'run a read-only statement N times with K sessions (rolled back) and print p50/p95/p99; --compare FILE compares with a saved run',
  usage: 'pg-lens benchmark [--db URL] [--production] [--runs N] [--concurrency K] [--param V]... [--save FILE] [--compare FILE] [--format text|json] SQL',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { ...DB_OPTIONS, runs: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '1' }, param: { type: 'string', multiple: true }, save: { type: 'string' }, compare: { type: 'string' }, format: { type: 'string', default: 'text' } },
    });
    if (positionals.length !== 1) throw new UsageError('give the SQL as one argument');
    const runs = numberOption(values.runs, '--runs', 1, 100_000, { integer: true })!;
    const concurrency = numberOption(values.concurrency, '--concurrency', 1, 64, { integer: true })!;
    let previous;
    if (values.compare) {
      try {
        previous = JSON.parse(readRegularFileSync(path.resolve(ctx.cwd, values.compare), LIMITS.smallFileBytes).toString('utf8'));
      } catch (e) {
        throw new UsageError(`cannot read --compare ${values.compare}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const db = await openDatabase(values.db, ctx, { production: values.production });
    try {
      const run = await benchmark(db, positionals[0], { runs, concurrency, params: values.param?.map((p) => (p === 'NULL' ? null : p)) });
      if (values.save) fs.writeFileSync(path.resolve(ctx.cwd, values.save), JSON.stringify(run, null, 2));
      const cmp = previous ? compareBenchmarks(previous, run) : undefined;
      if (values.format === 'json') ctx.out(JSON.stringify({ run, comparison: cmp }, null, 2));
      else {
        ctx.out(`${run.runs} runs, ${run.concurrency} session(s), ${run.errors} failed: p50 ${run.p50.toFixed(3)} ms · p95 ${run.p95.toFixed(3)} ms · p99 ${run.p99.toFixed(3)} ms · mean ${run.mean.toFixed(3)} ms · ${run.throughputPerSec.toFixed(0)}/s`);
        if (run.sharedHitPerRun !== undefined) ctx.out(`buffers per run: shared hit ${run.sharedHitPerRun}, read ${run.sharedReadPerRun ?? 0}`);
        if (cmp) ctx.out(`vs ${values.compare}: ${cmp.summary}`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
