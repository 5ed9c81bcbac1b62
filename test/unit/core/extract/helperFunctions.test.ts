import { strict as assert } from 'node:assert';
import { assertMapsBack, sitesIn } from '../../support/extractFixtures';

describe('extract: SQL assembled across helper functions of the same file', () => {

  it('Python: a function returning a base query, completed by the caller', async () => {
    const py = [
      'import psycopg2',
      'def _base():',
      '    return "SELECT id, name FROM artists"',
      '',
      'def by_id(curs, aid):',
      '    curs.execute(_base() + " WHERE id = %s", (aid,))',
      '',
    ].join('\n');
    const [s] = await sitesIn(py, 'a.py');
    assert.equal(s.sql, 'SELECT id, name FROM artists WHERE id = $1');
    assert.equal(s.dynamic, false);
    assertMapsBack(py, s, 'artists', 'artists', 'the fragment maps to the helper\'s literal');
  });

  it('Go: a method returning a fragment; Java: a private method returning the SELECT', async () => {
    const go = 'package s\nfunc (s *Store) cols() string {\n\treturn "id, title"\n}\nfunc (s *Store) Get(id int) {\n\ts.db.Query("SELECT " + s.cols() + " FROM posts WHERE id = $1", id)\n}\n';
    const [g] = await sitesIn(go, 'a.go');
    assert.equal(g.sql, 'SELECT id, title FROM posts WHERE id = $1');
    const java = 'class R {\n  private String base() {\n    return "SELECT id FROM users";\n  }\n  User get(long id) {\n    return jdbc.queryForObject(base() + " WHERE id = ?", mapper, id);\n  }\n}\n';
    const [j] = await sitesIn(java, 'R.java');
    assert.equal(j.sql, 'SELECT id FROM users WHERE id = $1');
  });

  it('a helper with two returns is not guessed: the caller\'s text is no whole statement', async () => {
    const py = 'import psycopg2\ndef _base(full):\n    if full:\n        return "SELECT * FROM artists"\n    return "SELECT id FROM artists"\n\ndef by_id(curs, aid):\n    curs.execute(_base(True) + " WHERE id = %s", (aid,))\n';
    const sites = await sitesIn(py, 'a.py');
    assert.ok(!sites.some((x) => /FROM artists WHERE/.test(x.sql)), JSON.stringify(sites.map((x) => x.sql)));
    assert.equal(sites.length, 2, 'the two literals, each as written');
  });
});

describe('extract: MyBatis SQL provider methods (@SelectProvider and friends)', () => {

  it('a provider method returning a SQL string with #{…} parameters is a MyBatis statement', async () => {
    const java = [
      'public class UserSqlProvider {',
      '  public static String selectById() {',
      '    return "SELECT id, name FROM users WHERE id = #{id}";',
      '  }',
      '  public String label() {',
      '    return "Select a user";',
      '  }',
      '}',
      '',
    ].join('\n');
    const sites = await sitesIn(java, 'UserSqlProvider.java');
    assert.deepEqual(sites.map((s) => [s.api, s.sql]), [['mybatis.provider', 'SELECT id, name FROM users WHERE id = $1']]);
    assert.equal(sites[0].params[0].source, '#{id}');
  });

  it('in a file importing MyBatis, a returned SQL string without parameters too; ${…} is spliced text (dynamic)', async () => {
    const java = 'import org.apache.ibatis.annotations.Param;\nclass P {\n  String all() {\n    return "SELECT id FROM t ORDER BY id";\n  }\n  String byTable(String t) {\n    return "SELECT id FROM ${table} WHERE id = #{id}";\n  }\n}\n';
    const sites = await sitesIn(java, 'P.java');
    assert.deepEqual(sites.map((s) => [s.api, s.dynamic]), [['mybatis.provider', false], ['mybatis.provider', true]]);
  });
});

describe('extract: MyBatis SQL builder in provider methods', () => {
  const provider = (body: string) => `import org.apache.ibatis.jdbc.SQL;\npublic class P {\n${body}\n}\n`;

  it('composes an unconditional builder (anonymous block or fluent) as the builder prints it', async () => {
    const java = provider([
      '  public String byId() {',
      '    return new SQL() {{',
      '      SELECT("id, name");',
      '      SELECT("email");',
      '      FROM("users u");',
      '      LEFT_OUTER_JOIN("orgs o ON o.id = u.org_id");',
      '      WHERE("u.id = #{id}");',
      '      WHERE("u.deleted = false");',
      '      ORDER_BY("u.id");',
      '    }}.toString();',
      '  }',
      '  public String del() {',
      '    return new SQL().DELETE_FROM("users").WHERE("id = #{id}").toString();',
      '  }',
    ].join('\n'));
    const sites = await sitesIn(java, 'P.java');
    assert.deepEqual(sites.map((s) => [s.api, s.sql, s.dynamic]), [
      ['mybatis.provider', 'SELECT id, name, email FROM users u LEFT OUTER JOIN orgs o ON o.id = u.org_id WHERE (u.id = $1 AND u.deleted = false) ORDER BY u.id', false],
      ['mybatis.provider', 'DELETE FROM users WHERE (id = $1)', false],
    ]);
  });

  it('a builder call under an if is in the text, and the statement is dynamic (no whole-statement verdict)', async () => {
    const java = provider('  public String list(final String name) {\n    return new SQL() {{\n      SELECT("id");\n      FROM("users");\n      if (name != null) {\n        WHERE("name = #{name}");\n      }\n    }}.toString();\n  }');
    const [s] = await sitesIn(java, 'P.java');
    assert.equal(s.sql, 'SELECT id FROM users WHERE (name = $1)');
    assert.equal(s.dynamic, true);
  });
});
