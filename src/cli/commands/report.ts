/**
 * `pg-lens report --db URL [paths…] --out report.html|report.md`: findings in the code, health
 * checks, the security audit (with a least-privilege role script built from the code's statements)
 * and the top statements of pg_stat_statements, in one self-contained file to share.
 * The code's findings are `pg-lens scan --db`'s, index advice included (proved as scan proves it: HypoPG, or on a
 * development profile a real trial index rolled back); otherwise catalog, pg_stat_statements and EXPLAIN (no ANALYZE) only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeProfile } from '../../core/connection/profile';
import { CostIndex } from '../../core/cost';
import { lineStarts, positionAt } from '../../core/findings';
import { locate } from '../../core/output';
import { countOf } from '../../core/format';
import { leastPrivilegeFor, securityBlindSpots } from '../../core/health';
import { applicationUsage, columnsRead, mergeUsage, placedUsage, usageFromBuilderCalls, usageFromStatements } from '../../core/health/leastPrivilege';
import { codeContextOf, type CodeContext } from '../../core/codeContext';
import { findBuilderTableCalls, type BuilderTableCall } from '../../core/nplusone/detect';
import type { TableUsage, UsageApart } from '../../core/health/types';
import type { HealthFinding } from '../../core/health/types';
import { renderHtml, renderMarkdown, type HealthCheck, type ReportInput } from '../../core/report';
import { docsPageUrl } from '../../node/docsPages';
import { loadPgParser } from '../../core/sql/statement';
import { describeError } from '../../db/errors';
import { runHealth } from '../../db/health';
import { readStatementCosts } from '../../db/queryStats';
import { type CliCommand, type CliOption, commandArgs, commandUsage, DB_OPTION_HELP, EXIT, DB_OPTIONS, openDatabase, UsageError } from '../io';
import { scanWithDatabase, SCAN_FILE_OPTIONS, SCAN_OPTION_HELP, scanOptionsFrom } from './scan';

/** How many statements the report lists. */
const TOP_STATEMENTS = 25;

/** Health findings (src/db/health runHealth, the dashboard's checks) as report rows. */
function healthRows(findings: HealthFinding[]): HealthCheck[] {
  const status = { error: 'critical', warning: 'warning', info: 'info' } as const;
  return findings.map((f) => ({
    id: f.checkId,
    title: `${f.checkId}${f.objects.length ? `: ${f.objects.map((o) => [o.schema, o.table, o.name].filter(Boolean).join('.')).join(', ')}` : ''}`,
    status: status[f.severity],
    detail: [f.message, f.help, ...f.fixSql.map((x) => `Fix: ${x}`)].filter(Boolean).join('\n'),
  }));
}

const OPTIONS: CliOption[] = [
  DB_OPTION_HELP.db,
  DB_OPTION_HELP.connectTimeout,
  DB_OPTION_HELP.production,
  { flag: '--out report.html|report.md', meaning: 'the file to write, self-contained HTML or Markdown; required; also -o' },
  SCAN_OPTION_HELP.exclude,
  SCAN_OPTION_HELP.rule,
  SCAN_OPTION_HELP.severity,
  { flag: '--title TEXT', meaning: 'the report\'s title', default: 'PG Lens report' },
];

export const report: CliCommand = {
  name: 'report',
  summary: 'findings, health checks and top statements in one self-contained HTML or Markdown file to share',
  usage: commandUsage('pg-lens report {db} [{connect-timeout}] [{production}] [paths…] {out} [{exclude}]… [{rule}]… [{severity}] [{title}]', OPTIONS),
  options: OPTIONS,
  async run(argv, ctx) {
    const { values, positionals } = commandArgs(argv, { ...SCAN_FILE_OPTIONS, ...DB_OPTIONS, out: { type: 'string' as const, short: 'o' }, title: { type: 'string' as const } });
    if (!values.out) throw new UsageError('--out report.html or --out report.md is required');
    const ext = path.extname(values.out).toLowerCase();
    if (ext !== '.html' && ext !== '.htm' && ext !== '.md') throw new UsageError(`--out must end in .html or .md (got "${values.out}")`);
    const scanOpts = scanOptionsFrom({ ...values, db: undefined }, positionals);
    const paths = positionals;
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 30000, production: values.production, connectTimeout: values['connect-timeout'] });
    try {
      const info = await db.serverInfo();
      await loadPgParser();
      // The scan as `pg-lens scan --db` runs it, index advice included (one pipeline; person51 M-5: the report had none
      // of the 8 missing-index findings scan gave on the same database).
      const scanned = paths.length ? await scanWithDatabase({ ...scanOpts, paths }, ctx, db, { command: 'report', keepSites: true }) : undefined;
      const scan = scanned?.result;
      for (const line of scanned?.saidAfter() ?? []) ctx.err(line);
      let statements: ReportInput['statements'];
      if (info.pgStatStatements !== 'ready') {
        statements = { unavailable: `pg_stat_statements is ${info.pgStatStatements === 'not-installed' ? 'available but not installed (CREATE EXTENSION pg_stat_statements)' : info.pgStatStatements === 'not-loaded' ? 'installed but not loaded (add it to shared_preload_libraries and restart)' : 'not available on this server'}, so there are no statement statistics.` };
      } else {
        const costs = await readStatementCosts(db, { versionNum: info.versionNum });
        const index = new CostIndex(costs.stats, costs.totalMs);
        const top = index.summaries.slice(0, TOP_STATEMENTS);
        // Where each top statement is in the code (matched like the CodeLens, by normalised text).
        const inCode = new Map<string, string[]>();
        for (const site of scan?.siteList ?? []) {
          const hit = index.find(site.sql);
          if (!hit || hit.rank > TOP_STATEMENTS) continue;
          const text = scan!.texts.get(site.file ?? '') ?? '';
          const pos = positionAt(lineStarts(text), site.span.start);
          const list = inCode.get(hit.stat.queryid) ?? [];
          list.push(`${site.file}:${pos.line + 1}`);
          inCode.set(hit.stat.queryid, list);
        }
        statements = { items: top.map((s) => ({ ...s, sites: inCode.get(s.stat.queryid) ?? [] })), totalMs: costs.totalMs, count: costs.statements };
      }
      let health: ReportInput['health'];
      let security: ReportInput['security'];
      try {
        // The tables and operations of the code's statements shape the least-privilege role.
        // SQL text and query-builder calls that name their table (`knex('favorites').where(…).del()`): a route the
        // traffic never reached still gets its DELETE (person18 MEDIUM 5).
        const code = scan ? await codeTableUsage(scan) : undefined;
        const { facts, findings } = await runHealth(db, { versionNum: info.versionNum, usage: code?.tables, usageApart: code?.apart });
        health = healthRows(findings.filter((f) => f.category !== 'security'));
        // Where the code reads each sensitive column that is readable by everyone.
        for (const f of findings) {
          if (f.checkId !== 'sensitive-column-unprotected' || !scan) continue;
          const t = f.objects[0];
          const cols = f.objects.slice(1).map((o) => o.name);
          const readers: string[] = [];
          for (const site of scan.siteList) {
            const read = columnsRead(site.sql, t.schema ?? 'public', t.name, cols);
            if (!read.length) continue;
            const pos = positionAt(lineStarts(scan.texts.get(site.file ?? '') ?? ''), site.span.start);
            readers.push(`${site.file}:${pos.line + 1} (${read.join(', ')})`);
          }
          if (readers.length) {
            f.evidence.readInCode = readers;
            f.help = `${f.help ?? ''} Read in code at: ${readers.join('; ')}.`.trim();
          }
        }
        const script = facts.security ? leastPrivilegeFor(facts, facts.security.currentUser) : undefined;
        security = {
          findings: healthRows(findings.filter((f) => f.category === 'security')),
          roleScript: script ? { sql: script.sql, source: `${script.tables} tables, ${script.basis.replace(/^from /, '').replace('the code', `the code (${paths.join(', ') || 'none given'})`)}${script.thin.length ? `. Thin basis: ${script.thin.join('; ')}` : ''}` } : null,
          unseen: securityBlindSpots(facts),
        };
      } catch (e) {
        health = { unavailable: `The health checks could not run: ${describeError(e)}` };
      }
      const input: ReportInput = {
        title: values.title,
        generatedAt: new Date(),
        database: scanned?.database ?? `${describeProfile(db.profile)}${db.readOnly ? ' (read-only profile)' : ''}`,
        serverVersion: info.version.split(' on ')[0],
        paths,
        scanned: scan ? { files: scan.files, lines: scan.lines, sites: scan.sites } : undefined,
        findings: scan ? locate(scan.findings, (f) => scan.texts.get(f)) : [],
        health,
        security,
        statements,
        docsAt: docsPageUrl,
      };
      const out = path.resolve(ctx.cwd, values.out);
      fs.writeFileSync(out, ext === '.md' ? renderMarkdown(input) : renderHtml(input));
      ctx.out(`Wrote ${values.out}: ${countOf(input.findings.length, 'finding')}, ${'items' in statements ? countOf(statements.items.length, 'top statement') : 'no statement statistics'}.`);
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};

/**
 * The tables and operations of the code's statements and of the query-builder calls that name their table
 * (`knex('favorites').where(…).del()`), from a scan that kept its texts and sites: what the least-privilege role needs
 * for routes the traffic never reached (person18 MEDIUM 5). `pg-lens report` and `pg-lens health <paths>` read it alike.
 * Only the application's code (request handlers, jobs) grants; what only seeds, migrations, tests and one-off scripts
 * use is `apart` (core/codeContext, the N+1 detector's classifier; person42 M2). Unqualified names keep schema '': the
 * database resolves them (db/securityFacts).
 */
export async function codeTableUsage(scan: { texts: ReadonlyMap<string, string>; siteList: readonly { sql: string; file?: string; span?: { start: number } }[] }): Promise<{ tables: TableUsage[]; apart: UsageApart[] }> {
  const parts: { usage: TableUsage[]; context: CodeContext }[] = [];
  // Each statement's usage with its place (`file:line`): the script names the places of a write only a few need (person43 L5).
  const byFile = new Map<string, TableUsage[][]>();
  for (const site of scan.siteList) {
    const file = site.file ?? '';
    const text = scan.texts.get(file);
    const place = text !== undefined && site.span ? `${file}:${positionAt(lineStarts(text), site.span.start).line + 1}` : file;
    byFile.set(file, [...(byFile.get(file) ?? []), placedUsage(usageFromStatements([site.sql], ''), place)]);
  }
  for (const [file, text] of scan.texts) {
    const context = codeContextOf(file, text);
    const calls: BuilderTableCall[] = file.endsWith('.sql') ? [] : await findBuilderTableCalls(text, file);
    parts.push({ usage: mergeUsage(...(byFile.get(file) ?? []), placedUsage(usageFromBuilderCalls(calls, ''), file)), context });
    byFile.delete(file);
  }
  // Sites of a file whose text the scan did not keep: the application's, as before.
  for (const usages of byFile.values()) parts.push({ usage: mergeUsage(...usages), context: 'request' });
  return applicationUsage(parts);
}
