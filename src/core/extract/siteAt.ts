/**
 * Which SQL site a place in a file means. One resolver for the editor's hover and for every command that acts on
 * "the statement at the cursor" (Open Plan, Explain Analyze, Benchmark Query, Suggest Indexes, Copy SQL).
 *
 * - `exact` (the hover): the innermost site whose SQL or call contains the offset.
 * - `line` (commands): that, or else the site whose call or SQL covers the cursor's LINE — the line
 *   `const result = await this.db.raw(` of a call whose SQL starts on the next line is its statement's line —
 *   and when several cover it, the one nearest the cursor on that line. Never a statement on another line:
 *   with nothing on the cursor's line the answer is none (the command says so), not the nearest statement
 *   somewhere else in the file (person11: Open Plan on a call line opened a look-alike statement 65 lines down).
 */
import type { Span } from '../findings';
import type { SqlSite, UnreadSql } from './types';
import { inspectSql, pgParserLoaded } from '../sql/statement';
import { filledByTemplate, runTimeReason } from './looksLikeSql';

export type SiteAtMode = 'exact' | 'line';

export function siteAtOffset(text: string, sites: readonly SqlSite[], offset: number, mode: SiteAtMode = 'exact'): SqlSite | undefined {
  return spanAtOffset(text, sites, offset, mode);
}

/**
 * The string at `offset` (as siteAtOffset finds a site) that looks like SQL but that PostgreSQL cannot parse as written —
 * a typo, nothing built at run time (UnreadSql.syntaxError). Asked where no site is: the hover and the commands on the
 * statement at the cursor say the parse error, and act on no other text (person45 M3: Open Plan opened the plan the
 * recording saw that line send before the edit). A string built at run time is not one: the recording knows its text.
 */
export function unparsedAt(text: string, unread: readonly UnreadSql[], offset: number, mode: SiteAtMode = 'exact', sites: readonly SqlSite[] = []): UnreadSql | undefined {
  // Only the site at the cursor is parsed (a hover asks this for every position; a file may hold hundreds of sites).
  const at = sites.length ? siteAtOffset(text, sites, offset, mode) : undefined;
  const typo = at && typoOf(at);
  return spanAtOffset(text, [...unread.filter((u) => u.syntaxError !== undefined), ...(typo ? [typo] : [])], offset, mode);
}

/**
 * A known call's site whose text, as written, PostgreSQL cannot parse, with nothing built at run time (a typo in
 * `await db.query<Order>(…)`, a call PG Lens reads as the driver's): the unparsed text with its syntax error, as a string
 * no known call takes is (unparsedAt), so the hover and the commands say so rather than plan it. Undefined for any other
 * site, and before PostgreSQL's parser is loaded.
 */
export function typoOf(site: SqlSite): UnreadSql | undefined {
  if (site.dynamic || site.variants || site.splicedNames?.length || site.language === 'sql' || !pgParserLoaded() || filledByTemplate(site.sql)) return undefined;
  const r = inspectSql(site.sql);
  if (r.ok) return undefined;
  const why = runTimeReason(r.message, [], site.sql);
  return why.syntaxError === undefined ? undefined : { span: site.span, ...(site.callSpan ? { callSpan: site.callSpan } : {}), ...why, sql: site.sql, sourceMap: site.sourceMap };
}

/** The one line for SQL PostgreSQL cannot parse as written (unparsedAt), on the hover and from the commands at the cursor. */
export function unparsedSqlLine(u: Pick<UnreadSql, 'syntaxError'>, line?: number): string {
  return `PostgreSQL cannot parse the SQL${line ? ` on line ${line}` : ''}: ${u.syntaxError ?? 'syntax error'}. It would fail when it runs; PG Lens plans it once it parses.`;
}

function spanAtOffset<T extends { span: Span; callSpan?: Span }>(text: string, sites: readonly T[], offset: number, mode: SiteAtMode): T | undefined {
  // Innermost site containing the offset (its SQL first, then its call).
  let best: T | undefined;
  for (const s of sites) {
    const inSpan = offset >= s.span.start && offset <= s.span.end;
    const inCall = !!s.callSpan && offset >= s.callSpan.start && offset <= s.callSpan.end;
    if (!inSpan && !inCall) continue;
    if (!best || (inSpan && s.span.end - s.span.start < best.span.end - best.span.start)) best = s;
  }
  if (best || mode === 'exact') return best;
  // The cursor's line: a site whose call or SQL has text on it.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  let nearest: { site: T; distance: number; size: number } | undefined;
  for (const s of sites) {
    const start = Math.min(s.span.start, s.callSpan?.start ?? s.span.start);
    const end = Math.max(s.span.end, s.callSpan?.end ?? s.span.end);
    if (end <= lineStart || start >= lineEnd) continue;
    const distance = offset < start ? start - offset : offset > end ? offset - end : 0;
    const size = end - start;
    if (!nearest || distance < nearest.distance || (distance === nearest.distance && size < nearest.size)) nearest = { site: s, distance, size };
  }
  return nearest?.site;
}

/**
 * The statements a selection holds whole (outermost first, in file order): a selection of several statements is answered
 * per statement (the editor's commands offer them to pick), never read as one text of N statements (person43 L4: Suggest
 * Indexes on a selected script said "the text holds 6 statements; index analysis reads one at a time").
 */
export function sitesInSelection(sites: readonly SqlSite[], start: number, end: number): SqlSite[] {
  const inside = sites.filter((s) => s.span.start >= start && s.span.end <= end && s.span.end > s.span.start);
  return inside
    .filter((s) => !inside.some((o) => o !== s && o.span.start <= s.span.start && o.span.end >= s.span.end && (o.span.end - o.span.start) > (s.span.end - s.span.start)))
    .sort((a, b) => a.span.start - b.span.start);
}
