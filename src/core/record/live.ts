/**
 * A recording as the editor holds it while the app runs (pure, no vscode): each event from the listener is applied to
 * the figures at once (RecordAggregate), bounded, and nothing is applied once it is stopped.
 *
 * Issue 20 #9 (person14, load 40–57): Stop Recording took ~13 minutes to take effect and the statement count kept
 * rising for minutes after the app's traffic stopped. Each refresh summarised every statement recorded so far again
 * (each text parsed again, twice), so a refresh cost grew with the recording, the editor read the capture's socket
 * only between refreshes, and the app's statements waited in its socket buffer. Here a statement costs the same
 * whatever came before it, a refresh costs the call sites and statements, not the executions, and Stop takes effect
 * at the event it is called: what arrives later is counted (arrivedAfterStop), never applied.
 */
import { RecordAggregate, type RecordOptions, type RecordSummary, type UnitGroup } from './aggregate';
import { RecordedSyntax } from './loopRows';
import type { CaptureEvent, NoticeEvent, QueryEvent } from './protocol';
import type { SequelizeMixin } from '../nplusone/sequelizeModels';

/** Statements one recording applies; later ones are counted as dropped (the figures' memory is bounded). */
const MAX_RECORDED = 200_000;
/** The most recent statements held as they came (what is kept for after a window reload: keep.ts keeps 20 000). */
const RECENT = 20_000;

export class LiveRecording {
  private readonly agg: RecordAggregate;
  private recentEvents: QueryEvent[] = [];
  private readonly noticeEvents: NoticeEvent[] = [];
  private droppedCount = 0;
  private late = 0;
  private isStopped = false;
  private readonly max: number;
  private readonly recentMax: number;
  /** What the parsed sources say at the call sites (readSyntax), kept across summaries: one parse per file text. */
  private readonly syntax = new RecordedSyntax();
  private reading: Promise<boolean> | undefined;

  constructor(normalize: (sql: string) => string | undefined, opts: { max?: number; recent?: number } = {}) {
    this.agg = new RecordAggregate(normalize);
    this.max = opts.max ?? MAX_RECORDED;
    this.recentMax = opts.recent ?? RECENT;
  }

  /** A recording read back (a kept one): its statements applied, stopped. */
  static of(normalize: (sql: string) => string | undefined, events: readonly QueryEvent[], notices: readonly NoticeEvent[], dropped: number): LiveRecording {
    const r = new LiveRecording(normalize);
    for (const e of events) r.receive(e);
    for (const n of notices) r.receive(n);
    r.droppedCount += dropped;
    r.stop();
    return r;
  }

  /**
   * One event from the listener. A statement is applied unless the recording is stopped (then it is counted as arrived
   * after Stop) or full (then it is counted as dropped); `dropped` events (the capture's own count of what it could not
   * send) add to the dropped count. Returns whether a statement was applied.
   */
  receive(e: CaptureEvent): boolean {
    if (this.isStopped) {
      if (e.t === 'q') this.late++;
      return false;
    }
    if (e.t === 'notice') {
      this.noticeEvents.push(e);
      return false;
    }
    if (e.t === 'dropped') {
      this.droppedCount += e.n;
      return false;
    }
    if (this.agg.statements >= this.max) {
      this.droppedCount++;
      return false;
    }
    this.agg.add(e);
    this.recentEvents.push(e);
    if (this.recentEvents.length >= 2 * this.recentMax) this.recentEvents = this.recentEvents.slice(-this.recentMax);
    return true;
  }

  /** From now on nothing is applied. */
  stop(): void {
    this.isStopped = true;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  /** Statements applied. */
  get statements(): number {
    return this.agg.statements;
  }

  /** Statements not recorded while it ran: dropped by the capture (the listener fell behind) or over the bound. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Statements that arrived after Stop (not applied). */
  get arrivedAfterStop(): number {
    return this.late;
  }

  get notices(): readonly NoticeEvent[] {
    return this.noticeEvents;
  }

  /** The most recent statements applied, oldest first (at most twice the kept number; keep.ts keeps the last ones). */
  get recent(): readonly QueryEvent[] {
    return this.recentEvents;
  }

  /** Statements applied that are no longer in `recent` (a kept recording counts them as dropped). */
  get older(): number {
    return this.agg.statements - this.recentEvents.length;
  }

  /** The summary, with what readSyntax read of the call sites' sources so far. */
  summary(opts: RecordOptions, source?: (file: string) => string | undefined, sequelizeMixins?: (method: string) => readonly SequelizeMixin[]): RecordSummary {
    this.modelsAsked.clear();
    const asked = sequelizeMixins && ((method: string) => {
      const found = sequelizeMixins(method);
      this.modelsAsked.set(method, mixinsKey(found));
      return found;
    });
    return this.agg.summary(opts, { notices: [...this.noticeEvents], dropped: this.droppedCount, source, sequelizeMixins: asked, syntax: this.syntax.at });
  }

  /** The Sequelize mixins the last summary asked the models about (method → what they answered). */
  private readonly modelsAsked = new Map<string, string>();

  /**
   * Would the models' declarations now answer the last summary otherwise? The editor reads them from the workspace's
   * cross-file index, which a recording read back after a reload summarises before (person48 L-e: the restored Sequelize
   * N+1 said "add the association on order_items to its include" where the fresh one named `{ association: 'items',
   * separate: true, … }`): once the index is read, a refresh follows when this says so.
   */
  modelsChanged(sequelizeMixins: (method: string) => readonly SequelizeMixin[]): boolean {
    for (const [method, was] of this.modelsAsked) if (mixinsKey(sequelizeMixins(method)) !== was) return true;
    return false;
  }

  /**
   * Parse the sources of the call sites the last summaries asked about and did not know (tree-sitter loads
   * asynchronously; a summary reads what is known): true when something new was read, and the next summary may answer
   * otherwise. One read at a time.
   */
  async readSyntax(source: (file: string) => string | undefined): Promise<boolean> {
    while (this.reading) await this.reading.catch(() => false);
    this.reading = this.syntax.read(source);
    try {
      return await this.reading;
    } finally {
      this.reading = undefined;
    }
  }

  groups(): UnitGroup[] {
    return this.agg.unitGroups();
  }
}

/** What a models lookup answered, to compare with a later answer. */
const mixinsKey = (found: readonly SequelizeMixin[]) => JSON.stringify(found);
