/**
 * A short session against the ORM flavour: starts the server, sends a few requests to each page,
 * stops. `pg-lens record -- npx tsx examples/shop/orm/traffic.ts` records what it sends.
 * ROUNDS (default 3) requests per page; DATABASE_URL the loaded shop database.
 */
import { startOrmServer } from './server';

export async function ormTraffic(url: string, rounds = 3): Promise<number> {
  const server = await startOrmServer(url);
  let requests = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      for (const path of ['/orders/recent', '/orders/recent-eager', '/orders/refunded', `/orders/${i + 1}`]) {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
        if (res.status >= 500) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        requests++;
      }
    }
  } finally {
    await server.close();
  }
  return requests;
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('set DATABASE_URL');
    process.exit(2);
  }
  ormTraffic(url, Number(process.env.ROUNDS ?? 3)).then((n) => console.log(`${n} requests sent`), (e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
