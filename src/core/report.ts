/**
 * The shareable report: findings, health checks and top statements in ONE self-contained file —
 * HTML with inline CSS (no scripts, no external resources) or Markdown. Pure: every string that
 * comes from a database or a source file is escaped (table names, query texts and messages can hold
 * anything, including markup).
 */
import type { CostSummary } from './cost';
import { formatCostLens } from './cost';
import { type Finding, type Severity, SEVERITY_RANK } from './findings';
import { countOf, formatCount, formatMs, formatPercent } from './format';
import type { Located } from './output';
import { ruleDocsPath } from './docs';
import { oneLine, terminalSafe } from './safeText';

export interface HealthCheck {
  id: string;
  title: string;
  status: 'ok' | 'info' | 'warning' | 'critical';
  detail: string;
}

export interface ReportInput {
  title?: string;
  generatedAt: Date;
  /** e.g. "app@db.internal:5432/shop (production)", already redacted of passwords. */
  database?: string;
  serverVersion?: string;
  /** Scanned paths; empty when the report has no code part. */
  paths: string[];
  scanned?: { files: number; lines: number; sites: number };
  findings: Located[];
  /** Health checks, or a sentence saying why there are none. */
  health: HealthCheck[] | { unavailable: string };
  /** The security audit (health checks of the security category), when the health checks ran. */
  security?: SecuritySection;
  /** Top statements by total time, or a sentence saying why there are none. */
  statements: { items: (CostSummary & { sites: string[] })[]; totalMs: number; count: number } | { unavailable: string };
  /**
   * Where a docs page (`docs/rules/<id>.md`) can be opened from the report: a file:// URL of the copy beside the CLI,
   * when this installation has one (person55 L-7: the bare path named a folder the reader's project does not have).
   */
  docsAt?: (docsPath: string) => string | undefined;
}

interface SecuritySection {
  findings: HealthCheck[];
  /** CREATE ROLE and GRANT statements for a least-privilege application role, with where the privileges came from. */
  roleScript: { sql: string[]; source: string } | null;
  /** What could not be checked with the reading role's privileges. */
  unseen: { checkId: string; what: string }[];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text: markup escaped; control characters (but newline and tab) shown as escapes, as in the terminal. */
export function escapeHtml(s: unknown): string {
  return terminalSafe(String(s ?? '')).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Text safe inside a Markdown table cell: no markup, no cell or row breaks, no code spans, no control characters.
 * Markdown's own way: a backslash before each punctuation mark that could start markup — `<` (HTML, autolinks) and `&`
 * (entities) too — never an HTML entity: a backslash before an entity's `#` left `&\#39;`, which a Markdown viewer shows
 * as `&#39;` (person52 L-3). Quotes need nothing. A line break (CR, LF, CRLF, NEL, line and paragraph separators) is the
 * cell's own `<br>`, PG Lens's markup, never the text's: joined by a space, a fix's SQL ran into its explanation
 * ("LIMIT $1 $2 = the sort key …", person54 L-4).
 */
export function escapeMarkdownCell(s: unknown): string {
  return String(s ?? '').split(/\r\n|[\r\n\u0085\u2028\u2029]/).map((line) => oneLine(line).replace(/[\\`*_[\]#|~<>&]/g, (c) => `\\${c}`)).join('<br>');
}

function sorted(findings: Located[]): Located[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || (a.finding.file ?? '').localeCompare(b.finding.file ?? '') || a.startLine - b.startLine);
}

function counts(findings: Located[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const l of findings) c[l.finding.severity]++;
  return c;
}

function where(l: Located): string {
  return `${l.finding.file ?? '?'}:${l.startLine}:${l.startColumn}`;
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.meta{color:#59636e}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{white-space:pre-wrap;word-break:break-word;margin:0}.sev{font-weight:600;white-space:nowrap}
.error,.critical{color:#cf222e}.warning{color:#9a6700}.info,.hint{color:#0969da}.ok{color:#1a7f37}
.summary span{display:inline-block;margin-right:1rem}.note{background:#f6f8fa;border-left:4px solid #d0d7de;padding:.5rem 1rem}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}th,td{border-color:#30363d}.note{background:#161b22;border-color:#30363d}.meta{color:#9198a1}}
`;

export function renderHtml(r: ReportInput): string {
  const e = escapeHtml;
  const c = counts(r.findings);
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">');
  // No scripts and no external resources at all; the CSP makes that hold even if a string slipped through.
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<title>${e(r.title ?? 'PG Lens report')}</title><style>${CSS}</style></head><body>`);
  out.push(`<h1>${e(r.title ?? 'PG Lens report')}</h1>`);
  out.push(`<p class="meta">Generated ${e(r.generatedAt.toISOString())}${r.database ? ` · ${e(r.database)}` : ''}${r.serverVersion ? ` · ${e(r.serverVersion)}` : ''}</p>`);
  out.push('<p class="summary">', `<span><b>${r.findings.length}</b> findings</span>`, ...(['error', 'warning', 'info', 'hint'] as Severity[]).filter((s) => c[s]).map((s) => `<span class="${s}">${c[s]} ${s}</span>`));
  if (r.scanned) out.push(`<span>${r.scanned.files} files · ${formatCount(r.scanned.lines)} lines · ${r.scanned.sites} SQL statements</span>`);
  out.push('</p>');

  out.push('<h2>Findings</h2>');
  if (!r.paths.length) out.push('<p class="note">No source paths were given, so the report has no findings from code. Pass paths to scan them.</p>');
  else if (!r.findings.length) out.push(`<p class="note">No findings in ${e(r.paths.join(', '))}.</p>`);
  else {
    out.push('<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Finding</th></tr></thead><tbody>');
    for (const l of sorted(r.findings)) {
      const f: Finding = l.finding;
      // The docs ship with PG Lens, not on the web: a link to this installation's copy when there is one, else its path.
      const page = ruleDocsPath(f.ruleId);
      const url = r.docsAt?.(page);
      out.push(`<tr><td class="sev ${f.severity}">${e(f.severity)}</td><td>${e(f.ruleId)}<br><small>${url ? `<a href="${e(url)}">${e(page)}</a>` : `${e(page)} (in the PG Lens package)`}</small></td><td><code>${e(where(l))}</code></td><td>${e(f.message)}${f.help ? `<br><pre>${e(f.help)}</pre>` : ''}</td></tr>`);
    }
    out.push('</tbody></table>');
  }

  out.push('<h2>Health checks</h2>');
  if ('unavailable' in r.health) out.push(`<p class="note">${e(r.health.unavailable)}</p>`);
  else if (!r.health.length) out.push('<p class="note">Every health check passed.</p>');
  else {
    out.push('<table><thead><tr><th>Status</th><th>Check</th><th>Detail</th></tr></thead><tbody>');
    for (const h of r.health) out.push(`<tr><td class="sev ${e(h.status)}">${e(h.status)}</td><td>${e(h.title)}</td><td><pre>${e(h.detail)}</pre></td></tr>`);
    out.push('</tbody></table>');
  }

  if (r.security) {
    const sec = r.security;
    out.push('<h2>Security</h2>');
    if (!sec.findings.length) out.push('<p class="note">No security finding.</p>');
    else {
      out.push('<table><thead><tr><th>Status</th><th>Check</th><th>Detail</th></tr></thead><tbody>');
      for (const h of sec.findings) out.push(`<tr><td class="sev ${e(h.status)}">${e(h.status)}</td><td>${e(h.title)}</td><td><pre>${e(h.detail)}</pre></td></tr>`);
      out.push('</tbody></table>');
    }
    out.push('<h3>Least-privilege application role</h3>');
    if (sec.roleScript) out.push(`<p class="meta">Privileges from ${e(sec.roleScript.source)}. Set its password afterwards (\\password in psql).</p>`, `<pre>${e(sec.roleScript.sql.join('\n'))}</pre>`);
    else out.push('<p class="note">No script: give source paths to the report so the statements in the code say which tables the application reads and writes.</p>');
    out.push('<h3>Not checked with this role’s privileges</h3>');
    if (!sec.unseen.length) out.push('<p class="note">Everything the checks look at was visible.</p>');
    else out.push('<ul>', ...sec.unseen.map((u) => `<li><code>${e(u.checkId)}</code>: ${e(u.what)}</li>`), '</ul>');
  }

  out.push('<h2>Top statements</h2>');
  if ('unavailable' in r.statements) out.push(`<p class="note">${e(r.statements.unavailable)}</p>`);
  else {
    out.push(`<p class="meta">By total execution time, of ${countOf(r.statements.count, 'statement')} (${e(formatMs(r.statements.totalMs))} in all), from pg_stat_statements.</p>`);
    out.push('<table><thead><tr><th>#</th><th>Share</th><th>Total</th><th>Mean</th><th>Calls</th><th>Rows/call</th><th>Statement</th></tr></thead><tbody>');
    for (const s of r.statements.items) {
      const st = s.stat;
      out.push(
        `<tr><td class="num">${s.rank}</td><td class="num">${e(formatPercent(s.share, { brief: true }))}</td><td class="num">${e(formatMs(st.totalMs))}</td><td class="num">${e(formatMs(st.meanMs))}</td><td class="num">${e(formatCount(st.calls))}</td><td class="num">${e(st.calls ? (st.rows / st.calls).toFixed(1) : '0')}</td>` +
          `<td><pre>${e(truncate(st.query, 600))}</pre>${s.sites.length ? `<div class="meta">in code: ${s.sites.map((x) => `<code>${e(x)}</code>`).join(', ')}</div>` : ''}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('<p class="meta">Made by PG Lens. Query texts are as pg_stat_statements normalised them (constants shown as $n).</p>');
  out.push('</body></html>');
  return out.join('\n');
}

export function renderMarkdown(r: ReportInput): string {
  const m = escapeMarkdownCell;
  const c = counts(r.findings);
  const out: string[] = [];
  out.push(`# ${m(r.title ?? 'PG Lens report')}`, '');
  out.push(`Generated ${m(r.generatedAt.toISOString())}${r.database ? ` · ${m(r.database)}` : ''}${r.serverVersion ? ` · ${m(r.serverVersion)}` : ''}`, '');
  const parts = (['error', 'warning', 'info', 'hint'] as Severity[]).filter((s) => c[s]).map((s) => `${c[s]} ${s}`);
  out.push(`**${countOf(r.findings.length, 'finding')}**${parts.length ? ` (${parts.join(', ')})` : ''}${r.scanned ? ` · ${r.scanned.files} files · ${formatCount(r.scanned.lines)} lines · ${r.scanned.sites} SQL statements` : ''}`, '');
  out.push('## Findings', '');
  if (!r.paths.length) out.push('_No source paths were given, so the report has no findings from code._', '');
  else if (!r.findings.length) out.push(`No findings in ${m(r.paths.join(', '))}.`, '');
  else {
    out.push('| Severity | Rule | Where | Finding |', '|---|---|---|---|');
    for (const l of sorted(r.findings)) {
      const f = l.finding;
      const page = ruleDocsPath(f.ruleId);
      const url = r.docsAt?.(page);
      out.push(`| ${f.severity} | ${m(f.ruleId)}<br>${url ? `[${m(page)}](<${url.replace(/[<>\s|]/g, encodeURIComponent)}>)` : `${m(page)} (in the PG Lens package)`} | ${m(where(l))} | ${m(f.message)}${f.help ? `<br>${m(f.help)}` : ''} |`);
    }
    out.push('');
  }
  out.push('## Health checks', '');
  if ('unavailable' in r.health) out.push(`_${m(r.health.unavailable)}_`, '');
  else if (!r.health.length) out.push('Every health check passed.', '');
  else {
    out.push('| Status | Check | Detail |', '|---|---|---|');
    for (const h of r.health) out.push(`| ${m(h.status)} | ${m(h.title)} | ${m(h.detail)} |`);
    out.push('');
  }
  if (r.security) {
    const sec = r.security;
    out.push('## Security', '');
    if (!sec.findings.length) out.push('No security finding.', '');
    else {
      out.push('| Status | Check | Detail |', '|---|---|---|');
      for (const h of sec.findings) out.push(`| ${m(h.status)} | ${m(h.title)} | ${m(h.detail)} |`);
      out.push('');
    }
    out.push('### Least-privilege application role', '');
    if (sec.roleScript) {
      const text = sec.roleScript.sql.join('\n');
      // A fence longer than any run of backticks inside, so no identifier can close it.
      const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((x) => x[0].length + 1)));
      out.push(`Privileges from ${m(sec.roleScript.source)}. Set its password afterwards (\\password in psql).`, '', `${fence}sql`, text, fence, '');
    } else out.push('_No script: give source paths to the report so the statements in the code say which tables the application reads and writes._', '');
    out.push('### Not checked with this role’s privileges', '');
    if (!sec.unseen.length) out.push('Everything the checks look at was visible.', '');
    else out.push(...sec.unseen.map((u) => `- ${m(u.checkId)}: ${m(u.what)}`), '');
  }
  out.push('## Top statements', '');
  if ('unavailable' in r.statements) out.push(`_${m(r.statements.unavailable)}_`, '');
  else {
    out.push(`By total execution time, of ${countOf(r.statements.count, 'statement')} (${formatMs(r.statements.totalMs)} in all), from pg_stat_statements.`, '');
    out.push('| # | Cost | Statement | In code |', '|---|---|---|---|');
    for (const s of r.statements.items) out.push(`| ${s.rank} | ${m(formatCostLens(s))} | ${m(truncate(s.stat.query, 300))} | ${m(s.sites.join(', '))} |`);
    out.push('');
  }
  return out.join('\n');
}
