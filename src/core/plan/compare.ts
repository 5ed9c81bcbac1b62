/**
 * Compare two plans node by node (before/after an index, a rewrite, a setting). Nodes are matched
 * first by identity (node type, relation, alias, index, CTE, subplan name, occurrence), then
 * remaining scans of the same relation and alias are paired (a Seq Scan that became an Index Scan),
 * then remaining nodes of the same type in order. Linear in the number of nodes.
 */
import { K } from './keys';
import type { Plan, PlanNode } from './model';
import { ADVICE_PENDING, nodeLabel } from './warnings';
import { shortLine } from '../format';

interface NodeDiff {
  before?: number;
  after?: number;
  label: string;
  /** 'same' | 'changed' (matched but different operator) | 'removed' | 'added' */
  status: 'same' | 'changed' | 'removed' | 'added';
  /** after − before, when both sides have it. */
  dExclusiveMs?: number;
  dInclusiveMs?: number;
  dExclusiveCost: number;
  dRows?: number;
  dSharedBlocks?: number;
  /** after / before of the inclusive time (or cost) — < 1 is faster. */
  ratio?: number;
}

export interface PlanComparison {
  analyzed: boolean;
  before: { totalCost: number; executionMs?: number; planningMs?: number; sharedBlocks?: number };
  after: { totalCost: number; executionMs?: number; planningMs?: number; sharedBlocks?: number };
  /** after / before (execution time when both analysed, else total cost). */
  ratio: number;
  nodes: NodeDiff[];
  /** The largest per-node changes (by absolute exclusive time, else cost), at most 10. */
  biggest: NodeDiff[];
}

function identity(n: PlanNode): string {
  const r = n.raw;
  return [r[K.NodeType], r[K.Schema] ?? '', r[K.RelationName] ?? '', r[K.Alias] ?? '', r[K.IndexName] ?? '', r[K.CteName] ?? '', r[K.SubplanName] ?? '', r[K.JoinType] ?? '', r[K.Strategy] ?? ''].join('\u0001');
}
function relationKey(n: PlanNode): string | undefined {
  const r = n.raw;
  return r[K.RelationName] ? `${r[K.Schema] ?? ''}.${r[K.RelationName]}.${r[K.Alias] ?? ''}` : undefined;
}

function sharedBlocks(p: PlanNode | undefined): number | undefined {
  const b = p?.metrics.buffers;
  return b ? b.sharedHit + b.sharedRead : undefined;
}

export function comparePlans(a: Plan, b: Plan): PlanComparison {
  const analyzed = a.analyzed && b.analyzed;
  const pairs = new Map<number, number>(); // a id → b id
  const usedB = new Set<number>();
  const match = (keyOf: (n: PlanNode) => string | undefined) => {
    const buckets = new Map<string, number[]>();
    for (const n of b.nodes) {
      if (usedB.has(n.id)) continue;
      const k = keyOf(n);
      if (k === undefined) continue;
      let list = buckets.get(k);
      if (!list) buckets.set(k, (list = []));
      list.push(n.id);
    }
    for (const n of a.nodes) {
      if (pairs.has(n.id)) continue;
      const k = keyOf(n);
      if (k === undefined) continue;
      const list = buckets.get(k);
      const id = list?.shift();
      if (id !== undefined) {
        pairs.set(n.id, id);
        usedB.add(id);
      }
    }
  };
  match(identity);
  match(relationKey);
  match((n) => String(n.raw[K.NodeType]));

  const nodes: NodeDiff[] = [];
  for (const n of a.nodes) {
    const bid = pairs.get(n.id);
    if (bid === undefined) {
      nodes.push({ before: n.id, label: nodeLabel(n), status: 'removed', dExclusiveCost: -n.metrics.exclusiveCost, dExclusiveMs: n.metrics.exclusiveMs !== undefined ? -n.metrics.exclusiveMs : undefined });
      continue;
    }
    const m = b.nodes[bid];
    const before = n.metrics;
    const after = m.metrics;
    const lb = nodeLabel(n);
    const la = nodeLabel(m);
    const both = (x?: number, y?: number) => (x !== undefined && y !== undefined ? y - x : undefined);
    const sb = sharedBlocks(n);
    const sa = sharedBlocks(m);
    const base = analyzed ? before.inclusiveMs : before.inclusiveCost;
    const now = analyzed ? after.inclusiveMs : after.inclusiveCost;
    nodes.push({
      before: n.id,
      after: bid,
      label: lb === la ? lb : `${lb} → ${la}`,
      status: identity(n) === identity(m) ? 'same' : 'changed',
      dExclusiveMs: both(before.exclusiveMs, after.exclusiveMs),
      dInclusiveMs: both(before.inclusiveMs, after.inclusiveMs),
      dExclusiveCost: after.exclusiveCost - before.exclusiveCost,
      // Like with like: actual rows when both ran, planned rows (per run × planned runs) otherwise.
      dRows: analyzed ? both(before.actualRowsTotal, after.actualRowsTotal) : after.estRows * after.estLoops - before.estRows * before.estLoops,
      dSharedBlocks: both(sb, sa),
      ratio: base !== undefined && now !== undefined && base > 0 ? now / base : undefined,
    });
  }
  for (const m of b.nodes) {
    if (usedB.has(m.id)) continue;
    nodes.push({ after: m.id, label: nodeLabel(m), status: 'added', dExclusiveCost: m.metrics.exclusiveCost, dExclusiveMs: m.metrics.exclusiveMs });
  }
  const weight = (d: NodeDiff) => Math.abs(analyzed ? (d.dExclusiveMs ?? 0) : d.dExclusiveCost);
  const biggest = [...nodes].filter((d) => weight(d) > 0).sort((x, y) => weight(y) - weight(x)).slice(0, 10);
  const ta = analyzed ? (a.executionMs ?? 0) : a.totalCost;
  const tb = analyzed ? (b.executionMs ?? 0) : b.totalCost;
  return {
    analyzed,
    before: { totalCost: a.totalCost, executionMs: a.executionMs, planningMs: a.planningMs, sharedBlocks: sharedBlocks(a.nodes[0]) },
    after: { totalCost: b.totalCost, executionMs: b.executionMs, planningMs: b.planningMs, sharedBlocks: sharedBlocks(b.nodes[0]) },
    ratio: ta > 0 ? tb / ta : 1,
    nodes,
    biggest,
  };
}

/** What Compare Plans needs to know of each side: its statement and where it was made. */
export interface ComparedRun {
  /** The statement's text ('' for a plan brought without its query). */
  sql: string;
  /** The connection it was planned or run on (a brought plan: only the catalog's lender). */
  connection?: string;
  versionNum?: number;
  method: string;
  /** The EXPLAIN object (its top level carries the Query Identifier with VERBOSE, PostgreSQL 14+). */
  plan?: Record<string, unknown>;
}

/** The plan's Query Identifier (EXPLAIN VERBOSE, PostgreSQL 14+ with compute_query_id), as text. */
function queryIdOf(r: ComparedRun): string | undefined {
  const v = r.plan?.[K.QueryIdentifier];
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** The tables a plan reads, sorted and joined ('' for none known). */
function relationsOf(r: ComparedRun): string {
  const names = new Set<string>();
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o[K.RelationName] === 'string') names.add(o[K.RelationName] as string);
    if (Array.isArray(o[K.Plans])) for (const c of o[K.Plans] as unknown[]) walk(c);
  };
  walk(r.plan?.[K.Plan]);
  return [...names].sort().join(', ');
}

/**
 * Whether a pair with a side brought without its query text is the same statement, when the text cannot say
 * (person29 M2: a pasted country report was compared with the customer-orders plan, "4.54× costlier"). Equal Query
 * Identifiers: the same statement. Different ones over different tables: two statements (`refuse`). Otherwise PG Lens
 * cannot tell (`doubt`): no identifier on a side, or different identifiers over the same tables — as one statement
 * has on two servers (the identifier hashes the tables' OIDs) or with a literal where the other has $1.
 */
function untoldStatement(before: ComparedRun, after: ComparedRun): { refuse?: string; doubt?: string } {
  if (before.sql.trim() && after.sql.trim()) return {};
  const ia = queryIdOf(before);
  const ib = queryIdOf(after);
  if (ia && ib && ia === ib) return {};
  const ra = relationsOf(before);
  const rb = relationsOf(after);
  if (ia && ib && ra && rb && ra !== rb) {
    return { refuse: `these are two different statements (before: query id ${ia}, reads ${ra}; after: query id ${ib}, reads ${rb}): Compare Plans compares one statement before and after a change (an index, a rewrite, a setting).` };
  }
  const brought = !before.sql.trim() ? 'before' : 'after';
  return {
    doubt: ia && ib
      ? `cannot tell whether it is the same statement: the query ids differ (${ia}, ${ib}) though both read ${ra || 'the same tables'} — as one statement's do on two servers or with a literal in place of a $n`
      : `cannot tell whether it is the same statement: the ${brought} plan was brought without its query text or a Query Identifier (EXPLAIN VERBOSE gives one on PostgreSQL 14+)`,
  };
}

/**
 * Compare Plans' doubt about a pair it compares: a plan brought without its query text whose statement cannot be
 * told (see untoldStatement). Said in the AFTER list and in the comparison's headline; undefined when known.
 */
export function statementDoubt(before: ComparedRun, after: ComparedRun): string | undefined {
  return untoldStatement(before, after).doubt;
}

/**
 * The two plans of a comparison in the order they were made: "before" is the earlier (person11 Q10: the history lists
 * the newest first, so Enter, Enter picked the plan with the new index as BEFORE and a real improvement read "34.45×
 * slower"). `swapped` says the picks were put in time order, for the one line that tells the user.
 */
export function inTimeOrder<T extends { at: number }>(first: T, second: T): { before: T; after: T; swapped: boolean } {
  return first.at > second.at ? { before: second, after: first, swapped: true } : { before: first, after: second, swapped: false };
}

/**
 * Whether two plans are one statement before and after a change, on one server: the only pair whose difference
 * Compare Plans can call faster or slower (person9: an INSERT on PostgreSQL 18 against another SELECT on 15 read
 * "2.37× faster — with other parameter values"). The statement is compared by PostgreSQL's fingerprint (the same
 * statement whatever its layout, comments or constants: `fingerprint` gives it, undefined when the parser cannot
 * read the text, then whitespace-folded text is compared). A plan brought without its query text is told by its Query
 * Identifier and tables (untoldStatement: refused when both differ, else compared with a doubt, statementDoubt); one
 * brought from elsewhere (its server unknown) is taken on trust for its server. Undefined when comparable, else the
 * reason in one line.
 */
export function incomparableReason(before: ComparedRun, after: ComparedRun, fingerprint: (sql: string) => string | undefined): string | undefined {
  if (before.sql.trim() && after.sql.trim()) {
    if (!sameStatement(before.sql, after.sql, fingerprint)) return `these are two different statements (before: ${quoteShort(before.sql)}; after: ${quoteShort(after.sql)}): Compare Plans compares one statement before and after a change (an index, a rewrite, a setting).`;
  }
  const untold = untoldStatement(before, after).refuse;
  if (untold) return untold;
  if (before.method === 'brought' || after.method === 'brought') return undefined;
  const where = (r: ComparedRun) => `${r.connection ? `"${r.connection}"` : 'an unnamed connection'}${r.versionNum ? `, PostgreSQL ${Math.floor(r.versionNum / 10000)}` : ''}`;
  const otherVersion = before.versionNum !== undefined && after.versionNum !== undefined && Math.floor(before.versionNum / 10000) !== Math.floor(after.versionNum / 10000);
  if (before.connection !== after.connection || otherVersion) {
    return `the two plans come from two servers (before: ${where(before)}; after: ${where(after)}): their data, statistics and settings differ, so the difference is not the change you made. Make both plans on one connection.`;
  }
  return undefined;
}

/** Whether two texts are one statement: PostgreSQL's fingerprint (layout, comments, constants and parameters aside), else whitespace-folded text. */
function sameStatement(a: string, b: string, fingerprint: (sql: string) => string | undefined): boolean {
  const folded = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/;$/, '');
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  return fa !== undefined && fb !== undefined ? fa === fb : folded(a) === folded(b);
}

/**
 * The plans Compare Plans starts from: with a statement at the cursor, that statement's plans only (one statement as
 * incomparableReason tells it), newest first as given; without one, every plan known (person38 L10: with the cursor on
 * a monthly.sql SELECT it offered to compare the last plan panel's DELETE, then Explain Analyzed the SELECT and compared
 * nothing, without a word). A plan brought without its query text is no plan of the cursor's statement.
 */
export function compareSubject<T extends { sql: string }>(known: readonly T[], cursorSql: string | undefined, fingerprint: (sql: string) => string | undefined): { statement?: string; plans: T[] } {
  if (!cursorSql?.trim()) return { plans: [...known] };
  return { statement: cursorSql, plans: known.filter((k) => k.sql.trim() && sameStatement(cursorSql, k.sql, fingerprint)) };
}

/**
 * One saving and one index on both sides of a comparison, the advice's (person10 N18: Compare's BEFORE tip read "see
 * "Suggest indexes" (could save ~841 cost units)" while the viewer's tip on the same plan named "orders (status) (saves
 * ~648 cost units: cost 941 → 292, proved)"). Each side gets the proofs the advice holds now (`now`, the editor's cache
 * for the statement), then its own, then the other side's: a scan takes the first made when its table had the indexes
 * the plan shows (warnings provedFigures), so a plan kept from before the index was proved gets the proof, and a side
 * whose proof was made before an index came or went does not hide the one proved since (person48 L-f: Compare's tip
 * named reviews (product_id) beside the advice's reviews (product_id, created_at DESC)). Its answer where it proved
 * none (AnalyzeOptions.adviceAnswer): the side's own when the advice had decided then (made for the table as that plan
 * found it: a plan from before CREATE INDEX is not told "an index it would use exists"), else the one now.
 */
export function withProvedIndexes<P, T extends { provedIndexes?: P[]; adviceAnswer?: string }>(before: T, after: T, now: { provedIndexes?: P[]; adviceAnswer?: string } = {}): [T, T] {
  const fill = (t: T, other: T): T => {
    const all = [...(now.provedIndexes ?? []), ...(t.provedIndexes ?? []), ...(other.provedIndexes ?? [])];
    const seen = new Set<string>();
    const proved = all.filter((p) => !seen.has(JSON.stringify(p)) && !!seen.add(JSON.stringify(p)));
    const answer = t.adviceAnswer !== undefined && t.adviceAnswer !== ADVICE_PENDING ? t.adviceAnswer : now.adviceAnswer ?? t.adviceAnswer;
    const same = proved.length === (t.provedIndexes?.length ?? 0) && proved.every((p, i) => p === t.provedIndexes![i]) && answer === t.adviceAnswer;
    return same ? t : { ...t, ...(proved.length ? { provedIndexes: proved } : {}), ...(answer !== undefined ? { adviceAnswer: answer } : {}) };
  };
  return [fill(before, after), fill(after, before)];
}

/**
 * Compare Plans' AFTER list with no second plan of the BEFORE's statement (person28 L7: it held only "Another statement:
 * not comparable" rows): the offer to plan that statement now on the current connection — EXPLAIN only, estimated,
 * nothing runs (so never ANALYZE on a production profile) — and compare, a before/after in one step. None for a plan
 * without its query, with no connection, or one planned on another server than the current connection (that pair
 * would be refused: not like with like).
 */
export function planNowOffer(before: ComparedRun, connection: string | undefined): { label: string; detail: string } | undefined {
  if (!before.sql.trim() || !connection) return undefined;
  if (before.method !== 'brought' && before.connection !== undefined && before.connection !== connection) return undefined;
  // A short detail: cut, VS Code's tooltip of the row showed it whole over the next row and took its click (person30 L5).
  return { label: '$(eye) Plan this statement now', detail: `EXPLAIN on "${connection}" (nothing runs)` };
}

/**
 * The AFTER pick's offers to plan the BEFORE's statement now (first when no second plan of it is known, else after those
 * plans: person54 L-6), first first: after an analysed BEFORE (Explain Analyze,
 * or a pasted ANALYZE plan), Explain Analyze it now — times against times; the estimate alone compared an analysed plan
 * with an estimate (person45 L5) — with Explain Analyze's own safety (rolled back, its confirmations), never on a
 * read-only (production) profile; then planNowOffer's EXPLAIN. None where planNowOffer has none.
 */
export function afterNowOffers(before: ComparedRun, connection: string | undefined, o: { readOnly?: boolean } = {}): { way: 'analyze' | 'explain'; label: string; detail: string }[] {
  const plan = planNowOffer(before, connection);
  if (!plan) return [];
  const explain = { way: 'explain' as const, ...plan };
  if (o.readOnly || !before.plan || !analysedRaw(before.plan)) return [explain];
  return [{ way: 'analyze', label: '$(play) Explain Analyze this statement now', detail: `as the BEFORE was: runs it, rolled back` }, explain];
}

/** An EXPLAIN object (or node) that holds actual figures (ANALYZE): its own `Actual Loops`, or a node's below it. */
function analysedRaw(o: unknown, depth = 0): boolean {
  if (!o || typeof o !== 'object' || depth > 200) return false;
  const r = o as Record<string, unknown>;
  if (r[K.ActualLoops] !== undefined) return true;
  const below = [r[K.Plan], ...(Array.isArray(r[K.Plans]) ? (r[K.Plans] as unknown[]) : [])];
  return below.some((n) => analysedRaw(n, depth + 1));
}

export type SecondPlanWay = 'analyze' | 'open' | 'file' | 'clipboard' | 'others';

/**
 * What Compare Plans needs when fewer than two plans are known, in one line, and the ways to the second plan (person15:
 * Compare Plans from the palette with one plan open did nothing visible). `atStatement`: the editor has a statement
 * at the cursor, to Explain Analyze or plan after the change. `statement`: that statement's text, when Compare starts
 * from it (compareSubject; `have` then holds its plans only): the line names it and says how many of its plans are open.
 * `openPlans`: every plan open (other statements' too), offered to choose from when two or more.
 */
export function secondPlanWays(have: readonly { title: string }[], atStatement: boolean, opts: { statement?: string; openPlans?: number } = {}): { line: string; ways: { way: SecondPlanWay; label: string; detail: string }[] } {
  const at = opts.statement ? `"${shortLine(opts.statement.replace(/\s+/g, ' ').trim(), 60)}"` : undefined;
  const line = at
    ? have.length
      ? `Compare Plans compares two plans of the statement at the cursor, ${at}: one is open, it needs a second (after your change).`
      : `Compare Plans compares two plans of the statement at the cursor, ${at}, before and after a change: none is open yet. Make the first now, the second after your change.`
    : have.length
    ? `Compare Plans needs a second plan of the same statement to compare "${shortLine(have[0].title, 60)}" with.`
    : 'Compare Plans needs two plans of one statement (before and after a change); no plan is open yet.';
  const cursor = atStatement ? '' : ' (put the cursor on the statement first)';
  const when = at && !have.length ? 'Its first plan, before your change (an index, a rewrite, a setting)' : 'After your change (an index, a rewrite, a setting)';
  const open = opts.openPlans ?? 0;
  return {
    line,
    ways: [
      { way: 'analyze', label: '$(play) Explain Analyze the statement at the cursor', detail: `${when}: the actual times${cursor}` },
      { way: 'open', label: '$(eye) Open the estimated plan of the statement at the cursor', detail: `Without running it${cursor}` },
      { way: 'file', label: '$(file) Open a plan from a file…', detail: 'Text from psql, pgAdmin or DBeaver, JSON, or an auto_explain log' },
      { way: 'clipboard', label: '$(clippy) Open a plan from the clipboard', detail: 'A plan copied from psql, pgAdmin, DBeaver or a log' },
      ...(at && open >= 2 ? [{ way: 'others' as const, label: `$(list-unordered) Choose two of the ${open} open plans instead`, detail: "Other statements' plans too" }] : []),
    ],
  };
}

const quoteShort = (sql: string) => `"${shortLine(sql, 50)}"`;

/**
 * The line when a way Compare Plans offered brought a plan and one plan of the statement is open: the statement named
 * once, the open plan by how and when it was made (person47 L6: 'one plan of "SELECT rating, … WHERE …" is open now
 * ("SELECT rating, … WHERE … …")' — the statement's text twice, cut twice). `clock` says a time as the editor does.
 */
export function onePlanOpenLine(statement: string | undefined, open: { title: string; method: string; at: number; connection?: string; plan?: Record<string, unknown> }, clock: (at: number) => string): string {
  const on = open.connection ? ` on ${open.connection}` : '';
  const which = open.method === 'brought'
    ? `the plan brought at ${clock(open.at)} ("${shortLine(open.title, 60)}")`
    : `${open.plan?.[K.ExecutionTime] !== undefined ? 'the Explain Analyze run' : 'the estimated plan made'} at ${clock(open.at)}${on}`;
  const named = statement
    ? `of "${shortLine(statement.replace(/\s+/g, ' ').trim(), 60)}" is open now: ${which}`
    : `is open now: ${open.method === 'brought' ? which : `"${shortLine(open.title, 60)}", ${which}`}`;
  return `one plan ${named}; run Compare Plans again after your change to compare it with a second.`;
}
