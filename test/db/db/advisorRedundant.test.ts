/**
 * Index advice that an existing index already gives (issue 20, person16 HIGH 2): ente's museum schema in small, its own
 * SQL verbatim, each kind of wrong advice the hour found — an index that only adds columns to a primary-key lookup, one
 * overlapping an index that already serves the leading predicates, a boolean nearly every row shares read as
 * "selective", the same column twice — and the advice that was right still given.
 */
import { strict as assert } from 'node:assert';
import { indexCandidates } from '../../../src/core/advice/indexCandidates';
import { statementShape } from '../../../src/core/sql/predicates';
import { loadPgParser } from '../../../src/core/sql/statement';
import { readCatalogFacts } from '../../../src/db/catalog';
import { adviseStatement } from '../../../src/db/advisor';
import { IndexDecider } from '../../../src/db/indexDecision';
import type { Database } from '../../../src/db/database';
import { testDatabase } from '../support';

const SQL = {
  // contact.go:115 — users (user_id, family_admin_id) was offered; user_id is the primary key.
  sharedFamily: `SELECT EXISTS(
			SELECT 1
			FROM users actor
			JOIN users contact ON actor.family_admin_id = contact.family_admin_id
			WHERE actor.user_id = $1
			  AND contact.user_id = $2
			  AND actor.family_admin_id IS NOT NULL
		)`,
  // trash.go:294 — trash (is_restored, file_id, user_id) WHERE is_deleted = true; file_id is trash's primary key.
  verifyDeleted: `SELECT file_id FROM trash 
			WHERE user_id = $1 AND file_id = ANY ($2) 
			AND is_deleted = TRUE AND is_restored = FALSE`,
  // trash.go:343 — collections (app, collection_id), ending in the primary key; trash (is_deleted, is_restored, user_id,
  // updated_at) beside trash_user_id_and_updated_at_index (user_id, updated_at).
  forDeletion: `SELECT t.file_id FROM trash t
                JOIN collections c ON c.collection_id = t.collection_id
                WHERE t.user_id = $1 AND t.updated_at <= $2 AND t.is_deleted = FALSE AND t.is_restored = FALSE AND c.app = $3`,
  // collection_link.go:214 — collections (owner_id, collection_id) beside collections_owner_id_index.
  activeTokens: `select pt.collection_id from public_collection_tokens pt left join collections c on pt.collection_id = c.collection_id where pt.is_disabled = FALSE and c.owner_id= $1;`,
  // object.go:35 — object_keys (is_deleted) "may help (not verified)"; every row is false.
  missingInDc: `SELECT file_id, o_type, object_key, size FROM object_keys 
		WHERE is_deleted = false AND NOT($1 = ANY(datacenters)) limit $2`,
  // family.go — right: users (family_admin_id).
  clearAdmin: `SELECT user_id FROM users WHERE family_admin_id = $1`,
};

describe('db/advisor: no index an existing unique or leading index already gives (ente kinds, real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('advisor_redundant');
  let db: Database;

  before(async () => {
    await t.admin.query(`CREATE TABLE users (user_id bigint PRIMARY KEY, family_admin_id bigint, encrypted_email bytea, creation_time bigint NOT NULL)`);
    await t.admin.query(`INSERT INTO users SELECT g, CASE WHEN g % 50 = 0 THEN g - g % 200 END, '\\x00', g FROM generate_series(1, 20000) g`);
    await t.admin.query(`CREATE TABLE collections (collection_id bigint PRIMARY KEY, owner_id bigint NOT NULL, app text NOT NULL DEFAULT 'photos', name text, updation_time bigint NOT NULL)`);
    await t.admin.query(`INSERT INTO collections SELECT g, g % 20000, 'photos', 'c' || g, g FROM generate_series(1, 100000) g`);
    await t.admin.query(`CREATE INDEX collections_owner_id_index ON collections (owner_id)`);
    await t.admin.query(`CREATE TABLE public_collection_tokens (id bigint PRIMARY KEY, collection_id bigint NOT NULL, is_disabled boolean NOT NULL DEFAULT false)`);
    await t.admin.query(`INSERT INTO public_collection_tokens SELECT g, g * 7, false FROM generate_series(1, 5000) g`);
    await t.admin.query(`CREATE TABLE trash (file_id bigint PRIMARY KEY, collection_id bigint NOT NULL, user_id bigint NOT NULL, is_deleted boolean NOT NULL DEFAULT false,
      is_restored boolean NOT NULL DEFAULT false, updated_at bigint NOT NULL, delete_by bigint NOT NULL)`);
    await t.admin.query(`INSERT INTO trash SELECT g, g % 100000 + 1, g % 400, false, false, g, g FROM generate_series(1, 20000) g`);
    await t.admin.query(`CREATE INDEX trash_user_id_and_updated_at_index ON trash (user_id, updated_at)`);
    await t.admin.query(`CREATE TABLE object_keys (file_id bigint NOT NULL, o_type text NOT NULL, object_key text UNIQUE NOT NULL, size bigint NOT NULL,
      datacenters text[] NOT NULL, is_deleted boolean NOT NULL DEFAULT false, PRIMARY KEY (file_id, o_type))`);
    await t.admin.query(`INSERT INTO object_keys SELECT g, 'file', 'k' || g, 100, '{b2-eu-cen}', false FROM generate_series(1, 30000) g`);
    await t.admin.query('ANALYZE');
    db = await t.open();
    await loadPgParser();
  });

  it('a boolean nearly every row shares is not "selective": no partial index on its rare value from a misread pg_stats, no unverified advice', async () => {
    const { tables } = await readCatalogFacts(db, [{ schema: 'public', name: 'object_keys' }, { schema: 'public', name: 'trash' }]);
    const facts = { versionNum: 180000, pgTrgm: 'unavailable' as const, tables };
    assert.deepEqual(indexCandidates(statementShape(SQL.missingInDc)!, facts).map((c) => c.name), [], 'is_deleted = false keeps every row');
    // Unproved (no HypoPG, no rolled-back index): still nothing to say.
    const r = await adviseStatement(db, SQL.missingInDc, undefined, { proof: 'none' });
    assert.deepEqual(r.suggestions.map((s) => s.ddl), []);
    // The candidate's keys never lead with a boolean that filters nothing.
    for (const c of indexCandidates(statementShape(SQL.forDeletion)!, facts)) assert.ok(!/^is_/.test(c.keys[0].label), c.name);
  });

  it('nothing that only adds columns to a primary-key lookup (= or = ANY, or a join key ending in it), nor beside an index that already serves the leading predicates', async () => {
    const decider = new IndexDecider(db);
    const all = Object.entries(SQL).map(([k, sql]) => ({ sql, label: `${k}.go:1` }));
    const d = await decider.decide(all);
    const got = (sql: string) => (d.byStatement.get(sql)?.suggestions ?? []).map((s) => s.ddl);
    assert.deepEqual(got(SQL.sharedFamily), [], 'users (user_id, family_admin_id): user_id is the primary key');
    assert.deepEqual(got(SQL.verifyDeleted), [], 'file_id = ANY($2) is a primary-key lookup');
    assert.deepEqual(got(SQL.forDeletion), [], '(user_id, updated_at) serves it; collections is looked up by its primary key');
    assert.deepEqual(got(SQL.activeTokens).filter((x) => / ON collections /.test(x)), [], 'collections_owner_id_index serves owner_id; collection_id is the primary key');
    assert.deepEqual(got(SQL.missingInDc), []);
    // The right advice stays.
    assert.deepEqual(got(SQL.clearAdmin).map((x) => x.replace(/^CREATE INDEX CONCURRENTLY \S+ /, '')), ['ON users (family_admin_id)']);
    // Nothing was even tried that holds a column twice.
    for (const r of decider.advice.values()) for (const x of [...r.tried, ...r.rejected]) {
      const cols = /\(([^)]*)\)/.exec(x.ddl)![1].split(', ');
      assert.equal(new Set(cols).size, cols.length, x.ddl);
    }
  });

  it("another statement's index is never \"also serving\" a statement whose needed key sits behind a column it does not bind", async () => {
    await t.admin.query(`CREATE TABLE events (id bigint PRIMARY KEY, a int NOT NULL, b int NOT NULL, c bigint NOT NULL, pad text)`);
    await t.admin.query(`INSERT INTO events SELECT g, g % 2000, g % 7, g, repeat('x', 40) FROM generate_series(1, 100000) g`);
    await t.admin.query('ANALYZE events');
    const wide = 'SELECT id FROM events WHERE a = $1 AND b = $2 AND c <= $3';
    const narrow = 'SELECT id FROM events WHERE a = $1 AND c > $2';
    const d = await new IndexDecider(db).decide([{ sql: wide, label: 'wide.go:1' }, { sql: narrow, label: 'narrow.go:1' }]);
    const got = d.byStatement.get(narrow)?.suggestions ?? [];
    assert.ok(got.length, JSON.stringify(d.byStatement.get(narrow)));
    // (a, b, c): the narrow statement binds a, not b, so c — the key it needs — cannot bound its scan there.
    for (const s of got) assert.notDeepEqual(s.columns, ['a', 'b', 'c'], s.ddl);
  });

  it('never a column twice, whatever the statement binds it with (an equality and a join key on the same column)', async () => {
    const { tables } = await readCatalogFacts(db, [{ schema: 'public', name: 'collections' }, { schema: 'public', name: 'users' }]);
    const facts = { versionNum: 180000, pgTrgm: 'unavailable' as const, tables };
    const sql = 'SELECT c.name FROM collections c JOIN users u ON c.owner_id = u.user_id WHERE c.owner_id = $1 AND c.app = $2 ORDER BY c.owner_id LIMIT 5';
    for (const c of indexCandidates(statementShape(sql)!, facts)) {
      const cols = c.keys.map((k) => k.column ?? k.sql);
      assert.equal(new Set(cols).size, cols.length, c.name);
      assert.ok(!c.include.some((x) => cols.includes(x)), c.name);
    }
  });
});
