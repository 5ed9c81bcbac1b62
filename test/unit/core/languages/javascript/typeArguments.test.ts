import { strict as assert } from 'node:assert';
import { extractSqlSites } from '../../../../../src/core/extract';
import { detectNPlusOne } from '../../../../../src/core/nplusone/detect';

/**
 * Issue 14 (fixx): a call with type arguments is the driver's or ORM's call. tree-sitter-typescript reads
 * `await db.query<T>(…)` as a call of `await db.query` with type arguments, and a typed tag (`prisma.$queryRaw<T[]>`…``)
 * as a call of `prisma.$queryRaw<T[]>!`: the SQL was found only as a string that parses (api `constant`, no call), and a
 * typed tag's `${id}` was read as text spliced in, not a parameter.
 */
const line = (text: string, at: number) => text.slice(0, at).split('\n').length;

/** Each site as [api, sql, the line its SQL starts on, its call's lines, its parameters' arguments]. */
async function sitesOf(text: string): Promise<unknown[]> {
  return (await extractSqlSites(text, 'a.ts', 'a.ts')).map((s) => [s.api, s.sql, line(text, s.span.start), s.callSpan && [line(text, s.callSpan.start), line(text, s.callSpan.end)], s.params.map((p) => p.argument ?? null)]);
}

/** The same code without its type arguments (`<…>` after a call's name, before `(` or a template). */
const untyped = (text: string) => text.replace(/<(?:[^<>]|<[^<>]*>)*>(?=[(`])/g, '');

const SHAPES: [string, string, string][] = [
  ['pg: an awaited db.query<T>(…) with its SQL on the next line', 'pg.query', `import { Pool } from 'pg';
const db = new Pool();
export async function items(id: number) {
  const { rows } = await db.query<OrderItem>(
    'SELECT product_id, quantity FROM order_items WHERE order_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}
`],
  ['pg: pool.query<User>(…) and client.query<Row, [number]>(…)', 'pg.query', `import { Pool } from 'pg';
export async function user(pool: Pool, client: PoolClient, id: number) {
  const a = await pool.query<User>('SELECT id, email FROM users WHERE id = $1', [id]);
  const b = (await client.query<Row, [number]>('SELECT id FROM orders WHERE customer_id = $1', [id])).rows;
  return [a, b];
}
`],
  ['Prisma: $queryRawUnsafe<T>(…) and $queryRaw<T>(Prisma.sql`…`)', 'prisma.$queryRawUnsafe', `import { PrismaClient, Prisma } from '@prisma/client';
const prisma = new PrismaClient();
export async function f(id: number) {
  const a = await prisma.$queryRawUnsafe<User[]>('SELECT id FROM users WHERE id = $1', id);
  const b = await prisma.$queryRaw<User[]>(Prisma.sql\`SELECT id FROM users WHERE email = \${id}\`);
  return [a, b];
}
`],
  ['Prisma: the typed tag $queryRaw<T[]>`…`, awaited or not, in a transaction too', 'prisma.$queryRaw', `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f(id: number) {
  const a = await prisma.$queryRaw<User[]>\`SELECT id FROM users WHERE id = \${id}\`;
  const b = prisma.$queryRaw<{ n: number }[]>\`SELECT count(*) AS n FROM orders WHERE customer_id = \${id}\`;
  const c = await prisma.$transaction(async (tx) => {
    return tx.$queryRaw<Row[]>\`SELECT id FROM carts WHERE customer_id = \${id}\`;
  });
  return [a, b, c];
}
`],
  ['knex: knex.raw<T>(…) with ? parameters', 'knex.raw', `import knex from 'knex';
const db = knex({ client: 'pg' });
export async function f(id: number) {
  return await db.raw<Row[]>('SELECT id FROM orders WHERE customer_id = ?', [id]);
}
`],
  ['TypeORM: manager.query<T>(…)', 'typeorm.query', `import { EntityManager } from 'typeorm';
export class Repo {
  constructor(private manager: EntityManager) {}
  async find(id: number) {
    return await this.manager.query<Row[]>('SELECT id FROM orders WHERE customer_id = $1', [id]);
  }
}
`],
  ['postgres.js: sql.unsafe<T>(…)', 'postgres.sql.unsafe', `import postgres from 'postgres';
const sql = postgres();
export async function f(id: number) {
  return await sql.unsafe<Row[]>('SELECT id FROM orders WHERE customer_id = $1', [id]);
}
`],
];

describe('core/languages/javascript: a call with type arguments is the driver\'s call (issue 14, fixx)', () => {
  for (const [title, api, text] of SHAPES) {
    it(`${title}: the sites of the same code without type arguments (api ${api}, the call's lines)`, async function () {
      this.timeout(60_000);
      const typed = await sitesOf(text);
      assert.ok(typed.length > 0, 'sites');
      assert.ok(typed.some((s) => (s as unknown[])[0] === api), JSON.stringify(typed));
      assert.ok(typed.every((s) => (s as unknown[])[0] !== 'constant' && (s as unknown[])[3] !== undefined), `every site is a call's: ${JSON.stringify(typed)}`);
      assert.deepEqual(typed, await sitesOf(untyped(text)));
    });
  }

  it('the call\'s lines are the site\'s: `await db.query<OrderItem>(` on line 4, its SQL on line 5', async () => {
    const sites = await sitesOf(SHAPES[0][2]);
    assert.deepEqual(sites, [['pg.query', 'SELECT product_id, quantity FROM order_items WHERE order_id = $1 ORDER BY id', 5, [4, 7], ['id']]]);
  });

  it('the typed tag\'s ${id} is a bind parameter, as in the tag without type arguments (it was text spliced in)', async () => {
    const sites = await sitesOf(SHAPES[3][2]);
    assert.deepEqual(sites.map((s) => (s as unknown[]).slice(0, 2)), [
      ['prisma.$queryRaw', 'SELECT id FROM users WHERE id = $1'],
      ['prisma.$queryRaw', 'SELECT count(*) AS n FROM orders WHERE customer_id = $1'],
      ['prisma.$queryRaw', 'SELECT id FROM carts WHERE customer_id = $1'],
    ]);
  });

  it('N+1: a typed tag in a loop (`prisma.$queryRaw<Row[]>`…``, `sql<Row[]>`…``) is a query per item, as without type arguments', async function () {
    this.timeout(60_000);
    const text = `import { PrismaClient } from '@prisma/client';
import postgres from 'postgres';
const prisma = new PrismaClient();
const sql = postgres();
export async function f(ids: number[]) {
  for (const id of ids) {
    const a = await prisma.$queryRaw<Row[]>\`SELECT * FROM users WHERE id = \${id}\`;
  }
  for (const id of ids) {
    const b = await sql<Row[]>\`SELECT * FROM orders WHERE id = \${id}\`;
  }
  for (const id of ids) {
    const c = await db.query<Row>('SELECT * FROM items WHERE id = $1', [id]);
  }
}
`;
    const findings = async (t: string) => (await detectNPlusOne(t, 'a.ts', 'a.ts')).filter((f) => f.ruleId === 'n-plus-one').map((f) => [line(t, f.span.start), f.severity]);
    assert.deepEqual(await findings(text), [[7, 'warning'], [10, 'warning'], [13, 'warning']]);
    assert.deepEqual(await findings(text), await findings(untyped(text)));
  });
});
