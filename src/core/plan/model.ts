/**
 * The Plan model: PostgreSQL's own EXPLAIN output (raw, untouched, keys of K) plus our derived
 * figures, kept apart in `metrics`, `warnings` and the plan-level summary. Nodes are stored flat in
 * pre-order (`plan.nodes[id]`), linked by ids, so 10,000-node plans need no recursion.
 */
import type { RawNode } from './keys';

export type Grade = 1 | 2 | 3;

export type WarningKind =
  | 'time-share'
  | 'misestimate'
  | 'filter-removes'
  | 'heap-fetches'
  | 'hash-batches'
  | 'workers-launched'
  | 'lossy-bitmap'
  | 'sort-disk'
  | 'hashagg-disk'
  | 'seq-scan-selective'
  | 'nested-loop-many'
  | 'recheck-removes'
  | 'memoize-evictions'
  | 'fk-trigger'
  | 'trigger-time'
  | 'jit-time'
  | 'parallel-overhead'
  /** A Sort under a Limit over many rows whose leading Sort Key is one scanned table's column (a tip only). */
  | 'top-n-sort'
  /** A scan of a table the missing-index advice proved an index for (a tip only: the scan itself is fine). */
  | 'proved-index'
  /** A whole-table scan whose rows a Hash or Merge Join above mostly discards: an index on its join column (a tip only). */
  | 'join-probe-index';

export interface NodeWarning {
  kind: WarningKind;
  /** 1 = worth a look, 2 = a problem, 3 = the problem. */
  grade: Grade;
  /** One line: what was seen, with the figure. */
  message: string;
}

export interface Tip {
  nodeId: number;
  kind: WarningKind;
  /** What to do, in one or two sentences, naming the node. */
  text: string;
  /** What it could save: ms when the plan was analysed, else cost units. */
  saving: number;
  unit: 'ms' | 'cost';
  grade: Grade;
  /**
   * The index advice proved this saving with the planner: the statement's cost before and after the index. `planCost`
   * is this plan's own total cost when the proof was made on another plan of the statement (the advice plans it
   * without values; an Explain Analyze with `$1 = 42` may get another plan): the figures are then said to be that plan's.
   * `elsewhere`: the CREATE INDEX proved for a statement of the workspace on the same table and columns, on a plan
   * brought without its statement (a pasted plan): said as that statement's proof; `at`: where that statement is written.
   */
  proved?: { before: number; after: number; index: string; planCost?: number; elsewhere?: string; at?: string; shared?: string };
  /** Nothing to save in this plan (a one-node plan no estimate can change): said so, never a saving. */
  unpriced?: true;
  /** The tip proposes no change (an index exists already, or no index serves the condition): `saving` is the time (or cost) at stake, said so, never "could save". */
  atStake?: true;
  /**
   * Why no index is proposed for this write's scan (a one-off DELETE or UPDATE, or one whose index would cost more than
   * it spares): the tip's own judgement, which the hover says too instead of offering the index (core/plan notWorthIndex).
   */
  declined?: string;
  /**
   * The decline is PG Lens's own selectivity bound for an unproved index (a filter keeping 5–20% of the rows), which the
   * planner's proof for the statement may overturn: while the editor's index decision for it is under way the hover says
   * it is checking, not this "none" (issue 20, person48 L-g).
   */
  awaitsProof?: true;
}

/** An index the planner proved for the statement (the missing-index advice), for the plan's tips to say the same figure. */
export interface ProvedIndexFigure {
  /** The table, unqualified or "schema.name". */
  table: string;
  costBefore: number;
  costAfter: number;
  /** What it creates: "reviews (product_id, created_at DESC)". */
  title: string;
  /** Its key columns as the advice writes them ("product_id", "created_at DESC", "lower(email)"): a plan brought without its statement matches its scans by them. */
  columns?: readonly string[];
  /** The CREATE INDEX, for a plan brought without its statement to name. */
  ddl?: string;
  /** Where the statement it was proved for is written (`src/orders.ts:12`): a plan brought without its statement says so. */
  at?: string;
  /**
   * The table's valid indexes (names, sorted) when it was proved: a plan whose relation's indexes are others now (one
   * created or dropped since, AnalyzeOptions.relationIndexes) does not use the proof.
   */
  tableIndexes?: readonly string[];
  /**
   * The decision gives this statement an index it shares with others (missingIndex sharedIndexPhrase: "one index shared with
   * 1 other statement; its own, reviews (customer_id, created_at), would give 8.31"): the plan's tip says so, as Problems
   * does, and does not call its keys "the filtered columns" (person52 L-5).
   */
  shared?: string;
}

export interface Buffers {
  sharedHit: number;
  sharedRead: number;
  sharedDirtied: number;
  sharedWritten: number;
  localHit: number;
  localRead: number;
  localDirtied: number;
  localWritten: number;
  tempRead: number;
  tempWritten: number;
}

export interface IoTimes {
  readMs: number;
  writeMs: number;
}

export interface NodeMetrics {
  /** e.g. "Seq Scan", "Hash Left Join", "Parallel Index Only Scan", "HashAggregate". */
  title: string;
  /** e.g. "on public.orders o", "using orders_pkey on orders". */
  detail: string;
  relation?: string;
  alias?: string;
  index?: string;
  /** Inside a parallel section (below Gather / Gather Merge). */
  parallel: boolean;
  /** Processes sharing this node's work (launched workers + leader) when parallel, else 1. */
  processes: number;
  loops: number;
  /** Planner's estimate of how many times this node runs (product of nested-loop outer estimates). */
  estLoops: number;
  /** Plan Rows (per loop). */
  estRows: number;
  /** Actual Rows (per loop), when analysed. */
  actualRows?: number;
  /** Actual Rows × loops. */
  actualRowsTotal?: number;
  /** max(est, actual) / max(min(est, actual), 1); ≥ 1. */
  misestimate?: number;
  misestimateDirection?: 'under' | 'over';
  /** Fewer rows than planned because the node above stopped reading early (a Limit, an empty hash table, EXISTS…): not a misestimate. */
  stoppedEarly?: boolean;
  /** Wall-clock ms including children, corrected for loops and parallel workers. */
  inclusiveMs?: number;
  /**
   * How a parallel node's wall clock was read (analyze.ts parallelWallClock): 'slowest', the slowest of its processes
   * (per-worker figures, VERBOSE); 'average', PostgreSQL's per-loop average × loops / processes (pev2's reading).
   * PostgreSQL's own Actual Total Time is a per-loop average either way (format.ts totalTimeText says so).
   */
  wallClock?: 'slowest' | 'average';
  /**
   * inclusiveMs as PostgreSQL measured it, before it was reconciled with the parent's and the
   * children's figures (which moves it by at most the rounding of per-loop times, or raises it to
   * its children's when they measured more).
   */
  measuredMs?: number;
  /** Wall-clock ms of this node alone. */
  exclusiveMs?: number;
  /** exclusiveMs / execution time (0..1). */
  timeShare?: number;
  /** Estimated cost including children, counted once per planned execution, scaled to fit the parent's (see analyze.ts). */
  inclusiveCost: number;
  /** Estimated cost of this node alone; the exclusive costs of all nodes add up to the root's total cost. */
  exclusiveCost: number;
  /** exclusiveCost / root total cost (0..1). */
  costShare: number;
  neverExecuted: boolean;
  /** Rows removed by Filter (and Join Filter) in total (× loops). */
  rowsRemoved?: number;
  /** rowsRemoved / (rowsRemoved + actualRowsTotal). */
  removedShare?: number;
  /** Buffers as reported (this node and its children). */
  buffers?: Buffers;
  /** Buffers of this node alone. */
  exclusiveBuffers?: Buffers;
  io?: IoTimes;
  exclusiveIo?: IoTimes;
  onHotPath: boolean;
}

export interface PlanNode {
  id: number;
  parent: number;
  children: number[];
  depth: number;
  /** PostgreSQL's node object (its Plans array included: do not walk it, use children). */
  raw: RawNode;
  metrics: NodeMetrics;
  warnings: NodeWarning[];
}

export interface TriggerTime {
  name: string;
  /** The constraint a trigger enforces ("Trigger for constraint …": foreign keys). */
  constraint?: string;
  relation?: string;
  timeMs: number;
  calls: number;
}

export interface JitSummary {
  functions: number;
  totalMs: number;
  timing: Record<string, number>;
  options: Record<string, boolean>;
}

/** Execution time spent outside the node tree, as EXPLAIN reports it. */
export interface OutsideTime {
  /** After-row triggers (foreign-key checks and cascades included), all of them. */
  triggersMs: number;
  /** JIT compilation (generation, inlining, optimization, emission). */
  jitMs: number;
  /** Turning rows into the wire format (PG17 SERIALIZE). */
  serializationMs: number;
  planningMs: number;
}

export interface Plan {
  nodes: PlanNode[];
  /** Whether actual times/rows are present (EXPLAIN ANALYZE). */
  analyzed: boolean;
  planningMs?: number;
  executionMs?: number;
  /** Total cost of the root node. */
  totalCost: number;
  /** Root's estimated rows. */
  estRows: number;
  triggers: TriggerTime[];
  jit?: JitSummary;
  /** Time not in any node: triggers, JIT, serialization, planning (analysed plans only). */
  outside?: OutsideTime;
  settings: Record<string, string>;
  queryId?: string;
  queryText?: string;
  /** Buffers used by planning (PG 13+ with BUFFERS). */
  planningBuffers?: Buffers;
  /** Ids of the hot path, root first. */
  hotPath: number[];
  tips: Tip[];
  /** The object PostgreSQL returned (one element of the EXPLAIN array). */
  source: Record<string, unknown>;
}

/** A valid index of a scanned table, by its leading column (null: an expression), from the catalog. */
export interface IndexLeadFact {
  name: string;
  column: string | null;
  unique: boolean;
  partial: boolean;
}

export interface ForeignKeyFact {
  /** The referencing table and its key columns, in order. */
  schema: string;
  table: string;
  columns: string[];
  /** "schema.table" the key points at. */
  referenced: string;
  /** A valid, non-partial index leads with exactly these columns. */
  indexed: boolean;
  /** That index's name (the one with the fewest columns, then by name): what the tip names (person41: "names the columns, not the index"). */
  index?: string;
}

export interface AnalyzeOptions {
  /** Rows of each relation ("schema.name" or "name") from pg_class.reltuples; used for warnings without ANALYZE. */
  relationRows?: ReadonlyMap<string, number>;
  /** Foreign keys by constraint name, from the catalog (when connected): proves the trigger tips. */
  foreignKeys?: ReadonlyMap<string, ForeignKeyFact>;
  /**
   * False for a plan brought without its statement (a file, the clipboard, a server log): there is nothing to
   * try an index on, so index tips do not point to "Suggest indexes".
   */
  withStatement?: boolean;
  /**
   * The index advisor's name where the plan is shown, for the tips that point to it: "Suggest indexes" (the editor's
   * command, the default) or `pg-lens advise` in a terminal (person53 L-6: `pg-lens explain` pointed to an editor button).
   */
  adviser?: string;
  /**
   * Indexes the missing-index advice proved for this statement: a tip about a scan of their table takes the proved
   * saving (cost before − after, as the hover and the Problems panel say it) instead of its own rough estimate, which
   * read "could save ~498.60" beside the proved "554 → 25.7". On a plan brought without its statement
   * (`withStatement: false`): the indexes proved for the workspace's statements, each taken as proved on a scan of its
   * table only when its keys are that scan's own columns (its condition's, then the ORDER BY of a top-N Sort it feeds); one
   * that leads with them and has more keys is only mentioned, with where it was proved (person27: a pasted plan's tips
   * did not name the proved index; person33 L1: a tip borrowed order_items (product_id, quantity DESC) and its −97 % from
   * another statement for a scan filtering product_id alone). A proof made when the table had other indexes is not used.
   */
  provedIndexes?: readonly ProvedIndexFigure[];
  /**
   * For a plan of a statement of the code: what the editor's index advice answered for it besides its proofs — not
   * decided yet (ADVICE_PENDING), an index on another table, "No index for it: …" (core/advice adviceTipAnswer). A
   * scan with no proof says that instead of an index of its own (issue 20, person48 L-f: Compare's tip named reviews
   * (product_id) beside the advice's proved reviews (product_id, created_at DESC)). Unset: the tips' own (no advice here).
   */
  adviceAnswer?: string;
  /**
   * The indexes of each scanned relation ("schema.name" or "name"), from the catalog when connected: a tip never
   * proposes an index on a column one already leads with (person14 #8: "an index (or a partial index)" for
   * Tags.name = 'tag7', name being Tags' primary key).
   */
  relationIndexes?: ReadonlyMap<string, readonly IndexLeadFact[]>;
  /**
   * The statement's calls in pg_stat_statements (0: no entry) when connected with it, else undefined: a DELETE or UPDATE
   * that has not recurred gets no index tip (person38 L8: a one-off cleanup DELETE was tipped an index).
   */
  statementCalls?: number;
}

export function emptyBuffers(): Buffers {
  return { sharedHit: 0, sharedRead: 0, sharedDirtied: 0, sharedWritten: 0, localHit: 0, localRead: 0, localDirtied: 0, localWritten: 0, tempRead: 0, tempWritten: 0 };
}
