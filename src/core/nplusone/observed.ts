/**
 * Observed N+1 (pure): figures from pg_stat_statements (a delta over a recording, or totals),
 * matched back to the SQL in the code, flagged when a statement ran very often with about one
 * row per call — the signature of a query in a loop (Sentry's N+1 detector looks for the same
 * shape in traces: many similar spans, each small; Prosopite for the same fingerprint repeated).
 *
 * Matching: by query id (EXPLAIN VERBOSE "Query Identifier" = pg_stat_statements.queryid, PG 14+)
 * when the caller could compute one for a site, else by normalised text (constants → $n).
 */
import type { Finding, Span } from '../findings';
import { RULE_ID } from './ruleId';
import { recordedWhere, shortLine } from '../format';
import { lineStarts, positionAt } from '../findings';
import { applySuppressions } from '../suppress';
import { isConnectionPing } from '../record/ping';

/** One statement's figures, as read from pg_stat_statements (or the difference of two snapshots). */
export interface StatementFigures {
  /** pg_stat_statements.queryid as a decimal string (64-bit: never a JS number). */
  queryid: string;
  /** Statement text as pg_stat_statements shows it (constants as $n), when read. */
  query?: string;
  calls: number;
  rows: number;
  totalExecTimeMs: number;
  /** PG Lens's own runs of the statement (Benchmark) in the window, as core/cost windowAppFigures took them out. */
  own?: OwnRunsInWindow;
}

/**
 * What a window's figures did with PG Lens's own runs: `leftOut` calls (and their rows) taken out; `timeIncluded` of
 * them whose time stays in the total (not measured on the server); `upTo`: how many of the calls may still be PG Lens's
 * (a Benchmark under way at the window's end, or an entry that cannot be told apart from them) — never counted as the app's.
 */
interface OwnRunsInWindow {
  leftOut?: number;
  timeIncluded?: number;
  upTo?: number;
}

/** The calls surely the application's: those that may be PG Lens's own runs (OwnRunsInWindow.upTo) are not. */
function appCalls(s: StatementFigures): number {
  return Math.max(0, s.calls - (s.own?.upTo ?? 0));
}

/** The mean of the calls whose time is in the total: the app's and PG Lens's runs not measured (core/cost appFigures). */
function meanMs(s: StatementFigures): number {
  return s.totalExecTimeMs / Math.max(1, s.calls + (s.own?.timeIncluded ?? 0));
}

/** What the figures did with PG Lens's own runs, said beside them ('' when none were in the window). */
function ownRunsPhrase(s: StatementFigures): string {
  const o = s.own;
  if (!o) return '';
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  const parts = [
    ...(o.leftOut ? [`${runs(o.leftOut)} of PG Lens's own Benchmark left out${o.timeIncluded ? ` (the time of ${o.timeIncluded} of them, not measured on the server, still in the total)` : ''}`] : []),
    ...(o.upTo ? [`up to ${o.upTo} of them PG Lens's own Benchmark runs (under way when the window ended, or not told apart from the app's)`] : []),
  ];
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** A place in the code that sends a statement, with its query id when one could be computed. */
export interface SqlSiteRef {
  file: string;
  /** The call (or SQL) span in the file, for diagnostics. */
  span: Span;
  /** 0-based line of span.start (for grouping and reports). */
  line: number;
  /** SQL with $n placeholders. */
  sql: string;
  queryId?: string;
  /** normalizeSql(sql), when the caller computed it (text fallback). */
  normalized?: string;
  /**
   * The code sends it once per item of a loop (the static N+1 detector reports this call). Only such
   * sites get an observed N+1: pg_stat_statements has no units of work, so a one-row lookup run once
   * per request under traffic shows the same figures as a query in a loop.
   */
  inLoop?: boolean;
}

/**
 * The sites of one file: SQL discovery and the N+1 detector may both know a call (the call, or its
 * literal), so a span overlapping one already taken is the same call and is dropped (the first wins).
 * A site is `inLoop` when one of the static detector's findings (`loops`, their spans) covers it, or
 * starts on its line.
 */
export function siteRefsOf(file: string, text: string, calls: readonly { span: Span; sql: string }[], loops: readonly Span[]): SqlSiteRef[] {
  const starts = lineStarts(text);
  const lineOf = (at: number) => positionAt(starts, at).line;
  const loopLines = new Set(loops.map((l) => lineOf(l.start)));
  const out: SqlSiteRef[] = [];
  for (const { span, sql } of calls) {
    if (out.some((k) => k.span.start < span.end && span.start < k.span.end)) continue;
    const line = lineOf(span.start);
    const inLoop = loopLines.has(line) || loops.some((l) => l.start < span.end && span.start < l.end);
    out.push({ file, span, line, sql, inLoop });
  }
  return out;
}

export interface ObservedOptions {
  /** At least this many calls in the window (default 50). */
  minCalls?: number;
  /** At most this many rows per call on average (default 1.5: "about one row per call"). */
  maxRowsPerCall?: number;
}

const OBSERVED_DEFAULTS: Required<ObservedOptions> = { minCalls: 50, maxRowsPerCall: 1.5 };

/** Called very often, about one row each: the run-time signature of an N+1. */
export function isRepeatedSmall(s: StatementFigures, opts: ObservedOptions = {}): boolean {
  const o = { ...OBSERVED_DEFAULTS, ...opts };
  // A connection ping (Django's health check, a pool's validation query) is the driver's, never a repeated statement.
  // Calls that may be PG Lens's own Benchmark runs do not count towards it (a 100-run Benchmark is no N+1: issue 20).
  return appCalls(s) >= o.minCalls && s.rows / Math.max(1, s.calls) <= o.maxRowsPerCall && !(s.query !== undefined && isConnectionPing(s.query, { stored: true }));
}

/** after − before per query id; statements that did not run in between are left out. */
export function diffFigures(before: Map<string, StatementFigures>, after: Map<string, StatementFigures>): StatementFigures[] {
  const out: StatementFigures[] = [];
  for (const [id, a] of after) {
    const b = before.get(id);
    // A reset (pg_stat_statements_reset) or eviction in between makes counters go down: take `after` as the delta.
    const reset = b !== undefined && a.calls < b.calls;
    const calls = reset || !b ? a.calls : a.calls - b.calls;
    if (calls <= 0) continue;
    out.push({
      queryid: id,
      query: a.query ?? b?.query,
      calls,
      rows: reset || !b ? a.rows : Math.max(0, a.rows - b.rows),
      totalExecTimeMs: reset || !b ? a.totalExecTimeMs : Math.max(0, a.totalExecTimeMs - b.totalExecTimeMs),
    });
  }
  return out.sort((x, y) => y.calls - x.calls);
}

export interface ObservedMatch {
  statement: StatementFigures;
  /** The code that sends it (several places may send the same statement). */
  sites: SqlSiteRef[];
  matchedBy: 'query-id' | 'text' | 'none';
  /**
   * Where the capture (Start Recording) saw the app send it in the same window, with the calls the capture
   * counted. pg_stat_statements counts every client of the server; these are the recording's own figures.
   */
  recorded?: RecordedAt[];
}

/**
 * A call site the capture recorded a statement at (1-based line) and how often it sent it there; no file: the
 * recorded app sent it with no frame of its code on the stack (a library's own work), still the recording's.
 */
export interface RecordedAt {
  file?: string;
  line?: number;
  calls: number;
}

/**
 * Attach the capture's call sites to the pg_stat_statements statements they sent (person10 N9: the report said
 * "Not matched to code … 350 calls" for statements the recording had at their lines, 50 calls each). `key` is the
 * statement's identity for both texts (the fingerprint: equal for the text as sent and pg_stat_statements' $n form).
 */
export function attachRecorded(matches: ObservedMatch[], recorded: readonly (RecordedAt & { sql: string })[], key: (sql: string) => string | undefined): ObservedMatch[] {
  const byKey = new Map<string, RecordedAt[]>();
  for (const r of recorded) {
    const k = key(r.sql);
    if (k) push(byKey, k, { file: r.file, line: r.line, calls: r.calls });
  }
  return matches.map((m) => {
    const k = m.statement.query ? key(m.statement.query) : undefined;
    const at = k ? byKey.get(k) : undefined;
    return at?.length ? { ...m, recorded: at } : m;
  });
}

/**
 * Match statements to sites: query id first, then normalised text. `normalize` is normalizeSql
 * from core/sql/statement (the caller loads the parser); it is applied to statement texts and
 * to sites that have no `normalized` yet.
 */
export function matchStatements(statements: StatementFigures[], sites: SqlSiteRef[], normalize: (sql: string) => string | undefined): ObservedMatch[] {
  const byId = new Map<string, SqlSiteRef[]>();
  const byText = new Map<string, SqlSiteRef[]>();
  for (const s of sites) {
    if (s.queryId) push(byId, s.queryId, s);
    const n = s.normalized ?? canonical(normalize(s.sql) ?? s.sql);
    push(byText, canonical(n), s);
  }
  return statements.map((st) => {
    const idSites = byId.get(st.queryid);
    if (idSites?.length) return { statement: st, sites: idSites, matchedBy: 'query-id' as const };
    if (st.query) {
      const t = canonical(normalize(st.query) ?? st.query);
      const textSites = byText.get(t);
      if (textSites?.length) return { statement: st, sites: textSites, matchedBy: 'text' as const };
    }
    return { statement: st, sites: [], matchedBy: 'none' as const };
  });
}

/** Whitespace, trailing semicolons and case of keywords do not change a statement. */
export function canonical(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim().toLowerCase();
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function describeFigures(s: StatementFigures, recordedCalls?: number): string {
  const perCall = s.rows / Math.max(1, s.calls);
  const mean = meanMs(s);
  const calls = recordedCalls === undefined ? `${s.calls} calls` : `${s.calls} calls on the server (${recordedCalls} recorded here)`;
  return `${calls}, ${fmt(perCall)} rows/call, ${fmt(s.totalExecTimeMs)} ms total (${fmt(mean)} ms mean)${ownRunsPhrase(s)}`;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/**
 * Findings at the line of code for the flagged statements the code sends in a loop (one per line of
 * code: SQL discovery and the detector may both know a call). Flagged statements sent outside a loop
 * get no finding: their figures alone cannot tell a loop from traffic (see observedReport).
 */
export function observedFindings(matches: ObservedMatch[], opts: ObservedOptions = {}, window = 'while recording'): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const m of matches) {
    // What the capture recorded has its own finding, from the run's own figures (per unit of work).
    if (!isRepeatedSmall(m.statement, opts) || m.recorded?.length) continue;
    for (const site of m.sites) {
      const key = `${site.file}\u0000${site.line}`;
      if (!site.inLoop || seen.has(key)) continue;
      seen.add(key);
      const s = m.statement;
      out.push({
        ruleId: RULE_ID,
        severity: 'warning',
        message: `Observed N+1: this statement ran ${s.calls} times ${window} with ${fmt(s.rows / Math.max(1, s.calls))} rows per call (${fmt(s.totalExecTimeMs)} ms in total${ownRunsPhrase(s)}), and this code sends it once per item of a loop. Load the rows for all keys with one query.`,
        span: site.span,
        file: site.file,
        help: 'Many calls of one statement, each returning about one row, sent from inside a loop: batch the keys (= ANY($1), IN, the ORM\'s preload) into one query.',
        fixes: [],
        evidence: {
          observed: true, queryid: s.queryid, calls: s.calls, rows: s.rows, rowsPerCall: s.rows / Math.max(1, s.calls),
          totalExecTimeMs: s.totalExecTimeMs, meanExecTimeMs: meanMs(s), matchedBy: m.matchedBy, query: s.query, ...(s.own ? { ownRuns: s.own } : {}),
        },
      });
    }
  }
  return out;
}

/**
 * The observed findings each file shows: through the one suppression step every finding takes (applySuppressions: a
 * `pg-lens-ignore n-plus-one` comment on or above the line, the rule's severity setting), so an N+1 ignored in the code
 * is not shown again by the pg_stat_statements half of a recording. Files whose text is not known are left out.
 */
export function observedFindingsByFile(findings: readonly Finding[], texts: ReadonlyMap<string, string>, severity: Record<string, string> = {}): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) if (f.file && texts.has(f.file)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const out = new Map<string, Finding[]>();
  for (const [file, fs] of byFile) {
    const kept = applySuppressions(texts.get(file)!, fs, severity);
    if (kept.length) out.set(file, kept);
  }
  return out;
}

/** The flagged statements some site sends in a loop: the observed N+1s (the capture's recorded statements are its own). */
export function observedNPlusOnes(matches: ObservedMatch[], opts: ObservedOptions = {}): ObservedMatch[] {
  return matches.filter((m) => isRepeatedSmall(m.statement, opts) && !m.recorded?.length && m.sites.some((s) => s.inLoop));
}

/** Heading of the pg_stat_statements part: its figures are the whole server's, not one app's. */
const SERVER_WIDE_HEADING = "pg_stat_statements over the same time: the whole server's figures (every client of the database, also processes PG Lens did not record).";

/**
 * A plain-text report of the repeated statements, grouped by source location: first those the code
 * sends in a loop (observed N+1s), then the other repeated one-row statements (per-request lookups
 * under traffic look the same: not called N+1), then those not matched to code.
 */
export function observedReport(matches: ObservedMatch[], opts: ObservedOptions = {}, relPath: (file: string) => string = (f) => f): string {
  const flagged = matches.filter((m) => isRepeatedSmall(m.statement, opts));
  const lines: string[] = [];
  const o = { ...OBSERVED_DEFAULTS, ...opts };
  const recorded = flagged.filter((m) => m.recorded?.length);
  const rest = flagged.filter((m) => !recorded.includes(m));
  const loops = rest.filter((m) => m.sites.some((s) => s.inLoop));
  const others = rest.filter((m) => m.sites.length && !loops.includes(m));
  const unmatched = rest.filter((m) => !m.sites.length);
  lines.push(SERVER_WIDE_HEADING, `Repeated statements (≥ ${o.minCalls} calls, ≤ ${o.maxRowsPerCall} rows per call, all clients): ${flagged.length}`);
  if (recorded.length) {
    lines.push('', `Recorded by PG Lens (the recording's own calls in brackets; its N+1 findings count those, per unit of work): ${recorded.length}`);
    // One entry per statement, the server's figures once, its call sites under it (person17 LOW 3: a statement sent from
    // four lines was listed four times, each with "13819 calls on the server").
    for (const m of recorded) {
      const at = [...m.recorded!].sort((a, b) => b.calls - a.calls);
      lines.push('', shortLine(m.statement.query ?? `queryid ${m.statement.queryid}`, 200), `  ${describeFigures(m.statement, at.reduce((n, r) => n + r.calls, 0))} [recorded]`);
      for (const r of at) lines.push(`  at ${recordedWhere(r.file, r.line, relPath)}: ${r.calls} recorded`);
    }
  }
  const section = (title: string, ms: ObservedMatch[], inLoop: boolean | undefined) => {
    if (!ms.length) return;
    lines.push('', title);
    const byLocation = new Map<string, ObservedMatch[]>();
    for (const m of ms) {
      for (const s of m.sites) {
        if (inLoop !== undefined && Boolean(s.inLoop) !== inLoop) continue;
        const loc = `${relPath(s.file)}:${s.line + 1}`;
        if (!byLocation.get(loc)?.includes(m)) push(byLocation, loc, m);
      }
    }
    for (const [loc, at] of [...byLocation].sort((a, b) => sum(b[1]) - sum(a[1]))) {
      lines.push('', loc);
      for (const m of at) lines.push(`  ${describeFigures(m.statement)} [matched by ${m.matchedBy}]`, `    ${shortLine(m.statement.query ?? `queryid ${m.statement.queryid}`, 200)}`);
    }
  };
  section(`Observed N+1 (the code sends it once per item of a loop): ${loops.length}`, loops, true);
  // person16: the site (a repository's GetObject) is not in a loop, but its caller ran it once per file of a list. The
  // server's counts cannot tell that from a lookup once per request: said so, not "not sent in a loop".
  section(`Repeated, from code not itself in a loop: ${others.length}. pg_stat_statements cannot tell whether a caller runs these once per item of a loop (an N+1 through a function call) or once per request: it has no units of work, so they are not called N+1. To see calls per request of a Node or Python app, record with the capture (Start Recording, then run the app in a new terminal).`, others, false);
  if (unmatched.length) {
    lines.push('', 'Not matched to code (another client of the server, dynamic SQL, an ORM call not recorded, or a file that is not open/scanned):');
    for (const m of unmatched) lines.push(`  ${describeFigures(m.statement)}`, `    ${shortLine(m.statement.query ?? `queryid ${m.statement.queryid}`, 200)}`);
  }
  return lines.join('\n');
}

function sum(ms: ObservedMatch[]): number {
  return ms.reduce((s, m) => s + m.statement.calls, 0);
}
