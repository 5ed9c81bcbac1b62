/**
 * A site's SQL in the two forms a person may want from "Copy SQL": as PostgreSQL receives it (the code's
 * placeholders as $n — what pg_stat_statements and psql's PREPARE show) and as the code writes it (`%s`,
 * `:name`, `${expr}` where the code has them). The legend says which $n stands for which placeholder, and which
 * of them are text spliced in at run time (`COUNT(%s)` filled by Python's `%`), not values bound by the driver.
 */
import type { SqlParam, SqlSite } from './types';
import { oneLine } from '../safeText';

/** The `$n` tokens of `sql` that stand for a placeholder of the code (start offsets in `sql` → the parameter). */
function placeholderTokens(site: Pick<SqlSite, 'sql' | 'sourceMap' | 'params'>): { at: number; length: number; param: SqlParam }[] {
  const out: { at: number; length: number; param: SqlParam }[] = [];
  const byStart = new Map<string, SqlParam>();
  for (const p of site.params) byStart.set(`${p.index}@${p.span.start}`, p);
  for (const m of site.sql.matchAll(/\$(\d+)(?!\d)/g)) {
    const at = m.index;
    // A $n the code wrote itself maps character by character; one that replaced `?`/`%s`/`${x}` maps, every
    // character of it, to the start of what it replaced. Either way its first character is at the placeholder.
    const p = byStart.get(`${m[1]}@${site.sourceMap[at]}`);
    if (p) out.push({ at, length: m[0].length, param: p });
  }
  return out;
}

/** The SQL with each `$n` back as the code writes it (`%s`, `:id`, `${user.id}`). */
export function sqlAsWritten(site: Pick<SqlSite, 'sql' | 'sourceMap' | 'params'>): string {
  let out = '';
  let last = 0;
  for (const t of placeholderTokens(site)) {
    out += site.sql.slice(last, t.at) + t.param.source;
    last = t.at + t.length;
  }
  return out + site.sql.slice(last);
}

/**
 * One line per distinct `$n` whose code placeholder is not `$n` itself: `$1 = %(id)s`, and for text spliced
 * in at run time `$4 = %s (text spliced in at run time, not a value)`. Empty when the code writes $n itself.
 */
export function placeholderLegend(site: Pick<SqlSite, 'params'>): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const p of [...site.params].sort((a, b) => a.index - b.index)) {
    if (seen.has(p.index)) continue;
    seen.add(p.index);
    const source = oneLine(p.source.replace(/\s+/g, ' ')).slice(0, 60);
    if (source.trim() === `$${p.index}` && !p.spliced) continue;
    out.push(`$${p.index} = ${source}${p.spliced ? ' (text spliced in at run time, not a value)' : ''}`);
  }
  return out;
}

/** Template placeholders a text keeps for the code to fill in before it is sent: `%query%`, `{{ name }}`, `{% if %}`, `${x}`, `#{x}`. */
const TEMPLATE_MARKER = /%[A-Za-z_][\w.]*%|\{\{[^{}\n]{1,80}\}\}|\{%[^\n]{1,80}?%\}|[$#]\{[^{}\n]{1,80}\}/g;

/**
 * The template placeholders left in a statement's text (outside string literals, quoted names and comments), each
 * once, in order: a copy of such a text does not run as it is (listmonk's `AND %query% ORDER BY %order%`, filled in by
 * the Go code). `$n` parameters are not among them.
 */
export function templateMarkers(sql: string): string[] {
  // Literals, quoted names and comments blanked to spaces: `LIKE '%x%'` is a pattern, not a placeholder.
  const code = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
  return [...new Set([...code.matchAll(TEMPLATE_MARKER)].map((m) => m[0]))];
}

/** Why a copy will not run as it is, as a clause for the confirmation ('' when it will, parameters apart). */
export function wontRunAsIs(site: { sql: string; dynamic: boolean }): string {
  const marks = templateMarkers(site.sql);
  if (marks.length) return ` — it will not run as it is: ${marks.slice(0, 4).join(', ')}${marks.length > 4 ? ` and ${marks.length - 4} more` : ''} ${marks.length === 1 ? 'is a template placeholder' : 'are template placeholders'} the code fills in at run time`;
  if (site.dynamic) return ' — it may not run as it is: parts of it are computed by the code at run time';
  return '';
}
