/**
 * Kinds of false alarms and misses from the blind look at split rules-g (issue 14, eleventh session), each on our own
 * fixture code: a cast the schema files make harmless (a varchar column relabelled as text, as pg_dump writes views;
 * an index declared on the cast itself), an expression inside an OR beside a primary-key lookup, and Ruby heredocs
 * that were never read (`<<~SQL.squish`, a heredoc assigned to a name or returned by a method).
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { addDeclaredIndexes, addDeclaredKeys, addDeclaredTables, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { sitesIn } from '../../support/extractFixtures';
import { error, ok } from './helpers';

function declared(schema: string): DeclaredIndexes {
  const d: DeclaredIndexes = new Map();
  addDeclaredIndexes(schema, d);
  addDeclaredKeys(schema, d);
  addDeclaredTables(schema, d);
  return d;
}

const SCHEMA = [
  'CREATE TABLE public.note (id uuid NOT NULL, owner_type character varying NOT NULL, owner_id uuid NOT NULL, body text, lang varchar(8), size integer);',
  'CREATE INDEX index_note_on_owner ON public.note USING btree (owner_type, owner_id);',
  'CREATE TABLE member (id uuid PRIMARY KEY, handle varchar, seen_at timestamptz);',
  'ALTER TABLE member ADD CONSTRAINT member_handle_key UNIQUE (handle);',
  'CREATE INDEX ix_member_id ON member USING btree ((id::text));',
].join('\n');

async function findings(sql: string[], schema = SCHEMA) {
  const ts = ['export async function q(db, a, b) {', ...sql.map((s) => `  await db.query(\`${s}\`, [a, b]);`), '}', ''].join('\n');
  const r = await analyzeFile({ path: 'src/q.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(schema) })] });
  return r.findings.map((f) => [f.ruleId, f.severity, f.evidence?.expression]);
}

describe('rules-g kinds: casts the schema files make harmless', () => {
  it('a cast of a text or varchar column to text (pg_dump writes `(owner_type)::text` in views) is a relabel, not an expression', async () => {
    assert.deepEqual(await findings([
      "SELECT id FROM public.note n WHERE (n.owner_type)::text = 'Invoice'::text AND n.owner_id = $1",
      "SELECT id FROM note WHERE lang::varchar = 'en'",
      "SELECT id FROM note WHERE body::text LIKE 'x%'",
    ]), []);
    // A cast of a column of another type still hides it; so does a cast the schema files cannot vouch for.
    assert.deepEqual(await findings([
      'SELECT id FROM note WHERE size::text = $1',
      "SELECT id FROM elsewhere WHERE (kind)::text = 'a'",
    ]), [
      ['non-sargable-predicate', 'warning', 'size::text'],
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
