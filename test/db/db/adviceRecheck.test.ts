/**
 * Advice re-checked against the catalog (issue 20, person15 MEDIUM 9: on Ever Traduora a recorded missing-index finding
 * stayed after the migration made the index — after Scan Workspace and after a reload too). An advised index that a
 * valid index of the catalog now serves (same method, same leading keys, no other predicate) is found as such, under
 * whatever name the migration gave it; the decider forgets that advice and proves the statement again. Real PostgreSQL.
 */
import { strict as assert } from 'node:assert';
import { goneIndexes, IndexDecider, servedByCatalog } from '../../../src/db/indexDecision';
import { onTablesMoved } from '../../../src/db/tableFigures';
import { keepRecording, restoreRecording } from '../../../src/core/record/keep';
import { advisedIndexOf } from '../../../src/core/advice/indexCandidates';
import { capabilities, testDatabase } from '../support';

describe('db/indexDecision: advice re-checked against the catalog (real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('advice_recheck');
  const BY_TERM = 'SELECT * FROM translation WHERE term_id = $1';
  const LATEST = 'SELECT id FROM "Audit"."event" WHERE project_id = $1 ORDER BY created_at DESC LIMIT 5';
  before(async () => {
    const caps = await capabilities();
    if (caps.hypopg) await t.admin.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    await t.admin.query(`CREATE TABLE translation (id bigserial PRIMARY KEY, term_id int NOT NULL, locale_id int NOT NULL, value text NOT NULL)`);
    await t.admin.query(`INSERT INTO translation (term_id, locale_id, value) SELECT g % 20000, g % 40, 'v' || g FROM generate_series(1, 120000) g`);
    await t.admin.query(`CREATE SCHEMA "Audit"`);
    await t.admin.query(`CREATE TABLE "Audit"."event" (id bigserial PRIMARY KEY, project_id int NOT NULL, created_at timestamptz NOT NULL)`);
    await t.admin.query(`INSERT INTO "Audit"."event" (project_id, created_at) SELECT g % 3000, now() - g * interval '1 second' FROM generate_series(1, 90000) g`);
    await t.admin.query('VACUUM ANALYZE');
  });

  it('finds the index a migration made under its own name; an index on other columns or an INVALID one does not count', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const decider = new IndexDecider(db, { realIndexes: true });
    await decider.decide([{ sql: BY_TERM, label: 'src/translation.service.ts:20' }, { sql: LATEST, label: 'src/audit.ts:9' }]);
    const byTerm = decider.advice.get(BY_TERM)?.suggestions[0];
    const latest = decider.advice.get(LATEST)?.suggestions[0];
    assert.ok(byTerm && /\(term_id\)/.test(byTerm.ddl), JSON.stringify(decider.advice.get(BY_TERM)));
    // Which shape wins depends on the prover (HypoPG favours the covering index, a real build the sorted one): either leads with project_id.
    assert.ok(latest && /"Audit"\.event \(project_id\b/.test(latest.ddl), JSON.stringify(decider.advice.get(LATEST)));
    assert.equal((await servedByCatalog(db, [byTerm, latest])).size, 0);

    await t.admin.query('CREATE INDEX "IDX_translation_locale" ON translation (locale_id)');
    // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: it serves nothing.
    await t.admin.query('CREATE UNIQUE INDEX CONCURRENTLY "IDX_bad" ON translation (term_id)').catch(() => undefined);
    assert.equal((await t.admin.query(`SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = '"IDX_bad"'::regclass`)).rows[0].invalid, true);
    assert.equal((await servedByCatalog(db, [byTerm])).size, 0);
    assert.equal((await decider.recheck()).served.size, 0);
    assert.ok(decider.advice.has(BY_TERM), 'nothing served: the advice is kept');

    // The migration runs (TypeORM's name, a wider index that leads with the advised column; the event index as advised).
    await t.admin.query('DROP INDEX "IDX_bad"');
    await t.admin.query('CREATE INDEX "IDX_translation_term_locale" ON translation (term_id, locale_id)');
    await t.admin.query(latest.ddl.replace(/^CREATE INDEX CONCURRENTLY \S+ ON/, 'CREATE INDEX "IDX_event_latest" ON'));
    const served = await servedByCatalog(db, [byTerm, latest]);
    assert.equal(served.get(byTerm.ddl), 'IDX_translation_term_locale');
    assert.equal(served.get(latest.ddl), 'Audit.IDX_event_latest');

    // The decider forgets both and proves them again on the catalog as it is: no index to add now.
    assert.equal((await decider.recheck()).served.size, 2);
    assert.ok(!decider.advice.has(BY_TERM) && !decider.advice.has(LATEST));
    const again = await decider.decide([{ sql: BY_TERM, label: 'src/translation.service.ts:20' }, { sql: LATEST, label: 'src/audit.ts:9' }]);
    assert.deepEqual(again.byStatement.get(BY_TERM)?.suggestions ?? [], []);
    assert.deepEqual(again.byStatement.get(LATEST)?.suggestions ?? [], []);

    // A recording's advice kept in workspace storage holds the advisor's suggestion (captureRecording keeps it as `index`):
    // read back after a reload, it is found served too — from its fields, not by reading its CREATE INDEX text back.
    const kept = restoreRecording(JSON.parse(JSON.stringify(keepRecording([{ v: 1, t: 'q', lib: 'pg', sql: BY_TERM, pc: 1, pt: ['number'], ms: 0.5, rows: 6, site: { file: '/app/src/translation.service.ts', line: 20, col: 5 }, u: { k: 'request', id: 'r1', n: 'GET /translations' }, ts: 1000, pid: 7 }], [], 0, {
      values: false, at: 1, advice: new Map([['k', { suggestions: [{ ddl: byTerm.ddl, summary: 's', costBefore: 10, costAfter: 1, planBefore: [], index: byTerm }], provedOn: 'x' }]]),
    }))), { values: false });
    const keptIndex = advisedIndexOf(kept?.advice?.[0]?.[1].suggestions[0]?.index);
    assert.equal(keptIndex?.ddl, byTerm.ddl);
    assert.equal((await servedByCatalog(db, [keptIndex!])).get(byTerm.ddl), 'IDX_translation_term_locale');

    // The index is dropped outside PG Lens (person31 M1: Create index now, then DROP INDEX in psql): the advice that said
    // "an index it would use exists" names it, the re-check finds it gone, and the statement is proved again — its index back.
    assert.deepEqual(decider.advice.get(BY_TERM)?.servedBy, ['public.IDX_translation_term_locale']);
    assert.equal((await decider.recheck()).gone.size, 0, 'nothing dropped yet: the advice is kept');
    assert.ok(decider.advice.has(BY_TERM));
    await t.admin.query('DROP INDEX "IDX_translation_term_locale"');
    assert.deepEqual([...(await goneIndexes(db, ['public.IDX_translation_term_locale', 'Audit.IDX_event_latest']))], ['public.IDX_translation_term_locale']);
    const rechecked = await decider.recheck();
    assert.deepEqual([...rechecked.gone], ['public.IDX_translation_term_locale']);
    assert.ok(!decider.advice.has(BY_TERM), 'the advice that relied on the dropped index is forgotten');
    const back = await decider.decide([{ sql: BY_TERM, label: 'src/translation.service.ts:20' }]);
    assert.match(back.byStatement.get(BY_TERM)?.suggestions[0]?.ddl ?? '', /\(term_id\)/, JSON.stringify(decider.advice.get(BY_TERM)));
  });

  it('an index made or dropped in psql moves its table on the reading that follows its growth: the advice on it is made again at once (person47 L11)', async () => {
    // Before, the reading of the tables' figures held rows, size and ANALYZEs only: after a DROP INDEX in psql nothing moved
    // until the cost CodeLens's next 30 s reading, and the advice came back 20–60 s later.
    await t.admin.query('CREATE TABLE line_item (id bigserial PRIMARY KEY, sku_id int NOT NULL, qty int NOT NULL)');
    await t.admin.query('INSERT INTO line_item (sku_id, qty) SELECT g % 15000, g % 7 FROM generate_series(1, 90000) g');
    await t.admin.query('VACUUM ANALYZE line_item');
    const BY_SKU = 'SELECT id, qty FROM line_item WHERE sku_id = $1';
    const db = await t.open({ statementTimeoutMs: 60000 });
    const told: string[][] = [];
    const moved: string[][] = [];
    const following = onTablesMoved(db, (tables) => moved.push([...tables]));
    try {
      const decider = new IndexDecider(db, { realIndexes: true, indexesChanged: (tables) => told.push(tables) });
      const input = [{ sql: BY_SKU, label: 'src/lineItems.ts:12' }];
      const first = await decider.decide(input);
      assert.match(first.byStatement.get(BY_SKU)?.suggestions[0]?.ddl ?? '', /line_item \(sku_id/, JSON.stringify(decider.advice.get(BY_SKU)));
      // Nothing changed since that decision's reading: nothing forgotten, nobody told.
      moved.length = 0;
      assert.deepEqual([...(await decider.noticeChangedTables())], []);
      assert.deepEqual(told, []);
      assert.deepEqual(moved, []);

      // psql makes the advised index: the table moved (the hover's plans and the rules' evidence follow), the advice is forgotten.
      await t.admin.query('CREATE INDEX line_item_sku_idx ON line_item (sku_id)');
      assert.deepEqual([...(await decider.noticeChangedTables())], [BY_SKU]);
      assert.deepEqual(told, [['public.line_item']]);
      assert.deepEqual(moved, [['line_item']]);
      assert.ok(!decider.advice.has(BY_SKU));
      const served = await decider.decide(input);
      assert.deepEqual(served.byStatement.get(BY_SKU)?.suggestions ?? [], [], JSON.stringify(decider.advice.get(BY_SKU)));
      assert.deepEqual(decider.advice.get(BY_SKU)?.servedBy, ['public.line_item_sku_idx']);

      // psql drops it: the same reading finds it, and the next decision gives the index back.
      await t.admin.query('DROP INDEX line_item_sku_idx');
      assert.deepEqual([...(await decider.noticeChangedTables())], [BY_SKU]);
      assert.deepEqual(told, [['public.line_item'], ['public.line_item']]);
      const back = await decider.decide(input);
      assert.match(back.byStatement.get(BY_SKU)?.suggestions[0]?.ddl ?? '', /line_item \(sku_id/, JSON.stringify(decider.advice.get(BY_SKU)));
      // An index left INVALID by a failed concurrent build serves nothing: the table has not moved for the advice.
      await t.admin.query('CREATE UNIQUE INDEX CONCURRENTLY line_item_sku_uq ON line_item (sku_id)').catch(() => undefined);
      assert.deepEqual([...(await decider.noticeChangedTables())], []);
      assert.equal(told.length, 2);
    } finally {
      following.dispose();
    }
  });

  it('an expression key: the advised lower(value) index is found served by the one a migration made (pg_get_indexdef writes it its own way)', async () => {
    const db = await t.open({ statementTimeoutMs: 60000 });
    const BY_VALUE = 'SELECT id FROM translation WHERE lower(value) = $1';
    const decider = new IndexDecider(db, { realIndexes: true });
    await decider.decide([{ sql: BY_VALUE, label: 'src/translation.service.ts:40' }]);
    const byValue = decider.advice.get(BY_VALUE)?.suggestions[0];
    assert.ok(byValue && /\(lower\(value\)\)/.test(byValue.ddl) && byValue.columns[0] === 'lower(value)', JSON.stringify(decider.advice.get(BY_VALUE)));
    assert.equal((await servedByCatalog(db, [byValue])).size, 0);
    await t.admin.query('CREATE INDEX "IDX_translation_value" ON translation (locale_id)');
    assert.equal((await servedByCatalog(db, [byValue])).size, 0, 'another column does not serve it');
    // The migration makes the advised index under its own name (HypoPG may prefer a covering shape: INCLUDE (id)).
    await t.admin.query(byValue.ddl.replace(/^CREATE INDEX CONCURRENTLY \S+ ON/, 'CREATE INDEX "IDX_translation_lower_value" ON'));
    assert.equal((await servedByCatalog(db, [byValue])).get(byValue.ddl), 'IDX_translation_lower_value', byValue.ddl);
    assert.equal((await decider.recheck()).served.size, 1);
    assert.ok(!decider.advice.has(BY_VALUE));
  });
});
