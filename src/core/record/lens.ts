/**
 * The recorded CodeLens of a file (pure): at each recorded call site, what it sent and how often — "12 statements ·
 * 3.40 ms · 10× per request", with ": N+1" where the Problems panel has the line's N+1 (not where a pg-lens-ignore
 * comment or the rule's setting silences it). The same lines while the app runs (from the figures kept up as each
 * statement arrives: core/record/live) and after Stop.
 */
import type { RecordSummary } from './aggregate';
import { countOf } from '../format';

export interface RecordedLens {
  /** 1-based line of the call site. */
  line: number;
  title: string;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** The lenses of `file` (absolute path, as the capture reported it); `silenced`: the lines whose N+1 is silenced. */
export function recordedLenses(summary: RecordSummary | undefined, file: string, silenced: ReadonlySet<number> = new Set()): RecordedLens[] {
  const out: RecordedLens[] = [];
  for (const site of summary?.sites ?? []) {
    if (site.file !== file || !site.line) continue;
    const n = silenced.has(site.line) ? undefined : summary!.nPlusOne.find((x) => x.file === site.file && x.line === site.line);
    const worst = site.statements.reduce((m, s) => Math.max(m, s.maxPerUnit), 0);
    const kind = site.statements[0]?.maxUnitKind;
    const per = kind && kind !== 'root' ? ` · ${worst}× per ${kind}` : worst > 1 ? ` · ${worst}× in one run` : '';
    out.push({ line: site.line, title: `${countOf(site.calls, 'statement')} · ${fmtMs(site.totalMs)}${per}${n ? ': N+1' : ''}` });
  }
  return out;
}

/**
 * What the recorded lenses of the given files read (before silencing, which only an edit changes — and an edit makes
 * the editor ask for the lenses again): the editor asks the window to fetch them again only when this changed, not at
 * every refresh of the figures (each fetch is a round trip through a window that may be busy).
 */
export function recordedLensKey(summary: RecordSummary | undefined, files: readonly string[]): string {
  return JSON.stringify([...new Set(files)].sort().map((f) => [f, recordedLenses(summary, f)]));
}
