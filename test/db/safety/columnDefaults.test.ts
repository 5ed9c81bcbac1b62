/**
 * A column default runs only when a row is written without that column, so it is judged only for statements that
 * fill one (issue 20, person15 MEDIUM 4: Ever Traduora's tables have `id uuid DEFAULT uuid_generate_v4()`, and a
 * plain SELECT was called VOLATILE: Explain Analyze asked for the data-change confirmation and Benchmark refused).
 * The promise stays: what an INSERT, an upsert, UPDATE … DEFAULT, MERGE or a write through a rule would run is still
 * named, a SELECT calling a planted writing function is still stopped, and nothing is ever changed (real PostgreSQL).
 */
import { strict as assert } from 'node:assert';
import { testDatabase, rejectsWith, announceFallback } from '../support';
import type { Database } from '../../../src/db/database';
import { analyzeRisk, explain, explainAnalyze } from '../../../src/db/explain';
import { benchmark } from '../../../src/db/benchmark';

describe('safety: a column default matters only to a statement that fills it (real PostgreSQL)', function () {
  this.timeout(120000);
  const tdb = testDatabase('col_defaults');
  let db: Database;
  let ossp = false;
  const count = async (t: string) => Number((await tdb.admin.query(`SELECT count(*) FROM ${t}`)).rows[0].count);

  before(async () => {
    const a = tdb.admin;
    ossp = (await a.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'uuid-ossp'`)).rows.length > 0;
    if (ossp) await a.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
    else {
      announceFallback('uuid-ossp', 'a VOLATILE public.uuid_generate_v4() written in SQL stands for it');
      await a.query(`CREATE FUNCTION uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE AS 'SELECT gen_random_uuid()'`);
    }
    await a.query('CREATE TABLE audit (n int)');
    // A planted VOLATILE default that writes: it must be named whenever a statement would run it.
    await a.query(`CREATE FUNCTION audit_n() RETURNS int LANGUAGE plpgsql VOLATILE AS $$ BEGIN INSERT INTO audit VALUES (1); RETURN 1; END $$`);
    // Traduora's shape: uuid ids, timestamps, a serial, gen_random_uuid.
    await a.query(`CREATE TABLE project (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), name text NOT NULL,
      seq serial, token uuid DEFAULT gen_random_uuid(), created timestamptz NOT NULL DEFAULT now())`);
    await a.query(`CREATE TABLE term (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), project_id uuid NOT NULL REFERENCES project(id),
      value text NOT NULL, n int DEFAULT audit_n(), UNIQUE (project_id, value))`);
    await a.query(`INSERT INTO project (name) SELECT 'p' || g FROM generate_series(1, 50) g`);
    await a.query(`INSERT INTO term (project_id, value, n) SELECT p.id, 't' || g, 0 FROM project p, generate_series(1, 20) g`);
    await a.query('TRUNCATE audit');
    await a.query('CREATE VIEW term_view AS SELECT id, project_id, value FROM term');
    await a.query(`CREATE RULE term_view_upd AS ON UPDATE TO term_view DO INSTEAD INSERT INTO term (project_id, value) VALUES (NEW.project_id, NEW.value)`);
    await a.query('ANALYZE');
    db = await tdb.open();
  });

  it('a SELECT of tables with uuid_generate_v4()/gen_random_uuid()/nextval()/now() defaults is a plain read: no confirmation, READ ONLY, benchmarked', async () => {
    for (const sql of [
      'SELECT * FROM project WHERE name = $1',
      'SELECT t.id, t.value FROM term t JOIN project p ON p.id = t.project_id WHERE p.name = $1 ORDER BY t.value LIMIT 10',
      'SELECT id, value FROM term_view WHERE value = $1',
    ]) {
      const risk = await analyzeRisk(db, sql);
      assert.equal(risk.needsConfirmation, false, `${sql}: ${risk.risk}`);
      assert.deepEqual(risk.report.volatile.map((f) => f.name), [], sql);
      assert.equal(risk.readOnly, true);
      const r = await explainAnalyze(db, sql, { params: ['p1'] });
      assert.ok(r.plan.nodes.length > 0);
      const b = await benchmark(db, sql, { runs: 3, params: ['p1'] });
      assert.equal(b.errors, 0, sql);
    }
    assert.equal(await count('audit'), 0);
  });

  it('an INSERT, an upsert, UPDATE … DEFAULT, MERGE and an UPDATE through a rule still name the defaults they run; confirmed, nothing stays', async () => {
    const terms = await count('term');
    const pid = (await tdb.admin.query(`SELECT id FROM project WHERE name = 'p1'`)).rows[0].id;
    const cases: [string, unknown[]][] = [
      ['INSERT INTO term (project_id, value) VALUES ($1, $2)', [pid, 'new']],
      ['INSERT INTO term (project_id, value) VALUES ($1, $2) ON CONFLICT (project_id, value) DO UPDATE SET value = EXCLUDED.value', [pid, 't1']],
      ['UPDATE term SET n = DEFAULT WHERE value = $1', ['t2']],
      [`MERGE INTO term t USING (SELECT $1::uuid AS p, $2::text AS v) s ON t.project_id = s.p AND t.value = s.v WHEN NOT MATCHED THEN INSERT (project_id, value) VALUES (s.p, s.v)`, [pid, 'm']],
      ['UPDATE term_view SET value = $2 WHERE project_id = $1 AND value = $3', [pid, 'via-rule', 't5']],
    ];
    for (const [sql, params] of cases) {
      const risk = await analyzeRisk(db, sql);
      assert.ok(risk.needsConfirmation, sql);
      assert.ok(risk.report.volatile.some((f) => f.name === 'public.audit_n'), `${sql}: ${risk.risk}`);
      assert.match(risk.risk, /VOLATILE function.*public\.audit_n/, sql);
      await rejectsWith(explainAnalyze(db, sql, { params }), /Refused without confirmation/);
      await explainAnalyze(db, sql, { params, allowDml: true });
    }
    assert.equal(await count('term'), terms);
    assert.equal(await count('audit'), 0);
  });

  it('an INSERT that fills the uuid id names uuid_generate_v4; an UPDATE that fills no default does not', async () => {
    const ins = await analyzeRisk(db, `INSERT INTO project (name) VALUES ('x')`);
    assert.ok(ins.report.volatile.some((f) => f.name === 'public.uuid_generate_v4'), ins.risk);
    const upd = await analyzeRisk(db, `UPDATE project SET name = 'y' WHERE name = 'p3'`);
    assert.ok(upd.needsConfirmation, 'still a write');
    assert.deepEqual(upd.report.volatile.map((f) => f.name), [], upd.risk);
  });

  it('a default written by a less privileged role: a SELECT is planned (it never runs it), an INSERT is still refused as untrusted', async () => {
    const a = tdb.admin;
    const role = `pglens_lowpriv_${process.pid}`;
    await a.query(`DROP ROLE IF EXISTS ${role}`);
    await a.query(`CREATE ROLE ${role} NOLOGIN`);
    try {
      await a.query(`CREATE FUNCTION low_id() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1'`);
      await a.query(`ALTER FUNCTION low_id() OWNER TO ${role}`);
      await a.query('CREATE TABLE low_t (id int DEFAULT low_id(), v text)');
      const plan = await explain(db, 'SELECT * FROM low_t WHERE v = $1');
      assert.ok(plan.plan.nodes.length > 0);
      await rejectsWith(explain(db, `INSERT INTO low_t (v) VALUES ('x')`), /Refused: planning this statement would run public\.low_id\(\)/);
    } finally {
      await a.query('DROP TABLE IF EXISTS low_t');
      await a.query('DROP FUNCTION IF EXISTS low_id()');
      await a.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('a SELECT that calls the planted writing function, or writes in a CTE, is still stopped and changes nothing', async () => {
    await rejectsWith(explainAnalyze(db, 'SELECT audit_n() FROM project LIMIT 1'), /VOLATILE function public\.audit_n/);
    await rejectsWith(explainAnalyze(db, 'SELECT audit_n() FROM project LIMIT 1', { allowDml: true }), /read-only/);
    await rejectsWith(benchmark(db, 'SELECT audit_n()', { runs: 2 }), /VOLATILE function public\.audit_n|Only statements that only read/);
    const cte = `WITH x AS (INSERT INTO term (project_id, value) SELECT id, 'cte' FROM project LIMIT 1 RETURNING 1) SELECT count(*) FROM x`;
    const risk = await analyzeRisk(db, cte);
    assert.ok(risk.needsConfirmation);
    assert.match(risk.risk, /audit_n/);
    await rejectsWith(benchmark(db, cte, { runs: 2 }), /Only statements that only read/);
    assert.equal(await count('audit'), 0);
  });
});
