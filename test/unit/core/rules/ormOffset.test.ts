import { strict as assert } from 'node:assert';
import { findOrmOffsets, ormOffsetAnalyzer } from '../../../../src/core/rules/ormOffset';
import { analyzeFile } from '../../../../src/core/scan';
import { markAppendedSites } from '../../../../src/core/extract/appended';
import { dialectOfPath } from '../../../../src/core/dialect';
import type { SqlSite } from '../../../../src/core/extract/types';

describe('rule offset-pagination in ORM code and appended SQL', () => {
  it('finds .offset()/.skip() chains, find options and Django slicing with a variable offset', () => {
    assert.equal(findOrmOffsets('const rows = await db.selectFrom("t").limit(n).offset(page * n).execute();', 'a.ts', []).length, 1);
    assert.equal(findOrmOffsets('stmt = select(T).offset(offset).limit(limit)', 'a.py', []).length, 1);
    assert.equal(findOrmOffsets('await User.findAll({ where: { teamId }, limit: ctx.limit, offset: ctx.offset });', 'a.ts', []).length, 1);
    assert.equal(findOrmOffsets('await prisma.post.findMany({ take: 20, skip: (page - 1) * 20 });', 'a.ts', []).length, 1);
    assert.equal(findOrmOffsets('rows = Entry.objects.filter(user=u)[start:start + size]', 'a.py', []).length, 1);
  });
  it('finds an offset set on a query variable whose limit an earlier statement set (rules-n: CKAN package_list and group_list were missed)', () => {
    const ckan = [
      '    query = query.order_by(col)',
      '    limit = data_dict.get("limit")',
      '    if limit:',
      '        query = query.limit(limit)',
      '    offset = data_dict.get("offset")',
      '    if offset:',
      '        query = query.offset(offset)',
    ].join('\n');
    const hits = findOrmOffsets(ckan, 'get.py', []);
    assert.deepEqual(hits.map((h) => [ckan.slice(0, h.at).split('\n').length, ckan.slice(h.at, h.at + 7)]), [[7, 'offset(']]);
    // An offset with no limit anywhere near is not a page: a time offset, a cursor position.
    assert.equal(findOrmOffsets('    ts = ts.offset(tz)\n', 'a.py', []).length, 0);
  });
  it('does not take CSS properties, chart attributes, query-string names or list slices for SQL OFFSET', () => {
    assert.equal(findOrmOffsets('style.setProperty("--header-offset", `${h}px`);', 'a.ts', []).length, 0);
    assert.equal(findOrmOffsets('stop.attr("offset", "0%"); grad.attr("offset", `${p}%`);', 'a.js', []).length, 0);
    assert.equal(findOrmOffsets('params.Set("offset", strconv.Itoa(f.Offset))\noffset := request.QueryIntParam(r, "offset", 0)', 'a.go', []).length, 0);
    assert.equal(findOrmOffsets("return {'rear_ports': self.cleaned_data['rear_ports'][offset:offset + n]}", 'a.py', []).length, 0);
    assert.equal(findOrmOffsets('sql += " limit ? offset ?"', 'a.java', []).length, 1, 'lower-case SQL that says LIMIT');
  });
  it('does not take a stream or MongoDB cursor `.skip(n).limit(m)` for query pagination (skip pairs with take)', () => {
    assert.equal(findOrmOffsets('return br.lines()\n    .skip(skipLineNums)\n    .limit(limit)\n    .collect(Collectors.toList());', 'A.java', []).length, 0);
    assert.equal(findOrmOffsets('list.stream().filter(f).skip((long) (pageNo - 1) * pageSize).limit(pageSize).map(V::new)', 'A.java', []).length, 0);
    assert.equal(findOrmOffsets('await Model.find(q).skip(page * n).limit(n);', 'a.js', []).length, 0);
    assert.equal(findOrmOffsets('repo.createQueryBuilder("u").skip(page * n).take(n).getMany()', 'a.ts', []).length, 1, 'TypeORM skip/take still counts');
    assert.equal(findOrmOffsets('q.take(n).skip(page * n)', 'a.ts', []).length, 1);
  });
  it('points a find-options finding at the offset key, not at an order array before it', () => {
    const text = 'await Document.findAll({\n  where,\n  order: [["createdAt", "DESC"]],\n  offset: ctx.state.pagination.offset,\n  limit: 25,\n});';
    const [h] = findOrmOffsets(text, 'a.ts', []);
    assert.equal(text.slice(h.at, h.at + 7), 'offset:');
  });
  it('finds { limit, offset } options built in a variable and passed to a find call (person14 18: conduit articles.js:43 was missed, :133 found)', () => {
    const conduit = [
      'const { limit = 3, offset = 0 } = req.query;',
      'const searchOptions = {',
      '  include: [',
      '    { model: Tag, as: "tagList", attributes: ["name"], ...(tag && { where: { name: tag } }) },',
      '    { model: User, as: "author", attributes: { exclude: ["email"] } },',
      '  ],',
      '  limit: parseInt(limit),',
      '  offset: offset * limit,',
      '  order: [["createdAt", "DESC"]],',
      '};',
      'if (favorited) rows = await user.getFavorites(searchOptions);',
      'else articles = await Article.findAndCountAll(searchOptions);',
    ].join('\n');
    const hits = findOrmOffsets(conduit, 'articles.js', []);
    assert.equal(hits.length, 1);
    assert.equal(conduit.slice(hits[0].at, hits[0].at + 22), 'offset: offset * limit');
    assert.equal(hits[0].what, 'offset: offset * limit');
    // TypeORM / Prisma options { take, skip } in a variable, spread into the call.
    assert.equal(findOrmOffsets('const opts: FindManyOptions<User> = { where, take: size, skip: page * size };\nreturn repo.find({ ...opts, order });', 'a.ts', []).length, 1);
    // Not pagination of a query: a nested include's offset, a literal offset, options never given to a find, an HTTP client's page.
    assert.equal(findOrmOffsets('const o = { include: [{ model: T, limit: 5, offset: n }] };\nawait A.findAll(o);', 'a.js', []).length, 0);
    assert.equal(findOrmOffsets('const o = { limit: 10, offset: 0 };\nawait A.findAll(o);', 'a.js', []).length, 0);
    assert.equal(findOrmOffsets('const params = { limit: n, offset: page * n };\nawait http.get(url, { params });', 'a.js', []).length, 0);
  });
  it('reads builder arguments that hold a call, over lines (pypika Parameter)', () => {
    assert.equal(findOrmOffsets('query = query.limit(Parameter(n + 1)).offset(\n    Parameter(n + 2),\n)', 'a.py', []).length, 1);
    assert.equal(findOrmOffsets('q.limit(Parameter(1)).offset(Parameter(0))', 'a.py', []).length, 1, 'a parameter, not a literal');
  });
  it('finds OFFSET appended to SQL at run time', () => {
    assert.equal(findOrmOffsets('query += " OFFSET " + strconv.Itoa(e.offset)', 'a.go', []).length, 1);
    assert.equal(findOrmOffsets('query = fmt.Sprintf("%s OFFSET %d", query, *find.Offset)', 'a.go', []).length, 1);
  });
  it('leaves literal offsets, unrelated offsets and statements the SQL rule judges', () => {
    assert.equal(findOrmOffsets('q.limit(10).offset(0)', 'a.ts', []).length, 0);
    assert.equal(findOrmOffsets('await prisma.team.findMany({ take: n, skip: cursor ? 1 : 0, cursor: cursor ? { id: cursor } : undefined });', 'a.ts', []).length, 0, 'Prisma cursor pagination skips the cursor row');
    assert.equal(findOrmOffsets('await prisma.team.findMany({ take: n, skip: args.skip });', 'a.ts', []).length, 1);
    // Options built apart from the find call (umami's pagedQuery), in either order.
    const paged = 'const data = await client[model].findMany({\n  ...criteria,\n  ...{\n    ...(size > 0 && { take: +size, skip: +size * (+page - 1) }),\n  },\n});';
    const [h] = findOrmOffsets(paged, 'a.ts', []);
    assert.equal(paged.slice(h.at, h.at + 5), 'skip:');
    assert.equal(findOrmOffsets('findMany({ where, ...{ skip: (page - 1) * n, take: n } })', 'a.ts', []).length, 1);
    assert.equal(findOrmOffsets('findMany({ where, ...{ skip: 0, take: n } })', 'a.ts', []).length, 0, 'a literal skip');
    // Paging arguments handed to the app's own service: the service's query is where it is reported.
    assert.equal(findOrmOffsets('const users = await this.userService.fetchAll(q.search, { take: q.take, skip: q.skip });', 'a.ts', []).length, 0);
    assert.equal(findOrmOffsets('const { offset, limit } = range; el.style.offset = x;', 'a.ts', []).length, 0);
    const text = 'db.query("SELECT * FROM t ORDER BY id LIMIT $1 OFFSET $2", [a, b])';
    const site = { sql: 'SELECT * FROM t ORDER BY id LIMIT $1 OFFSET $2', span: { start: 9, end: 58 }, dynamic: false } as SqlSite;
    assert.equal(findOrmOffsets(text, 'a.ts', [site]).length, 0);
  });

  it('page-number helpers that page with LIMIT/OFFSET: Flask-SQLAlchemy .paginate(per_page=…) and Objection .page(n, size)', () => {
    const flask = 'orders = (\n    Orders.query.filter_by(paid=True)\n    .order_by(Orders.id.desc())\n    .paginate(page=page, per_page=50, error_out=False)\n)';
    const [h] = findOrmOffsets(flask, 'shop/orders.py', []);
    assert.equal(flask.slice(h.at, h.at + 8), 'paginate');
    assert.equal(findOrmOffsets('rows = Orders.query.paginate(max_per_page=100, error_out=False)', 'shop/api.py', []).length, 1);
    // Not Flask-SQLAlchemy's: boto3's paginator, or the app's own paginate(stmt, limit=…, page=…) whose .offset() is reported where it is.
    assert.equal(findOrmOffsets('for page in paginator.paginate(Bucket=bucket, Prefix=prefix):', 'shop/s3.py', []).length, 0);
    assert.equal(findOrmOffsets('return await repository.paginate(statement, limit=pagination.limit, page=pagination.page)', 'shop/service.py', []).length, 0);
    const objection = "const history = await Revisions.query()\n  .where({ docId })\n  .orderBy('createdAt', 'desc')\n  .page(pageNo, pageSize)";
    const [o] = findOrmOffsets(objection, 'server/models/revisions.js', []);
    assert.equal(objection.slice(o.at, o.at + 5), 'page(');
    assert.equal(findOrmOffsets("const first = await Revisions.query().orderBy('id').page(0, 20)", 'server/a.js', []).length, 0, 'the first page only');
    assert.equal(findOrmOffsets('await browser.page(url, options)', 'e2e/a.js', []).length, 0);
  });
});

describe('extract: statements completed by appending', () => {
  const site = (text: string, lit: string, call?: string): SqlSite => {
    const start = text.indexOf(lit);
    const c = call ? text.indexOf(call) : -1;
    return { language: 'go', api: 'database/sql.Query', sql: lit.slice(1, -1), sourceMap: [], span: { start, end: start + lit.length }, callSpan: c >= 0 ? { start: c, end: c + call!.length } : undefined, params: [], confidence: 1, dynamic: false };
  };
  it('marks a literal that is appended to before it runs as dynamic', () => {
    const go = 'query := `SELECT id FROM feeds`\nif len(c) > 0 {\n  query += " WHERE " + strings.Join(c, " AND ")\n}\nrows, err := db.Query(query)\n';
    assert.equal(markAppendedSites([site(go, '`SELECT id FROM feeds`', 'db.Query(query)')], go)[0].dynamic, true);
    const py = 'sql = "SELECT id FROM t"\nsql = sql + " WHERE a = %s"\ncur.execute(sql, (a,))\n';
    assert.equal(markAppendedSites([site(py, '"SELECT id FROM t"', 'cur.execute(sql, (a,))')], py)[0].dynamic, true);
  });
  it('leaves a literal that runs as written', () => {
    const go = 'query := `SELECT id FROM feeds WHERE user_id = $1`\nrows, err := db.Query(query, id)\nother += "x"\n';
    assert.equal(markAppendedSites([site(go, '`SELECT id FROM feeds WHERE user_id = $1`', 'db.Query(query, id)')], go)[0].dynamic, false);
  });
});

describe('dialect from paths', () => {
  it('knows per-driver folders and files of other databases', () => {
    assert.equal(dialectOfPath('store/db/mysql/memo.go').dialect, 'other');
    assert.equal(dialectOfPath('store/migration/sqlite/0.12/01__x.sql').name, 'sqlite');
    assert.equal(dialectOfPath('store/db/postgres/memo.go').dialect, 'postgresql');
    assert.equal(dialectOfPath('src/mysqlish/helpers.ts').dialect, 'postgresql');
  });
});

describe('rule offset-pagination in ORM code: severity (issue 14, session 25)', () => {
  it('an ORM or appended page is a note that says the list\'s size is unproved (no row count reaches this scan)', async () => {
    const text = 'export async function list(page: number) {\n  return prisma.post.findMany({ take: 20, skip: (page - 1) * 20 });\n}\n';
    const found = (await analyzeFile({ path: 'src/posts.ts', text }, { analyzers: [ormOffsetAnalyzer()] })).findings.filter((f) => f.ruleId === 'offset-pagination');
    assert.deepEqual(found.map((f) => [f.severity, f.evidence?.size]), [['info', 'unproved']]);
    assert.match(found[0].message, /unproved here/);
  });
});
