/**
 * The recorded hover at a line whose raw SQL is the recorded statement gives its figures only (person50 L-E): the
 * statement's own hover beside it shows its plan, index advice and SQL, and the recorded part said them again in one
 * scrolling box ("Index: …" and the same plan line twice). At an ORM line (no SQL written there) the recorded hover is
 * complete: figures, the plan in one line with "Open plan", the SQL, "Plan and index advice".
 * The shop's orm/orders.ts refundedOrders (recorded by the ORM session), then src/orders.ts:59 getOrder's
 * `db.query('SELECT … FROM orders WHERE id = $1', [id])` (recorded by the shop's own traffic, GET /orders/:id).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../lib/database';
import { clearRecordedQueries, RECORDING, recordOrmTrafficOnce, runInRecordingTerminal, stopRecording } from '../lib/recording';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const ORM_FILE = 'orm/orders.ts';
const RAW_FILE = 'src/orders.ts';
/**
 * getOrder's read: the call and its SQL on one line (a call's recorded site is the line the call starts on: the SQL of a
 * call over several lines is on another line than the recorded part). Its own text picks the line ("SELECT id, …" starts
 * recentOrders' SQL too).
 */
const RAW_SQL = 'SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE id = $1';
const FIGURES_ONLY = /the statement written here: its plan and index advice are in its own hover/;

export const step: Step = {
  title: "recorded hover: figures only at a raw-SQL line that is the recorded statement; complete at an ORM line",
  async run({ wb, db, workspace, screenshot, log }) {
    const page = wb.page;
    const raw = fs.readFileSync(path.join(workspace, RAW_FILE), 'utf8').split('\n');
    const rawLine = raw.findIndex((l) => l.includes(RAW_SQL)) + 1;
    if (!rawLine) throw new StepFailure(`expected ${RAW_FILE} to hold "${RAW_SQL}"`);

    // 1. An ORM line: the recorded hover is complete (its plan line with Open plan, its SQL, Plan and index advice).
    await recordOrmTrafficOnce({ wb, db });
    await wb.openFile(ORM_FILE);
    const orm = await wb.hoverUntil(() => wb.hover("'refunded'"), (t) => /Plan and index advice/.test(t) && /cost [\d,.]+ .*Open plan/.test(t) && /FROM "orders"/.test(t), "the recorded ORM line's hover with its plan line, SQL and Plan and index advice", 120_000);
    log(`ORM line hover: ${orm.replace(/\s+/g, ' ').slice(0, 300)}`);
    if (FIGURES_ONLY.test(orm)) throw new StepFailure(`the ORM line holds no SQL: its recorded hover must be complete, saw: ${orm}`);
    await screenshot('recorded-hover-orm-line-complete');
    await page.mouse.move(5, 500);

    // 2. The shop's own traffic (raw SQL through src/), recorded; then src/orders.ts's getOrder line.
    await wb.runCommand('View: Close All Editor Groups');
    await clearRecordedQueries(wb);
    await runInRecordingTerminal({ wb, db }, `exec ${path.join(ROOT, 'node_modules', '.bin', 'tsx')} -e "require('./traffic').runTraffic(process.env.DATABASE_URL, { requests: 40 }).then(() => process.exit(0))"`);
    let last = '';
    let since = Date.now();
    await wb.until(async () => {
      const t = ((await wb.statusBarItem(RECORDING).first().textContent().catch(() => '')) ?? '').trim();
      if (t !== last) [last, since] = [t, Date.now()];
      return Number(/(\d+) statements?/.exec(t)?.[1] ?? 0) >= 20 && Date.now() - since > 5000 && t;
    }, 'the recording status bar item past 20 statements and settled', 180_000, async () => last);
    await stopRecording(wb, log);
    await wb.runCommand('Terminal: Kill All Terminals');
    await wb.freshEditor(RAW_FILE);
    const text = await wb.hoverUntil(() => wb.hoverWordInLine('FROM orders WHERE id = $1', 'FROM', 'orders'), (t) => FIGURES_ONLY.test(t), `the recorded part of ${RAW_FILE}:${rawLine}'s hover, figures only`, 120_000);
    log(`raw-SQL line hover: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
    const recordedLine = text.split('\n').find((l) => FIGURES_ONLY.test(l)) ?? '';
    if (!/^\d+× · [\d.,]+ (ms|s) · at most \d+ in one (request|run) — /.test(recordedLine.trim())) throw new StepFailure(`expected the recorded figures ("N× · T ms · at most M in one run — the statement written here …"), saw: ${recordedLine}`);
    // Said once: the statement's own hover has the plan's Open plan and the index advice; the recorded part adds neither,
    // nor the SQL (its code block), nor a second "Index:" line.
    const openPlans = (text.match(/Open plan/g) ?? []).length;
    if (openPlans > 1) throw new StepFailure(`expected one "Open plan" (the statement's own hover), saw ${openPlans}: ${text}`);
    if (/Index\*?\*?:/.test(text.replace(/Missing index/g, ''))) throw new StepFailure(`expected no recorded "Index:" line at the raw-SQL line, saw: ${text}`);
    if ((text.match(/FROM orders WHERE id/g) ?? []).length > 1) throw new StepFailure(`expected the SQL at most once (the code line itself), saw: ${text}`);
    await screenshot('recorded-hover-raw-sql-figures-only');
    await page.mouse.move(5, 500);
    await clearRecordedQueries(wb);
    await wb.runCommand('View: Close All Editor Groups');
  },
};
