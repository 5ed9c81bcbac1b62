/**
 * The editor's files are absolute (`/home/me/tests/shop/src/orders.ts`): their kind of code is judged by their path in
 * the workspace (FileInput.contextPath), as the index advice's is (033c8047). A clone under ~/tests/ or ~/tools/ made
 * every finding a test's or a script's — capped at info — in the editor, though the same file scanned from its folder
 * is request code.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile, scanFiles } from '../../../src/core/scan';
import { codeAnalyzers } from '../../../src/core/analyzers';

const ORDERS = [
  "import { db } from './db';",
  'export async function totals(customers: { id: number }[]) {',
  '  const out = [];',
  '  for (const c of customers) {',
  "    const { rows } = await db.query('SELECT id, total_cents FROM orders WHERE customer_id = $1', [c.id]);",
  '    out.push(rows);',
  '  }',
  "  return db.query('SELECT id FROM customers WHERE lower(email) = $1', ['a@b.c']).then(() => out);",
  '}',
  '',
].join('\n');

const kinds = (fs: { ruleId: string; severity: string; context?: string }[]) => fs.map((f) => `${f.ruleId} ${f.severity} ${f.context}`).sort();

describe('core/scan: a file judged by its path in the workspace, not its absolute path (person37: clones under ~/tests/)', () => {
  it('analyzeFile: the same file under /home/me/tests/shop/ keeps its request findings with its workspace path', async () => {
    const inApp = await analyzeFile({ path: 'src/orders.ts', text: ORDERS }, { analyzers: codeAnalyzers({}) });
    assert.ok(inApp.findings.some((f) => f.ruleId === 'n-plus-one' && f.severity === 'warning'), kinds(inApp.findings).join('\n'));
    const want = kinds(inApp.findings);
    const editor = await analyzeFile({ path: '/home/me/tests/shop/src/orders.ts', contextPath: 'src/orders.ts', text: ORDERS }, { analyzers: codeAnalyzers({}) });
    assert.deepEqual(kinds(editor.findings), want);
    assert.ok(editor.findings.every((f) => f.file === '/home/me/tests/shop/src/orders.ts'), 'findings still name the file as given');
    // Without it, the absolute path's `tests/` decides (what the editor did): every finding a test's, capped at info.
    const absolute = await analyzeFile({ path: '/home/me/tests/shop/src/orders.ts', text: ORDERS }, { analyzers: codeAnalyzers({}) });
    assert.ok(absolute.findings.every((f) => f.context === 'test' && f.severity !== 'warning'), kinds(absolute.findings).join('\n'));
    // A test in that workspace is still a test's.
    const test = await analyzeFile({ path: '/home/me/tests/shop/test/orders.test.ts', contextPath: 'test/orders.test.ts', text: ORDERS }, { analyzers: codeAnalyzers({}) });
    assert.ok(test.findings.length && test.findings.every((f) => f.context === 'test'), kinds(test.findings).join('\n'));
  });

  it('scanFiles (Scan Workspace): the files read with their workspace path keep their request findings, the whole-scan passes\' too', async () => {
    const files = [
      { path: '/home/me/tools/shop/src/orders.ts', contextPath: 'src/orders.ts', text: ORDERS },
      { path: '/home/me/tools/shop/scripts/backfill.ts', contextPath: 'scripts/backfill.ts', text: ORDERS },
    ];
    const r = await scanFiles(files, { analyzers: codeAnalyzers({}) });
    const of = (file: string) => r.findings.filter((f) => f.file === file);
    assert.ok(of(files[0].path).length && of(files[0].path).every((f) => f.context === 'request'), kinds(of(files[0].path)).join('\n'));
    assert.ok(of(files[0].path).some((f) => f.severity === 'warning'));
    assert.ok(of(files[1].path).length && of(files[1].path).every((f) => f.context === 'script'), kinds(of(files[1].path)).join('\n'));
  });

  it('the cross-file N+1 (a loop calling another file\'s querying function) is found in a workspace under /home/me/tests/', async () => {
    const repo = "import { db } from './db';\nexport async function ordersOf(id: number) {\n  return db.query('SELECT id FROM orders WHERE customer_id = $1', [id]);\n}\n";
    const loop = "import { ordersOf } from './repo';\nexport async function all(customers: { id: number }[]) {\n  for (const c of customers) {\n    await ordersOf(c.id);\n  }\n}\n";
    const at = (contextPaths: boolean) => [
      { path: '/home/me/tests/shop/src/repo.ts', ...(contextPaths ? { contextPath: 'src/repo.ts' } : {}), text: repo },
      { path: '/home/me/tests/shop/src/all.ts', ...(contextPaths ? { contextPath: 'src/all.ts' } : {}), text: loop },
    ];
    const n1 = async (contextPaths: boolean) => (await scanFiles(at(contextPaths), { analyzers: codeAnalyzers({}) })).findings.filter((f) => f.ruleId === 'n-plus-one' && f.file === '/home/me/tests/shop/src/all.ts');
    const found = await n1(true);
    assert.equal(found.length, 1, kinds(found).join('\n'));
    assert.equal(found[0].context, 'request');
    // By the absolute path, the helper was a test's (not what the app calls) and the loop a test's.
    assert.ok((await n1(false)).every((f) => f.context === 'test'));
  });
});
