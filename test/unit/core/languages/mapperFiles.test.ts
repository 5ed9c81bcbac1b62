import { strict as assert } from 'node:assert';
import { addMapperFragments, myBatisSites, MAX_TESTS, type MapperFragments } from '../../../../src/core/languages/java/mybatis';
import { namedQuerySites } from '../../../../src/core/languages/sql/extract';
import { extractLanguageOf, extractSqlSites, sqlFileSites } from '../../../../src/core/extract/index';
import { checkSite } from '../../../../src/core/rules/engine';
import { RULES } from '../../../../src/core/rules/index';
import { loadPgParser } from '../../../../src/core/sql/statement';
import type { SqlSite } from '../../../../src/core/extract/types';
import { assertMapsBack, sitesIn } from '../../support/extractFixtures';

const mapper = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN" "http://mybatis.org/dtd/mybatis-3-mapper.dtd">\n<mapper namespace="app.UserMapper">\n${body}\n</mapper>\n`;
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const rulesOf = (site: SqlSite) => checkSite(site, RULES).map((f) => f.ruleId).sort();

describe('MyBatis XML mappers', () => {
  before(() => loadPgParser());

  it('gives one site per statement element, #{x} as $n, pointed at the element line', () => {
    const text = mapper('  <select id="byId" resultType="User">\n    SELECT id, name FROM users WHERE id = #{id} AND org = #{org}\n  </select>');
    const [s] = myBatisSites(text, 'UserMapper.xml');
    assert.equal(s.sql, 'SELECT id, name FROM users WHERE id = $1 AND org = $2');
    assert.equal(s.api, 'mybatis');
    assert.deepEqual(s.params.map((p) => p.source), ['#{id}', '#{org}']);
    assert.equal(lineOf(text, s.span.start), 4);
    assertMapsBack(text, s, 'users');
    assert.equal(s.dynamic, false);
  });

  it('decodes entities and CDATA, keeping file offsets', () => {
    const text = mapper('<select id="a">SELECT id FROM t WHERE n &lt; #{n} AND <![CDATA[ m <= 3 ]]></select>');
    const [s] = myBatisSites(text);
    assert.equal(s.sql, 'SELECT id FROM t WHERE n < $1 AND  m <= 3');
    assertMapsBack(text, s, '<', '&lt;');
  });

  it('leaves out XML comments and processing instructions, closed or not', () => {
    const text = mapper('<!-- <select id="old">DELETE FROM t</select> -->\n<select id="a">SELECT id <!-- , secret --> FROM t <?pi x?> WHERE id = #{id}</select>');
    const sites = myBatisSites(text);
    assert.deepEqual(sites.map((s) => s.sql), ['SELECT id  FROM t  WHERE id = $1']);
    assert.deepEqual(myBatisSites(mapper('<select id="b">SELECT 1 <!-- never closed </select>')).map((s) => s.sql.trim()), ['SELECT 1']);
  });

  it('marks ${x} text substitution as dynamic', () => {
    const [s] = myBatisSites(mapper('<select id="a">SELECT id FROM t ORDER BY ${sort}</select>'));
    assert.equal(s.dynamic, true);
  });

  it('enumerates <if>/<where>/<choose> variants and inlines <sql> fragments', () => {
    const text = mapper(`<sql id="cols">id, name</sql>
<select id="search">SELECT <include refid="cols"/> FROM users
  <where>
    <if test="name != null">AND name = #{name}</if>
    <if test="org != null">AND org_id = #{org}</if>
  </where>
  <choose><when test="desc">ORDER BY id DESC</when><otherwise>ORDER BY id</otherwise></choose>
</select>`);
    const [s] = myBatisSites(text);
    assert.equal(s.variants?.length, 8);
    const sqls = s.variants!.map((v) => v.sql.replace(/\s+/g, ' '));
    assert.ok(sqls.includes('SELECT id, name FROM users ORDER BY id DESC'));
    assert.ok(sqls.includes('SELECT id, name FROM users WHERE name = $1 ORDER BY id'));
    assert.ok(sqls.includes('SELECT id, name FROM users WHERE name = $1 org_id = $2 ORDER BY id'.replace(' org_id', ' AND org_id')));
    assert.equal(s.dynamic, true, 'the element text alone is not the statement that runs');
  });

  it('<set> strips the trailing comma; <foreach> stands for one item', () => {
    const text = mapper(`<update id="u">UPDATE users <set><if test="a">name = #{a},</if></set> WHERE id IN <foreach collection="ids" item="i" open="(" separator="," close=")">#{i}</foreach></update>`);
    const [s] = myBatisSites(text);
    const sqls = s.variants!.map((v) => v.sql.replace(/\s+/g, ' '));
    assert.ok(sqls.includes('UPDATE users SET name = $1 WHERE id IN ($2)'), sqls.join(' | '));
  });

  it('a test written twice is one choice (insertSelective: columns and VALUES stay aligned)', () => {
    const text = mapper(`<insert id="insertSelective">insert into t
  <trim prefix="(" suffix=")" suffixOverrides=","><if test="a != null">a,</if><if test="b != null">b,</if></trim>
  <trim prefix="values (" suffix=")" suffixOverrides=","><if test="a != null">#{a},</if><if test="b  != null">#{b},</if></trim>
</insert>`);
    const [s] = myBatisSites(text);
    const sqls = s.variants!.map((v) => v.sql.replace(/\s+/g, ' '));
    assert.deepEqual(sqls.sort(), ['insert into t', 'insert into t ( a ) values ( $1 )', 'insert into t ( a,b ) values ( $1,$2 )', 'insert into t ( b ) values ( $1 )'].sort());
  });

  it('<choose> takes the first <when> that holds', () => {
    const [s] = myBatisSites(mapper('<select id="c">SELECT id FROM t <choose><when test="x">WHERE a = #{a}</when><when test="y">WHERE b = #{b}</when><otherwise>LIMIT 10</otherwise></choose></select>'));
    assert.deepEqual(s.variants!.map((v) => v.sql.replace(/\s+/g, ' ')).sort(), ['SELECT id FROM t LIMIT 10', 'SELECT id FROM t WHERE a = $1', 'SELECT id FROM t WHERE b = $1'].sort());
  });

  it('stops enumerating past the bound and says the site is dynamic', () => {
    const ifs = Array.from({ length: 7 }, (_, i) => `<if test="x${i}">AND c${i} = #{v${i}}</if>`).join('');
    const [s] = myBatisSites(mapper(`<select id="a">SELECT id FROM t <where>${ifs}</where></select>`));
    assert.ok(7 > MAX_TESTS);
    assert.equal(s.variants, undefined);
    assert.equal(s.dynamic, true);
  });

  it('a fragment from another file is unresolved: dynamic, never judged as a whole', () => {
    const [s] = myBatisSites(mapper('<delete id="d">DELETE FROM t <include refid="other.Mapper.where"/></delete>'));
    assert.equal(s.dynamic, true);
    assert.ok(!rulesOf(s).includes('update-delete-without-where'));
  });

  it('a whole-statement rule reports only what holds in every variant', () => {
    // Every variant lacks WHERE: reported. One variant has it: not reported.
    const always = myBatisSites(mapper('<update id="u">UPDATE t SET a = #{a}<if test="b">, b = #{b}</if></update>'))[0];
    assert.ok(rulesOf(always).includes('update-delete-without-where'));
    const some = myBatisSites(mapper('<update id="u">UPDATE t SET a = #{a} <where><if test="id">id = #{id}</if></where></update>'))[0];
    assert.ok(!rulesOf(some).includes('update-delete-without-where'));
  });

  it('a predicate rule reports a fragment any variant holds, once, at its line', () => {
    const text = mapper('<select id="s">SELECT id FROM users <where><if test="q">AND lower(email) = #{q}</if></where> LIMIT 10</select>');
    const [s] = myBatisSites(text);
    const found = checkSite(s, RULES).filter((f) => f.ruleId === 'non-sargable-predicate');
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0].span.start, found[0].span.start + 5), 'lower');
  });

  it('is read through the extraction entry point for .xml; other XML gives nothing', async () => {
    assert.equal(extractLanguageOf('src/main/resources/mapper/UserMapper.xml'), 'mybatis');
    assert.equal((await sitesIn(mapper('<select id="a">SELECT 1</select>'), 'x/UserMapper.xml')).length, 1);
    assert.deepEqual(await extractSqlSites('<project><artifactId>select</artifactId></project>', 'pom.xml'), []);
  });
});

describe('named-query SQL files (aiosql, goyesql, HugSQL)', () => {
  before(() => loadPgParser());
  const file = `-- name: get-user^\n-- Docstring line\nSELECT id, name FROM users WHERE username = :username;\n\n-- name: list-tags\nSELECT tag FROM tags WHERE tag LIKE %(q)s;\n\n-- name: update-user!\nUPDATE users SET bio = $2 WHERE id = $1;\n\n-- :name hug-one :? :1\nSELECT * FROM users WHERE email = :email\n`;

  it('one site per block statement, named and pyformat params mapped, app SQL (not a script)', () => {
    const sites = namedQuerySites(file, 'queries.sql');
    assert.deepEqual(sites.map((s) => s.sql), ['SELECT id, name FROM users WHERE username = $1', 'SELECT tag FROM tags WHERE tag LIKE $1', 'UPDATE users SET bio = $2 WHERE id = $1', 'SELECT * FROM users WHERE email = $1']);
    assert.ok(sites.every((s) => s.api === 'named-query'));
    assert.equal(lineOf(file, sites[0].span.start), 3);
    assert.deepEqual(sqlFileSites(file).map((s) => s.api), sites.map((s) => s.api), 'the .sql path takes the named-query reading');
  });

  it('a cast after a named parameter stays a cast', () => {
    const [s] = namedQuerySites('-- name: a\nSELECT id FROM t WHERE created > :since::timestamptz\n');
    assert.equal(s.sql, 'SELECT id FROM t WHERE created > $1::timestamptz');
  });

  it('app-code rules (select-star) run on named queries, not on scripts', () => {
    const named = namedQuerySites('-- name: all-users\nSELECT * FROM users WHERE id = :id\n')[0];
    assert.ok(rulesOf(named).includes('select-star'));
    const script = sqlFileSites('SELECT * FROM users WHERE id = 1;\n')[0];
    assert.ok(!rulesOf(script).includes('select-star'));
  });
});

describe('MyBatis mapper annotations in Java', () => {
  const java = 'import org.apache.ibatis.annotations.Select;\ninterface UserMapper {\n  @Select("SELECT id, name FROM users WHERE id = #{id}")\n  User byId(long id);\n  @Select({"SELECT id FROM users", "WHERE org = #{org, jdbcType=BIGINT} ORDER BY ${sort}"})\n  List<User> byOrg(long org, String sort);\n}\n';

  it('a string or an array of strings (joined by spaces) is one statement, #{x} a parameter, ${x} dynamic', async () => {
    const sites = await sitesIn(java, 'UserMapper.java');
    assert.deepEqual(sites.map((s) => [s.api, s.sql, s.dynamic]), [
      ['mybatis.@Select', 'SELECT id, name FROM users WHERE id = $1', false],
      ['mybatis.@Select', 'SELECT id FROM users WHERE org = $1 ORDER BY $2', true],
    ]);
    assert.ok(!sites.some((s) => s.sql === 'SELECT id FROM users'), 'the first string of the array is not a statement of its own');
  });
});

describe('MyBatis <include refid> of a fragment in another mapper file', () => {
  const common = '<?xml version="1.0"?>\n<mapper namespace="com.x.CommonMapper">\n  <sql id="userCols">u.id, u.name</sql>\n  <sql id="active">u.deleted = false</sql>\n</mapper>\n';
  const users = '<mapper namespace="com.x.UserMapper">\n  <select id="list">\n    SELECT <include refid="com.x.CommonMapper.userCols"/> FROM users u WHERE <include refid="com.x.CommonMapper.active"/> AND u.org = #{org}\n  </select>\n</mapper>\n';

  it('is inlined from the project\'s fragments by namespace.id, mapped to the <include> element', () => {
    const fragments: MapperFragments = new Map();
    addMapperFragments(common, fragments);
    assert.deepEqual([...fragments.keys()], ['com.x.CommonMapper.userCols', 'com.x.CommonMapper.active']);
    const [s] = myBatisSites(users, 'UserMapper.xml', fragments);
    assert.equal(s.sql.replace(/\s+/g, ' ').trim(), 'SELECT u.id, u.name FROM users u WHERE u.deleted = false AND u.org = $1');
    assert.equal(s.dynamic, false);
    const at = s.sourceMap[s.sql.indexOf('u.name')];
    assert.ok(users.slice(at).startsWith('<include refid="com.x.CommonMapper.userCols"/>'));
  });

  it('without the other file it stays a hole and the statement is dynamic', () => {
    const [s] = myBatisSites(users, 'UserMapper.xml');
    assert.equal(s.dynamic, true);
  });
});
