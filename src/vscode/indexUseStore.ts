/**
 * The record of which indexes PG Lens's plans use, kept per database across restarts of the editor,
 * so the health checks' DROP guard does not forget a plan it saw yesterday. Global state, keyed by
 * the database's identity (host:port/database); loaded when a connection opens (before anything
 * runs on it), saved a few seconds after a plan is noted and when the connection closes. Bounded
 * (the newest INDEX_USE_KEEP statements whose plan uses an index) and expiring (a statement not
 * planned again for INDEX_USE_MAX_AGE_MS protects nothing). Another window's record of the same
 * database is merged, the newer plan of a statement winning.
 */
import type * as vscode from 'vscode';
import type { PgLensContext } from './main';
import type { ActiveConnection } from './connections';
import { IndexUseLedger, parseIndexUseEntries } from '../core/plan/indexUse';
import { databaseIdentity } from '../core/connection/profile';

const SAVE_AFTER_MS = 5000;

function indexUseKey(conn: Pick<ActiveConnection, 'profile'>): string {
  return `pgLens.indexUse:${databaseIdentity(conn.profile)}`;
}

export function registerIndexUseStore(ctx: PgLensContext): void {
  const state = ctx.extension.globalState;
  let conn: ActiveConnection | undefined;
  let noted: { dispose(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!conn) return;
    const key = indexUseKey(conn);
    const merged = new IndexUseLedger();
    merged.restore(parseIndexUseEntries(state.get(key)));
    merged.restore(conn.db.indexUse.entriesToKeep());
    void Promise.resolve(state.update(key, merged.entriesToKeep())).catch((e: unknown) => ctx.log.warn(`could not keep the plans' index use: ${String(e)}`));
  };

  const changed = (a: ActiveConnection | undefined): void => {
    if (a === conn) return;
    save();
    noted?.dispose();
    noted = undefined;
    conn = a;
    if (!a) return;
    const kept = parseIndexUseEntries(state.get(indexUseKey(a)));
    a.db.indexUse.restore(kept);
    if (kept.length) ctx.log.info(`Plans' index use on ${a.profile.name}: ${a.db.indexUse.size} statements kept from earlier sessions (no DROP is offered for the indexes they use).`);
    noted = a.db.indexUse.onDidNote(() => {
      timer ??= setTimeout(save, SAVE_AFTER_MS);
    });
  };

  const disposable: vscode.Disposable = {
    dispose: () => {
      save();
      noted?.dispose();
    },
  };
  ctx.extension.subscriptions.push(ctx.connections.onDidChange(changed), disposable);
  // A connection opened before this was registered.
  changed(ctx.connections.current);
}
