/**
 * A recording kept across a window reload (person11 Q11: switching folder and back lost the recorded CodeLens, N+1s and
 * "289 statements recorded", where the docs promise recorded findings outlive closing their file). What is kept is the
 * recorded statements themselves, bounded (the most recent MAX_KEPT_EVENTS, none longer than the capture's own cut),
 * and never the parameter values the app sent unless pgLens.record.values allowed them; read back through the capture
 * protocol's own validation (asCaptureEvent), so a kept recording is what a live one would have been.
 */
import { asCaptureEvent, type NoticeEvent, type QueryEvent } from './protocol';

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
}

export function keepRecording(events: readonly QueryEvent[], notices: readonly NoticeEvent[], dropped: number, opts: { values: boolean; at: number; max?: number }): KeptRecording {
  const max = opts.max ?? MAX_KEPT_EVENTS;
  const recent = events.length > max ? events.slice(events.length - max) : events;
  return {
    v: KEPT_RECORDING_VERSION,
    at: opts.at,
    events: recent.map((e) => (opts.values || e.pv === undefined ? e : { ...e, pv: undefined })),
    notices: [...notices],
    dropped: dropped + (events.length - recent.length),
  };
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
  return { v: KEPT_RECORDING_VERSION, at: typeof k.at === 'number' ? k.at : 0, events, notices, dropped: typeof k.dropped === 'number' ? k.dropped : 0 };
}
