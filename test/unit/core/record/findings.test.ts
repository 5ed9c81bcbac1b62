import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedFindings, recordedAnalyzer } from '../../../../src/core/record/findings';
import { recordedAdviceOf } from '../../../../src/core/record/advice';
import { adviceAfterConnectionChange, OPEN_SITE_COMMAND } from '../../../../src/core/record/findingsMeta';
import type { StatementAdvice } from '../../../../src/core/record/format';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { analyzeFile, functionAnalyzer } from '../../../../src/core/scan';
import { detectNPlusOne } from '../../../../src/core/nplusone/detect';
import { OTHER_RULES } from '../../../../src/core/rules/index';
import { missingIndexFinding } from '../../../../src/core/advice/missingIndex';
import { findingsSignature } from '../../../../src/core/findings';

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
    assert.equal(TEXT.slice(f.related![0].span!.start, f.related![0].span!.end), "Order.findAll({ order: [['placedAt', 'DESC']], limit });");
  });

  it('while recording, more requests like the first change nothing a diagnostic shows, so a Quick Fix asked for is not cancelled by the next refresh (issue 20 item 12)', () => {
    const more: QueryEvent[] = [...events];
    for (const unit of ['r3', 'r4', 'r5']) {
      more.push(q('SELECT id FROM orders ORDER BY placed_at DESC LIMIT 10', unit, 3, 24));
      for (let i = 0; i < 10; i++) more.push({ ...q(`SELECT * FROM order_items WHERE order_id = ${i}`, unit, 5, 19), ms: 7 });
    }
    const norm = summarize(events, normalizeSql, { threshold: 5 }).sites.find((s) => s.line === 3)!.statements[0].normalized;
    const index = { ddl: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at DESC)' };
    const advice = new Map<string, StatementAdvice>([[norm, { suggestions: [{ ddl: index.ddl, costBefore: 400, costAfter: 20, summary: 'orders: 400 → 20', planBefore: [], index }] }]]);
    const at = (evs: QueryEvent[], live: boolean) => recordedFindings({ summary: summarize(evs, normalizeSql, { threshold: 5 }), advice, live }, FILE, TEXT);
    const before = at(events, true);
    const after = at(more, true);
    assert.deepEqual(before.map((f) => f.ruleId).sort(), ['missing-index', 'n-plus-one']);
    assert.equal(findingsSignature(after), findingsSignature(before), `${before.map((f) => f.message).join(' | ')}\n${after.map((f) => f.message).join(' | ')}`);
    assert.ok(after.every((f) => f.fixes.length > 0), 'the fixes are offered while recording');
    assert.match(after.find((f) => f.ruleId === 'n-plus-one')!.message, /10 times in one request .*recording/);
    // Stopped: the totals are in the message.
    const stopped = at(more, false);
    assert.match(stopped.find((f) => f.ruleId === 'n-plus-one')!.message, /; 5 requests like it/);
    assert.match(stopped.find((f) => f.ruleId === 'missing-index')!.message, /\(recorded: 5× from this line\)/);
    assert.notEqual(findingsSignature(stopped), findingsSignature(after));
  });

  it('a recorded line whose index the decision shares says so, as the code\'s lines do (person52 L-6: orm/orders.ts:25 said nothing of the index src/orders.ts:70 and src/typo.ts:5 shared with it)', () => {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    const norm = summary.sites.find((s) => s.line === 3)!.statements[0].normalized;
    const ddl = 'CREATE INDEX CONCURRENTLY orders_status_placed_at_desc_idx ON orders (status, placed_at DESC)';
    const decided = { status: 'ok', suggestions: [{ ddl, costBefore: 375, costAfter: 50.6, summary: 'Reading orders (32k rows): an index on orders (status, placed_at DESC) cuts the estimated cost 375 → 50.6', planBefore: [] }], alsoServes: { [ddl]: ['src/orders.ts:70', 'src/typo.ts:5'] } };
    const advice = new Map<string, StatementAdvice>([[norm, recordedAdviceOf(decided, undefined, () => undefined)]]);
    const f = recordedFindings({ summary, advice, live: false }, FILE, TEXT).find((x) => x.ruleId === 'missing-index')!;
    assert.match(f.message, /cuts the estimated cost 375 → 50\.6 \(one index shared with 2 other statements\) \(recorded: \d+× from this line\)$/);
    // Its own index: no such words.
    const alone = new Map<string, StatementAdvice>([[norm, recordedAdviceOf({ ...decided, alsoServes: {} }, undefined, () => undefined)]]);
    assert.doesNotMatch(recordedFindings({ summary, advice: alone, live: false }, FILE, TEXT).find((x) => x.ruleId === 'missing-index')!.message, /shared/);
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

  it('index advice proved on one database is no finding while another is connected, nor while disconnected (it followed no switch)', () => {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    const norm = summary.sites.find((s) => s.line === 3)!.statements[0].normalized;
    const index = { ddl: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at DESC)' };
    const advice = new Map<string, StatementAdvice>([[norm, { suggestions: [{ ddl: index.ddl, costBefore: 400, costAfter: 20, summary: 'orders: 400 → 20', planBefore: [], index }], provedOn: 'localhost:5432/shop' }]]);
    const missing = (connection?: string) => recordedFindings({ summary, advice, connection }, FILE, TEXT).filter((f) => f.ruleId === 'missing-index').length;
    assert.equal(missing('localhost:5432/shop'), 1);
    assert.equal(missing('localhost:5432/umami'), 0);
    assert.equal(missing(undefined), 0);
    // The N+1 is what the app did, whichever database is connected: it stays.
    assert.equal(recordedFindings({ summary, advice, connection: 'localhost:5432/umami' }, FILE, TEXT).filter((f) => f.ruleId === 'n-plus-one').length, 1);
  });

  it('a moment with no connection hides the advice but keeps it: the same database back shows it again, another drops it (person27 LOW-5)', () => {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    const norm = summary.sites.find((s) => s.line === 3)!.statements[0].normalized;
    const index = { ddl: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at DESC)' };
    const advice = new Map<string, StatementAdvice>([[norm, { suggestions: [{ ddl: index.ddl, costBefore: 400, costAfter: 20, summary: 'orders: 400 → 20', planBefore: [], index }], provedOn: 'localhost:5432/shop' }]]);
    const proved = () => [...advice.values()].map((a) => a.provedOn);
    const missing = (connection?: string) => recordedFindings({ summary, advice, connection }, FILE, TEXT).filter((f) => f.ruleId === 'missing-index').length;
    // Switching between two profiles of one database: the old one closes before the new one opens.
    assert.equal(adviceAfterConnectionChange(proved(), undefined), 'hide');
    assert.equal(missing(undefined), 0);
    assert.equal(adviceAfterConnectionChange(proved(), 'localhost:5432/shop'), 'keep');
    assert.equal(missing('localhost:5432/shop'), 1);
    assert.equal(adviceAfterConnectionChange(proved(), 'localhost:5432/umami'), 'drop');
    // Plans are proved on a database too: a plan made on another one drops the lot.
    assert.equal(adviceAfterConnectionChange([...proved(), 'localhost:5432/umami'], 'localhost:5432/shop'), 'drop');
    assert.equal(adviceAfterConnectionChange([], 'localhost:5432/shop'), 'keep');
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

describe('core/record/findings: a recorded N+1 and the static N+1 on the same call are one finding (the one pipeline)', () => {
  const file = '/app/orders.js';
  const text = [
    "const { Client } = require('pg');",
    'async function customers(client) {',
    "  const { rows } = await client.query('SELECT id FROM orders ORDER BY id');",
    '  for (const r of rows) {',
    "    const { rows: c } = await client.query('SELECT customer FROM orders WHERE id = $1', [r.id]); r.customer = c[0];",
    '  }',
    '}',
    'async function one(client, id) {',
    "  return client.query('SELECT customer FROM orders WHERE id = $1', [id]);",
    '}',
  ].join('\n');
  const event = (line: number, col: number, unit: string): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql: line === 3 ? 'SELECT id FROM orders ORDER BY id' : 'SELECT customer FROM orders WHERE id = $1', pc: line === 3 ? 0 : 1, pt: line === 3 ? [] : ['number'], ms: 1, rows: 1, u: { k: 'test', id: unit, n: `test ${unit}` }, ts: 0, pid: 1, site: { file, line, col } });

  before(() => loadPgParser());

  async function findingsWith(events: QueryEvent[]) {
    const summary = summarize(events, normalizeSql, { threshold: 5 });
    const analyzers = [functionAnalyzer('n-plus-one', OTHER_RULES.filter((r) => r.id === 'n-plus-one'), (t, l, f, _s, src) => detectNPlusOne(t, l, f, src)), recordedAnalyzer(() => ({ summary, advice: new Map() }))];
    return (await analyzeFile({ path: file, text, languageId: 'javascript' }, { analyzers })).findings.filter((f) => f.ruleId === 'n-plus-one');
  }

  it('recorded 7 times in one test on the loop\'s call: one finding with the recorded count and the static fix', async () => {
    const events = [event(3, 26, 'a'), ...Array.from({ length: 7 }, () => event(5, 38, 'a'))];
    const found = await findingsWith(events);
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    const [f] = found;
    assert.equal(text.slice(f.span.start, f.span.end), "client.query('SELECT customer FROM orders WHERE id = $1', [r.id])");
    assert.match(f.message, /7 times in one test/);
    assert.match(f.help ?? '', /ANY\(\$1\)/, 'the static fix text stays');
    assert.equal(f.evidence?.recorded, true);
    assert.equal(f.evidence?.static, true);
    assert.equal(f.evidence?.kind, 'query-in-loop');
    const titles = f.fixes.map((x) => x.title);
    assert.ok(titles.some((t) => /batched rewrite/.test(t)), JSON.stringify(titles));
    assert.ok(titles.some((t) => /query that loads the rows/.test(t)), JSON.stringify(titles));
    assert.match(titles[titles.length - 1], /^Ignore/);
  });

  it('without a recording the static finding is unchanged; a recorded N+1 on another line stays its own finding', async () => {
    const alone = await findingsWith([]);
    assert.equal(alone.length, 1);
    assert.equal(alone[0].evidence?.recorded, undefined);
    const other = await findingsWith(Array.from({ length: 6 }, () => event(9, 17, 'b')));
    assert.deepEqual(other.map((f) => [text.slice(0, f.span.start).split('\n').length, f.evidence?.recorded ?? false]).sort(), [[5, false], [9, true]]);
  });
});

describe('core/record/findings: a recorded missing index and the static one on the same statement are one finding', () => {
  const file = '/app/orders.ts';
  const text = [
    "import { db } from './db';",
    'export async function refunded() {',
    '  const { rows } = await db.query(',
    "    'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC',",
    "    ['refunded'],",
    '  );',
    '  return rows;',
    '}',
  ].join('\n');
  const SQL = 'SELECT id, total_cents FROM orders WHERE status = $1 ORDER BY placed_at DESC';
  const status = { ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)', table: 'orders', schema: 'public', columns: ['status'], summary: 'Seq Scan on orders (32k rows): an index on orders (status) cuts the estimated cost 940 → 293', reason: 'filter', verifiedBy: 'hypopg' as const, costBefore: 940, costAfter: 293 };
  const placed = { ...status, ddl: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at DESC)', columns: ['placed_at'], summary: 'an index on orders (placed_at DESC) cuts 940 → 300' };
  const event = (): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql: SQL, pc: 1, pt: ['text'], ms: 9, rows: 3, u: { k: 'request', id: 'r1', n: 'GET /orders/refunded' }, ts: 0, pid: 1, site: { file, line: 3, col: 26 } });

  before(() => loadPgParser());

  async function missingWith(recordedDdl: typeof status, code = text) {
    const summary = summarize([event(), event(), event()], normalizeSql, { threshold: 5 });
    const norm = summary.sites[0].statements[0].normalized;
    const advice = new Map<string, StatementAdvice>([[norm, { suggestions: [{ ddl: recordedDdl.ddl, costBefore: 940, costAfter: 293, summary: recordedDdl.summary, planBefore: [], index: { ddl: recordedDdl.ddl } }] }]]);
    const staticAdvice = functionAnalyzer('missing-index', OTHER_RULES.filter((r) => r.id === 'missing-index'), (_t, _l, f, sites) =>
      sites.flatMap((site) => missingIndexFinding({ ...site, file: f }, { status: 'ok', suggestions: [status] }, { createNow: true }) ?? []));
    const analyzers = [staticAdvice, recordedAnalyzer(() => ({ summary, advice }))];
    return (await analyzeFile({ path: file, text: code, languageId: 'typescript' }, { analyzers })).findings.filter((f) => f.ruleId === 'missing-index');
  }

  it('the same index, the call a line above its SQL: one finding on the SQL, Create index now kept, the recorded count added', async () => {
    const found = await missingWith(status);
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    const [f] = found;
    assert.equal(text.slice(f.span.start, f.span.end), 'orders');
    assert.match(f.message, /940 → 293 \(recorded: 3× from line 3\)$/);
    assert.ok(f.fixes.some((x) => /^Create index now/.test(x.title)), JSON.stringify(f.fixes.map((x) => x.title)));
    assert.equal(f.evidence?.recorded, true);
    assert.equal(f.evidence?.static, true);
  });

  it('another index in the recording\'s copy of the same statement\'s advice: one finding, the static one\'s index (the one decision now), the recorded count added (person51 M-3)', async () => {
    // Before: two findings on one statement, orders (status) and the recording's older orders (placed_at DESC) — a person
    // following Problems would create both.
    const found = await missingWith(placed);
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    assert.deepEqual((found[0].evidence?.suggestions as { ddl: string }[]).map((x) => x.ddl), [status.ddl]);
    assert.match(found[0].message, /940 → 293 \(recorded: 3× from line 3\)$/);
  });

  it('the statement edited since it was recorded (LIMIT 50 added) is not tagged with the recording, though its index is the same (person49 L-4)', async () => {
    const edited = text.replace('ORDER BY placed_at DESC', 'ORDER BY placed_at DESC LIMIT 50');
    const found = await missingWith(status, edited);
    const said = JSON.stringify(found.map((f) => f.message));
    // The code's finding on the edited statement, without the recording's count.
    const onCode = found.filter((f) => f.evidence?.recorded !== true);
    assert.equal(onCode.length, 1, said);
    assert.match(onCode[0].message, /940 → 293$/, said);
    for (const f of found) assert.doesNotMatch(f.message, /from line \d+\)$/, said);
    // The recording's own finding stays at the line that sent the recorded statement.
    assert.equal(found.filter((f) => /\(recorded: 3× from this line\)$/.test(f.message)).length, 1, JSON.stringify(found.map((f) => f.message)));
    // Undone (the recorded text again): tagged again.
    assert.match((await missingWith(status, text)).map((f) => f.message).join('\n'), /\(recorded: 3× from line 3\)$/m);
  });

  it('white space does not part them: the normalised text is compared', async () => {
    const spacedOut = text.replace('SELECT id, total_cents FROM orders WHERE status = $1', 'SELECT id,  total_cents FROM orders   WHERE status = $1');
    const found = await missingWith(status, spacedOut);
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    assert.match(found[0].message, /\(recorded: 3× from line 3\)$/);
  });
});
