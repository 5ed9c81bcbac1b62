/**
 * `pg-lens explain`'s index tip comes from the one index decision `pg-lens advise` (and scan, record, the editor's Open Plan and
 * hover) make: person53 L-6 — `pg-lens explain --file src/orders.ts --line 80` (the support desk's JOIN) said "an index on
 * public.orders (customer_id) … (not proved: see `pg-lens advise`)" while every other surface named orders (customer_id,
 * placed_at DESC), proved by the planner, 1,349 → 28.0. Explain ran no decision.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shopSources, shopWithTraffic } from './shopState';
import { capabilities, testDatabase } from '../support';
import { runCli } from '../../unit/support/cli';
import { tempFolderForRun } from '../../unit/support/tempFolder';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';

describe('examples/shop: pg-lens explain\'s index tip is the decision advise makes (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_explain_tip');
  let root = '';
  let hypopg = false;

  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    await t.admin.query('VACUUM ANALYZE orders');
    hypopg = (await capabilities()).hypopg;
    if (hypopg) await t.admin.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    root = tempFolderForRun('pglens-explain-tip-');
    for (const [file, text] of shopSources()) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
  });

  /** `pg-lens advise --file src/orders.ts --line 80`'s index (its JSON), run from the shop's folder. */
  const advised = async () => {
    const r = await runCli(['advise', '--db', t.url, '--format', 'json', '--file', 'src/orders.ts', '--line', '80'], { cwd: root });
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out).suggestions as { ddl: string; columns: string[]; costBefore: number; costAfter: number | null; verifiedBy: string }[];
  };

  const proves = async () => `${hypopg ? 'with HypoPG (hypothetical index)' : 'without HypoPG: a real trial index, rolled back'}`;

  it('the JOIN of src/orders.ts:80: the tip names advise\'s proved orders (customer_id, placed_at DESC) with its costs, text and JSON — on PG18 without HypoPG (a real trial index, rolled back), on PG15 with HypoPG', async () => {
    console.log(`      ${await proves()}`);
    const a = await advised();
    const ix = a.find((s) => s.ddl.includes(' ON orders '));
    assert.ok(ix, JSON.stringify(a));
    assert.deepEqual(ix.columns, ['customer_id', 'placed_at DESC'], JSON.stringify(a));
    assert.notEqual(ix.verifiedBy, 'none');
    assert.equal(ix.verifiedBy, hypopg ? 'hypopg' : 'transaction');
    const text = await runCli(['explain', '--db', t.url, '--file', 'src/orders.ts', '--line', '80'], { cwd: root });
    assert.equal(text.code, 0, text.err);
    const tips = text.out.slice(text.out.indexOf('Tips'));
    // Before: "an index on public.orders (customer_id) lets PostgreSQL look up only those rows (not proved: see `pg-lens advise`)".
    assert.doesNotMatch(tips, /orders \(customer_id\)/, tips);
    assert.doesNotMatch(tips, /not proved/, tips);
    assert.match(tips, /orders \(customer_id, placed_at DESC\)[^\n]*proved by the planner/, tips);
    const json = await runCli(['explain', '--db', t.url, '--format', 'json', '--file', 'src/orders.ts', '--line', '80'], { cwd: root });
    assert.equal(json.code, 0, json.err);
    const j = JSON.parse(json.out);
    // The decision's suggestions in advise's JSON shape, with the same figures.
    const mine = (j.indexAdvice?.suggestions ?? []) as typeof a;
    assert.deepEqual(mine.map((s) => s.ddl), a.map((s) => s.ddl), json.out.slice(-2000));
    const got = mine.find((s) => s.ddl === ix.ddl)!;
    assert.equal(got.costBefore, ix.costBefore);
    assert.equal(got.costAfter, ix.costAfter);
    assert.ok(ix.costAfter !== null && ix.costAfter < ix.costBefore);
    // The tip's saving is the proof's (before − after), not its own rough estimate.
    const tip = (j.summary.tips as { text: string; saving: number }[]).find((x) => /placed_at DESC/.test(x.text));
    assert.ok(tip, JSON.stringify(j.summary.tips));
    assert.ok(Math.abs(tip.saving - (ix.costBefore - ix.costAfter!)) < 1, `${tip.saving} vs ${ix.costBefore} → ${ix.costAfter}`);
  });

  it('--production: without HypoPG nothing is built, and the tip says advise\'s index is not proved and why (the fallback without HypoPG); with HypoPG it is proved, nothing built', async () => {
    const a = await runCli(['advise', '--db', t.url, '--production', '--format', 'json', '--file', 'src/orders.ts', '--line', '80'], { cwd: root });
    assert.equal(a.code, 0, a.err);
    const ix = (JSON.parse(a.out).suggestions as { ddl: string; columns: string[]; verifiedBy: string }[]).find((s) => s.ddl.includes(' ON orders '));
    const r = await runCli(['explain', '--db', t.url, '--production', '--file', 'src/orders.ts', '--line', '80'], { cwd: root });
    assert.equal(r.code, 0, r.err);
    const tips = r.out.slice(r.out.indexOf('Tips'));
    const j = JSON.parse((await runCli(['explain', '--db', t.url, '--production', '--format', 'json', '--file', 'src/orders.ts', '--line', '80'], { cwd: root })).out);
    assert.deepEqual((j.indexAdvice.suggestions as { ddl: string }[]).map((s) => s.ddl), (JSON.parse(a.out).suggestions as { ddl: string }[]).map((s) => s.ddl));
    if (hypopg) {
      assert.equal(ix?.verifiedBy, 'hypopg', a.out);
      assert.match(tips, /orders \(customer_id, placed_at DESC\)[^\n]*proved by the planner/, tips);
      return;
    }
    // Advise's answer on a production profile without HypoPG: an index not proved, the reason said.
    assert.ok(ix, a.out);
    assert.equal(ix.verifiedBy, 'none', a.out);
    const title = `orders (${ix.columns.join(', ')})`;
    assert.ok(tips.includes(`PG Lens's index advice proposes ${title} for this statement, not proved by the planner (HypoPG is not available on this server; a real index in a rolled-back transaction is only tried on development profiles): see \`pg-lens advise\``), tips);
    assert.equal(j.indexAdvice.proofNote, 'HypoPG is not available on this server; a real index in a rolled-back transaction is only tried on development profiles');
  });
});
