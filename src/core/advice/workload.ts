/**
 * Choosing a small set of indexes for a whole workload (pure): each statement's proved
 * suggestions are weighed by the time the statement takes (pg_stat_statements) and the share of
 * its estimated cost the index removes; an index whose keys extend another's serves both; write
 * maintenance on write-heavy tables is subtracted; the best few remain, each with its reasons.
 */
export interface SuggestionLike {
  ddl: string;
  table: string;
  schema: string;
  columns: string[];
  method: string;
  where: string | null;
  include: string[];
  costBefore: number;
  costAfter: number | null;
  reason: string;
}

export interface WorkloadStatementAdvice<S extends SuggestionLike = SuggestionLike> {
  label: string;
  calls?: number;
  totalMs?: number;
  costBefore?: number;
  suggestions: S[];
}

export interface TableWriteStats {
  schema: string;
  name: string;
  inserts: number;
  updates: number;
  deletes: number;
  hotUpdates: number;
  reads: number;
}

export interface WorkloadChoice {
  /** Statements this index serves, with the share of their estimated cost it removes. */
  statements: { label: string; share: string; savedMs?: number }[];
  /** Estimated time saved (ms, over the statistics period); undefined when only files were analysed. */
  savedMs?: number;
  /** Relative benefit used to rank (saved time, or summed cost share for statements without timing). */
  score: number;
  /** Write maintenance estimate on write-heavy tables. */
  writeNote?: string;
  explanation: string;
}

/** Cost of keeping one more index current, per written row (ms): an order of magnitude, stated in the docs. */
const INDEX_WRITE_MS_PER_ROW = 0.002;

export function consolidateWorkload<S extends SuggestionLike>(advised: WorkloadStatementAdvice<S>[], writes: TableWriteStats[], opts: { maxIndexes: number }): (S & WorkloadChoice)[] {
  type Acc = { s: S; statements: WorkloadChoice['statements']; savedMs: number; timed: boolean; score: number };
  const byDdl = new Map<string, Acc>();
  for (const a of advised) {
    for (const s of a.suggestions) {
      if (s.costAfter === null) continue;
      const share = s.costBefore > 0 ? 1 - s.costAfter / s.costBefore : 0;
      const saved = a.totalMs !== undefined ? a.totalMs * share : undefined;
      const key = s.ddl;
      const acc = byDdl.get(key) ?? { s, statements: [], savedMs: 0, timed: false, score: 0 };
      acc.statements.push({ label: a.label, share: `${Math.round(share * 100)}% of its estimated cost`, savedMs: saved });
      if (saved !== undefined) {
        acc.savedMs += saved;
        acc.timed = true;
      }
      // Timed statements rank by time; untimed ones (workspace SQL) by cost share, below any timed saving.
      acc.score += saved !== undefined ? saved : share * 0.001;
      byDdl.set(key, acc);
    }
  }
  // A btree whose keys (or INCLUDE list) extend another's (same table, predicate, method) serves the other's statements too.
  const accs = [...byDdl.values()];
  for (const a of accs) {
    for (const b of accs) {
      if (a === b || a.score === -1 || b.score === -1) continue;
      if (extendsIndex(b.s, a.s)) {
        b.statements.push(...a.statements.map((x) => ({ ...x, label: `${x.label} (via the leading columns)` })));
        b.savedMs += a.savedMs;
        b.timed ||= a.timed;
        b.score += a.score;
        a.score = -1;
      }
    }
  }
  const out: (S & WorkloadChoice)[] = [];
  for (const a of accs.filter((x) => x.score >= 0)) {
    const w = writes.find((x) => x.schema === a.s.schema && (x.name === a.s.table || `${x.schema}.${x.name}` === a.s.table));
    let writeNote: string | undefined;
    let penalty = 0;
    if (w) {
      const rows = w.inserts + w.deletes + Math.max(0, w.updates - w.hotUpdates);
      penalty = rows * INDEX_WRITE_MS_PER_ROW;
      const writeHeavy = rows > Math.max(1, w.reads) * 2;
      if (writeHeavy || penalty > 0.2 * a.savedMs) {
        const against = a.timed ? `against ${Math.round(a.savedMs).toLocaleString('en-US')} ms saved` : 'with no statement timings to set a saving against it';
        writeNote = `${a.s.table} is ${writeHeavy ? 'write-heavy' : 'written often'} (${rows.toLocaleString('en-US')} rows inserted/updated/deleted since the statistics were reset): keeping this index current costs about ${Math.round(penalty).toLocaleString('en-US')} ms ${against}`;
      }
    }
    const net = a.timed ? a.savedMs - penalty : a.score;
    if (a.timed && net <= 0) continue; // costs more on writes than it saves on reads
    const explanation = `${a.s.reason}; serves ${a.statements.length} statement${a.statements.length === 1 ? '' : 's'}${a.timed ? `, saving about ${Math.round(a.savedMs).toLocaleString('en-US')} ms of ${'statement time'}` : ''}${writeNote ? `; ${writeNote}` : ''}`;
    out.push({ ...a.s, statements: a.statements, savedMs: a.timed ? a.savedMs : undefined, score: net, writeNote, explanation });
  }
  out.sort((x, y) => y.score - x.score || x.ddl.localeCompare(y.ddl));
  return out.slice(0, opts.maxIndexes);
}

function stripDir(c: string): string {
  return c.replace(/ DESC$/, '');
}

type IndexShape = Pick<SuggestionLike, 'schema' | 'table' | 'method' | 'where' | 'columns' | 'include'>;

/**
 * A b-tree `wide` whose keys start with all of `narrow`'s (and whose keys or INCLUDE list hold
 * narrow's INCLUDE columns), on the same table with the same predicate, and wider than it: it
 * answers narrow's lookups too, so one index can serve both (the planner still has to agree).
 */
export function extendsIndex(wide: IndexShape, narrow: IndexShape): boolean {
  if (wide.method !== 'btree' || narrow.method !== 'btree' || wide.schema !== narrow.schema || wide.table !== narrow.table || (wide.where ?? '') !== (narrow.where ?? '')) return false;
  const nk = narrow.columns.map(stripDir);
  const wk = wide.columns.map(stripDir);
  const wider = wk.length > nk.length || wide.include.length > narrow.include.length;
  return wider && wk.length >= nk.length && nk.every((k, i) => wk[i] === k) && narrow.include.every((c) => wide.include.includes(c) || wk.includes(c));
}
