/** What one refresh of the live dashboard carries (extension → webview, and the history snapshots). */
import type { SessionFact } from '../health/types';
import type { BlockingChain, CounterSample, Rates, StatementRow, StatementsWindow } from './live';

export interface ProgressRow {
  kind: 'vacuum' | 'analyze' | 'create index';
  pid: number;
  schema: string | null;
  relation: string | null;
  /** The index being built (create index). */
  index: string | null;
  phase: string;
  done: number | null;
  total: number | null;
}

interface ReplicationView {
  inRecovery: boolean;
  /** On a standby: seconds since the last replayed transaction. */
  replayDelaySeconds: number | null;
  replicas: { name: string; state: string; lagSeconds: number | null; lagBytes: number | null }[];
}

export interface LiveStats {
  /** Server clock (ms since epoch). */
  atMs: number;
  /** Wall time of the refresh as seen by the client, ms. */
  refreshMs: number;
  /** Served by the profile's read replica. */
  fromReplica: boolean;
  connections: { byState: Record<string, number>; total: number; max: number; reserved: number };
  sample: CounterSample;
  rates: Rates | null;
  cache: { tableHitRatio: number | null; indexHitRatio: number | null; databaseHitRatio: number | null };
  wal: { records: number; fpi: number; bytes: number } | null;
  replication: ReplicationView;
  /** Non-idle sessions other than ours (active, idle in transaction, waiting). */
  sessions: SessionFact[];
  blocking: BlockingChain[];
  progress: ProgressRow[];
  /**
   * `reset`: the list starts anew since it was last read — pg_stat_statements was reset (the dashboard's Reset, or
   * anyone's where the server says when: PostgreSQL 14+) or the deltas restarted: rows shown before are gone, even the
   * ones Top statements holds under the pointer. `since`: where the deltas count from (statementsWindowWords).
   */
  statements: { state: 'ready' | 'not-installed' | 'not-loaded' | 'unavailable' | 'error'; message?: string; rows: StatementRow[]; count: number; reset?: true; since?: StatementsWindow };
}
