import { strict as assert } from 'node:assert';
import { summarize, writePerItemKind } from '../../../../src/core/record/aggregate';
import { isRead, touchesTables } from '../../../../src/core/record/ping';
import { isConnectionPing } from '../../../../src/core/record/ping';
import { roughNormalize } from '../../../../src/core/record/statementText';
import { batchedForm } from '../../../../src/core/record/batchedForm';

const nPlusOneFix = (via: string | undefined, key?: string) => batchedForm(via, key).fix;
import { captureStoppedText, recordingStoppedText, recordText, recordSarif, nPlusOneMessage, type StatementAdvice } from '../../../../src/core/record/format';
import { asCaptureEvent, paramType, type QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

function q(sql: string, unit: string, line: number, extra: Partial<QueryEvent> = {}): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: unit.startsWith('GET') ? 'request' : 'root', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site: { file: '/app/src/orders.ts', line, col: 5 }, ...extra };
}

describe('core/record: recorded statements → call sites and N+1s', () => {
  before(() => loadPgParser());

  it('flags a statement repeated from one call site within ONE unit of work, counted per unit', () => {
    const events: QueryEvent[] = [];
    for (let i = 0; i < 7; i++) events.push(q(`SELECT * FROM items WHERE order_id = ${i}`, 'GET /orders#1', 12));
    for (let i = 0; i < 6; i++) events.push(q(`SELECT * FROM items WHERE order_id = ${i}`, 'GET /orders#2', 12));
    const s = summarize(events, normalizeSql, { threshold: 5 });
    assert.equal(s.nPlusOne.length, 1);
    const n = s.nPlusOne[0];
    assert.deepEqual([n.line, n.calls, n.units, n.unit, n.unitKind], [12, 7, 2, 'GET /orders', 'request']);
    assert.equal(n.normalized, 'SELECT * FROM items WHERE order_id = $1');
    assert.match(nPlusOneMessage(n), /7 times in one request \(GET \/orders\).*2 requests like it/);
  });

  it('a run outside any request or test: a loop (the same stretch between calls) is an N+1; handlers of simulated requests in no loop are not (person22 MEDIUM B)', () => {
    // A loop: per order its items (line 12) and, every time, its customer (line 20).
    const loop: QueryEvent[] = [q('SELECT * FROM orders', 'script', 5)];
    for (let i = 0; i < 8; i++) loop.push(q(`SELECT * FROM items WHERE order_id = ${i}`, 'script', 12), q(`SELECT * FROM customers WHERE id = ${i}`, 'script', 20));
    assert.deepEqual(summarize(loop, normalizeSql, { threshold: 5 }).nPlusOne.map((n) => n.line).sort(), [12, 20]);
    // A traffic script: one handler after another in a fixed shuffle (no two stretches between a handler's calls alike).
    const handlers = [30, 40, 50, 60, 70, 80];
    const order = [0, 1, 2, 0, 3, 4, 5, 0, 2, 1, 1, 4, 0, 5, 3, 3, 0, 2, 4, 0, 1, 5, 2, 0, 4, 3, 1, 0];
    const traffic = order.map((h, i) => q(`SELECT * FROM t${h} WHERE id = ${i}`, 'script', handlers[h]));
    assert.ok(order.filter((h) => h === 0).length >= 5);
    assert.deepEqual(summarize(traffic, normalizeSql, { threshold: 5 }).nPlusOne, []);
    // Handlers far apart (more statements between two calls than the window keeps): a loop's long body repeats the
    // stretch's length, a script's requests one after another do not.
    const far = (between: (i: number) => number) => {
      const ev: QueryEvent[] = [];
      for (let i = 0; i < 8; i++) {
        ev.push(q(`SELECT * FROM items WHERE order_id = ${i}`, 'script', 12));
        for (let j = 0; j < between(i); j++) ev.push(q(`SELECT * FROM other${j % 3} WHERE id = ${i * 100 + j}`, 'script', 100 + j));
      }
      return summarize(ev, normalizeSql, { threshold: 5 }).nPlusOne.filter((n) => n.line === 12).length;
    };
    assert.equal(far(() => 40), 1, 'a loop whose body sends 40 other statements each time');
    assert.equal(far((i) => 33 + ((i * 7) % 11)), 0, 'a script whose handler comes back after a varying 33..43 statements');
    // Inside requests the order is not asked: a request is one unit of work by itself.
    const inRequests = order.map((h, i) => q(`SELECT * FROM t${h} WHERE id = ${i}`, 'GET /x#1', handlers[h]));
    assert.equal(summarize(inRequests, normalizeSql, { threshold: 5 }).nPlusOne.length > 0, true);
  });

  it('does not flag a lookup that runs once per request over many requests, nor one under the threshold', () => {
    const events: QueryEvent[] = [];
    for (let r = 0; r < 50; r++) events.push(q('SELECT * FROM customers WHERE id = $1', `GET /me#${r}`, 3));
    for (let i = 0; i < 4; i++) events.push(q('SELECT * FROM items WHERE order_id = $1', 'GET /orders#1', 12));
    const s = summarize(events, normalizeSql, { threshold: 5 });
    assert.deepEqual(s.nPlusOne, []);
    assert.equal(s.sites.find((x) => x.line === 3)!.statements[0].maxPerUnit, 1);
    assert.equal(summarize(events, normalizeSql, { threshold: 4 }).nPlusOne.length, 1, 'the threshold is configurable');
  });

  it('two call sites sending the same statement are two findings at their own lines; writes in a loop are not N+1 reads', () => {
    const events: QueryEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(q('SELECT * FROM t WHERE id = $1', 'root', 10), q('SELECT * FROM t WHERE id = $1', 'root', 20), q(`INSERT INTO t (v) VALUES (${i})`, 'root', 30));
    const s = summarize(events, normalizeSql, {});
    assert.deepEqual(s.nPlusOne.map((n) => n.line).sort(), [10, 20]);
    assert.ok(!isRead('INSERT INTO t (v) VALUES ($1)') && isRead('WITH x AS (SELECT 1) SELECT * FROM x') && !isRead('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d'));
    // What the index advisor is given: queries and data changes, not the session commands an ORM sends on connect.
    assert.deepEqual(
      ['SELECT 1', '(SELECT 1)', 'with x as (select 1) select * from x', 'UPDATE t SET v = $1', 'SET client_min_messages TO warning;SET TIME ZONE INTERVAL $1 HOUR TO MINUTE', 'SHOW server_version', 'BEGIN', 'select_x'].map(touchesTables),
      [true, true, true, true, false, false, false, false],
    );
  });

  it('a write sent once per item (one row\'s worth, N+ times from one site in a request, job or run) is a write per item, not an N+1; batched writes, tests and migrations are not', () => {
    const events: QueryEvent[] = [];
    const unit = (k: QueryEvent['u']['k'], id: string) => ({ u: { k, id, n: id.replace(/#\d+$/, '') } });
    for (let i = 0; i < 6; i++) {
      events.push(q('INSERT INTO tags (id, name) VALUES ($1, $2)', 'POST /articles#1', 30, { ...unit('request', 'POST /articles#1'), err: i < 5 ? 'duplicate key' : undefined }));
      events.push(q('UPDATE items SET v = $1 WHERE id = $2', 'root', 40));
      events.push(q('INSERT INTO log (a, b) VALUES ($1, $2), ($3, $4)', 'root', 50));
      events.push(q('DELETE FROM items WHERE id = ANY($1)', 'root', 60));
      events.push(q('INSERT INTO fixture (a) VALUES ($1)', 'a test', 70, unit('test', 'a test')));
      events.push(q('INSERT INTO copy SELECT * FROM items WHERE id = $1', 'root', 80));
    }
    const s = summarize(events, normalizeSql, {});
    assert.deepEqual(s.nPlusOne, []);
    assert.deepEqual(s.writesPerItem.map((w) => [w.line, w.kind, w.calls, w.failed, w.unit]), [[30, 'insert', 6, 5, 'POST /articles'], [40, 'update', 6, 0, 'root']]);
    assert.match(recordText(s, (f) => f), /Writes per item .*: 2\n {2}\/app\/src\/orders\.ts:30:5 {2}write per item: this call sent the same INSERT 6 times in one request \(POST \/articles\), 5 of them failed/);
    assert.deepEqual(['WITH x AS (SELECT $1) INSERT INTO t (v) SELECT * FROM x', 'WITH x AS (SELECT $1) UPDATE t SET v = $2', 'insert into t (v, w) values (now(), \'a,(b)\')', 'INSERT INTO t (v) VALUES ($1) ON CONFLICT DO NOTHING', 'SELECT 1'].map(writePerItemKind), [undefined, 'update', 'insert', 'insert', undefined]);
  });

  it('statements without a frame in the user\'s code are counted and never reported as an N+1', () => {
    const events = Array.from({ length: 9 }, () => q('SELECT 1', 'root', 0, { site: undefined }));
    const s = summarize(events, normalizeSql, {});
    assert.equal(s.withoutSite, 9);
    assert.deepEqual(s.nPlusOne, []);
    assert.match(recordText(s, (f) => f), /no line in your code/);
  });

  it('the first line of the report says where the statements ran in words (person14 15: "in outside requests/tests")', () => {
    const first = (events: QueryEvent[]) => recordText(summarize(events, normalizeSql, {}), (f) => f).split('\n')[0];
    const root = [1, 2].map((i) => q(`SELECT * FROM t WHERE id = ${i}`, 'root', 3));
    const reqs = [1, 2, 3].map((i) => q(`SELECT * FROM t WHERE id = ${i}`, `GET /t#${i % 2}`, 3));
    const test = q('SELECT 1', 'test', 4, { u: { k: 'test', id: 'spec#1', n: 'spec' } });
    assert.equal(first(root), 'Recorded 2 statements (2.00 ms) outside requests and tests.');
    assert.equal(first(reqs), 'Recorded 3 statements (3.00 ms) in 2 requests.');
    assert.equal(first([...reqs, test]), 'Recorded 4 statements (4.00 ms) in 2 requests and 1 test.');
    assert.equal(first([...reqs, ...root]), 'Recorded 5 statements (5.00 ms) in 2 requests, and outside them.');
  });

  it('unparseable text falls back to masking literals, so the repeats still group', () => {
    assert.equal(roughNormalize("SELECT * FROM t WHERE a = 'x''y' AND b = 42  ;"), 'SELECT * FROM t WHERE a = ? AND b = ?');
    const events = [1, 2, 3, 4, 5].map((i) => q(`SELECT * FROM t WHERE id = ${i} ORDER`, 'root', 7));
    assert.equal(summarize(events, normalizeSql, {}).nPlusOne.length, 1);
  });

  it('names the fix in the library that sent it, and says when Prisma\'s engine hides its queries', () => {
    assert.match(nPlusOneFix('sequelize'), /include/);
    assert.match(nPlusOneFix('typeorm'), /relations/);
    assert.match(nPlusOneFix('knex'), /whereIn/);
    assert.match(nPlusOneFix(undefined), /ANY\(\$1\)/);
    const s = summarize([], normalizeSql, {}, { notices: [{ v: 1, t: 'notice', code: 'prisma-client', ts: 0, pid: 1 }] });
    assert.match(s.notices[0], /@prisma\/adapter-pg/);
    const withAdapter = summarize([], normalizeSql, {}, { notices: [{ v: 1, t: 'notice', code: 'prisma-client', ts: 0, pid: 1 }, { v: 1, t: 'notice', code: 'prisma-adapter-pg', ts: 0, pid: 1 }] });
    assert.deepEqual(withAdapter.notices, []);
  });

  it('a loaded query library whose statements all have no line in the code (person18: knex 0.19): "call sites unknown: knex 0.19.5", never "N+1: 0"', () => {
    const knex = asCaptureEvent({ v: 1, t: 'notice', code: 'library', name: 'knex', version: '0.19.5', ts: 0, pid: 1 });
    assert.deepEqual(knex, { v: 1, t: 'notice', code: 'library', name: 'knex', version: '0.19.5', ts: 0, pid: 1 });
    if (knex?.t !== 'notice') throw new Error('not a notice');
    const unsited: QueryEvent[] = [];
    for (let i = 0; i < 9; i++) unsited.push(q(`select * from "tags" where "name" = '${i}' limit 1`, 'GET /api/articles#1', 0, { site: undefined }));
    unsited.push(q('select 1', 'GET /api/articles#1', 4));
    const s = summarize(unsited, normalizeSql, { threshold: 5 }, { notices: [knex, knex] });
    assert.equal(s.sitesUnknown, 'knex 0.19.5');
    const text = recordText(s, (f) => f);
    assert.match(text, /^Note: call sites unknown: knex 0\.19\.5 is not recognised by the capture/m);
    assert.match(text, /^N\+1 \(.*\): not known \(knex 0\.19\.5: call sites unknown/m);
    assert.doesNotMatch(text, /N\+1 \(.*\): 0$/m);
    const said = captureStoppedText(s.statements, 0, { sitesUnknown: s.sitesUnknown });
    assert.match(said.message, /10 statements recorded; call sites unknown: knex 0\.19\.5 is not recognised by the capture/);
    assert.doesNotMatch(recordingStoppedText({ statements: s.statements, nPlusOne: 0, sitesUnknown: s.sitesUnknown }, { flagged: 0, repeated: 6, window: '60 s' }), /no observed N\+1/i);
    // The same library placed at the app's lines (knex 3), or no library named: nothing is said.
    const sited = unsited.map((e) => ({ ...e, site: { file: '/app/src/tags.js', line: 9, col: 5, via: 'knex' } }));
    assert.equal(summarize(sited, normalizeSql, { threshold: 5 }, { notices: [knex] }).sitesUnknown, undefined);
    assert.equal(summarize(unsited, normalizeSql, { threshold: 5 }).sitesUnknown, undefined);
  });

  it("index advice: one index for three statements printed once, its places by SQL line, in pg-lens advise's words (\"one index for 3 statements\", not \"all 3\")", () => {
    const ddl = 'CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC)';
    const texts = ['SELECT rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3', 'SELECT avg(rating) FROM reviews WHERE product_id = $1', 'SELECT body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC'];
    // Sent from lines 84, 72 and 6 (the costliest first: the call sites' order), each once.
    const events = [q(texts[0], 'GET /a#1', 84, { ms: 9 }), q(texts[1], 'GET /a#1', 72, { ms: 5 }), q(texts[2], 'GET /a#1', 6, { ms: 1 })];
    const s = summarize(events, normalizeSql, { threshold: 5 });
    const advice = new Map<string, StatementAdvice>(s.sites.flatMap((site) => site.statements.map((st): [string, StatementAdvice] => [st.normalized, { suggestions: [{ ddl, costBefore: 100, costAfter: 10, summary: `summary of ${st.sql.slice(7, 17)}`, planBefore: [] }] }])));
    const text = recordText(s, (f) => f.replace('/app/', ''), advice);
    const part = text.slice(text.indexOf('Index advice (proved with the planner):'));
    assert.equal(part.split('\n').filter((l) => l.includes('CREATE INDEX')).length, 1, part);
    assert.match(part, /\n {6}for: src\/orders\.ts:6, src\/orders\.ts:72, src\/orders\.ts:84 \(one index for 3 statements\)\n {6}src\/orders\.ts:6: summary of body/, part);
  });

  it("index advice: the other statements the index decision gives the index are named on its for: line as pg-lens advise names them — a place, else the text, never \"recorded\" (issue 20)", () => {
    const ddl = 'CREATE INDEX CONCURRENTLY reviews_product_id_created_at_desc_idx ON reviews (product_id, created_at DESC)';
    const texts = ['SELECT rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3', 'SELECT body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC'];
    const s = summarize([q(texts[0], 'GET /a#1', 84, { ms: 9 }), q(texts[1], 'GET /a#1', 72, { ms: 5 })], normalizeSql, { threshold: 5 });
    // The decision's labels: the other recorded statement (printed as an item, so not named again) and one of
    // pg_stat_statements' busiest (a queryid label: named by its text, shortened as advise shortens it).
    const busiest = 'queryid 4242: SELECT avg(rating)::float8 AS avg, count(*) AS n FROM reviews WHERE product_id = $1 AND created_at > now() - interval \'30 days\'';
    const alsoOf = (sql: string) => [sql === texts[0] ? 'src/orders.ts:72: SELECT body FROM reviews …' : 'src/orders.ts:84: SELECT rating FROM reviews …', busiest];
    const advice = new Map<string, StatementAdvice>(s.sites.flatMap((site) => site.statements.map((st): [string, StatementAdvice] => [st.normalized, { suggestions: [{ ddl, costBefore: 100, costAfter: 10, summary: 'why', planBefore: [], alsoServes: alsoOf(st.sql) }] }])));
    const text = recordText(s, (f) => f.replace('/app/', ''), advice);
    const forLine = text.split('\n').find((l) => l.trim().startsWith('for: '));
    assert.equal(forLine, '      for: src/orders.ts:72, src/orders.ts:84 (one index for 3 statements, also "SELECT avg(rating)::float8 AS avg, count(*) AS n FROM reviews WHERE product_id …")', text);
    assert.doesNotMatch(text, /recorded:|queryid/, text);
  });

  it('a call site whose statement is written on a later line names that line, the place Index advice names (person53 L-5: call sites said src/products.ts:71, the advice :72)', () => {
    const sql = 'SELECT rating FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 3';
    const s = summarize([q(sql, 'GET /a#1', 71, { ms: 9 }), q('SELECT 1', 'GET /a#1', 40, { ms: 1 })], normalizeSql, { threshold: 5 });
    // The SQL of line 71's call starts on line 72; line 40's call has its SQL on its own line.
    const sqlPlace = (site: { file?: string; line?: number }) => (site.line === 71 ? 'src/orders.ts:72' : site.line === 40 ? 'src/orders.ts:40' : undefined);
    const text = recordText(s, (f) => f.replace('/app/', ''), undefined, undefined, undefined, undefined, sqlPlace);
    const part = text.slice(text.indexOf('Statements by call site:'));
    assert.match(part, /\n {2}src\/orders\.ts:71 \(its SQL at line 72\) {2}1 statement/, part);
    assert.match(part, /\n {2}src\/orders\.ts:40 {2}1 statement/, part);
    // The slowest statements name it so too.
    assert.match(part, /ms {2}src\/orders\.ts:71 \(its SQL at line 72\) {2}SELECT rating/, part);
    // Without the places (a file PG Lens cannot read): the call's line alone, as before.
    assert.doesNotMatch(recordText(s, (f) => f.replace('/app/', '')), /its SQL at/);
    // An N+1 of that call names it so too (person54 L-2: "src/orders.ts:71:… N+1" beside "(its SQL at line 72)").
    const n1 = summarize(Array.from({ length: 6 }, () => q(sql, 'GET /a#1', 71, { ms: 1 })), normalizeSql, { threshold: 5 });
    assert.equal(n1.nPlusOne.length, 1);
    const n1Text = recordText(n1, (f) => f.replace('/app/', ''), undefined, undefined, undefined, undefined, sqlPlace);
    assert.match(n1Text, /\n {2}src\/orders\.ts:71:\d+ \(its SQL at line 72\) {2}N\+1: this call sent/, n1Text);
  });

  it('the rows\' source is a statement run before the loop, not another look-up of the same iteration (person10 N6)', () => {
    // Unleash through knex: the flags (ul-run.ts:18), then per flag featureExists (:133) and its tags (:104), two rounds.
    const site = (file: string, line: number) => ({ site: { file, line, col: 5, via: 'knex' } });
    const events: QueryEvent[] = [];
    for (let round = 0; round < 2; round++) {
      events.push(q('select * from features limit 25', 'root', 0, site('/app/ul-run.ts', 18)));
      for (let i = 0; i < 25; i++) {
        events.push(q(`SELECT EXISTS (SELECT 1 FROM features WHERE name = '${i}')`, 'root', 0, site('/app/src/lib/db/feature-tag-store.ts', 133)));
        events.push(q(`select "tag_type", "tag_value" from "feature_tag" where "feature_name" = '${i}'`, 'root', 0, site('/app/src/lib/db/feature-tag-store.ts', 104)));
      }
    }
    const s = summarize(events, normalizeSql, {});
    const byLine = new Map(s.nPlusOne.map((n) => [n.line, n]));
    assert.deepEqual([...byLine.keys()].sort(), [104, 133]);
    // Both name the flags query: the tags query named featureExists, run just before it in the same iteration.
    assert.deepEqual(byLine.get(104)!.parent, { file: '/app/ul-run.ts', line: 18, col: 5 });
    assert.deepEqual(byLine.get(133)!.parent, { file: '/app/ul-run.ts', line: 18, col: 5 });
    // A loop whose rows came from nothing recorded before it: no source named (it was the neighbour in the loop).
    const alone = summarize(events.filter((e) => e.site!.line !== 18), normalizeSql, {});
    assert.deepEqual(alone.nPlusOne.map((n) => n.parent), [undefined, undefined]);
  });

  it('the batched form names the column the recorded statement looks rows up by (person10 N10)', () => {
    const events = Array.from({ length: 6 }, (_, i) => q(`select * from "client_instances" where "app_name" = 'app${i}'`, 'root', 0, { site: { file: '/app/src/lib/db/client-instance-store.ts', line: 169, col: 9, via: 'knex' } }));
    const [n] = summarize(events, normalizeSql, {}).nPlusOne;
    assert.match(n.fix, /\.whereIn\('app_name', ids\)/);
    assert.doesNotMatch(n.fix, /'fk'/);
    assert.match(nPlusOneFix(undefined, 'order_id'), /WHERE order_id = ANY\(\$1\)/);
    assert.match(nPlusOneFix('@prisma/client', 'authorId'), /authorId: \{ in: ids \}/);
    assert.match(nPlusOneFix('drizzle-orm', 'user_id'), /inArray\(user_id, ids\)/);
    // Unknown: said in words, never a placeholder in code (person13 P1).
    assert.match(nPlusOneFix('knex'), /one whereIn on the column that changes per item/);
    for (const via of ['knex', 'sequelize', 'typeorm', 'drizzle-orm', 'kysely', '@mikro-orm/core', 'sqlalchemy', undefined]) assert.doesNotMatch(nPlusOneFix(via), /'fk'|\brel\b|Assoc|<|\bkey =/, String(via));
  });

  it('SARIF carries each N+1 at its line; malformed events are refused', () => {
    const events = Array.from({ length: 6 }, (_, i) => q(`SELECT * FROM t WHERE id = ${i}`, 'root', 14));
    const sarif = recordSarif(summarize(events, normalizeSql, {}), (f) => f.replace('/app/', ''), '0.1.0') as any;
    const r = sarif.runs[0].results[0];
    assert.equal(r.ruleId, 'n-plus-one');
    assert.deepEqual([r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine], ['src/orders.ts', 14]);
    assert.equal(asCaptureEvent({ t: 'q', sql: 1 }), undefined);
    assert.equal(asCaptureEvent({ t: 'q', sql: 'x', ms: 1, u: { k: 'nope', id: 'a', n: 'b' } }), undefined);
    assert.equal(asCaptureEvent({ t: 'q', sql: 'x', ms: 1, u: { k: 'root', id: 'a', n: 'b' }, site: { file: 3 } }), undefined);
    assert.ok(asCaptureEvent({ t: 'q', sql: 'x', ms: 1, u: { k: 'root', id: 'a', n: 'b' } }));
  });
});

describe('core/record: what is not an N+1', () => {
  before(() => loadPgParser());
  it('a connection ping (SELECT 1: Django\'s health check, SQLAlchemy\'s pre-ping, a pool\'s validation query) is never a finding, however often (person17: "Repeated query: SELECT 1 40 times")', () => {
    for (const ping of ['SELECT 1', 'select 1;', 'SELECT 1 AS ok', 'SELECT true', "SELECT 'x'", '/* pool */ SELECT 1']) {
      const s = summarize(Array.from({ length: 40 }, () => q(ping, 'test#1', 18)), normalizeSql, { threshold: 5 });
      assert.deepEqual(s.nPlusOne, [], ping);
      assert.equal(s.sites[0].statements[0].calls, 40, 'still recorded and counted');
    }
    // A constant the app computes, a parameter or a table is the app's own read.
    for (const sql of ['SELECT $1::int * 2', 'SELECT 1 FROM orders WHERE id = $1', 'SELECT now()', 'SELECT nextval($1)']) assert.equal(isConnectionPing(sql), false, sql);
    assert.equal(summarize(Array.from({ length: 6 }, () => q('SELECT 1 FROM orders WHERE id = $1', 'GET /o#1', 18, { pc: 1, pt: ['number'] })), normalizeSql, { threshold: 5 }).nPlusOne.length, 1);
  });

  it('a framework reading the system catalogs once per model (Django migrate, ORM type loading) is not the app\'s N+1', () => {
    const events = Array.from({ length: 18 }, (_, i) => q(`SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 't${i}'`, 'root', 22));
    events.push(...Array.from({ length: 6 }, () => q('SELECT column_name FROM information_schema.columns WHERE table_name = $1', 'root', 23)));
    assert.deepEqual(summarize(events, normalizeSql, {}).nPlusOne, []);
  });

  it('names each parameter\'s type as the capture sends it (values are not sent by default)', () => {
    const names = [1, 'a', true, 10n, undefined, null, [1], new Date(0), Buffer.from('x'), { a: 1 }, () => 1, Symbol('s')].map(paramType);
    assert.deepEqual(names, ['number', 'string', 'boolean', 'bigint', 'null', 'null', 'array', 'date', 'bytea', 'object', 'function', 'symbol']);
  });
});
