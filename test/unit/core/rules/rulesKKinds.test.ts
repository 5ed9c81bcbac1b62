/**
 * Kinds of false alarms and misses from the blind look at split rules-k (issue 14, twenty-second session), each on our
 * own fixture code: a search text matched against patterns built from the rows (`$1 ILIKE '%' || tag || '%'`) and a value
 * of `unnest(tags) AS tag` taken for an indexed column; a column inside a LIKE pattern taken for a lookup; a leading
 * wildcard in an optional filter beside a lookup whose index also holds the searched column; Prisma options too long or
 * nested for the offset scan; Ruby chains whose dots end the line; will_paginate and Kaminari pages; evaluation suites.
 */
import { strict as assert } from 'node:assert';
import { leadingWildcardLike } from '../../../../src/core/rules/leadingWildcardLike';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { codeContextOf } from '../../../../src/core/codeContext';
import { check, declared, error, ok } from './helpers';

describe('rules-k kinds: what a LIKE searches', () => {
  const TAG_SEARCH = [
    'SELECT id, name FROM widget w WHERE w.tenant_id = $1',
    "AND (w.name ILIKE '%' || $2 || '%' OR EXISTS (",
    '  SELECT 1 FROM unnest(w.tags) AS tag',
    "  WHERE $2 ILIKE '%' || tag || '%'",
    '    AND (length($2) = length(tag) OR $2 ILIKE tag || \' %\' OR $2 ILIKE \'% \' || tag)))',
  ].join('\n');

  it('the caller\'s text matched against patterns built from the rows is no column search (it was a warning per pattern)', () => {
    const found = check(leadingWildcardLike, TAG_SEARCH).findings.map((f) => f.evidence?.expression);
    // Only the search of the table's own column stays.
    assert.deepEqual(found, ["w.name ILIKE '%'"]);
    ok(leadingWildcardLike, "SELECT 1 WHERE $1 LIKE '%' || $2");
    ok(leadingWildcardLike, "SELECT e.k FROM jsonb_each($1::jsonb) AS e(k, v) WHERE e.k LIKE '%x'");
  });

  it('a value of a set-returning function in FROM, or a column inside a LIKE pattern, hides no index (it was a warning)', () => {
    ok(nonSargablePredicate, TAG_SEARCH);
    ok(nonSargablePredicate, "SELECT 1 FROM widget w WHERE EXISTS (SELECT 1 FROM unnest(w.tags) t(tag) WHERE lower(t.tag) = $1)");
    ok(nonSargablePredicate, "SELECT id FROM widget WHERE $1 LIKE lower(name) || '%'");
    // The table's own column wrapped on the left still is.
    error(nonSargablePredicate, "SELECT id FROM widget WHERE lower(name) LIKE $1 || '%'");
    error(nonSargablePredicate, 'SELECT 1 FROM widget w WHERE EXISTS (SELECT 1 FROM unnest(w.tags) AS tag WHERE lower(w.name) = $1)');
  });

  it('a leading wildcard in an optional filter beside a lookup whose index also holds the searched column only filters (it was a warning)', async () => {
    const schema = [
      'CREATE TABLE ai_model (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name varchar(255) NOT NULL, configuration jsonb NOT NULL,',
      '  CONSTRAINT ai_model_name_unq UNIQUE (tenant_id, name));',
      'CREATE TABLE note (id uuid PRIMARY KEY, author text, body text);',
    ].join('\n');
    const ts = [
      'export async function search(db, tenant: string, q: string) {',
      '  await db.query(`SELECT id FROM ai_model m WHERE m.tenant_id = $1 AND ($2::text IS NULL OR m.name ILIKE \'%\' || $2 || \'%\'',
      "    OR REPLACE(m.configuration ->> 'provider', '_', ' ') ILIKE '%' || $2 || '%')`, [tenant, q]);",
      // No index leads with author: every row of note is filtered, a note that its size is unproved (session 25).
      "  await db.query(`SELECT id FROM note WHERE author = $1 AND body ILIKE '%' || $2 || '%'`, [tenant, q]);",
      '}',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'src/search.ts', text: ts }, { analyzers: [rulesAnalyzer({ rules: [leadingWildcardLike], declared: declared(schema) })] });
    assert.deepEqual(r.findings.map((f) => [f.severity, f.evidence?.table ?? null, (f.evidence?.lookupBy as string) ?? null]), [
      ['info', 'ai_model', 'tenant_id'],
      ['info', 'ai_model', 'tenant_id'],
      ['info', 'note', null],
    ]);
    assert.equal(r.findings[2].evidence?.size, 'unproved');
    assert.match(r.findings[1].message, /REPLACE\(m\.configuration ->> 'provider', '_', ' '\) ILIKE '%' only filters rows here/);
  });
});

describe('rules-k kinds: ORM and page-helper offsets', () => {
  it('a skip at the top of a long, nested Prisma options object (it was missed past one level of nesting or 400 characters)', () => {
    const where = Array.from({ length: 12 }, (_, i) => `        { field${i}: { contains: search, mode: "insensitive" } },`).join('\n');
    const ts = [
      'export async function list(page: number, pageSize: number, search?: string) {',
      '  return this._replica.taskSchedule.findMany({',
      '    select: { id: true, friendlyId: true, instances: { select: { environmentId: true } } },',
      '    where: {',
      '      projectId,',
      '      AND: search ? { OR: [',
      where,
      '      ] } : undefined,',
      '    },',
      '    orderBy: { createdAt: "desc" },',
      '    take: pageSize,',
      '    skip: (page - 1) * pageSize,',
      '  });',
      '}',
      'export async function first() {',
      '  return db.user.findMany({ where: { name: { contains: "x" } }, orderBy: { id: "asc" }, take: 10, skip: 0 });',
      '}',
      'export async function filter() {',
      // A key named skip inside a nested filter is a column, not the page.
      '  return db.step.findMany({ where: { AND: [{ OR: [{ skip: true }, { skip: null }] }] }, take: 10 });',
      '}',
    ].join('\n');
    const hits = findOrmOffsets(ts, 'app/presenters/ScheduleList.server.ts', []);
    assert.deepEqual(hits.map((h) => [ts.slice(0, h.at).split('\n').length, h.what]), [[23, 'skip: (page - 1) * pageSize']]);
  });

  it('a Ruby chain whose dots end the line, and will_paginate / Kaminari pages (they were missed)', () => {
    const rb = [
      'class AdminController < ApplicationController',
      '  def timeline',
      '    scope = InfoRequestEvent.',
      "      where(created_at: start_date...).",
      '      order(created_at: :desc).',
      '      limit(pager.per_page).',
      '      offset(pager.offset)',
      '    @users = User.order(:name).paginate(page: params[:page], per_page: 100)',
      '    @tracks = TrackThing.paginate(:page => params[:page], :per_page => 50)',
      '    @posts = Post.order(id: :desc).page(params[:page]).per(25)',
      '    @first = Post.paginate(page: 1, per_page: 10)',
      '  end',
      'end',
    ].join('\n');
    const hits = findOrmOffsets(rb, 'app/controllers/admin_controller.rb', []);
    assert.deepEqual(hits.map((h) => [rb.slice(0, h.at).split('\n').length, h.what]), [
      [7, '.offset(pager.offset)'],
      [8, '.paginate(page: params[:page]): LIMIT/OFFSET'],
      [9, '.paginate(page: params[:page]): LIMIT/OFFSET'],
      [10, '.page(params[:page]).per(…): LIMIT/OFFSET'],
    ]);
    // Python's paginate keeps its own shape; `.page(…).per(…)` is Ruby's.
    assert.equal(findOrmOffsets('items = store.page(n).per(25)', 'app/list.py', []).length, 0);
    // An array paged in memory, and a docstring whose sentence ends before `offset(…)`, are not SQL pagination.
    assert.equal(findOrmOffsets('    Array.new(total).paginate(page: @page, per_page: @per_page)\n    ids.to_a.paginate(page: page)', 'app/models/search/response.rb', []).length, 0);
    const doc = ['def list_reports(limit=None, offset=None):', '    """Args:', '        limit(int, optional): The number of reports to return.', '        offset(int, optional): The number of reports to skip from top.', '    """', '    return db.query(limit=limit)'].join('\n');
    assert.equal(findOrmOffsets(doc, 'critiquebrainz/db/spam_report.py', []).length, 0);
  });

  it('an evaluation suite is test code (its expected outputs are fixtures)', () => {
    assert.equal(codeContextOf('apps/webapp/evals/aiQuery.eval.ts'), 'test');
    assert.equal(codeContextOf('src/ai/summary.eval.ts'), 'test');
    assert.equal(codeContextOf('backend/evals/run_suite.py'), 'test');
    assert.equal(codeContextOf('src/services/evaluation.ts'), 'request');
  });
});
