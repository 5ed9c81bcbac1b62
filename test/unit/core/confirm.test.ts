/** core/confirm: the order of a modal confirmation's items, which decides what Enter does in VS Code. */
import { strict as assert } from 'node:assert';
import { analyzeConfirmations, confirmItems, createIndexConfirmation } from '../../../src/core/confirm';

describe('core/confirm: confirmItems', () => {
  it('destructive: the keeping button is the first item that is not a close affordance (the primary, Enter), the action second', () => {
    const items = confirmItems({ confirm: 'Create index', keep: 'Not now' }, true);
    assert.deepEqual(items.map((i) => i.title), ['Not now', 'Create index']);
    assert.equal(items.find((i) => !i.close)?.confirms, false);
    // No item is the close affordance: VS Code adds its own "Cancel", which Escape stands for and which confirms nothing.
    assert.equal(items.filter((i) => i.close).length, 0);
    assert.equal(items.filter((i) => i.confirms).length, 1);
  });

  it('not destructive: the action is primary, the keeping button ("Cancel" when unnamed) is the close affordance', () => {
    assert.deepEqual(confirmItems({ confirm: 'Run' }, false), [{ title: 'Run', confirms: true, close: false }, { title: 'Cancel', confirms: false, close: true }]);
  });
});

describe('core/confirm: analyzeConfirmations (person37 L1)', () => {
  const report = { sideEffects: [] as string[], sideEffectDetail: '', needsConfirmation: true, writes: ['INSERT'], risk: 'Explain Analyze runs it for real: it changes data (INSERT).' };

  it('a write: one confirmation whose choices are distinct — the run, the estimated plan (primary: runs nothing), and VS Code\'s Cancel', () => {
    const [c, ...rest] = analyzeConfirmations(report);
    assert.equal(rest.length, 0);
    assert.equal(c.message, 'Explain Analyze will EXECUTE this statement: INSERT.');
    const items = confirmItems(c.labels, true);
    // The dialog shows these two and VS Code's own "Cancel" (no close affordance among them).
    assert.deepEqual(items.map((i) => i.title), ['Estimated plan only (nothing runs)', 'Run it, then roll back']);
    assert.equal(items.some((i) => i.close), false);
    // No second "no": neither button reads as Cancel ("Don't run it" beside "Cancel" read as a duplicate).
    for (const i of items) assert.doesNotMatch(i.title, /^(cancel|don't|do not|no)\b/i);
    assert.match(c.detail, /Estimated plan only" shows the plan PostgreSQL would choose without running the statement; Cancel does nothing/);
    assert.match(c.detail, /^Explain Analyze runs it for real/);
  });

  it('side effects first (allowed by name), then the write; a plain read needs none', () => {
    const cs = analyzeConfirmations({ ...report, sideEffects: ['public.notify_shop'], sideEffectDetail: 'public.notify_shop(text): pg_notify' });
    assert.deepEqual(cs.map((c) => c.labels.confirm), ['Allow public.notify_shop', 'Run it, then roll back']);
    assert.deepEqual(analyzeConfirmations({ sideEffects: [], sideEffectDetail: '', needsConfirmation: false, writes: [], risk: '' }), []);
  });
});

describe('core/confirm: createIndexConfirmation (person39 L2)', () => {
  it('three distinct choices: copy the statement (primary: creates nothing), create the index, and VS Code\'s Cancel — no "Not now" beside Cancel', () => {
    const c = createIndexConfirmation({ ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)', table: 'orders' }, 'shop');
    assert.equal(c.message, 'Create this index on shop?');
    const items = confirmItems(c.labels, true);
    assert.deepEqual(items.map((i) => i.title), ['Copy CREATE INDEX', 'Create index']);
    assert.equal(items.some((i) => i.close), false);
    for (const i of items) assert.doesNotMatch(i.title, /^(cancel|not now|don't|do not|no)\b/i);
    assert.match(c.detail, /^CREATE INDEX CONCURRENTLY orders_status_idx ON orders \(status\);\n\nCONCURRENTLY: writes to orders continue while it builds\./);
    assert.match(c.detail, /"Copy CREATE INDEX" copies the statement to run it yourself \(a migration\) and creates nothing; Cancel does nothing\.$/);
    // Withheld by the index advice for its write cost: said before the person confirms (person48 H1').
    const held = createIndexConfirmation({ ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)', table: 'orders' }, 'shop', 'orders is write-heavy (…): keeping this index current costs about 39 ms against 7 ms saved');
    assert.match(held.detail, /^CREATE INDEX CONCURRENTLY orders_status_idx ON orders \(status\);\n\nPG Lens withheld it: orders is write-heavy \(…\): keeping this index current costs about 39 ms against 7 ms saved\.\n\nCONCURRENTLY/);
    assert.ok(!/withheld/.test(c.detail), 'not withheld: nothing said');
    // Offered, though keeping it current costs a share of its saving: the cost said too (issue 20: the dialog had no word of it).
    const costly = createIndexConfirmation({ ddl: 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)', table: 'orders' }, 'shop', undefined, 'orders is written often (…): keeping this index current costs about 30 ms against 120 ms saved');
    assert.match(costly.detail, /^CREATE INDEX CONCURRENTLY orders_status_idx ON orders \(status\);\n\nWrites: orders is written often \(…\): keeping this index current costs about 30 ms against 120 ms saved\.\n\nCONCURRENTLY/);
    assert.ok(!/Writes:/.test(c.detail) && !/Writes:/.test(held.detail), 'no write cost given, none said; withheld, the withheld line says it once');
    assert.match(createIndexConfirmation({ ddl: 'CREATE INDEX CONCURRENTLY t_x_trgm ON t USING gin (x gin_trgm_ops)', table: 't', needsExtension: 'pg_trgm' }, 'dev').detail, /^CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX/);
  });
});
