/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-w (session 36: Dendrite in Go on database/sql,
 * Procrastinate in Python on psycopg 3, Que in Ruby), each fixed as a kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { codeContextOf } from '../../../../src/core/codeContext';
import { sqlFileSites } from '../../../../src/core/extract';
import { declared } from './helpers';

describe('rules-w kinds: an expression beside a lookup by every key of a composite index', () => {
  const SCHEMA = [
    'CREATE TABLE device_key (user_id TEXT NOT NULL, device_id TEXT NOT NULL, key_id TEXT NOT NULL, algorithm TEXT NOT NULL, key_json TEXT NOT NULL,',
    '  CONSTRAINT device_key_unique UNIQUE (user_id, device_id, key_id, algorithm));',
    'CREATE INDEX device_key_idx ON device_key (user_id, device_id);',
    // No index of its own on the pair: the unique key is the only one, and it holds the wrapped column.
    'CREATE TABLE token (account_id TEXT NOT NULL, n INT NOT NULL, secret TEXT NOT NULL, UNIQUE (account_id, n));',
  ].join('\n');
  const go = (sql: string) => ['package store', '', `const q = "${sql}"`, '', 'func f(db *sql.DB) { db.QueryContext(ctx, q, a, b, c) }', ''].join('\n');
  async function findings(sql: string) {
    const r = await analyzeFile({ path: 'store/keys.go', text: go(sql) }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(SCHEMA) })] });
    return r.findings;
  }

  it("`user_id = $1 AND device_id = $2 AND concat(algorithm, ':', key_id) = ANY($3)` with INDEX (user_id, device_id): a note that the index finds one device's rows", async () => {
    const [f] = await findings("SELECT key_json FROM device_key WHERE user_id = $1 AND device_id = $2 AND concat(algorithm, ':', key_id) = ANY($3)");
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.lookupBy, '(user_id, device_id)');
    assert.match(f.message, /only filters rows here: the same WHERE looks them up by \(user_id, device_id\), every key of an index of the schema files/);
  });

  it('only one key of the composite index pinned, or no index apart from the one holding the wrapped column: still a warning', async () => {
    const [one] = await findings("SELECT key_json FROM device_key WHERE user_id = $1 AND concat(algorithm, ':', key_id) = $2");
    assert.equal(one.severity, 'warning');
    const [token] = await findings('SELECT secret FROM token WHERE account_id = $1 AND n::text = $2');
    assert.equal(token.severity, 'warning');
  });
});

describe('rules-w kinds: a statement kept by key in a registry of statements', () => {
  const SCHEMA = 'CREATE TABLE jobs (id bigserial PRIMARY KEY, job_class text NOT NULL, args jsonb NOT NULL, data jsonb NOT NULL, run_at timestamptz NOT NULL);';
  const ruby = (slot: string) =>
    [
      'module Queue',
      '  module Introspection',
      `    ${slot} =`,
      '      %{',
      '        SELECT jobs.*, l.pid',
      '        FROM public.jobs',
      '        JOIN (SELECT objid AS id, pid FROM pg_locks) l USING (id)',
      '      }',
      '',
      '    def job_states',
      '      execute :job_states',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n');
  async function findings(slot: string) {
    const r = await analyzeFile({ path: 'lib/queue/introspection.rb', text: ruby(slot) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(SCHEMA) })] });
    return r.findings;
  }

  it('`SQL[:job_states] = %{ SELECT jobs.* … }`, run by its key: the rows leave through that call, so what the file names is no evidence', async () => {
    assert.deepEqual(await findings('SQL[:job_states]'), []);
  });

  it('a Python registry (`QUERIES["job_states"] = """SELECT jobs.* …"""`) is the same kind', async () => {
    const py = ['QUERIES = {}', 'QUERIES["job_states"] = """', '    SELECT jobs.*, l.pid', '    FROM jobs', '    JOIN (SELECT objid AS id, pid FROM pg_locks) l USING (id)', '"""', '', 'def job_states(db):', '    return db.execute(QUERIES["job_states"])', ''].join('\n');
    const r = await analyzeFile({ path: 'queue/introspection.py', text: py }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(SCHEMA) })] });
    assert.deepEqual(r.findings, []);
  });
});

describe('rules-w kinds: a schema delta written in Go, named by its timestamp', () => {
  it('`storage/postgres/deltas/2021041615092700_state_blocks_refactor.go` is a migration; a timestamp-free Go file there is not', () => {
    assert.equal(codeContextOf('roomserver/storage/postgres/deltas/2021041615092700_state_blocks_refactor.go'), 'migration');
    assert.equal(codeContextOf('syncapi/storage/postgres/deltas/20201211125500_sequences.go'), 'migration');
    assert.equal(codeContextOf('roomserver/storage/postgres/membership_table.go'), 'request');
  });
});

describe('rules-w kinds: a .sql file of statements a Python driver runs (`%(name)s` parameters, `-- name --` lines)', () => {
  const QUERIES = [
    '-- File format:',
    '    -- query_name --',
    '    -- %s-templated QUERY',
    '',
    '-- fetch_stalled --',
    '-- Get running jobs that started before a time',
    'SELECT id, status FROM jobs',
    "WHERE status = 'doing'",
    '  AND (%(queue)s::varchar IS NULL OR queue_name = %(queue)s)',
    '  AND started_at < NOW() - (%(nb_seconds)s || \' SECOND\')::INTERVAL',
    '',
    '-- delete_old --',
    '-- Delete finished jobs',
    'DELETE FROM jobs WHERE id = ANY(%(ids)s::bigint[]);',
    '',
  ].join('\n');
  it('each statement is read with its parameters mapped to $n, and a name line ends the statement before it', () => {
    const sites = sqlFileSites(QUERIES, 'app/sql/queries.sql');
    assert.deepEqual(sites.map((s) => s.sql.replace(/\s+/g, ' ').trim()), [
      "SELECT id, status FROM jobs WHERE status = 'doing' AND ($1::varchar IS NULL OR queue_name = $1) AND started_at < NOW() - ($2 || ' SECOND')::INTERVAL",
      'DELETE FROM jobs WHERE id = ANY($1::bigint[])',
    ]);
    assert.deepEqual(sites.map((s) => [...new Set(s.params.map((p) => p.source))]), [['%(queue)s', '%(nb_seconds)s'], ['%(ids)s']]);
  });
  it('a psql script without them keeps its psql variables', () => {
    const [s] = sqlFileSites('SELECT * FROM :"schema".jobs WHERE id = :id;', 'db/script.sql');
    assert.equal(s.params.length, 1);
  });
});
