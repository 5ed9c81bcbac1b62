/**
 * ok/error helpers for rule tests (after squawk's lint_ok / lint_errors): a rule must report nothing
 * on good SQL and at least one finding on bad SQL. SQL runs as application code (a template literal
 * passed to db.query in a TypeScript file) unless `{ sqlFile: true }`; facts() builds PlanEvidence.
 */
import * as assert from 'node:assert/strict';
import type { Finding } from '../../../../src/core/findings';
import type { SqlSite } from '../../../../src/core/extract/types';
import { checkSite } from '../../../../src/core/rules/engine';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import type { PlanEvidence, PlanFacts, Rule } from '../../../../src/core/rules/types';
import { tableLookup, type IndexFacts, type TableFacts } from '../../../../src/core/catalogFacts';
import { addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, addDeclaredViews, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

export interface CheckOptions {
  sqlFile?: boolean;
  evidence?: PlanEvidence;
}

export interface Checked {
  findings: Finding[];
  /** The whole file text the SQL was placed in. */
  fileText: string;
  site: SqlSite;
}

const PREFIX = 'const rows = await db.query(`';
const SUFFIX = '`, params);\n';

export function siteOf(sql: string, sqlFile = false): { site: SqlSite; fileText: string } {
  const prefix = sqlFile ? '' : PREFIX;
  const fileText = sqlFile ? `${sql}\n` : `${PREFIX}${sql}${SUFFIX}`;
  const site: SqlSite = {
    file: sqlFile ? 'queries.sql' : 'app.ts',
    language: sqlFile ? 'sql' : 'typescript',
    api: sqlFile ? 'sql-file' : 'pg.query',
    sql,
    sourceMap: Array.from({ length: sql.length }, (_, i) => prefix.length + i),
    span: { start: prefix.length, end: prefix.length + sql.length },
    params: [],
    confidence: 1,
    dynamic: false,
  };
  return { site, fileText };
}

export function check(rule: Rule, sql: string, opts: CheckOptions = {}): Checked {
  const { site, fileText } = siteOf(sql, opts.sqlFile);
  const errors: unknown[] = [];
  const findings = checkSite(site, [rule], { evidence: opts.evidence, onRuleError: (_id, e) => errors.push(e) });
  if (errors.length) throw errors[0];
  for (const f of findings) {
    assert.equal(f.ruleId, rule.id);
    assert.ok(f.span.start >= 0 && f.span.end <= fileText.length && f.span.start <= f.span.end, `span ${JSON.stringify(f.span)} inside the file`);
  }
  return { findings, fileText, site };
}

/** The rule reports nothing. */
export function ok(rule: Rule, sql: string, opts: CheckOptions = {}): void {
  const { findings } = check(rule, sql, opts);
  assert.deepEqual(findings.map((f) => f.message), [], `${rule.id} should not report on: ${sql}`);
}

/** The rule reports at least one finding; returns the first (and all of them). */
export function error(rule: Rule, sql: string, opts: CheckOptions = {}): Finding & { all: Finding[]; fileText: string } {
  const { findings, fileText } = check(rule, sql, opts);
  assert.ok(findings.length > 0, `${rule.id} should report on: ${sql}`);
  return Object.assign({}, findings[0], { all: findings, fileText });
}

/** The text the finding points at. */
export function flagged(f: Finding & { fileText: string }): string {
  return f.fileText.slice(f.span.start, f.span.end);
}

/** The file text after applying a finding's first fix; the SQL part only. */
export function fixed(f: Finding & { fileText: string }, sqlFile = false): string {
  assert.ok(f.fixes.length > 0, 'expected a fix');
  let text = f.fileText;
  const edits = [...f.fixes[0].edits].sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return sqlFile ? text.trimEnd() : text.slice(PREFIX.length, text.length - SUFFIX.length);
}

/**
 * Catalog facts in a few words: facts({ orders: { rows: 1e6, cols: { id: 'int8 idx notnull', note: 'text' } } }).
 * Column flags: idx (leading key of an index), key (indexed, not leading), notnull, trgm (trigram index).
 * `analysed: false` marks a table never analysed (its rows estimated from its size).
 */
export function facts(tables: Record<string, { rows: number; cols: Record<string, string>; expr?: string[]; schema?: string; analysed?: boolean }>, plan?: Partial<PlanFacts>): PlanEvidence {
  const list: TableFacts[] = Object.entries(tables).map(([name, t]) => {
    const schema = t.schema ?? 'public';
    const index = (ixName: string, keys: string[], keyColumns: (string | null)[], opclasses = keys.map(() => ''), method = 'btree'): IndexFacts =>
      ({ schema, name: ixName, method, keys, keyColumns, include: [], opclasses, valid: true, unique: false, primary: false });
    const indexes: IndexFacts[] = [];
    const columns = Object.entries(t.cols).map(([col, spec]) => {
      const [type, ...flags] = spec.split(/\s+/);
      if (flags.includes('idx')) indexes.push(index(`${name}_${col}_idx`, [col], [col]));
      if (flags.includes('key')) indexes.push(index(`${name}_x_${col}_idx`, ['x', col], ['x', col]));
      if (flags.includes('trgm')) indexes.push(index(`${name}_${col}_trgm`, [col], [col], ['gin_trgm_ops'], 'gin'));
      return { name: col, type, typeName: type, notNull: flags.includes('notnull') };
    });
    for (const [i, e] of (t.expr ?? []).entries()) indexes.push(index(`${name}_expr${i}`, [e], [null]));
    return { schema, name, rows: t.rows, analysed: t.analysed ?? true, pages: 0, sizeBytes: 0, columns, stats: {}, indexes };
  });
  return { table: tableLookup(list), plan: plan ? { nodeTypes: [], seqScanTables: [], rows: 0, totalCost: 0, ...plan } : undefined };
}

/** What the scan learns from schema files (CREATE TABLE/INDEX, keys), as `scan` feeds the rules. */
export function declared(schema: string): DeclaredIndexes {
  const d: DeclaredIndexes = new Map();
  addDeclaredIndexes(schema, d);
  addDeclaredKeys(schema, d);
  addDeclaredTables(schema, d);
  addDeclaredViews(schema, d);
  return d;
}

/**
 * The findings of `rules` (default: all SQL rules) on statements run by application code, with the schema files'
 * declarations as evidence (no database): [ruleId, severity, evidence.expression] per finding.
 */
export async function declaredFindings(sql: string[], schema: string, rules: readonly Rule[]): Promise<unknown[][]> {
  const ts = ['export async function q(db, a, b) {', ...sql.map((s) => `  await db.query(\`${s}\`, [a, b]);`), '}', ''].join('\n');
  const r = await analyzeFile({ path: 'src/q.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules, declared: declared(schema) })] });
  return r.findings.map((f) => [f.ruleId, f.severity, f.evidence?.expression]);
}
