/**
 * Scan Workspace and the open files name one index for the statements that share it, and say so (issue 20, person51 M-3,
 * L-6). The scan decides every file the editor's way (indexAdvice.ts: one decider, the workspace's statements weighed
 * together, file by file, src/orders.ts closed); src/orders.ts:80 (ordersForEmail's join) gets the index the hover at
 * src/customers.ts:27 names for both, `orders (customer_id, placed_at DESC)`, scanned and opened alike. Each of the two
 * lines says the index is shared: before, neither message did (only a line whose own index does better said it).
 */
import { strict as assert } from 'node:assert';
import { shopWorkspace } from './shopState';
import type { Finding } from '../../../src/core/findings';
import { IndexDecider } from '../../../src/db/indexDecision';
import { missingIndexAnalyzer } from '../../../src/db/missingIndexAnalyzer';
import { testDatabase } from '../support';

describe('examples/shop: Scan Workspace and the open files name one index for orders.ts:80 (real PostgreSQL)', function () {
  this.timeout(900000);
  const t = testDatabase('shop_scan_shared_index');
  const shop = shopWorkspace(t, { files: {}, vacuum: ['orders', 'customers'] });
  const { texts, sitesOf } = shop;

  const ordersDdl = (f: Finding | undefined) => (f?.evidence as { suggestions?: { ddl: string }[] } | undefined)?.suggestions?.filter((s) => / ON orders /.test(s.ddl)).map((s) => s.ddl).join(' + ');
  const at = (file: string, line: number, fs: Finding[]) => fs.find((f) => f.ruleId === 'missing-index' && texts.get(file)!.slice(0, f.span.start).split('\n').length <= line && texts.get(file)!.slice(0, f.span.end).split('\n').length >= line);

  it('the scan path and the open-file path give orders.ts:80 the same orders index, said shared in both findings', async () => {
    const decider = new IndexDecider(shop.db, { realIndexes: true });
    const { advice, ws, statements, onDecision } = await shop.editor(decider);
    const analyse = async (file: string) => {
      const a = missingIndexAnalyzer(decider, { advice, workloadOnly: true, statements, onDecision, sawFile: (f, found) => ws.setFile(f, found) });
      return a.analyze({ file, text: texts.get(file)!, language: 'typescript', sites: await sitesOf(file) });
    };
    // Scan Workspace: every file, in the walk's order, src/orders.ts closed.
    const scanned = new Map<string, Finding[]>();
    for (const file of [...texts.keys()].sort()) scanned.set(file, await analyse(file));
    const scan80 = at('src/orders.ts', 80, scanned.get('src/orders.ts')!);
    const scan27 = at('src/customers.ts', 27, scanned.get('src/customers.ts')!);
    // Then src/orders.ts is opened: the open-file path.
    const open80 = at('src/orders.ts', 80, await analyse('src/orders.ts'));
    console.log(`      scan 80: ${ordersDdl(scan80)} | ${scan80?.message}\n      scan 27: ${ordersDdl(scan27)} | ${scan27?.message}\n      open 80: ${ordersDdl(open80)} | ${open80?.message}`);
    assert.ok(open80 && scan80 && scan27);
    assert.equal(ordersDdl(scan80), ordersDdl(open80), 'orders.ts:80: the scan and the open file');
    assert.equal(ordersDdl(scan27), ordersDdl(open80), 'customers.ts:27 and orders.ts:80: one index');
    // Both lines say the index is shared (person51 L-6: before, neither did; only a line whose own index does better said it).
    for (const f of [scan80, scan27, open80]) assert.match(f!.message, /\(one index shared with \d+ other statements?\)$/, f!.message);
  });
});
