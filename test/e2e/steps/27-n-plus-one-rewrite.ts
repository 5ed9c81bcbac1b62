/**
 * The N+1 quick fixes: "Show the batched rewrite" opens the rewrite with the code's own client
 * (`db`, not `pool`) and the key column selected; "Ignore … here…" is offered once. The rewrite is
 * then applied to the shop database: the batched statement from the preview returns, for every
 * order, exactly the rows the loop's statement returned for it. The ORM N+1 (orm/orders.ts: `order.getItems(…)` per
 * order of `Order.findAll(…)`, issue 20 person45 L7) offers its rewrite too: the findAll with the association included
 * (`separate: true`, the getter's order kept) — run through Sequelize by test/db/examples/nplusoneOrmRewrite.test.ts.
 */
import type { Step } from '../lib/types';

/** The shop's Sequelize flavour, with its planted ORM N+1 (`order.getItems(…)` per order). */
const ORM_FILE = 'orm/orders.ts';

export const step: Step = {
  title: 'N+1: the batched rewrite uses the code\'s client, Ignore is offered once, and the rewrite returns what the loop returned',
  async run({ wb, db, scenario, screenshot, log }) {
    await wb.openFile(scenario.loopFile);
    // The static finding of the loop ("N+1 query: …") of this file, not a recorded one from an earlier step's traffic
    // (orm/orders.ts), nor another file's from an earlier scan; scrolled into view.
    // orm/orders.ts (same name) has its own static N+1 since Sequelize association mixins are read (`order.getItems()`): the
    // row is told apart by its message, the raw query's.
    const row = await wb.problemRow('N+1 query', /N\+1 query: `db\.query` runs once per/, `an n-plus-one problem for ${scenario.loopFile}`, 60_000, scenario.loopFile.split('/').pop());
    await row.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    const titles = await wb.quickFixes(/Show the batched rewrite/, 'the quick-fix menu with "Show the batched rewrite"');
    log(`quick fixes: ${titles.join(' | ')}`);
    const ignores = titles.filter((t) => /^Ignore/i.test(t));
    if (ignores.length !== 1) throw new Error(`expected one "Ignore … here" quick fix, saw ${ignores.length}: ${ignores.join(' | ')}`);
    await screenshot('quick-fixes');
    await wb.pickQuickFix(/Show the batched rewrite: Batch with/i);
    // The preview: a read-only editor with the rewrite.
    // The preview opens beside the code: read every editor on screen.
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines');
    const text = await wb.until(async () => {
      const all = (await lines.allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => /PG Lens: Batch with/.test(t));
    }, 'the batched rewrite in an editor', 30_000);
    await screenshot('rewrite');
    // (With the loop's row type kept: `db.query<OrderItem & { order_id: unknown }>(`, person54 L-5.)
    if (!/await db\.query(?:<[^(]*>)?\(/.test(text)) throw new Error(`expected the rewrite to call the code's client "db":\n${text}`);
    if (/\bpool\b/.test(text)) throw new Error(`the rewrite names a client the code does not use ("pool"):\n${text}`);
    const sql = /`([\s\S]*?)`/.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
    if (!sql) throw new Error(`no batched SQL in the rewrite:\n${text}`);
    log(`batched SQL: ${sql}`);
    const loopSql = /ORDER BY id/.test(sql) ? 'SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = $1 ORDER BY id' : undefined;
    if (!loopSql) throw new Error(`unexpected batched SQL for the loop over order items: ${sql}`);
    // Applied to the shop: per order, the same rows as the loop's statement.
    const ids = (await db.query<{ id: string }>('SELECT id::text AS id FROM orders ORDER BY placed_at DESC LIMIT 20')).map((r) => r.id);
    const batched = await db.query<Record<string, unknown>>(sql, [ids]);
    const key = /^SELECT k\.key AS (\w+)/.exec(sql)?.[1] ?? /WHERE (\w+) = ANY/.exec(sql)![1];
    for (const id of ids) {
      const want = (await db.query<Record<string, unknown>>(loopSql, [id])).map((r) => JSON.stringify([r.product_id, r.quantity, r.unit_price_cents]));
      const got = batched.filter((r) => String(r[key]) === id).map((r) => JSON.stringify([r.product_id, r.quantity, r.unit_price_cents]));
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`order ${id}: the rewrite returns ${got.length} rows, the loop's statement ${want.length}:\n${got.join('\n')}\nvs\n${want.join('\n')}`);
    }
    log(`the batched statement returns, for each of ${ids.length} orders, the rows the loop returned (${batched.length} rows in one round trip)`);
    // To read and copy from, not an Untitled document: closing it asks nothing (it asked to save text nobody typed).
    // (Monaco renders spaces as no-break spaces: \s matches both.)
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: /PG\sLens:\sBatch\swith/ }).first().click({ timeout: 10_000 });
    await wb.closeReadOnlyTab(/N\+1\sbatched\srewrite/, 'the batched rewrite');

    // The ORM N+1 of the shop's Sequelize code: "Show the batched rewrite" as well, no longer Ignore and the text alone.
    await wb.openFile(ORM_FILE);
    const orm = await wb.problemRow('N+1 query', /`order\.getItems\(\)` reaches the database/, `the ORM n-plus-one problem of ${ORM_FILE}`, 60_000, 'orders.ts');
    await orm.first().click();
    await wb.runCommand('View: Focus Active Editor Group');
    const ormTitles = await wb.quickFixes(/Show the batched rewrite: Eager-load items/, 'the ORM quick-fix menu with "Show the batched rewrite"');
    log(`ORM quick fixes: ${ormTitles.join(' | ')}`);
    await wb.pickQuickFix(/Show the batched rewrite: Eager-load items/);
    const ormText = await wb.until(async () => {
      const all = (await lines.allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => /PG Lens: Eager-load items/.test(t));
    }, 'the ORM rewrite in an editor', 30_000);
    await screenshot('orm-rewrite');
    const flat = ormText.replace(/\s+/g, ' ');
    if (!flat.includes("Order.findAll({ order: [['placedAt', 'DESC']], limit, include: [{ association: 'items', separate: true, order: [['id', 'ASC']] }] })")) throw new Error(`expected the findAll to include the items (separate, the getter's order):\n${ormText}`);
    if (/getItems\(/.test(ormText.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n'))) throw new Error(`the rewrite's code still calls getItems:\n${ormText}`);
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: /PG\sLens:\sEager-load/ }).first().click({ timeout: 10_000 });
    await wb.closeReadOnlyTab(/N\+1\sbatched\srewrite/, 'the ORM rewrite');
  },
};
