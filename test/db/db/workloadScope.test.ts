/**
 * What Advise Indexes for the Workload weighs, and that one statement's failure never costs the rest (issue 20,
 * person15 LOW: on Ever Traduora the workload listed TypeORM migrations' DDL — with their MySQL and SQLite branches —
 * as workload, and lost the connection on one statement). Real PostgreSQL; the statements are given as the editor
 * gives them (found in files, with the file's code context).
 */
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { adviseWorkload } from '../../../src/db/workload';
import { workloadWeighingLines, type FoundStatement } from '../../../src/core/advice/workload';
import { capabilities, testDatabase } from '../support';

describe('db/workload: only the app\'s DML is workload, and a failing statement is one line (real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('workload_scope');
  before(async () => {
    const caps = await capabilities();
    if (caps.hypopg) await t.admin.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    await t.admin.query(`CREATE TABLE term (id bigserial PRIMARY KEY, project_id int NOT NULL, value text NOT NULL)`);
    await t.admin.query(`INSERT INTO term (project_id, value) SELECT g % 3000, 'v' || g FROM generate_series(1, 60000) g`);
    await t.admin.query(`CREATE TABLE locale (id bigserial PRIMARY KEY, code text NOT NULL, project_id int NOT NULL)`);
    await t.admin.query(`INSERT INTO locale (code, project_id) SELECT 'l' || g, g % 2000 FROM generate_series(1, 40000) g`);
    // Planning this folds an IMMUTABLE function that sleeps: long enough for another session to end the backend.
    await t.admin.query(`CREATE FUNCTION slow_fold() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(3); RETURN 1; END $$`);
    await t.admin.query('VACUUM ANALYZE');
  });

  it('DDL, migrations, seeds, tests and MySQL/SQLite text are left out (one line per reason); the app\'s reads are advised', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const found: FoundStatement[] = [
      { sql: 'SELECT * FROM term WHERE project_id = $1', source: 'src/controllers/term.controller.ts:40', context: 'request' },
      // A TypeORM migration: PostgreSQL DDL, its MySQL and SQLite branches, and a data fix.
      { sql: 'CREATE TABLE "user" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" varchar NOT NULL, CONSTRAINT "PK_user" PRIMARY KEY ("id"))', source: 'src/migrations/1551177810706-init.ts:12', context: 'migration' },
      { sql: 'UPDATE term SET value = lower(value) WHERE project_id = 5', source: 'src/migrations/1551177810706-init.ts:30', context: 'migration' },
      // The same kinds of text outside a migration folder (a schema helper, a raw query runner): still not workload.
      { sql: 'ALTER TABLE "term" ADD CONSTRAINT "FK_term_project" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE', source: 'src/schema/setup.ts:8', context: 'request' },
      { sql: 'CREATE INDEX "IDX_term_value" ON "term" ("value")', source: 'src/schema/setup.ts:9', context: 'request' },
      { sql: 'CREATE TABLE `user` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB', source: 'src/schema/setup.ts:20', context: 'request' },
      { sql: 'SELECT `t`.`id` FROM `term` `t` WHERE `t`.`project_id` = ?', source: 'src/schema/setup.ts:22', context: 'request' },
      { sql: 'CREATE TABLE "temporary_user" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL)', source: 'src/schema/setup.ts:30', context: 'request' },
      { sql: 'SELECT * FROM term WHERE value = $1', source: 'src/db/sqlite/queries.ts:3', context: 'request' },
      { sql: 'SELECT * FROM locale WHERE code = $1', source: 'src/seed/locales.ts:5', context: 'seed' },
      { sql: 'SELECT * FROM locale WHERE project_id = $1', source: 'test/locale.e2e-spec.ts:9', context: 'test' },
      { sql: 'DROP TABLE "user"', source: 'recorded' },
    ];
    const r = await adviseWorkload(db, { minCalls: 1_000_000, extraStatements: found });
    const labels = r.weighed.map((w) => w.label);
    assert.deepEqual(labels.filter((l) => !/^queryid /.test(l)), ['src/controllers/term.controller.ts:40: SELECT * FROM term WHERE project_id = $1'], labels.join('\n'));
    assert.equal(r.fromFiles, 1);
    assert.ok(r.suggestions.some((s) => s.table === 'term' && s.columns[0] === 'project_id'), r.suggestions.map((s) => s.ddl).join('\n'));
    const why = Object.fromEntries((r.leftOut ?? []).map((x) => [x.why, x.statements]));
    assert.deepEqual(why, {
      'in migrations': 2,
      'that are DDL or utility commands (CREATE, ALTER, DROP…)': 3,
      'written for MySQL': 2,
      'written for SQLite': 2,
      'in seeds': 1,
      'in tests': 1,
    });
    const lines = workloadWeighingLines(r);
    assert.ok(lines.some((l) => /^Not workload, never planned: 2 statements in migrations; 3 statements that are DDL/.test(l)), lines.join('\n'));
    assert.ok(!lines.some((l) => /CREATE TABLE|ENGINE=InnoDB|AUTOINCREMENT/.test(l)), lines.join('\n'));
    assert.ok(!db.isClosed);
  });

  it('a statement that fails (an error, a missing table, a refused function, its session ended mid-plan) is one line, and the list goes on', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const killer = new Client({ connectionString: t.url });
    await killer.connect();
    // End the backend that plans slow_fold() as soon as it sleeps in it (the person's "lost the connection" on one
    // statement). Matched by its wait, not its text: before PostgreSQL 16 the plan is made by `EXPLAIN EXECUTE` of a
    // prepared statement, whose text does not name slow_fold().
    let stop = false;
    const watch = (async () => {
      while (!stop) {
        await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event = 'PgSleep' AND state = 'active'`);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    try {
      const found: FoundStatement[] = [
        { sql: 'SELECT * FROM term WHERE nosuch = $1', source: 'src/a.ts:1', context: 'request' },
        { sql: 'SELECT * FROM missing_table WHERE x = $1', source: 'src/a.ts:2', context: 'request' },
        { sql: 'SELECT * FROM term WHERE project_id = $1 AND slow_fold() = 1', source: 'src/a.ts:3', context: 'request' },
        { sql: 'SELECT * FROM term WHERE project_id = $1', source: 'src/a.ts:4', context: 'request' },
        { sql: 'SELECT * FROM locale WHERE code = $1', source: 'src/a.ts:5', context: 'request' },
      ];
      const r = await adviseWorkload(db, { minCalls: 1_000_000, extraStatements: found });
      const outcome = (n: number) => r.weighed.find((w) => w.label.startsWith(`src/a.ts:${n}:`))?.outcome ?? '(not weighed)';
      for (const n of [1, 2, 3]) {
        assert.ok(!/^index proved/.test(outcome(n)), outcome(n));
        assert.ok(!outcome(n).includes('\n'), `one line: ${outcome(n)}`);
      }
      assert.match(outcome(2), /No table missing_table/);
      assert.match(outcome(3), /closed our session/);
      assert.match(outcome(4), /^index proved: term \(project_id/);
      assert.match(outcome(5), /^index proved: locale \(code/);
      assert.ok(!db.isClosed);
      assert.equal((await db.query('/* pg-lens */ SELECT 1 AS one')).rows[0].one, 1, 'the connection is still there');
    } finally {
      stop = true;
      await watch;
      await killer.end();
    }
  });
});
