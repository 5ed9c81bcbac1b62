/** The shop's connection pool. DATABASE_URL points at the database loaded by ../seed.ts. */
import { Pool } from 'pg';

/** What the handlers need: a pool or a client. */
export type Db = Pick<Pool, 'query'>;

export function createPool(url = process.env.DATABASE_URL): Pool {
  if (!url) throw new Error('DATABASE_URL is not set');
  const pool = new Pool({ connectionString: url, max: 10, application_name: 'shop' });
  pool.on('error', (e) => console.error(`shop: idle connection lost: ${e.message}`));
  return pool;
}
