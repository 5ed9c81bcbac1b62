import { strict as assert } from 'node:assert';
import { CaptureDecoder, type QueryEvent } from '../../../../src/core/record/protocol';

const site = { file: '/app/src/orders.ts', line: 30, col: 5, via: 'sequelize' };
const unit = { k: 'request', id: 'r7-1', n: 'GET /orders/:n' };
const defs = [
  { t: 'dq', i: 1, lib: 'pg', pid: 7, sql: 'SELECT * FROM orders WHERE id = $1', pt: ['number'], pc: 1 },
  { t: 'du', i: 2, u: unit },
  { t: 'ds', i: 3, site },
];

describe('core/record/protocol: the socket\'s small records, read back as whole statements (CaptureDecoder)', () => {
  it('a record names its text, unit and site by the numbers its connection defined', () => {
    const d = new CaptureDecoder();
    for (const x of defs) assert.equal(d.decode(x), undefined);
    const e = d.decode({ t: 'r', q: 1, u: 2, s: 3, ms: 0.43, ts: 1764650000123, rows: 1 }) as QueryEvent;
    assert.deepEqual(e, { v: 1, t: 'q', lib: 'pg', sql: 'SELECT * FROM orders WHERE id = $1', pc: 1, pt: ['number'], pv: undefined, ms: 0.43, rows: 1, err: undefined, site, u: unit, ts: 1764650000123, pid: 7 });
    // No site, an error, values, and a count past the types list's 100.
    const f = d.decode({ t: 'r', q: 1, u: 2, ms: 2, ts: 5, err: '22012 division by zero', pv: [17], pc: 150 }) as QueryEvent;
    assert.equal(f.site, undefined);
    assert.equal(f.err, '22012 division by zero');
    assert.deepEqual(f.pv, [17]);
    assert.equal(f.pc, 150);
    assert.equal(f.pd, undefined);
    // Which parameters changed since the text's previous call (a bit each, no value) comes through too.
    const g = d.decode({ t: 'r', q: 1, u: 2, ms: 1, ts: 6, pd: 2 }) as QueryEvent;
    assert.equal(g.pd, 2);
  });

  it('a number not defined on this connection, or forgotten (dx), gives no event: never a guessed statement', () => {
    const d = new CaptureDecoder();
    for (const x of defs) d.decode(x);
    assert.equal(d.decode({ t: 'r', q: 9, u: 2, ms: 1, ts: 1 }), undefined);
    assert.equal(d.decode({ t: 'r', q: 1, u: 2, s: 9, ms: 1, ts: 1 }), undefined);
    assert.equal(new CaptureDecoder().decode({ t: 'r', q: 1, u: 2, ms: 1, ts: 1 }), undefined);
    d.decode({ t: 'dx' });
    assert.equal(d.decode({ t: 'r', q: 1, u: 2, ms: 1, ts: 1 }), undefined);
  });

  it('a definition that is not valid gives records that are not valid events (asCaptureEvent checks the whole)', () => {
    const d = new CaptureDecoder();
    d.decode({ t: 'dq', i: 1, lib: 'pg', pid: 7, sql: 42, pt: [], pc: 0 });
    d.decode({ t: 'du', i: 5, u: unit });
    d.decode({ t: 'du', i: 2, u: { k: 'nonsense', id: 'x', n: 'y' } });
    d.decode({ t: 'du', i: 3, u: unit });
    d.decode({ t: 'dq', i: 4, lib: 'pg', pid: 7, sql: 'SELECT 1', pt: [], pc: 0 });
    assert.equal(d.decode({ t: 'r', q: 1, u: 3, ms: 1, ts: 1 }), undefined);
    assert.equal(d.decode({ t: 'r', q: 4, u: 2, ms: 1, ts: 1 }), undefined);
    assert.equal(d.decode({ t: 'r', q: 4, u: 3, ms: 'slow', ts: 1 }), undefined);
    assert.equal((d.decode({ t: 'r', q: 4, u: 3, ms: 1, ts: 1 }) as QueryEvent).sql, 'SELECT 1');
  });

  it('whole lines (the Python module, the JSONL file, notices) pass as they are', () => {
    const d = new CaptureDecoder();
    const whole = { v: 1, t: 'q', lib: 'psycopg', sql: 'SELECT 1', pc: 0, pt: [], ms: 1, u: unit, ts: 1, pid: 3 };
    assert.equal((d.decode(whole) as QueryEvent).lib, 'psycopg');
    assert.equal(d.decode({ v: 1, t: 'notice', code: 'prisma-client', ts: 1, pid: 3 })?.t, 'notice');
    assert.equal(d.decode('nonsense'), undefined);
  });
});
