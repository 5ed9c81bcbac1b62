/**
 * The missing-index hover reads at a glance, like the plan hover under it: one head line with what
 * (table and columns), how much cheaper (cost before → after, "N× lower") and whether the planner
 * proved it; the CREATE INDEX; one line of evidence; one action. No plan dumps, no scroll box.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/customers.ts';
const AT = 'lower(email) = lower($1)';

export const step: Step = {
  title: 'missing-index hover: what, how much cheaper (proved), the DDL and one action, above the plan',
  async run({ wb, workspace, screenshot, log }) {
    // The code alone, full width (a plan an earlier step opened beside it would hide the end of the query's line).
    await wb.freshEditor(FILE);
    const page = wb.page;
    // The advice is proved in the background after the file opens: hover again until it is there.
    // The diagnostic (and its hover) sits on the table the index is for: put the mouse on "customers"
    // inside the query's string (monospace: the offset in the token times the width of a character).
    // Another editor may have come to the front meanwhile (a step before, a restored tab): the file is brought back.
    const onTable = () => wb.hoverInFile(FILE, AT, 'FROM', 'customers');
    // On the finding itself VS Code's problem part says what and the cost (the diagnostic's message); PG Lens's part
    // adds how much lower and how it was proved, and does not say the finding again (person24 MEDIUM 3).
    const text = await wb.hoverUntil(onTable, (t) => /with the index · (proved by the planner|not verified by the planner)/.test(t), 'a missing-index hover on the lower(email) lookup', 90_000);
    const head = text.split('\n').find((l) => /with the index ·/.test(l)) ?? '';
    log(`hover head: ${head.trim()}`);
    if (!/(?:[\d.]+× lower|\d+% lower|May help) with the index · (proved by the planner|not verified by the planner)/.test(head)) {
      throw new StepFailure(`expected the head line to say how much cheaper and whether it was proved; saw "${head.trim()}"`);
    }
    if (!/an index on customers \(\(?lower\(email\)\)\)? cuts the estimated cost [\d.,]+ → [\d.,]+/.test(text)) throw new StepFailure(`expected VS Code's problem part to say what and the cost; saw ${text.slice(0, 400)}`);
    const said = text.match(/cuts the estimated cost|Missing index on customers/g) ?? [];
    if (said.length !== 1) throw new StepFailure(`expected the finding said once on its own line (the problem part), saw it ${said.length} times: ${text.slice(0, 600)}`);
    if (!/CREATE INDEX CONCURRENTLY customers_lower_email_idx ON customers \(\(lower\(email\)\)\);/.test(text)) throw new StepFailure(`expected the CREATE INDEX in the hover; saw ${text.slice(0, 400)}`);
    // VS Code's problem popup above the hover shows the diagnostic; the CREATE INDEX is only in PG Lens's own part.
    const creates = text.match(/CREATE INDEX CONCURRENTLY customers_lower_email_idx/g) ?? [];
    if (creates.length !== 1) throw new StepFailure(`expected the CREATE INDEX once in the hover (not repeated by the problem popup); saw it ${creates.length} times`);
    if (/Plan before|Plan with the index|cost=/.test(text)) throw new StepFailure('expected no plan dumps in the missing-index hover (the plan hover below shows the plan)');
    const links = await page.locator('.monaco-hover:not(.hidden) a').allInnerTexts();
    const actions = links.filter((l) => /^(Create index now|Add migration|Save CREATE INDEX as \.sql…)$/.test(l.trim()));
    if (actions.length !== 1) throw new StepFailure(`expected exactly one action in the missing-index hover; saw links: ${links.join(' | ')}`);
    // The plan hover follows, with its own head line.
    if (!/Open plan · Explain Analyze/.test(text.replace(/\s+/g, ' '))) throw new StepFailure('expected the plan hover (Open plan · Explain Analyze) under the missing-index part');
    // The plan part in view on the line a person hovers first, without scrolling (person25: content 474 px in a 250 px
    // box, the plan below the fold): its head line and its links inside the hover's box.
    // (No named functions inside evaluate: the test runner's transform names them with a helper the page lacks.)
    const measure = () => page.evaluate(() => {
      const box = document.querySelector('.monaco-hover:not(.hidden) .monaco-scrollable-element') as HTMLElement | null;
      const content = box?.firstElementChild as HTMLElement | null;
      const b = box?.getBoundingClientRect();
      const open = [...document.querySelectorAll('.monaco-hover:not(.hidden) a')].find((a) => a.textContent?.trim() === 'Open plan');
      const planHead = [...document.querySelectorAll('.monaco-hover:not(.hidden) strong')].find((x) => /^(Seq Scan|Index|Bitmap|Hash|Nested|Merge|Limit|Sort|Incremental Sort|Aggregate|GroupAggregate|HashAggregate|Gather|Unique|Result|Append|WindowAgg|Materialize|Memoize|Subquery|CTE|Function)\b/.test(x.textContent ?? ''));
      const [o, h] = [open?.getBoundingClientRect(), planHead?.getBoundingClientRect()];
      return {
        content: content?.scrollHeight ?? 0,
        box: box?.clientHeight ?? 0,
        openInView: !!(b && o && o.height > 0 && o.top >= b.top - 1 && o.bottom <= b.bottom + 1),
        headInView: !!(b && h && h.height > 0 && h.top >= b.top - 1 && h.bottom <= b.bottom + 1),
        head: planHead?.textContent ?? null,
      };
    });
    const fit = await measure();
    log(`hover: ${fit.content} px of content in a ${fit.box} px box; plan head "${fit.head}" in view: ${fit.headInView}; "Open plan" in view: ${fit.openInView}`);
    await screenshot('missing-index-hover');
    if (!fit.headInView || !fit.openInView) throw new StepFailure(`expected the plan part (its head line and "Open plan") in view without scrolling; ${fit.content} px of content in ${fit.box} px, head "${fit.head}" in view: ${fit.headInView}, "Open plan": ${fit.openInView}`);
    // A statement whose index also serves others (person25: customers.ts:27 and the reviews reads), whose list and
    // evidence pushed the plan out of the hover: the rating read of reviews.ts (no step before this one indexes reviews;
    // step 05 indexes orders (customer_id), so customers.ts:27 has no finding in the whole suite's order).
    await page.mouse.move(5, 5);
    await wb.hoverUntil(() => wb.hoverInFile('src/reviews.ts', 'avg(rating)', 'FROM', 'reviews'), (t) => /with the index · (proved by the planner|not verified by the planner)/.test(t) && /Open plan/.test(t), 'a missing-index hover on the reviews rating statement', 90_000);
    const shared = await measure();
    log(`reviews hover: ${shared.content} px of content in a ${shared.box} px box; plan head "${shared.head}" in view: ${shared.headInView}; "Open plan" in view: ${shared.openInView}`);
    await screenshot('missing-index-hover-shared');
    if (!shared.headInView || !shared.openInView) throw new StepFailure(`expected the reviews statement's plan part in view without scrolling; ${shared.content} px of content in ${shared.box} px, head "${shared.head}" in view: ${shared.headInView}, "Open plan": ${shared.openInView}`);
    await page.mouse.move(5, 5);
    // The person's window (person26 MEDIUM-1: 1280x760, where lines wrap more than in this suite's 1600x1000 and
    // "Open plan", then last in the plan part, was below the fold on every finding's line).
    await page.setViewportSize({ width: 1280, height: 760 });
    try {
      await wb.hoverUntil(() => wb.hoverInFile('src/reviews.ts', 'avg(rating)', 'FROM', 'reviews'), (t) => /with the index · (proved by the planner|not verified by the planner)/.test(t) && /Open plan/.test(t), 'the reviews missing-index hover at 1280x760', 90_000);
      const narrow = await measure();
      log(`reviews hover at 1280x760: ${narrow.content} px of content in a ${narrow.box} px box; plan head "${narrow.head}" in view: ${narrow.headInView}; "Open plan" in view: ${narrow.openInView}`);
      await screenshot('missing-index-hover-1280');
      if (!narrow.headInView || !narrow.openInView) throw new StepFailure(`expected the plan part in view without scrolling at 1280x760; ${narrow.content} px of content in ${narrow.box} px, head "${narrow.head}" in view: ${narrow.headInView}, "Open plan": ${narrow.openInView}`);
      // Off the finding (the pointer on WHERE, not on the table the squiggle marks): PG Lens's part says more — the
      // statements the index also serves — and that list, one line each, put Open plan 89 px below the box (person28 M1:
      // customers.ts:28 with three others listed). Now one line, by place.
      await page.mouse.move(5, 5);
      const off = await wb.hoverUntil(() => wb.hoverInFile('src/reviews.ts', 'avg(rating)', 'reviews', 'WHERE'), (t) => /Missing index on reviews/.test(t) && /Open plan/.test(t), 'the reviews missing-index hover off the squiggle (on WHERE) at 1280x760', 90_000);
      const offFit = await measure();
      const alsoLine = off.split('\n').find((l) => /one index for|also serves/.test(l))?.trim();
      log(`reviews hover off the squiggle at 1280x760: ${offFit.content} px of content in a ${offFit.box} px box; plan head "${offFit.head}" in view: ${offFit.headInView}; "Open plan" in view: ${offFit.openInView}; ${alsoLine ?? 'no also-serves line'}`);
      await screenshot('missing-index-hover-off-squiggle-1280');
      if (!alsoLine) throw new StepFailure(`expected the statements the index also serves in the hover off the squiggle; saw ${off.slice(0, 500)}`);
      if (!offFit.headInView || !offFit.openInView) throw new StepFailure(`expected the plan part in view without scrolling off the squiggle at 1280x760; ${offFit.content} px of content in ${offFit.box} px, head "${offFit.head}" in view: ${offFit.headInView}, "Open plan": ${offFit.openInView}`);
      // A line with two findings (person27: products.ts:72, the reviews read in a loop — an N+1 and a missing index):
      // VS Code's problem part holds both messages, and "Open plan" was at y 528 under a box ending at 494. Step 50
      // indexes reviews later, so here the line has both.
      await page.mouse.move(5, 5);
      const crowded = await wb.hoverUntil(() => wb.hoverInFile('src/products.ts', 'product_id = $1 ORDER BY created_at DESC LIMIT 3', 'FROM', 'reviews'), (t) => /with the index · (proved by the planner|not verified by the planner)/.test(t) && /Open plan/.test(t), 'the products.ts reviews hover (N+1 and missing index) at 1280x760', 90_000);
      const both = /N\+1 query/.test(crowded);
      const two = await measure();
      log(`products.ts reviews hover at 1280x760 (N+1 in it: ${both}): ${two.content} px of content in a ${two.box} px box; plan head "${two.head}" in view: ${two.headInView}; "Open plan" in view: ${two.openInView}`);
      await screenshot('missing-index-hover-two-findings-1280');
      if (!both) throw new StepFailure(`expected the N+1 finding in the same hover (the line's two findings); saw ${crowded.slice(0, 300)}`);
      if (!two.headInView || !two.openInView) throw new StepFailure(`expected the plan part in view without scrolling on a line with two findings at 1280x760; ${two.content} px of content in ${two.box} px, head "${two.head}" in view: ${two.headInView}, "Open plan": ${two.openInView}`);
      // The same line hovered on the statement, off the missing-index squiggle but on the N+1's (person29 M1: the demo's
      // N+1 line; VS Code's problem part with the N+1 message and "the loop", then PG Lens's whole missing-index block —
      // CREATE INDEX and "with it: …" — 390 px in a 250 px box at 1600x900, Open plan below it). Crowded: PG Lens's part
      // is its head line with the action and Why.
      await page.mouse.move(5, 5);
      const stmt = await wb.hoverUntil(() => wb.hoverInFile('src/products.ts', 'product_id = $1 ORDER BY created_at DESC LIMIT 3', 'SELECT', 'rating'), (t) => /Missing index on reviews/.test(t) && /N\+1 query/.test(t) && /Open plan/.test(t), 'the products.ts reviews hover on the statement (off the missing-index squiggle, on the N+1) at 1280x760', 90_000);
      const onStmt = await measure();
      log(`products.ts:72 hover on the statement at 1280x760: ${onStmt.content} px of content in a ${onStmt.box} px box; plan head "${onStmt.head}" in view: ${onStmt.headInView}; "Open plan" in view: ${onStmt.openInView}`);
      await screenshot('missing-index-hover-n1-statement-1280');
      if (/CREATE INDEX CONCURRENTLY/.test(stmt)) throw new StepFailure(`expected no CREATE INDEX block in the crowded hover (it is the quick fix's); saw ${stmt.slice(0, 600)}`);
      if (!onStmt.headInView || !onStmt.openInView) throw new StepFailure(`expected the plan part in view without scrolling on products.ts:72's statement at 1280x760; ${onStmt.content} px of content in ${onStmt.box} px, head "${onStmt.head}" in view: ${onStmt.headInView}, "Open plan": ${onStmt.openInView}`);
      // And at the person's 1600x900 (13-products72-hover-1600.png), full width.
      await page.mouse.move(5, 5);
      await page.setViewportSize({ width: 1600, height: 900 });
      await wb.hoverUntil(() => wb.hoverInFile('src/products.ts', 'product_id = $1 ORDER BY created_at DESC LIMIT 3', 'SELECT', 'rating'), (t) => /Missing index on reviews/.test(t) && /N\+1 query/.test(t) && /Open plan/.test(t), 'the products.ts reviews hover on the statement at 1600x900', 90_000);
      const wide = await measure();
      log(`products.ts:72 hover on the statement at 1600x900: ${wide.content} px of content in a ${wide.box} px box; plan head "${wide.head}" in view: ${wide.headInView}; "Open plan" in view: ${wide.openInView}`);
      if (!wide.headInView || !wide.openInView) throw new StepFailure(`expected the plan part in view without scrolling on products.ts:72's statement at 1600x900; ${wide.content} px of content in ${wide.box} px, head "${wide.head}" in view: ${wide.headInView}, "Open plan": ${wide.openInView}`);
      await page.mouse.move(5, 5);
      await page.setViewportSize({ width: 1280, height: 760 });
      // The plan viewer open beside the code (person27: a statement with one finding, the editor a column of about 400 px
      // at 1280x760): the hover is as narrow as its editor, every line wraps, and "Open plan" was 2 px below the box.
      const beside = async (file: string, at: string, before: string, word: string, tab: RegExp, what: string, size = { width: 1280, height: 760 }, narrowest = 560, extra?: (text: string) => void) => {
        await page.mouse.move(5, 5);
        await page.setViewportSize(size);
        const window = `${size.width}x${size.height}`;
        await wb.freshEditor(file);
        const lines = fs.readFileSync(path.join(workspace, file), 'utf8').split('\n');
        await wb.goToLine(lines.findIndex((l) => l.includes(at)) + 1);
        await wb.runCommand('PG Lens: Open Plan', /PG Lens: Open Plan(?! from)/);
        const view = await wb.webview(tab);
        await wb.see(view.locator('body').filter({ hasText: /Scan/ }), `the plan of ${what} beside the code`, 60_000);
        // Back to the code (the editor group on the left), the pointer on the finding's table.
        await page.locator('.editor-group-container').first().locator('.tabs-container .tab').filter({ hasText: file.split('/').pop()! }).first().click();
        const text = await wb.hoverUntil(() => wb.hoverInFile(file, at, before, word), (t) => /with the index · (proved by the planner|not verified by the planner)/.test(t) && /Open plan/.test(t), `the ${what} missing-index hover with the plan viewer beside at ${window}`, 90_000);
        const column = await page.locator('.editor-group-container').first().evaluate((el) => Math.round(el.getBoundingClientRect().width));
        const fit = await measure();
        const where = await page.evaluate(() => {
          const box = document.querySelector('.monaco-hover:not(.hidden) .monaco-scrollable-element')?.getBoundingClientRect();
          const open = [...document.querySelectorAll('.monaco-hover:not(.hidden) a')].find((a) => a.textContent?.trim() === 'Open plan')?.getBoundingClientRect();
          return box && open ? `box y ${Math.round(box.top)}–${Math.round(box.bottom)} (${Math.round(box.width)} px wide), Open plan y ${Math.round(open.top)}–${Math.round(open.bottom)}` : 'box or Open plan not found';
        });
        log(`${what} hover with the plan viewer beside at ${window} (code column ${column} px): ${fit.content} px of content in a ${fit.box} px box; ${where}; plan head "${fit.head}" in view: ${fit.headInView}; "Open plan" in view: ${fit.openInView}`);
        await screenshot(`missing-index-hover-plan-beside-${what.replace(/\W+/g, '-')}`);
        if (column > narrowest) throw new StepFailure(`expected the code in a narrow column beside the plan viewer; it is ${column} px wide`);
        extra?.(text);
        if (!fit.headInView || !fit.openInView) throw new StepFailure(`expected the plan part of ${what} in view without scrolling with the plan viewer beside at ${window}; ${fit.content} px of content in ${fit.box} px, ${where}, head "${fit.head}" in view: ${fit.headInView}, "Open plan": ${fit.openInView}`);
      };
      // One finding on the line: the reviews rating read.
      await beside('src/reviews.ts', 'avg(rating)', 'FROM', 'reviews', /^Plan: SELECT avg\(rating\)/, 'reviews rating');
      // Two problems on the line (the missing index and "lower(email) hides email from its index"): VS Code's problem part
      // holds both messages.
      await beside(FILE, AT, 'FROM', 'customers', /^Plan: SELECT id, email, name, country/, 'lower(email) lookup');
      // Both problems under the pointer with the plan viewer beside at 1600x900 (person30 M1, 07-split-hover-products72-
      // 1600.png): products.ts:72's `reviews`, the N+1 and the missing-index squiggle. VS Code's problem part held both
      // full messages (the N+1's how-to, the missing index's "also serving" list): 413 px of content in the 250 px box,
      // Open plan 18 px below it. Each message is its one-sentence claim now, the rest on demand.
      await beside('src/products.ts', 'product_id = $1 ORDER BY created_at DESC LIMIT 3', 'FROM', 'reviews', /^Plan: SELECT rating, body, created_at/, 'products.ts:72 N+1 and missing index', { width: 1600, height: 900 }, 700, (t) => {
        if (!/N\+1 query/.test(t)) throw new StepFailure(`expected the N+1 finding in the same hover (both problems under the pointer); saw ${t.slice(0, 300)}`);
      });
    } finally {
      await page.mouse.move(5, 5);
      await page.setViewportSize({ width: 1600, height: 1000 });
    }
  },
};
