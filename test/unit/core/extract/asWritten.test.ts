import { strict as assert } from 'node:assert';
import { finishSql, textPart, type Part } from '../../../../src/core/extract/compose';
import { placeholderLegend, sqlAsWritten, templateMarkers, wontRunAsIs } from '../../../../src/core/extract/asWritten';
import { extractSqlSites } from '../../../../src/core/extract';

describe('core/extract/asWritten: Copy SQL in both forms', () => {
  it('psycopg placeholders: $n for PostgreSQL, %s / %(name)s as the code writes them; literals untouched', () => {
    const f = finishSql([textPart("SELECT '$1', COUNT(%s) FROM t WHERE a = %(a)s AND b = %(a)s", 0)], { pyformat: true });
    const site = { sql: f.sql, sourceMap: f.sourceMap, params: f.params };
    assert.equal(site.sql, "SELECT '$1', COUNT($1) FROM t WHERE a = $2 AND b = $2");
    assert.equal(sqlAsWritten(site), "SELECT '$1', COUNT(%s) FROM t WHERE a = %(a)s AND b = %(a)s");
    assert.deepEqual(placeholderLegend(site), ['$1 = %s', '$2 = %(a)s']);
  });
  it('a spliced piece is named as text spliced in at run time; $n the code writes itself need no legend', () => {
    const parts: Part[] = [textPart('SELECT COUNT(', 0), { t: 'hole', source: '${col}', span: { start: 20, end: 26 }, dynamic: true }, textPart(') FROM t WHERE id = $1', 30)];
    const f = finishSql(parts, { dollar: true });
    const site = { sql: f.sql, sourceMap: f.sourceMap, params: f.params };
    assert.equal(sqlAsWritten(site), 'SELECT COUNT(${col}) FROM t WHERE id = $1');
    const legend = placeholderLegend(site);
    assert.equal(legend.length, 1);
    assert.match(legend[0], /^\$2 = \$\{col\} \(text spliced in at run time, not a value\)$/);
  });
  it('through the extractor: Python % formatting (spliced) and a bound %s read apart', async () => {
    const code = 'def f(cur, col, id):\n    cur.execute("SELECT COUNT(%s) FROM orders" % col)\n    cur.execute("SELECT COUNT(*) FROM orders WHERE customer_id = %s", (id,))\n';
    const sites = await extractSqlSites(code, 'python');
    const spliced = sites.find((s) => s.sql.startsWith('SELECT COUNT($1) FROM orders'));
    assert.ok(spliced, sites.map((s) => s.sql).join(' | '));
    assert.equal(sqlAsWritten(spliced), 'SELECT COUNT(%s) FROM orders');
    assert.deepEqual(placeholderLegend(spliced), ['$1 = %s (text spliced in at run time, not a value)']);
    const bound = sites.find((s) => s.sql.includes('COUNT(*)'));
    assert.ok(bound);
    assert.equal(sqlAsWritten(bound), 'SELECT COUNT(*) FROM orders WHERE customer_id = %s');
    assert.deepEqual(placeholderLegend(bound), ['$1 = %s']);
  });

  describe('a copy that will not run as it is (template placeholders the code fills in)', () => {
    it('finds %name%, {{ }}, {% %}, ${ } and #{ } outside literals, quoted names and comments, each once', () => {
      const sql = `SELECT * FROM subscribers WHERE name LIKE '%query%' AND "%x%" = 1 -- %order%\n AND %query% /* {{ no }} */ ORDER BY %order% LIMIT {{ n }} OFFSET \${off} AND %query%`;
      assert.deepEqual(templateMarkers(sql), ['%query%', '%order%', '{{ n }}', '${off}']);
      assert.deepEqual(templateMarkers('{% if a %} SELECT 1 {% endif %}'), ['{% if a %}', '{% endif %}']);
      assert.deepEqual(templateMarkers("SELECT a % b % c, '%x%' FROM t WHERE id = $1"), []);
    });
    it("says so in Copy SQL's confirmation, naming the placeholders; a text computed at run time may not run", () => {
      assert.match(wontRunAsIs({ sql: 'SELECT 1 FROM t WHERE true AND %query% ORDER BY %order%', dynamic: false }), /will not run as it is: %query%, %order% are template placeholders the code fills in at run time/);
      assert.match(wontRunAsIs({ sql: 'SELECT 1 FROM t WHERE x = $1', dynamic: true }), /may not run as it is/);
      assert.equal(wontRunAsIs({ sql: 'SELECT 1 FROM t WHERE x = $1', dynamic: false }), '');
    });
    it("listmonk's raw query-subscribers, as the .sql extractor reads it", async () => {
      const text = '-- name: query-subscribers\nSELECT subscribers.* FROM subscribers\n    WHERE subscribers.status = $1\n    AND %query%\n    ORDER BY %order% OFFSET $2 LIMIT $3;\n';
      const site = (await extractSqlSites(text, 'sql', 'queries/subscribers.sql')).find((s) => s.sql.includes('%query%'));
      assert.ok(site, 'the named query is a site');
      assert.match(wontRunAsIs(site), /%query%, %order%/);
    });
  });
});

