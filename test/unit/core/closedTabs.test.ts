/**
 * A file whose tab closed, still held by VS Code, is checked again by a reconnect or a settings change but never decided
 * again (person31 H2: a reconnect decided a closed 3,000-statement file again, and its trial builds came back). The
 * editor's sequence (analysis.ts): every held document is asked a full run (refreshAll); ClosedTabs says which run each
 * gets, and the index advisor decides only on a full run (AnalyzerInput.editing false).
 */
import * as assert from 'node:assert/strict';
import { ClosedTabs } from '../../../src/core/closedTabs';
import { analyzeFile, type Analyzer } from '../../../src/core/scan';

const HUGE = 'file:///w/other/huge.ts';
const ORDERS = 'file:///w/src/orders.ts';
const TEXT = "const q = sql`SELECT id FROM orders WHERE customer_id = ${id}`;\n";

/** An index advisor that counts its decisions (a full run) and its checks (an edit's run, the advice known). */
function advisor() {
  const runs = { decided: [] as string[], checked: [] as string[] };
  const a: Analyzer = { id: 'missing-index', rules: [], analyze: ({ file, editing }) => ((editing ? runs.checked : runs.decided).push(file), []) };
  return { a, runs };
}

/** refreshAll over the held documents: a full run asked for each, its findings shown (analysis.ts refresh). */
async function refreshAll(tabs: ClosedTabs, held: string[], shown: Set<string>, a: Analyzer) {
  for (const key of held) {
    const editing = tabs.run(key, true, shown) === 'check';
    await analyzeFile({ path: key, text: TEXT, languageId: 'typescript', editing }, { analyzers: [a] });
    if (!editing) tabs.decidedShown(key); // its findings shown (analysis.ts show)
  }
}

describe('ClosedTabs: a closed tab is checked, not decided again (person31 H2)', () => {
  it('a reconnect after huge.ts\'s tab closed decides only the shown file; huge.ts is checked with the advice known', async () => {
    const tabs = new ClosedTabs();
    const { a, runs } = advisor();
    const held = [HUGE, ORDERS];
    await refreshAll(tabs, held, new Set(held), a);
    assert.deepEqual(runs.decided, held);
    // huge.ts's tab closes; VS Code still holds the document. A reconnect (or a setting) asks every held document again.
    tabs.tabsClosed([HUGE], new Set([ORDERS]));
    runs.decided.length = 0;
    await refreshAll(tabs, held, new Set([ORDERS]), a);
    await refreshAll(tabs, held, new Set([ORDERS]), a); // a settings change after it
    assert.deepEqual(runs.decided, [ORDERS, ORDERS], 'huge.ts decided again after its tab closed');
    assert.deepEqual(runs.checked, [HUGE, HUGE], 'huge.ts\'s findings still checked (a stale problem after Create index now goes: e2e 05)');
  });

  it('shown again, the full run it was owed is due once; an edit\'s run is never a decision', () => {
    const tabs = new ClosedTabs();
    tabs.tabsClosed([HUGE], new Set());
    assert.deepEqual(tabs.tabsShown([HUGE]), [], 'nothing owed: no full run was asked meanwhile');
    tabs.tabsClosed([HUGE], new Set());
    assert.equal(tabs.run(HUGE, true, new Set()), 'check');
    assert.equal(tabs.run(HUGE, false, new Set()), 'check');
    assert.deepEqual(tabs.tabsShown([HUGE, ORDERS]), [HUGE]);
    assert.equal(tabs.run(HUGE, true, new Set([HUGE])), 'full');
  });

  it('a tab closed while another tab (another group, a reused preview) still shows the file leaves it decided', () => {
    const tabs = new ClosedTabs();
    tabs.tabsClosed([HUGE], new Set([HUGE]));
    assert.equal(tabs.run(HUGE, true, new Set([HUGE])), 'full');
    // Closed, then shown again without a tab event reaching us first: the tabs as they are decide.
    tabs.tabsClosed([HUGE], new Set());
    assert.equal(tabs.run(HUGE, true, new Set([HUGE])), 'full');
    assert.equal(tabs.run(HUGE, true, new Set()), 'full', 'forgotten once seen shown');
  });

  it('VS Code letting go of the document (or opening it anew) forgets it', () => {
    const tabs = new ClosedTabs();
    tabs.tabsClosed([HUGE], new Set());
    tabs.forget(HUGE);
    assert.equal(tabs.run(HUGE, true, new Set()), 'full');
  });

  it("another profile's rights (production → development) decide a closed tab's document once; a reconnect after that only checks it (person32 M1)", async () => {
    const tabs = new ClosedTabs();
    const { a, runs } = advisor();
    const held = [HUGE, ORDERS];
    tabs.tabsClosed([HUGE], new Set([ORDERS]));
    tabs.rightsChanged();
    await refreshAll(tabs, held, new Set([ORDERS]), a);
    assert.deepEqual(runs.decided, held);
    runs.decided.length = 0;
    runs.checked.length = 0;
    await refreshAll(tabs, held, new Set([ORDERS]), a);
    assert.deepEqual(runs.decided, [ORDERS]);
    assert.deepEqual(runs.checked, [HUGE]);
  });

  it("the decision a rights' change owes a closed tab's document stays owed until a full run's findings are shown: a run dropped as stale leaves it owed (ui32's scan-free step for person32 M1)", () => {
    const tabs = new ClosedTabs();
    tabs.tabsClosed([HUGE], new Set());
    tabs.rightsChanged();
    // The connection's first change event: a full run, whose result a second change event makes stale (not shown).
    assert.equal(tabs.run(HUGE, true, new Set()), 'full');
    // The second event: decided again (before: 'check', on an advice state the second event had emptied).
    assert.equal(tabs.run(HUGE, true, new Set()), 'full');
    tabs.decidedShown(HUGE);
    assert.equal(tabs.run(HUGE, true, new Set()), 'check');
  });
  it("Clear Recorded Queries forgets the decided advice: a closed tab's held document is decided once on the run Clear asks, not checked against advice that is gone (e2e 75 alone: src/orders.ts, its tab closed minutes before, lost both missing-index findings)", async () => {
    const tabs = new ClosedTabs();
    const { a, runs } = advisor();
    // orders.ts decided while shown, then its tab closed; VS Code still holds the document.
    await refreshAll(tabs, [ORDERS], new Set([ORDERS]), a);
    tabs.tabsClosed([ORDERS], new Set());
    runs.decided.length = 0;
    // The recording cleared: the advice its statements weighed in on is forgotten (IndexAdvice.forgetRecorded), and the
    // files that held its findings are analysed again (a full run asked for each).
    tabs.adviceForgotten();
    await refreshAll(tabs, [ORDERS], new Set(), a);
    assert.deepEqual(runs.decided, [ORDERS], 'decided again: a check on the emptied advice shows no missing-index finding');
    // Once: a reconnect after it only checks the held document again (person31 H2).
    runs.decided.length = 0;
    runs.checked.length = 0;
    await refreshAll(tabs, [ORDERS], new Set(), a);
    assert.deepEqual(runs.decided, []);
    assert.deepEqual(runs.checked, [ORDERS]);
  });
});
