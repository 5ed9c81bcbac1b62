/**
 * The `missing-index` finding of one SQL site from its proved advice (pure): where it points (the
 * table in the statement, else the whole site), its severity (warning when proved, information when
 * not verified), message, help and evidence. No advice, a failed analysis, SQL the parser cannot
 * read or a missing table give no finding — never a false missing-index.
 */
import type { SqlSite } from '../extract/types';
import { fileSpanOf } from '../extract/types';
import type { Finding } from '../findings';
import { statementShape } from '../sql/predicates';

export const MISSING_INDEX_RULE = 'missing-index';

export interface ProvedSuggestion {
  ddl: string;
  table: string;
  schema: string;
  columns: string[];
  summary: string;
  reason: string;
  verifiedBy: 'hypopg' | 'transaction' | 'none';
  costBefore: number;
  costAfter: number | null;
  needsExtension?: string;
}

export interface SiteAdvice<S extends ProvedSuggestion = ProvedSuggestion> {
  status: 'ok' | 'unparsed' | 'not-analysed' | 'missing-table' | 'error';
  suggestions: S[];
}

/** createNow: offer "Create index now" first (the editor, on a development profile). */
export function missingIndexFinding<S extends ProvedSuggestion>(site: Pick<SqlSite, 'sql' | 'sourceMap' | 'span' | 'file'>, advice: SiteAdvice<S>, opts: { createNow?: boolean } = {}): Finding | undefined {
  if (advice.status !== 'ok' || !advice.suggestions.length) return undefined;
  const first = advice.suggestions[0];
  const shape = statementShape(site.sql);
  const use = shape?.tables.find((t) => t.name === first.table || (t.schema && `${t.schema}.${t.name}` === first.table));
  const span = use?.span ? fileSpanOf(site, use.span.start, use.span.end) : site.span;
  const proved = advice.suggestions.some((s) => s.verifiedBy !== 'none');
  return {
    ruleId: MISSING_INDEX_RULE,
    severity: proved ? 'warning' : 'info',
    message: advice.suggestions.map((s) => s.summary).join('; '),
    span,
    file: site.file,
    help: advice.suggestions.map((s) => `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension}; ` : ''}${s.ddl};`).join(' '),
    fixes: advice.suggestions.flatMap((s) => [
      ...(opts.createNow ? [{ title: `Create index now: ${s.table} (${s.columns.join(', ')})`, edits: [], command: { id: 'pgLens.createIndexNow', args: [s] } }] : []),
      { title: `Add migration: ${s.table} (${s.columns.join(', ')})`, edits: [], command: { id: 'pgLens.addIndexMigration', args: [s] } },
      { title: `Copy CREATE INDEX: ${s.table} (${s.columns.join(', ')})`, edits: [], command: { id: 'pgLens.copyCreateIndex', args: [s] } },
    ]),
    evidence: {
      suggestions: advice.suggestions.map((s) => ({ ddl: s.ddl, table: s.table, columns: s.columns, costBefore: s.costBefore, costAfter: s.costAfter, verifiedBy: s.verifiedBy, reason: s.reason })),
    },
  };
}
