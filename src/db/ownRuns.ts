/**
 * What PG Lens itself executed of the user's statements, per database (host, port, database):
 * Benchmark runs land in the application's own pg_stat_statements entry, so readers of the figures
 * (the cost CodeLens) subtract them (core/cost.appFigures). Kept for the extension's lifetime, across
 * reconnects, because pg_stat_statements keeps counting across them. One ledger per process for both bundles
 * (core/oncePerProcess): Benchmark notes its runs in the editor's bundle, the dashboard's Top statements read them in the
 * engine's (person50 M-B: two copies, so the dashboard counted 100 benchmark runs as the application's).
 */
import { OwnRuns } from '../core/cost';
import { oncePerProcess } from '../core/oncePerProcess';
import type { Database } from './database';

const ledgers = oncePerProcess('ownRuns', () => new Map<string, OwnRuns>());

export function ownRunsOf(db: Pick<Database, 'profile'>): OwnRuns {
  const p = db.profile;
  const key = `${p.host}:${p.port}/${p.database}`;
  let l = ledgers.get(key);
  if (!l) ledgers.set(key, (l = new OwnRuns()));
  return l;
}
