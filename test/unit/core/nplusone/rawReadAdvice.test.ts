/**
 * The batched advice of a raw driver's read says the form its statement needs (person31 M2): an aggregate per key runs
 * once per key inside one query (unnest + LATERAL), as the Python and TypeScript rewrites already do; a plain lookup
 * takes `= ANY` and groups by the key column, selected for that when the statement does not return it.
 */
import { strict as assert } from 'node:assert';
import { detectWithLines } from '../../support/nplusoneFixtures';

const JAVA = [
  'import java.sql.*;',
  'import java.util.*;',
  '',
  'public class Catalog {',
  '  public Map<Long, Long> reviewCounts(Connection conn, List<Long> productIds) throws SQLException {',
  '    Map<Long, Long> out = new HashMap<>();',
  '    for (Long pid : productIds) {',
  '      try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM reviews WHERE product_id = ?")) {',
  '        ps.setLong(1, pid);',
  '        try (ResultSet rs = ps.executeQuery()) {',
  '          rs.next();',
  '          out.put(pid, rs.getLong(1));',
  '        }',
  '      }',
  '    }',
  '    return out;',
  '  }',
  '}',
].join('\n');

const JAVA_SCOPES = [
  'import java.sql.*;',
  'import java.util.*;',
  '',
  'public class Names {',
  '  public List<String> names(Connection conn, List<Long> ids) throws SQLException {',
  '    {',
  '      PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM customers");',
  '      ps.executeQuery();',
  '    }',
  '    PreparedStatement ps = conn.prepareStatement("SELECT name FROM customers WHERE id = ?");',
  '    List<String> out = new ArrayList<>();',
  '    for (Long id : ids) {',
  '      ps.setLong(1, id);',
  '      try (ResultSet rs = ps.executeQuery()) {',
  '        rs.next();',
  '        out.add(rs.getString(1));',
  '      }',
  '    }',
  '    return out;',
  '  }',
  '}',
].join('\n');

const GO = [
  'package shop',
  '',
  'import (',
  '\t"context"',
  '\t"database/sql"',
  ')',
  '',
  'func CustomerNames(ctx context.Context, db *sql.DB, ids []int64) ([]string, error) {',
  '\tvar names []string',
  '\tfor _, id := range ids {',
  '\t\tvar name string',
  '\t\tif err := db.QueryRowContext(ctx, "SELECT name FROM customers WHERE id = $1", id).Scan(&name); err != nil {',
  '\t\t\treturn nil, err',
  '\t\t}',
  '\t\tnames = append(names, name)',
  '\t}',
  '\treturn names, nil',
  '}',
].join('\n');

describe('core/nplusone: a raw driver\'s batched advice keeps the statement\'s meaning (person31 M2)', () => {
  it('JDBC: `SELECT count(*) … WHERE product_id = ?` per item is told unnest + LATERAL (a count per product, 0 kept), never "= ANY(?) … match the rows by id"', async () => {
    const [f] = await detectWithLines(JAVA, 'src/main/java/shop/Catalog.java');
    assert.ok(f, 'the loop is an N+1');
    const help = f.finding.help ?? '';
    assert.match(help, /unnest\(\?\) of conn\.createArrayOf\("bigint", keys\), JOIN LATERAL the original, so its aggregate stays per pid/, help);
    assert.match(help, /by product_id \(the rewrite selects product_id for that\)/, help);
    assert.doesNotMatch(help, /match the rows by id/);
    assert.equal(f.evidence.rewrite.title, 'Batch with unnest(?) + LATERAL (keeps the per-pid meaning)');
  });

  it('JDBC: `ps.executeQuery()` carries the statement `ps` was prepared with in scope, not a same-named `ps` of a sibling block', async () => {
    const [f] = await detectWithLines(JAVA_SCOPES, 'src/main/java/shop/Names.java');
    assert.ok(f, 'the loop is an N+1');
    const help = f.finding.help ?? '';
    assert.doesNotMatch(help, /LATERAL/, help);
    assert.match(help, /id = ANY\(\?\)/, help);
  });

  it('Go database/sql: `SELECT name FROM customers WHERE id = $1` per id is told id = ANY($1) with pq.Array and the rows grouped by id, which the rewrite selects', async () => {
    const [f] = await detectWithLines(GO, 'internal/shop/customers.go');
    assert.ok(f, 'the loop is an N+1');
    const help = f.finding.help ?? '';
    assert.match(help, /Query once with id = ANY\(\$1\) and pq\.Array\(keys\), then group the rows by id \(the rewrite selects id for that\)/, help);
    assert.doesNotMatch(help, /match rows by id\./);
    assert.equal(f.evidence.rewrite.title, 'Batch with WHERE id = ANY($1)');
  });
});
