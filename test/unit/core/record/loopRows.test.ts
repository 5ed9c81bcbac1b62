import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeParsed } from '../../../../src/core/record/aggregate';
import { recordedFindings } from '../../../../src/core/record/findings';
import { atMostOneRow, loopRowsFrom, RecordedSyntax } from '../../../../src/core/record/loopRows';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const DIR = join(__dirname, '../../../fixtures/record/loopRows');
const source = (file: string) => readFileSync(join(DIR, file), 'utf8');
/** The 1-based column of `needle` on `line` of a fixture. */
const colOf = (file: string, line: number, needle: string) => source(file).split('\n')[line - 1].indexOf(needle) + 1;

function q(sql: string, file: string, line: number, col: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'root', id: 'script', n: 'script' }, ts: 0, pid: 1, site: { file: join(DIR, file), line, col } };
}

/** One run: the statements before the loop at `before`, then the loop's 8 calls at `site`; summarised with the sources parsed (as `pg-lens record`). */
async function recorded(file: string, before: [string, number, string][], site: [string, number, string]) {
  const events = [...before.map(([sql, line, needle]) => q(sql, file, line, colOf(file, line, needle))), ...Array.from({ length: 8 }, (_, i) => q(site[0].replace('$1', String(i + 1)), file, site[1], colOf(file, site[1], site[2])))];
  const s = await summarizeParsed(events, normalizeSql, { threshold: 5 }, { source: (f) => readFileSync(f, 'utf8') });
  assert.equal(s.nPlusOne.length, 1, 'the loop is an N+1');
  return { s, n: s.nPlusOne[0], findings: recordedFindings({ summary: s, advice: new Map() } as never, join(DIR, file), source(file)) };
}

describe('core/record/loopRows: the recording names the rows\' query only when the loop iterates its result (person47 L4)', () => {
  before(() => loadPgParser());

  it('a load generator\'s `SELECT max(id)` read in a helper is not the source of the rows of a loop that counts (traffic.ts)', async () => {
    const { n, findings } = await recorded('traffic.ts', [['SELECT max(id) AS n FROM customers', 4, 'pool.query'], ['SELECT max(id) AS n FROM products', 4, 'pool.query']], ['SELECT email FROM customers WHERE id = $1', 6, 'pool.query']);
    assert.equal(n.parent, undefined);
    assert.equal(n.counter, undefined);
    const related = findings.flatMap((f) => f.related ?? []).map((r) => r.message);
    assert.ok(!related.some((m) => /rows the loop runs over/.test(m)), `no "rows come from this query" line: ${JSON.stringify(related)}`);
  });

  it('a loop over the rows the query returned keeps its related line', async () => {
    const { n, findings } = await recorded('loops.ts', [['SELECT id FROM products ORDER BY id LIMIT 10', 2, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 4, 'db.query']);
    assert.deepEqual(n.parent && [n.parent.line], [2]);
    assert.ok(findings.some((f) => f.related?.some((r) => /^The rows the loop runs over come from this query/.test(r.message) && r.span !== undefined)));
  });

  it('a counter loop bounded by a number the query gave says so: "The loop runs n times (n from this query)"', async () => {
    const { n, findings } = await recorded('loops.ts', [['SELECT count(*) AS n FROM products', 9, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 11, 'db.query']);
    assert.equal(n.parent, undefined);
    assert.deepEqual(n.counter && [n.counter.line, n.counter.name], [9, 'n']);
    const related = findings.flatMap((f) => f.related ?? []).map((r) => r.message);
    assert.ok(related.includes('The loop runs n times (n from this query).'), JSON.stringify(related));
    assert.ok(!related.some((m) => /rows the loop runs over/.test(m)));
  });

  it('a loop over another list than the query\'s result (its rows bound to a name the loop does not read) has no related line', async () => {
    const { n } = await recorded('loops.ts', [['SELECT key, value FROM settings', 16, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 18, 'db.query']);
    assert.equal(n.parent, undefined);
  });

  it('Python: a loop over the fetched rows keeps the line; `range(n)` after a count is not over its rows', async () => {
    const py = (line: number) => ({ file: join(DIR, 'loops.py'), line, col: 5 });
    const sites = [{ ...py(9), col: colOf('loops.py', 9, 'cur.execute') }, py(11), py(2), py(5)];
    const syntax = new RecordedSyntax();
    assert.equal(await syntax.read((f) => readFileSync(f, 'utf8'), sites), true);
    assert.deepEqual(loopRowsFrom(sites[0], ['SELECT id FROM products ORDER BY id LIMIT 10'], py(11), syntax.at), { kind: 'rows' });
    assert.notEqual(loopRowsFrom(py(2), ['SELECT count(*) FROM products'], py(5), syntax.at).kind, 'rows');
  });

  it('a loop over rows a function of the file returns (`const products = await newestProducts(db)`, its query inside it) keeps its related line', async () => {
    const { n } = await recorded('loops.ts', [['SELECT id FROM products ORDER BY id DESC LIMIT 10', 23, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 30, 'db.query']);
    assert.deepEqual(n.parent && [n.parent.line], [23]);
  });

  // Go, Java and Ruby loops: read through the same registry (their loops and bindings were not read before).
  for (const [lang, file, call, shape] of [
    ['Go', 'loops.go', 'db.Query', { counter: [7, 'db.QueryRow', 11], other: [17, 'db.Query', 23], rows: [29, 'db.Query', 37] }],
    ['Java', 'Loops.java', 'jdbc.queryFor', { counter: [3, 'jdbc.queryFor', 5], other: [10, 'jdbc.queryFor', 12], rows: [17, 'jdbc.queryFor', 19] }],
    ['Ruby', 'loops.rb', 'conn.exec_params', { counter: [2, 'conn.exec', 4], other: [9, 'conn.exec', 11], rows: [16, 'conn.exec', 18] }],
  ] as const) {
    const loopCall = (line: number) => ['SELECT * FROM reviews WHERE product_id = $1', line, call] as [string, number, string];
    it(`${lang}: a counter loop bounded by the count the query gave says so`, async () => {
      const [at, needle, site] = shape.counter;
      const { n } = await recorded(file, [['SELECT count(*) AS n FROM products', at, needle]], loopCall(site));
      assert.equal(n.parent, undefined);
      assert.deepEqual(n.counter && [n.counter.line, n.counter.name], [at, 'n']);
    });
    it(`${lang}: a loop over another list than the query's rows has no related line`, async () => {
      const [at, needle, site] = shape.other;
      const { n } = await recorded(file, [['SELECT key, value FROM settings', at, needle]], loopCall(site));
      assert.equal(n.parent, undefined);
      assert.equal(n.counter, undefined);
    });
    it(`${lang}: a loop over the query's rows keeps its related line`, async () => {
      const [at, needle, site] = shape.rows;
      const { n } = await recorded(file, [['SELECT id FROM products ORDER BY id LIMIT 10', at, needle]], loopCall(site));
      assert.deepEqual(n.parent && [n.parent.line], [at]);
    });
  }

  it('tells a one-row SELECT from SQL alone: aggregates without GROUP BY, LIMIT 1', () => {
    assert.equal(atMostOneRow('SELECT max(id) AS n FROM customers'), true);
    assert.equal(atMostOneRow('SELECT count(*), sum(total_cents) FROM orders WHERE customer_id = $1'), true);
    assert.equal(atMostOneRow('SELECT id FROM orders ORDER BY placed_at DESC LIMIT 1'), true);
    assert.equal(atMostOneRow('SELECT customer_id, count(*) FROM orders GROUP BY customer_id'), false);
    assert.equal(atMostOneRow('SELECT id, max(total_cents) OVER () FROM orders'), false);
    assert.equal(atMostOneRow('SELECT id FROM products LIMIT 10'), false);
  });
});
