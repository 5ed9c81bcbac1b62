/**
 * PG Lens's own statements never run a planted look-alike of a built-in (docs/security.md, src/db/shadowGuard.ts), on a
 * real PostgreSQL: a role allowed to CREATE in public (every role before PostgreSQL 15, and databases upgraded since)
 * plants `public.lower(name)`, which outranks `pg_catalog.lower(text)` for `lower(c.relname)`. The control shows the
 * attack is real here (a superuser's plain catalog read runs it); then PG Lens refuses the connection, naming it, before
 * any catalog read; without the plant (or with the connected role's own function) it connects and reads as before.
 */
import * as assert from 'node:assert/strict';
import { readTableFigures } from '../../../src/db/tableFigures';
import { testDatabase } from '../support';

describe('safety: a planted look-alike of a built-in never runs with PG Lens\'s rights (real PostgreSQL)', function () {
  const t = testDatabase('shadowed_builtins');
  const planter = `pglens_planter_${process.pid}`;

  before(async () => {
    const a = t.admin;
    await a.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    await a.query('CREATE TABLE orders (id int)');
    await a.query(`CREATE ROLE ${planter} LOGIN PASSWORD 'pw'`);
    await a.query(`SET ROLE ${planter}`);
    await a.query(`CREATE FUNCTION public.lower(name) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'planted lower ran as %', current_user; END $$`);
    await a.query('RESET ROLE');
  });

  after(async () => {
    await t.admin.query(`DROP OWNED BY ${planter}`).catch(() => undefined);
    await t.admin.query(`DROP ROLE IF EXISTS ${planter}`).catch(() => undefined);
  });

  it('control: a superuser\'s plain catalog read of relation names runs the planted function', async () => {
    await assert.rejects(t.admin.query(`SELECT count(*) FROM pg_class c WHERE lower(c.relname) = 'orders'`), /planted lower ran as/);
  });

  it('PG Lens refuses the connection before any catalog read, naming the function and its owner', async () => {
    await assert.rejects(t.open(), (e: Error) => {
      assert.match(e.message, new RegExp(`^PG Lens will not run its catalog reads here: function public\\.lower\\(name\\) \\(owned by ${planter}\\) shares a built-in's name`));
      assert.doesNotMatch(e.message, /planted lower ran/);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
  });

  it('a planted operator is refused the same way', async () => {
    const a = t.admin;
    await a.query(`SET ROLE ${planter}`);
    await a.query(`CREATE FUNCTION public.planted_eq(name, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'`);
    await a.query('CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.planted_eq)');
    await a.query('DROP FUNCTION public.lower(name)');
    await a.query('RESET ROLE');
    await assert.rejects(t.open(), /operator public\.=\(name, text\) \(owned by pglens_planter_\d+\)/);
    await a.query(`SET ROLE ${planter}`);
    await a.query('DROP OPERATOR public.= (name, text)');
    await a.query('RESET ROLE');
  });

  it('without a plant — or with a look-alike the connected role wrote itself — it connects and reads the catalog', async () => {
    await t.admin.query(`CREATE FUNCTION public.upper(name) RETURNS text LANGUAGE sql AS 'SELECT pg_catalog.upper($1::text)'`);
    const db = await t.open();
    const rows = await readTableFigures(db, ['orders']);
    assert.deepEqual(rows.map((r) => r.bare), ['orders']);
  });
});
