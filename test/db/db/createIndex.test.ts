import { strict as assert } from 'node:assert';
import { createIndexConcurrently, type CreateIndexProgress } from '../../../src/db/createIndex';
import { testDatabase } from '../support';

describe('db/createIndex: CREATE INDEX CONCURRENTLY from the editor (real PostgreSQL)', function () {
  const t = testDatabase('create_index');
  before(async () => {
    await t.admin.query(`CREATE TABLE items (id int, code text)`);
    await t.admin.query(`INSERT INTO items SELECT g, 'c' || (g % 1000) FROM generate_series(1, 200000) g`);
  });

  it('creates the index, reports progress phases and the size, and leaves the session settings as they were', async () => {
    const db = await t.open({ statementTimeoutMs: 3000, max: 1 });
    const progress: CreateIndexProgress[] = [];
    const r = await createIndexConcurrently(db, { ddl: 'CREATE INDEX CONCURRENTLY items_code_idx ON items (code)', schema: 'public', name: 'items_code_idx', onProgress: (p) => progress.push(p), pollMs: 20 });
    assert.equal(r.ok, true, r.message);
    assert.ok(r.sizeBytes! > 0);
    assert.match(r.message, /^Created items_code_idx \(\d[\d.]* [kM]B\)\.$/, 'one sentence: the name, its size, then the full stop');
    assert.ok(progress.length >= 1 && progress[0].phase === 'starting');
    const v = await t.admin.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_code_idx'::regclass`);
    assert.equal(v.rows[0].indisvalid, true);
    // max: 1 → the same session again: statement_timeout is back to the profile's value.
    const st = (await db.query(`SELECT current_setting('statement_timeout') AS s`)).rows[0].s;
    assert.equal(st, '3s');
  });

  it('on failure reports the error, and drops the invalid index it left', async () => {
    const db = await t.open();
    const r = await createIndexConcurrently(db, { ddl: 'CREATE INDEX CONCURRENTLY items_id_uq ON items ((1 / (id - 100000)))', schema: 'public', name: 'items_id_uq' });
    assert.equal(r.ok, false);
    assert.match(r.message, /division by zero/);
    assert.match(r.message, /left an invalid index items_id_uq, which was dropped/);
    assert.equal(r.invalidDropped, true);
    const gone = await t.admin.query(`SELECT to_regclass('items_id_uq') AS r`);
    assert.equal(gone.rows[0].r, null);
  });

  it('refuses production and staging profiles before sending anything', async () => {
    const prod = await t.open({ profile: { ...t.profile, environment: 'production' } });
    await assert.rejects(createIndexConcurrently(prod, { ddl: 'CREATE INDEX CONCURRENTLY x ON items (id)', schema: 'public', name: 'x' }), /production profile/);
    const staging = await t.open({ profile: { ...t.profile, environment: 'staging' } });
    await assert.rejects(createIndexConcurrently(staging, { ddl: 'CREATE INDEX CONCURRENTLY x ON items (id)', schema: 'public', name: 'x' }), /only allowed on development profiles/);
    assert.equal((await t.admin.query(`SELECT to_regclass('x') AS r`)).rows[0].r, null);
  });
});
