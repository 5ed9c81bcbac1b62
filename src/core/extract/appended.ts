/**
 * Statements built by appending: `query := "SELECT … FROM feeds"` then `query += " WHERE …"` (or
 * `sql = sql + …`, `sql << …`, `sql.append(…)`, `sb.WriteString(…)`) before the call that runs it.
 * The literal alone is not the statement that runs, so such a site is marked dynamic: rules that
 * judge the whole statement (no WHERE, no LIMIT) skip it instead of judging the base string.
 */
import type { SqlSite } from './types';

/** The variable a site's literal is assigned to, from the text just before it. */
const ASSIGNED = /(?:^|[\s;({,])(?:(?:const|let|var|final|String|string|val)\s+)?([A-Za-z_$][\w$]*)(?:\s*:\s*[\w.<>[\]]+)?\s*(?::=|=|<<)\s*(?:[\w.]+\(\s*)?$/;

/** How far after the literal to look when the site has no call span (a constant used later). */
const LOOKAHEAD = 3000;

export function markAppendedSites(sites: SqlSite[], text: string): SqlSite[] {
  for (const site of sites) {
    if (site.dynamic || site.language === 'sql') continue;
    const before = text.slice(Math.max(0, site.span.start - 120), site.span.start);
    const m = ASSIGNED.exec(before);
    if (!m) continue;
    const name = m[1].replace(/[$]/g, '\\$');
    const end = site.callSpan && site.callSpan.start > site.span.end ? site.callSpan.start : Math.min(text.length, site.span.end + LOOKAHEAD);
    const between = text.slice(site.span.end, end);
    const appended = new RegExp(`(?:^|[^\\w$.])${name}\\s*(?:\\+=|<<|\\.(?:append|concat|push|WriteString|write|extend)\\s*\\(|=\\s*${name}\\s*\\+|=\\s*(?:fmt\\.Sprintf|String\\.format|format)\\s*\\(\\s*${name}\\b)`);
    if (appended.test(between)) site.dynamic = true;
  }
  return sites;
}
