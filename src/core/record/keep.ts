/**
 * A recording kept across a window reload (person11 Q11: switching folder and back lost the recorded CodeLens, N+1s and
 * "289 statements recorded", where the docs promise recorded findings outlive closing their file). What is kept is the
 * recorded statements themselves, bounded (the most recent MAX_KEPT_EVENTS, none longer than the capture's own cut),
 * and never the parameter values the app sent unless pgLens.record.values allowed them; read back through the capture
 * protocol's own validation (asCaptureEvent), so a kept recording is what a live one would have been.
 */
import { asCaptureEvent, type NoticeEvent, type QueryEvent } from './protocol';
import type { StatementAdvice } from './format';

const KEPT_RECORDING_VERSION = 1;
/** The most recent statements kept (the rest are counted as dropped, as the listener counts its overflow). */
const MAX_KEPT_EVENTS = 20_000;

export interface KeptRecording {
  v: number;
  /** When it was kept (ms since the epoch). */
  at: number;
  events: QueryEvent[];
  notices: NoticeEvent[];
  dropped: number;
  /**
   * The index advice proved for its statements (by grouping key), with the connection each was proved on: the
   * recording's missing-index findings come back after a reload with its N+1s (person13 P6: only the N+1s did). One
   * store for both; advice proved on another database is still not shown there (findings.ts).
   */
  advice?: [string, StatementAdvice][];
}

export function keepRecording(events: readonly QueryEvent[], notices: readonly NoticeEvent[], dropped: number, opts: { values: boolean; at: number; max?: number; advice?: ReadonlyMap<string, StatementAdvice> }): KeptRecording {
  const max = opts.max ?? MAX_KEPT_EVENTS;
  const recent = events.length > max ? events.slice(events.length - max) : events;
  return {
    v: KEPT_RECORDING_VERSION,
    at: opts.at,
    events: recent.map((e) => (opts.values || e.pv === undefined ? e : { ...e, pv: undefined })),
    notices: [...notices],
    dropped: dropped + (events.length - recent.length),
    ...(opts.advice?.size ? { advice: [...opts.advice] } : {}),
  };
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** One kept advice entry read back, or undefined when it is not the shape keepRecording wrote. */
function adviceEntry(x: unknown): [string, StatementAdvice] | undefined {
  if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string' || !x[1] || typeof x[1] !== 'object') return undefined;
  const a = x[1] as Record<string, unknown>;
  if (!Array.isArray(a.suggestions)) return undefined;
  const suggestions: StatementAdvice['suggestions'] = [];
  for (const g of a.suggestions as Record<string, unknown>[]) {
    if (!g || typeof g.ddl !== 'string' || typeof g.summary !== 'string' || !isNum(g.costBefore) || !(g.costAfter === null || isNum(g.costAfter))) return undefined;
    const planBefore = Array.isArray(g.planBefore) ? g.planBefore.filter((l): l is string => typeof l === 'string') : [];
    suggestions.push({ ddl: g.ddl, summary: g.summary, costBefore: g.costBefore, costAfter: g.costAfter, planBefore, ...(g.index && typeof g.index === 'object' ? { index: g.index } : {}) });
  }
  return [x[0], {
    suggestions,
    ...(isNum(a.costBefore) ? { costBefore: a.costBefore } : {}),
    ...(typeof a.note === 'string' ? { note: a.note } : {}),
    ...(typeof a.provedOn === 'string' ? { provedOn: a.provedOn } : {}),
  }];
}

/** A kept recording read back (undefined when there is none, or it is not one this version wrote). */
export function restoreRecording(x: unknown, opts: { values: boolean }): KeptRecording | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const k = x as Record<string, unknown>;
  if (k.v !== KEPT_RECORDING_VERSION || !Array.isArray(k.events) || !Array.isArray(k.notices)) return undefined;
  const events: QueryEvent[] = [];
  for (const raw of k.events.slice(-MAX_KEPT_EVENTS)) {
    const e = asCaptureEvent(raw);
    // Values kept while pgLens.record.values allowed them are not read back once it is off.
    if (e?.t === 'q') events.push(opts.values ? e : { ...e, pv: undefined });
  }
  const notices = k.notices.map(asCaptureEvent).filter((e): e is NoticeEvent => e?.t === 'notice');
  if (!events.length) return undefined;
  const advice = Array.isArray(k.advice) ? k.advice.map(adviceEntry).filter((e): e is [string, StatementAdvice] => e !== undefined) : [];
  return { v: KEPT_RECORDING_VERSION, at: typeof k.at === 'number' ? k.at : 0, events, notices, dropped: typeof k.dropped === 'number' ? k.dropped : 0, ...(advice.length ? { advice } : {}) };
}
