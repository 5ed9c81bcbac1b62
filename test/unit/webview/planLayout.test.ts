/**
 * The plan viewer's layout in a real browser (Chromium through playwright-core) at the width of a split
 * pane: words stay whole. The panel's CSS lets long identifiers break anywhere; a table header or a
 * figure broken mid-word ("Self tim|e", "Mise|stima|te") is what a person saw in a 480 px pane.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const ROOT = path.join(__dirname, '../../..');

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: {
      contents: "import { renderPlan, renderBenchmark, renderCompare } from './src/webview/_planRender'; (globalThis as any).show = (plan: unknown, view: string) => renderPlan(document.getElementById('app')!, { title: 'q', sql: 'SELECT 1', plan: plan as Record<string, unknown>, method: 'analyze', at: 0 }, () => undefined).show(view as 'table'); (globalThis as any).bench = (run: any) => renderBenchmark(document.getElementById('app')!, run); (globalThis as any).compare = (a: any, b: any) => renderCompare(document.getElementById('app')!, { title: 'q', sql: 'SELECT 1', plan: a, method: 'analyze', at: 0 }, { title: 'q', sql: 'SELECT 1', plan: b, method: 'analyze', at: 1 });",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

type Page = import('playwright-core').Page;

/** A page of the given width with the plan viewer's bundle and stylesheet; skipped (pending, with the reason) without Chromium. */
async function withPlanPage(ctx: Mocha.Context, width: number, fn: (page: Page) => Promise<void>): Promise<void> {
  if (!CHROMIUM) {
    console.log('      [capability absent] Chromium: this browser test needs /usr/bin/chromium (apt-get install chromium); skipped');
    ctx.skip();
  }
  const js = await bundle();
  const css = fs.readFileSync(path.join(ROOT, 'media', 'plan.css'), 'utf8');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.setContent(`<!DOCTYPE html><html><head><style>body{font-family:sans-serif;font-size:13px}${css}</style></head><body><div id="app"></div><script>${js.replace(/<\/script>/g, '<\\/script>')}</script></body></html>`);
    await fn(page);
  } finally {
    await browser.close();
  }
}

/** Words of the matched elements laid out over more than one line (a word broken across lines has two line boxes); `maxLength` skips longer ones. */
function brokenWords(page: Page, selector: string, maxLength = Infinity): Promise<string[]> {
  return page.evaluate(({ selector, maxLength }) => {
    const out: string[] = [];
    for (const cell of Array.from(document.querySelectorAll(selector))) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        for (const m of (t.textContent ?? '').matchAll(/\S+/g)) {
          if (m[0].length > maxLength) continue;
          const r = document.createRange();
          r.setStart(t, m.index!);
          r.setEnd(t, m.index! + m[0].length);
          if (new Set(Array.from(r.getClientRects()).map((x) => Math.round(x.top))).size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  }, { selector, maxLength });
}

const fixturePlan = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'plans', 'pg18', 'misestimate.json'), 'utf8'))[0];
const show = (page: Page, plan: unknown, view: string) => page.evaluate(([p, v]) => (globalThis as unknown as { show(p: unknown, v: string): void }).show(p, v as string), [plan, view] as const);

describe('webview/plan layout (in Chromium)', function () {
  this.timeout(60000);

  it('the Table view in a 480 px pane breaks header and cell text only between words', async function () {
    await withPlanPage(this, 480, async (page) => {
      await show(page, fixturePlan(), 'table');
      const headers = await page.locator('.table-wrap th').allTextContents();
      assert.ok(headers.length >= 8, `the table has its columns: ${headers.join(' | ')}`);
      const broken = await brokenWords(page, '.table-wrap th, .table-wrap td');
      assert.deepEqual(broken, [], `words broken across lines: ${broken.join(', ')}`);
    });
  });

  it("the node details' PostgreSQL keys in a 240 px pane: short values stay whole (not one letter per line)", async function () {
    await withPlanPage(this, 240, async (page) => {
      await show(page, fixturePlan(), 'tree');
      const values = await page.locator('.raw-keys td').count();
      assert.ok(values >= 8, `the details show PostgreSQL's keys (${values})`);
      // Long values (identifiers, JSON) may break anywhere; words that fit the column must not.
      const broken = await brokenWords(page, '.raw-keys td', 8);
      assert.deepEqual(broken, [], `values broken across lines: ${broken.join(', ')}`);
    });
  });

  it('the benchmark table in a 220 px pane: its row labels break between words only', async function () {
    await withPlanPage(this, 220, async (page) => {
      const run = { sql: 'SELECT id, email, name, country FROM customers WHERE id = $1', runs: 100, concurrency: 1, errors: 0, p50: 0.123, p95: 0.672, p99: 1.6, mean: 0.213, min: 0.088, max: 1.7, sharedHitPerRun: 3, sharedReadPerRun: 0, throughputPerSec: 948, at: 0, params: ['7'] };
      await page.evaluate((r) => (globalThis as unknown as { bench(r: unknown): void }).bench(r), run);
      assert.ok((await page.locator('th').count()) >= 8, 'the benchmark table is shown');
      const broken = await brokenWords(page, 'th');
      assert.deepEqual(broken, [], `words broken across lines: ${broken.join(', ')}`);
    });
  });

  it('the benchmark table in a ~210 px pane fits it: no value cut at the right edge (person8: "100 (0 faile", "1.5 r", "537 /")', async function () {
    await withPlanPage(this, 210, async (page) => {
      const run = { sql: 'SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20', runs: 100, concurrency: 1, errors: 0, p50: 1.5, p95: 8.8, p99: 18.0, mean: 2.9, min: 1.2, max: 24.7, sharedHitPerRun: 537, sharedReadPerRun: 0, throughputPerSec: 188, at: 0, params: ['42'] };
      await page.evaluate((r) => (globalThis as unknown as { bench(r: unknown): void }).bench(r), run);
      const over = await page.evaluate(() => Array.from(document.querySelectorAll('table td, table th')).filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((c) => c.textContent));
      assert.deepEqual(over, [], `cells past the right edge of the pane: ${over.join(' | ')}`);
    });
  });

  it('the compare view in a ~210 px pane fits it: its node table does not run past the edge (person8: 382 px in 211)', async function () {
    await withPlanPage(this, 210, async (page) => {
      const a = fixturePlan();
      const b = JSON.parse(JSON.stringify(a));
      b['Execution Time'] = (a['Execution Time'] ?? 1) * 1.5;
      await page.evaluate(([x, y]) => (globalThis as unknown as { compare(a: unknown, b: unknown): void }).compare(x, y), [a, b]);
      assert.ok((await page.locator('table.diff td').count()) > 0, 'the node table is shown');
      const over = await page.evaluate(() => Array.from(document.querySelectorAll('table.diff td, table.diff th')).filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((c) => c.textContent));
      assert.deepEqual(over, [], `cells past the right edge of the pane: ${over.join(' | ')}`);
    });
  });

  it('the compare view in a split pane (420–760 px) breaks no word of its node table ("chang|d", "public.order|s": person23 LOW 7) and fits', async function () {
    for (const width of [420, 480, 600, 760]) {
      await withPlanPage(this, width, async (page) => {
        const a = fixturePlan();
        const b = JSON.parse(JSON.stringify(a));
        b['Execution Time'] = (a['Execution Time'] ?? 1) * 1.5;
        await page.evaluate(([x, y]) => (globalThis as unknown as { compare(a: unknown, b: unknown): void }).compare(x, y), [a, b]);
        const m = await page.evaluate(() => {
          const cells = Array.from(document.querySelectorAll('table.diff td, table.diff th'));
          const broken: string[] = [];
          for (const c of cells) {
            const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              for (const w of (n.textContent ?? '').matchAll(/[A-Za-z_.]{4,}/g)) {
                const r = document.createRange();
                r.setStart(n, w.index!);
                r.setEnd(n, w.index! + w[0].length);
                if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) broken.push(w[0]);
              }
            }
          }
          const over = cells.filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((c) => c.textContent);
          return { broken, over, cells: cells.length };
        });
        assert.ok(m.cells > 0, 'the node table is shown');
        assert.deepEqual(m.broken, [], `${width} px: words cut across lines`);
        assert.deepEqual(m.over, [], `${width} px: cells past the right edge`);
      });
    }
  });

  it('the Diagram in a narrow pane: a meter\'s figure and its share stay whole ("554.00 (100%" ⏎ ")" in a ~190 px pane)', async function () {
    for (const width of [190, 225]) {
      await withPlanPage(this, width, async (page) => {
        // The card as wide as the person's (~185 px in a 225 px pane, code-server's side panel): here the page alone lays it out wider.
        await page.addStyleTag({ content: '.diagram .card { width: 185px; min-width: 0; box-sizing: border-box; }' });
        // customers.ts:19's analysed plan: one Seq Scan card holding 100% of time and cost (where the person saw it).
        const one = { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'customers', Schema: 'public', Alias: 'customers', 'Startup Cost': 0, 'Total Cost': 214, 'Plan Rows': 40, 'Plan Width': 60, 'Actual Startup Time': 0.01, 'Actual Total Time': 2.8, 'Actual Rows': 1, 'Actual Loops': 1, Filter: "(lower((email)::text) = 'margaret.berners1@mail.test'::text)", 'Rows Removed by Filter': 7999, 'Shared Hit Blocks': 94 }, 'Execution Time': 2.85 };
        for (const plan of [one, fixturePlan(), JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'plans', 'pg18', 'no-analyze-join.json'), 'utf8'))[0]]) {
          await show(page, plan, 'diagram');
          assert.ok((await page.locator('.diagram .meter .v').count()) >= 2, 'the diagram shows its meters');
          const broken = await brokenWords(page, '.diagram .meter .v');
          assert.deepEqual(broken, [], `${width} px: meter values broken across lines: ${broken.join(', ')}`);
        }
      });
    }
  });

  it('the Diagram at ~210 px: a rows value does not run over its bar (person8: "██████1050 of 280k est" on listmonk\'s plan)', async function () {
    await withPlanPage(this, 211, async (page) => {
      const plan = { Plan: { 'Node Type': 'Index Scan', 'Index Name': 'campaign_views_pkey', 'Relation Name': 'campaign_views', Schema: 'public', Alias: 'campaign_views', 'Startup Cost': 0.4, 'Total Cost': 11000, 'Plan Rows': 280000, 'Plan Width': 60, 'Actual Startup Time': 0.01, 'Actual Total Time': 3.2, 'Actual Rows': 1050, 'Actual Loops': 1, 'Shared Hit Blocks': 14 }, 'Execution Time': 13.3 };
      await show(page, plan, 'diagram');
      const over = await page.evaluate(() => Array.from(document.querySelectorAll('.diagram .meter')).filter((m) => m.querySelector('.v')!.getBoundingClientRect().left < m.children[1].getBoundingClientRect().right - 0.5).map((m) => `${m.textContent} (bar ${Math.round(m.children[1].getBoundingClientRect().left)}–${Math.round(m.children[1].getBoundingClientRect().right)}, value from ${Math.round(m.querySelector('.v')!.getBoundingClientRect().left)}; ${m.children.length} children: ${Array.from(m.children).map((c) => c.className).join(',')})`));
      assert.deepEqual(over, [], `values drawn over their bars: ${over.join(' | ')}`);
    });
  });

  it('the Diagram in a narrow pane (a split, an 800 px window) shows parent and child: each child indented under its parent and joined to it by a line (person16 LOW 7)', async function () {
    for (const width of [370, 520]) {
      await withPlanPage(this, width, async (page) => {
        // A join under a sort under a limit: three levels, two siblings (ente's trash.go:77 plan was ten cards in one column, no edges).
        await show(page, JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'plans', 'pg18', 'no-analyze-join.json'), 'utf8'))[0], 'diagram');
        const cards = await page.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('.diagram .card')).map((c) => {
            const branch = c.parentElement!;
            const before = getComputedStyle(branch, '::before');
            return { id: c.dataset.node!, parent: c.dataset.parent, left: c.getBoundingClientRect().left, right: c.getBoundingClientRect().right, line: before.content !== 'none' && parseFloat(before.borderLeftWidth) > 0 && parseFloat(before.borderBottomWidth) > 0 ? before.left : undefined };
          }),
        );
        assert.ok(cards.length >= 3 && cards.some((c) => c.parent !== undefined && cards.find((p) => p.id === c.parent)?.parent !== undefined), 'a plan of three levels');
        for (const c of cards) {
          const parent = cards.find((p) => p.id === c.parent);
          if (!parent) continue;
          assert.ok(c.left >= parent.left + 10, `${width} px: card ${c.id} starts ${Math.round(c.left - parent.left)} px right of its parent ${parent.id}`);
          assert.ok(c.line !== undefined, `${width} px: card ${c.id} has an elbow line to its parent`);
          assert.ok(c.right <= width + 1, `${width} px: card ${c.id} fits the pane (right edge ${Math.round(c.right)})`);
        }
      });
    }
  });

  it('one estimated row reads "1 row est." in the tree (it read "1 rows est."; the hover already said "1 row est.")', async function () {
    await withPlanPage(this, 600, async (page) => {
      const generic = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'plans', 'pg18', 'no-analyze-join.json'), 'utf8'))[0];
      generic.Plan['Plan Rows'] = 1;
      await show(page, generic, 'tree');
      const text = (await page.locator('.node').first().textContent()) ?? '';
      assert.match(text, /\b1 row est\./, text);
    });
  });
});

