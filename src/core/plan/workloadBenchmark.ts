/**
 * The workload benchmark's pure parts: where each $n of a pg_stat_statements text gets a value from,
 * the workload's percentiles (each statement weighted by its share of the calls), and the comparison of
 * two saved runs. The runs themselves are db/workloadBenchmark's.
 */
import type { BenchmarkRunSummary } from './benchmark';
import { captureEventsOf } from '../record/protocol';
import { isRead, readsCatalog, touchesTables } from '../record/ping';
import { roughNormalize } from '../record/statementText';
import { maxParamIndex, splitSqlStatements } from '../extract/sqlLexer';
import { constantsAtParameters, fingerprintSql, normalizeSql } from '../sql/statement';
import { CostIndex } from '../cost';
import { sameCall } from '../advice/workload';
import type { SiteFigure } from '../record/aggregate';

/** Where the value of one parameter comes from. */
/** What a stand-in value is, beside it (`$1 = 10 (a stand-in for LIMIT: the app's value was not recorded)`). */
export function standInNote(src: ParamSource | undefined): string | null {
  if (src?.kind !== 'literal') return null;
  return /select list/.test(src.why) ? `any value: ${src.why}` : `a stand-in for ${src.why}: the app's value was not recorded`;
}

export type ParamSource =
  | { kind: 'column'; table?: string; column: string; /** `col = ANY($1)`, `$1::int[]`: one value of the column, passed as an array. */ array?: boolean }
  | { kind: 'literal'; value: string; why: string };

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const OPS = String.raw`(?:=|<>|!=|<=|>=|<|>|\bi?like\b)`;
const unquote = (x: string) => (x.startsWith('"') ? x.slice(1, -1).replace(/""/g, '"') : x.toLowerCase());

const asArray = (s: ParamSource | undefined): ParamSource | undefined => (s?.kind === 'column' ? { ...s, array: true } : s);

/**
 * For each $1…$n of the text: the column it is compared with (`col = $1`, `t.col >= $2`, `$3 < col`, `col = ANY($4)` (an array),
 * `col IN ($1, …)`, `col BETWEEN $1 AND $2`), a fixed value for LIMIT (10), OFFSET (0), an interval cast
 * ('1 day') and a constant of the select list (1: `SELECT $2 FROM …`, any value); undefined for a parameter with none of these (the statement is then left out, with the reason).
 */
export function parameterSources(sql: string, count: number): (ParamSource | undefined)[] {
  const out: (ParamSource | undefined)[] = [];
  for (let k = 1; k <= count; k++) {
    const p = String.raw`\$${k}(?!\d)`;
    const col = (m: RegExpExecArray | null): ParamSource | undefined => (m ? { kind: 'column', ...(m[1] ? { table: unquote(m[1]) } : {}), column: unquote(m[2]) } : undefined);
    out.push(
      (new RegExp(String.raw`\blimit\s+${p}`, 'i').test(sql) ? { kind: 'literal', value: '10', why: 'LIMIT' } : undefined)
      ?? (new RegExp(String.raw`\boffset\s+${p}`, 'i').test(sql) ? { kind: 'literal', value: '0', why: 'OFFSET' } : undefined)
      ?? (new RegExp(String.raw`(?:\binterval\s+${p}|${p}\s*::\s*interval)`, 'i').test(sql) ? { kind: 'literal', value: '1 day', why: 'interval' } : undefined)
      // pg_stat_statements' stand-in for a constant of the select list (`SELECT EXISTS (SELECT 1 FROM …)` is kept as
      // `SELECT $2`): any value returns the same rows (person11 N25: "not run — $2 is not compared with a column").
      ?? (new RegExp(String.raw`(?:\bselect\s+(?:distinct\s+)?|,\s*)${p}\s*(?:::\s*\w+\s*)?(?:\s+as\s+${IDENT}\s*)?(?:,|\bfrom\b|\)|$)`, 'i').test(sql) && !new RegExp(String.raw`\(\s*[^()]*,\s*${p}\s*\)`).test(sql) ? { kind: 'literal', value: '1', why: 'a constant of the select list' } : undefined)
      ?? asArray(col(new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*${OPS}\s*any\s*\(\s*${p}`, 'i').exec(sql)))
      ?? col(new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*${OPS}\s*${p}`, 'i').exec(sql))
      ?? col(new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s+(?:not\s+)?in\s*\([^)]*${p}`, 'i').exec(sql))
      // The same function on both sides: lower(email) = lower($1) draws a value of email.
      ?? col(new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*\)\s*${OPS}\s*[A-Za-z_]\w*\s*\(\s*${p}\s*\)`, 'i').exec(sql))
      ?? col(new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s+(?:not\s+)?between\s+(?:\S+\s+and\s+)?${p}`, 'i').exec(sql))
      ?? (() => {
        const m = new RegExp(String.raw`${p}\s*${OPS}\s*(?:(${IDENT})\s*\.\s*)?(${IDENT})`, 'i').exec(sql);
        return m ? { kind: 'column' as const, ...(m[1] ? { table: unquote(m[1]) } : {}), column: unquote(m[2]) } : undefined;
      })(),
    );
  }
  return out;
}

/** One statement to replay: from pg_stat_statements, a .sql file, or a recording (`pg-lens record`, Record Queries). */
export interface WorkloadStatement {
  /** The key --compare matches runs by: pg_stat_statements' queryid, else libpg_query's fingerprint of the text. */
  queryid: string;
  query: string;
  /** Its weight in the workload: calls recorded (1 per statement of a .sql file). */
  calls: number;
  /** Values recorded with the statement (the capture's opt-in values); absent: drawn from pg_stats. */
  values?: unknown[];
  /** Where `values` came from: sent by the app and recorded (the default), given by the user (Benchmark's prompt), or the code's literals (valuesFromCode). */
  valuesFrom?: 'recorded' | 'yours' | 'code';
  /** With valuesFrom 'code': the place in the code they were written (`src/orders.ts:70`), and what else the code sends. */
  valuesAt?: string;
}

/** One statement found in the code, and where (`src/orders.ts:70`). */
export interface CodeStatement {
  sql: string;
  at: string;
  /** The 1-based lines of the call the SQL is passed to (extract's callSpan or calledBy): a recording names the call by its line. */
  callLines?: { from: number; to: number };
  /** The calls recorded from this place (a recording's: withRecordedCalls), when known: of places sending other values, the busiest gives them. */
  calls?: number;
}

/** A statement a recording saw one line of code send, and how often: `at` is the call's place as the recording names it (`src/orders.ts:69`). */
export interface RecordedCall {
  at: string;
  sql: string;
  calls: number;
}

/**
 * What a recording (`pg-lens record`'s file, the editor's Record Queries) saw each line of code send: its summary's sites,
 * each statement with its calls there, the place named by `rel` as the code's places are (the CLI's path from the folder it
 * runs in, the editor's workspace-relative one). A connection's set-up and statements without a line of code are left out.
 */
export function recordedCallsOf(sites: readonly Pick<SiteFigure, 'file' | 'line' | 'connection' | 'statements'>[], rel: (file: string) => string): RecordedCall[] {
  return sites.flatMap((site) => (site.file && site.line && !site.connection ? site.statements.map((st) => ({ at: `${rel(site.file!)}:${site.line}`, sql: st.sql, calls: st.calls })) : []));
}

/**
 * The code's places with the calls a recording saw each make (CodeStatement.calls): a recorded statement counts at the
 * place of the code whose call is on its line (advice/workload sameCall: the recording names the call's line, the code
 * the line its SQL starts on) and whose statement it is (the same key: fingerprint, else normalised text); where one call
 * holds several such places, the one with the recorded text. A place the recording never saw has 0. No recorded call: the
 * places as they are (calls unknown — the first place in the order given, as before). Call loadPgParser first.
 */
export function withRecordedCalls<C extends CodeStatement>(code: readonly C[], recorded: readonly RecordedCall[]): (C & { calls?: number })[] {
  if (!recorded.length) return [...code];
  const calls = new Map<C, number>(code.map((c) => [c, 0]));
  // The places of each file, and their keys when first compared (a workspace's thousands of statements, a recording's few lines).
  const fileOf = (at: string) => at.replace(/:\d+$/, '');
  const byFile = new Map<string, C[]>();
  for (const c of code) {
    const list = byFile.get(fileOf(c.at));
    if (list) list.push(c);
    else byFile.set(fileOf(c.at), [c]);
  }
  const keys = new Map<C, string>();
  const key = (c: C) => keys.get(c) ?? keys.set(c, keyOf(c.sql)).get(c)!;
  const flat = (x: string) => x.replace(/\s+/g, ' ').trim();
  for (const r of recorded) {
    const call = { source: r.at, recorded: { calls: r.calls, totalMs: 0 } };
    const onLine = (byFile.get(fileOf(r.at)) ?? []).filter((c) => sameCall({ source: c.at, ...(c.callLines ? { callLines: c.callLines } : {}) }, call));
    const rKey = onLine.length ? keyOf(r.sql) : '';
    const places = onLine.filter((c) => key(c) === rKey);
    const place = places.length > 1 ? (places.find((c) => flat(c.sql) === flat(r.sql)) ?? places[0]) : places[0];
    if (place) calls.set(place, calls.get(place)! + r.calls);
  }
  return code.map((c) => ({ ...c, calls: calls.get(c)! }));
}

/** The code's literals for a pg_stat_statements entry's `$1…$n`: where they were written, and the places sending other values. */
export interface CodeValues {
  /**
   * Per `$n` of the entry: the code's constant there, or undefined where the code passes a parameter of its own (`customer_id
   * = $1` beside `status = 'refunded'`: the entry's `$1` is the code's `$1`) — those are in `ownParams`, a stand-in each.
   */
  values: (string | undefined)[];
  at: string;
  /** The entry's `$n` (1-based) the code passes as parameters of its own: no value in the code. */
  ownParams?: number[];
  /** The calls recorded from `at`, when the place was chosen by them (the busiest of the places sending other values). */
  calls?: number;
  /** With `calls`: the calls recorded from every place of the code sending the entry (297 of these 310). */
  recordedCalls?: number;
  /** Other places of the code that send this statement with other literals (`src/admin.ts:12 ('pending')`). */
  others: string[];
}

/**
 * Values the application sends for a pg_stat_statements entry whose `$n` stand for constants written in the code
 * (pg_stat_statements keeps `status = $1` for the app's `status = 'refunded'`): the code's statements matched to the entry
 * as the cost lens matches them (CostIndex: fingerprint, then normalised text), and the constants at its `$1…$n`
 * (constantsAtParameters). A statement that passes parameters of its own beside its literals (`customer_id = $1 AND status
 * = 'refunded'`, kept as `$1 … $2`: PostgreSQL numbers the constants after the statement's own parameters) takes its
 * literals where it has them; its own parameters are left undefined (`ownParams`), each a stand-in — before, one such
 * parameter sent every `$n` to the statistics (issue 20). Several places with different literals: the one with the most
 * calls recorded (`calls`, fed by a recording: withRecordedCalls), when known, with the calls of all (`recordedCalls`); else the first in the order given, the others named (`others`) so the line says
 * "also sent with other values at …". Undefined when no place of the code writes a constant at any `$n`, or one place has a
 * `$n` that is neither its constant nor its own parameter. Call loadPgParser first.
 */
export function valuesFromCode(entry: string, code: readonly CodeStatement[], n: number): CodeValues | undefined {
  if (n < 1 || !code.length) return undefined;
  const index = new CostIndex([{ queryid: 'entry', query: entry, calls: 1, rows: 0, totalMs: 0, meanMs: 0 }]);
  const found: { at: string; values: (string | undefined)[]; own: number[]; calls?: number }[] = [];
  for (const c of code) {
    if (!index.find(c.sql)) continue;
    const consts = constantsAtParameters(c.sql);
    if (!consts) continue;
    const mine = maxParamIndex(c.sql);
    const values = Array.from({ length: n }, (_, i) => consts.get(i + 1));
    const own = values.flatMap((v, i) => (v === undefined && i + 1 <= mine ? [i + 1] : []));
    if (values.every((v, i) => v !== undefined || i + 1 <= mine) && own.length < n) found.push({ at: c.at, values, own, ...(c.calls !== undefined ? { calls: c.calls } : {}) });
  }
  if (!found.length) return undefined;
  const same = (a: readonly (string | undefined)[], b: readonly (string | undefined)[]) => a.every((x, i) => x === b[i]);
  const differ = found.some((f) => !same(f.values, found[0].values));
  // The busiest place, when the calls of the places are known (ties: the first of them in the order given). A recording that
  // saw none of them (0 calls each) tells nothing: the first place then, as without one.
  const counted = found.filter((f) => f.calls !== undefined);
  const recordedCalls = counted.reduce((n, f) => n + f.calls!, 0);
  const chosen = differ && recordedCalls > 0 ? counted.reduce((a, b) => (b.calls! > a.calls! ? b : a)) : found[0];
  const shown = (v: readonly (string | undefined)[]) => v.map((x, i) => (x === undefined ? `$${i + 1}` : `'${x}'`)).join(', ');
  const others = found.filter((f) => !same(f.values, chosen.values)).map((f) => `${f.at} (${shown(f.values)})`);
  const byCalls = others.length && recordedCalls > 0 && chosen.calls !== undefined;
  return { values: chosen.values, at: chosen.at, ...(chosen.own.length ? { ownParams: chosen.own } : {}), ...(byCalls ? { calls: chosen.calls, recordedCalls } : {}), others };
}

/** The note beside a value that stands in for a parameter the code passes itself (CodeValues.ownParams): that parameter's only. */
export function ownParameterNote(k: number, src: ParamSource | undefined): string {
  const note = standInNote(src);
  // Any value does (a select-list constant): said as it is. A LIMIT's, an OFFSET's made-up value: named with the parameter.
  if (note?.startsWith('any value')) return note;
  if (src?.kind === 'literal') return `a stand-in for the code's own $${k} (${src.why}): the app's value was not recorded`;
  return `a stand-in for the code's own $${k}, from the column statistics: the app's value was not recorded`;
}

export interface WorkloadStatementRun {
  queryid: string;
  query: string;
  /** Calls recorded by pg_stat_statements when the run started: the statement's weight in the workload. */
  calls: number;
  params?: unknown[];
  /** Where the parameter values came from. */
  paramsFrom?: 'recorded' | 'yours' | 'code' | 'statistics';
  /** With paramsFrom 'code': where the code writes them (`src/orders.ts:70`), and the places sending other values. */
  paramsAt?: string;
  paramsOthers?: string[];
  /** With paramsOthers: the calls recorded from `paramsAt`, when the place was chosen as the one sending it most. */
  paramsAtCalls?: number;
  /** With paramsAtCalls: the calls recorded from every place of the code sending the statement. */
  paramsRecordedCalls?: number;
  /**
   * Its values are stand-ins the app did not send (drawn from the column statistics, a LIMIT's 10): its samples are left
   * out of the workload's figures (person53 M-1: pg_stats' 'delivered', 27,145 rows, set the p99; the app sends 'refunded', 165).
   */
  standIn?: boolean;
  /**
   * Per parameter, a value that is neither the app's nor the statistics' but a stand-in (`a stand-in for LIMIT`, `any
   * value: a constant of the select list`), said beside it (person11 N25: "limit $1 — with $1 = 10" read as the app's).
   */
  paramNotes?: (string | null)[];
  run?: BenchmarkRunSummary;
  /** Why it was not run (a parameter without a value, a refused statement, …). */
  skipped?: string;
}

export interface WorkloadRun {
  kind: 'pg-lens workload benchmark';
  at: number;
  database: string;
  /** What was replayed: 'pg_stat_statements', or the file given with --file. */
  source?: string;
  statements: WorkloadStatementRun[];
  /**
   * Percentiles of one call of the workload: every sample weighted by its statement's share of the calls — of the
   * statements run with the app's values (recorded, yours, the code's, or none): stand-ins left out.
   */
  workload: { p50: number; p95: number; p99: number; mean: number } | null;
  /** The same with the statements run on stand-in values too, when there were any (standIn). */
  workloadWithStandIns?: { p50: number; p95: number; p99: number; mean: number } | null;
}

/** Whether a statement's values are stand-ins the app did not send: drawn from the statistics, or a LIMIT's made-up 10 (a select-list constant's any value changes nothing). */
export function isStandIn(s: Pick<WorkloadStatementRun, 'paramsFrom' | 'paramNotes' | 'params'>, count: number): boolean {
  // The code's literals with a stand-in for a parameter the code passes itself (ownParameterNote): not all the app's values.
  if (s.paramsFrom === 'code') return (s.paramNotes ?? []).some((note) => !!note && !note.startsWith('any value'));
  if (s.paramsFrom !== 'statistics') return false;
  return Array.from({ length: count }, (_, i) => s.paramNotes?.[i]).some((note) => !note || !note.startsWith('any value'));
}

/** Percentiles of weighted samples (weights need not sum to 1). */
export function weightedPercentiles(samples: readonly { ms: number; weight: number }[]): WorkloadRun['workload'] {
  const s = samples.filter((x) => x.weight > 0 && Number.isFinite(x.ms)).sort((a, b) => a.ms - b.ms);
  const total = s.reduce((n, x) => n + x.weight, 0);
  if (!s.length || total <= 0) return null;
  // Nearest rank, as core/plan/benchmark's percentile: one statement's samples give its own p50 (person55 L-1: 3.884 ms
  // beside a workload p50 of 4.073 ms from the same 50 samples). The weights are summed in floating point (23 calls over
  // 50 runs: 0.46 each), so the sum that reaches the rank may fall short of it by a rounding error: allowed for.
  const at = (p: number) => {
    const rank = (p / 100) * total * (1 - 1e-12);
    let acc = 0;
    for (const x of s) {
      acc += x.weight;
      if (acc >= rank) return x.ms;
    }
    return s[s.length - 1].ms;
  };
  return { p50: at(50), p95: at(95), p99: at(99), mean: s.reduce((n, x) => n + x.ms * x.weight, 0) / total };
}

export interface WorkloadChange {
  queryid: string;
  query: string;
  beforeP50: number;
  afterP50: number;
  /** after / before: below 1 is faster. */
  ratio: number;
}

/**
 * Statements in both runs (by queryid), with their p50 change; a regression is at least `share` slower
 * and at least `minMs` more (noise on sub-millisecond statements is not a regression).
 */
export function compareWorkloads(before: WorkloadRun, after: WorkloadRun, opts: { share?: number; minMs?: number } = {}): { changes: WorkloadChange[]; regressions: WorkloadChange[]; improvements: WorkloadChange[]; missing: string[] } {
  const share = opts.share ?? 0.2;
  const minMs = opts.minMs ?? 0.5;
  const was = new Map(before.statements.filter((s) => s.run).map((s) => [s.queryid, s]));
  const changes: WorkloadChange[] = [];
  for (const s of after.statements) {
    const b = was.get(s.queryid);
    if (!b?.run || !s.run) continue;
    changes.push({ queryid: s.queryid, query: s.query, beforeP50: b.run.p50, afterP50: s.run.p50, ratio: b.run.p50 > 0 ? s.run.p50 / b.run.p50 : NaN });
  }
  const seen = new Set(changes.map((c) => c.queryid));
  return {
    changes,
    regressions: changes.filter((c) => c.ratio >= 1 + share && c.afterP50 - c.beforeP50 >= minMs),
    improvements: changes.filter((c) => c.ratio <= 1 / (1 + share) && c.beforeP50 - c.afterP50 >= minMs),
    missing: [...was.keys()].filter((id) => !seen.has(id)),
  };
}

/** A saved run read back: the shape is checked, so a wrong file is one clear line. */
export function parseWorkloadRun(raw: unknown): WorkloadRun | undefined {
  const r = raw as WorkloadRun;
  return r && typeof r === 'object' && r.kind === 'pg-lens workload benchmark' && Array.isArray(r.statements) && r.statements.every((s) => s && typeof s.queryid === 'string') ? r : undefined;
}

/** The key a statement from a file is compared by: the same for texts differing only in constants and layout. */
function keyOf(text: string): string {
  return fingerprintSql(text) ?? (normalizeSql(text) ?? roughNormalize(text));
}

/**
 * The statements of a workload file (call loadPgParser first): a recording, one capture event per line
 * (what the capture modules write: `pg-lens record`, Record Queries), grouped by normalised statement, reads
 * of the app's tables only, the most time first, each with the values of its first run that recorded them;
 * or a .sql file of statements, each weighted 1. `ignored`: recorded lines that are not reads of the app's
 * tables (writes, SET, catalog reads, failed runs, lines that are not capture events).
 */
export function workloadFromFile(text: string): { kind: 'recording' | 'sql'; statements: WorkloadStatement[]; ignored: number } {
  const firstLine = text.split('\n').find((l) => l.trim()) ?? '';
  if (!firstLine.trimStart().startsWith('{')) {
    const statements = splitSqlStatements(text).map((r) => r.text.trim()).filter(Boolean).map((q) => ({ queryid: keyOf(q), query: q, calls: 1 }));
    return { kind: 'sql', statements, ignored: 0 };
  }
  const groups = new Map<string, { st: WorkloadStatement; ms: number }>();
  const { events, notEvents } = captureEventsOf(text);
  let ignored = notEvents;
  for (const e of events) {
    if (e.t !== 'q' || e.err) {
      ignored++;
      continue;
    }
    const norm = normalizeSql(e.sql) ?? roughNormalize(e.sql);
    if (!isRead(norm) || !touchesTables(norm) || readsCatalog(norm)) {
      ignored++;
      continue;
    }
    let g = groups.get(norm);
    if (!g) groups.set(norm, (g = { st: { queryid: keyOf(e.sql), query: e.sql, calls: 0 }, ms: 0 }));
    g.st.calls++;
    g.ms += e.ms;
    if (!g.st.values && e.pv && e.pv.length >= e.pc) g.st.values = e.pv.slice(0, e.pc);
  }
  const statements = [...groups.values()].sort((a, b) => b.ms - a.ms).map((g) => g.st);
  return { kind: 'recording', statements, ignored };
}
