/**
 * "Create index now": CREATE INDEX CONCURRENTLY on a dedicated autocommit session (development
 * profiles only), with progress read from pg_stat_progress_create_index on another session, and
 * cancellation. When it fails, the invalid index it leaves behind is reported and dropped.
 */
import { formatBytes } from '../core/format';
import { qualifiedName } from '../core/sql/ident';
import type { Database } from './database';
import { describeError, PgLensError } from './errors';
import { OWN_IDENTITY, OWN_STATEMENT_MARKER } from './sql';

const CREATE_INDEX_SQL = {
  /** Building can take long: no statement timeout on this session for the build (reset afterwards). */
  noStatementTimeout: `${OWN_STATEMENT_MARKER} SELECT set_config('statement_timeout', '0', false)`,
  /** $1 lock_timeout text: waiting for the ShareUpdateExclusiveLock is bounded. */
  lockTimeout: `${OWN_STATEMENT_MARKER} SELECT set_config('lock_timeout', $1, false)`,
  reset: 'RESET ALL',
  /** $1 pid */
  progress: `${OWN_STATEMENT_MARKER} SELECT phase, blocks_done::int8 AS blocks_done, blocks_total::int8 AS blocks_total,
      tuples_done::int8 AS tuples_done, tuples_total::int8 AS tuples_total, lockers_done::int8 AS lockers_done, lockers_total::int8 AS lockers_total
    FROM pg_stat_progress_create_index WHERE pid = $1`,
  /** $1 pid */
  cancel: `${OWN_STATEMENT_MARKER} SELECT pg_cancel_backend($1)`,
  /** $1 qualified quoted index name */
  validity: `${OWN_STATEMENT_MARKER} SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
  /** $1 qualified quoted index name */
  size: `${OWN_STATEMENT_MARKER} ${OWN_IDENTITY} SELECT pg_relation_size(to_regclass($1))::int8 AS bytes`,
} as const;

export interface CreateIndexProgress {
  phase: string;
  /** 0..1 when PostgreSQL reports totals for the phase. */
  fraction?: number;
  detail: string;
}

export interface CreateIndexRequest {
  /** CREATE INDEX CONCURRENTLY … as suggested (built from catalog identity, quoted part by part). */
  ddl: string;
  schema: string;
  name: string;
  needsExtension?: 'pg_trgm';
  lockTimeoutMs?: number;
  onProgress?: (p: CreateIndexProgress) => void;
  /** Resolves (or is already resolved) when the user cancels. */
  cancelled?: { isCancellationRequested: boolean; onCancellationRequested?: (fn: () => void) => unknown };
  pollMs?: number;
}

export interface CreateIndexResult {
  ok: boolean;
  message: string;
  sizeBytes?: number;
  /** On failure: an invalid index was left and has been dropped (or could not be). */
  invalidDropped?: boolean;
}

export async function createIndexConcurrently(db: Database, req: CreateIndexRequest): Promise<CreateIndexResult> {
  db.assertWritable('Creating an index');
  if (db.profile.environment !== 'development') {
    throw new PgLensError(`Creating an index from the editor is only allowed on development profiles ("${db.profile.name}" is ${db.profile.environment}); add a migration instead.`, 'NOT_DEVELOPMENT');
  }
  if (!/^CREATE INDEX CONCURRENTLY /.test(req.ddl)) throw new PgLensError('Only CREATE INDEX CONCURRENTLY statements are run here.', 'BAD_DDL');
  const qualified = qualifiedName(req.schema, req.name);
  return db.withSession(async (s) => {
    const pid = s.processID;
    let timer: NodeJS.Timeout | undefined;
    let polling = false;
    const poll = async () => {
      if (polling || pid === undefined) return;
      polling = true;
      try {
        const r = (await db.query(CREATE_INDEX_SQL.progress, [pid])).rows[0];
        if (r) req.onProgress?.(describeProgress(r));
      } catch {
        // progress is best effort
      } finally {
        polling = false;
      }
    };
    const cancel = () => {
      if (pid !== undefined) void db.query(CREATE_INDEX_SQL.cancel, [pid]).catch(() => undefined);
    };
    req.cancelled?.onCancellationRequested?.(cancel);
    try {
      await s.querySingle(CREATE_INDEX_SQL.noStatementTimeout, []);
      await s.querySingle(CREATE_INDEX_SQL.lockTimeout, [`${req.lockTimeoutMs ?? 10000}ms`]);
      if (req.needsExtension === 'pg_trgm') await s.querySingle(`${OWN_STATEMENT_MARKER} CREATE EXTENSION IF NOT EXISTS pg_trgm`, []);
      timer = setInterval(() => void poll(), req.pollMs ?? 500);
      req.onProgress?.({ phase: 'starting', detail: 'starting' });
      await s.querySingle(`${OWN_STATEMENT_MARKER} ${req.ddl}`, []);
      clearInterval(timer);
      timer = undefined;
      const size = Number((await s.querySingle(CREATE_INDEX_SQL.size, [qualified])).rows[0]?.bytes ?? NaN);
      const sizeBytes = Number.isFinite(size) ? size : undefined;
      return { ok: true, message: `Created ${req.name}${sizeBytes !== undefined ? ` (${formatBytes(sizeBytes)})` : ''}.`, sizeBytes };
    } catch (e) {
      if (timer) clearInterval(timer);
      const why = req.cancelled?.isCancellationRequested ? 'cancelled' : describeError(e);
      // A failed CONCURRENTLY build leaves an INVALID index behind: report it and drop it.
      let invalidDropped: boolean | undefined;
      try {
        const v = (await db.query(CREATE_INDEX_SQL.validity, [qualified])).rows[0];
        if (v && v.valid === false) {
          try {
            await s.querySingle(`${OWN_STATEMENT_MARKER} DROP INDEX CONCURRENTLY IF EXISTS ${qualified}`, []);
            invalidDropped = true;
          } catch {
            invalidDropped = false;
          }
        }
      } catch {
        // the server is gone; nothing more to do
      }
      const tail = invalidDropped === true ? ` It left an invalid index ${req.name}, which was dropped.` : invalidDropped === false ? ` It left an invalid index ${req.name}; drop it with DROP INDEX CONCURRENTLY ${qualified}.` : '';
      return { ok: false, message: `Creating ${req.name} failed: ${why}.${tail}`.replace(/\.\./g, '.'), invalidDropped };
    } finally {
      await s.query(CREATE_INDEX_SQL.reset).catch(() => s.markBroken());
    }
  });
}

function describeProgress(r: any): CreateIndexProgress {
  const phase = String(r.phase ?? 'building');
  const bt = Number(r.blocks_total);
  const tt = Number(r.tuples_total);
  const lt = Number(r.lockers_total);
  if (bt > 0) return { phase, fraction: Number(r.blocks_done) / bt, detail: `${phase}: ${Number(r.blocks_done).toLocaleString('en-US')} of ${bt.toLocaleString('en-US')} blocks` };
  if (tt > 0) return { phase, fraction: Number(r.tuples_done) / tt, detail: `${phase}: ${Number(r.tuples_done).toLocaleString('en-US')} of ${tt.toLocaleString('en-US')} rows` };
  if (lt > 0) return { phase, fraction: Number(r.lockers_done) / lt, detail: `${phase}: ${r.lockers_done} of ${lt} older transactions finished` };
  return { phase, detail: phase };
}
