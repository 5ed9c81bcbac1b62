/**
 * The recorded CodeLens of a file (pure): at each recorded call site, what it sent and how often — "12 calls · 3.40 ms
 * client time · 10× per request", with ": N+1" where the Problems panel has the line's N+1 (not where a pg-lens-ignore
 * comment or the rule's setting silences it). The same lines while the app runs (from the figures kept up as each
 * statement arrives: core/record/live) and after Stop.
 */
import type { RecordSummary } from './aggregate';
import { countOf, formatCount } from '../format';
import { fitTitle, RECORDED_LENS_ROOM } from '../cost';

export interface RecordedLens {
  /** 1-based line of the call site. */
  line: number;
  title: string;
  /** What the title counts and whose time it is, in full. */
  tooltip: string;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/**
 * The title of a recorded call site, longest first that fits in `room` (RECORDED_LENS_ROOM, the room the cost lens leaves
 * it): what is counted is calls (the statements this line sent, each time), and the time is the client's — the app's
 * round trips, under whatever load the recording ran — not the server's mean (person42 L4: "4 statements · 214 ms · 1×
 * per request" over a statement whose pg_stat_statements mean is 0.44 ms read as 4 statements taking 214 ms each way).
 */
export function recordedLensTitle(site: { calls: number; totalMs: number }, per: { times: number; kind?: string } | undefined, nPlusOne: boolean, room = RECORDED_LENS_ROOM): string {
  const calls = `${formatCount(site.calls)} call${site.calls === 1 ? '' : 's'}`;
  const ms = fmtMs(site.totalMs);
  const n = nPlusOne ? ': N+1' : '';
  const long = per ? ` · ${per.times}× ${per.kind ? `per ${per.kind}` : 'in one run'}` : '';
  const short = per ? ` · ${per.times}×${per.kind ? `/${per.kind}` : ''}` : '';
  return fitTitle([
    `${calls} · ${ms} client time${long}${n}`,
    `${calls} · ${ms} client${long}${n}`,
    `${calls} · ${ms} client${short}${n}`,
  ], room);
}

/** The lenses of `file` (absolute path, as the capture reported it); `silenced`: the lines whose N+1 is silenced. */
export function recordedLenses(summary: RecordSummary | undefined, file: string, silenced: ReadonlySet<number> = new Set()): RecordedLens[] {
  const out: RecordedLens[] = [];
  for (const site of summary?.sites ?? []) {
    if (site.file !== file || !site.line) continue;
    const n = silenced.has(site.line) ? undefined : summary!.nPlusOne.find((x) => x.file === site.file && x.line === site.line);
    const worst = site.statements.reduce((m, s) => Math.max(m, s.maxPerUnit), 0);
    const kind = site.statements[0]?.maxUnitKind;
    const per = kind && kind !== 'root' ? { times: worst, kind } : worst > 1 ? { times: worst } : undefined;
    const perText = per ? (per.kind ? `, at most ${per.times}× per ${per.kind}` : `, at most ${per.times}× in one run`) : '';
    out.push({
      line: site.line,
      title: recordedLensTitle(site, per, !!n),
      tooltip: `Recorded by PG Lens: this line sent ${countOf(site.calls, 'statement call')}${perText}, ${fmtMs(site.totalMs)} in all as the application timed them — client round trips (network, pool wait and the server's time, under the load the recording ran), not the server's time alone (the cost lens's mean, from pg_stat_statements).${n ? ' An N+1 loop: see Problems.' : ''} Click for plans and index advice.`,
    });
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
