import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedFindings, recordedAnalyzer, OPEN_SITE_COMMAND } from '../../../../src/core/record/findings';
import type { StatementAdvice } from '../../../../src/core/record/format';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const FILE = '/app/orm/orders.ts';
const TEXT = [
  "import { Order } from './models';",
  'export async function recent(limit: number) {',
  "  const orders = await Order.findAll({ order: [['placedAt', 'DESC']], limit });",
  '  for (const order of orders) {',
  '    order.items = await order.getItems();',
  '  }',
  '  return orders;',
  '}',
].join('\n');

function q(sql: string, unit: string, line: number, col: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 2, rows: 1, u: { k: 'request', id: unit, n: 'GET /orders/recent' }, ts: 0, pid: 1, site: { file: FILE, line, col, via: 'sequelize' } };
}

describe('core/record/findings: the recording as findings of the one pipeline', () => {
  before(() => loadPgParser());

  const events: QueryEvent[] = [];
  for (const unit of ['r1', 'r2']) {
    events.push(q('SELECT id FROM orders ORDER BY placed_at DESC LIMIT 10', unit, 3, 24));
    for (let i = 0; i < 10; i++) events.push(q(`SELECT * FROM order_items WHERE order_id = ${i}`, unit, 5, 19));
  }

  it('an N+1 at its line (from the recorded column to the end of the line), with the query that loads the rows as its parent', () => {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    assert.deepEqual(summary.nPlusOne[0].parent, { file: FILE, line: 3, col: 24 });
    const [f, ...rest] = recordedFindings({ summary, advice: new Map() }, FILE, TEXT, (p) => p.replace('/app/', ''));
    assert.equal(rest.length, 0);
    assert.equal(f.ruleId, 'n-plus-one');
    assert.equal(TEXT.slice(f.span.start, f.span.end), 'await order.getItems();');
    assert.match(f.message, /10 times in one request/);
    assert.match(f.help ?? '', /include/);
    const go = f.fixes.find((x) => x.command?.id === OPEN_SITE_COMMAND);
    assert.ok(go, JSON.stringify(f.fixes));
    assert.match(go.title, /orm\/orders\.ts:3/);
    assert.deepEqual(go.command!.args, [FILE, 3, 24]);
    assert.equal(TEXT.slice(f.related![0].span.start, f.related![0].span.end), "Order.findAll({ order: [['placedAt', 'DESC']], limit });");
  });

  it('proved index advice of a recorded statement is a missing-index finding at the line that sent it; other files get nothing', () => {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    const norm = summary.sites.find((s) => s.line === 3)!.statements[0].normalized;
    const index = { ddl: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at DESC)' };
    const advice = new Map<string, StatementAdvice>([[norm, { suggestions: [{ ddl: index.ddl, costBefore: 400, costAfter: 20, summary: 'orders: 400 → 20', planBefore: [], index }] }]]);
    const found = recordedFindings({ summary, advice }, FILE, TEXT).filter((f) => f.ruleId === 'missing-index');
    assert.equal(found.length, 1);
    assert.equal(TEXT.split('\n')[2].includes(TEXT.slice(found[0].span.start, found[0].span.end)), true);
    assert.deepEqual(found[0].fixes.map((x) => x.command?.id), ['pgLens.addIndexMigration', 'pgLens.copyCreateIndex']);
    assert.deepEqual(recordedFindings({ summary, advice }, '/app/other.ts', TEXT), []);
  });

  it('as an analyzer it reads the state it is given each time (nothing before a recording)', async () => {
    const state: { summary?: ReturnType<typeof summarize> } = {};
    const a = recordedAnalyzer(() => ({ summary: state.summary, advice: new Map() }));
    assert.deepEqual(await a.analyze({ file: FILE, text: TEXT, language: 'typescript', sites: [] }), []);
    state.summary = summarize(events, normalizeSql, { threshold: 5 });
    assert.equal((await a.analyze({ file: FILE, text: TEXT, language: 'typescript', sites: [] })).length, 1);
    assert.deepEqual(a.rules.map((r) => r.id).sort(), ['missing-index', 'n-plus-one']);
  });
});
