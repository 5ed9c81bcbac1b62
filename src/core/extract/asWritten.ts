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
