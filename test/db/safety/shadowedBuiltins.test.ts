/**
 * PG Lens's own statements never run a planted look-alike of a built-in (docs/security.md, src/db/shadowGuard.ts), on a
 * real PostgreSQL: a role allowed to CREATE in public (every role before PostgreSQL 15, and databases upgraded since)
 * plants `public.lower(name)`, which outranks `pg_catalog.lower(text)` for `lower(c.relname)`. The control shows the
 * attack is real here (a superuser's plain catalog read runs it); then PG Lens refuses the connection, naming it, before
 * any catalog read; without the plant (or with the connected role's own function) it connects and reads as before.
 */
import * as assert from 'node:assert/strict';
import { readCatalogFacts } from '../../../src/db/catalog';
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

/**
 * The same attack while PG Lens is connected: the connect-time read found nothing, then a role that may create in public
 * (granted here: PostgreSQL 15+ no longer grants it to PUBLIC) plants look-alikes that make themselves superuser and
 * write down who ran them. The reads PG Lens makes on its own while connected — the editor's table figures
 * (`lower(c.relname)`, once per row) and the catalog facts behind hovers and index advice (`pg_relation_size(c.oid)`:
 * an `oid` argument matches a planted `pg_relation_size(oid)` better than the built-in's `regclass`) — ran them as the
 * connected superuser before; now each is refused in one line naming the plant, nothing is recorded, and the same
 * connection reads again once the plant is gone.
 */
describe('safety: a look-alike planted while PG Lens is connected never runs with its rights (real PostgreSQL)', function () {
  const t = testDatabase('shadowed_later');
  const planter = `pglens_later_${process.pid}`;

  before(async () => {
    const a = t.admin;
    await a.query('CREATE TABLE orders (id int PRIMARY KEY, note text)');
    await a.query(`INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 50) g`);
    await a.query(`CREATE ROLE ${planter} LOGIN PASSWORD 'pw'`);
    await a.query(`GRANT CREATE ON SCHEMA public TO ${planter}`);
    await a.query('CREATE TABLE public.planted_log (fn text, who text, super bool)');
    await a.query(`GRANT INSERT ON public.planted_log TO ${planter}`);
  });

  after(async () => {
    await t.admin.query(`DROP OWNED BY ${planter}`).catch(() => undefined);
    await t.admin.query(`DROP ROLE IF EXISTS ${planter}`).catch(() => undefined);
  });

  /** As the planter: `fn(args)` that records who ran it (and whether a superuser) and makes the planter superuser when it can. */
  async function plant(fn: string, args: string, returns: string): Promise<void> {
    const a = t.admin;
    await a.query(`SET ROLE ${planter}`);
    try {
      await a.query(`CREATE FUNCTION public.${fn}(${args}) RETURNS ${returns} LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO public.planted_log SELECT '${fn}', current_user, (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user);
        IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN EXECUTE 'ALTER ROLE ${planter} SUPERUSER'; END IF;
        RETURN NULL; END $$`);
    } finally {
      await a.query('RESET ROLE');
    }
  }

  const recorded = async () => (await t.admin.query('SELECT fn, who, super FROM public.planted_log')).rows;
  const planterIsSuper = async () => (await t.admin.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [planter])).rows[0].rolsuper;

  it('control: a superuser\'s own catalog read runs a planted lower(name) and makes the planter superuser', async () => {
    await plant('lower', 'name', 'text');
    await t.admin.query(`SELECT count(*) FROM pg_class c WHERE lower(c.relname) = 'orders'`);
    assert.ok((await recorded()).some((r) => r.fn === 'lower' && r.super === true));
    assert.equal(await planterIsSuper(), true);
    await t.admin.query(`ALTER ROLE ${planter} NOSUPERUSER`);
    await t.admin.query('DROP FUNCTION public.lower(name)');
    await t.admin.query('DELETE FROM public.planted_log');
  });

  it('refuses the table figures and the catalog facts once a look-alike is planted, runs neither, and reads again once it is gone', async () => {
    const db = await t.open();
    try {
      assert.deepEqual((await readTableFigures(db, ['orders'])).map((r) => r.bare), ['orders']);
      assert.deepEqual((await readCatalogFacts(db, [{ name: 'orders' }])).tables.map((x) => x.name), ['orders']);
      await plant('lower', 'name', 'text');
      await plant('pg_relation_size', 'oid', 'int8');
      const refused = (e: Error) => {
        assert.match(e.message, new RegExp(`^PG Lens will not run its catalog reads here: function public\\.(lower\\(name\\)|pg_relation_size\\(oid\\)) \\(owned by ${planter}\\)`));
        assert.equal(e.message.split('\n').length, 1);
        return true;
      };
      await assert.rejects(readTableFigures(db, ['orders']), refused);
      await assert.rejects(readCatalogFacts(db, [{ name: 'orders' }]), refused);
      // A session (hovers' plans, health's rolled-back reads) is checked as it is taken, too.
      await assert.rejects(db.withSession((s) => s.query('SELECT 1')), refused);
      assert.deepEqual(await recorded(), []);
      assert.equal(await planterIsSuper(), false);
      await t.admin.query('DROP FUNCTION public.lower(name)');
      await t.admin.query('DROP FUNCTION public.pg_relation_size(oid)');
      assert.deepEqual((await readTableFigures(db, ['orders'])).map((r) => r.bare), ['orders']);
      assert.deepEqual((await readCatalogFacts(db, [{ name: 'orders' }])).tables.map((x) => x.name), ['orders']);
    } finally {
      await db.close();
    }
  });
});
