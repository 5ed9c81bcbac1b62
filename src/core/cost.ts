/**
 * Production cost of statements (pg_stat_statements), pure: matching a SqlSite's SQL to a
 * statement, the CodeLens title, and ranking. The db layer reads the numbers (src/db/queryStats.ts: readStatementCosts, queryIdOf).
 */
import type { KnownPlan } from './plan/indexUse';
import type { StatementFigures } from './nplusone/observed';
import { formatCount, formatMs, formatPercent, listAndMore } from './format';
import { fingerprintSql, normalizeSql } from './sql/statement';
import { applicationText, isOwnStatementText } from './dashboard/ownStatements';
import { ownTimeNote } from './dashboard/live';
import { statementShape } from './sql/predicates';
import { maxParamIndex } from './extract/sqlLexer';

export { isOwnStatementText };

export interface StatementStat {
  /** pg_stat_statements.queryid as a decimal string (it is a signed 64-bit integer). */
  queryid: string;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface CostSummary {
  stat: StatementStat;
  /** Share of the database's total execution time (0..1). */
  share: number;
  /** Rank by total time, 1 = the most expensive statement. */
  rank: number;
}

/**
 * The cost lens's note on a statement the workspace writes at `places` places (person28 M2: the app's figures over a
 * file that never ran, with nothing saying they were shared): pg_stat_statements cannot tell the callers apart.
 */
export function sharedCallSites(places: number): string {
  return places > 1 ? ` · shared by ${places} call sites` : '';
}

/**
 * The most a cost CodeLens line holds (characters, every lens of one call: the cost's, the cache candidate's and a
 * recording's, which VS Code joins with " | "), so it fits beside code indented in a half-width editor. The long parts
 * are in the tooltips: the period the figures cover, the writes that invalidate a cache (person40 L6: "…shared by 2 call
 * sites | cacheable: 95% hits at a 60 s TTL · invalidated by writ…" ran off the window), the index a "since" line counts
 * from and its age (person41: "since CREATE INDEX orders_customer_id_placed_at_desc_idx (10.7 min): … | 8 statements ·
 * 42.3 ms · 1× |", ~190 characters).
 */
export const LENS_LINE_MAX = 130;

/**
 * The room a recording's CodeLens (core/record/lens) takes on the line, at most: its title grows while the app runs
 * ("recorded: 99 calls · 99.9 ms client time · 10× per request: N+1", shorter forms past this), and the cost lens is not
 * asked again at each statement.
 */
export const RECORDED_LENS_ROOM = 48;

/**
 * The characters the cost lens's title may take on a line that also holds the lenses `others` (their titles as shown,
 * an icon counted as its glyph and a space): LENS_LINE_MAX less its own icon and each other lens with its " | ".
 */
export function costLensRoom(others: readonly string[] = []): number {
  return LENS_LINE_MAX - 2 - others.reduce((n, o) => n + 3 + o.length, 0);
}

/** The first of `titles` (longest, most complete first) that fits in `room` characters; else the last (the shortest). */
export function fitTitle(titles: readonly string[], room: number): string {
  return titles.find((t) => t.length <= room) ?? titles[titles.length - 1];
}

/**
 * What the figures of a lens are (person55 M-1): one statement's (`callSites` places writing the same text), or — `shape` —
 * one pg_stat_statements entry that other constants written elsewhere share: its rows per call are theirs as much as this
 * line's (a `'pending'` line wore `'refunded'`'s 165 rows/call), so the lens gives the entry's calls "of this shape" and no
 * rows; `never`: PG Lens proves the line's condition never true (`no-rows`) or its enum label rejected (`fails`), and the
 * lens says that first.
 */
export interface LensFigures {
  callSites: number;
  shape?: boolean;
  never?: 'no-rows' | 'fails';
}

/** The lens's place count: a number (the places writing the same text) or LensFigures. */
type Places = number | LensFigures;

function figuresOf(p: Places): LensFigures {
  return typeof p === 'number' ? { callSites: p } : p;
}

/**
 * The lens of a line whose condition PG Lens proves never true, or whose enum label PostgreSQL rejects: what the line
 * does first, then the entry's calls, said to be the shape's when other constants share it.
 */
function neverLens(s: StatementStat, f: LensFigures): string[] {
  const what = f.never === 'fails' ? 'always fails here (a label its enum does not have)' : 'never true here: returns no rows';
  const calls = f.shape ? `${callsPhrase(s.calls)} of this shape${f.callSites > 1 ? ` (${f.callSites} call sites)` : ''}` : `${windowCalls(s)}${sharedCallSites(f.callSites)}`;
  return [`${what} · ${calls}`, what];
}

/** "2 call sites": the short form of sharedCallSites, when the line is crowded. */
function callSitesShort(places: number): string {
  return places > 1 ? ` · ${places} call sites` : '';
}

function callsPhrase(calls: number): string {
  return `${formatCount(calls)} call${calls === 1 ? '' : 's'}`;
}

/** "120 calls": a window's calls (the application's); "220 calls (up to 100 PG Lens's)" when the entry was made anew since PG Lens's runs (AppFigures.ownInCalls). */
function windowCalls(s: StatementStat, shape = false): string {
  const ours = (s as AppFigures).ownInCalls;
  const running = (s as AppFigures).ownUnderWay;
  return `${callsPhrase(s.calls)}${shape ? ' of this shape' : ''}${ours ? ` (up to ${formatCount(ours)} PG Lens's)` : running ? ` (up to ${formatCount(running)} from a Benchmark under way)` : ''}`;
}

function rowsPerCall(s: StatementStat): string {
  const perCall = s.calls > 0 ? s.rows / s.calls : 0;
  return `${perCall >= 100 ? formatCount(perCall) : perCall.toFixed(1)} rows/call`;
}

/**
 * The cost CodeLens's title: "1.2% of DB time · 0.052 ms mean · 528 calls · 2.2 rows/call · shared by 2 call sites". The
 * period the figures cover ("since stats reset 24.6 min ago") is its tooltip's first figures line (formatCostTooltip).
 * `room` (costLensRoom): on a crowded line the rows per call, then the call sites, are the tooltip's only.
 */
export function costLensTitle(c: Pick<CostSummary, 'stat' | 'share'>, places: Places, room = costLensRoom(), besideRecording = false): string {
  const s = c.stat;
  const f = figuresOf(places);
  if (f.never) return fitTitle(neverLens(s, f), room);
  const callSites = f.callSites;
  // Beside a recording's lens, which counts the calls it recorded, the calls say their window (person43 L7: "6 calls ·
  // 10.5 rows/call | 36 calls · 80.8 ms client time" read as two answers to one question).
  // On a line crowded further (a cache candidate's lens too) the window goes last but one: the tooltip says it.
  // PG Lens's runs whose time could not be taken out: said on the share and the mean, which hold it (person50 L-A).
  const head = `${formatPercent(c.share, { brief: true })} of DB time · ${formatMs(s.meanMs)} mean${lensTimeNote(s as AppFigures)} · ${windowCalls(s, f.shape)}`;
  const named = besideRecording ? `${head} ${CALLS_WINDOW}` : head;
  // An entry other constants share: its rows are theirs too, so none are given (person55 M-1).
  if (f.shape) return fitTitle([`${named} (${callSites} call sites)`, named, head], room);
  return fitTitle([`${named} · ${rowsPerCall(s)}${sharedCallSites(callSites)}`, `${named}${sharedCallSites(callSites)}`, `${named}${callSitesShort(callSites)}`, named, head], room);
}

/** The window of pg_stat_statements' calls, said on a lens line beside a recording's (which counts its own calls). */
const CALLS_WINDOW = 'since stats reset';

/** "18% of DB time · 3.1 ms mean · 120k calls · 1.0 rows/call", and the period when known ("· since stats reset 3 h ago"). */
export function formatCostLens(c: Pick<CostSummary, 'stat' | 'share'>, period?: string): string {
  const s = c.stat;
  return `${formatPercent(c.share, { brief: true })} of DB time · ${formatMs(s.meanMs)} mean${lensTimeNote(s as AppFigures)} · ${callsPhrase(s.calls)} · ${rowsPerCall(s)}${period ? ` · ${period}` : ''}`;
}

/**
 * " (both incl. 100 PG Lens runs)" on the share and the mean (dashboard/live ownTimeNote); while a Benchmark is under
 * way, " (both incl. 5,220 PG Lens runs, under way)": its runs so far are out of the calls, their time not yet known (person52 M-1).
 */
function lensTimeNote(s: AppFigures): string {
  const note = ownTimeNote(s, true);
  return s.ownRunning && note ? note.replace(/\)$/, ', under way)') : note;
}

/** The tooltip's line for a Benchmark under way at the reading (AppFigures.ownRunning). */
function runningLine(s: AppFigures): string | undefined {
  const n = s.ownRunning;
  if (!n) return undefined;
  const runs = `${n.toLocaleString('en-US')} run${n === 1 ? '' : 's'}`;
  return s.ownInCalls
    ? `A Benchmark of this statement is under way: ${runs} so far (pg_stat_statements made the entry anew since: how many of them it holds is not known).`
    : `A Benchmark of this statement is under way: its ${runs} done by the reading are left out of the calls and rows; their time on the server is known only when it ends, so the total, the mean and the share hold it until the next reading after it.`;
}

/**
 * "since stats reset 3 h ago": the period whole-history figures cover (pg_stat_statements' last reset). The age was
 * read with the figures; `sinceReadMs` (the time since that reading) makes it the age now, not the reading's
 * (person16 LOW 4: "reset 7.3 min ago" when it was 9.6 min ago).
 */
export function resetPeriodPhrase(resetAgeSeconds: number | undefined, sinceReadMs = 0): string | undefined {
  return resetAgeSeconds === undefined ? undefined : `since stats reset ${formatMs(resetAgeSeconds * 1000 + Math.max(0, sinceReadMs))} ago`;
}

/** "Read from pg_stat_statements 40 s ago; refreshed every 30 s": how old the figures are (they are a reading, not live). */
function readingAgePhrase(sinceReadMs: number, refreshMs: number): string {
  const ago = sinceReadMs < 1000 ? 'just now' : `${formatMs(sinceReadMs)} ago`;
  return `Read from pg_stat_statements ${ago}; refreshed every ${formatMs(refreshMs)} while an editor is open.`;
}

/**
 * A reading of the statements' figures taken before the database's indexes changed (an index created or dropped):
 * the figures since then are the ones that describe the statement now — its whole-history mean still holds the
 * calls that ran without the index.
 */
export interface CostBaseline {
  /** When the reading was taken (ms since the epoch): the change came after it, before the next reading. */
  atMs: number;
  /**
   * When the change was seen: the next reading, the one that found it (ms since the epoch). The change's age is counted
   * from it (person49 L-8: counted from `atMs`, "since new index (3.9 min)" read ~40 s more than the index's age).
   */
  seenAtMs: number;
  /** What changed: "CREATE INDEX order_items_order_id_idx", "DROP INDEX x", "3 index changes". */
  change: string;
  /** The statements' figures at that reading, by queryid. */
  before: ReadonlyMap<string, StatementStat>;
  /** The tables (schema.name) of the indexes that changed: only statements reading one of them count from the baseline. */
  tables: ReadonlySet<string>;
  /** The indexes created (schema.name): a statement counts from their creation only when its plan uses one (baselineFor). */
  added?: readonly IndexIdentity[];
  /** The indexes dropped (schema.name): a statement counts from their drop only when its plan before it used one (baselineFor). */
  dropped?: readonly IndexIdentity[];
  /**
   * The change this one followed, still in force when it came (no reset of pg_stat_statements since): a statement it
   * applies to (baselineApplies) has its figures "before" this change counted from it — the period between the two —,
   * not from the whole history (person48 M-B: after CREATE then DROP INDEX, "before: 1.4 ms mean" mixed 550 calls
   * without the index at 1.8 ms with 90 under it at 0.030 ms; the drop had made the statement 70× slower).
   */
  previous?: Pick<CostBaseline, 'atMs' | 'change' | 'before' | 'tables'> & Partial<Pick<CostBaseline, 'seenAtMs' | 'added' | 'dropped'>>;
}

/** An index as CostBaselines follows it: its schema-qualified name and its table's. */
export interface IndexIdentity {
  name: string;
  table: string;
}

/**
 * Whether a statement's figures count from the baseline: it names one of the tables whose indexes changed (an index
 * on orders says nothing of a statement that reads only customers — person9: every lens restarted "since CREATE INDEX
 * orders_customer_id_idx"). A statement that cannot be read counts from it, as before.
 */
export function baselineApplies(baseline: Pick<CostBaseline, 'tables'>, sql: string): boolean {
  const shape = statementShape(sql);
  if (!shape?.tables.length) return true;
  const bare = new Set([...baseline.tables].map((t) => t.slice(t.lastIndexOf('.') + 1)));
  return shape.tables.some((t) => (t.schema ? baseline.tables.has(`${t.schema}.${t.name}`) : bare.has(t.name)));
}

/**
 * The baseline a statement's title counts from, if any: an index change on a table it reads, and only when the change
 * touched an index its plan uses. A created index: the statement's newest plan made since uses one (person37 L2:
 * `recentOrders`, ORDER BY placed_at LIMIT, read "since CREATE INDEX orders_customer_id_placed_at_desc_idx: 0.57 ms mean
 * · before: 0.36 ms" — load noise credited to an index its plan does not use). A dropped index: its plan from before the
 * drop used one (person49 M-2: after DROP INDEX orders_status_idx the email lookup's lens read "since index drop: 7.7 ms
 * mean · before: 13 ms" — a 2× gain credited to a drop of an index it never used). `plan`: the statement's newest plan
 * PG Lens made and the one before it (the hover's, the analysis's: core/plan/indexUse); a plan "from before" a drop is one
 * made before the reading before it, or one using a dropped index (made while it existed). A plan known and not using
 * them: `notUsed` says so (the title gives the whole history); a plan known on the other side only: `notUsed` says that
 * it cannot tell; no plan at all: nothing.
 */
export function baselineFor(baseline: CostBaseline | undefined, sql: string, plan: KnownPlan | undefined): { since?: CostBaseline; notUsed?: string } {
  const r = changeFor(baseline, sql, plan);
  // The newest change left this statement's plan alone (another statement's index on the same table): the change before
  // it, still in force, is the one its figures count from when its plan uses that one's index (person55 M-2: a second
  // index on orders took orders_status_idx's "since new index: 0.41 ms (was 4.6 ms)" away from the statement it serves).
  const p = baseline?.previous;
  if (r.since || !p || (!p.added?.length && !p.dropped?.length)) return r;
  const older = changeFor({ ...p, seenAtMs: p.seenAtMs ?? p.atMs }, sql, plan);
  return older.since ? { since: older.since, ...(r.notUsed ? { notUsed: r.notUsed } : {}) } : r;
}

/** Whether one index change is the one a statement's figures count from (baselineFor), or why not. */
function changeFor(baseline: CostBaseline | undefined, sql: string, plan: KnownPlan | undefined): { since?: CostBaseline; notUsed?: string } {
  if (!baseline || !baselineApplies(baseline, sql)) return {};
  const added = baseline.added ?? [];
  const dropped = baseline.dropped ?? [];
  if (!added.length && !dropped.length) return { since: baseline };
  if (!plan) return {};
  const uses = (p: Pick<KnownPlan, 'indexes'>, list: readonly IndexIdentity[]) =>
    list.some((a) => {
      const dot = a.name.lastIndexOf('.');
      const schema = dot < 0 ? null : a.name.slice(0, dot);
      const name = a.name.slice(dot + 1);
      return p.indexes.some((i) => i.name === name && (i.schema === null || schema === null || i.schema === schema));
    });
  const since = plan.atMs >= baseline.atMs ? plan : undefined;
  // The plan from before the change: the newest (when it was planned the same way since before the change), else the one
  // before it that used other indexes (the ledger keeps it across plans made again the same way: person50 M-A).
  const before = [{ ...plan, atMs: plan.sinceMs ?? plan.atMs }, plan.prior].find((p) => p && (p.atMs < baseline.atMs || uses(p, dropped)));
  if ((since && uses(since, added)) || (before && uses(before, dropped))) return { since: baseline };
  const n = added.length + dropped.length === 1 ? 'it' : 'them';
  // Planned on one side of the change only (a file opened after DROP INDEX; not planned again since CREATE INDEX): whether
  // the change touched its plan is unknown, and said — silence read as a mean mixed from before and after it (person51 M-1).
  if (dropped.length && !before) return { notUsed: `${baseline.change}: PG Lens did not plan this statement while ${n === 'it' ? 'the index' : 'those indexes'} existed, so it cannot tell whether the drop changed its figures; they are the whole history` };
  if (added.length && !since) return { notUsed: `${baseline.change}: PG Lens has not planned this statement since, so it cannot tell whether its plan uses ${n}; the figures are the whole history` };
  const verb = !dropped.length ? `does not use ${n}` : !added.length ? `did not use ${n}` : 'uses none of them';
  return { notUsed: `${baseline.change}: this statement's plan ${verb}, so the figures are not counted from it` };
}

/**
 * Follows the index set between readings of pg_stat_statements (the cost CodeLens reads both every 30 s):
 * when it changes, the reading before the change becomes the baseline the figures are counted from. A reset of
 * pg_stat_statements after the baseline makes it meaningless (the whole history is then the recent one).
 */
export class CostBaselines {
  private last: { atMs: number; indexes: ReadonlyMap<string, IndexIdentity>; stats: ReadonlyMap<string, StatementStat> } | undefined;
  private baseline: CostBaseline | undefined;
  /** A baseline kept from before a Reload Window (restore), not yet checked against a reading's index set. */
  private pending: KeptCostBaseline | undefined;
  /** The server and pg_stat_statements' period the baseline is counted in (restore): what toKept stamps it with. */
  private epoch: OwnRunsEpoch | undefined;
  private readonly listeners = new Set<() => void>();

  /** The reading before the last index change, while no reset of pg_stat_statements came after it. */
  current(): CostBaseline | undefined {
    return this.baseline;
  }

  /** Called when the baseline changed (a new index change, or a reset that ended it): the editor keeps it (vscode/databaseStore). */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** One reading: the index set (oid → index and table) and the statements' figures, at `atMs`. Returns the tables (schema.name) whose indexes changed since the last reading. */
  observe(atMs: number, indexes: ReadonlyMap<string, IndexIdentity>, stats: readonly StatementStat[], resetAgeSeconds?: number): Set<string> {
    const was = this.baseline;
    const byId = new Map(stats.map((s) => [s.queryid, s]));
    const changed = new Set<string>();
    // The first reading after a reload: the baseline kept from before it holds when the index set is still its "after".
    if (!this.last) this.adopt(indexes);
    if (this.last) {
      const added = [...indexes].filter(([oid]) => !this.last!.indexes.has(oid)).map(([, n]) => n);
      const dropped = [...this.last.indexes].filter(([oid]) => !indexes.has(oid)).map(([, n]) => n);
      if (added.length || dropped.length) {
        for (const i of [...added, ...dropped]) changed.add(i.table);
        const p = this.baseline;
        const previous = p && { atMs: p.atMs, seenAtMs: p.seenAtMs, change: p.change, before: p.before, tables: p.tables, ...(p.added ? { added: p.added } : {}), ...(p.dropped ? { dropped: p.dropped } : {}) };
        this.baseline = { atMs: this.last.atMs, seenAtMs: atMs, change: describeIndexChange(added.map((i) => i.name), dropped.map((i) => i.name)), before: this.last.stats, tables: new Set([...added, ...dropped].map((i) => i.table)), added, dropped, ...(previous ? { previous } : {}) };
      }
    }
    if (this.baseline && resetAgeSeconds !== undefined && atMs - resetAgeSeconds * 1000 > this.baseline.atMs) this.baseline = undefined;
    else if (this.baseline?.previous && resetAgeSeconds !== undefined && atMs - resetAgeSeconds * 1000 > this.baseline.previous.atMs) {
      const { previous: _reset, ...kept } = this.baseline;
      this.baseline = kept;
    }
    this.last = { atMs, indexes, stats: byId };
    if (this.baseline !== was) for (const l of this.listeners) l();
    return changed;
  }

  /**
   * The baseline as kept across a Reload Window (parseKeptCostBaseline): undefined when there is none, when the period it
   * is counted in cannot be told again later (before PostgreSQL 14: no pg_stat_statements_info), or when the index set is
   * too large to keep. Only the figures of the statements it applies to (baselineApplies), the KEPT_BASELINE_STATEMENTS
   * most called.
   */
  toKept(): KeptCostBaseline | undefined {
    const b = this.baseline;
    const e = this.epoch;
    if (!b || !this.last) return this.pending;
    if (!e || e.statsResetMs === undefined || this.last.indexes.size > KEPT_BASELINE_INDEXES) return undefined;
    const figures = (m: ReadonlyMap<string, StatementStat>, tables: ReadonlySet<string>) =>
      [...m.values()]
        .filter((s) => baselineApplies({ tables }, s.query))
        .sort((x, y) => y.calls - x.calls)
        .slice(0, KEPT_BASELINE_STATEMENTS)
        .map((s) => ({ queryid: s.queryid, query: s.query.slice(0, KEPT_QUERY_CHARS), calls: s.calls, totalMs: s.totalMs, meanMs: s.meanMs, rows: s.rows }));
    return {
      epoch: { startedMs: e.startedMs, statsResetMs: e.statsResetMs },
      atMs: b.atMs,
      seenAtMs: b.seenAtMs,
      change: b.change,
      tables: [...b.tables],
      added: [...(b.added ?? [])],
      dropped: [...(b.dropped ?? [])],
      before: figures(b.before, b.tables),
      after: [...this.last.indexes.keys()],
      ...(b.previous ? { previous: { atMs: b.previous.atMs, change: b.previous.change, tables: [...b.previous.tables], before: figures(b.previous.before, b.previous.tables), ...(b.previous.seenAtMs !== undefined ? { seenAtMs: b.previous.seenAtMs } : {}), ...(b.previous.added ? { added: [...b.previous.added] } : {}), ...(b.previous.dropped ? { dropped: [...b.previous.dropped] } : {}) } } : {}),
    };
  }

  /**
   * Take back a baseline kept before a Reload Window (toKept; any stored value, checked) when it was counted in the period
   * read now (`now`: the same server start and pg_stat_statements reset — the check the own-runs ledger makes). It is used
   * only if the first reading shows the index set it was left with: otherwise another change came while the window was
   * closed, and the figures start from that reading, as without a kept one. Returns whether it was taken (pending).
   */
  restore(kept: unknown, now: OwnRunsEpoch): boolean {
    this.epoch = now;
    const k = parseKeptCostBaseline(kept);
    if (!k || now.statsResetMs === undefined || !sameEpoch(k.epoch, now) || this.baseline) return false;
    this.pending = k;
    if (this.last) this.adopt(this.last.indexes);
    return true;
  }

  private adopt(indexes: ReadonlyMap<string, IndexIdentity>): void {
    const k = this.pending;
    this.pending = undefined;
    if (!k || this.baseline || k.after.length !== indexes.size || !k.after.every((oid) => indexes.has(oid))) return;
    const byId = (list: readonly StatementStat[]) => new Map(list.map((s) => [s.queryid, s]));
    this.baseline = {
      atMs: k.atMs,
      seenAtMs: k.seenAtMs,
      change: k.change,
      before: byId(k.before),
      tables: new Set(k.tables),
      added: k.added,
      dropped: k.dropped,
      ...(k.previous ? { previous: { atMs: k.previous.atMs, change: k.previous.change, tables: new Set(k.previous.tables), before: byId(k.previous.before), ...(k.previous.seenAtMs !== undefined ? { seenAtMs: k.previous.seenAtMs } : {}), ...(k.previous.added ? { added: k.previous.added } : {}), ...(k.previous.dropped ? { dropped: k.previous.dropped } : {}) } } : {}),
    };
  }
}

/** The most statements' figures a kept baseline holds (the most called of those it applies to). */
export const KEPT_BASELINE_STATEMENTS = 2000;
/** The largest index set a kept baseline is checked against (its oids are kept): past it, the baseline is kept for the session only. */
export const KEPT_BASELINE_INDEXES = 20_000;
/** A kept statement's text, cut to this many characters (the figures are matched by queryid; the text is not needed). */
const KEPT_QUERY_CHARS = 200;

/** CostBaselines' plain serialisable form, kept across a Reload Window (vscode/databaseStore): PostgreSQL 14+ only. */
export interface KeptCostBaseline {
  epoch: { startedMs: number; statsResetMs: number };
  atMs: number;
  seenAtMs: number;
  change: string;
  tables: string[];
  added: IndexIdentity[];
  dropped: IndexIdentity[];
  before: StatementStat[];
  /** The index set (oids) after the change: the first reading after the reload must show the same. */
  after: string[];
  previous?: { atMs: number; change: string; tables: string[]; before: StatementStat[]; seenAtMs?: number; added?: IndexIdentity[]; dropped?: IndexIdentity[] };
}

/** A stored value read back as KeptCostBaseline, its malformed statements left out; undefined when it is not one. */
export function parseKeptCostBaseline(v: unknown): KeptCostBaseline | undefined {
  const o = v as Partial<KeptCostBaseline> | null | undefined;
  if (!o || typeof o !== 'object' || !o.epoch || !finite(o.epoch.startedMs) || !finite(o.epoch.statsResetMs)) return undefined;
  if (!finite(o.atMs) || !finite(o.seenAtMs) || o.seenAtMs < o.atMs || typeof o.change !== 'string' || !o.change) return undefined;
  const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
  const identities = (a: unknown): a is IndexIdentity[] => Array.isArray(a) && a.every((x) => !!x && typeof (x as IndexIdentity).name === 'string' && typeof (x as IndexIdentity).table === 'string');
  if (!strings(o.tables) || !o.tables.length || !strings(o.after) || o.after.length > KEPT_BASELINE_INDEXES || !identities(o.added) || !identities(o.dropped)) return undefined;
  const stats = (a: unknown): StatementStat[] | undefined =>
    Array.isArray(a)
      ? a
          .flatMap((x): StatementStat[] => {
            const s = x as Partial<StatementStat> | null;
            if (!s || typeof s.queryid !== 'string' || typeof s.query !== 'string' || ![s.calls, s.totalMs, s.meanMs, s.rows].every(finite)) return [];
            return [{ queryid: s.queryid, query: s.query.slice(0, KEPT_QUERY_CHARS), calls: s.calls!, totalMs: s.totalMs!, meanMs: s.meanMs!, rows: s.rows! }];
          })
          .slice(0, KEPT_BASELINE_STATEMENTS)
      : undefined;
  const before = stats(o.before);
  if (!before) return undefined;
  const p = o.previous;
  const pBefore = p ? stats(p.before) : undefined;
  const previous =
    p && finite(p.atMs) && p.atMs <= o.atMs && typeof p.change === 'string' && strings(p.tables) && pBefore
      ? { atMs: p.atMs, change: p.change, tables: [...p.tables], before: pBefore, ...(finite(p.seenAtMs) && p.seenAtMs >= p.atMs ? { seenAtMs: p.seenAtMs } : {}), ...(identities(p.added) ? { added: p.added.map((i) => ({ name: i.name, table: i.table })) } : {}), ...(identities(p.dropped) ? { dropped: p.dropped.map((i) => ({ name: i.name, table: i.table })) } : {}) }
      : undefined;
  return {
    epoch: { startedMs: o.epoch.startedMs, statsResetMs: o.epoch.statsResetMs },
    atMs: o.atMs,
    seenAtMs: o.seenAtMs,
    change: o.change,
    tables: [...o.tables],
    added: o.added.map((i) => ({ name: i.name, table: i.table })),
    dropped: o.dropped.map((i) => ({ name: i.name, table: i.table })),
    before,
    after: [...o.after],
    ...(previous ? { previous } : {}),
  };
}

function describeIndexChange(added: string[], dropped: string[]): string {
  const short = (n: string) => n.replace(/^public\./, '');
  if (added.length + dropped.length > 1) return `${added.length + dropped.length} index changes`;
  return added.length ? `CREATE INDEX ${short(added[0])}` : `DROP INDEX ${short(dropped[0])}`;
}

/** A statement's figures since a baseline reading (all of them when it was not among the statements then, or was evicted and counted anew). */
export function figuresSince(now: StatementStat, before: StatementStat | undefined): StatementStat {
  if (!before || before.calls > now.calls) return now;
  const calls = now.calls - before.calls;
  const totalMs = Math.max(0, now.totalMs - before.totalMs);
  return { ...now, calls, totalMs, rows: Math.max(0, now.rows - before.rows), meanMs: calls > 0 ? totalMs / calls : 0 };
}

/**
 * What an index change is on the line: "new index", "index drop", "index changes" — the index's name and when it
 * changed are the tooltip's (formatCostTooltip's `since`).
 */
function changeOnLine(change: string): string {
  return change.startsWith('CREATE INDEX ') ? 'new index' : change.startsWith('DROP INDEX ') ? 'index drop' : 'index changes';
}

/**
 * The age of an index change on the lens: from when it was seen (the reading that found it), and said roughly — the
 * change came between the reading before and that one, up to a refresh earlier: "about 4 min", "under 1 min", "about 2 h".
 */
function changeAge(baseline: Pick<CostBaseline, 'seenAtMs'>, nowMs: number): string {
  const ms = Math.max(0, nowMs - baseline.seenAtMs);
  if (ms < 60_000) return 'under 1 min';
  if (ms < 3_600_000) return `about ${Math.round(ms / 60_000)} min`;
  return `about ${formatMs(ms)}`;
}

/**
 * The CodeLens title after the indexes changed: the figures since the change, and the mean before it —
 * "since new index (about 4 min): 0.060 ms mean · 40 calls · 1.0 rows/call · before: 12 ms mean", shorter on a crowded
 * line ("since new index: 0.060 ms mean (was 12 ms) · 40 calls"), or "no calls since new index (about 4 min) · before:
 * 12 ms mean · 13 calls". The age is the change's, from when it was seen (changeAge). The index's name, the reading the
 * figures count from and the calls before are the tooltip's (formatCostTooltip's `since`).
 */
export function formatCostLensSince(since: StatementStat, before: StatementStat | undefined, baseline: Pick<CostBaseline, 'seenAtMs' | 'change'>, nowMs: number, places: Places = 1, room = costLensRoom()): string {
  const f = figuresOf(places);
  if (f.never) return fitTitle(neverLens(since, f), room);
  const callSites = f.callSites;
  const age = changeAge(baseline, nowMs);
  const what = changeOnLine(baseline.change);
  const had = before && before.calls > 0 ? before : undefined;
  if (since.calls <= 0) {
    return fitTitle(
      [
        `no calls since ${what} (${age})${had ? ` · before: ${formatMs(had.meanMs)} mean${ownTimeNote(had as AppFigures)} · ${callsPhrase(had.calls)}` : ''}${sharedCallSites(callSites)}`,
        `no calls since ${what}${had ? ` · before: ${formatMs(had.meanMs)} mean${ownTimeNote(had as AppFigures)}` : ''}${callSitesShort(callSites)}`,
        `no calls since ${what}${had ? ` · before: ${formatMs(had.meanMs)} mean${ownTimeNote(had as AppFigures)}` : ''}`,
        `no calls since ${what}`,
      ],
      room,
    );
  }
  const mean = `${formatMs(since.meanMs)} mean${ownTimeNote(since as AppFigures)}`;
  const was = had ? ` (was ${formatMs(had.meanMs)}${ownTimeNote(had as AppFigures)})` : '';
  if (f.shape) {
    const calls = windowCalls(since, true);
    return fitTitle([`since ${what} (${age}): ${mean} · ${calls} (${callSites} call sites)${had ? ` · before: ${formatMs(had.meanMs)} mean${ownTimeNote(had as AppFigures)}` : ''}`, `since ${what}: ${mean}${was} · ${calls} (${callSites} call sites)`, `since ${what}: ${mean}${was} · ${calls}`, `since ${what}: ${mean}${was}`], room);
  }
  return fitTitle(
    [
      `since ${what} (${age}): ${mean} · ${windowCalls(since)} · ${rowsPerCall(since)}${had ? ` · before: ${formatMs(had.meanMs)} mean${ownTimeNote(had as AppFigures)}` : ''}${sharedCallSites(callSites)}`,
      `since ${what}: ${mean}${was} · ${windowCalls(since)} · ${rowsPerCall(since)}${callSitesShort(callSites)}`,
      `since ${what}: ${mean}${was} · ${windowCalls(since)}${callSitesShort(callSites)}`,
      `since ${what}: ${mean}${was} · ${windowCalls(since)}`,
      `since ${what}: ${mean}${was}`,
      `since ${what}: ${formatMs(since.meanMs)}${ownTimeNote(since as AppFigures)}${was}`,
    ],
    room,
  );
}

/** The tooltip's line for a title counted from an index change: the change by name, when it was seen, the figures since and before. */
function sinceLine(s: { since: StatementStat; before?: StatementStat; beforeFrom?: string; baseline: Pick<CostBaseline, 'seenAtMs' | 'change'>; nowMs: number }): string {
  const b = s.before && s.before.calls > 0 ? s.before : undefined;
  const now = s.since.calls > 0 ? `${formatMs(s.since.meanMs)} mean${ownTimeNote(s.since as AppFigures)} · ${s.since.calls.toLocaleString('en-US')} calls · ${rowsPerCall(s.since)}` : 'no calls';
  return `Since ${s.baseline.change} (seen ${formatMs(Math.max(0, s.nowMs - s.baseline.seenAtMs))} ago): ${now}${b ? `; before it${s.beforeFrom ? ` (since ${s.beforeFrom})` : ''}: ${formatMs(b.meanMs)} mean${ownTimeNote(b as AppFigures)} · ${b.calls.toLocaleString('en-US')} calls · ${rowsPerCall(b)}` : ''}.`;
}

/**
 * What the figures since a change count from: the last reading before it, which may hold calls of the moments before the
 * change (up to a refresh); the age the title gives is from the reading that saw it.
 */
function countedFromLine(baseline: Pick<CostBaseline, 'atMs' | 'seenAtMs' | 'change'>, nowMs: number | undefined): string {
  const ago = (at: number) => (nowMs === undefined ? '' : `, ${formatMs(Math.max(0, nowMs - at))} ago`);
  return `The figures since it count from the last reading PG Lens took before ${baseline.change}${ago(baseline.atMs)}; the change was seen at the next reading${ago(baseline.seenAtMs)}, the age the title gives. The whole-history mean still holds the calls that ran before it.`;
}

/** Tooltip with the exact figures, and what was left out as PG Lens's own. */
export function formatCostTooltip(c: CostSummary, total: { statements: number; ownLeftOut?: number; resetAgeSeconds?: number; baseline?: Pick<CostBaseline, 'atMs' | 'seenAtMs' | 'change'>; notUsed?: string; reading?: { sinceReadMs: number; refreshMs: number }; sharedWith?: readonly string[]; otherConstants?: readonly string[]; never?: LensFigures['never']; since?: { since: StatementStat; before?: StatementStat; beforeFrom?: string; nowMs: number } }): string {
  const s = c.stat;
  // Only the runs whose time on the server was measured are left out (appFigures); the others are said to be included.
  const m = (s as AppFigures).ownSubtracted;
  const own = m?.calls
    ? `Left out: ${m.calls.toLocaleString('en-US')} run${m.calls === 1 ? '' : 's'} of this statement by PG Lens itself (Benchmark), ${formatMs(m.serverMs)} on the server.`
    : undefined;
  const included = ownIncludedPhrase(s as AppFigures);
  const sinceIncluded = total.since && ownIncludedPhrase(total.since.since as AppFigures);
  return [
    // What PG Lens proves of the line comes first: its figures are then the entry's, not what the line returns (person55 M-1).
    ...(total.never ? [total.never === 'fails' ? 'This line always fails: its enum label is one PostgreSQL rejects (see value-not-allowed). The figures below are its entry\'s: the calls of the other constants of this shape, and this line\'s failed ones are not counted.' : `This line's condition is never true: it returns no rows (see value-not-allowed). The figures below are its entry's${total.otherConstants?.length ? ', most or all of them the other constants\' calls' : ''}.`] : []),
    `#${c.rank} of ${total.statements} statements by total time (pg_stat_statements)`,
    `${total.baseline ? 'Whole history' : 'Figures'} ${resetPeriodPhrase(total.resetAgeSeconds, total.reading?.sinceReadMs) ?? 'since pg_stat_statements was last reset'}: total ${formatMs(s.totalMs)} · mean ${formatMs(s.meanMs)}${ownTimeNote(s as AppFigures, true)} · ${s.calls.toLocaleString('en-US')} calls · ${s.rows.toLocaleString('en-US')} rows`,
    ...(included ? [`Whole history: ${included}`] : []),
    ...[runningLine(s as AppFigures)].filter((l): l is string => l !== undefined),
    ...((s as AppFigures).ownUnderWay ? [`A Benchmark of this statement was under way at the reading: up to ${(s as AppFigures).ownUnderWay!.toLocaleString('en-US')} of these calls, and their time, are its runs (left out from the next reading after it ends).`] : []),
    ...(total.baseline && total.since ? [sinceLine({ ...total.since, baseline: total.baseline })] : []),
    ...(total.baseline && sinceIncluded ? [`Since ${total.baseline.change}: ${sinceIncluded}`] : []),
    ...(total.baseline ? [countedFromLine(total.baseline, total.since?.nowMs)] : []),
    ...(total.notUsed ? [`${total.notUsed}.`] : []),
    ...(total.reading ? [readingAgePhrase(total.reading.sinceReadMs, total.reading.refreshMs)] : []),
    `queryid ${s.queryid}`,
    // Not "the application's figures only" while PG Lens's runs are in them (person52 M-1).
    `${ownRunsIn(s as AppFigures) ? "Not the application's figures only (PG Lens's Benchmark runs are in them, as said above)" : "The application's figures only"}: PG Lens's own statements (its EXPLAINs, catalog probes, marked /* pg-lens */${total.ownLeftOut ? `; ${total.ownLeftOut} here` : ''}) are left out.`,
    ...(own ? [own] : []),
    ...(total.sharedWith?.length ? [`The same statement is written at ${listAndMore(total.sharedWith, 5)} too: pg_stat_statements counts all their calls as one, so these figures are not this line's alone.`] : []),
    // pg_stat_statements stores constants as $n: a line written with other constants shares the entry (person54 M-3).
    ...(total.otherConstants?.length ? [`Sent with other constants at ${listAndMore(total.otherConstants, 5)}: pg_stat_statements keeps one entry for every constant of this shape, so these figures are not this line's alone.`] : []),
    'Click for the statement and every call site that sends it.',
  ].join('\n');
}


/** What PG Lens itself executed of one statement (Benchmark runs): subtracted from the server's figures. */
export interface OwnRunFigures {
  calls: number;
  rows: number;
  /** Their time by the client's clock (round trips, parse and bind included): never the server's. */
  totalMs: number;
  /**
   * Their time on the server, measured: pg_stat_statements' own figures of the entry read before and after the runs
   * (db/benchmark), when the entry grew by exactly the runs. Undefined: not known (the application ran the statement
   * during the runs, the entry was reset or evicted, or the server gives no query identifier).
   */
  serverMs?: number;
}

/** One Benchmark's runs as the ledger keeps them: when they ran (ms since the epoch) and the entry they were filed under. */
export interface OwnRunBatch extends OwnRunFigures {
  startMs: number;
  endMs: number;
}

/** PG Lens's runs of a statement in one window: all of them, and those whose time on the server was measured. */
export interface OwnRunsIn {
  calls: number;
  rows: number;
  /** By the client's clock (all runs). */
  totalMs: number;
  /** The runs whose time on the server is known, and that time: the only share subtracted (appFigures). */
  measured: { calls: number; rows: number; serverMs: number };
  /** Of `calls`, the runs of a Benchmark still under way (OwnRuns.begin): done by the window's end, their time not measured. */
  running?: number;
}

/** A Benchmark under way (OwnRuns.begin): each run noted as it ends, then `end` before the batch is recorded. */
export interface OwnRunsUnderWay {
  ran(rows: number, clientMs: number, atMs?: number): void;
  end(): void;
}

/** A Benchmark's runs so far: when each ended (ms since the epoch, in order) and the rows and client time up to it. */
interface LiveBatch {
  key: string;
  queryid: string;
  ends: number[];
  rowsTo: number[];
  msTo: number[];
}

/**
 * A statement's figures with PG Lens's own runs taken out. `ownIncluded`: runs of PG Lens whose time is still in the
 * total, the mean and the share (their server time unknown); their calls and rows are out, unless `ownInCalls` (up to
 * that many of the calls may be PG Lens's: the entry was made anew since the runs). `ownRunning`: of `ownIncluded`, the runs
 * of a Benchmark still under way when the figures were read (person52 M-1: its 5,220 runs so far read as the app's calls).
 */
export type AppFigures = StatementStat & { ownIncluded?: number; ownInCalls?: number; ownSubtracted?: { calls: number; serverMs: number }; ownUnderWay?: number; ownRunning?: number };

/**
 * The application's figures in a reading taken at `readAtMs` (appFigures): only PG Lens's runs that had ended by then are
 * taken out — runs recorded after it are not in the reading (person51 L-1: a reading of the app's 39 calls, taken before a
 * 100-run Benchmark, read "39 calls (39 PG Lens's)" once the runs were noted). Runs under way at the reading are in it by
 * an unknown part: up to their calls are said to be PG Lens's (`ownUnderWay`), nothing taken out. `splitAtMs`: a baseline
 * reading (the runs under way then are not measured: OwnRuns.get's `split`). `sinceMs`: the figures are a window's that
 * starts then (a recording's: windowAppFigures), only the runs after it are in them.
 */
export function appFiguresAt(stat: StatementStat, own: Pick<OwnRuns, 'get'>, sql: string, readAtMs: number, splitAtMs?: number, sinceMs?: number): AppFigures | undefined {
  const f = appFigures(stat, own.get(sql, stat.queryid, { before: readAtMs, split: splitAtMs, after: sinceMs }));
  const under = own.get(sql, stat.queryid, { during: readAtMs });
  if (!f || !under?.calls) return f;
  const up = Math.min(under.calls, f.calls);
  return up > 0 ? { ...f, ownUnderWay: up } : f;
}

/**
 * A window's statement figures (a recording's: pg_stat_statements read at `fromMs` and at `toMs`, core/nplusone/observed
 * diffFigures) with PG Lens's own runs in it taken out as the cost lens takes them out (appFiguresAt, the same rules):
 * all their calls and rows, their time only as measured on the server. A Benchmark run while the app ran the statement
 * is not measured (db/benchmark), yet its calls are not the app's (issue 20: they were left in, and a 100-run Benchmark
 * made an observed N+1). What still holds runs of PG Lens's is said on the figures (StatementFigures.own).
 */
export function windowAppFigures(list: readonly StatementFigures[], own: Pick<OwnRuns, 'get'>, fromMs: number, toMs: number): StatementFigures[] {
  return list.flatMap((s) => {
    if (!s.query) return [s];
    const stat = { queryid: s.queryid, query: s.query, calls: s.calls, rows: s.rows, totalMs: s.totalExecTimeMs, meanMs: s.totalExecTimeMs / Math.max(1, s.calls) };
    const app = appFiguresAt(stat, own, s.query, toMs, undefined, fromMs);
    if (!app) return [];
    const leftOut = s.calls - app.calls;
    const upTo = app.ownInCalls ?? app.ownUnderWay;
    const note = { ...(leftOut > 0 ? { leftOut } : {}), ...(app.ownIncluded && !app.ownInCalls ? { timeIncluded: app.ownIncluded } : {}), ...(upTo ? { upTo } : {}) };
    const { own: _was, ...rest } = s;
    return [{ ...rest, calls: app.calls, rows: app.rows, totalExecTimeMs: app.totalMs, ...(Object.keys(note).length ? { own: note } : {}) }];
  });
}

/**
 * The server and pg_stat_statements' period a ledger's runs are counted in: the server's start (pg_postmaster_start_time)
 * and pg_stat_statements' last reset (pg_stat_statements_info.stats_reset, PostgreSQL 14+; undefined before), in ms
 * since the epoch. When either moves, pg_stat_statements no longer holds the runs the ledger noted.
 */
export interface OwnRunsEpoch {
  startedMs: number;
  statsResetMs?: number;
}

/** One batch as kept across processes: its text key and the queryid it was filed under ('' unknown). */
export interface KeptOwnRunBatch extends OwnRunBatch {
  key: string;
  queryid: string;
}

/** The ledger's plain serialisable form (OwnRuns.toKept): only where a reset can be told (PostgreSQL 14+). */
export interface KeptOwnRuns {
  epoch: { startedMs: number; statsResetMs: number };
  batches: KeptOwnRunBatch[];
}

/**
 * The most batches kept across processes (the newest): a Benchmark is one batch, so this is that many Benchmark runs of
 * the user's statements since pg_stat_statements' last reset (a reset makes every older one useless: atEpoch). Past it
 * the oldest runs count as the application's again.
 */
export const OWN_RUNS_KEEP = 500;

function sameEpoch(a: OwnRunsEpoch, b: OwnRunsEpoch): boolean {
  return a.startedMs === b.startedMs && a.statsResetMs === b.statsResetMs;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A stored value read back as KeptOwnRuns, its malformed batches left out; undefined when it is not one. */
export function parseKeptOwnRuns(v: unknown): KeptOwnRuns | undefined {
  const o = v as Partial<KeptOwnRuns> | null | undefined;
  if (!o || typeof o !== 'object' || !o.epoch || !finite(o.epoch.startedMs) || !finite(o.epoch.statsResetMs) || !Array.isArray(o.batches)) return undefined;
  const batches = (o.batches as unknown[]).flatMap((x): KeptOwnRunBatch[] => {
    const b = x as Partial<KeptOwnRunBatch> | null;
    if (!b || typeof b.key !== 'string' || typeof b.queryid !== 'string' || ![b.calls, b.rows, b.totalMs, b.startMs, b.endMs].every(finite) || (b.serverMs !== undefined && !finite(b.serverMs))) return [];
    return [{ key: b.key, queryid: b.queryid, calls: b.calls!, rows: b.rows!, totalMs: b.totalMs!, startMs: b.startMs!, endMs: b.endMs!, ...(b.serverMs !== undefined ? { serverMs: b.serverMs } : {}) }];
  });
  return { epoch: { startedMs: o.epoch.startedMs, statsResetMs: o.epoch.statsResetMs }, batches: batches.slice(0, OWN_RUNS_KEEP) };
}

/**
 * A ledger of the user's statements PG Lens executed for real at top level (Benchmark), by
 * statement text key. pg_stat_statements counts those under the application's own entry, so
 * they are subtracted from it (see appFigures).
 */
export class OwnRuns {
  /** Text key → the queryid the runs were filed under ('' when unknown) → their batches. */
  private readonly byKey = new Map<string, Map<string, OwnRunBatch[]>>();
  /** Benchmarks under way (begin): their runs so far, noted one by one. */
  private readonly live = new Set<LiveBatch>();
  private readonly listeners = new Set<() => void>();
  /** The server and pg_stat_statements' period the batches were counted in (atEpoch): undefined until read. */
  private at: OwnRunsEpoch | undefined;

  /** The server and period the runs are counted in, as last read (atEpoch). */
  get epoch(): OwnRunsEpoch | undefined {
    return this.at;
  }

  /**
   * The server's start and pg_stat_statements' last reset, read now (db/ownRuns readOwnRunsEpoch). When either moved
   * since the runs were noted, pg_stat_statements no longer counts them (reset, or another server at this address):
   * they are forgotten. Returns true when they were.
   */
  atEpoch(now: OwnRunsEpoch): boolean {
    const moved = this.at !== undefined && !sameEpoch(this.at, now);
    if (moved) this.clear();
    this.at = now;
    return moved;
  }

  /** Called after every batch recorded (the editor keeps the ledger across a reload: vscode/databaseStore). */
  onDidRecord(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * The ledger as kept across processes (a Reload Window): its newest OWN_RUNS_KEEP batches with the period they were
   * counted in. Undefined when the period cannot be told again later — pg_stat_statements_info's stats_reset is
   * PostgreSQL 14+: before 14 a reset leaves no trace, so the ledger is kept only for the session — or when it is empty.
   */
  toKept(): KeptOwnRuns | undefined {
    const e = this.at;
    if (!e || e.statsResetMs === undefined) return undefined;
    const batches: KeptOwnRunBatch[] = [];
    for (const [key, m] of this.byKey) for (const [queryid, list] of m) for (const b of list) batches.push({ key, queryid, ...b });
    if (!batches.length) return undefined;
    batches.sort((a, b) => b.endMs - a.endMs);
    return { epoch: { startedMs: e.startedMs, statsResetMs: e.statsResetMs }, batches: batches.slice(0, OWN_RUNS_KEEP) };
  }

  /**
   * Take back batches kept earlier (toKept; any stored value, checked) when they were counted in the period read now
   * (`now`: the same server start and pg_stat_statements reset); a batch the ledger holds already is not added twice.
   * Returns the batches taken back (0: none kept, another period, or a server before PostgreSQL 14).
   */
  restore(kept: unknown, now: OwnRunsEpoch): number {
    this.atEpoch(now);
    const k = parseKeptOwnRuns(kept);
    if (!k || now.statsResetMs === undefined || !sameEpoch(k.epoch, now)) return 0;
    let added = 0;
    for (const { key, queryid, ...b } of k.batches) {
      const m = this.byKey.get(key) ?? this.byKey.set(key, new Map()).get(key)!;
      const list = m.get(queryid) ?? m.set(queryid, []).get(queryid)!;
      if (list.some((x) => x.startMs === b.startMs && x.endMs === b.endMs && x.calls === b.calls && x.rows === b.rows)) continue;
      list.push(b);
      added++;
    }
    return added;
  }

  /**
   * `queryid`: the pg_stat_statements entry the runs land in (the statement as PG Lens ran it: parameters
   * where the code has constants file under another entry than the application's). Unknown: assumed the app's.
   * Without `startMs`/`endMs` the runs are taken as run now.
   */
  record(sql: string, run: OwnRunFigures & Partial<Pick<OwnRunBatch, 'startMs' | 'endMs'>>, queryid?: string): void {
    const k = matchKey(sql);
    const m = this.byKey.get(k) ?? this.byKey.set(k, new Map()).get(k)!;
    const q = queryid ?? '';
    const list = m.get(q) ?? m.set(q, []).get(q)!;
    const now = Date.now();
    list.push({ ...run, startMs: run.startMs ?? run.endMs ?? now, endMs: run.endMs ?? run.startMs ?? now });
    for (const l of this.listeners) l();
  }

  /**
   * A Benchmark of `sql` starting now, its runs landing in the entry `queryid` (as record's): each run is noted as it ends
   * (`ran`), so a reading taken while it is under way leaves out the runs done by then — their calls and rows; their time
   * on the server is not known until the end and stays in, said so (person52 M-1: at 5,220 of 6,000 runs the lens read
   * "5.4k calls" as the application's, which had made ~400). Call `end` before recording the batch (record).
   */
  begin(sql: string, queryid?: string): OwnRunsUnderWay {
    const b: LiveBatch = { key: matchKey(sql), queryid: queryid ?? '', ends: [], rowsTo: [], msTo: [] };
    this.live.add(b);
    return {
      ran: (rows, clientMs, atMs = Date.now()) => {
        const n = b.ends.length;
        b.ends.push(Math.max(atMs, n ? b.ends[n - 1] : atMs));
        b.rowsTo.push((n ? b.rowsTo[n - 1] : 0) + rows);
        b.msTo.push((n ? b.msTo[n - 1] : 0) + clientMs);
      },
      end: () => void this.live.delete(b),
    };
  }

  /** The runs of Benchmarks under way counted in `window` (each run at the moment it ended); added to `out`. */
  private liveIn(key: string, queryid: string | undefined, window: { before?: number; after?: number; during?: number }, out: OwnRunsIn | undefined): OwnRunsIn | undefined {
    for (const b of this.live) {
      if (b.key !== key || (b.queryid && queryid !== undefined && b.queryid !== queryid) || window.during !== undefined) continue;
      // The runs ended by `before` (all when not given), less those ended by `after`.
      const upTo = (t: number | undefined) => (t === undefined ? b.ends.length : countUpTo(b.ends, t));
      const hi = upTo(window.before);
      const lo = window.after === undefined ? 0 : countUpTo(b.ends, window.after);
      if (hi <= lo) continue;
      const at = (a: number[], i: number) => (i > 0 ? a[i - 1] : 0);
      out ??= { calls: 0, rows: 0, totalMs: 0, measured: { calls: 0, rows: 0, serverMs: 0 } };
      out.calls += hi - lo;
      out.rows += at(b.rowsTo, hi) - at(b.rowsTo, lo);
      out.totalMs += at(b.msTo, hi) - at(b.msTo, lo);
      out.running = (out.running ?? 0) + hi - lo;
    }
    return out;
  }

  /**
   * PG Lens's runs of this statement counted in the entry `queryid` (runs filed under another queryid are not
   * in it: subtracting them would take another statement's calls and rows from the application's).
   * `window.before`: only the runs that ended before that moment (a reading taken then holds them); runs under way
   * at that moment are in neither side's measured share. `window.split`: all runs, those under way at that moment
   * counted as not measured (a reading then holds an unknown part of them). `window.after`: only the runs after that
   * moment (those under way then: not measured), for a window between two readings (a recording's). `window.during`:
   * only the runs under way at that moment (a reading then holds an unknown part of them). A Benchmark still under way
   * (begin) counts each run done so far at the moment it ended, its time not measured (`running`).
   */
  get(sql: string, queryid?: string, window: { before?: number; split?: number; after?: number; during?: number } = {}): OwnRunsIn | undefined {
    const key = matchKey(sql);
    const m = this.byKey.get(key);
    let out: OwnRunsIn | undefined = this.live.size ? this.liveIn(key, queryid, window, undefined) : undefined;
    if (!m) return out;
    for (const [q, list] of m) {
      if (q && queryid !== undefined && q !== queryid) continue;
      for (const b of list) {
        if (window.before !== undefined && (b.startMs >= window.before || b.endMs > window.before)) continue;
        if (window.after !== undefined && b.endMs <= window.after) continue;
        if (window.during !== undefined && !(b.startMs < window.during && b.endMs > window.during)) continue;
        const cut = (at: number | undefined) => at !== undefined && b.startMs < at && b.endMs > at;
        const straddles = cut(window.split) || cut(window.after);
        out ??= { calls: 0, rows: 0, totalMs: 0, measured: { calls: 0, rows: 0, serverMs: 0 } };
        out.calls += b.calls;
        out.rows += b.rows;
        out.totalMs += b.totalMs;
        if (b.serverMs !== undefined && !straddles) {
          out.measured.calls += b.calls;
          out.measured.rows += b.rows;
          out.measured.serverMs += b.serverMs;
        }
      }
    }
    return out;
  }

  /** Forget everything (pg_stat_statements was reset: nothing of ours is counted any more). */
  clear(): void {
    this.byKey.clear();
  }
}

/** How many of `sorted` (ascending) are at most `t`. */
function countUpTo(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The application's share of a statement's figures: the server's minus PG Lens's own runs; undefined when nothing is left.
 * The runs' calls and rows always come out (PG Lens counted them and the rows they returned). Their time comes out only
 * as measured on the server (OwnRunFigures.serverMs): their client time holds the round trips (a 0.015 ms lookup takes
 * about 1 ms a round trip), and a mean from the statement's history is another plan's (person47 M1: 100 index-scan runs
 * taken at the pre-index seq scans' 1.23 ms mean left "since new index: 0.000 ms mean").
 * Runs whose server time is not known leave their time in `totalMs`, counted in `ownIncluded`: the mean is then that of
 * the application's calls and those runs together (`totalMs / (calls + ownIncluded)`), and every surface says so on the
 * mean, the total and the share (person50 L-A: "(100 PG Lens's)" on the calls beside a mean that was the benchmark's).
 * When the entry holds fewer calls or rows than the runs (made anew since: reset or evicted), how many of them it holds
 * is unknown: the figures are the server's, `ownInCalls` saying up to how many of its calls may be PG Lens's.
 */
export function appFigures(stat: StatementStat, own: OwnRunsIn | undefined): AppFigures | undefined {
  if (!own?.calls) return stat;
  const m = own.measured;
  const unmeasured = own.calls - m.calls;
  if (stat.calls < own.calls || stat.totalMs < m.serverMs || stat.rows < own.rows) {
    const up = Math.min(own.calls, stat.calls);
    return { ...stat, ownIncluded: up, ownInCalls: up, ...(own.running ? { ownRunning: Math.min(own.running, up) } : {}) };
  }
  const calls = stat.calls - own.calls;
  if (calls <= 0) return undefined;
  const totalMs = stat.totalMs - m.serverMs;
  return { ...stat, calls, rows: stat.rows - own.rows, totalMs, meanMs: totalMs / (calls + unmeasured), ...(m.calls ? { ownSubtracted: { calls: m.calls, serverMs: m.serverMs } } : {}), ...(unmeasured > 0 ? { ownIncluded: unmeasured } : {}), ...(own.running ? { ownRunning: own.running } : {}) };
}

/**
 * The application's figures in the window since a baseline reading: the figures now and then, each with PG Lens's
 * runs up to that moment taken out (appFigures). The runs of PG Lens whose time is still in the window's are counted in
 * its `ownIncluded` (the mean is of the window's calls and those runs); when the window cannot be told apart from them
 * (its calls or time would be less than nothing), its figures are the server's, all runs included, said so (`ownInCalls`).
 */
export function appFiguresSince(nowRaw: StatementStat, now: AppFigures, beforeRaw: StatementStat | undefined, ownBefore: OwnRunsIn | undefined): AppFigures {
  if (!beforeRaw) return now;
  const before: AppFigures = appFigures(beforeRaw, ownBefore) ?? { ...beforeRaw, calls: 0, rows: 0, totalMs: 0, meanMs: 0 };
  if (before.calls > nowRaw.calls) return now;
  const included = Math.max(0, (now.ownIncluded ?? 0) - (before.ownIncluded ?? 0));
  if (now.totalMs < before.totalMs || now.calls < before.calls || now.ownInCalls || before.ownInCalls) {
    const raw = figuresSince(nowRaw, beforeRaw);
    const ours = Math.max(0, (nowRaw.calls - now.calls) - (beforeRaw.calls - before.calls)) + (now.ownInCalls ?? 0) - (before.ownInCalls ?? 0);
    const up = Math.min(Math.max(ours, included), raw.calls);
    return { ...raw, ...(up > 0 ? { ownIncluded: up, ownInCalls: up } : {}) };
  }
  const calls = now.calls - before.calls;
  const totalMs = Math.max(0, now.totalMs - before.totalMs);
  const { ownIncluded: _i, ownSubtracted: _s, ownInCalls: _c, ...rest } = now;
  return { ...rest, calls, totalMs, rows: Math.max(0, now.rows - before.rows), meanMs: calls + included > 0 ? totalMs / (calls + included) : 0, ...(included > 0 ? { ownIncluded: included } : {}) };
}

/**
 * A statement's figures before its baseline's change, PG Lens's own runs left out: counted from the change before it when
 * that one applies to the statement (`from` names it; person48 M-B: after CREATE then DROP INDEX the figures "before"
 * the drop are the index's life, not the whole history), else the whole history up to the change. Undefined when the
 * statement was not among the statements at the baseline reading.
 */
export function figuresBefore(baseline: CostBaseline, sql: string, queryid: string, own: Pick<OwnRuns, 'get'>): { before?: AppFigures; from?: string } {
  const raw = baseline.before.get(queryid);
  if (!raw) return {};
  const all: AppFigures = appFigures(raw, own.get(sql, queryid, { before: baseline.atMs })) ?? { ...raw, calls: 0, rows: 0, totalMs: 0, meanMs: 0 };
  const previous = baseline.previous && baselineApplies(baseline.previous, sql) ? baseline.previous : undefined;
  const fromRaw = previous?.before.get(queryid);
  if (!previous || !fromRaw || fromRaw.calls > raw.calls) return { before: all };
  return { before: appFiguresSince(raw, all, fromRaw, own.get(sql, queryid, { before: previous.atMs })), from: previous.change };
}

/** Whether PG Lens's Benchmark runs are in these figures, some part of them (their time, or up to some calls). */
function ownRunsIn(f: AppFigures): boolean {
  return !!(f.ownIncluded || f.ownInCalls || f.ownUnderWay || f.ownRunning);
}

/** "PG Lens's own runs included: 100 of 220 calls": runs of PG Lens whose time on the server could not be told apart (those of a Benchmark under way: runningLine). */
function ownIncludedPhrase(f: Pick<AppFigures, 'calls' | 'ownIncluded' | 'ownInCalls' | 'ownRunning'>): string | undefined {
  const n = f.ownInCalls ? f.ownIncluded : (f.ownIncluded ?? 0) - (f.ownRunning ?? 0);
  if (!n) return undefined;
  const runs = `${n.toLocaleString('en-US')} run${n === 1 ? '' : 's'}`;
  if (f.ownInCalls) return `PG Lens's own runs included: up to ${f.ownInCalls.toLocaleString('en-US')} of ${f.calls.toLocaleString('en-US')} calls (pg_stat_statements made the entry anew since they ran: how many of them it holds is not known).`;
  // With a Benchmark under way, the mean holds its runs so far too (person53 L-1: "of 780 calls and those 6,000 runs" beside
  // a mean of 780 calls and 8,127 runs).
  const running = f.ownRunning ? `, those ${runs} and the ${f.ownRunning.toLocaleString('en-US')} run${f.ownRunning === 1 ? '' : 's'} of the Benchmark under way` : ` and those ${runs}`;
  return `the time of PG Lens's own ${runs} is included (it could not be measured apart from the application's, which ran the statement meanwhile): the total, the mean (of ${f.calls.toLocaleString('en-US')} calls${running}) and the share of DB time hold it; the calls and rows are the application's alone.`;
}

/**
 * A text key equal for the same statement written with different whitespace, keyword case,
 * constants or parameter numbers (pg_stat_statements shows constants as $n).
 * Requires loadPgParser() for the best key; falls back to a lexical key.
 */
export function matchKey(sql: string): string {
  const text = sql.trim().replace(/;\s*$/, '');
  const normalized = safe(() => normalizeSql(text)) ?? text;
  return normalized
    .replace(/\$\d+/g, '?')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=<>])\s*/g, '$1')
    .toLowerCase()
    .trim();
}

/**
 * THE matcher's rule for a pg_stat_statements entry found by its text (fingerprint) rather than by the statement's own
 * query identifier — the cost lens (CostIndex.find) and the workload's merge (db/indexDecision mergeStatements) both
 * follow it. pg_stat_statements gives a literal and a `$n` parameter different query identifiers, though both
 * normalise to `$n`. So:
 * - the statement's identifier is the entry's (`ownId === entryId`): it is its entry;
 * - the statement is written with parameters: it may be, whatever the identifiers say — a client that splices the
 *   values in (psycopg, Django, ActiveRecord) sends literals, whose entry has another identifier than the `$n` text;
 * - written with its literals in the code (`customer_id = 42`), its identifier known and another: it is not — had it
 *   run, its own identifier's entry would hold it (person29 M3: a hand-run copy in other/reports.sql, never run, wore the
 *   app's "36 calls" while the workload said "no calls recorded");
 * - its identifier unknown (PostgreSQL before 14, compute_query_id off, not explained): cannot tell, matched by text.
 */
export function takesEntryByText(sql: string, ownId: string | undefined, entryId: string | undefined): boolean {
  if (ownId !== undefined && ownId === entryId) return true;
  if (maxParamIndex(sql) > 0) return true;
  return ownId === undefined;
}

export class CostIndex {
  private readonly byId = new Map<string, CostSummary>();
  private readonly byFingerprint = new Map<string, CostSummary>();
  private readonly byKey = new Map<string, CostSummary>();
  /** The fingerprint of each queryid's stored text, when it parses. */
  private readonly fingerprintOfId = new Map<string, string>();
  readonly totalMs: number;
  readonly summaries: CostSummary[];
  /** How many statements were left out as PG Lens's own (isOwnStatementText). */
  readonly ownLeftOut: number;

  constructor(read: readonly StatementStat[], totalMs?: number) {
    const all = read.map((s) => ({ ...s, query: applicationText(s.query) }));
    const stats = all.filter((s) => !isOwnStatementText(s.query));
    this.ownLeftOut = all.length - stats.length;
    const ownMs = all.reduce((n, s) => n + (isOwnStatementText(s.query) ? s.totalMs : 0), 0);
    this.totalMs = Math.max(0, (totalMs ?? all.reduce((n, s) => n + s.totalMs, 0)) - ownMs);
    this.summaries = rankStatements(stats, this.totalMs);
    for (const c of this.summaries) {
      this.byId.set(c.stat.queryid, c);
      // The same text can appear under several queryids (different users, search paths): keep the costliest.
      const fp = safe(() => fingerprintSql(c.stat.query));
      if (fp && !this.byFingerprint.has(fp)) this.byFingerprint.set(fp, c);
      if (fp) this.fingerprintOfId.set(c.stat.queryid, fp);
      const k = matchKey(c.stat.query);
      if (!this.byKey.has(k)) this.byKey.set(k, c);
    }
  }

  get size(): number {
    return this.summaries.length;
  }

  /** Find a statement: by query identifier when known, else by fingerprint, else by normalised text. */
  find(sql: string, queryid?: string): CostSummary | undefined {
    const fp = safe(() => fingerprintSql(sql.trim().replace(/;\s*$/, '')));
    if (queryid) {
      const hit = this.byId.get(queryid);
      // PostgreSQL's query identifier leaves out what its jumble ignores (column aliases, an ORDER BY key the
      // statement does not select), so two different statements can share one (person26 MEDIUM-2: a script that never
      // ran had another file's "4.3k calls"). The entry is this statement's only when its stored text is the same
      // statement, or cannot be read to tell.
      const stored = hit && this.fingerprintOfId.get(hit.stat.queryid);
      if (hit && (!fp || !stored || stored === fp)) return hit;
      if (hit) return this.byText(sql, queryid, this.byFingerprint.get(fp!));
    }
    return this.byText(sql, queryid, (fp && this.byFingerprint.get(fp)) || this.byKey.get(matchKey(sql)));
  }

  /** An entry found by text, when the statement may take it (takesEntryByText). */
  private byText(sql: string, queryid: string | undefined, found: CostSummary | undefined): CostSummary | undefined {
    return found && takesEntryByText(sql, queryid, found.stat.queryid) ? found : undefined;
  }
}

/** Statements by total time, with their share of the database's time. */
export function rankStatements(stats: readonly StatementStat[], totalMs: number): CostSummary[] {
  return [...stats]
    .sort((a, b) => b.totalMs - a.totalMs)
    .map((stat, i) => ({ stat, share: totalMs > 0 ? stat.totalMs / totalMs : 0, rank: i + 1 }));
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
