import { strict as assert } from 'node:assert';
import { assertMapsBack, sitesIn } from '../../support/extractFixtures';
import { checkSite } from '../../../../src/core/rules/engine';
import { RULES } from '../../../../src/core/rules/index';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import type { SqlSite } from '../../../../src/core/extract/types';

const rules = (s: SqlSite) => checkSite(s, RULES).map((f) => f.ruleId);

describe('extract: composed variants of appended SQL', () => {

  it('Go: conditional WHERE and LIMIT, unconditional ORDER BY → four variants; no unbounded-query (some path bounds it)', async () => {
    const go = 'package s\nfunc (b *B) Fetch() {\n\tquery := `SELECT id, feed_url FROM feeds`\n\tif len(b.conds) > 0 {\n\t\tquery += " WHERE " + strings.Join(b.conds, " AND ")\n\t}\n\tquery += " ORDER BY next_check_at ASC"\n\tif b.size > 0 {\n\t\tquery += " LIMIT " + strconv.Itoa(b.size)\n\t}\n\trows, err := b.db.Query(query, b.args...)\n}\n';
    const [s] = await sitesIn(go, 'x.go');
    assert.equal(s.dynamic, true);
    assert.equal(s.variants?.length, 4);
    assert.ok(s.variants!.some((v) => v.sql === 'SELECT id, feed_url FROM feeds ORDER BY next_check_at ASC'));
    assert.ok(!rules(s).includes('unbounded-query'));
    // The appended ORDER BY maps back to its own line.
    const v = s.variants!.find((x) => x.sql.endsWith('ASC'))!;
    assertMapsBack(go, v, 'ORDER BY');
  });

  it('Python: an unconditional WHERE makes the statement whole again; a predicate in an optional append is judged', async () => {
    const py = 'def f(cur, name, q):\n    sql = "DELETE FROM sessions"\n    sql += " WHERE user_id = %s"\n    if q:\n        sql += " AND lower(name) = %s"\n    cur.execute(sql, (name, q))\n';
    const [s] = await sitesIn(py, 'x.py');
    assert.deepEqual(s.variants?.map((v) => v.sql), ['DELETE FROM sessions WHERE user_id = $1', 'DELETE FROM sessions WHERE user_id = $1 AND lower(name) = $2']);
    const found = rules(s);
    assert.ok(!found.includes('update-delete-without-where'));
    assert.ok(found.includes('non-sargable-predicate'));
  });

  it('a finding about a part is reported once per place, though variants number its parameters differently', async () => {
    const py = 'def f(curs, q, count, offset):\n    query = "SELECT id FROM t WHERE a = %s ORDER BY id"\n    args = [q]\n    if count > 0:\n        query += " LIMIT %s"\n        args.append(count)\n    if offset >= 0:\n        query += " OFFSET %s"\n        args.append(offset)\n    curs.execute(query, tuple(args))\n';
    const [s] = await sitesIn(py, 'x.py');
    assert.equal(s.variants?.length, 4);
    assert.equal(rules(s).filter((r) => r === 'offset-pagination').length, 1);
  });

  it('two calls running the same composed statement give its finding once (scan)', async () => {
    const go = 'package s\nfunc f(all bool) {\n\tq := `SELECT id FROM comments WHERE TRUE `\n\tif !all {\n\t\tq += `AND (state = 1 OR author = $1)`\n\t}\n\tif all {\n\t\trows, err = db.Query(q)\n\t} else {\n\t\trows, err = db.Query(q, a)\n\t}\n}\n';
    const r = await analyzeFile({ path: 'x.go', text: go }, { analyzers: [rulesAnalyzer()] });
    assert.equal(r.findings.filter((f) => f.ruleId === 'or-across-columns').length, 1);
  });

  it('a whole-statement finding that holds in every variant is reported', async () => {
    const java = 'class A { void f(boolean asc) {\n  String sql = "UPDATE users SET active = false";\n  if (asc) {\n    sql += ", seen = now()";\n  }\n  jdbc.update(sql);\n} }\n';
    const [s] = await sitesIn(java, 'A.java');
    assert.equal(s.variants?.length, 2);
    assert.ok(rules(s).includes('update-delete-without-where'));
  });

  it('appends in a loop, a reassignment or a format call are not composed: only dynamic', async () => {
    const loop = 'def f(cur, ids):\n    sql = "SELECT id FROM t WHERE true"\n    for i in ids:\n        sql += " AND id <> %s"\n    cur.execute(sql, ids)\n';
    const [a] = await sitesIn(loop, 'x.py');
    assert.equal(a.dynamic, true);
    assert.equal(a.variants, undefined);
    const fmt = 'package s\nfunc f() {\n\tquery := `SELECT id FROM t`\n\tquery = fmt.Sprintf("%s LIMIT %d", query, n)\n\tdb.Query(query)\n}\n';
    const [b] = await sitesIn(fmt, 'x.go');
    assert.equal(b.dynamic, true);
    assert.equal(b.variants, undefined);
    assert.ok(!rules(b).includes('unbounded-query'));
  });

  it('string builders filled in a loop (Go strings.Builder, Java StringBuilder) are dynamic: no whole-statement finding on the first piece', async () => {
    const go = 'package s\nfunc f(db *sql.DB, ids []int) {\n\tvar b strings.Builder\n\tb.WriteString("SELECT id FROM t")\n\tfor i, id := range ids {\n\t\tif i == 0 {\n\t\t\tb.WriteString(" WHERE id = ?")\n\t\t}\n\t}\n\tdb.Query(b.String(), 1)\n}\n';
    const java = 'class A { void f(List<Integer> ids) {\n  StringBuilder sql = new StringBuilder("DELETE FROM t");\n  for (Integer id : ids) {\n    sql.append(" WHERE id = ?");\n  }\n  jdbc.update(sql.toString());\n} }\n';
    for (const [text, file] of [[go, 'a.go'], [java, 'A.java']]) {
      const [s] = await sitesIn(text, file);
      assert.equal(s.dynamic, true, file);
      assert.ok(!rules(s).includes('unbounded-query') && !rules(s).includes('update-delete-without-where'), file);
    }
  });

  it('more optional appends than the bound: only dynamic', async () => {
    const ifs = Array.from({ length: 6 }, (_, i) => `    if a${i}:\n        sql += " AND c${i} = %s"\n`).join('');
    const py = `def f(cur):\n    sql = "SELECT id FROM t WHERE true"\n${ifs}    cur.execute(sql, args)\n`;
    const [s] = await sitesIn(py, 'x.py');
    assert.equal(s.dynamic, true);
    assert.equal(s.variants, undefined);
  });
});
