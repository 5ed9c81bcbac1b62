/**
 * Scan Workspace's findings kept across a window reload (person50 L-F): read back only for the files unchanged since the
 * scan (size and modification time, or the same content — the rule a kept recording's files are read back by), bounded,
 * without a recording's findings (the recording keeps its own), and safe against damaged storage.
 */
import { strict as assert } from 'node:assert';
import { keepScan, restoreScan, unchangedScanFiles, type KeptScanFile } from '../../../src/core/scanKept';
import { shortHash } from '../../../src/core/hash';
import type { Finding } from '../../../src/core/findings';

const TEXT = "const rows = await pool.query('SELECT * FROM orders WHERE status = $1', [s]);\n";
const finding = (over: Partial<Finding> = {}): Finding => ({ ruleId: 'select-star', severity: 'warning', message: 'SELECT * reads every column', span: { start: 32, end: 40 }, file: '/app/src/orders.ts', help: 'Name the columns.', fixes: [{ title: 'Name the columns', edits: [{ span: { start: 32, end: 40 }, newText: 'id, status' }] }], evidence: { columns: 7 }, ...over });
const file = (path: string, findings: Finding[], over: Partial<KeptScanFile> = {}): KeptScanFile => ({ path, size: TEXT.length, mtime: 1000, hash: shortHash(TEXT), findings, ...over });

describe('core/scanKept: the workspace scan\'s findings kept across a reload (person50 L-F)', () => {
  it('round-trips through JSON (workspace storage): the findings, their fixes and evidence, the database they were weighed against', () => {
    const kept = keepScan([file('/app/src/orders.ts', [finding()])], { at: 42, target: 'localhost:5432/shop' });
    const back = restoreScan(JSON.parse(JSON.stringify(kept)));
    assert.ok(back);
    assert.equal(back.at, 42);
    assert.equal(back.target, 'localhost:5432/shop');
    assert.deepEqual(back.files[0].findings, [finding()]);
    assert.equal(back.files[0].hash, shortHash(TEXT));
  });

  it('shows again only the files unchanged since the scan; a file edited since (or changed between its reading and the keeping) gets none of its old findings', () => {
    const kept = restoreScan(JSON.parse(JSON.stringify(keepScan([file('/app/src/orders.ts', [finding()]), file('/app/src/users.ts', [finding({ file: '/app/src/users.ts' })]), file('/app/src/gone.ts', [finding({ file: '/app/src/gone.ts' })])], { at: 1, target: '' }))))!;
    const hash = shortHash(TEXT);
    const now = new Map<string, { size: number; mtime: number; hash?: string } | undefined>([
      ['/app/src/orders.ts', { size: TEXT.length, mtime: 1000, hash }],
      // Edited after the scan: another size and time.
      ['/app/src/users.ts', { size: TEXT.length + 9, mtime: 5000, hash: shortHash(`${TEXT}// edited\n`) }],
    ]);
    const r = unchangedScanFiles(kept, now);
    assert.deepEqual(r.show.map((f) => f.path), ['/app/src/orders.ts']);
    assert.deepEqual(r.changed, ['/app/src/users.ts']);
    assert.deepEqual(r.gone, ['/app/src/gone.ts']);
    // Saved again with the same text (an edit undone): the same file, as for a kept recording.
    assert.deepEqual(unchangedScanFiles(kept, new Map([['/app/src/orders.ts', { size: TEXT.length, mtime: 9000, hash }]])).show.length, 1);
    // Same size and time but other content (written between the scan's reading and the keeping): not the file analysed.
    const swapped = TEXT.replace('orders', 'ordres');
    assert.deepEqual(unchangedScanFiles(kept, new Map([['/app/src/orders.ts', { size: swapped.length, mtime: 1000, hash: shortHash(swapped) }]])).changed, ['/app/src/orders.ts']);
  });

  it('keeps the scan\'s own findings only (a recording brings back its own), no file without findings, and is bounded in bytes (the rest counted)', () => {
    const recorded = finding({ ruleId: 'n-plus-one', evidence: { recorded: true, calls: 20 } });
    const kept = keepScan([file('/a.ts', [recorded]), file('/b.ts', [finding(), recorded]), file('/c.ts', [])], { at: 0, target: '' });
    assert.deepEqual(kept.files.map((f) => [f.path, f.findings.map((x) => x.ruleId)]), [['/b.ts', ['select-star']]]);
    const many = Array.from({ length: 50 }, (_, i) => file(`/src/f${i}.ts`, [finding({ file: `/src/f${i}.ts` })]));
    const one = JSON.stringify(keepScan(many.slice(0, 1), { at: 0, target: '' }).files[0]).length;
    const bounded = keepScan(many, { at: 0, target: '', maxBytes: one * 10 + 5 });
    assert.equal(bounded.files.length, 10);
    assert.equal(bounded.left, 40);
    assert.ok(JSON.stringify(keepScan(many, { at: 0, target: '' })).length < 2_100_000);
  });

  it('damaged or foreign storage reads back as nothing, a damaged finding is left out', () => {
    for (const x of [undefined, null, 7, 'x', {}, { v: 2, files: [] }, { v: 1, files: 'no' }]) assert.ok(!restoreScan(x)?.files.length, JSON.stringify(x));
    const back = restoreScan({ v: 1, at: 1, target: '', files: [{ path: '/a.ts', size: 1, mtime: 1, findings: [{ ruleId: 'x', severity: 'loud', message: 'm', span: { start: 0, end: 1 }, fixes: [] }, finding()] }, { path: '/b.ts', size: 'big', mtime: 1, findings: [finding()] }] });
    assert.deepEqual(back?.files.map((f) => [f.path, f.findings.length]), [['/a.ts', 1]]);
  });
});
