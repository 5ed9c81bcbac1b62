/**
 * value-not-allowed on a real PostgreSQL (person50 L-D b): the catalog read (db/catalog CATALOG_SQL.tables) gives each
 * column the values its CHECK list, enum type or domain allows — as PostgreSQL stores them (`IN` as `= ANY (ARRAY[…])`,
 * varchar with its casts) — and the rules, connected, say that `status = 'refundd'` can never be true.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile, rulesAnalyzer } from '../../../src/core/scan';
import { RULES } from '../../../src/core/rules/index';
import type { Database } from '../../../src/db/database';
import { DbEvidence } from '../../../src/db/ruleEvidence';
import { readCatalogFacts } from '../../../src/db/catalog';
import { testDatabase } from '../support';

describe('db: value-not-allowed reads the values a column allows from the catalog', function () {
  const t = testDatabase('allowed');
  let db: Database;

  before(async () => {
    await t.admin.query(`
      CREATE TYPE order_kind AS ENUM ('retail', 'wholesale');
      CREATE DOMAIN region AS text CHECK (VALUE IN ('eu', 'us'));
      CREATE TABLE shop_orders (
        id bigint PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('paid', 'shipped', 'delivered', 'refunded')),
        channel varchar(20) CONSTRAINT shop_orders_channel_ok CHECK (channel IN ('web', 'store')),
        kind order_kind,
        region region,
        qty int CHECK (qty > 0),
        note text,
        CONSTRAINT two_columns CHECK (note IS NULL OR status <> 'paid')
      );
      INSERT INTO shop_orders SELECT g, 'paid', 'web', 'retail', 'eu', 1 FROM generate_series(1, 100) g;
      ANALYZE shop_orders;`);
    db = await t.open();
  });

  it('each column: its CHECK list (text, varchar), its enum labels, its domain\'s list; none for a range or a two-column CHECK', async () => {
    const [orders] = (await readCatalogFacts(db, [{ name: 'shop_orders' }])).tables;
    const allowed = (c: string) => orders.columns.find((x) => x.name === c)?.allowed;
    assert.deepEqual(allowed('status'), { values: ['paid', 'shipped', 'delivered', 'refunded'], kind: 'check', source: 'shop_orders_status_check', definition: "CHECK ((status = ANY (ARRAY['paid'::text, 'shipped'::text, 'delivered'::text, 'refunded'::text])))" });
    assert.deepEqual([allowed('channel')?.values, allowed('channel')?.source], [['web', 'store'], 'shop_orders_channel_ok']);
    assert.deepEqual([allowed('kind')?.values, allowed('kind')?.kind, allowed('kind')?.source], [['retail', 'wholesale'], 'enum', 'order_kind']);
    assert.deepEqual([allowed('region')?.values, allowed('region')?.source], [['eu', 'us'], 'region_check']);
    assert.equal(allowed('qty'), undefined);
    assert.equal(allowed('note'), undefined);
    assert.equal(allowed('id'), undefined);
  });

  it("connected, `status = 'refundd'` is said never to be true (naming the constraint and the values), an unknown enum label to fail (as an error); a parameter, `<>` and allowed values say nothing", async () => {
    const text = [
      "SELECT id FROM shop_orders WHERE status = 'refundd';",
      "SELECT id FROM shop_orders WHERE channel IN ('web', 'phone');",
      "SELECT id FROM shop_orders WHERE kind = 'retial';",
      "SELECT id FROM shop_orders WHERE region = 'asia';",
      'SELECT id FROM shop_orders WHERE status = $1;',
      "SELECT id FROM shop_orders WHERE status <> 'refundd';",
      "SELECT id FROM shop_orders WHERE status = 'refunded' AND kind = 'wholesale';",
    ].join('\n');
    const r = await analyzeFile({ path: 'q.sql', text }, { analyzers: [rulesAnalyzer({ rules: RULES, evidence: new DbEvidence(db) })] });
    const found = r.findings.filter((f) => f.ruleId === 'value-not-allowed').map((f) => `${text.slice(0, f.span.start).split('\n').length}: ${f.message}`);
    assert.deepEqual(found, [
      "1: 'refundd' is not a value status can hold: its CHECK constraint shop_orders_status_check allows only 'paid', 'shipped', 'delivered', 'refunded', so the condition is never true.",
      "2: 'phone' is not a value channel can hold: its CHECK constraint shop_orders_channel_ok allows only 'web', 'store', so 'phone' can never match.",
      "3: 'retial' is not a value kind can hold: its type order_kind (an enum) allows only 'retail', 'wholesale', so the statement fails: ERROR: invalid input value for enum order_kind: \"retial\".",
      "4: 'asia' is not a value region can hold: its type, the domain region, has the CHECK constraint region_check that allows only 'eu', 'us', so the condition is never true.",
    ]);
    // person52 M-3: the enum's statement fails on the server, with the very message the finding quotes, so it is an
    // error; the CHECK's and the domain's statements run and return nothing, so they stay warnings.
    const severities = r.findings.filter((f) => f.ruleId === 'value-not-allowed').map((f) => f.severity);
    assert.deepEqual(severities, ['warning', 'warning', 'error', 'warning']);
    await assert.rejects(t.admin.query("SELECT id FROM shop_orders WHERE kind = 'retial'"), (e: Error) => {
      assert.ok(found[2].includes(`ERROR: ${e.message}.`), `${found[2]} quotes ${e.message}`);
      return true;
    });
    const none = await t.admin.query("SELECT id FROM shop_orders WHERE status = 'refundd' OR region = 'asia'");
    assert.equal(none.rowCount, 0);
    // Without a database: nothing (the values come from the catalog).
    const offline = await analyzeFile({ path: 'q.sql', text }, { analyzers: [rulesAnalyzer({ rules: RULES })] });
    assert.equal(offline.findings.filter((f) => f.ruleId === 'value-not-allowed').length, 0);
  });
});
