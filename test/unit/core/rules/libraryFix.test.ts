import { strict as assert } from 'node:assert';
import { libraryHelp, libraryOf } from '../../../../src/core/rules/libraryFix';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { ormOffsetAnalyzer } from '../../../../src/core/rules/ormOffset';

describe('fix text in the words of the library in use', () => {

  it('knows the library from the file imports and the site api', () => {
    assert.equal(libraryOf('a.ts', "import { PrismaClient } from '@prisma/client';"), 'prisma');
    assert.equal(libraryOf('a.ts', "import { Op } from 'sequelize';"), 'sequelize');
    assert.equal(libraryOf('a.py', 'from django.db import models'), 'django');
    assert.equal(libraryOf('a.py', 'from sqlalchemy import select'), 'sqlalchemy');
    assert.equal(libraryOf('a.go', 'import "gorm.io/gorm"'), 'gorm');
    assert.equal(libraryOf('q.sql', '', { api: 'named-query' }), 'aiosql');
    assert.equal(libraryOf('M.xml', '', { api: 'mybatis' }), 'mybatis');
    assert.equal(libraryOf('a.ts', "import pg from 'pg';"), undefined);
  });

  it('ORM offset pagination names the library call: Prisma cursor, Django filter, SQLAlchemy where', async () => {
    const help = async (path: string, text: string) => (await analyzeFile({ path, text }, { analyzers: [ormOffsetAnalyzer()] })).findings.find((f) => f.ruleId === 'offset-pagination')?.help ?? '';
    assert.match(await help('src/posts.ts', "import { PrismaClient } from '@prisma/client';\nexport const page = (p: number) => prisma.post.findMany({ take: 20, skip: p * 20 });\n"), /cursor: \{ id: lastId \}/);
    assert.match(await help('app/views.py', 'from django.db import models\ndef page(start):\n    return Entry.objects.filter(a=1)[start:start + 20]\n'), /filter\(pk__gt=last_pk\)/);
    assert.match(await help('app/repo.py', 'from sqlalchemy import select\ndef page(s, off):\n    return select(T).offset(off).limit(20)\n'), /where\(T\.id > last_id\)/);
    assert.match(await help('src/raw.go', 'package s\nfunc f() {\n\tquery += " OFFSET " + strconv.Itoa(off)\n}\n'), /WHERE id > \$last/);
  });

  it('an aiosql named query gets one keyset suggestion, keyed on its ORDER BY, with a new parameter name (person7: `id > :last_id` beside `a.created_at > :offset`)', async () => {
    const sql = [
      '-- name: get-articles-for-feed',
      'SELECT a.id, a.slug FROM articles a',
      '  INNER JOIN followers_to_followings f ON f.following_id = a.author_id AND',
      '  f.follower_id = (SELECT id FROM users WHERE username = :follower_username)',
      'ORDER BY a.created_at',
      'LIMIT :limit',
      'OFFSET :offset;',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'app/db/queries/sql/articles.sql', text: sql }, { analyzers: [rulesAnalyzer()] });
    const help = r.findings.find((x) => x.ruleId === 'offset-pagination')?.help ?? '';
    assert.match(help, /^Change the named query to take the last row's sort key instead of an offset/);
    assert.match(help, /WHERE a\.created_at > :last_created_at\s+ORDER BY a\.created_at\s+LIMIT :limit/);
    assert.doesNotMatch(help, /:offset|:last_id|\bid > /, help);
    assert.equal((help.match(/keyset|sort key/gi) ?? []).length >= 1, true);
  });

  it('a finding on a mapper statement says how to change it there', async () => {
    const xml = '<mapper namespace="a.PostMapper">\n<select id="list">SELECT id, title FROM post ORDER BY id LIMIT #{size} OFFSET #{offset}</select>\n</mapper>\n';
    const r = await analyzeFile({ path: 'src/main/resources/PostMapper.xml', text: xml }, { analyzers: [rulesAnalyzer()] });
    const f = r.findings.find((x) => x.ruleId === 'offset-pagination');
    assert.ok(f, 'offset pagination found in the mapper');
    assert.match(f!.help ?? '', /^Change the mapper statement to take the last row's sort key/);
    assert.match(f!.help ?? '', /SELECT id, title FROM post WHERE id > #\{lastId\} ORDER BY id LIMIT #\{size\}/, 'the rewrite keyed on its ORDER BY, the file\'s own parameters kept');
    assert.doesNotMatch(f!.help ?? '', /\$\d|#\{offset\}/);
    const sql = '-- name: archive-posts\nINSERT INTO post_archive SELECT * FROM post WHERE author = :author\n';
    const r2 = await analyzeFile({ path: 'app/queries/posts.sql', text: sql }, { analyzers: [rulesAnalyzer()] });
    assert.match(r2.findings.find((x) => x.ruleId === 'select-star')?.help ?? '', /^Name the columns in the named query/);
    assert.equal(libraryHelp('non-sargable-predicate', 'django'), undefined);
  });

  it('a named-query file with $n parameters (goyesql: listmonk, Go) gets advice in its own parameter style, not aiosql\'s Python call', async () => {
    // person8's hour on listmonk: "WHERE id > :last_id … pass last_id= where it is called (queries.<name>(conn, last_id=…))".
    const sql = [
      '-- name: export-campaign-views',
      'SELECT campaign_views.campaign_id, campaign_views.created_at',
      '    FROM campaign_views',
      '    WHERE campaign_views.created_at >= $1::TIMESTAMP',
      '    ORDER BY campaign_views.id ASC LIMIT $2 OFFSET $3;',
      '',
    ].join('\n');
    assert.equal(libraryOf('queries/campaigns.sql', sql, { api: 'named-query' }), 'named-query');
    assert.equal(libraryOf('queries/posts.sql', '-- name: get-posts\nSELECT * FROM posts WHERE author = :author::text LIMIT :limit;\n', { api: 'named-query' }), 'aiosql');
    const lib = libraryOf('queries/campaigns.sql', sql, { api: 'named-query' });
    assert.match(libraryHelp('offset-pagination', lib) ?? '', /WHERE id > \$n ORDER BY id LIMIT \$m/);
    for (const rule of ['offset-pagination', 'unbounded-query', 'select-star']) assert.doesNotMatch(libraryHelp(rule, lib) ?? '', /:last_id|:limit|last_id=|queries\.<name>/, rule);
    // The finding as a scan shows it: the keyset rewrite in the file's own $n style (it read "… id > :last_id … LIMIT $2").
    const r = await analyzeFile({ path: 'queries/campaigns.sql', text: sql }, { analyzers: [rulesAnalyzer()] });
    const help = r.findings.find((x) => x.ruleId === 'offset-pagination')?.help ?? '';
    assert.match(help, /campaign_views\.id > \$\d/, help);
    assert.doesNotMatch(help, /(?<!:):(?!:)[a-z_]\w*/, help);
  });

  it('a finding on a named query gives its advice once, in the library\'s words (person9: two LIMIT-and-keyset paragraphs in one hover)', async () => {
    for (const [file, text] of [
      ['queries/lists.sql', '-- name: get-lists\nSELECT id, name FROM lists;\n'],
      ['app/queries/sql/lists.sql', '-- name: get_lists\nSELECT id, name FROM lists;\n'],
      ['src/main/resources/ListMapper.xml', '<mapper namespace="a.ListMapper">\n<select id="all">SELECT id, name FROM lists</select>\n</mapper>\n'],
    ]) {
      const r = await analyzeFile({ path: file, text }, { analyzers: [rulesAnalyzer()] });
      const f = r.findings.find((x) => x.ruleId === 'unbounded-query');
      assert.ok(f, `${file}: an unbounded read is found`);
      const help = f!.help ?? '';
      assert.equal((help.match(/LIMIT/g) ?? []).length, 1, `${file}: one LIMIT advice, not two: ${help}`);
      assert.doesNotMatch(help, /Page through the rows/, `${file}: the rule's generic words replaced by the library's`);
    }
  });
});
