/**
 * Kinds of false alarms and misses from the blind look at split rules-h (issue 14, twelfth session), each on our own
 * fixture code: JDBI SQL objects taken for JPQL and dropped (and their FreeMarker templates), OFFSET over a ranking by
 * an aggregate, a quoted column named "OFFSET", an expression holding a subquery, `lower(x) LIKE '%…'` said twice,
 * NOT IN over values the caller binds, a one-off migrator tool, and a template literal's `offset ${n}` fragment.
 */
import { strict as assert } from 'node:assert';
import { offsetPagination } from '../../../../src/core/rules/offsetPagination';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { leadingWildcardLike } from '../../../../src/core/rules/leadingWildcardLike';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { findOrmOffsets } from '../../../../src/core/rules/ormOffset';
import { codeContextOf } from '../../../../src/core/codeContext';
import { sitesIn } from '../../support/extractFixtures';
import { check, error, ok, facts } from './helpers';

describe('rules-h kinds: JDBI SQL objects and their templates are SQL', () => {
  const DAO = [
    'import org.jdbi.v3.sqlobject.statement.SqlQuery;',
    'import org.jdbi.v3.sqlobject.statement.SqlUpdate;',
    'public interface ShelfDao {',
    '    @SqlQuery("""',
    '            SELECT id, title FROM shelf WHERE owner = :owner AND kind = ?',
    '            """)',
    '    List<Shelf> byOwner(@Bind String owner, String kind);',
    '',
    '    @SqlUpdate("UPDATE shelf SET title = :title WHERE id = :id")',
    '    void rename(@Bind long id, @Bind String title);',
    '',
    '    @SqlQuery(/* language=InjectedFreeMarker */ """',
    '            <#-- @ftlvariable name="titleFilter" type="boolean" -->',
    '            SELECT id, title',
    '              FROM shelf',
    '             WHERE owner = :owner',
    '            <#if titleFilter>',
    '               AND title = :title',
    '            <#elseif kindFilter>',
    '               AND kind = :kind',
    '            <#else>',
    '               AND TRUE',
    '            </#if>',
    '             ORDER BY id',
    '            ${pagingClause!}',
    '            """)',
    '    List<Shelf> search(@Bind String owner);',
    '',
    '    @SqlQuery("SELECT count(*) FROM <table> WHERE owner = :owner")',
    '    long countIn(@Define String table, @Bind String owner);',
    '',
    '    default int purge(long id) {',
    '        return getHandle().createUpdate("DELETE FROM shelf_item WHERE shelf_id = :id").bind("id", id).execute();',
    '    }',
    '}',
    '',
  ].join('\n');

  it('@SqlQuery / @SqlUpdate text is SQL with :name and ? parameters (it was taken for JPQL and dropped)', async () => {
    const sites = await sitesIn(DAO, 'src/main/java/shop/ShelfDao.java');
    const sqls = sites.map((s) => [s.api, s.sql.replace(/\s+/g, ' ').trim(), s.dynamic]);
    assert.deepEqual(sqls[0], ['jdbi.@SqlQuery', 'SELECT id, title FROM shelf WHERE owner = $1 AND kind = $2', false]);
    assert.deepEqual(sqls[1], ['jdbi.@SqlUpdate', 'UPDATE shelf SET title = $1 WHERE id = $2', false]);
  });

  it('a FreeMarker template is read as its first-branch variant: comments, directives and other branches out, ${x} spliced', async () => {
    const sites = await sitesIn(DAO, 'src/main/java/shop/ShelfDao.java');
    const search = sites.find((s) => /ORDER BY id/.test(s.sql));
    assert.ok(search, 'the FreeMarker statement is found');
    assert.equal(search.sql.replace(/\s+/g, ' ').trim(), 'SELECT id, title FROM shelf WHERE owner = $1 AND title = $2 ORDER BY id');
    // The clause spliced in at run time makes it dynamic: whole-statement rules skip it.
    assert.equal(search.dynamic, true);
  });

  it("JDBI's defined attributes (`<table>`) are text spliced in, and a handle's createUpdate is a statement", async () => {
    const sites = await sitesIn(DAO, 'src/main/java/shop/ShelfDao.java');
    assert.ok(sites.some((s) => s.api === 'jdbi.@SqlQuery' && /^SELECT count\(\*\) FROM /.test(s.sql) && s.dynamic), JSON.stringify(sites.map((s) => s.sql)));
    assert.ok(sites.some((s) => s.api === 'jdbi.createUpdate' && s.sql === 'DELETE FROM shelf_item WHERE shelf_id = $1'));
  });

  it("JPA's em.createQuery (JPQL) is not taken for a JDBI handle's", async () => {
    const jpa = 'class R { List<User> all() { return em.createQuery("SELECT u FROM User u WHERE u.active = true").getResultList(); } }\n';
    assert.ok(!(await sitesIn(jpa, 'src/main/java/R.java')).some((s) => s.api.startsWith('jdbi')));
  });
});

describe('rules-h kinds: OFFSET over a ranking by an aggregate', () => {
  it('is info with the reason: every page aggregates every group, and no index gives that order', () => {
    for (const sql of [
      'SELECT path, count(*) AS hits FROM visit WHERE site = $1 GROUP BY path ORDER BY count(*) DESC LIMIT $2 OFFSET $3',
      'SELECT path, count(DISTINCT visitor) AS visitors FROM visit WHERE site = $1 GROUP BY path ORDER BY visitors DESC, path LIMIT 10 OFFSET $2',
      'SELECT path AS x, count(*) AS y FROM visit WHERE site = $1 GROUP BY 1 ORDER BY 2 DESC LIMIT $2 OFFSET $3',
    ]) {
      const f = error(offsetPagination, sql);
      assert.equal(f.severity, 'info', sql);
      assert.match(f.message, /ranking by an aggregate/);
    }
  });

  it('a list sorted by a column, even grouped, is no ranking: a page like any other (unproved without a database, a warning on a large table)', () => {
    for (const sql of [
      'SELECT id, title FROM post ORDER BY created_at DESC LIMIT 20 OFFSET $1',
      'SELECT author, count(*) AS n FROM post GROUP BY author ORDER BY author LIMIT 20 OFFSET $1',
    ]) {
      const f = error(offsetPagination, sql);
      assert.deepEqual([f.evidence?.rankedBy, f.evidence?.size], [undefined, 'unproved'], sql);
      assert.equal(error(offsetPagination, sql, { evidence: facts({ post: { rows: 50_000, cols: { id: 'int8 idx' } } }) }).severity, 'warning', sql);
    }
  });
});

describe('rules-h kinds: OFFSET written in code', () => {
  it('a column PostgreSQL quotes because its name is the keyword (`, "OFFSET"`) is not the clause', () => {
    const java = 'String q = """\n    SELECT "ID"\n         , "LINE"\n         , "OFFSET"\n         , "SYMBOL"\n      FROM "OCCURRENCE"\n    """;\n';
    assert.deepEqual(findOrmOffsets(java, 'Dao.java', []), []);
    assert.deepEqual(findOrmOffsets('String q = "SELECT o.\\"OFFSET\\" FROM occurrence o";', 'Dao.java', []), []);
  });

  it('the clause appended as text is still found, in a template literal too (`limit ${n} offset ${skip}`)', () => {
    assert.equal(findOrmOffsets('sql += " OFFSET " + offset;', 'Dao.java', []).length, 1);
    assert.equal(findOrmOffsets('const tail = size > 0 && `limit ${size} offset ${skip}`;', 'db.ts', []).length, 1);
    // A style offset in a template is not SQL.
    assert.deepEqual(findOrmOffsets('const css = `margin-left: ${offset}px; offset ${x}`;', 'ui.ts', []), []);
  });
});

describe('rules-h kinds: expressions no index could serve anyway', () => {
  it('an expression holding a subquery (`capacity - (SELECT count(*) …) > 0`) is not reported', () => {
    ok(nonSargablePredicate, 'SELECT q.name FROM queue q WHERE q.capacity - (SELECT count(*) FROM task t WHERE t.queue = q.name) > 0');
    // The same arithmetic against a plain value still hides the column.
    assert.equal(check(nonSargablePredicate, 'SELECT q.name FROM queue q WHERE q.capacity - 1 > $1').findings.length, 1);
  });

  it('`lower(x) LIKE \'%\' || $1 || \'%\'` is leading-wildcard-like only: no index on lower(x) would serve it either', () => {
    const sql = "SELECT id FROM part WHERE lower(name) LIKE '%' || lower($1) || '%'";
    ok(nonSargablePredicate, sql);
    error(leadingWildcardLike, sql);
    // A prefix pattern is served by an index on lower(name): that one is still said.
    error(nonSargablePredicate, "SELECT id FROM part WHERE lower(name) LIKE lower($1) || '%'");
  });
});

describe('rules-h kinds: NOT IN over values the caller binds', () => {
  it('a subquery that reads no table (`SELECT * FROM unnest($1, $2)`) is info with the reason', () => {
    const f = error(notInSubquery, 'DELETE FROM violation WHERE project = $1 AND (component, rule) NOT IN (SELECT * FROM unnest($2::bigint[], $3::bigint[]))');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /no table is read/);
  });

  it('a subquery over a table still warns', () => {
    assert.equal(error(notInSubquery, 'SELECT id FROM account WHERE id NOT IN (SELECT owner FROM banned)').severity, 'warning');
  });
});

describe('rules-h kinds: a migrator tool runs once', () => {
  it('code under a `*-migrator/` folder is migration context', () => {
    assert.equal(codeContextOf('support/v4-migrator/src/main/java/org/x/TableRegistry.java'), 'migration');
    assert.equal(codeContextOf('tools/data_migrator/copy.py'), 'migration');
    assert.equal(codeContextOf('src/main/java/org/x/MigratorService.java'), 'request');
    // A job folder named for what it migrates (a user's import from another service) runs in production: a job.
    assert.equal(codeContextOf('app/jobs/account_migrator/import_feed.rb', 'class ImportFeed\n  include Sidekiq::Worker\nend\n'), 'job');
    assert.equal(codeContextOf('app/jobs/account_migrator/setup.rb'), 'job');
  });
});

describe('rules-h kinds: an OFFSET fragment in a text block', () => {
  it('a text block that opens on the line before the clause (`"""\\n    OFFSET %d`) is a fragment too', () => {
    const java = 'if (paged) {\n    q += """\n        OFFSET %d\n        LIMIT %d\n        """.formatted(offset, limit);\n}\n';
    assert.equal(findOrmOffsets(java, 'Repo.java', []).length, 1);
    // Code after a closing quote is not the fragment: a lower-case `offset ?` there is a ternary.
    assert.deepEqual(findOrmOffsets('String s = "";\nint x = offset ? 1 : 2;\n', 'A.java', []), []);
  });
});
