import { strict as assert } from 'node:assert';
import { adviseStatement } from '../../../src/db/advisor';
import { announceFallback, capabilities, testDatabase } from '../support';

describe('db/advisor: HypoPG available on the server but not installed in the database (real PostgreSQL)', function () {
  const t = testDatabase('advisor_transient');
  before(async () => {
    await t.admin.query(`CREATE TABLE accounts (id bigserial PRIMARY KEY, team_id int NOT NULL, created_at timestamptz NOT NULL)`);
    await t.admin.query(`INSERT INTO accounts (team_id, created_at) SELECT g % 5000, now() - g * interval '1 minute' FROM generate_series(1, 60000) g`);
    await t.admin.query('VACUUM ANALYZE accounts');
  });

  it('a development profile proves with HypoPG created inside the rolled-back transaction, and leaves no extension', async () => {
    const caps = await capabilities();
    const db = await t.open();
    const info = await db.serverInfo();
    const r = await adviseStatement(db, 'SELECT * FROM accounts WHERE team_id = $1 ORDER BY created_at DESC LIMIT 5', undefined, { info });
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.suggestions.length, 1);
    if (caps.hypopg) {
      assert.equal(info.hypopg, 'available');
      assert.equal(r.suggestions[0].verifiedBy, 'hypopg');
      assert.match(r.proofNote ?? '', /created for this analysis only/);
    } else {
      announceFallback('HypoPG', 'a real index inside BEGIN … ROLLBACK on a development profile');
      assert.equal(r.suggestions[0].verifiedBy, 'transaction');
    }
    const ext = await t.admin.query(`SELECT extname FROM pg_extension WHERE extname = 'hypopg'`);
    assert.equal(ext.rowCount, 0, 'nothing stays installed');
    const idx = await t.admin.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'accounts'`);
    assert.deepEqual(idx.rows.map((x) => x.indexname), ['accounts_pkey']);
  });
});
