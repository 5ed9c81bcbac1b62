/**
 * Suppression comments: `pg-lens-ignore <rule-id>[, <rule-id>…]: <reason>` on the line of a
 * finding or on the line above it, in any comment syntax (`//`, `#`, `--`, `/* *\/`).
 * `pg-lens-ignore-file <rule-id>: <reason>` anywhere silences the rule for the whole file.
 */
import type { Finding } from './findings';
import { lineStarts, positionAt } from './findings';
import { lineCommentOf, TEMPLATE_COMMENT_CLOSES, templateCommentOf } from './languages/registry';

const LINE_RE = /pg-lens-ignore(-file)?\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?::\s*([^\n*]*))?/g;

interface Suppressions {
  /** rule ids ignored per 0-based line (the comment's own line and the line after it). */
  byLine: Map<number, Set<string>>;
  file: Set<string>;
}

function findSuppressions(text: string): Suppressions {
  const byLine = new Map<number, Set<string>>();
  const file = new Set<string>();
  if (!text.includes('pg-lens-ignore')) return { byLine, file };
  const starts = lineStarts(text);
  for (const m of text.matchAll(LINE_RE)) {
    const ids = m[2].split(',').map((s) => s.trim());
    if (m[1]) {
      ids.forEach((id) => file.add(id));
      continue;
    }
    const line = positionAt(starts, m.index ?? 0).line;
    for (const l of [line, line + 1]) {
      const set = byLine.get(l) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      byLine.set(l, set);
    }
  }
  return { byLine, file };
}

/** Drop findings silenced by a comment in the file (or with severity 'off' in settings). */
export function applySuppressions(text: string, findings: Finding[], severityOverrides: Record<string, string> = {}): Finding[] {
  const s = findSuppressions(text);
  const starts = lineStarts(text);
  const out: Finding[] = [];
  for (const f of findings) {
    const override = severityOverrides[f.ruleId];
    if (override === 'off') continue;
    if (s.file.has(f.ruleId) || s.file.has('all')) continue;
    const line = positionAt(starts, f.span.start).line;
    const ids = s.byLine.get(line);
    if (ids && (ids.has(f.ruleId) || ids.has('all'))) continue;
    out.push(override && ['error', 'warning', 'info', 'hint'].includes(override) ? { ...f, severity: override as Finding['severity'] } : f);
  }
  return out;
}

/** A regular expression matching any of the strings. */
const anyOf = (list: readonly string[]) => new RegExp(list.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
const CLOSES = anyOf(TEMPLATE_COMMENT_CLOSES);

/**
 * The comment "Ignore here" inserts above a line, in the file's comment syntax. In a view template, the template's
 * own comment (the language registry's templateComments): a line comment (`//`, `#`) inserted into a Django, Jinja or
 * ERB template is text the page renders on every pass of its loop (person17: 134 times on one page). A reason cannot
 * close the comment.
 */
export function ignoreComment(language: string, ruleId: string, reason: string): string {
  const body = `pg-lens-ignore ${ruleId}: ${reason.replace(/[\r\n]+/g, ' ').replace(CLOSES, ' ').trim() || 'reviewed'}`;
  const template = templateCommentOf(language);
  return template ? `${template.open} ${body} ${template.close}` : `${lineCommentOf(language)} ${body}`;
}

/**
 * The syntax of a comment inserted at the start of a line: SQL when the line begins inside a SQL string
 * (the newline before it is part of a site's SQL text — a multi-line template or triple-quoted string),
 * else the file's own. A line inside a call, or between the pieces of a concatenation, is code.
 */
export function commentLanguageAt(hostLanguage: string, sites: readonly { sourceMap: readonly number[] }[], lineStart: number): string {
  if (lineStart > 0 && sites.some((s) => s.sourceMap.includes(lineStart - 1))) return 'sql';
  return hostLanguage;
}
