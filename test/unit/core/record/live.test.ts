/**
 * The recording the editor holds while the app runs (core/record/live): issue 20 #9 — Stop takes effect at once, the
 * recording is bounded and says what it did not record, and the figures kept up one statement at a time are the ones
 * summarising every statement again would give.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupByUnit, summarize } from '../../../../src/core/record/aggregate';
import { captureStoppedText, recordText } from '../../../../src/core/record/format';
import { LiveRecording } from '../../../../src/core/record/live';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

function q(sql: string, unit: string, line: number, ms = 1, extra: Partial<QueryEvent> = {}): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms, rows: 1, u: { k: unit === 'root' ? 'root' : 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site: line ? { file: '/app/src/orders.ts', line, col: 5, via: line > 40 ? 'sequelize' : undefined } : undefined, ...extra };
}

/**
 * A server's traffic: requests of three routes, each a list query then one look-up per row (an N+1, its ids inlined as
 * Sequelize sends them), a write now and then, statements with no line in the app, a failure; durations that tie.
 */
function traffic(requests: number): QueryEvent[] {
  const out: QueryEvent[] = [];
  for (let r = 0; r < requests; r++) {
    const route = ['GET /orders', 'GET /users', 'POST /orders'][r % 3];
    const unit = `${route}#${r}`;
    out.push(q(`SELECT * FROM orders LIMIT ${10 + (r % 4)}`, unit, 12, 2 + (r % 5)));
    for (let i = 0; i < 3 + (r % 5); i++) out.push(q(`SELECT * FROM items WHERE order_id = ${r * 10 + i}`, unit, 48, 1 + (i % 3)));
    if (route === 'POST /orders') out.push(q(`INSERT INTO orders (customer) VALUES ('c${r}')`, unit, 30, 4, r % 7 === 0 ? { err: 'duplicate key' } : {}));
    // A client's session setting (connection set-up) and a statement a library sent on its own (no line).
    if (r % 4 === 0) out.push(q('SET client_min_messages TO warning', unit, 0));
    if (r % 4 === 2) out.push(q('SELECT id FROM jobs WHERE done = false', unit, 0));
    if (r % 5 === 0) out.push(q(`SELECT id FROM items WHERE sku IN (${Array.from({ length: 1 + (r % 3) }, (_, k) => `$${k + 1}`).join(', ')})`, 'root', 70, 9, { pc: 1 + (r % 3) }));
  }
  return out;
}

describe('core/record/live: the recording while the app runs (issue 20 #9)', () => {
  before(() => loadPgParser());

  it('Stop takes effect at the event it is called: what arrives later is counted, never applied', () => {
    const rec = new LiveRecording(normalizeSql);
    const events = traffic(6);
    for (const e of events.slice(0, 20)) assert.equal(rec.receive(e), true);
    rec.stop();
    for (const e of events.slice(20)) assert.equal(rec.receive(e), false);
    // A drop count the capture sends after Stop does not change what was recorded either.
    rec.receive({ v: 1, t: 'dropped', n: 5, ts: 0, pid: 1 });
    assert.equal(rec.statements, 20);
    assert.equal(rec.arrivedAfterStop, events.length - 20);
    assert.equal(rec.dropped, 0);
    const s = rec.summary({ threshold: 5 });
    assert.equal(s.statements, 20);
    assert.deepEqual(s, summarize(events.slice(0, 20), normalizeSql, { threshold: 5 }, { notices: [], dropped: 0 }));
    const said = captureStoppedText(rec.statements, s.nPlusOne.length, { dropped: rec.dropped, afterStop: rec.arrivedAfterStop });
    assert.match(said.message, new RegExp(`^PG Lens: 20 statements recorded.* ${events.length - 20} statements arrived after Stop and are not recorded\\.$`));
  });

  it('bounded: statements past the bound and those the capture dropped are counted as dropped and said in the report', () => {
    const rec = new LiveRecording(normalizeSql, { max: 10, recent: 4 });
    const events = traffic(5);
    let applied = 0;
    for (const e of events) if (rec.receive(e)) applied++;
    rec.receive({ v: 1, t: 'dropped', n: 7, ts: 0, pid: 1 });
    assert.equal(applied, 10);
    assert.equal(rec.statements, 10);
    assert.equal(rec.dropped, events.length - 10 + 7);
    // What is held as it came is bounded too: the most recent, the rest counted for a kept recording.
    assert.ok(rec.recent.length <= 8 && rec.recent.length >= 4, String(rec.recent.length));
    assert.equal(rec.older + rec.recent.length, 10);
    assert.deepEqual(rec.recent, events.slice(10 - rec.recent.length, 10));
    const s = rec.summary({ threshold: 5 });
    assert.equal(s.dropped, events.length - 10 + 7);
    assert.match(recordText(s, (f) => f), new RegExp(`Note: ${events.length - 3} events were dropped`));
    const said = captureStoppedText(s.statements, s.nPlusOne.length, { dropped: rec.dropped });
    assert.equal(said.status, `10 statements recorded (${events.length - 3} dropped)`);
    assert.match(said.message, new RegExp(`${events.length - 3} statements were dropped while recording .*the counts are lower than what ran\\.$`));
  });

  it('the figures kept up one statement at a time are those of summarising every statement again, at every point', () => {
    const events = traffic(40);
    const notices = [{ v: 1, t: 'notice' as const, code: 'prisma-client', ts: 0, pid: 1 }];
    const rec = new LiveRecording(normalizeSql);
    rec.receive(notices[0]);
    const earlier: { at: number; summary: ReturnType<LiveRecording['summary']>; groups: ReturnType<LiveRecording['groups']> }[] = [];
    for (let i = 0; i < events.length; i++) {
      rec.receive(events[i]);
      if (i % 37 === 0 || i === events.length - 1) {
        const upTo = events.slice(0, i + 1);
        const s = rec.summary({ threshold: 4, slowest: 7 });
        assert.deepEqual(s, summarize(upTo, normalizeSql, { threshold: 4, slowest: 7 }, { notices, dropped: 0 }), `after ${i + 1} statements`);
        assert.deepEqual(rec.groups(), groupByUnit(upTo, normalizeSql), `groups after ${i + 1} statements`);
        earlier.push({ at: i + 1, summary: s, groups: rec.groups() });
      }
    }
    // The traffic has what the comparison is about: N+1s in several requests, ties in the slowest, failures, no-line statements.
    const last = rec.summary({ threshold: 4 });
    assert.ok(last.nPlusOne.length >= 1 && last.nPlusOne[0].units > 3 && last.errors > 0 && last.withoutSite > 0, JSON.stringify({ n: last.nPlusOne.length, e: last.errors, w: last.withoutSite }));
    // Another threshold asked later is applied to everything recorded (the setting can change while recording).
    assert.deepEqual(rec.summary({ threshold: 7 }), summarize(events, normalizeSql, { threshold: 7 }, { notices, dropped: 0 }));
    // A summary or a grouping given out earlier is not changed by what was added after it.
    for (const x of earlier) {
      assert.deepEqual(x.summary, summarize(events.slice(0, x.at), normalizeSql, { threshold: 4, slowest: 7 }, { notices, dropped: 0 }), `kept summary of ${x.at}`);
      assert.deepEqual(x.groups, groupByUnit(events.slice(0, x.at), normalizeSql), `kept groups of ${x.at}`);
    }
  });

  it('each text is normalised once per recording, not at each refresh', () => {
    let parsed = 0;
    const counting = (sql: string) => {
      parsed++;
      return normalizeSql(sql);
    };
    const rec = new LiveRecording(counting);
    const events = traffic(30);
    for (const e of events) {
      rec.receive(e);
      rec.summary({ threshold: 5 });
      rec.groups();
    }
    assert.equal(parsed, new Set(events.map((e) => e.sql)).size);
  });

  it('a kept recording read back is stopped, with its statements, notices and drops', () => {
    const events = traffic(4);
    const rec = LiveRecording.of(normalizeSql, events, [{ v: 1, t: 'notice', code: 'prisma-client', ts: 0, pid: 1 }], 3);
    assert.equal(rec.stopped, true);
    assert.equal(rec.statements, events.length);
    assert.equal(rec.dropped, 3);
    assert.equal(rec.notices.length, 1);
    assert.equal(rec.receive(events[0]), false);
    assert.equal(rec.statements, events.length);
  });
  it("the editor's summary reads the call sites' parsed sources once readSyntax ran: a Go counter loop's count is not its rows' query, then says so", async () => {
    const file = join(__dirname, '../../../fixtures/record/loopRows/loops.go');
    const at = (line: number, needle: string) => ({ file, line, col: readFileSync(file, 'utf8').split('\n')[line - 1].indexOf(needle) + 1 });
    const rec = new LiveRecording(normalizeSql);
    rec.receive({ ...q('SELECT count(*) AS n FROM products', 'root', 0), site: at(7, 'db.QueryRow') });
    for (let i = 0; i < 6; i++) rec.receive({ ...q(`SELECT * FROM reviews WHERE product_id = ${i}`, 'root', 0), site: at(11, 'db.Query') });
    const read = (f: string) => readFileSync(f, 'utf8');
    // Before the sources are parsed only the SQL speaks: a count is one row, so no query is named the rows' source.
    assert.deepEqual(rec.summary({ threshold: 5 }, read).nPlusOne.map((n) => [n.parent, n.counter]), [[undefined, undefined]]);
    assert.equal(await rec.readSyntax(read), true);
    assert.deepEqual(rec.summary({ threshold: 5 }, read).nPlusOne.map((n) => n.counter && [n.counter.line, n.counter.name]), [[7, 'n']]);
    // Read once per file text: nothing new to read the next time.
    assert.equal(await rec.readSyntax(read), false);
  });
});
