/**
 * The dashboard in an 800 px window (person25 LOW 1: the document 757 px wide in a 437 px pane with the side bar shown and
 * in a 737 px pane with it hidden; beside an editor the Top statements' Query column was squeezed or off to the right).
 * With the shop's traffic in Top statements, at both pane widths: nothing scrolls sideways — neither the document nor
 * the Top statements table inside it — the Query column wraps, and Total and Mean stay in view beside it. When
 * something is wider, the failure names the widest elements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { ROOT } from '../lib/database';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

interface Measure {
  scroll: number;
  client: number;
  /** Elements whose right edge passes the document's width (or their scroll box's), widest first. */
  wide: string[];
  /** Each sideways scroll box: its content width and its width. */
  boxes: { scroll: number; client: number; what: string }[];
  /** Top statements: its header cells' right edges and the Query column's width. */
  heads: { text: string; left: number; right: number; top: number }[];
  query: number;
  rows: number;
}

async function measure(view: FrameLocator): Promise<Measure> {
  // No named functions in here: the runner's transform names them with a helper the page lacks.
  return view.locator('html').evaluate((root) => {
    const client = root.clientWidth;
    const all = [...root.querySelectorAll('body *')];
    const label: string[] = [];
    for (const e of all) {
      const cls = typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '';
      label.push(`${e.tagName.toLowerCase()}${cls}`);
    }
    const at = new Map(all.map((e, i) => [e, i]));
    const wide = all
      .map((e, i) => ({ i, r: e.getBoundingClientRect(), text: (e.textContent ?? '').replace(/\s+/g, ' ').slice(0, 40), parent: e.parentElement ? at.get(e.parentElement) : undefined }))
      .filter((x) => x.r.width > 0 && x.r.right > client + 1)
      .sort((a, b) => b.r.right - a.r.right || b.r.width - a.r.width)
      .slice(0, 8)
      .map((x) => `${label[x.i]}${x.parent !== undefined ? ` in ${label[x.parent]}` : ''}: ${Math.round(x.r.width)} px wide, right edge ${Math.round(x.r.right)} ("${x.text}")`);
    const boxes = all
      .map((e, i) => ({ e, i }))
      .filter((x) => ['auto', 'scroll'].includes(getComputedStyle(x.e).overflowX) && x.e.scrollWidth > x.e.clientWidth + 1)
      .map((x) => ({ scroll: x.e.scrollWidth, client: x.e.clientWidth, what: `${label[x.i]} holding ${x.e.firstElementChild ? label[at.get(x.e.firstElementChild) ?? x.i] : ''}` }));
    const t = root.querySelector('table.grid.statements');
    const heads = t ? [...t.querySelectorAll('thead th')].map((th) => ({ text: (th.textContent ?? '').trim(), left: Math.round(th.getBoundingClientRect().left), right: Math.round(th.getBoundingClientRect().right), top: Math.round(th.getBoundingClientRect().top) })) : [];
    const q = t?.querySelector('tbody tr td:last-child');
    return { scroll: root.scrollWidth, client, wide, boxes, heads, query: q ? Math.round(q.getBoundingClientRect().width) : 0, rows: t ? t.querySelectorAll('tbody tr').length : 0 };
  });
}

export const step: Step = {
  title: 'the dashboard in an 800 px window, beside the side bar and without it: nothing scrolls sideways, Top statements wraps its Query column with Total and Mean in view',
  async run({ wb, db, screenshot, log }) {
    const page = wb.page;
    const sidebar = page.locator('.part.sidebar');
    const traffic = path.join(ROOT, 'examples', 'shop', 'traffic.ts');
    try {
      await wb.runCommand('View: Close All Editor Groups');
      await wb.hidePanel();
      await page.setViewportSize({ width: 800, height: 760 });
      await wb.runCommand('PG Lens: Open Dashboard');
      let view = await wb.webview(/Dashboard/);
      await wb.see(view.locator('.chart canvas').first(), 'the dashboard charts', 60_000);
      // The app's statements, as the shop runs them (Top statements lists what ran since the panel opened).
      if (fs.existsSync(traffic)) {
        const { runTraffic } = (await import(traffic)) as typeof import('../../../examples/shop/traffic');
        await runTraffic(db.url, { requests: 60 });
      } else {
        for (let i = 0; i < 20; i++) await db.query('SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = $1 ORDER BY placed_at DESC LIMIT 20', ['refunded']);
      }
      const statements = view.locator('table.grid.statements tbody tr');
      await wb.until(async () => ((await statements.count()) >= 3 ? true : undefined), 'Top statements listing the traffic', 60_000);

      // Both panes measured before failing: the run names what is wide in each.
      const failures: string[] = [];
      for (const side of ['shown', 'hidden'] as const) {
        if ((await sidebar.isVisible()) !== (side === 'shown')) await wb.runCommand('View: Toggle Primary Side Bar Visibility');
        await wb.until(async () => ((await sidebar.isVisible()) === (side === 'shown') ? true : undefined), `the side bar ${side}`, 10_000);
        await page.waitForTimeout(1500);
        view = await wb.webview(/Dashboard/);
        const m = await measure(view);
        log(`side bar ${side}: document ${m.scroll} px in ${m.client}; Top statements ${m.rows} rows, columns ${m.heads.map((h) => `${h.text} ${h.left}–${h.right}`).join(', ')}; Query ${m.query} px`);
        for (const w of m.wide) log(`  past the edge: ${w}`);
        for (const b of m.boxes) log(`  scrolls sideways: ${b.what}: ${b.scroll} px in ${b.client}`);
        await screenshot(`dashboard-800px-side-bar-${side}`);
        // Top statements is drawn anew at each refresh: the table found may be replaced before it scrolls (the CI on
        // 1eac0fe6: "Element is not attached to the DOM" after both measurements passed). Tried again on the new one;
        // this only frames the screenshot.
        for (let attempt = 1; attempt <= 3; attempt++) {
          const scrolled = await view.locator('table.grid.statements').scrollIntoViewIfNeeded({ timeout: 5_000 }).then(() => true, () => false);
          if (scrolled) break;
        }
        await screenshot(`dashboard-800px-side-bar-${side}-statements`);
        if (m.scroll > m.client) failures.push(`side bar ${side}: the dashboard scrolls sideways, ${m.scroll} px of document in a ${m.client} px pane; widest: ${m.wide.join('; ')}`);
        if (m.boxes.length) failures.push(`side bar ${side}: a part of the dashboard scrolls sideways: ${m.boxes.map((b) => `${b.what} ${b.scroll} px in ${b.client}`).join('; ')}; past the edge: ${m.wide.slice(0, 2).join('; ')}`);
        const cut = m.heads.filter((h) => /^(Total|Mean)$/.test(h.text) && (h.right > m.client || h.left < 0));
        if (m.heads.length < 2 || cut.length) failures.push(`side bar ${side}: Total and Mean out of view: ${JSON.stringify(m.heads)}`);
        // The five figures' headings on one line (a statement's figures read across, then its text).
        if (new Set(m.heads.filter((h) => h.text !== 'Query').map((h) => h.top)).size !== 1) failures.push(`side bar ${side}: the figures' headings on several lines: ${JSON.stringify(m.heads)}`);
        // The statement reads as text, not a letter a line (20 characters at the least).
        if (m.query < 160) failures.push(`side bar ${side}: the Query column is ${m.query} px wide`);
      }
      if (failures.length) throw new StepFailure(failures.join('\n    '));
    } finally {
      if (!(await sidebar.isVisible().catch(() => true))) await wb.runCommand('View: Toggle Primary Side Bar Visibility').catch(() => undefined);
      await page.setViewportSize({ width: 1600, height: 1000 });
      await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
    }
  },
};
