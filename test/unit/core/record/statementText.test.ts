import { strict as assert } from 'node:assert';
import { summarize, groupByUnit } from '../../../../src/core/record/aggregate';
import { adviceText, constantsOf, markVarying, roughNormalize, squashLists } from '../../../../src/core/record/statementText';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

function q(sql: string, unit: string, line: number, extra: Partial<QueryEvent> = {}): QueryEvent {
  return { v: 1, t: 'q', lib: 'psycopg2', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site: { file: '/app/models.py', line, col: 5 }, ...extra };
}

describe('core/record/statementText: statements differing only in list length are one (person13 P5)', () => {
  before(() => loadPgParser());

  it('squashes IN lists and ARRAY lists of parameters, numbering what follows again', () => {
    const a = squashLists(normalizeSql('SELECT * FROM t WHERE id IN (1, 2) AND k = 5')!);
    const b = squashLists(normalizeSql('SELECT * FROM t WHERE id IN (7, 8, 9) AND k = 5')!);
    assert.equal(a, b);
    assert.equal(a, 'SELECT * FROM t WHERE id IN ($1 /*, ... */) AND k = $2');
    assert.equal(squashLists('SELECT * FROM t WHERE id = ANY(ARRAY[$1, $2, $3]) AND k = $4'), squashLists('SELECT * FROM t WHERE id = ANY(ARRAY[$1,$2]) AND k = $3'));
    assert.equal(squashLists('SELECT * FROM t WHERE id IN ($1::int, $2::int)'), 'SELECT * FROM t WHERE id IN ($1::int /*, ... */)');
    // A one-element list and a list of names are left as they are.
    assert.equal(squashLists('SELECT * FROM t WHERE id IN ($1)'), 'SELECT * FROM t WHERE id IN ($1)');
    assert.equal(squashLists('SELECT * FROM t WHERE a IN (b, c)'), 'SELECT * FROM t WHERE a IN (b, c)');
  });

  it('counts them as one statement in the N+1 count, the call sites and the Recorded Queries view', () => {
    const events: QueryEvent[] = [];
    for (let i = 0; i < 6; i++) events.push(q(`SELECT * FROM tags WHERE item_id IN (${Array.from({ length: 1 + (i % 3) + 1 }, (_, j) => i * 10 + j).join(', ')})`, 'GET /items#1', 9));
    const s = summarize(events, normalizeSql, { threshold: 5 });
    assert.equal(s.sites[0].statements.length, 1, JSON.stringify(s.sites[0].statements.map((x) => x.normalized)));
    assert.equal(s.sites[0].statements[0].calls, 6);
    assert.equal(s.nPlusOne.length, 1, 'six calls of one statement in one request: an N+1 (it was three statements of two calls)');
    const g = groupByUnit(events, normalizeSql);
    assert.equal(g[0].sites[0].statements.length, 1);
  });
});

describe('core/record/statementText: a recorded value never becomes a constant in advice (person13 P4)', () => {
  before(() => loadPgParser());

  it('finds the constants outside names, comments and parameters', () => {
    const sql = `SELECT "t1".a, 'x''y', E'\\n' FROM t1 /* 5 */ WHERE b = 12.5 AND c = $2 AND d = -3 -- 7\n LIMIT 10`;
    assert.deepEqual(constantsOf(sql).map((c) => c.text), [`'x''y'`, `E'\\n'`, '12.5', '3', '10']);
  });

  it('the fallback grouping key masks the same constants (one lexer): not a number inside a quoted name, nor one in a comment', () => {
    const sql = 'SELECT "col1", "2fa" FROM t -- page 2\nWHERE a = E\'x\\\'y\' AND b = 1.5e3 /* 7 */ AND c = $1;';
    assert.equal(roughNormalize(sql), 'SELECT "col1", "2fa" FROM t WHERE a = ? AND b = ? AND c = $1');
    assert.equal(constantsOf(sql).length, 2);
  });
  it('a text whose parameters the driver interpolated (psycopg2): every constant is one of them', () => {
    const events = [q('SELECT * FROM awards WHERE user_id = 1 ORDER BY id', 'GET /u#1', 30, { pc: 1, pt: ['int'] })];
    const s = summarize(events, normalizeSql);
    assert.equal(s.sites[0].statements[0].sql, 'SELECT * FROM awards WHERE user_id = $1 ORDER BY id');
  });

  it('a literal-bound text: the constants that differ between its calls become $n, the code\'s own constant stays', () => {
    const events = [1, 2, 3].map((u) => q(`SELECT * FROM awards WHERE user_id = ${u} AND type = 'standard'`, `GET /u#${u}`, 30));
    const st = summarize(events, normalizeSql).sites[0].statements[0];
    assert.equal(st.calls, 3);
    assert.equal(st.sql, `SELECT * FROM awards WHERE user_id = $1 AND type = 'standard'`);
  });

  it('a text with placeholders keeps its own constants (the code wrote them): they may still make a partial index', () => {
    const events = [1, 2].map((u) => q(`SELECT * FROM orders WHERE status = 'active' AND customer_id = $1`, `GET /o#${u}`, 8, { pc: 1, pt: ['int'] }));
    assert.equal(summarize(events, normalizeSql).sites[0].statements[0].sql, `SELECT * FROM orders WHERE status = 'active' AND customer_id = $1`);
  });

  it('lists of another length: the common beginning and end stay, the rest differ', () => {
    const a = constantsOf(`SELECT 1 FROM t WHERE k = 'a' AND id IN (1, 2) LIMIT 5`);
    const b = constantsOf(`SELECT 1 FROM t WHERE k = 'a' AND id IN (3, 4, 5) LIMIT 5`);
    const vary = a.map(() => false);
    markVarying(a, b, vary);
    assert.deepEqual(vary, [false, false, true, true, false]);
    assert.equal(adviceText(`SELECT 1 FROM t WHERE k = 'a' AND id IN (1, 2) LIMIT 5`, a, vary, false), `SELECT 1 FROM t WHERE k = 'a' AND id IN ($1, $2) LIMIT 5`);
  });
});
