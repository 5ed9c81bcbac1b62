/**
 * The editor's table figures (db/tableFigures: the hover's plan cache and the kept advice follow them) and the catalog
 * facts the advice is proved on (db/catalog, the advisor's proof key: core tableFigures of its facts) take a table's
 * row estimate one way (core catalogRows). They differed where relpages is 0 but the table has pages: VACUUMed while
 * empty (reltuples 0, relpages 0), then filled and never analysed. The figures read took reltuples (0 rows) where the
 * catalog facts estimate rows from the column widths times the pages now, as the planner does; so the editor's reading
 * said "0 rows" while the advice was proved on about 1,000.
 */
import { strict as assert } from 'node:assert';
import { readCatalogFacts } from '../../../src/db/catalog';
import { readTableFigures } from '../../../src/db/tableFigures';
import { tableFigures } from '../../../src/core/catalogFacts';
import { testDatabase } from '../support';

describe('table figures: the hover\'s figures and the advice\'s take one row estimate (real PostgreSQL)', function () {
  const t = testDatabase('table_figures_one_estimate');

  it('a table VACUUMed empty, then filled and never analysed (relpages 0, pages > 0): both read the width-based estimate', async () => {
    const a = t.admin;
    await a.query('CREATE TABLE events (id int, kind text, at timestamptz) WITH (autovacuum_enabled = off)');
    await a.query('VACUUM events');
    await a.query(`INSERT INTO events SELECT g, 'k' || (g % 7), now() FROM generate_series(1, 1000) g`);
    const row = (await a.query(`SELECT reltuples::float8 AS reltuples, relpages, pg_relation_size('events') / current_setting('block_size')::int AS pages FROM pg_class WHERE relname = 'events'`)).rows[0];
    assert.equal(Number(row.relpages), 0, 'the case: relpages 0');
    assert.ok(Number(row.reltuples) >= 0 && Number(row.pages) > 0, `reltuples known (${row.reltuples}) and pages now (${row.pages})`);
    const db = await t.open();
    try {
      const [figures] = await readTableFigures(db, ['events']);
      const facts = (await readCatalogFacts(db, [{ name: 'events' }])).tables[0];
      assert.ok(facts.rows !== undefined && facts.rows > 100, `the catalog facts estimate rows from the widths (${facts.rows})`);
      assert.equal(figures.figures, tableFigures(facts));
    } finally {
      await db.close();
    }
  });
});
