/**
 * Parameter values PG Lens has seen for a statement, so that a benchmark runs it with values the app really sends:
 * the values a recording captured (`pgLens.record.values`: the capture's opt-in values) and the values the user typed
 * for Benchmark / Explain Analyze. Keyed by the cost lens's matchKey, so the SQL as written in code, as the capture
 * saw it and as pg_stat_statements shows it ($n for constants) find the same entry. Bounded; in memory only (values
 * may be personal data).
 */
import { matchKey } from '../cost';

/** Where a statement's values came from: sent by the app (a recording), or given by the user. */
export type ValuesFrom = 'recorded' | 'yours';

export interface RememberedValues {
  /**
   * The statement as it was sent with these values (the app's text, its constants as written: `LIMIT 5` where
   * pg_stat_statements shows `LIMIT $2`): run this text, not pg_stat_statements', so no value is made up.
   */
  sql: string;
  values: unknown[];
  from: ValuesFrom;
  at: number;
}

/** The most statements remembered (the oldest entry goes first). */
const MAX_STATEMENTS = 500;

export class ParameterMemory {
  private readonly byKey = new Map<string, Partial<Record<ValuesFrom, RememberedValues>>>();

  /** Remember `values` for `sql` (the latest of each source wins). Call after loadPgParser() for the best key. */
  remember(sql: string, values: readonly unknown[], from: ValuesFrom, at = Date.now()): void {
    const key = matchKey(sql);
    const entry = this.byKey.get(key) ?? {};
    this.byKey.delete(key);
    entry[from] = { sql, values: [...values], from, at };
    this.byKey.set(key, entry);
    while (this.byKey.size > MAX_STATEMENTS) this.byKey.delete(this.byKey.keys().next().value!);
  }

  /**
   * The text and values last sent for the statement `sql` stands for (the same statement as pg_stat_statements or the
   * code writes it): the app's own (recorded) first — a workload is the app's — else the user's; `prefer: 'yours'`
   * (a prompt that shows the user's last answer) reverses that.
   */
  get(sql: string, prefer: ValuesFrom = 'recorded'): RememberedValues | undefined {
    const entry = this.byKey.get(matchKey(sql));
    if (!entry) return undefined;
    const r = prefer === 'recorded' ? entry.recorded ?? entry.yours : entry.yours ?? entry.recorded;
    return r && { ...r, values: [...r.values] };
  }

  clear(from: ValuesFrom): void {
    for (const [key, entry] of this.byKey) {
      delete entry[from];
      if (!entry.recorded && !entry.yours) this.byKey.delete(key);
    }
  }
}
