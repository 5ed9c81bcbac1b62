/**
 * Kinds of mistake the blind split held-out-ap showed (n1aq, session 41: Jellystat on node-postgres, Lavagna on
 * npjt-extra/JDBC, Homeward Tails on Rails), fixed by kind, each keyed on what the code shows. Each test failed before
 * its fix (main 03efcbd8).
 */
import { strict as assert } from 'node:assert';
import { codeContextOf } from '../../../../src/core/codeContext';
import { type ScanFile, scanNPlusOne } from '../../support/nplusoneFixtures';

const DB: ScanFile = {
  path: 'backend/db.js',
  text: [
    'const { Pool } = require("pg");',
    'const pool = new Pool();',
    '',
    'async function query(text, params) {',
    '  return pool.query(text, params);',
    '}',
    '',
    'async function deleteBulk(table, ids) {',
    '  await pool.query("DELETE FROM items WHERE id = ANY($1)", [ids]);',
    '  for (const view of materializedViews) {',
    '    await refreshMaterializedView(view);',
    '  }',
    '}',
    '',
    'const materializedViews = ["js_latest_playback_activity", "js_library_stats_overview", "js_items_playcount"];',
    '',
    'async function refreshMaterializedView(name) {',
    '  await pool.query(`REFRESH MATERIALIZED VIEW ${name}`);',
    '}',
    '',
    'module.exports = { query, deleteBulk, materializedViews, refreshMaterializedView };',
    '',
  ],
};

async function found(files: ScanFile[], prefix: string): Promise<string[]> {
  return (await scanNPlusOne(files)).filter((f) => f.file!.startsWith(prefix)).map((f) => `${f.file}:${f.line} ${f.severity}`).sort();
}

describe('N+1 kinds shown by held-out-ap (n1aq41)', () => {
  it('a local holding one statement with the item\'s values written in is the same statement per item (N+1); one naming a table per item is a list of statements', async () => {
    const sync: ScanFile = {
      path: 'backend/routes/sync.js',
      text: [
        'const { Pool } = require("pg");',
        'const pool = new Pool();',
        '',
        'async function migrateActivity() {',
        '  const { rows: movieMapping } = await pool.query(`SELECT a."Old", e."New" FROM activity a JOIN items e ON a.name = e.name`);',
        '  for (const movie of movieMapping) {',
        '    const updateQuery = `UPDATE activity SET "ItemId" = \'${movie.New}\' WHERE "ItemId" = \'${movie.Old}\'`;',
        '    await pool.query(updateQuery);',
        '  }',
        '}',
        '',
        'async function truncateAll(tables) {',
        '  for (const table of tables) {',
        '    const stmt = `DELETE FROM ${table}`;',
        '    await pool.query(stmt);',
        '  }',
        '}',
        '',
        'module.exports = { migrateActivity, truncateAll };',
        '',
      ],
    };
    assert.deepEqual(await found([sync], 'backend/routes/'), ['backend/routes/sync.js:8 warning']);
  });

  it('a list the module writes at its top level, below the function that walks it, is a fixed list', async () => {
    assert.deepEqual(await found([DB], 'backend/db.js'), []);
  });

  it('a loop over another module\'s top-level literal list (`db.materializedViews` of `require("../db")`) is a possible N+1 over a fixed list (info); a query\'s rows stay a warning', async () => {
    const api: ScanFile = {
      path: 'backend/routes/api.js',
      text: [
        'const express = require("express");',
        'const db = require("../db");',
        'const router = express.Router();',
        '',
        'router.post("/purge", async (req, res) => {',
        '  await db.query("DELETE FROM items WHERE id = $1", [req.body.id]);',
        '  for (const view of db.materializedViews) {',
        '    await db.refreshMaterializedView(view);',
        '  }',
        '  const { rows } = await db.query("SELECT id FROM items");',
        '  for (const item of rows) {',
        '    await db.refreshMaterializedView(item.id);',
        '  }',
        '  res.send("ok");',
        '});',
        '',
        'module.exports = router;',
        '',
      ],
    };
    const list = (await scanNPlusOne([DB, api])).filter((f) => f.file === 'backend/routes/api.js');
    assert.deepEqual(list.map((f) => `${f.line} ${f.severity}`).sort(), ['12 warning', '8 info']);
    assert.match(list.find((f) => f.line === 8)!.message, /`materializedViews` is written in backend\/db\.js as a literal/);
  });

  it('a Rails importer class under app/ is the application\'s code (request, or its callers\' context), not seed data; other importers folders stay seeds', () => {
    assert.equal(codeContextOf('app/services/organizations/importers/csv_import_service.rb'), 'request');
    assert.equal(codeContextOf('app/importers/scenario_import.rb'), 'request');
    assert.equal(codeContextOf('taiga/importers/jira/agile.py'), 'seed');
    assert.equal(codeContextOf('db/importers/load.rb'), 'seed');
    assert.equal(codeContextOf('app/seeds/importers/load.rb'), 'seed');
  });
});
