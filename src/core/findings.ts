/**
 * The one shape every analysis produces, in the editor and in the CLI.
 * Offsets are UTF-16 code-unit offsets into the source file (what VS Code and JS strings use).
 */
import type { CodeContext } from './codeContext';
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Span {
  /** Offset of the first character in the file. */
  start: number;
  /** Offset one past the last character in the file. */
  end: number;
}

/**
 * A related place: in the finding's own file by its span (or its 1-based line), or in another file by its line — never
 * by a span, whose offsets are the finding's file's (person14 P3: a helper's N+1 listed "articles.js [Ln 13]", its own
 * line 13 under the other file's name).
 */
type RelatedLocation =
  | { span: Span; message: string; file?: undefined; line?: number }
  | { file: string; line: number; message: string; span?: Span };

export interface FixEdit {
  /** Replace this span of the file (empty span = insert). */
  span: Span;
  newText: string;
  file?: string;
}

export interface Fix {
  title: string;
  /** Edits in the same file; empty when the fix is a command (e.g. run CREATE INDEX). */
  edits: FixEdit[];
  /** A command for the editor/CLI to carry out instead of, or after, the edits. */
  command?: { id: string; args: unknown[] };
}
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Path of the file, as given to the analysis. */
  file?: string;
  /** One or two sentences: what to do about it; the docs page says more. */
  help?: string;
  fixes: Fix[];
  related?: RelatedLocation[];
  /** Facts behind the finding (plan costs, row counts, calls…), for hovers, JSON and SARIF. */
  evidence?: Record<string, unknown>;
  /** Where the code runs (request, job, migration, test, script, seed); see core/codeContext.ts. */
  context?: CodeContext;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

/** Line/column (both 0-based) for an offset; pass a precomputed index for many look-ups. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function positionAt(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}

/**
 * What a finding shows as a diagnostic and offers as fixes, as one string: the editor publishes a file's diagnostics
 * again only when this changed. Each publish is a marker change, and VS Code answers a marker change by asking for
 * code actions again, cancelling the Quick Fix the user asked for ("No code actions available" while a recording
 * refreshed its findings every 400 ms: issue 20 item 12). Evidence is not shown: left out.
 */
export function findingsSignature(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map((f) => [f.ruleId, f.severity, f.message, f.help ?? '', f.span.start, f.span.end, f.file ?? '',
    f.fixes.map((x) => [x.title, x.edits, x.command ?? null]), f.related ?? []]));
}
