/**
 * One window of the editor on a database, for the tests of what PG Lens keeps per database across a Reload Window
 * (src/vscode/databaseStore.ts): the store registered as at activation, over a global state shared by the windows before
 * and after a reload and copied through JSON, as VS Code keeps it; `close` disposes the window's subscriptions as a
 * reload does and waits for the last save.
 */
import { strict as assert } from 'node:assert';
import type { PgLensContext } from '../../../src/vscode/main';
import type { ActiveConnection } from '../../../src/vscode/connections';
import type { Database } from '../../../src/db/database';
import type { KeptPerDatabase } from '../../../src/vscode/databaseStore';
import * as ownRunsModule from '../../../src/db/ownRuns';
import * as costModule from '../../../src/core/cost';

type Register = (ctx: PgLensContext, load: () => Promise<[typeof ownRunsModule, typeof costModule]>) => KeptPerDatabase;

export function keptWindow(db: Database, globalState: Map<string, unknown>, register: Register): { kept: KeptPerDatabase; close: () => Promise<void> } {
  const subscriptions: { dispose(): void }[] = [];
  const conn = { profile: db.profile, db } as unknown as ActiveConnection;
  const ctx = {
    extension: {
      subscriptions,
      globalState: {
        get: (k: string) => globalState.get(k),
        update: async (k: string, v: unknown) => void (v === undefined ? globalState.delete(k) : globalState.set(k, JSON.parse(JSON.stringify(v)))),
      },
    },
    connections: { current: conn, onDidChange: () => ({ dispose: () => undefined }) },
    log: { info: () => undefined, warn: (m: string) => assert.fail(m) },
  } as unknown as PgLensContext;
  // The modules the extension loads with `import()` when a connection opens, handed in (tsx does not load a dynamic import).
  const kept = register(ctx, async () => [ownRunsModule, costModule]);
  return {
    kept,
    close: async () => {
      for (const s of subscriptions) s.dispose();
      await kept.saved();
    },
  };
}
