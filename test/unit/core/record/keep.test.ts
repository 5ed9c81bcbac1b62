import { strict as assert } from 'node:assert';
import { addRename, filesToHash, followRenames, keepRecording, matchingFiles, recordedFiles, renamedWhileAway, restoreRecording } from '../../../../src/core/record/keep';
import { shortHash } from '../../../../src/core/hash';
import type { QueryEvent } from '../../../../src/core/record/protocol';

const ev = (i: number, pv?: unknown[]): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql: `SELECT * FROM orders WHERE id = $1 /* ${i} */`, pc: 1, pt: ['number'], pv, ms: 0.5, rows: 1, site: { file: '/app/src/orders.ts', line: 30, col: 5 }, u: { k: 'request', id: `r${i}`, n: 'GET /orders' }, ts: 1000 + i, pid: 7 });

describe('core/record/keep: a recording kept across a window reload (person11 Q11)', () => {
  it('round-trips through JSON (workspace storage) with its sites, units and notices', () => {
    const kept = keepRecording([ev(1), ev(2)], [{ v: 1, t: 'notice', code: 'prisma-client', ts: 5, pid: 7 }], 0, { values: false, at: 42 });
    const back = restoreRecording(JSON.parse(JSON.stringify(kept)), { values: false });
    assert.ok(back);
    assert.equal(back.events.length, 2);
    assert.deepEqual(back.events[1].site, { file: '/app/src/orders.ts', line: 30, col: 5 });
    assert.equal(back.events[0].u.id, 'r1');
    assert.deepEqual(back.notices.map((n) => n.code), ['prisma-client']);
    assert.equal(back.at, 42);
  });

  it('never keeps the parameter values unless pgLens.record.values allows them (when kept and when read back)', () => {
    const off = keepRecording([ev(1, [17])], [], 0, { values: false, at: 0 });
    assert.equal(restoreRecording(JSON.parse(JSON.stringify(off)), { values: true })?.events[0].pv, undefined);
    assert.ok(!JSON.stringify(off).includes('"pv"'));
    const on = keepRecording([ev(1, [17])], [], 0, { values: true, at: 0 });
    // Turned off since: not read back.
    assert.equal(restoreRecording(JSON.parse(JSON.stringify(on)), { values: false })?.events[0].pv, undefined);
    assert.deepEqual(restoreRecording(JSON.parse(JSON.stringify(on)), { values: true })?.events[0].pv, [17]);
  });

  it('bounded: the most recent statements, the rest counted as dropped', () => {
    const kept = keepRecording([ev(1), ev(2), ev(3), ev(4)], [], 1, { values: false, at: 0, max: 2 });
    assert.deepEqual(restoreRecording(JSON.parse(JSON.stringify(kept)), { values: false })?.events.map((e) => e.u.id), ['r3', 'r4']);
    assert.equal(kept.dropped, 3);
  });

  it('small: each SQL text, call site and unit of work stored once (person17: 20,000 Django statements were ~20 MB sent to the window every 10 s while recording, and Stop waited behind them)', () => {
    const columns = Array.from({ length: 24 }, (_, c) => `"catalog_book"."column_${c}"`).join(', ');
    const events: QueryEvent[] = Array.from({ length: 4000 }, (_, i) => ({
      v: 1, t: 'q', lib: 'psycopg2', sql: `SELECT ${columns} FROM "catalog_book" WHERE "catalog_book"."author_id" = $1 /* ${i % 30} */`, pc: 1, pt: ['int'], pd: 1, ms: 0.4, rows: 1,
      site: { file: '/work/app/catalog/templates/catalog/book_list.html', line: 11 + (i % 30), col: 1, fn: 'template', via: 'django' },
      u: { k: 'request', id: `r4711-${Math.floor(i / 20)}`, n: 'GET /catalog/books/' }, ts: 1_764_700_000_000 + i, pid: 4711,
    }));
    const stored = JSON.stringify(keepRecording(events, [], 0, { values: false, at: 0 }));
    // One whole event per statement (the earlier form) is over 4 MB for these 4000 (20 MB for 20,000); the compact one a tenth of it.
    assert.ok(JSON.stringify(events).length > 4_000_000);
    assert.ok(stored.length < 500_000, `${stored.length} characters`);
    const back = restoreRecording(JSON.parse(stored), { values: false });
    assert.equal(back?.events.length, 4000);
    assert.deepEqual(back?.events[3999], { ...events[3999], pv: undefined, err: undefined });
  });

  it('a recording kept by the earlier version (one whole event per statement) is still read back', () => {
    const back = restoreRecording(JSON.parse(JSON.stringify({ v: 1, at: 3, events: [ev(1), ev(2)], notices: [], dropped: 0 })), { values: false });
    assert.deepEqual(back?.events.map((e) => [e.u.id, e.site?.line]), [['r1', 30], ['r2', 30]]);
  });

  it('anything else read back is no recording (another version, damaged storage, nothing recorded)', () => {
    assert.equal(restoreRecording(undefined, { values: false }), undefined);
    assert.equal(restoreRecording({ v: 99, events: [ev(1)], notices: [] }, { values: false }), undefined);
    assert.equal(restoreRecording({ v: 1, events: [{ t: 'q', sql: 1 }], notices: [] }, { values: false }), undefined);
    assert.equal(restoreRecording(keepRecording([], [], 0, { values: false, at: 0 }), { values: false }), undefined);
  });
});

describe('core/record/keep: the recording\'s index advice is kept with it (person13 P6)', () => {
  const advice = { costBefore: 80, suggestions: [{ ddl: 'CREATE INDEX CONCURRENTLY awards_user_id_idx ON awards (user_id)', costBefore: 80, costAfter: 30, summary: 'an index on awards (user_id) cuts 80 → 30', planBefore: ['Seq Scan on awards'], index: { table: 'awards', columns: ['user_id'] } }], provedOn: 'db-a' };

  it('round-trips the advice and the database it was proved on, in the one kept recording', () => {
    const kept = keepRecording([ev(1)], [], 0, { values: false, at: 1, advice: new Map([['SELECT * FROM awards WHERE user_id = $1', advice]]) });
    const back = restoreRecording(JSON.parse(JSON.stringify(kept)), { values: false });
    assert.deepEqual(back?.advice, [['SELECT * FROM awards WHERE user_id = $1', advice]]);
  });

  it('refuses advice entries of another shape, keeping the recording', () => {
    const kept = JSON.parse(JSON.stringify(keepRecording([ev(1)], [], 0, { values: false, at: 1 })));
    kept.advice = [['x', { suggestions: [{ ddl: 5 }] }], 'y', ['z', { suggestions: [], note: 'no index worth its write cost' }]];
    const back = restoreRecording(kept, { values: false });
    assert.equal(back?.events.length, 1);
    assert.deepEqual(back?.advice, [['z', { suggestions: [], note: 'no index worth its write cost' }]]);
  });

  it('keeps the recorded files\' size and time; read back, a file changed since has its statements left out, the others stay (person20 LOW 8: restored when the files still match)', () => {
    const other = (i: number): QueryEvent => ({ ...ev(i), site: { file: '/app/src/customers.ts', line: 12, col: 3 } });
    const events = [ev(1), other(2), ev(3), { ...ev(4), site: undefined }];
    assert.deepEqual(recordedFiles(events), ['/app/src/orders.ts', '/app/src/customers.ts']);
    const files = [{ path: '/app/src/orders.ts', size: 900, mtime: 1000 }, { path: '/app/src/customers.ts', size: 400, mtime: 2000 }];
    const back = restoreRecording(JSON.parse(JSON.stringify(keepRecording(events, [], 0, { values: false, at: 0, files }))), { values: false })!;
    assert.deepEqual(back.files, files);
    // Nothing changed: everything back.
    const same = matchingFiles(back, new Map(files.map((f) => [f.path, { size: f.size, mtime: f.mtime }])));
    assert.equal(same.events.length, 4);
    assert.deepEqual(same.changed, []);
    // orders.ts edited since (its lines may have moved), customers.ts unchanged: orders.ts's statements are left out, said.
    const edited = matchingFiles(back, new Map([['/app/src/orders.ts', { size: 950, mtime: 3000 }], ['/app/src/customers.ts', { size: 400, mtime: 2000 }]]));
    assert.deepEqual(edited.events.map((e) => e.u.id), ['r2', 'r4']);
    assert.deepEqual(edited.changed, ['/app/src/orders.ts']);
    assert.equal(edited.left, 2);
    // A file gone is left out too, and said as gone (not changed).
    const gone = matchingFiles(back, new Map([['/app/src/orders.ts', { size: 900, mtime: 1000 }]]));
    assert.deepEqual([gone.changed, gone.gone, gone.left, gone.goneLeft, gone.events.length], [[], ['/app/src/customers.ts'], 0, 1, 3]);
  });

  it('a file saved again with the same content (an edit undone) keeps its statements; the same size with other content does not (person41 L7: 609 → 391)', () => {
    const text = 'export const q = 1;\n';
    const other = (i: number): QueryEvent => ({ ...ev(i), site: { file: '/app/src/customers.ts', line: 12, col: 3 } });
    const events = [ev(1), ev(2), other(3)];
    const files = [{ path: '/app/src/orders.ts', size: text.length, mtime: 1000, hash: shortHash(text) }, { path: '/app/src/customers.ts', size: 400, mtime: 2000, hash: shortHash('c') }];
    const back = restoreRecording(JSON.parse(JSON.stringify(keepRecording(events, [], 0, { values: false, at: 0, files }))), { values: false })!;
    assert.deepEqual(back.files, files, 'the hash is kept and read back');
    // orders.ts saved again later (the typo fixed, then undone): another time, the same size. Only its content is read.
    const disk = new Map<string, { size: number; mtime: number; hash?: string }>([['/app/src/orders.ts', { size: text.length, mtime: 5000 }], ['/app/src/customers.ts', { size: 400, mtime: 2000 }]]);
    assert.deepEqual(filesToHash(back, disk), ['/app/src/orders.ts']);
    const undone = matchingFiles(back, new Map([...disk, ['/app/src/orders.ts', { ...disk.get('/app/src/orders.ts')!, hash: shortHash(text) }]]));
    assert.equal(undone.events.length, 3);
    assert.deepEqual(undone.changed, []);
    // The same size, other content (a character replaced): left out, as before.
    const replaced = matchingFiles(back, new Map([...disk, ['/app/src/orders.ts', { ...disk.get('/app/src/orders.ts')!, hash: shortHash(text.replace('1', '2')) }]]));
    assert.deepEqual([replaced.events.length, replaced.changed], [1, ['/app/src/orders.ts']]);
    // Another size: not read, left out.
    assert.deepEqual(filesToHash(back, new Map([...disk, ['/app/src/orders.ts', { size: 99, mtime: 5000 }]])), []);
    // A kept recording without hashes (an earlier PG Lens's): a new time is a change, as before.
    const old = { ...back, files: back.files!.map(({ hash: _h, ...f }) => f) };
    assert.deepEqual(filesToHash(old, disk), []);
    assert.deepEqual(matchingFiles(old, disk).changed, ['/app/src/orders.ts']);
  });

  it('a recorded file renamed: its statements follow the new name through a reload (person37 L6: 144 → 133 statements)', () => {
    const other = (i: number): QueryEvent => ({ ...ev(i), site: { file: '/app/src/reviews.ts', line: 12, col: 3 } });
    const events = [ev(1), other(2), other(3)];
    const files = [{ path: '/app/src/orders.ts', size: 900, mtime: 1000 }, { path: '/app/src/reviews.ts', size: 400, mtime: 2000 }];
    // After the rename on disk (same size and time under the new name), before: reviews.ts's 2 statements were left out.
    const disk = new Map([['/app/src/orders.ts', { size: 900, mtime: 1000 }], ['/app/src/reviewStore.ts', { size: 400, mtime: 2000 }]]);
    const keptBefore = restoreRecording(JSON.parse(JSON.stringify(keepRecording(events, [], 0, { values: false, at: 0, files }))), { values: false })!;
    assert.equal(matchingFiles(keptBefore, disk).events.length, 1);
    const renames = new Map<string, string>();
    addRename(renames, '/app/src/reviews.ts', '/app/src/reviewStore.ts');
    const renamed = followRenames({ events, files }, renames);
    const back = restoreRecording(JSON.parse(JSON.stringify(keepRecording(renamed.events, [], 0, { values: false, at: 0, files: renamed.files }))), { values: false })!;
    const m = matchingFiles(back, disk);
    assert.equal(m.events.length, 3);
    assert.deepEqual(m.changed, []);
    assert.deepEqual(m.events.map((e) => e.site?.file), ['/app/src/orders.ts', '/app/src/reviewStore.ts', '/app/src/reviewStore.ts']);
    assert.deepEqual(events.map((e) => e.site?.file), ['/app/src/orders.ts', '/app/src/reviews.ts', '/app/src/reviews.ts'], 'the events given are not changed');
    // Renamed again (a chain ends at the last name), then moved back to its first name (no rename left).
    addRename(renames, '/app/src/reviewStore.ts', '/app/lib/reviewStore.ts');
    assert.deepEqual([...renames], [['/app/src/reviews.ts', '/app/lib/reviewStore.ts'], ['/app/src/reviewStore.ts', '/app/lib/reviewStore.ts']]);
    assert.deepEqual(followRenames({ events }, renames).events.map((e) => e.site?.file), ['/app/src/orders.ts', '/app/lib/reviewStore.ts', '/app/lib/reviewStore.ts']);
    addRename(renames, '/app/lib/reviewStore.ts', '/app/src/reviews.ts');
    assert.deepEqual([...renames], [['/app/src/reviewStore.ts', '/app/src/reviews.ts'], ['/app/lib/reviewStore.ts', '/app/src/reviews.ts']]);
    assert.deepEqual(followRenames({ events }, renames).events.map((e) => e.site?.file), ['/app/src/orders.ts', '/app/src/reviews.ts', '/app/src/reviews.ts']);
  });

  it('a recorded file renamed while no window watched (git mv): found again on load by its extension, size and time, its statements under the new name; a file two candidates fit stays gone (person37 L6, the rest)', () => {
    const at = (file: string) => (i: number): QueryEvent => ({ ...ev(i), site: { file, line: 12, col: 3 } });
    const events = [ev(1), at('/app/src/reviews.ts')(2), at('/app/src/reviews.ts')(3), at('/app/src/util.ts')(4)];
    const files = [{ path: '/app/src/orders.ts', size: 900, mtime: 1000 }, { path: '/app/src/reviews.ts', size: 400, mtime: 2000 }, { path: '/app/src/util.ts', size: 300, mtime: 5000 }];
    const back = restoreRecording(JSON.parse(JSON.stringify(keepRecording(events, [], 0, { values: false, at: 0, files }))), { values: false })!;
    const disk = new Map([['/app/src/orders.ts', { size: 900, mtime: 1000 }], ['/app/lib/reviewStore.ts', { size: 400, mtime: 2000 }]]);
    const first = matchingFiles(back, disk);
    assert.deepEqual([first.gone, first.goneLeft], [['/app/src/reviews.ts', '/app/src/util.ts'], 3]);
    const candidates = [
      { path: '/app/src/orders.ts', size: 900, mtime: 1000 }, // a kept file itself: never a rename's target
      { path: '/app/lib/reviewStore.ts', size: 400, mtime: 2000 },
      { path: '/app/lib/reviewStore.js', size: 400, mtime: 2000 }, // another extension
      { path: '/app/a/util.ts', size: 300, mtime: 5000 }, // two fit util.ts: no guess
      { path: '/app/b/util.ts', size: 300, mtime: 5000 },
    ];
    const moved = renamedWhileAway(back.files!, first.gone, candidates);
    assert.deepEqual([...moved], [['/app/src/reviews.ts', '/app/lib/reviewStore.ts']]);
    const after = matchingFiles(followRenames(back, moved), disk);
    assert.deepEqual(after.events.map((e) => e.site?.file), ['/app/src/orders.ts', '/app/lib/reviewStore.ts', '/app/lib/reviewStore.ts']);
    assert.deepEqual([after.gone, after.goneLeft], [['/app/src/util.ts'], 1]);
  });

  it('a kept recording without file facts (an earlier version\'s) is read back whole', () => {
    const back = restoreRecording(JSON.parse(JSON.stringify(keepRecording([ev(1)], [], 0, { values: false, at: 0 }))), { values: false })!;
    assert.equal(back.files, undefined);
    assert.equal(matchingFiles(back, new Map()).events.length, 1);
  });
});
