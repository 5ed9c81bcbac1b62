/**
 * A cancelled rescan keeps the previous scan's findings (CLOSING17: person16's Go app, Scan Workspace, Scan Workspace
 * again, Cancel: 52 → 4 warnings in the Problems panel until the next full scan).
 */
import * as assert from 'node:assert/strict';
import { ScanShown } from '../../../src/core/scanShown';
import { scanFiles, scanSummaryLine, type Analyzer } from '../../../src/core/scan';

/** The editor's side of it (analysis.ts): what the Problems panel shows per file, through ScanShown. */
class Panel {
  readonly shown = new Map<string, string[]>();
  private readonly keep = new ScanShown<string[]>();
  start() {
    this.keep.start(this.shown);
  }
  publish(file: string, findings: string[], wholeScan = false) {
    this.keep.reach(file, { wholeScan });
    if (findings.length) this.shown.set(file, findings);
    else this.shown.delete(file);
  }
  end(finished: boolean): number {
    const { restore, drop } = this.keep.end({ finished });
    for (const f of drop) this.shown.delete(f);
    for (const [f, d] of restore) this.shown.set(f, d);
    return restore.length;
  }
  count() {
    return [...this.shown.values()].reduce((n, d) => n + d.length, 0);
  }
}

/** One finding per file from the file alone; b.go's loop calls c.go's query: a cross-file N+1 only a whole scan makes. */
const perFile: Analyzer = { id: 'per-file', rules: [], analyze: (input) => [{ ruleId: 'x', severity: 'warning', message: input.file, span: { start: 0, end: 1 } } as never] };
const files = ['a.go', 'b.go', 'c.go', 'd.go'].map((path) => ({ path, text: 'package x\n' }));

async function scan(panel: Panel, cancelAfter?: string): Promise<number> {
  const before = panel.count();
  panel.start();
  assert.equal(panel.count(), before, 'nothing is cleared when a scan starts');
  const r = await scanFiles(files, {
    analyzers: [perFile],
    isCancelled: () => cancelAfter !== undefined && reached.has(cancelAfter),
    onFile: ({ file, findings }) => {
      reached.add(file);
      panel.publish(file, findings.map((f) => f.message));
    },
  });
  // The whole-scan pass (scanWorkspace's onRevised): b.go gains the cross-file N+1.
  if (!r.cancelled) panel.publish('b.go', ['b.go', 'cross-file n-plus-one'], true);
  return panel.end(!r.cancelled);
}
const reached = new Set<string>();

describe('core/scanShown: a cancelled rescan keeps the previous scan\'s findings', () => {
  it('Scan, Scan again and Cancel: the files it never reached and the cross-file findings come back; a finished scan replaces them', async () => {
    const panel = new Panel();
    reached.clear();
    assert.equal(await scan(panel), 0);
    assert.equal(panel.count(), 5);
    reached.clear();
    // Cancelled once b.go is read: c.go and d.go never reached, b.go's cross-file finding needs the whole scan.
    const kept = await scan(panel, 'b.go');
    assert.deepEqual([...panel.shown.keys()].sort(), ['a.go', 'b.go', 'c.go', 'd.go']);
    assert.deepEqual(panel.shown.get('b.go'), ['b.go', 'cross-file n-plus-one']);
    assert.equal(panel.count(), 5, 'the Problems panel holds what the finished scan showed');
    assert.equal(kept, 3);
    reached.clear();
    assert.equal(await scan(panel), 0);
    assert.equal(panel.count(), 5);
  });

  it('a finished scan drops the previous results of files it no longer reads, and keeps nothing it replaced', () => {
    const panel = new Panel();
    panel.start();
    panel.publish('old.go', ['gone']);
    panel.publish('a.go', ['a']);
    panel.end(true);
    panel.start();
    panel.publish('a.go', ['a2']);
    assert.deepEqual(panel.shown.get('old.go'), ['gone'], 'shown until the new scan ends');
    assert.equal(panel.end(true), 0);
    assert.deepEqual([...panel.shown], [['a.go', ['a2']]]);
  });

  it('a file the cancelled scan found clean stays clean; one it never reached keeps its findings', () => {
    const panel = new Panel();
    panel.start();
    panel.publish('a.go', ['a']);
    panel.publish('b.go', ['b']);
    panel.end(true);
    panel.start();
    panel.publish('a.go', []);
    assert.equal(panel.end(false), 1);
    assert.deepEqual([...panel.shown], [['b.go', ['b']]]);
  });

  it('says in the summary that the previous findings were kept', () => {
    assert.equal(scanSummaryLine({ cancelled: true, files: 2, seconds: 0.4, counts: { error: 0, warning: 52, info: 0, hint: 0 }, withDb: true, kept: 40 }),
      "Scan cancelled after 2 files in 0.4 s: 0 errors, 52 warnings, 0 infos in the Problems panel. The previous scan's findings are kept for 40 files this scan did not finish.");
    assert.doesNotMatch(scanSummaryLine({ cancelled: false, files: 2, seconds: 0.4, counts: { error: 0, warning: 1, info: 0, hint: 0 }, withDb: true, kept: 3 }), /kept/);
  });
});
