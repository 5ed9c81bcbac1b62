/**
 * Index candidates for one statement: pure functions of the statement's shape (core/sql/predicates)
 * and catalog facts (pg_stats, pg_class, existing indexes). Every candidate is only a hypothesis:
 * the database layer proves it with the planner before anything is suggested.
 *
 * Ordering rules (the classic composite-index recipe): equality columns, most selective first;
 * then ONE range column; then the ORDER BY keys in the query's direction (only when nothing but
 * equalities precedes them, or the range column is the first sort key), so the sort disappears.
 */
import { findTable, INDEX_MAX_SELECTIVITY, INDEX_TRY_MAX_SELECTIVITY, type CatalogFacts, type ColumnFacts, type ColumnStats, type IndexFacts, type TableFacts } from '../catalogFacts';
import { ident, operandColumns, operandText, sqlLiteral, type Constant, type Operand, type Predicate, type StatementShape, type TableUse } from '../sql/predicates';
import { shortHash } from '../hash';
import { formatPercent } from '../format';

type IndexMethod = 'btree' | 'gin' | 'gist' | 'brin' | 'hash';

type CandidateKind = 'btree' | 'sort' | 'partial' | 'include' | 'expression' | 'jsonb' | 'fts' | 'trigram' | 'pattern' | 'join' | 'brin';

interface IndexKey {
  /** SQL of the key: a quoted column, or a parenthesised expression. */
  sql: string;
  /** Display text: column name or expression. */
  label: string;
  column?: string;
  desc?: boolean;
  opclass?: string;
}

export interface IndexCandidate {
  schema: string;
  table: string;
  method: IndexMethod;
  keys: IndexKey[];
  include: string[];
  where?: string;
  name: string;
  kind: CandidateKind;
  /** The extension the index needs that is not installed yet. */
  needsExtension?: 'pg_trgm';
  /** Why this shape (one sentence). */
  reason: string;
  /** Prefer this one when it is proved at all (BRIN: tiny and cheap to maintain). */
  preferWhenProved?: boolean;
  /** Estimated share of the table's rows the indexed predicates keep (1 when unknown). */
  selectivity: number;
  /** Its keys give the statement's ORDER BY (or its leading keys) and the statement has a LIMIT: the scan stops early, however many rows the filters keep. */
  servesLimit?: boolean;
  /**
   * The filter alone where it keeps more than INDEX_MAX_SELECTIVITY (up to the try bound), beside the candidate that adds
   * the ORDER BY's keys to it: tried only when that one's plan still sorts (the index does not give the ORDER BY, so its
   * gain is the filter's), and proposed only when the planner costs it no higher (issue 20, person48 M-A: orders (status,
   * placed_at DESC) 1,448 → 919 was proposed where (status) alone gave 876.77, both a Bitmap Heap Scan and a Sort).
   */
  filterFallback?: boolean;
}

export interface CandidateOptions {
  /** Tables with fewer estimated rows get nothing (a sequential scan is fine there). */
  minRows?: number;
  /**
   * Candidates whose predicates keep more than this share of rows are dropped (unless they serve a sort with LIMIT);
   * default INDEX_TRY_MAX_SELECTIVITY: the planner judges the ones kept.
   */
  maxSelectivity?: number;
  /** A constant this rare (share of rows) or rarer makes a partial index worth trying. */
  rareShare?: number;
  /** BRIN: minimum table pages and minimum |correlation|. */
  brinMinPages?: number;
  brinMinCorrelation?: number;
}

/** Rows a lookup keeps below which heap fetches are too few for a covering index to be worth its size. */
const FEW_ROWS = 100;

const DEFAULTS: Required<CandidateOptions> = { minRows: 1000, maxSelectivity: INDEX_TRY_MAX_SELECTIVITY, rareShare: 0.05, brinMinPages: 1280, brinMinCorrelation: 0.9 };

/** PostgreSQL's own defaults for predicates it has no statistics for. */
const DEFAULT_EQ_SEL = 0.005;
const DEFAULT_RANGE_SEL = 1 / 3;
const DEFAULT_BETWEEN_SEL = 0.005;

/** Share of rows `col = constant` (or `col = ?` when no constant) keeps, from pg_stats. */
export function eqSelectivity(stats: ColumnStats | undefined, reltuples: number, constant?: Constant): number {
  if (!stats) return DEFAULT_EQ_SEL;
  if (constant?.kind === 'null') return stats.nullFrac;
  const distinct = stats.nDistinct > 0 ? stats.nDistinct : stats.nDistinct < 0 ? -stats.nDistinct * Math.max(1, reltuples) : 200;
  const mcv = stats.mostCommonVals ?? [];
  const mcf = stats.mostCommonFreqs ?? [];
  const mcvSum = mcf.reduce((a, b) => a + b, 0);
  if (constant) {
    const text = constantText(constant);
    const i = mcv.indexOf(text);
    if (i >= 0) return mcf[i] ?? DEFAULT_EQ_SEL;
    const rest = Math.max(1, distinct - mcv.length);
    return Math.max(0, 1 - mcvSum - stats.nullFrac) / rest;
  }
  return Math.max(0, 1 - stats.nullFrac) / Math.max(1, distinct);
}

/**
 * The constant as pg_stats prints it (to look it up in most_common_vals): sqlLiteral, but a string bare and a boolean
 * as `t`/`f` (boolout). A boolean compared as `true`/`false` never matched, so `is_deleted = false` on a table where
 * every row is false came out as keeping no rows at all: the "most selective" key, a "rare" partial index, advice
 * "not verified" on a column that filters nothing (issue 20, person16 HIGH 2).
 */
function constantText(c: Constant): string {
  if (c.kind === 'boolean') return c.value ? 't' : 'f';
  return c.kind === 'string' ? c.value : sqlLiteral(c);
}

function predSelectivity(p: Predicate, t: TableFacts): number {
  const col = p.target.kind === 'column' ? p.target.column : undefined;
  const stats = col ? statsOf(t, col) : undefined;
  switch (p.kind) {
    case 'eq':
    case 'is-null':
      // A boolean without statistics has two values (PostgreSQL's planner assumes the same), not 200.
      if (!stats && col && p.kind === 'eq' && columnOf(t, col)?.typeName === 'bool') return 0.5;
      return eqSelectivity(stats, rowsOf(t), p.constant);
    case 'in': {
      const n = p.values?.length ?? 3;
      if (p.values && stats) return Math.min(1, p.values.reduce((a, v) => a + eqSelectivity(stats, rowsOf(t), v), 0));
      return Math.min(1, n * eqSelectivity(stats, rowsOf(t)));
    }
    case 'range':
      if (p.op === 'BETWEEN') return DEFAULT_BETWEEN_SEL;
      return (stats && p.constant && rangeSelectivity(stats, p.op, p.constant, rowsOf(t))) ?? DEFAULT_RANGE_SEL;
    default:
      return DEFAULT_EQ_SEL;
  }
}

/**
 * The share of rows `col <op> constant` keeps, read from pg_stats as the planner reads it (ineq_histogram_selectivity):
 * the common values that satisfy it, plus the histogram's share beyond the constant (interpolated in its bin) of the
 * rest. Only for a numeric or date/time column (histogramBounds) and a constant of its kind; undefined otherwise (the
 * default third stands). Without it a range alone was never selective enough for a candidate (person39 M1:
 * `total_cents > 450000` keeps 5 of 32k rows, "no index candidate").
 */
function rangeSelectivity(stats: ColumnStats, op: string, c: Constant, rows: number): number | undefined {
  const bounds = stats.histogramBounds;
  if (!bounds || !['<', '<=', '>', '>='].includes(op)) return undefined;
  // A number as printed, else a date/time (pg_stats prints `2024-01-05 10:00:00+00`): both sides read alike, so their order holds.
  const num = (x: string): number => {
    const n = x.trim() === '' ? NaN : Number(x);
    if (Number.isFinite(n)) return n;
    const iso = x.trim().replace(' ', 'T').replace(/(T[\d:.]+[+-]\d\d)$/, '$1:00');
    return Date.parse(/T/.test(iso) && !/(Z|[+-]\d\d:\d\d)$/i.test(iso) ? `${iso}Z` : iso);
  };
  const v = c.kind === 'number' ? c.value : c.kind === 'string' ? num(c.value) : NaN;
  const b = bounds.map(num);
  if (!Number.isFinite(v) || b.some((x) => !Number.isFinite(x)) || b.some((x, i) => i > 0 && x < b[i - 1])) return undefined;
  // The share of the histogram's rows below v.
  let below: number;
  if (v <= b[0]) below = 0;
  else if (v >= b[b.length - 1]) below = 1;
  else {
    let i = 0;
    while (b[i + 1] < v) i++;
    const width = b[i + 1] - b[i];
    below = (i + (width > 0 ? (v - b[i]) / width : 0.5)) / (b.length - 1);
  }
  const less = op === '<' || op === '<=';
  const histShare = less ? below : 1 - below;
  const mcv = stats.mostCommonVals ?? [];
  const mcf = stats.mostCommonFreqs ?? [];
  let mcvPart = 0;
  let mcvSum = 0;
  for (let i = 0; i < mcv.length; i++) {
    const f = mcf[i] ?? 0;
    mcvSum += f;
    const x = num(mcv[i]);
    if (!Number.isFinite(x)) return undefined;
    if (op === '<' ? x < v : op === '<=' ? x <= v : op === '>' ? x > v : x >= v) mcvPart += f;
  }
  const sel = mcvPart + Math.max(0, 1 - mcvSum - stats.nullFrac) * histShare;
  return Math.min(1, Math.max(sel, 1 / Math.max(1, rows)));
}

/** The planner's row estimate (0 when there is none). */
function rowsOf(t: TableFacts): number {
  return t.rows ?? 0;
}

function statsOf(t: TableFacts, col: string): ColumnStats | undefined {
  return t.stats[col] ?? t.stats[col.toLowerCase()];
}

function columnOf(t: TableFacts, col: string): ColumnFacts | undefined {
  return t.columns.find((c) => c.name === col) ?? t.columns.find((c) => c.name === col.toLowerCase());
}

/** The column name as the catalog spells it (unquoted identifiers fold to lower case). */
function catalogName(t: TableFacts, col: string): string | undefined {
  return columnOf(t, col)?.name;
}

/** Give unqualified predicates of multi-table statements to the one table that has the column. */
function resolveUnqualified(shape: StatementShape, facts: CatalogFacts): StatementShape {
  if (!shape.unresolved.length) return shape;
  for (const u of shape.unresolved) {
    const col = u.predicate.target.kind === 'column' ? u.predicate.target.column : undefined;
    if (!col) continue;
    const owners = shape.tables.filter((t) => u.candidates.includes(t.key)).filter((t) => {
      const f = findTable(facts, t);
      return f && catalogName(f, col);
    });
    if (owners.length === 1) owners[0].predicates.push(u.predicate);
  }
  shape.unresolved = [];
  return shape;
}

/** All candidates for a statement, deduplicated and without those an existing valid index already covers. */
export function indexCandidates(shape: StatementShape, facts: CatalogFacts, options: CandidateOptions = {}): IndexCandidate[] {
  return candidatesAndServed(shape, facts, options).candidates;
}

/**
 * The existing indexes that already give what the statement's candidates would (each candidate an index covers, by name,
 * schema-qualified): "no index candidate" is said only when nothing in the statement is something an index would serve;
 * when indexes already serve it, they are named (the e2e shop after "Create index now": the statement said "nothing in it
 * is something an index would serve" while its plan read orders_customer_id_placed_at_desc_idx).
 */
export function indexesServing(shape: StatementShape, facts: CatalogFacts, options: CandidateOptions = {}): string[] {
  return [...candidatesAndServed(shape, facts, options).served];
}

/** A table whose filters keep more of its rows than the index advice tries an index for (CandidateOptions.maxSelectivity). */
export interface BroadFilter {
  table: string;
  /** The share of the table's rows its filters keep (pg_stats). */
  share: number;
  /** The bound it is above. */
  limit: number;
}

/**
 * Why a statement has no candidate, when that is the reason: the tables whose filters keep more of their rows than the
 * advice tries an index for (PG Lens's own bound, said as such on every surface: core/advice/missingIndex noIndexAnswer).
 */
export function broadFilters(shape: StatementShape, facts: CatalogFacts, options: CandidateOptions = {}): BroadFilter[] {
  return candidatesAndServed(shape, facts, options).broad;
}

function candidatesAndServed(shape: StatementShape, facts: CatalogFacts, options: CandidateOptions): { candidates: IndexCandidate[]; served: Set<string>; broad: BroadFilter[] } {
  const served = new Set<string>();
  const broad: BroadFilter[] = [];
  const o = { ...DEFAULTS, ...options };
  resolveUnqualified(shape, facts);
  const out: IndexCandidate[] = [];
  const seen = new Set<string>();
  for (const use of shape.tables) {
    const t = findTable(facts, use);
    if (!t) continue; // a table we cannot see: say nothing
    if (t.kind === 'partitioned') continue; // an index per partition is a different job
    if (t.kind === 'view' || t.kind === 'foreign') continue; // no index on either
    if ((t.rows ?? 0) < o.minRows) continue;
    const bound = boundColumns(use, t);
    for (const c of tableCandidates(use, t, facts, o, served, broad)) {
      if (!c.keys.length) continue; // nothing to index on
      const sig = signature(c);
      if (seen.has(sig)) continue;
      seen.add(sig);
      const covering = coveredBy(c, t.indexes);
      if (covering) {
        served.add(`${covering.schema}.${covering.name}`);
        continue;
      }
      // Left out because an existing index already gives it: that index is named (not "nothing an index would serve").
      const existing = boundByUnique(c, t, bound) ?? providedByExisting(c, t, bound);
      if (existing) {
        served.add(`${existing.schema}.${existing.name}`);
        continue;
      }
      out.push(c);
    }
  }
  return { candidates: out, served, broad };
}

/** How the statement bounds one column of a table: by equality (=, = ANY, IN, IS NULL) or by a range, and the share of rows kept. */
interface Bound {
  kind: 'eq' | 'range';
  selectivity: number;
  /** A join key (`t.col = other.col`): bounded per row of the other side, not by a value. */
  join?: boolean;
  /** Equality with `=`/IN/ANY on a value (not IS NULL: a unique index holds many NULLs). */
  value?: boolean;
}

/** The statement's bounds on the table's plain columns (the narrowest per column). */
function boundColumns(use: TableUse, t: TableFacts): Map<string, Bound> {
  const out = new Map<string, Bound>();
  const put = (col: string, b: Bound) => {
    const had = out.get(col);
    if (!had || (had.kind === 'range' && b.kind === 'eq') || (had.kind === b.kind && b.selectivity < had.selectivity)) out.set(col, { ...had, ...b });
  };
  for (const p of use.predicates) {
    if (p.target.kind !== 'column') continue;
    const col = catalogName(t, p.target.column);
    if (!col) continue;
    if (p.kind === 'eq' || p.kind === 'in' || p.kind === 'is-null') put(col, { kind: 'eq', selectivity: predSelectivity(p, t), value: p.kind !== 'is-null' });
    else if (p.kind === 'range') {
      const both = use.predicates.filter((x) => x.kind === 'range' && x.target.kind === 'column' && catalogName(t, x.target.column) === col).length >= 2;
      put(col, { kind: 'range', selectivity: both ? DEFAULT_BETWEEN_SEL : predSelectivity(p, t) });
    }
  }
  for (const j of use.joinKeys) {
    const col = catalogName(t, j.column);
    if (col && !out.has(col)) out.set(col, { kind: 'eq', selectivity: DEFAULT_EQ_SEL, join: true });
  }
  return out;
}

/**
 * The share of rows an index with these leading columns narrows the statement to: equalities in order, then one
 * range, stopping at the first column the statement does not bound (0 columns: undefined, it serves nothing).
 * Join keys are left out: they narrow per row of the other side, which this figure does not model.
 */
function prefixSelectivity(columns: readonly (string | null | undefined)[], bound: Map<string, Bound>): { selectivity: number; used: number } | undefined {
  let sel = 1;
  let used = 0;
  for (const c of columns) {
    const b = c ? bound.get(c) : undefined;
    if (!b || b.join) break;
    sel *= b.selectivity;
    used++;
    if (b.kind === 'range') break;
  }
  return used ? { selectivity: sel, used } : undefined;
}

/**
 * A candidate that only adds columns to a lookup a unique index already bounds (issue 20, person16 HIGH 2): the
 * unique index's columns are all bound by equality (=, = ANY, IN) or join keys, so it finds at most one row per value
 * (per outer row) — `users (user_id, family_admin_id)` where user_id is the primary key, `collections (app,
 * collection_id)` ending in it, `trash (is_restored, file_id, user_id)` for `file_id = ANY($2)`. When values alone
 * bound it, no other index on the table helps this statement; when a join key is part of it, a candidate holding all
 * of its columns is the same lookup with more keys.
 */
function boundByUnique(c: IndexCandidate, t: TableFacts, bound: Map<string, Bound>): IndexFacts | undefined {
  if (c.method !== 'btree') return undefined;
  const cols = new Set([...c.keys.map((k) => k.column), ...c.include]);
  return t.indexes.find((ix) => {
    if (!ix.valid || !ix.unique || ix.predicate || ix.method !== 'btree' || !ix.keyColumns.length || ix.keyColumns.some((k) => k === null)) return false;
    const bs = ix.keyColumns.map((k) => bound.get(k!));
    if (bs.some((b) => !b || b.kind !== 'eq' || (!b.join && !b.value))) return false;
    if (bs.every((b) => !b!.join)) return true; // by values alone: at most one row per value
    return ix.keyColumns.every((k) => cols.has(k!));
  });
}

/**
 * A candidate whose useful part an existing valid index already gives (issue 20, person16 HIGH 2: `trash (is_deleted,
 * is_restored, user_id, updated_at)` beside `(user_id, updated_at)`, which serves `user_id = $1 AND updated_at <= $2`):
 * the existing index's leading columns narrow the statement to a few rows, or to within 10× of what the candidate would
 * keep. A second index for that costs every write and saves a handful of row visits.
 */
function providedByExisting(c: IndexCandidate, t: TableFacts, bound: Map<string, Bound>): IndexFacts | undefined {
  if (c.method !== 'btree' || c.keys.some((k) => !k.column)) return undefined;
  const rows = Math.max(1, rowsOf(t));
  const mine = prefixSelectivity(c.keys.map((k) => k.column), bound);
  // The partial index's WHERE narrows too (the column it fixes is not among its keys).
  const whereCol = c.where ? /^"?([^"\s]+)"? (=|IS NULL)/.exec(c.where)?.[1] : undefined;
  const whereSel = whereCol && bound.get(whereCol)?.kind === 'eq' ? bound.get(whereCol)!.selectivity : 1;
  const candSel = (mine?.selectivity ?? 1) * whereSel;
  return t.indexes.find((ix) => {
    if (!ix.valid || ix.predicate || ix.method !== 'btree' || ix.name === c.name) return false;
    const have = prefixSelectivity(ix.keyColumns, bound);
    if (!have) return false;
    if (have.selectivity * rows <= FEW_ROWS) return true;
    // A sort the candidate removes, or a covering copy for an index-only scan, is a gain the row count does not show:
    // those stand when the existing index leaves many rows (above).
    if (c.kind === 'sort' || c.kind === 'include') return false;
    return candSel * 10 > have.selectivity;
  });
}

/** Distinct values up to which a column is a category (status, country, a flag): PostgreSQL's default most-common-values list holds 100. */
const FEW_VALUES = 100;

/**
 * The column holds a few values, each shared by many rows (`status`, `kind`, a boolean), as opposed to a key (an id, a
 * foreign key, an email): pg_stats' n_distinct (negative: it grows with the table) within FEW_VALUES, and no unique
 * index on the column alone. A partial index on one of its constants is worth it; on a key's constant it is not.
 */
function fewValued(t: TableFacts, column: string, st: ColumnStats): boolean {
  if (columnOf(t, column)?.typeName === 'bool') return true;
  if (t.indexes.some((ix) => ix.valid && ix.unique && !ix.predicate && ix.keyColumns.length === 1 && ix.keyColumns[0] === column)) return false;
  return st.nDistinct > 0 && st.nDistinct <= FEW_VALUES;
}

interface Part {
  operand: Operand;
  key: IndexKey;
  predicate?: Predicate;
  selectivity: number;
}

function keyOf(t: TableFacts, operand: Operand, desc = false, opclass?: string): IndexKey | undefined {
  if (operand.kind === 'column') {
    const name = catalogName(t, operand.column);
    if (!name) return undefined;
    return { sql: ident(name) + (opclass ? ` ${opclass}` : '') + (desc ? ' DESC' : ''), label: name + (desc ? ' DESC' : ''), column: name, desc, opclass };
  }
  for (const c of operand.columns) if (!catalogName(t, c)) return undefined;
  return { sql: `(${operand.sql})` + (opclass ? ` ${opclass}` : '') + (desc ? ' DESC' : ''), label: operand.sql + (desc ? ' DESC' : ''), desc, opclass };
}

/** `served`: existing indexes a candidate was not made for because they already give it (schema-qualified names). */
function tableCandidates(use: TableUse, t: TableFacts, facts: CatalogFacts, o: Required<CandidateOptions>, served: Set<string>, broad: BroadFilter[]): IndexCandidate[] {
  const out: IndexCandidate[] = [];
  const preds = use.predicates;
  // Equality-like parts (=, IN, IS NULL), most selective first.
  const eq: Part[] = [];
  for (const p of preds) {
    if (p.kind !== 'eq' && p.kind !== 'in' && p.kind !== 'is-null') continue;
    const key = keyOf(t, p.target);
    if (!key) continue;
    if (eq.some((e) => e.key.sql === key.sql)) continue;
    eq.push({ operand: p.target, key, predicate: p, selectivity: predSelectivity(p, t) });
  }
  eq.sort((a, b) => a.selectivity - b.selectivity || a.key.label.localeCompare(b.key.label));
  // An equality that keeps half the rows or more (a boolean nearly every row shares) narrows nothing: a key on it only
  // pushes the useful columns back. It stays a filter — and a partial index's WHERE when its other value is rare (4.).
  const filtersOnly = eq.filter((e) => e.selectivity >= 0.5);
  if (filtersOnly.length < eq.length) for (const e of filtersOnly) eq.splice(eq.indexOf(e), 1);
  const ranges: Part[] = [];
  for (const p of preds) {
    if (p.kind !== 'range') continue;
    const key = keyOf(t, p.target);
    if (!key || ranges.some((r) => r.key.sql === key.sql) || eq.some((e) => e.key.sql === key.sql)) continue;
    ranges.push({ operand: p.target, key, predicate: p, selectivity: predSelectivity(p, t) });
  }
  // Two range predicates on the same column (a >= x AND a < y) are one narrow range.
  for (const r of ranges) {
    const n = preds.filter((p) => p.kind === 'range' && operandText(p.target) === operandText(r.operand)).length;
    if (n >= 2) r.selectivity = DEFAULT_BETWEEN_SEL;
  }
  ranges.sort((a, b) => a.selectivity - b.selectivity);
  const order: IndexKey[] = [];
  // The leading ORDER BY keys that are this table's, the rest another table's (an ORM's default ordering over a join):
  // only with a LIMIT, where rows in index order let the scan stop early and only ties are sorted (Incremental Sort).
  const leadOnly = !use.orderBy.length && !!use.orderByLead?.length && use.limit !== undefined;
  for (const k of leadOnly ? use.orderByLead! : use.orderBy) {
    const key = keyOf(t, k.target, k.direction === 'DESC');
    if (!key) {
      order.length = 0;
      break;
    }
    order.push(key);
  }
  // With mixed directions a btree serves the sort only with the same mix; all-DESC equals all-ASC read backwards.
  if (order.length && order.every((k) => k.desc)) for (const k of order) Object.assign(k, keyOf(t, { kind: 'column', column: k.column ?? '' }, true) ?? k);

  const eqSel = eq.reduce((a, e) => a * e.selectivity, 1);
  const range = ranges[0];
  const withRangeSel = eqSel * (range?.selectivity ?? 1);
  const sortHelps = order.length > 0 && use.limit !== undefined;
  const tableName = t.name;
  const selectedRest = includeColumns(use, t);

  const btree = (kind: CandidateKind, keys: IndexKey[], reason: string, sel: number, extra: Partial<IndexCandidate> = {}) => {
    if (!keys.length) return;
    out.push(candidate(t, 'btree', keys, kind, reason, sel, extra));
  };

  // 1. Equalities + one range — not for an equality lookup an existing index already narrows to a few rows by its
  // leading columns (person10 N7: `WHERE app_name = $1 AND instance_id = $2` on a primary key (app_name, environment,
  // instance_id) is an index scan keeping ~40 rows; a second index (instance_id, app_name) "17.7 → 4.32" saves a
  // handful of tuple visits and costs an index on every write).
  const eqKeys = eq.map((e) => e.key);
  const selective = withRangeSel <= o.maxSelectivity;
  // A filter alone is tried only where it keeps few rows (INDEX_MAX_SELECTIVITY): over a broader share the index's gain
  // is reading in the ORDER BY's order (the sort goes; candidate 2 below, tried up to maxSelectivity), not the filter —
  // `SELECT * FROM order_items WHERE quantity = 3` (a tenth of the rows) got order_items (quantity), "8334 → 5207", a
  // low-value index on a 10-value column (the labelled workload's non-selective-quantity), once fixd widened the bound.
  const filterBound = Math.min(o.maxSelectivity, INDEX_MAX_SELECTIVITY);
  const filterSelective = withRangeSel <= filterBound;
  const narrowing = !range && eq.length > 0 ? t.indexes.find((ix) => {
    if (!ix.valid || ix.predicate || ix.method !== 'btree') return false;
    const lead: Part[] = [];
    for (const c of ix.keyColumns) {
      const e = c === null ? undefined : eq.find((x) => x.key.column === c && x.predicate?.kind === 'eq');
      if (!e) break;
      lead.push(e);
    }
    return lead.length > 0 && lead.reduce((a, e) => a * e.selectivity, 1) * rowsOf(t) <= FEW_ROWS;
  }) : undefined;
  const narrowedAlready = !!narrowing;
  // `WHERE id = $1` on the primary key: no candidate, and the index that serves it is said (issue 20, person21 LOW 3).
  if (narrowing) served.add(`${narrowing.schema}.${narrowing.name}`);
  if ((eq.length || range) && !narrowedAlready) {
    const keys = [...eqKeys, ...(range ? [range.key] : [])];
    const sortCandidate = selective && order.length > 0 && (!range || (!!order[0].column && order[0].column === range.key.column));
    if (!filterSelective && !sortCandidate && !sortHelps) broad.push({ table: tableName, share: withRangeSel, limit: order.length ? o.maxSelectivity : filterBound });
    // The filter's own index: where it is selective; above its bound, beside the ORDER BY's index (2. below), tried only
    // when that one does not give the order (IndexCandidate.filterFallback).
    if (filterSelective || sortCandidate) {
      btree(eq.some((e) => e.operand.kind === 'expression') || range?.operand.kind === 'expression' ? 'expression' : 'btree', keys,
        describeKeys(eq, range), withRangeSel, filterSelective ? {} : { filterFallback: true });
    }
    if (filterSelective) {
      // The equalities alone only where they are selective alone, as without the range: `rating = 1` (a 5-value column,
      // 10% of the rows) got reviews (rating) beside (rating, created_at) for a cleanup DELETE (person38 L8), where
      // `WHERE rating = 1` by itself gets no candidate.
      if (range && eq.length && eqSel <= filterBound) btree('btree', eqKeys, describeKeys(eq, undefined), eqSel);
    }
  }
  // 2. Equalities + ORDER BY (the sort disappears; with LIMIT the scan stops early).
  if (order.length) {
    const rangeIsFirstSort = range && order[0].column && order[0].column === range.key.column;
    if (!range || rangeIsFirstSort) {
      const keys = [...eqKeys, ...order];
      if (selective || sortHelps) {
        btree('sort', keys, leadOnly
          ? `${eq.length ? `equality on ${eq.map((e) => e.key.label).join(', ')}, then ` : ''}the leading ORDER BY ${order.length === 1 ? 'key' : 'keys'} ${order.map((k) => k.label).join(', ')} (the later keys are another table's): rows come out of the index in that order, only their ties are sorted (Incremental Sort), and the LIMIT stops the scan early`
          : `${eq.length ? `equality on ${eq.map((e) => e.key.label).join(', ')}, then ` : ''}the ORDER BY keys ${order.map((k) => k.label).join(', ')} in the query's direction so the sort disappears${use.limit !== undefined ? ' and the LIMIT stops the scan early' : ''}`, withRangeSel, sortHelps ? { servesLimit: true } : {});
      }
    } else if (sortHelps && eqSel <= o.maxSelectivity) {
      btree('sort', [...eqKeys, ...order], `equality columns then the ORDER BY keys, so the LIMIT stops the scan early`, eqSel, { servesLimit: true });
    }
  }
  // 3. INCLUDE for an index-only scan of a narrow select — not for a lookup a unique index already
  // answers (one row: one heap page; a covering copy of the row saves nothing).
  const uniqueLookup = eq.length > 0 && t.indexes.some((ix) => ix.valid && ix.unique && !ix.predicate && ix.keyColumns.length > 0 && ix.keyColumns.every((c) => c !== null && eq.some((e) => e.key.column === c && e.predicate?.kind === 'eq')));
  // Nor for a lookup an existing index already answers when it keeps few rows: a handful of heap
  // fetches is all a covering copy would save ("cost 8.3 → 4.3" is no missing index).
  const keyColsWanted = [...eq.map((e) => e.key.column), ...(range ? [range.key.column] : [])];
  const answeredAlready = keyColsWanted.length > 0 && keyColsWanted.every((c) => !!c) && withRangeSel * rowsOf(t) <= FEW_ROWS &&
    t.indexes.some((ix) => ix.valid && !ix.predicate && ix.method === 'btree' && ix.keyColumns.length >= keyColsWanted.length &&
      [...ix.keyColumns.slice(0, keyColsWanted.length)].sort().join('\u0000') === [...keyColsWanted].sort().join('\u0000'));
  if (selectedRest && selectedRest.length && filterSelective && (eq.length || range) && !use.written && !uniqueLookup && !answeredAlready && !narrowedAlready) {
    const keys = [...eqKeys, ...(range ? [range.key] : [])];
    const keyCols = new Set(keys.map((k) => k.column));
    const inc = selectedRest.filter((c) => !keyCols.has(c));
    // Only narrow columns: a covering copy of a text body or a document makes the index as large as
    // the table for a few heap fetches saved (and loses to the plain index on every write).
    if (inc.length && inc.length <= 3 && inc.every((c) => narrowColumn(t, c))) {
      btree('include', keys, `${describeKeys(eq, range)}, INCLUDE (${inc.join(', ')}) so the query is answered by an index-only scan`, withRangeSel, { include: inc });
    }
  }
  // 4. Partial index for a rare constant (status = 'refunded', deleted_at IS NULL when few are null, flag = true).
  for (const e of eq) {
    const p = e.predicate!;
    if (!e.key.column) continue;
    const c = p.constant;
    if (!c || p.kind === 'in') continue;
    const share = eqSelectivity(statsOf(t, e.key.column), rowsOf(t), c);
    const st = statsOf(t, e.key.column);
    if (!st || share > o.rareShare) continue;
    // A value of a key column (an id, a foreign key, an email) is one of thousands: an index for that one value serves
    // only it (person42 H1: `customer_id = 42` got `reviews (created_at DESC) WHERE customer_id = 42`). The column stays
    // an equality key (`(customer_id, created_at DESC)`, what `= $1` gets). IS NULL is no key value (deleted_at IS NULL).
    if (c.kind !== 'null' && !fewValued(t, e.key.column, st)) continue;
    const where = c.kind === 'null' ? `${ident(e.key.column)} IS NULL` : `${ident(e.key.column)} = ${sqlLiteral(c)}`;
    const restEq = eq.filter((x) => x !== e).map((x) => x.key);
    let keys = [...restEq, ...(range ? [range.key] : [])];
    if (order.length && (!range || (order[0].column && order[0].column === range.key.column))) keys = [...restEq, ...order];
    if (!keys.length) keys = pkKeys(t) ?? [e.key];
    const pct = share > 0 ? formatPercent(share) : 'a tiny share';
    btree('partial', keys, `${where} keeps only ${pct} of ${tableName}'s rows, so a partial index holds just those rows${keys[0].column !== e.key.column ? ` ordered by ${keys.map((k) => k.label).join(', ')}` : ''}`, share * (range?.selectivity ?? 1), { where });
  }
  // 5. Join keys: the inner side of a nested loop needs its key indexed.
  for (const j of use.joinKeys) {
    const key = keyOf(t, { kind: 'column', column: j.column });
    if (!key) continue;
    btree('join', [key], `join key ${tableName}.${key.label} = ${j.other.table}.${j.other.column}: lets a nested loop look up matching rows instead of scanning ${tableName}`, DEFAULT_EQ_SEL);
    // Only equalities that narrow go before the join key (`(is_deleted, collection_id)` on a table where every row is
    // false was tried on a real database): with none, the join key alone (above) is the candidate.
    const narrowing = eq.filter((e) => e.selectivity < 0.5);
    if (narrowing.length) btree('join', [...narrowing.map((e) => e.key), key], `equality on ${narrowing.map((e) => e.key.label).join(', ')} then the join key ${key.label}`, narrowing.reduce((a, e) => a * e.selectivity, 1) * DEFAULT_EQ_SEL);
  }
  // 6. GIN for jsonb containment/existence.
  const byJsonCol = new Map<string, Set<string>>();
  for (const p of preds) {
    if (p.kind !== 'jsonb' || p.target.kind !== 'column') continue;
    const col = columnOf(t, p.target.column);
    if (!col || col.type !== 'jsonb') continue;
    if (!byJsonCol.has(col.name)) byJsonCol.set(col.name, new Set());
    byJsonCol.get(col.name)!.add(p.op);
  }
  for (const [col, ops] of byJsonCol) {
    const onlyContain = [...ops].every((x) => x === '@>');
    const key: IndexKey = { sql: ident(col) + (onlyContain ? ' jsonb_path_ops' : ''), label: col, column: col, opclass: onlyContain ? 'jsonb_path_ops' : undefined };
    out.push(candidate(t, 'gin', [key], 'jsonb', onlyContain
      ? `GIN with jsonb_path_ops on ${col}: the statement only uses @> (containment), which this smaller, faster operator class serves`
      : `GIN on ${col} for the jsonb operators ${[...ops].join(', ')} (jsonb_path_ops would not serve ?, ?| or ?&)`, DEFAULT_EQ_SEL));
  }
  // 7. Full-text search: GIN on the tsvector column or expression.
  for (const p of preds) {
    if (p.kind !== 'fts') continue;
    if (p.target.kind === 'column') {
      const col = columnOf(t, p.target.column);
      if (!col || col.type !== 'tsvector') continue;
      out.push(candidate(t, 'gin', [{ sql: ident(col.name), label: col.name, column: col.name }], 'fts', `GIN on the tsvector column ${col.name} for full-text search with @@`, DEFAULT_EQ_SEL));
    } else if (/^to_tsvector\(/.test(p.target.sql) && /^to_tsvector\('[a-z_]+', /.test(p.target.sql)) {
      const key = keyOf(t, p.target);
      if (key) out.push(candidate(t, 'gin', [key], 'fts', `GIN on the expression ${p.target.sql} (with the text search configuration named, so it is immutable) for full-text search with @@`, DEFAULT_EQ_SEL));
    }
  }
  // 8. LIKE / ILIKE: a leading wildcard needs trigrams; a fixed prefix can use a btree with text_pattern_ops.
  for (const p of preds) {
    if (p.kind !== 'like' || !p.pattern) continue;
    const target = p.target;
    const cols = operandColumns(target).map((c) => columnOf(t, c));
    if (cols.some((c) => !c)) continue;
    const literalChars = p.pattern.replace(/[%_]/g, '').length;
    if (p.leadingWildcard) {
      if (literalChars < 3 || facts.pgTrgm === 'unavailable') continue; // trigrams need 3 characters
      const key = keyOf(t, target, false, 'gin_trgm_ops');
      if (!key) continue;
      out.push(candidate(t, 'gin', [key], 'trigram', `${p.op} '${p.pattern}' starts with a wildcard, which no btree can serve; a trigram GIN index (pg_trgm) can${facts.pgTrgm === 'ready' ? '' : ' — run CREATE EXTENSION pg_trgm first'}`, DEFAULT_EQ_SEL, facts.pgTrgm === 'ready' ? {} : { needsExtension: 'pg_trgm' }));
    } else if (p.op === 'LIKE' && literalChars >= 1 && target.kind === 'column' && /^(text|character varying.*)$/.test(cols[0]!.type)) {
      const opclass = cols[0]!.type === 'text' ? 'text_pattern_ops' : 'varchar_pattern_ops';
      const key = keyOf(t, target, false, opclass);
      if (key) out.push(candidate(t, 'btree', [key], 'pattern', `LIKE '${p.pattern}' has a fixed prefix: a btree with ${opclass} serves prefix searches in any collation`, DEFAULT_BETWEEN_SEL));
    }
  }
  // 9. BRIN for large, append-mostly tables filtered by a column stored in order.
  if (range && range.key.column && t.pages >= o.brinMinPages) {
    const st = statsOf(t, range.key.column);
    const w = t.writes;
    const appendOnly = !w || w.inserts === 0 || (w.updates + w.deletes) <= 0.05 * w.inserts;
    if (st?.correlation !== undefined && Math.abs(st.correlation) >= o.brinMinCorrelation && appendOnly) {
      out.push(candidate(t, 'brin', [{ sql: ident(range.key.column), label: range.key.column, column: range.key.column }], 'brin',
        `${tableName} is large (${t.pages} pages) and append-mostly, and ${range.key.column} follows the physical order (correlation ${st.correlation.toFixed(2)}): a BRIN index is a few pages in size and costs almost nothing on writes`,
        range.selectivity, { preferWhenProved: true }));
    }
  }
  return out;
}

/** Average stored width (bytes) up to which a column is copied into a covering index. */
const NARROW_BYTES = 16;

/** A column narrow enough to INCLUDE: pg_stats' average width when analysed, else not a text/document type. */
function narrowColumn(t: TableFacts, col: string): boolean {
  const w = statsOf(t, col)?.avgWidth;
  if (w !== undefined) return w <= NARROW_BYTES;
  const c = columnOf(t, col);
  if (!c) return false;
  return !/^(text|bytea|json|jsonb|xml|tsvector)$/.test(c.typeName) && !/\[\]$/.test(c.type) && c.type !== 'character varying';
}

function pkKeys(t: TableFacts): IndexKey[] | undefined {
  const pk = t.indexes.find((i) => i.primary && i.valid);
  if (!pk || pk.keyColumns.some((c) => !c)) return undefined;
  return pk.keyColumns.map((c) => ({ sql: ident(c!), label: c!, column: c! }));
}

function includeColumns(use: TableUse, t: TableFacts): string[] | undefined {
  if (!use.selected) return undefined;
  const cols: string[] = [];
  for (const c of use.referenced) {
    const name = catalogName(t, c);
    if (!name) return undefined;
    if (!cols.includes(name)) cols.push(name);
  }
  return cols;
}

function describeKeys(eq: Part[], range: Part | undefined): string {
  const bits: string[] = [];
  if (eq.length === 1) bits.push(`equality on ${eq[0].key.label}`);
  else if (eq.length > 1) bits.push(`equality on ${eq.map((e) => e.key.label).join(', ')} (most selective first)`);
  if (range) bits.push(`${bits.length ? 'then ' : ''}the range on ${range.key.label}`);
  return bits.join(', ');
}

/**
 * Every candidate is built here, so the rules on its shape hold for all kinds: a column is a key once (the first
 * time: `(app, owner_id, owner_id)` was tried on a real database), a key the index's own WHERE fixes to one value is
 * left out beside other keys (it orders nothing; alone, it is the partial index's only key), and a key column is not
 * INCLUDEd again.
 */
function candidate(t: TableFacts, method: IndexMethod, keys: IndexKey[], kind: CandidateKind, reason: string, selectivity: number, extra: Partial<IndexCandidate> = {}): IndexCandidate {
  const fixed = (k: IndexKey) => !!extra.where && !!k.column && (extra.where.startsWith(`${ident(k.column)} = `) || extra.where === `${ident(k.column)} IS NULL`);
  const seenKeys = new Set<string>();
  const someFree = keys.some((k) => !fixed(k));
  keys = keys.filter((k) => {
    const id = k.column ?? k.sql.replace(/ DESC$/, '');
    if (seenKeys.has(id) || (someFree && fixed(k))) return false;
    seenKeys.add(id);
    return true;
  });
  if (extra.include) extra = { ...extra, include: [...new Set(extra.include)].filter((x) => !seenKeys.has(x)) };
  const c: IndexCandidate = { schema: t.schema, table: t.name, method, keys, include: [], kind, reason, selectivity, name: '', ...extra };
  c.name = indexName(c);
  return c;
}

/** Deterministic index name: table_keys[_where]_idx, at most 63 bytes, with a stable hash when cut. */
export function indexName(c: Pick<IndexCandidate, 'table' | 'keys' | 'method' | 'where' | 'include'>): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  // Everything that tells two definitions apart is in the name: key order and direction, a
  // non-default operator class, the INCLUDE list, the whole predicate (cut with a hash below when long).
  const opclassTag = (o: string | undefined) => (!o || o === 'gin_trgm_ops' || o === 'gist_trgm_ops' ? '' : o === 'jsonb_path_ops' ? 'path' : /pattern_ops$/.test(o) ? 'pattern' : slug(o.replace(/_ops$/, '')));
  const parts = [slug(c.table), ...c.keys.map((k) => [slug(k.label.replace(/ DESC$/, '')) || 'expr', k.desc ? 'desc' : '', opclassTag(k.opclass)].filter(Boolean).join('_'))];
  if (c.where) parts.push(slug(c.where));
  if (c.include.length) parts.push('covering', ...c.include.map(slug));
  const suffix = c.method === 'btree' ? 'idx' : `${c.method}_idx`;
  let name = [...parts, suffix].join('_').replace(/_+/g, '_');
  // The slug keeps ASCII letters and digits only: a non-ASCII table or column name leaves nothing
  // of itself, and two different indexes would get the same name, so a hash of the whole definition
  // goes in. (Other near-misses, like lower(email) vs lower_email, are made unique in the schema by
  // uniqueIndexName.) Names stay ASCII, so 63 characters are 63 bytes (NAMEDATALEN).
  const lossy = [c.table, ...c.keys.map((k) => k.label)].some((s) => /[^\u0000-\u007f]/.test(s));
  if (name.length > 63 || lossy) {
    const h = shortHash(JSON.stringify([c.table, c.keys.map((k) => k.sql), c.method, c.where, c.include]));
    name = `${name.slice(0, Math.min(name.length - suffix.length - 1, 63 - suffix.length - 8))}_${h.slice(0, 6)}_${suffix}`.replace(/^_+/, '').replace(/_+/g, '_');
  }
  return name;
}

/**
 * A name not yet taken in the schema (index names share the namespace of tables, views, sequences
 * and other indexes): the name itself, else name_2, name_3 … cut to 63 bytes.
 */
export function uniqueIndexName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const tail = `_${i}`;
    const candidate = `${name.slice(0, 63 - tail.length)}${tail}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** CREATE INDEX for a candidate. `concurrently` for what users run; the proof uses the plain form. */
export function createIndexSql(c: IndexCandidate, opts: { concurrently: boolean; qualify?: boolean }): string {
  const table = opts.qualify || c.schema !== 'public' ? `${ident(c.schema)}.${ident(c.table)}` : ident(c.table);
  const using = c.method === 'btree' ? '' : ` USING ${c.method}`;
  const include = c.include.length ? ` INCLUDE (${c.include.map(ident).join(', ')})` : '';
  const where = c.where ? ` WHERE ${c.where}` : '';
  return `CREATE INDEX${opts.concurrently ? ' CONCURRENTLY' : ''} ${ident(c.name)} ON ${table}${using} (${c.keys.map((k) => k.sql).join(', ')})${include}${where}`;
}

function signature(c: IndexCandidate): string {
  return JSON.stringify([c.schema, c.table, c.method, c.keys.map((k) => k.sql), c.include, c.where ?? '']);
}

/** Normalise index key / predicate text for comparison (pg_get_indexdef adds casts and parentheses). */
function normalizeIndexText(s: string): string {
  return s
    .toLowerCase()
    .replace(/::(text|character varying|varchar|bpchar|regconfig|jsonb|date|timestamp without time zone|timestamp with time zone)(\[\])?/g, '')
    .replace(/["()\s]/g, '')
    .replace(/\b(asc|nullslast)\b/g, '');
}

/** Whether an existing valid index already gives what the candidate would. */
export function coveredBy(c: IndexCandidate, existing: IndexFacts[]): IndexFacts | undefined {
  const want = c.keys.map((k) => normalizeIndexText(k.sql.replace(/ DESC$/, '').replace(k.opclass ? ` ${k.opclass}` : '', '')));
  for (const ix of existing) {
    if (!ix.valid || ix.method !== c.method) continue;
    const have = ix.keys.map(normalizeIndexText);
    if (have.length < want.length) continue;
    if ((ix.predicate ? normalizeIndexText(ix.predicate) : '') !== (c.where ? normalizeIndexText(c.where) : '') && ix.predicate) continue;
    if (c.method === 'gin' || c.method === 'brin') {
      // Same expression/column is enough; for jsonb a default-opclass GIN serves @> too.
      if (have[0] !== want[0]) continue;
      const opc = c.keys[0].opclass ?? '';
      const hasOpc = ix.opclasses[0] ?? '';
      if (opc === 'gin_trgm_ops' && hasOpc !== 'gin_trgm_ops') continue;
      if (hasOpc === 'gin_trgm_ops' && opc !== 'gin_trgm_ops') continue;
      return ix;
    }
    // btree: the candidate's keys are the index's leading keys (equalities in any order, the rest in order).
    const lead = have.slice(0, want.length);
    const sameSet = [...lead].sort().join('|') === [...want].sort().join('|');
    if (!sameSet) continue;
    const ordered = lead.every((h, i) => h === want[i]);
    if (!ordered && c.kind !== 'btree' && c.kind !== 'partial' && c.kind !== 'expression' && c.kind !== 'include') continue;
    // Direction: the same as the index, or all reversed (a btree is read backwards just as well).
    const wantDesc = c.keys.map((k) => !!k.desc);
    if (wantDesc.some(Boolean)) {
      const haveDesc = lead.map((_, i) => !!ix.desc?.[i]);
      const same = wantDesc.every((d, i) => d === haveDesc[i]);
      const reversed = wantDesc.every((d, i) => d !== haveDesc[i]);
      if (!same && !reversed) continue;
    }
    const opcOk = c.keys.every((k, i) => (k.opclass ?? '') === (ix.opclasses[i] ?? '') || !k.opclass);
    if (!opcOk) continue;
    if (c.include.length && !c.include.every((x) => ix.include.includes(x) || ix.keyColumns.includes(x))) continue;
    return ix;
  }
  return undefined;
}

/**
 * The table's indexes a candidate makes redundant: plain b-trees (not unique, no predicate, no INCLUDE, default operator
 * classes) whose keys lead the candidate's, in order and direction (or all reversed), or are all of them when the candidate
 * adds INCLUDE columns (person55 L-5) — whatever reads them can read the
 * candidate (PgHero's and Dexter's "covered by"; person54 L-9: orders (status, placed_at DESC) advised beside
 * orders_status_idx without a word, so a person keeps both and pays both on every write).
 */
/** "it makes orders_status_idx redundant (its keys lead this one's): drop it once this one is built" — every surface's words for madeRedundantBy. */
export function madeRedundantPhrase(names: readonly string[]): string {
  const one = names.length === 1;
  return `it makes ${names.join(', ')} redundant (${one ? 'its keys lead' : 'their keys lead'} this one's): drop ${one ? 'it' : 'them'} once this one is built`;
}

export function madeRedundantBy(c: IndexCandidate, existing: readonly IndexFacts[]): IndexFacts[] {
  if (c.method !== 'btree' || c.where) return [];
  const want = c.keys.map((k) => ({ text: normalizeIndexText(k.sql.replace(/ DESC$/, '')), desc: !!k.desc, opclass: k.opclass ?? '' }));
  return existing.filter((ix) => {
    if (!ix.valid || ix.method !== 'btree' || ix.unique || ix.primary || ix.predicate || ix.include.length || !ix.keys.length || ix.keys.length > want.length || (ix.keys.length === want.length && !c.include.length)) return false;
    if (ix.opclasses.some(Boolean) || want.slice(0, ix.keys.length).some((w) => w.opclass)) return false;
    const have = ix.keys.map(normalizeIndexText);
    if (!have.every((h, i) => h === want[i].text)) return false;
    return have.every((_, i) => !!ix.desc?.[i] === want[i].desc) || have.every((_, i) => !!ix.desc?.[i] !== want[i].desc);
  });
}

/** What an advised index's suggestion holds (the advisor's IndexSuggestion; a recording's kept advice). */
export interface AdvisedIndex {
  ddl: string;
  schema: string;
  /** As shown: `schema.table` outside public. */
  table: string;
  method: string;
  /** Key labels: a column, `col DESC`, an expression. */
  columns: readonly string[];
  include: readonly string[];
  where: string | null;
  name: string;
  kind: CandidateKind;
  /** Each key's operator class (null: the default), when any has one. */
  opclasses?: readonly (string | null)[];
  reason?: string;
}

/** The fields of a suggestion that say which index it advises (the advisor's IndexSuggestion); candidateOfAdvice reads them back. */
export function advisedIndexFields(c: IndexCandidate): Pick<AdvisedIndex, 'ddl' | 'table' | 'schema' | 'method' | 'where'> & { columns: string[]; include: string[]; opclasses?: (string | null)[] } {
  return {
    ddl: createIndexSql(c, { concurrently: true }),
    table: c.schema === 'public' ? c.table : `${c.schema}.${c.table}`,
    schema: c.schema,
    columns: c.keys.map((k) => k.label),
    method: c.method,
    where: c.where ?? null,
    include: c.include,
    ...(c.keys.some((k) => k.opclass) ? { opclasses: c.keys.map((k) => k.opclass ?? null) } : {}),
  };
}

const METHODS: readonly string[] = ['btree', 'gin', 'gist', 'brin', 'hash'] satisfies IndexMethod[];

/**
 * The candidate an advised index stands for, from its suggestion's fields — never by reading PG Lens's own CREATE INDEX
 * text back: what coveredBy compares with the catalog (servedByCatalog). Keys are the labels (plain columns quoted,
 * expressions parenthesised, as createIndexSql writes them); operator classes from `opclasses`, else a trigram
 * suggestion's gin_trgm_ops (advice kept before suggestions carried them).
 */
export function candidateOfAdvice(s: AdvisedIndex): IndexCandidate | undefined {
  if (!METHODS.includes(s.method) || !s.columns.length) return undefined;
  const keys: IndexKey[] = s.columns.map((label, i) => {
    const desc = / DESC$/.test(label);
    const body = desc ? label.slice(0, -' DESC'.length) : label;
    const opclass = s.opclasses?.[i] ?? (s.kind === 'trigram' && s.method === 'gin' ? 'gin_trgm_ops' : undefined);
    const column = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(body) ? body : undefined;
    const sql = (column ? ident(column) : `(${body})`) + (opclass ? ` ${opclass}` : '') + (desc ? ' DESC' : '');
    return { sql, label, ...(column ? { column } : {}), desc, ...(opclass ? { opclass } : {}) };
  });
  const table = s.schema !== 'public' && s.table.startsWith(`${s.schema}.`) ? s.table.slice(s.schema.length + 1) : s.table;
  return { schema: s.schema, table, method: s.method as IndexMethod, keys, include: [...s.include], where: s.where ?? undefined, name: s.name, kind: s.kind, reason: s.reason ?? '', selectivity: 1 };
}

/** An advised index as stored (a recording kept in workspace storage): its fields checked, or undefined. */
export function advisedIndexOf(x: unknown): AdvisedIndex | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const o = x as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');
  if (typeof o.ddl !== 'string' || typeof o.schema !== 'string' || typeof o.table !== 'string' || typeof o.method !== 'string' || typeof o.name !== 'string' || typeof o.kind !== 'string') return undefined;
  if (!strings(o.columns) || !strings(o.include) || !(o.where === null || typeof o.where === 'string')) return undefined;
  const opclasses = Array.isArray(o.opclasses) && o.opclasses.every((e) => e === null || typeof e === 'string') ? (o.opclasses as (string | null)[]) : undefined;
  return { ddl: o.ddl, schema: o.schema, table: o.table, method: o.method, columns: o.columns, include: o.include, where: o.where, name: o.name, kind: o.kind as CandidateKind, ...(opclasses ? { opclasses } : {}) };
}

/**
 * The candidate behind a b-tree suggestion on plain columns or expressions (labels `col`, `col DESC`, `lower(email)`), so
 * the planner can try one statement's index on another statement; undefined for anything else (operator classes, other
 * methods), which is never shared that way. Expressions too (issue 20, person42 L3: `customers ((lower(email)))` and
 * `customers ((lower(email)), country)` were each proposed, neither tried on the other's statement).
 */
export function candidateFromSuggestion(s: Omit<AdvisedIndex, 'ddl'>): IndexCandidate | undefined {
  if (s.method !== 'btree') return undefined;
  const c = candidateOfAdvice({ ...s, ddl: '' });
  return c && c.keys.every((k) => !k.opclass) ? c : undefined;
}

/**
 * A candidate's reason as its proof planned it (`narrower`: its equality prefix's title when that, proved too, plans the same
 * way today): "… so the sort disappears" is said when the index is made, before any
 * plan; where the planner proved it with a plan that still sorts (a Bitmap scan returns no order), the claim is replaced
 * by what the index does there (person23 LOW 1: the hover promised the sort would go, and the plan after still sorted).
 */
export function reasonAsProved(reason: string, planAfter: { nodes: readonly { nodeType: string }[] }, narrower?: string): string {
  if (!/ so the sort disappears/.test(reason) || !planAfter.nodes.some((n) => n.nodeType === 'Sort')) return reason;
  // Why the ORDER BY keys are there all the same (person37 L8: "the planner still sorts with it" left `placed_at DESC` unexplained).
  const why = reason.replace(/ so the sort disappears( and the LIMIT stops the scan early)?/, ', so the index can return the rows in that order; with the rows it expects now, the planner still finds them through the index and sorts them');
  // Its equality prefix, proved too, gives the same plan today: said, with why the wider one (person43 L3: reviews
  // (customer_id, created_at DESC) proposed, its plan a Bitmap Index Scan and a Sort, as reviews (customer_id)'s).
  return narrower ? `${why} — as ${narrower} alone would today; the ORDER BY keys spare that Sort once a key has more rows` : why;
}
