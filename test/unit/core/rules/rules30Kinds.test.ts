/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-s (session 30: DHIS2 core on Hibernate native queries
 * and JdbcTemplate, AcousticBrainz on SQLAlchemy text(), Field-TM on psycopg 3), each fixed as a kind and checked on our
 * own fixture code.
 */
import { strict as assert } from 'node:assert';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { declared } from './helpers';

describe('rules-s kinds', () => {
  it('an ALTER TABLE whose first action is not ADD (`drop column …, add column if not exists …`) still declares the columns it adds', () => {
    const schema = [
      'CREATE TABLE jobconfiguration (jobconfigurationid integer NOT NULL, uid varchar(11) NOT NULL, lastruntimeexecution text);',
      'CREATE UNIQUE INDEX uk_jobconfiguration_uid ON jobconfiguration (uid);',
      'alter table jobconfiguration',
      '    drop column if exists lastruntimeexecution,',
      '    add column if not exists schedulingtype varchar(12) not null default \'ONCE_ASAP\',',
      '    add column if not exists lastalive timestamp,',
      '    alter column uid set not null,',
      '    add column if not exists progress jsonb;',
    ].join('\n');
    const d = declared(schema);
    const t = d.tables!.get('jobconfiguration')!;
    for (const c of ['schedulingtype', 'lastalive', 'progress']) assert.ok(t.columns.has(c), `${c} in ${[...t.columns].join(',')}`);
    assert.ok(t.notNull?.has('schedulingtype'));
  });

  it('non-sargable-predicate: arithmetic on a column an ALTER TABLE added, which no index of the schema files holds, hides no index', async () => {
    const schema = [
      'CREATE TABLE jobconfiguration (jobconfigurationid integer NOT NULL, uid varchar(11) NOT NULL, jobstatus text);',
      'CREATE INDEX in_jobconfiguration_status ON jobconfiguration (jobstatus);',
      'alter table jobconfiguration drop column if exists leaderonlyjob, add column if not exists lastalive timestamp;',
    ].join('\n');
    const java = [
      'class JobStore {',
      '  List<Object> stale(int timeout) {',
      '    String sql = """',
      '        select uid from jobconfiguration',
      '        where jobstatus = \'RUNNING\'',
      '        and now() > lastalive + :timeout * interval \'1 second\'',
      '        """;',
      '    return session.createNativeQuery(sql).setParameter("timeout", timeout).list();',
      '  }',
      '}',
    ].join('\n');
    const r = await analyzeFile({ path: 'src/main/java/org/acme/JobStore.java', text: java }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(schema) })] });
    assert.deepEqual(r.findings.map((f) => f.evidence?.expression), []);
  });

  it('non-sargable-predicate: a value taken out of a json column (`jsonb_extract_path_text(col, …)`, as `col ->> …`) hides no index of the column', async () => {
    const java = [
      'class GenericStore {',
      '  List<Object> byAttribute(String table, String attribute, String value) {',
      '    String sql = "select * from %s where jsonb_extract_path_text(attributevalues, \'%s\', \'value\') = :value".formatted(table, attribute);',
      '    return session.createNativeQuery(sql).setParameter("value", value).list();',
      '  }',
      '  List<Object> byName(String name) {',
      '    return session.createNativeQuery("select id from users where lower(name) = :name").setParameter("name", name).list();',
      '  }',
      '}',
    ].join('\n');
    const r = await analyzeFile({ path: 'src/main/java/org/acme/GenericStore.java', text: java }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate] })] });
    // Before: both warned. A function over the bare column (lower(name)) keeps its warning.
    assert.deepEqual(r.findings.map((f) => [f.evidence?.expression, f.severity]), [['lower(name)', 'warning']]);
  });
});

describe('rules-s kinds: select-star', () => {
  const schema = 'CREATE TABLE jobconfiguration (jobconfigurationid integer PRIMARY KEY, uid varchar(11) NOT NULL, name text, queuename text, jobparameters bytea, translations jsonb);';
  const java = [
    'class JobStore extends HibernateGenericStore<JobConfiguration> {',
    '  public List<JobConfiguration> inQueue(String queue) {',
    '    String sql = "select * from jobconfiguration where queuename = :queue order by uid;";',
    '    return nativeSynchronizedTypedQuery(sql).setParameter("queue", queue).list();',
    '  }',
    '',
    '  public List<JobConfiguration> byName(String name) {',
    '    return getSession().createNativeQuery("select * from jobconfiguration where name = :name", JobConfiguration.class).setParameter("name", name).list();',
    '  }',
    '',
    '  public List<String> names(String queue) {',
    '    List<Object[]> rows = getSession().createNativeQuery("select * from jobconfiguration where queuename = :q").setParameter("q", queue).list();',
    '    return rows.stream().map(r -> (String) r[2]).toList();',
    '  }',
    '}',
  ].join('\n');

  it('a native query mapped to its entity class (createNativeQuery(sql, X.class), a typed native-query helper) reads every column into the entity: no finding', async () => {
    const r = await analyzeFile({ path: 'src/main/java/org/acme/JobStore.java', text: java }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(schema) })] });
    // Before: all three reported (large values never read). The untyped native query's Object[] rows keep theirs.
    assert.deepEqual(r.findings.map((f) => java.slice(0, f.span.start).split('\n').length), [12]);
  });
});

describe('rules-s kinds: offset-pagination', () => {
  it('a lowercase ` offset ` literal appended after a ` limit ` one (`" limit " + n + " offset " + o`, `.append(" offset ").append(o)`) is a page (notes)', () => {
    const java = [
      'class Store {',
      '  private String clause(PageParams p) {',
      '    return " limit " + (p.getPageSize() + 1) + " offset " + p.getOffset() + " ";',
      '  }',
      '  private void addLimitAndOffset(StringBuilder sql, PageParams p) {',
      '    sql.append("limit ")',
      '        .append(p.getPageSize() + 1)',
      '        .append(" offset ")',
      '        .append(p.getOffset());',
      '  }',
      '  List<Object> list(Integer first, Integer max) {',
      '    String sql = "select id from messageconversation order by id desc";',
      '    if (first != null && max != null) {',
      '      sql += " limit " + max + " offset " + first;',
      '    }',
      '    return jdbc.queryForList(sql);',
      '  }',
      '  URI next(int n) {',
      '    return builder.queryParam("limit", 50).queryParam("offset", n).build();',
      '  }',
      '  void search(StringBuilder sqlBuilder, SearchParameters p) {',
      '    if (p.hasLimit()) {',
      '      sqlBuilder.append(" limit ").append(p.getLimit());',
      '      if (p.hasOffset()) {',
      '        sqlBuilder.append(" offset ").append(p.getOffset());',
      '      }',
      '    }',
      '  }',
      '  String label(int n) {',
      '    return "limit " + n + ", offset" + n;',
      '  }',
      '}',
    ].join('\n');
    // Before: none of the three pages was found. A query-string key and a label with no SQL shape stay silent.
    assert.deepEqual(findOrmOffsets(java, 'src/main/java/org/acme/Store.java', []).map((h) => java.slice(0, h.at).split('\n').length).sort((a, b) => a - b), [3, 8, 14, 25]);
  });
});
