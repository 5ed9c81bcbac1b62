/**
 * Kinds of false alarms and misses from the blind look at split rules-g (issue 14, eleventh session), each on our own
 * fixture code: a cast the schema files make harmless (a varchar column relabelled as text, as pg_dump writes views;
 * an index declared on the cast itself), an expression inside an OR beside a primary-key lookup, and Ruby heredocs
 * that were never read (`<<~SQL.squish`, a heredoc assigned to a name or returned by a method).
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { sitesIn } from '../../support/extractFixtures';
import { sqlFileSites } from '../../../../src/core/extract';
import { check, declaredFindings, error, ok } from './helpers';

const SCHEMA = [
  'CREATE TABLE public.note (id uuid NOT NULL, owner_type character varying NOT NULL, owner_id uuid NOT NULL, body text, lang varchar(8), size integer);',
  'CREATE INDEX index_note_on_owner ON public.note USING btree (owner_type, owner_id);',
  'CREATE TABLE member (id uuid PRIMARY KEY, handle varchar, seen_at timestamptz);',
  'ALTER TABLE member ADD CONSTRAINT member_handle_key UNIQUE (handle);',
  'CREATE INDEX ix_member_id ON member USING btree ((id::text));',
].join('\n');

const findings = (sql: string[], schema = SCHEMA) => declaredFindings(sql, schema, [nonSargablePredicate]);

describe('rules-g kinds: casts the schema files make harmless', () => {
  it('a cast of a text or varchar column to text (pg_dump writes `(owner_type)::text` in views) is a relabel, not an expression', async () => {
    assert.deepEqual(await findings([
      "SELECT id FROM public.note n WHERE (n.owner_type)::text = 'Invoice'::text AND n.owner_id = $1",
      "SELECT id FROM note WHERE lang::varchar = 'en'",
      "SELECT id FROM note WHERE body::text LIKE 'x%'",
    ]), []);
    // A cast of an indexed column of another type still hides it; so does a cast the schema files cannot vouch for.
    assert.deepEqual(await findings([
      'SELECT id FROM note WHERE owner_id::text = $1',
      "SELECT id FROM elsewhere WHERE (kind)::text = 'a'",
    ]), [
      ['non-sargable-predicate', 'warning', 'owner_id::text'],
      ['non-sargable-predicate', 'warning', '(kind)::text'],
    ]);
  });

  it('an index the schema files declare on the cast itself (`CREATE INDEX … ((id::text))`) serves it', async () => {
    assert.deepEqual(await findings(['SELECT handle FROM member WHERE handle = $1 OR id::text = $1']), []);
    // The same cast of a column the schema indexes only plainly (the primary key) still loses that index.
    assert.deepEqual(await findings(['SELECT handle FROM member WHERE id::text = $1'], SCHEMA.replace(/CREATE INDEX ix_member_id[^;]*;/, '')), [['non-sargable-predicate', 'warning', 'id::text']]);
  });

  it('the expression text is whole when the column is parenthesised', async () => {
    assert.deepEqual(await findings(["SELECT id FROM elsewhere WHERE (e.kind)::int = 1"], ''), [['non-sargable-predicate', 'warning', '(e.kind)::int']]);
  });
});

describe('rules-g kinds: an OR beside a primary-key lookup', () => {
  it('an expression inside an OR ANDed with `id = $1` only checks the one row the key finds', () => {
    ok(nonSargablePredicate, 'UPDATE member SET seen_at = now() WHERE id = $1 AND (seen_at + $2::interval < now() OR seen_at IS NULL)');
    ok(nonSargablePredicate, 'SELECT 1 FROM member WHERE (lower(handle) = $2 OR handle IS NULL) AND id = $1');
    // Without the key beside it, the OR's expression is looked for over the whole table.
    error(nonSargablePredicate, 'SELECT 1 FROM member WHERE seen_at + $2::interval < now() OR seen_at IS NULL');
    // A subquery's own WHERE is not pinned by the outer key.
    error(nonSargablePredicate, 'SELECT 1 FROM member m WHERE m.id = $1 AND EXISTS (SELECT 1 FROM note n WHERE lower(n.body) = $2)');
  });
});

describe('rules-g kinds: Ruby heredocs that were never read', () => {
  const rb = [
    'class Report < ApplicationRecord',
    '  def self.query(org)',
    '    sql = <<~SQL.squish',
    '      WITH months AS (',
    '        SELECT date_trunc(\'month\', created_at) AS month FROM invoices WHERE organization_id = :org',
    '      )',
    '      SELECT month FROM months',
    '    SQL',
    '    sanitize_sql([sql, {org: org}])',
    '  end',
    '',
    '  def invalid_query',
    '    <<-SQL',
    '      SELECT DISTINCT transaction_id FROM events WHERE organization_id = :org AND code IS NULL',
    '    SQL',
    '  end',
    '',
    '  def run',
    '    connection.exec_query(<<~SQL.strip)',
    '      UPDATE invoices SET status = 2 WHERE id = 1',
    '    SQL',
    '  end',
    '',
    '  def fragment',
    '    where(<<~SQL.squish)',
    '      EXISTS (SELECT 1 FROM fees WHERE fees.invoice_id = invoices.id)',
    '    SQL',
    '  end',
    'end',
    '',
  ].join('\n');

  it('`<<~SQL.squish`, a heredoc assigned to a name, and one a method returns are statements; a WHERE fragment is not', async () => {
    const sites = await sitesIn(rb, 'app/models/report.rb');
    assert.deepEqual(sites.map((s) => s.sql.replace(/\s+/g, ' ').trim().slice(0, 40)), [
      "WITH months AS ( SELECT date_trunc('mont",
      'SELECT DISTINCT transaction_id FROM even',
      'UPDATE invoices SET status = 2 WHERE id ',
    ]);
    assert.equal(sites[2].api, 'activerecord.exec_query');
  });
});

describe("rules-g kinds: psql's variables in .sql scripts", () => {
  it('`:SCHEMA.jobs` is read as a name spliced in, `:value` as a parameter; casts and array slices are no variables', () => {
    const sql = [
      'create table :APP_SCHEMA.jobs (id bigserial primary key, tags text[], run_at timestamptz not null);',
      'create index on :"APP_SCHEMA".jobs (run_at);',
      "select id, tags[1:2] from :APP_SCHEMA.jobs where run_at::date = :'day'::date;",
      '',
    ].join('\n');
    const sites = sqlFileSites(sql, 'sql/000003.sql');
    assert.deepEqual(sites.map((s) => s.sql), [
      'create table APP_SCHEMA.jobs (id bigserial primary key, tags text[], run_at timestamptz not null)',
      'create index on APP_SCHEMA.jobs (run_at)',
      'select id, tags[1:2] from APP_SCHEMA.jobs where run_at::date = $1::date',
    ]);
    // Each name maps back to its place in the file.
    const first = sites[0];
    const at = first.sql.indexOf('APP_SCHEMA');
    assert.equal(sql.slice(first.sourceMap[at], first.sourceMap[at] + 10), 'APP_SCHEMA');
  });
});

describe('rules-g kinds: OFFSET over the rows the caller names by key', () => {
  it('`key IN $1`, `key = ANY($1)`, `key IN ($1, $2)` page a list the caller holds: a note that says so; a whole table, a filter or a list of categories is no list of keys (without a database its size is unproved)', () => {
    const sev = (sql: string) => check(offsetPagination, sql).findings.map((f) => [f.severity, f.evidence?.namedBy ?? f.evidence?.size ?? null]);
    assert.deepEqual(sev('SELECT bbid, name FROM work WHERE bbid IN $1 AND master = true LIMIT $2 OFFSET $3'), [['info', 'bbid']]);
    assert.deepEqual(sev('SELECT id FROM work WHERE id = ANY($1) ORDER BY id LIMIT $2 OFFSET $3'), [['info', 'id']]);
    assert.deepEqual(sev('SELECT id FROM work WHERE id IN ($1, $2) LIMIT $3 OFFSET $4'), [['info', 'id']]);
    assert.match(check(offsetPagination, 'SELECT id FROM work WHERE id = ANY($1) LIMIT $2 OFFSET $3').findings[0].message, /pages only the rows named by id here/);
    assert.deepEqual(sev('SELECT id FROM work ORDER BY musicbrainz_row_id LIMIT $1 OFFSET $2'), [['info', 'unproved']]);
    assert.deepEqual(sev('SELECT id FROM work WHERE author = $1 ORDER BY id LIMIT $2 OFFSET $3'), [['info', 'unproved']]);
    // A list of categories is no list of keys: each status matches any number of rows.
    assert.deepEqual(sev('SELECT id FROM runs WHERE tenant_id = $1 AND readable_status = ANY($2::run_status[]) ORDER BY id LIMIT $3 OFFSET $4'), [['info', 'unproved']]);
    // An IN list inside an OR narrows nothing.
    assert.deepEqual(sev('SELECT id FROM work WHERE id IN ($1, $2) OR public LIMIT $3 OFFSET $4'), [['info', 'unproved']]);
  });
});
