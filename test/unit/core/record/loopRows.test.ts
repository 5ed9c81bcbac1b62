import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedFindings } from '../../../../src/core/record/findings';
import { atMostOneRow, loopRowsFrom } from '../../../../src/core/record/loopRows';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const DIR = join(__dirname, '../../../fixtures/record/loopRows');
const source = (file: string) => readFileSync(join(DIR, file), 'utf8');
/** The 1-based column of `needle` on `line` of a fixture. */
const colOf = (file: string, line: number, needle: string) => source(file).split('\n')[line - 1].indexOf(needle) + 1;

function q(sql: string, file: string, line: number, col: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'root', id: 'script', n: 'script' }, ts: 0, pid: 1, site: { file: join(DIR, file), line, col } };
}

/** One run: the statements before the loop at `before`, then the loop's 8 calls at `site`. */
function recorded(file: string, before: [string, number, string][], site: [string, number, string]) {
  const events = [...before.map(([sql, line, needle]) => q(sql, file, line, colOf(file, line, needle))), ...Array.from({ length: 8 }, (_, i) => q(site[0].replace('$1', String(i + 1)), file, site[1], colOf(file, site[1], site[2])))];
  const s = summarize(events, normalizeSql, { threshold: 5 }, { source: (f) => readFileSync(f, 'utf8') });
  assert.equal(s.nPlusOne.length, 1, 'the loop is an N+1');
  return { s, n: s.nPlusOne[0], findings: recordedFindings({ summary: s, advice: new Map() } as never, join(DIR, file), source(file)) };
}

describe('core/record/loopRows: the recording names the rows\' query only when the loop iterates its result (person47 L4)', () => {
  before(() => loadPgParser());

  it('a load generator\'s `SELECT max(id)` read in a helper is not the source of the rows of a loop that counts (traffic.ts)', () => {
    const { n, findings } = recorded('traffic.ts', [['SELECT max(id) AS n FROM customers', 4, 'pool.query'], ['SELECT max(id) AS n FROM products', 4, 'pool.query']], ['SELECT email FROM customers WHERE id = $1', 6, 'pool.query']);
    assert.equal(n.parent, undefined);
    assert.equal(n.counter, undefined);
    const related = findings.flatMap((f) => f.related ?? []).map((r) => r.message);
    assert.ok(!related.some((m) => /rows the loop runs over/.test(m)), `no "rows come from this query" line: ${JSON.stringify(related)}`);
  });

  it('a loop over the rows the query returned keeps its related line', () => {
    const { n, findings } = recorded('loops.ts', [['SELECT id FROM products ORDER BY id LIMIT 10', 2, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 4, 'db.query']);
    assert.deepEqual(n.parent && [n.parent.line], [2]);
    assert.ok(findings.some((f) => f.related?.some((r) => /^The rows the loop runs over come from this query/.test(r.message) && r.span !== undefined)));
  });

  it('a counter loop bounded by a number the query gave says so: "The loop runs n times (n from this query)"', () => {
    const { n, findings } = recorded('loops.ts', [['SELECT count(*) AS n FROM products', 9, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 11, 'db.query']);
    assert.equal(n.parent, undefined);
    assert.deepEqual(n.counter && [n.counter.line, n.counter.name], [9, 'n']);
    const related = findings.flatMap((f) => f.related ?? []).map((r) => r.message);
    assert.ok(related.includes('The loop runs n times (n from this query).'), JSON.stringify(related));
    assert.ok(!related.some((m) => /rows the loop runs over/.test(m)));
  });

  it('a loop over another list than the query\'s result (its rows bound to a name the loop does not read) has no related line', () => {
    const { n } = recorded('loops.ts', [['SELECT key, value FROM settings', 16, 'db.query']], ['SELECT * FROM reviews WHERE product_id = $1', 18, 'db.query']);
    assert.equal(n.parent, undefined);
  });

  it('Python: a loop over the fetched rows keeps the line; `range(n)` after a count is not over its rows', () => {
    const py = (line: number) => ({ file: join(DIR, 'loops.py'), line, col: 5 });
    const read = (f: string) => readFileSync(f, 'utf8');
    assert.deepEqual(loopRowsFrom({ ...py(9), col: colOf('loops.py', 9, 'cur.execute') }, ['SELECT id FROM products ORDER BY id LIMIT 10'], py(11), read), { kind: 'rows' });
    assert.notEqual(loopRowsFrom(py(2), ['SELECT count(*) FROM products'], py(5), read).kind, 'rows');
  });

  it('tells a one-row SELECT from SQL alone: aggregates without GROUP BY, LIMIT 1', () => {
    assert.equal(atMostOneRow('SELECT max(id) AS n FROM customers'), true);
    assert.equal(atMostOneRow('SELECT count(*), sum(total_cents) FROM orders WHERE customer_id = $1'), true);
    assert.equal(atMostOneRow('SELECT id FROM orders ORDER BY placed_at DESC LIMIT 1'), true);
    assert.equal(atMostOneRow('SELECT customer_id, count(*) FROM orders GROUP BY customer_id'), false);
    assert.equal(atMostOneRow('SELECT id, max(total_cents) OVER () FROM orders'), false);
    assert.equal(atMostOneRow('SELECT id FROM products LIMIT 10'), false);
  });
});
