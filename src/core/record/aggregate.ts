/**
 * Recorded statements → what the CLI and the editor show (pure): statements grouped by call site,
 * N+1s per unit of work, the slowest executions.
 *
 * N+1 (run time): the same call site sent the same normalised SELECT `threshold` or more times in
 * ONE unit of work (one HTTP request, one test, or the process outside them). Counting per unit,
 * not in total, is what keeps a lookup that runs once per request over many requests from being
 * flagged (Bullet and Sentry's N+1 detector also count within one request/transaction).
 */
import { loopRowsFrom, RecordedSyntax, type SyntaxOfSite } from './loopRows';
import type { CaptureSite, NoticeEvent, QueryEvent } from './protocol';
import { requestGroupName } from './protocol';
import { isConnectionPing, isConnectionSetUp, isRead, readsCatalog } from './ping';
import { batchedForm, batchedWriteForm, callArgsAt, lookupOf, noEagerRelationship, prismaLookupOf, repeatedForm, serializingForm, type LookupHints, type NoEager, type RecordedLookup, type SequelizeCall } from './batchedForm';
import { associationProperty, type SequelizeMixin } from '../nplusone/sequelizeModels';
import { djangoNamesOf, fileNear, templateView, type TemplateView } from './djangoNames';
import { sitesUnknownText } from './format';
import { adviceText, constantsOf, interpolatedText, markVarying, roughNormalize, squashLists } from './statementText';

export interface RecordOptions {
  /** Calls of one statement from one site in one unit of work that make an N+1 (default 5). */
  threshold?: number;
  /** How many single executions to list as the slowest (default 10). */
  slowest?: number;
}

const RECORD_DEFAULTS: Required<RecordOptions> = { threshold: 5, slowest: 10 };

export interface StatementFigure {
  /** Normalised text (constants → $n, lists of parameters squashed: statementText.squashLists): the grouping key. */
  normalized: string;
  /**
   * The first text seen as sent, with the constants that came from the app's parameters as $n (statementText.adviceText):
   * what plans, index advice and rewrites work on — a recorded value never becomes a constant in advice (person13 P4).
   */
  sql: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  rows: number;
  errors: number;
  /** Largest number of calls in one unit of work, and that unit's name. */
  maxPerUnit: number;
  maxUnit: string;
  maxUnitKind: string;
  /** In how many units of work it ran. */
  units: number;
}

export interface SiteFigure {
  /** Absolute file (as the capture saw it), 1-based line and column. Absent: no frame in user code. */
  file?: string;
  line?: number;
  col?: number;
  /** ORM / query builder between the code and the driver. */
  via?: string;
  /** No line of the app's on the stack: the request handler named `serializing` (this site) was serialising its response (CaptureSite.serializing). */
  serializing?: string;
  /**
   * The statements a driver or ORM sends once per new connection (ping.isConnectionSetUp), whichever line took it: the
   * connection's, never a line's (no file here, never a finding, not in any line's counts or CodeLens).
   */
  connection?: true;
  calls: number;
  totalMs: number;
  statements: StatementFigure[];
}

/** One statement one call site sent N or more times in one request, job or run: where, how often, and its fix. */
interface RecordedRepeat {
  file: string;
  line: number;
  col: number;
  via?: string;
  /** Calls in the worst unit of work. */
  calls: number;
  /** Units of work where it reached the threshold. */
  units: number;
  unit: string;
  unitKind: string;
  sql: string;
  normalized: string;
  /** Time of the calls in the worst unit. */
  ms: number;
  /** The batched form in the library that sent it. */
  fix: string;
}

export interface RecordedNPlusOne extends RecordedRepeat {
  /** The batched form in the library that sent it, naming the recorded look-up (without the code at the call site). */
  fix: string;
  /** The column (and table) the repeated statement looks rows up by, from its SQL. */
  lookup?: RecordedLookup;
  /**
   * The call site of the statement sent just before the repeated ones in that unit of work (the
   * query that loaded the rows the loop runs over, most of the time): where the batched form goes.
   */
  parent?: { file: string; line: number; col: number };
  /**
   * The parent query is evaluated in a template (`{% if book_list %}`, a lazy queryset), where no select_related can
   * go: the view that renders that template and builds the queryset (djangoNames.templateView), when the code says it.
   */
  parentView?: TemplateView;
  /**
   * The query before the loop gives the number it counts to, not its rows (`for (let i = 0; i < n; i++)`, n from it): its
   * call site and the name (core/record/loopRows). Never with `parent`.
   */
  counter?: { file: string; line: number; col: number; name: string };
  /** Sequelize: the association the call site's mixin belongs to (from the models' declarations), when known. */
  sequelize?: SequelizeCall;
  /**
   * SQLAlchemy: the relationship the line reads is one it cannot eager-load (lazy='dynamic'/'write_only'), as the call
   * site's file or the models.py nearest it declares it (batchedForm: a grouped query, never selectinload).
   */
  noEager?: NoEager;
  /**
   * Every call sent the same text with the same parameters (the capture's pd, the constants compared): one value read
   * again and again, not one per item — its fix is to read it once or cache it (repeatedForm), never a batched form.
   */
  repeated?: boolean;
  /**
   * Sent with no line of the app's on the stack while a library serialised the response of this request handler (its
   * `def` is this N+1's line): `view` its name; the fix (a lazy load's eager loading) goes to the rows' query (`parent`).
   */
  serializing?: { view: string; atParent?: string };
}

/**
 * One data change sent once per item: the same INSERT/UPDATE/DELETE (one row's worth: a single VALUES row, no list of
 * keys) from one call site N or more times in one request, job or run — a loop of writes (person18: Knex's tag insert
 * per tag). Not an N+1 (nothing is read per item) and not in `nPlusOne`: its fix is one batched write.
 */
export interface RecordedWritePerItem extends RecordedRepeat {
  /** insert, update, delete or merge. */
  kind: WriteKind;
  /** How many of the worst unit's calls failed there (a duplicate key the loop catches). */
  failed: number;
}

/** What a summary reads beside the recorded statements. */
export interface SummaryExtra {
  notices?: NoticeEvent[];
  dropped?: number;
  /** A file's text (the caller reads it): an N+1's fix reads its call site as the diagnostic does. */
  source?: (file: string) => string | undefined;
  /**
   * The syntax at the recorded call sites (loopRows.RecordedSyntax, read from the parsed sources before the summary):
   * whether an N+1's loop walks the rows of the query before it. Without it, only the SQL says (one row or not).
   */
  syntax?: SyntaxOfSite;
  sequelizeMixins?: (method: string) => readonly SequelizeMixin[];
}

export interface RecordSummary {
  statements: number;
  totalMs: number;
  errors: number;
  units: Record<string, number>;
  sites: SiteFigure[];
  nPlusOne: RecordedNPlusOne[];
  /** Writes sent once per item (see RecordedWritePerItem), the most calls first. */
  writesPerItem: RecordedWritePerItem[];
  /** `connection`: a statement of connection set-up (SiteFigure.connection), at no line. */
  slowest: { sql: string; ms: number; rows?: number; file?: string; line?: number; connection?: true; unit: string }[];
  /** Statements with no frame in the user's code (the app's own driver use from node_modules only). */
  withoutSite: number;
  /** Statements of connection set-up (SiteFigure.connection): in `statements`, in no line's. */
  connectionSetUp?: number;
  notices: string[];
  dropped: number;
  threshold: number;
  /**
   * The query libraries loaded ("knex 0.19.5") when nearly every statement (90%+) has no line in the app's code: the
   * capture did not recognise that version, so no N+1 could be found — said so, never "N+1: 0". Absent otherwise.
   */
  sitesUnknown?: string;
}

/** Texts compared per statement for constants that differ (statementText.markVarying); the rest are not looked at. */
const MAX_COMPARED = 200;


export type WriteKind = 'insert' | 'update' | 'delete' | 'merge';

/**
 * The data change a normalised statement makes one row's worth of, or undefined: a read, a session command, or a write
 * already batched (a multi-row VALUES, INSERT … SELECT, a key list `= ANY($1)` / `IN (…)`), which a loop sending it in
 * chunks is meant to.
 */
export function writePerItemKind(normalized: string): WriteKind | undefined {
  const s = normalized.replace(/^\s*\(+/, '').trimStart().toLowerCase();
  const verb = (s.startsWith('with') ? /\b(insert|update|delete|merge)\b/.exec(s)?.[1] : /^(insert|update|delete|merge)\b/.exec(s)?.[1]) as WriteKind | undefined;
  if (!verb) return undefined;
  if (/=\s*any\s*\(|\bin\s*\(/.test(s)) return undefined;
  if (verb === 'insert' && !oneValuesRow(s)) return undefined;
  return verb;
}

/** An INSERT's VALUES holds exactly one row (`VALUES ($1, now())`, not `VALUES ($1), ($2)`); false without VALUES. */
function oneValuesRow(s: string): boolean {
  const m = /\bvalues\s*\(/.exec(s);
  if (!m) return false;
  let depth = 0;
  let quoted = false;
  for (let i = m.index + m[0].length - 1; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === "'") quoted = false;
    } else if (ch === "'") quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return !/^\s*,/.test(s.slice(i + 1));
  }
  return false;
}

interface Acc extends StatementFigure {
  /** Which parameters changed between its calls (the capture's pd, OR-ed); undefined when no call said. */
  varies?: number;
  /** The constants of the first text, which of them differ in the statement's other texts, and the texts compared. */
  constants: ReturnType<typeof constantsOf>;
  vary: boolean[];
  compared: Set<string>;
  /** The first call had parameters its text does not hold (interpolated by the driver). */
  interpolated: boolean;
  /** Every call sent the first text. */
  oneText: boolean;
  perUnit: Map<string, PerUnit>;
}

/**
 * One statement's calls in one unit of work. `varies`: the capture's pd of its calls after the unit's first, OR-ed
 * (the first call's pd compares it with the last call of another request, or of nothing in this one); undefined when
 * one of them did not say. Which parameters change WITHIN the unit is what the loop changes per item (person20 HIGH 2:
 * `favorited` sent the same user's id 20 times in each request, a different user per request; OR-ed over the whole
 * recording, that id looked per-item and the advice grouped by it).
 */
interface PerUnit {
  calls: number; ms: number; name: string; kind: string; before?: CaptureSite; failed: number; varies?: number;
  /** A run outside any request or test (kind 'root'): the unit's statement count at this statement's last call, and how
   * often each run of call sites between two of its calls was seen (loopLike). */
  lastSeq?: number;
  gaps?: Map<string, number>;
}

/** Call sites remembered per run outside any request or test, to compare what comes between two calls of a statement. */
const ROOT_WINDOW = 32;
/** Distinct runs of sites between calls kept per statement and run (more: not one loop's body). */
const MAX_GAP_KINDS = 8;

/**
 * A run outside any request or test is one unit of work for its whole life: a script that serves simulated requests
 * one after another repeats each handler's statement, in no loop (person22 MEDIUM B: 10 false N+1s from the shop's
 * traffic script). A loop repeats its body: most of the stretches between two calls of the statement are the same run
 * of call sites (nothing, or the body's other statements). A stretch longer than the window kept is known by its length
 * only: a loop's long body repeats it, requests of a script one after another seldom do. Judged only for runs whose
 * order was kept.
 */
function loopLike(pu: PerUnit): boolean {
  if (!pu.gaps) return true;
  const gaps = pu.calls - 1;
  let most = 0;
  for (const n of pu.gaps.values()) most = Math.max(most, n);
  return most * 2 >= gaps;
}

/** Single executions kept for the slowest list (a summary lists `slowest` of them, 10 by default). */
const KEPT_SLOWEST = 50;
/** Normalised texts remembered per recording (each text is normalised once while it is remembered). */
const MAX_NORMALIZED = 50_000;
const MAX_NORMALIZED_CHARS = 16_000_000;

/** The call-site key of connection set-up (no file:line is ever this). */
const SET_UP_KEY = '\u0000connection';

type GroupAcc = UnitGroup & { ids: Set<string>; siteMap: Map<string, UnitGroup['sites'][number] & { stmtMap: Map<string, UnitGroup['sites'][number]['statements'][number]> }> };

/**
 * The recording's figures, kept up to date one statement at a time: what `summarize` and `groupByUnit` return for the
 * statements added so far, without reading them again. The editor adds each statement as it arrives and asks for the
 * summary a few times a second (issue 20 #9: summarising every statement of the recording again at each refresh, each
 * text parsed again, made a refresh cost grow with the recording until the editor fell minutes behind the app).
 * Adding costs one normalisation per new text; a summary costs the call sites, statements and units of work, not the
 * statements recorded. Memory grows with them: the caller bounds how many statements it adds.
 */
export class RecordAggregate {
  private readonly sites = new Map<string, { site?: CaptureSite; calls: number; totalMs: number; stmts: Map<string, Acc> }>();
  private readonly unitIds: Record<string, Set<string>> = {};
  private readonly normCache = new Map<string, string>();
  private normChars = 0;
  private count = 0;
  private totalMs = 0;
  private errors = 0;
  private withoutSite = 0;
  private setUp = 0;
  private readonly setUpCache = new Map<string, boolean>();
  /** A statement came through Prisma's driver adapter (then Prisma's engine is not the one sending). */
  private prismaSent = false;
  /** The slowest single executions, slowest first (ties: the earlier first, as a stable sort of all of them). */
  private readonly slow: QueryEvent[] = [];
  /** Per unit of work: the site of its last statement (the parent of an N+1 that starts next). */
  private readonly lastSite = new Map<string, CaptureSite | undefined>();
  /** Runs outside any request or test: their statement count, and their last ROOT_WINDOW call-site keys (loopLike). */
  private readonly rootSeq = new Map<string, { seq: number; recent: string[] }>();
  /** Per unit of work and call site: its calls, and the site of the unit's statement before its first call. */
  private readonly siteInUnit = new Map<string, { calls: number; before?: CaptureSite }>();
  private readonly groups = new Map<string, GroupAcc>();

  constructor(private readonly normalize: (sql: string) => string | undefined) {}

  /** Statements added. */
  get statements(): number {
    return this.count;
  }

  /** The grouping key of a recorded text: normalised by `normalize` (roughNormalize where it returns nothing), lists squashed. */
  private keyOf(sql: string): string {
    let norm = this.normCache.get(sql);
    if (norm === undefined) {
      norm = squashLists(this.normalize(sql) ?? roughNormalize(sql));
      if (this.normCache.size < MAX_NORMALIZED && this.normChars + norm.length <= MAX_NORMALIZED_CHARS) {
        this.normCache.set(sql, norm);
        this.normChars += norm.length;
      }
    }
    return norm;
  }

  /** A driver's or ORM's probe of a new connection (ping.isConnectionSetUp), remembered per text. */
  private isSetUp(sql: string): boolean {
    let v = this.setUpCache.get(sql);
    if (v === undefined) {
      v = isConnectionSetUp(sql);
      if (this.setUpCache.size < MAX_NORMALIZED && sql.length <= 4_000) this.setUpCache.set(sql, v);
    }
    return v;
  }

  add(e: QueryEvent): void {
    const norm = this.keyOf(e.sql);
    this.count++;
    (this.unitIds[e.u.k] ??= new Set()).add(e.u.id);
    this.totalMs += e.ms;
    if (e.err) this.errors++;
    if (e.site?.via?.startsWith('@prisma/')) this.prismaSent = true;
    this.addSlow(e);
    if (this.isSetUp(e.sql)) {
      // The connection's, not the line's that happened to take it: its own bucket, and no parent of a later N+1.
      this.setUp++;
      const a = this.addTo(SET_UP_KEY, undefined, e, norm);
      const pu = a.perUnit.get(e.u.id);
      if (pu) {
        pu.calls++;
        pu.ms += e.ms;
        if (e.err) pu.failed++;
      } else a.perUnit.set(e.u.id, { calls: 1, ms: e.ms, name: e.u.n, kind: e.u.k, failed: e.err ? 1 : 0 });
      this.addToGroup(e, SET_UP_KEY, norm);
      return;
    }
    if (!e.site) this.withoutSite++;
    const key = e.site ? `${e.site.file}:${e.site.line}` : '';
    const a = this.addTo(key, e.site, e, norm);
    const pu = a.perUnit.get(e.u.id);
    const root = e.u.k === 'root' ? this.rootOrder(e.u.id, key) : undefined;
    if (pu) {
      pu.calls++;
      pu.ms += e.ms;
      if (e.err) pu.failed++;
      pu.varies = pu.varies === undefined || e.pd === undefined ? undefined : pu.varies | e.pd;
      if (root && pu.gaps && pu.lastSeq !== undefined) {
        const between = root.seq - pu.lastSeq - 1;
        const gap = between < ROOT_WINDOW ? root.recent.slice(root.recent.length - 1 - between, root.recent.length - 1).join('\n') : `\u0000far ${between}`;
        if (pu.gaps.has(gap) || pu.gaps.size < MAX_GAP_KINDS) pu.gaps.set(gap, (pu.gaps.get(gap) ?? 0) + 1);
        pu.lastSeq = root.seq;
      }
    } else {
      const prev = this.lastSite.get(e.u.id);
      // A handler's serialisation sends each item's lazy loads from one site (its def line): a statement after another
      // of them takes the rows' query that came before the site's first statement in the unit.
      const same = !!prev && !!e.site && prev.file === e.site.file && prev.line === e.site.line;
      a.perUnit.set(e.u.id, { calls: 1, ms: e.ms, name: e.u.n, kind: e.u.k, before: prev && e.site && !same ? prev : same && e.site?.serializing ? this.siteInUnit.get(`${e.u.id}\u0000${key}`)?.before : undefined, failed: e.err ? 1 : 0, varies: 0, ...(root ? { lastSeq: root.seq, gaps: new Map<string, number>() } : {}) });
    }
    if (e.site) {
      const su = this.siteInUnit.get(`${e.u.id}\u0000${key}`);
      if (su) su.calls++;
      else {
        const prev = this.lastSite.get(e.u.id);
        this.siteInUnit.set(`${e.u.id}\u0000${key}`, { calls: 1, before: prev && (prev.file !== e.site.file || prev.line !== e.site.line) ? prev : undefined });
      }
    }
    this.lastSite.set(e.u.id, e.site);
    this.addToGroup(e, key, norm);
  }

  /** A run outside any request or test: count this statement and remember its site key (the last ROOT_WINDOW). */
  private rootOrder(unit: string, key: string): { seq: number; recent: string[] } {
    let r = this.rootSeq.get(unit);
    if (!r) this.rootSeq.set(unit, (r = { seq: 0, recent: [] }));
    r.seq++;
    r.recent.push(key);
    if (r.recent.length > ROOT_WINDOW) r.recent.shift();
    return r;
  }

  /** One statement into a call site's figures (`key`: its file:line, '' for none, SET_UP_KEY for connection set-up). */
  private addTo(key: string, site: CaptureSite | undefined, e: QueryEvent, norm: string): Acc {
    let s = this.sites.get(key);
    if (!s) this.sites.set(key, (s = { site, calls: 0, totalMs: 0, stmts: new Map() }));
    s.calls++;
    s.totalMs += e.ms;
    if (!s.site?.via && site?.via) s.site = site;
    let a = s.stmts.get(norm);
    if (!a) {
      const constants = constantsOf(e.sql);
      s.stmts.set(norm, (a = { normalized: norm, sql: e.sql, calls: 0, totalMs: 0, maxMs: 0, rows: 0, errors: 0, maxPerUnit: 0, maxUnit: '', maxUnitKind: '', units: 0, perUnit: new Map(), constants, vary: constants.map(() => false), compared: new Set([e.sql]), interpolated: interpolatedText(e.sql, e.pc), oneText: true }));
    } else if (e.sql !== a.sql) {
      a.oneText = false;
      if (a.constants.length && a.compared.size < MAX_COMPARED && !a.compared.has(e.sql)) {
        a.compared.add(e.sql);
        markVarying(a.constants, constantsOf(e.sql), a.vary);
      }
    }
    a.calls++;
    if (e.pd !== undefined) a.varies = (a.varies ?? 0) | e.pd;
    a.totalMs += e.ms;
    a.maxMs = Math.max(a.maxMs, e.ms);
    a.rows += e.rows ?? 0;
    if (e.err) a.errors++;
    return a;
  }

  private addSlow(e: QueryEvent): void {
    const slow = this.slow;
    if (slow.length >= KEPT_SLOWEST && e.ms <= slow[slow.length - 1].ms) return;
    let i = slow.length;
    while (i > 0 && slow[i - 1].ms < e.ms) i--;
    slow.splice(i, 0, e);
    if (slow.length > KEPT_SLOWEST) slow.pop();
  }

  /** A request's group is its route: one group per route, never one per id in the URL (person15). */
  private readonly routeNames = new Map<string, string>();
  private groupName(u: QueryEvent['u']): string {
    if (u.k !== 'request') return u.n;
    let r = this.routeNames.get(u.n);
    if (r === undefined) {
      r = requestGroupName(u.n);
      if (this.routeNames.size < 10_000) this.routeNames.set(u.n, r);
    }
    return r;
  }

  private addToGroup(e: QueryEvent, sk: string, norm: string): void {
    const name = this.groupName(e.u);
    const gk = `${e.u.k}\u0000${name}`;
    let g = this.groups.get(gk);
    if (!g) this.groups.set(gk, (g = { kind: e.u.k, name, instances: 0, calls: 0, totalMs: 0, sites: [], ids: new Set(), siteMap: new Map() }));
    g.ids.add(e.u.id);
    g.calls++;
    g.totalMs += e.ms;
    let s = g.siteMap.get(sk);
    if (!s) g.siteMap.set(sk, (s = sk === SET_UP_KEY ? { connection: true, calls: 0, totalMs: 0, statements: [], stmtMap: new Map() } : { file: e.site?.file, line: e.site?.line, ...(e.site?.serializing ? { serializing: e.site.fn ?? 'the view' } : {}), calls: 0, totalMs: 0, statements: [], stmtMap: new Map() }));
    s.calls++;
    s.totalMs += e.ms;
    let st = s.stmtMap.get(norm);
    if (!st) s.stmtMap.set(norm, (st = { normalized: norm, sql: e.sql, calls: 0, totalMs: 0 }));
    st.calls++;
    st.totalMs += e.ms;
  }

  /**
   * The figures of the statements added so far. `extra.source` gives a file's text (the caller reads it): an N+1's fix
   * then reads its call site as the diagnostic does (`self.channel_set.values_list(…)`), so the report and the Problems
   * panel give one fix. `extra.syntax`: what the parsed sources say at the call sites (loopRows.RecordedSyntax).
   */
  summary(opts: RecordOptions = {}, extra: SummaryExtra = {}): RecordSummary {
    const o = { threshold: opts.threshold ?? RECORD_DEFAULTS.threshold, slowest: opts.slowest ?? RECORD_DEFAULTS.slowest };
    const siteInUnit = this.siteInUnit;
    /**
     * The query the loop's rows come from: the statement before the N+1's first call in its unit — unless that one repeats
     * with it (another look-up of the same iteration, `featureExists` before the tags query: person10 N6), then the one
     * before that statement's first call, and so on. A statement that runs about as often as the N+1 belongs to the loop.
     */
    const rowsSource = (unit: string, calls: number, before: CaptureSite | undefined): CaptureSite | undefined => {
      const seen = new Set<string>();
      for (let p = before; p; ) {
        const k = `${unit}\u0000${p.file}:${p.line}`;
        const su = siteInUnit.get(k);
        if (!su || su.calls < o.threshold || su.calls * 2 <= calls) return p;
        if (seen.has(k)) return undefined;
        seen.add(k);
        p = su.before;
      }
      return undefined;
    };
    const texts = new Map<string, string | undefined>();
    const sourceOf = (file: string): string | undefined => {
      if (!extra.source) return undefined;
      if (!texts.has(file)) {
        let t: string | undefined;
        try {
          t = extra.source(file);
        } catch {
          t = undefined;
        }
        texts.set(file, t);
      }
      return texts.get(file);
    };
    const nPlusOne: RecordedNPlusOne[] = [];
    const writesPerItem: RecordedWritePerItem[] = [];
    const overUnits = new Map<RecordedNPlusOne, readonly string[]>();
    const siteList: SiteFigure[] = [];
    for (const [key, s] of this.sites) {
      const statements: StatementFigure[] = [];
      for (const a of s.stmts.values()) {
        let worst: { calls: number; ms: number; name: string; kind: string; before?: CaptureSite; unit?: string; failed: number } | undefined;
        /** The units of work where it reached the threshold (their number is the finding's "N requests like it"). */
        const over: string[] = [];
        /** The worst unit that can hold an N+1: a migration's per-model bookkeeping runs once per deploy, inside the framework. */
        let worstN: typeof worst;
        for (const [unit, pu] of a.perUnit) {
          if (!worst || pu.calls > worst.calls) worst = pu;
          if (pu.kind === 'migration') continue;
          if (!worstN || pu.calls > worstN.calls) worstN = { ...pu, unit };
          if (pu.calls >= o.threshold && loopLike(pu)) over.push(unit);
        }
        const { perUnit, varies: anyCall, constants, vary, compared: _compared, interpolated, oneText, ...fig } = a;
        // What changed between calls within the units where it repeats (PerUnit.varies); else between any two calls.
        const inUnits = over.length && over.every((u) => perUnit.get(u)?.varies !== undefined) ? over.reduce((m, u) => m | perUnit.get(u)!.varies!, 0) : undefined;
        const varies = inUnits ?? anyCall;
        // As sent (its $n are the app's own parameters, which the capture's pd counts); the advice text numbers more.
        const sent = a.sql;
        fig.sql = adviceText(sent, constants, vary, interpolated);
        fig.units = perUnit.size;
        fig.maxPerUnit = worst?.calls ?? 0;
        fig.maxUnit = worst?.name ?? '';
        fig.maxUnitKind = worst?.kind ?? '';
        statements.push(fig);
        if (s.site && worstN && over.length > 0 && isRead(a.normalized) && !readsCatalog(a.normalized) && !isConnectionPing(a.sql)) {
          const before = rowsSource(worstN.unit!, worstN.calls, worstN.before);
          // Named the rows' query only when its result is what the loop iterates (person47 L4: a `max(id)` before a counter loop).
          const flow = before ? loopRowsFrom(before, [...(this.sites.get(`${before.file}:${before.line}`)?.stmts.values() ?? [])].map((x) => x.sql), s.site, extra.syntax) : undefined;
          const parent = flow?.kind === 'rows' ? before : undefined;
          const counter = before && flow?.kind === 'counter' ? { file: before.file, line: before.line, col: before.col, name: flow.name } : undefined;
          // The text as sent numbers the app's own parameters ($n), which the capture's pd counts; normalising renumbers.
          const text = sourceOf(s.site.file);
          const lineText = text?.split('\n')[s.site.line - 1];
          // Sequelize: the association mixin called there, as the models declare it (what it is for: a get, a count, a has).
          const assoc = s.site.via === 'sequelize' && lineText !== undefined && extra.sequelizeMixins ? sequelizeCallAt(lineText, s.site.col, a.sql, extra.sequelizeMixins) : undefined;
          // Its arguments as written (a get's own where / order / limit), which the batched form keeps (person47 L5).
          const assocArgs = assoc && text !== undefined ? callArgsAt(text, s.site.line, s.site.col) : undefined;
          if (assoc && assocArgs !== undefined) assoc.args = assocArgs;
          const hints: LookupHints = assoc && /^has[A-Z]/.test(assoc.mixin.name) ? { exists: true, argument: assoc.mixin.target } : {};
          const lookup = varies !== undefined && /\$\d/.test(sent) ? lookupOf(sent, varies, hints) : lookupOf(fig.sql, undefined, hints) ?? lookupOf(a.normalized, undefined, hints);
          if (assoc && parent) {
            const inc = parentIncludes(sourceOf(parent.file), parent, assoc.mixin);
            assoc.included = inc && inc.length > 0;
            if (inc?.length && inc[0] !== '') assoc.filtered = inc.filter((x) => x !== '');
          }
          // Django: the model and relation names of the app's models.py nearest the call site (a template's app too).
          if (lookup && s.site.via === 'django') {
            const models = fileNear(s.site.file, [['models.py']], sourceOf)?.text;
            const names = djangoNamesOf(lookup.table, lookup.column, models, lineText);
            if (names) lookup.django = names;
          }
          const parentView = parent && s.site.via === 'django' && !/\.py$/.test(parent.file) ? templateView(parent.file, sourceOf) : undefined;
          if (lookup && s.site.via?.startsWith('@prisma/')) {
            const p = prismaLookupOf(lookup, prismaSchemaNear(s.site.file, sourceOf), text !== undefined ? callArgsAt(text, s.site.line, s.site.col) : undefined);
            if (p) lookup.prisma = p;
          }
          const repeated = sameEveryCall(sent, varies, oneText);
          // No line of the app's: a library serialised the handler's response (the view is this site); the lazy load's
          // eager loading goes to the view's query, the rows' query before it (person20 HIGH 1).
          const ser = s.site.serializing ? serializingForm(s.site.via, lookup, a.normalized, s.site.fn ?? 'the view', modelsNear(s.site.file, text, sourceOf), parent ? viewText(s.site, parent, sourceOf) : undefined, [this.tablesAt(s.site, worstN.unit!, a.normalized), parent ? this.tablesAt(parent, worstN.unit!, a.normalized) : []]) : undefined;
          const noEager = !ser && s.site.via === 'sqlalchemy' && !repeated ? noEagerRelationship(lineText, text) ?? noEagerRelationship(lineText, fileNear(s.site.file, [['models.py'], ['models', '__init__.py']], sourceOf)?.text) : undefined;
          const n: RecordedNPlusOne = {
            file: s.site.file, line: s.site.line, col: s.site.col, via: s.site.via, calls: worstN.calls, units: over.length, unit: worstN.name, unitKind: worstN.kind,
            sql: fig.sql, normalized: a.normalized, ms: worstN.ms, fix: (repeated ? repeatedForm(s.site.via) : ser ?? batchedForm(s.site.via, lookup, lineText, text, assoc, noEager)).fix,
            ...(repeated ? { repeated: true } : lookup ? { lookup } : {}),
            ...(parent ? { parent: { file: parent.file, line: parent.line, col: parent.col } } : {}),
            ...(parentView ? { parentView } : {}),
            ...(counter ? { counter } : {}),
            ...(assoc ? { sequelize: assoc } : {}),
            ...(s.site.serializing ? { serializing: { view: s.site.fn ?? 'the view', ...(ser?.atParent && !repeated ? { atParent: ser.atParent } : {}) } } : {}),
            ...(noEager ? { noEager } : {}),
          };
          nPlusOne.push(n);
          overUnits.set(n, over);
        }
        const write = s.site && over.length > 0 ? writePerItemKind(a.normalized) : undefined;
        if (write && s.site) {
          // A test building its data row by row runs per test run, never in production (as the static side's test-setup
          // loops, person17 LOW 6): only requests, jobs and the run outside them count.
          let worstW: typeof worst;
          let wUnits = 0;
          for (const pu of perUnit.values()) {
            if (pu.kind === 'migration' || pu.kind === 'test' || pu.calls < o.threshold) continue;
            wUnits++;
            if (!worstW || pu.calls > worstW.calls) worstW = pu;
          }
          if (worstW) {
            writesPerItem.push({
              file: s.site.file, line: s.site.line, col: s.site.col, via: s.site.via, kind: write, calls: worstW.calls, failed: worstW.failed, units: wUnits, unit: worstW.name, unitKind: worstW.kind,
              sql: fig.sql, normalized: a.normalized, ms: worstW.ms, fix: batchedWriteForm(s.site.via, write),
            });
          }
        }
      }
      statements.sort((x, y) => y.totalMs - x.totalMs);
      if (key === SET_UP_KEY) siteList.push({ connection: true, calls: s.calls, totalMs: s.totalMs, statements });
      else siteList.push({ file: s.site?.file, line: s.site?.line, col: s.site?.col, via: s.site?.via, ...(s.site?.serializing ? { serializing: s.site.fn ?? 'the view' } : {}), calls: s.calls, totalMs: s.totalMs, statements });
    }
    siteList.sort((x, y) => y.totalMs - x.totalMs);
    nPlusOne.sort((x, y) => y.calls - x.calls || x.file.localeCompare(y.file) || x.line - y.line || x.normalized.localeCompare(y.normalized));
    writesPerItem.sort((x, y) => y.calls - x.calls || x.file.localeCompare(y.file) || x.line - y.line || x.normalized.localeCompare(y.normalized));
    oneNPlusOnePerCall(nPlusOne, overUnits);
    const slowest = this.slow.slice(0, o.slowest).map((e) => (this.isSetUp(e.sql) ? { sql: e.sql, ms: e.ms, rows: e.rows, connection: true as const, unit: e.u.n } : { sql: e.sql, ms: e.ms, rows: e.rows, file: e.site?.file, line: e.site?.line, unit: e.u.n }));
    const notices = noticesOf(extra.notices ?? [], this.prismaSent);
    const sitesUnknown = this.count > this.setUp && this.withoutSite >= (this.count - this.setUp) * 0.9 ? librariesOf(extra.notices ?? []) : undefined;
    if (sitesUnknown) notices.push(sitesUnknownText(sitesUnknown));
    return {
      statements: this.count, totalMs: this.totalMs, errors: this.errors, units: Object.fromEntries(Object.entries(this.unitIds).map(([k, v]) => [k, v.size])), sites: siteList, nPlusOne, writesPerItem, slowest,
      withoutSite: this.withoutSite, ...(this.setUp ? { connectionSetUp: this.setUp } : {}), notices, dropped: extra.dropped ?? 0, threshold: o.threshold, ...(sitesUnknown ? { sitesUnknown } : {}),
    };
  }

  /**
   * The tables a site's statements read in a unit (the first FROM of each, but `except`): which model's rows a library
   * serialised — the handler's own site first (get_comments returns `article.comments`, a query the library runs: its
   * rows are `comment`), then the rows' query before it (`article`).
   */
  private tablesAt(site: CaptureSite, unit: string, except: string): string[] {
    const stmts = this.sites.get(`${site.file}:${site.line}`)?.stmts;
    const out = new Set<string>();
    for (const st of stmts?.values() ?? []) {
      if (st.normalized === except || !st.perUnit.has(unit)) continue;
      const t = /\bfrom\s+(?:"?\w+"?\.)?"?(\w+)"?/i.exec(st.normalized)?.[1];
      if (t) out.add(t.toLowerCase());
    }
    return [...out];
  }

  /** Recorded Queries view: unit of work → call site → statement. */
  unitGroups(): UnitGroup[] {
    return [...this.groups.values()]
      .map((g) => ({
        kind: g.kind, name: g.name, instances: g.ids.size, calls: g.calls, totalMs: g.totalMs,
        sites: [...g.siteMap.values()].map((s) => ({ file: s.file, line: s.line, ...(s.serializing ? { serializing: s.serializing } : {}), ...(s.connection ? { connection: true as const } : {}), calls: s.calls, totalMs: s.totalMs, statements: [...s.stmtMap.values()].map((st) => ({ ...st })).sort((a, b) => b.totalMs - a.totalMs) })).sort((a, b) => b.totalMs - a.totalMs),
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
  }
}

/**
 * Aggregate events. `normalize` is normalizeSql from core/sql/statement (the caller loads the
 * parser); roughNormalize is used where it returns nothing. `extra.source` gives a file's text (the caller reads it):
 * an N+1's fix then reads its call site as the diagnostic does (`self.channel_set.values_list(…)`), so the report and
 * the Problems panel give one fix.
 */
export function summarize(events: readonly QueryEvent[], normalize: (sql: string) => string | undefined, opts: RecordOptions = {}, extra: SummaryExtra = {}): RecordSummary {
  const agg = new RecordAggregate(normalize);
  for (const e of events) agg.add(e);
  return agg.summary(opts, extra);
}

/**
 * summarize, with the syntax at the recorded call sites read first from the parsed sources of `extra.source`
 * (RecordedSyntax: tree-sitter through the language registry): what the CLI prints.
 */
export async function summarizeParsed(events: readonly QueryEvent[], normalize: (sql: string) => string | undefined, opts: RecordOptions = {}, extra: SummaryExtra = {}): Promise<RecordSummary> {
  const agg = new RecordAggregate(normalize);
  for (const e of events) agg.add(e);
  const syntax = new RecordedSyntax();
  const first = agg.summary(opts, { ...extra, syntax: syntax.at });
  // The call sites it asked about (the N+1s and the queries before them), parsed; then the summary again, if that said anything.
  return extra.source && (await syntax.read(extra.source)) ? agg.summary(opts, { ...extra, syntax: syntax.at }) : first;
}

/**
 * One N+1 per call and table read: a call that sent two statements per item in different units of work (conduit's
 * `article.hasUser(loggedUser ? loggedUser : null)`: `"User"."id" = $2` signed in, `IS NULL` signed out) is one
 * finding, not two at one line with two fixes (person14 P3). The one with the most calls stays; its fix is the best
 * understood one's (a named look-up over none), and a variant that tests `IS NULL` where the other has `= $n` (the
 * signed-out text, which finds no row: issue 16 D) gives way to the `= $n` one. Its units of work are those of both
 * statements, each unit once (issue 16 A: the larger of the two counts said 6 requests like it for 10; a sum would
 * count twice a unit that sent both).
 */
function oneNPlusOnePerCall(list: RecordedNPlusOne[], overUnits: ReadonlyMap<RecordedNPlusOne, readonly string[]>): void {
  const seen = new Map<string, { n: RecordedNPlusOne; units: Set<string> }[]>();
  // Two look-ups of different tables from one line are two N+1s (person17: `{{ bookinst.book }}` and
  // `{{ bookinst.borrower }}` on one template line, catalog_book and auth_user): each is reported, never one for the other.
  const otherTable = (a: RecordedNPlusOne, b: RecordedNPlusOne) => !!a.lookup?.table && !!b.lookup?.table && a.lookup.table !== b.lookup.table;
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    const key = `${n.file}:${n.line}:${n.col}`;
    const atSite = seen.get(key) ?? [];
    const kept = atSite.find((x) => !otherTable(x.n, n));
    if (!kept) {
      seen.set(key, [...atSite, { n, units: new Set(overUnits.get(n)) }]);
      continue;
    }
    const k = kept.n;
    if (isNullVariantOf(k.sql, n.sql)) {
      // Advise from the variant that looks a value up; the counts stay the call's.
      const { calls, units, unit, unitKind, ms, parent } = k;
      for (const f of ['lookup', 'sequelize', 'repeated', 'noEager'] as const) delete k[f];
      Object.assign(k, n, { calls, units, unit, unitKind, ms }, parent ? { parent } : {});
    } else if (!k.lookup && n.lookup && !k.repeated) Object.assign(k, { lookup: n.lookup, fix: n.fix });
    for (const u of overUnits.get(n) ?? []) kept.units.add(u);
    k.units = kept.units.size;
    list.splice(i--, 1);
  }
}

/**
 * `kept` is `other` with `IS NULL` in one or more places where `other` compares with a value (`= $n`, `= 3`:
 * Sequelize's `where: { id: null }` beside `where: { id }`).
 */
function isNullVariantOf(kept: string, other: string): boolean {
  const nulls = (t: string) => t.match(/\s+IS\s+NULL\b/gi)?.length ?? 0;
  if (nulls(kept) <= nulls(other)) return false;
  const mark = (t: string) => t.replace(/\s+IS\s+NULL\b|\s*=\s*(?:\$\d+|'(?:[^']|'')*'|-?\d+(?:\.\d+)?)/gi, ' \u0000').replace(/\$\d+/g, '$');
  return mark(kept) === mark(other);
}

/**
 * Did every call send the same text with the same values (issue 16 C)? One text (values the driver interpolated, if
 * any, are in it: they never differed), and its own `$n` parameters — when it has some — never changed from one call
 * to the next (`varies`, the capture's pd OR-ed: 0; pd compares calls of one text, so several texts are not known).
 * Without pd (an older capture) a text with parameters is not known either.
 */
const VOLATILE = /\b(nextval|setval|currval|lastval|random|gen_random_uuid|uuid_generate_v\d\w*|now|clock_timestamp|statement_timestamp|timeofday|txid_current|pg_current_xact_id|pg_try_advisory\w*|pg_advisory\w*|pg_sleep\w*)\s*\(/i;

function sameEveryCall(sent: string, varies: number | undefined, oneText: boolean): boolean {
  // A volatile function gives another result each time (nextval, random, now): the same text is not the same value.
  if (!oneText || VOLATILE.test(sent)) return false;
  let params = 0;
  for (const m of sent.matchAll(/\$(\d+)/g)) params = Math.max(params, Number(m[1]));
  return params === 0 || (params <= 31 && varies === 0);
}

/** The Sequelize mixin called at 1-based column `col` of a line (`article.getTagList()`), when the models declare one such. */
function sequelizeCallAt(lineText: string, col: number, sql: string, mixins: (method: string) => readonly SequelizeMixin[]): SequelizeCall | undefined {
  const name = /^([A-Za-z_$][\w$]*)\s*\(/.exec(lineText.slice(Math.max(0, col - 1)))?.[1];
  if (!name) return undefined;
  const found = mixins(name);
  // Several models with a mixin of that name: the one whose target the statement reads (Sequelize aliases it by the model's name).
  const read = found.filter((m) => sql.includes(`AS "${m.target}"`));
  const pick = read.length ? read : found;
  // One association (kind, target, as), maybe declared by several models alike (conduit's Article and Comment both
  // belongTo User as "author", and the helper takes either).
  const kinds = new Set(pick.map((m) => `${m.kind}|${m.target}|${m.as ?? ''}`));
  if (kinds.size !== 1) return undefined;
  const models = [...new Set(pick.map((m) => m.model))];
  const item = /([A-Za-z_$][\w$]*)\s*\??\.\s*$/.exec(lineText.slice(0, Math.max(0, col - 1)))?.[1];
  return { mixin: pick[0], ...(models.length > 1 ? { models } : {}), ...(item ? { item } : {}) };
}

/**
 * Does the query that loaded the rows (the parent call) include the association already? Its call's arguments, and
 * the options or include lists it names (`findAndCountAll(searchOptions)`, `include: includeOptions`) as the file
 * declares them, name the association's `as` (or its model, without one). The answer: undefined (not known), [] (not
 * included), [''] (included whole), or the options that filter an include of it (`where`, `limit` — conduit's `...(tag && { where: { name: tag } })`): such an include holds only the matching rows, so the
 * item's property is not what the mixin returns (issue 20 person15 #6).
 */
function parentIncludes(text: string | undefined, parent: CaptureSite, m: SequelizeMixin): string[] | undefined {
  if (text === undefined) return undefined;
  const args = callArgsAt(text, parent.line, parent.col);
  if (args === undefined) return undefined;
  let seen = args;
  for (const id of new Set(args.match(/[A-Za-z_$][\w$]*/g) ?? [])) {
    const decl = new RegExp(`\\b(?:const|let|var)\\s+${id.replace(/\$/g, '\\$')}\\s*=`).exec(text);
    if (decl) seen += '\n' + declarationAt(text, decl.index);
  }
  const names = m.as ? new RegExp(`\\bas\\s*:\\s*['"\`]${m.as}['"\`]`, 'g') : new RegExp(`\\b(?:model\\s*:\\s*|include\\s*:\\s*\\[?\\s*)${m.target}\\b|\\bas\\s*:\\s*['"\`]${associationProperty(m)}['"\`]`, 'g');
  const filters = new Set<string>();
  let found = false;
  for (const hit of seen.matchAll(names)) {
    found = true;
    for (const f of includeFilters(enclosingObject(seen, hit.index))) filters.add(f);
  }
  return !found ? [] : filters.size ? [...filters] : [''];
}

/** The declaration starting at `at` (`const x = …`): to its `;`, or the line's end, outside brackets (at most 2,000 characters). */
function declarationAt(text: string, at: number): string {
  const end = Math.min(text.length, at + 2000);
  for (let i = at, depth = 0; i < end; i++) {
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (depth <= 0 && (c === ';' || (c === '\n' && !/[=,([{]\s*$/.test(text.slice(at, i))))) return text.slice(at, i);
  }
  return text.slice(at, end);
}

/** The `{ … }` object literal around position `at` of `text` (to its end, or as far as the text goes). */
function enclosingObject(text: string, at: number): string {
  let start = -1;
  for (let i = at, depth = 0; i >= 0; i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && depth-- === 0) { start = i; break; }
  }
  if (start < 0) return '';
  for (let i = start, depth = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

/**
 * The options of an include object that keep only some of the association's rows: a `where` (a `through: { where }`
 * included) or a `limit`. `required: true` alone drops parent rows, not the association's; `separate: true` alone loads
 * them all in a second query: neither changes what the item's property holds.
 */
function includeFilters(include: string): string[] {
  const out: string[] = [];
  if (/\bwhere\s*:|\bwhere\s*[,}]/.test(include)) out.push('where');
  if (/\blimit\s*:/.test(include)) out.push('limit');
  return out;
}

/** The schema.prisma of the project a file is in: `prisma/schema.prisma` or `schema.prisma` in its folder or one above it. */
function prismaSchemaNear(file: string, read: (file: string) => string | undefined): string | undefined {
  return fileNear(file, [['prisma', 'schema.prisma'], ['schema.prisma']], read, 12)?.text;
}

/** The query libraries the capture said were loaded, with their versions: "knex 0.19.5, objection 2.2.0". */
function librariesOf(notices: readonly NoticeEvent[]): string | undefined {
  const named = new Set<string>();
  for (const n of notices) if (n.code === 'library' && n.name) named.add(n.version ? `${n.name} ${n.version}` : n.name);
  return named.size ? [...named].sort().join(', ') : undefined;
}

function noticesOf(notices: readonly NoticeEvent[], prismaSent: boolean): string[] {
  const codes = new Set(notices.map((n) => n.code));
  const out: string[] = [];
  if (codes.has('prisma-client') && !codes.has('prisma-adapter-pg') && !prismaSent) {
    out.push('Prisma is loaded, but its Rust query engine talks to PostgreSQL itself: PG Lens cannot see its statements. Run Prisma on pg with the driver adapter (npm install @prisma/adapter-pg; previewFeatures = ["driverAdapters"] before Prisma 6.16; new PrismaClient({ adapter: new PrismaPg({ connectionString }) })) and record again.');
  }
  return out;
}

export interface UnitGroup {
  kind: string;
  /** Units of work share a group by name ("GET /orders/:n", a test's title). */
  name: string;
  instances: number;
  calls: number;
  totalMs: number;
  /** `serializing`, `connection`: as SiteFigure's (the view whose response was being serialised; connection set-up). */
  sites: { file?: string; line?: number; serializing?: string; connection?: true; calls: number; totalMs: number; statements: { normalized: string; sql: string; calls: number; totalMs: number }[] }[];
}

/** Recorded Queries view: unit of work → call site → statement. */
export function groupByUnit(events: readonly QueryEvent[], normalize: (sql: string) => string | undefined): UnitGroup[] {
  const agg = new RecordAggregate(normalize);
  for (const e of events) agg.add(e);
  return agg.unitGroups();
}

/** The models a handler's lazy loads read: its own file's text and the models.py (or models/ package's __init__) nearest it. */
function modelsNear(file: string, text: string | undefined, read: (file: string) => string | undefined): string | undefined {
  const near = fileNear(file, [['models.py'], ['models', '__init__.py']], read)?.text;
  return [text, near].filter((x) => x !== undefined).join('\n') || undefined;
}

/** The code of the rows' query: the handler's lines from its `def` to that query when it is in the handler's file below it, else the query's line. */
function viewText(site: CaptureSite, parent: CaptureSite, read: (file: string) => string | undefined): string | undefined {
  const lines = read(parent.file)?.split('\n');
  if (!lines) return undefined;
  return parent.file === site.file && parent.line > site.line && parent.line - site.line < 200 ? lines.slice(site.line - 1, parent.line).join('\n') : lines[parent.line - 1];
}
