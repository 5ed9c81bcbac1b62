/**
 * The ORM flavour of the shop's API (node:http + Sequelize on pg). Start it with
 *   DATABASE_URL=postgres://… PORT=3001 npx tsx examples/shop/orm/server.ts
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectShop } from './models';
import { getOrder, recentOrdersWithItems, recentOrdersWithItemsEager, refundedOrders } from './orders';

const routes: [RegExp, (m: RegExpMatchArray) => Promise<unknown>][] = [
  [/^\/orders\/recent$/, () => recentOrdersWithItems(10)],
  [/^\/orders\/recent-eager$/, () => recentOrdersWithItemsEager(10)],
  [/^\/orders\/refunded$/, () => refundedOrders()],
  [/^\/orders\/(\d+)$/, (m) => getOrder(Number(m[1]))],
];

export function createOrmServer(): http.Server {
  return http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const route = routes.find(([re]) => re.test(url));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    route[1](url.match(route[0])!).then(
      (body) => res.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (e: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.message })),
    );
  });
}

/** Start on PORT (0: any free port); resolves with the port. */
export async function startOrmServer(url: string, port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const sequelize = connectShop(url);
  const server = createOrmServer();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise((r) => server.close(r));
      await sequelize.close();
    },
  };
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('set DATABASE_URL');
    process.exit(2);
  }
  startOrmServer(url, Number(process.env.PORT ?? 3001)).then((s) => console.log(`shop (Sequelize) on http://127.0.0.1:${s.port}`));
}
