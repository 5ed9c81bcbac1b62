/**
 * `npm run demo`: an embedded PostgreSQL, the examples/shop schema and seed data, and what PG Lens
 * can tell about it — printed through the same CLI users run. Cleans up after itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startEmbeddedPostgres } from './embeddedServer';

const root = path.join(__dirname, '..');

function cli(args: string[], env: NodeJS.ProcessEnv): void {
  console.log(`\n$ pg-lens ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { stdio: 'inherit', env });
  if (r.status !== 0 && r.status !== 1) console.log(`(exit ${r.status})`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-demo-'));
  console.log('Starting an embedded PostgreSQL…');
  const server = await startEmbeddedPostgres({ dataDir: dir });
  const stop = async () => server.stop();
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const env = { ...process.env, DATABASE_URL: server.url };
    const seed = path.join(root, 'examples', 'shop', 'seed.ts');
    if (fs.existsSync(seed)) {
      const { loadShop } = await import(seed);
      await loadShop(server.url, { scale: Number(process.env.PGLENS_DEMO_SCALE ?? 1) });
    }
    cli(['check-connection'], env);
    const steps = path.join(root, 'scripts', 'demoSteps.json');
    if (fs.existsSync(steps)) for (const args of JSON.parse(fs.readFileSync(steps, 'utf8')) as string[][]) cli(args.map((a) => a.replace('$ROOT', root)), env);
  } finally {
    await stop();
    console.log('\nDemo database stopped and removed.');
  }
}

main().catch((e) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exit(1);
});
