/** unindexed-foreign-key on ente's trash (issue 20, person16 LOW 11): the primary key (file_id) serves the key (file_id, collection_id). */
import * as assert from 'node:assert/strict';
import { testDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';

describe('pg-lens health: a foreign key a unique index on some of its columns serves (real PostgreSQL)', function () {
  const t = testDatabase('health_fk_unique');
  before(async () => {
    await t.admin.query(`CREATE TABLE collection_files (file_id bigint NOT NULL, collection_id bigint NOT NULL, PRIMARY KEY (file_id, collection_id))`);
    await t.admin.query(`CREATE TABLE trash (file_id bigint PRIMARY KEY, collection_id bigint NOT NULL, user_id bigint NOT NULL,
      CONSTRAINT fk_trash_keys_collection_files FOREIGN KEY (file_id, collection_id) REFERENCES collection_files (file_id, collection_id) ON DELETE CASCADE)`);
    // Not served: a unique index on a column outside the key.
    await t.admin.query(`CREATE TABLE shares (id bigint PRIMARY KEY, file_id bigint NOT NULL, collection_id bigint NOT NULL,
      CONSTRAINT fk_shares FOREIGN KEY (file_id, collection_id) REFERENCES collection_files (file_id, collection_id))`);
  });

  it("trash's primary key (file_id) serves (file_id, collection_id); a unique index on another column does not", async () => {
    const r = await run(['health', '--db', t.url, '--format', 'json', '--check', 'unindexed-foreign-key']);
    assert.equal(r.code, 0, r.err);
    const names = JSON.parse(r.out).map((f: { objects: { name: string }[] }) => f.objects[0].name);
    assert.deepEqual(names, ['fk_shares']);
  });
});
