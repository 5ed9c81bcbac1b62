/**
 * Kinds of false alarms and misses from the blind look at split rules-l (issue 14, twenty-third session), each on our
 * own fixture code: LIMIT/OFFSET rendered by a two-argument `limit(count, offset)` (a dialect helper's text appended to
 * the SQL, Sequel's `dataset.limit(n, offset)`); a Ruby query builder's positional `.paginate(page, size)`; a yes/no
 * count over rows pinned by their key (or two keys at once); an inequality taken for a lookup a function hides; Rails'
 * Pagy; NOT IN (SELECT …) in a WHERE fragment appended at run time.
 */
import { strict as assert } from 'node:assert';
import { countForExistence } from '../../../../src/core/rules/countForExistence';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { fragmentNotInAnalyzer } from '../../../../src/core/rules/fragmentNotIn';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { check, error, facts, ok } from './helpers';

const whats = (text: string, file: string) => findOrmOffsets(text, file, []).map((h) => h.what);

describe('rules-l kinds: offsets a call renders', () => {
  it('a two-argument limit(count, offset) appended to the SQL is offset pagination', () => {
    const java = [
      'final StringBuilder sql = new StringBuilder("select w.id, w.name from widget w where w.shop_id = ? order by w.id");',
      'if (params.isLimited()) {',
      '    sql.append(" ").append(sqlGenerator.limit(params.getLimit(), params.getOffset()));',
      '}',
      'query.append(" ").append(dialect.limit(pageable.getPageSize(), (int) pageable.getOffset()));',
    ].join('\n');
    assert.deepEqual(whats(java, 'WidgetReadService.java'), ['.limit(params.getLimit(), params.getOffset()): LIMIT/OFFSET', '.limit(pageable.getPageSize(), (int) pageable.getOffset()): LIMIT/OFFSET']);
    assert.deepEqual(whats('DB[:widgets].where(shop_id: id).order(:id).limit(per_page, offset).all', 'widgets.rb'), ['.limit(per_page, offset): LIMIT/OFFSET']);
  });
  it('a one-argument limit, a literal offset or a second argument that is no offset is not', () => {
    assert.deepEqual(whats('lines.stream().skip(1).limit(10).collect(toList());', 'Reader.java'), []);
    assert.deepEqual(whats('sql.append(sqlGenerator.limit(params.getLimit()));', 'WidgetReadService.java'), []);
    assert.deepEqual(whats('DB[:widgets].limit(10, 0).all', 'widgets.rb'), []);
    assert.deepEqual(whats('text.limit(80, "…")', 'Text.java'), []);
  });
  it("a Ruby builder's positional .paginate(page, size) pages with OFFSET; will_paginate's keywords keep their own pattern", () => {
    const rb = [
      'rows = Qx.select(*cols).from(:supporters).where("supporters.shop_id=$id", id: id)',
      '  .paginate(query[:page].to_i, 30)',
      '  .execute',
      'ds = DB[:orders].order(:id).paginate(page_no, 50)',
    ].join('\n');
    assert.deepEqual(whats(rb, 'app/legacy_lib/query_supporters.rb'), ['.paginate(query[:page].to_i, …): LIMIT/OFFSET', '.paginate(page_no, …): LIMIT/OFFSET']);
    assert.deepEqual(whats('[1, 2, 3].each_slice(2).paginate(first, 2)', 'x.rb'), []);
    assert.deepEqual(whats('Foo.paginate(page: params[:page], per_page: 20)', 'x.rb'), ['.paginate(page: params[:page]): LIMIT/OFFSET']);
  });
  it("Rails' Pagy pages a scope with OFFSET; pagy_array pages memory and pagy_keyset pages by key", () => {
    const rb = [
      'def index',
      '  @pagy, @entries = pagy(Current.family.entries.reverse_chronological, limit: params[:per_page] || "10")',
      '  @pagy, @rows = pagy_array(rows, limit: 10)',
      '  @pagy, @events = pagy_keyset(Event.order(:id), limit: 20)',
      '  @pagy, @logs = pagy_countless(AuditLog.order(created_at: :desc))',
      'end',
    ].join('\n');
    assert.deepEqual(whats(rb, 'app/controllers/entries_controller.rb'), [
      'pagy(Current.family.entries.reverse_chronological): LIMIT/OFFSET from params[:page]',
      'pagy_countless(AuditLog.order(created_at: :desc)): LIMIT/OFFSET from params[:page]',
    ]);
    assert.deepEqual(whats('include Pagy::Backend\n# pagy(scope) pages it', 'app/controllers/application_controller.rb'), []);
  });
});

describe('rules-l kinds: the helper that renders the clause', () => {
  const HELPER = [
    'public class SqlDialect {',
    '    public String limit(int count) {',
    '        return limit(count, 0);',
    '    }',
    '',
    '    public String limit(int count, int offset) {',
    '        if (mysql) {',
    '            return format("LIMIT %s,%s", offset, count);',
    '        } else if (postgres) {',
    '            return format("LIMIT %s OFFSET %s", count, offset);',
    '        }',
    '        throw new IllegalStateException("unsupported");',
    '    }',
    '}',
  ].join('\n');
  it("a limit(count, offset) helper returning only LIMIT … OFFSET … is reported at its callers, not in itself", () => {
    assert.deepEqual(whats(HELPER, 'SqlDialect.java'), []);
    assert.deepEqual(whats(HELPER + '\nsql.append(dialect.limit(p.getLimit(), p.getOffset()));', 'SqlDialect.java'), ['.limit(p.getLimit(), p.getOffset()): LIMIT/OFFSET']);
  });
  it('a method that returns a whole paged statement, or appends the clause, is still reported', () => {
    const page = ['    public String limit(int count, int offset) {', '        return "SELECT id FROM widget ORDER BY id LIMIT " + count + " OFFSET " + offset;', '    }'].join('\n');
    assert.equal(whats(page, 'WidgetSql.java').length, 1);
    const appended = ['    public void findPage(StringBuilder sql, int count, int offset) {', '        sql.append(" LIMIT ? OFFSET ?");', '    }'].join('\n');
    assert.equal(whats(appended, 'WidgetSql.java').length, 1);
  });
});

describe('rules-l kinds: a count over a row or two', () => {
  it('count(*) > 0 over rows pinned by their primary key, or by two keys at once, is said at info', () => {
    const byTwoKeys = check(countForExistence, 'select case when (count(*) > 0) then true else false end from user_client_mapping where client_id = $1 and appuser_id = $2').findings;
    assert.deepEqual(byTwoKeys.map((f) => f.severity), ['info']);
    assert.match(byTwoKeys[0].message, /client_id and appuser_id/);
    const byKey = check(countForExistence, 'select case when (count(*) > 0) then true else false end from user_client_mapping m left join loan l on l.client_id = m.client_id where l.id = $1 and m.appuser_id = $2').findings;
    assert.deepEqual(byKey.map((f) => f.severity), ['info']);
  });
  it('one foreign key alone may match thousands of rows: no "row or two"; the table\'s size decides (a warning on a large one, a note that it is unproved without a database)', () => {
    const rooms = facts({ room_memberships: { rows: 5e6, cols: { room_id: 'text idx' } } });
    assert.equal(error(countForExistence, 'SELECT count(*) > 0 FROM room_memberships WHERE room_id = $1 AND forgotten = 0', { evidence: rooms }).severity, 'warning');
    const note = error(countForExistence, 'SELECT count(*) > 0 FROM orders WHERE user_id = $1 AND status = $2');
    assert.equal(note.severity, 'info');
    assert.equal(note.evidence?.size, 'unproved');
    assert.doesNotMatch(note.message, /a row or two/);
  });
});

describe('rules-l kinds: inequalities', () => {
  it('a wrapped column compared by <> or != hides no index: an inequality is no lookup', () => {
    ok(nonSargablePredicate, "select p.id from report_parameter p where coalesce(p.special, '') != 'Y' order by p.id");
    ok(nonSargablePredicate, "select p.id from report_parameter p where coalesce(p.special, '') <> 'Y'");
    error(nonSargablePredicate, "select p.id from report_parameter p where coalesce(p.special, '') = 'Y'");
  });
});

describe('rules-l kinds: NOT IN in an appended WHERE fragment', () => {
  const JAVA = [
    'class WidgetReadService {',
    '    String criteria(SearchParameters p, List<Object> params) {',
    '        String extraCriteria = "";',
    '        if (p.getOrphansOnly()) {',
    '            extraCriteria += " and w.id NOT IN (select widget_id from group_widget) ";',
    '        }',
    '        if (p.getUnlisted()) {',
    '            extraCriteria += " and w.id NOT IN (select id from listed_widget where shop_id = ?) ";',
    '        }',
    '        // extraCriteria += " and w.id NOT IN (select widget_id from archived) ";',
    '        if (p.getOpen()) {',
    '            extraCriteria += " and w.id NOT IN (select widget_id from closing where widget_id is not null and day = ?) ";',
    '        }',
    '        return extraCriteria;',
    '    }',
    '    List<Widget> all() {',
    '        return jdbcTemplate.query("SELECT w.id FROM widget w WHERE w.id NOT IN (SELECT widget_id FROM hidden_widget)", mapper);',
    '    }',
    '}',
  ].join('\n');
  const scan = async () => (await analyzeFile({ path: 'src/main/java/WidgetReadService.java', text: JAVA }, { analyzers: [rulesAnalyzer(), fragmentNotInAnalyzer()] })).findings.filter((f) => f.ruleId === 'not-in-subquery');
  it('a fragment whose subquery reads a whole table is a warning; a key column or a subquery that drops its NULLs is info', async () => {
    const found = await scan();
    const lineOf = (f: { span: { start: number } }) => JAVA.slice(0, f.span.start).split('\n').length;
    assert.deepEqual(found.map((f) => [lineOf(f), f.severity]).sort((a, b) => Number(a[0]) - Number(b[0])), [[5, 'warning'], [8, 'info'], [12, 'info'], [17, 'warning']]);
  });
  it('the whole statement is judged once, by the SQL rule; a commented-out fragment is not code', async () => {
    const found = await scan();
    assert.equal(found.filter((f) => JAVA.slice(0, f.span.start).split('\n').length === 17).length, 1);
    assert.ok(!found.some((f) => JAVA.slice(0, f.span.start).split('\n').length === 10));
  });
});
