import * as assert from 'node:assert/strict';
import { updateDeleteWithoutWhere as rule } from '../../../../src/core/rules/updateDeleteWithoutWhere';
import { checkSite } from '../../../../src/core/rules/engine';
import { error, facts, flagged, ok } from './helpers';

describe('rule update-delete-without-where', () => {
  it('reports DELETE and UPDATE without WHERE, in code and in .sql files', () => {
    const d = error(rule, 'DELETE FROM users');
    assert.match(d.message, /DELETE without WHERE changes every row of users/);
    assert.equal(flagged(d), 'DELETE FROM users');
    assert.match(error(rule, 'UPDATE public.users SET active = false', { sqlFile: true }).message, /UPDATE without WHERE .* public\.users/);
  });
  it('a constant all-rows statement (a reset, a flush) is only noted: info', () => {
    assert.equal(error(rule, 'DELETE FROM web_sessions').severity, 'info');
    assert.equal(error(rule, "UPDATE feeds SET parsing_error_count = 0, parsing_error_msg = ''").severity, 'info');
  });
  it('a parameterised statement without WHERE looks like a lost WHERE: warning, error on a large table', () => {
    const w = error(rule, 'UPDATE users SET name = $1');
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /takes parameters/);
    assert.equal(error(rule, 'UPDATE users SET name = $1', { evidence: facts({ users: { rows: 120000, cols: { id: 'int8 idx' } } }) }).severity, 'error');
    assert.equal(error(rule, 'UPDATE users SET name = $1', { evidence: facts({ users: { rows: 50, cols: { id: 'int8 idx' } } }) }).severity, 'warning');
  });
  it('a table that holds one row (the app\'s system/settings record, or one row in the catalog) is only noted: info', () => {
    const f = error(rule, 'UPDATE app_system SET database_schema_version = $1');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /by its name a table of one row/);
    assert.equal(error(rule, 'UPDATE site_settings SET title = $1').severity, 'info');
    assert.equal(error(rule, 'UPDATE counters SET value = $1', { evidence: facts({ counters: { rows: 1, cols: { id: 'int8 idx' } } }) }).severity, 'info');
    // A per-row table whose name only contains the word stays a lost WHERE.
    assert.equal(error(rule, 'UPDATE system_users SET name = $1').severity, 'warning');
  });
  it('a message built from an estimate never contradicts it (no "about 0 rows … holds one row")', () => {
    for (const rows of [0, 1]) {
      for (const analysed of [true, false]) {
        const m = error(rule, 'UPDATE counters SET value = $1', { evidence: facts({ counters: { rows, analysed, cols: { id: 'int8 idx' } } }) }).message;
        assert.doesNotMatch(m, /about 0 rows|\b1 rows|holds one row/, m);
        assert.match(m, rows === 0 ? /\(no rows by (the last ANALYZE|its size: never analysed)\)/ : /\(about 1 row(, estimated from its size: never analysed)?\)/, m);
        assert.match(m, /while the table is this small/);
      }
    }
    // The name's claim carries no count; the catalog's count carries no claim about design.
    const named = error(rule, 'UPDATE app_settings SET v = $1', { evidence: facts({ app_settings: { rows: 0, cols: { id: 'int8 idx' } } }) }).message;
    assert.doesNotMatch(named, /by its name/);
  });
  it('says how many rows with catalog facts', () => {
    assert.match(error(rule, 'DELETE FROM users', { evidence: facts({ users: { rows: 120000, cols: { id: 'int8 idx' } } }) }).message, /about 120k rows\)/);
  });
  it('a table never analysed: the severity follows the estimate from its size, and the message says it is one', () => {
    const f = error(rule, 'UPDATE users SET name = $1', { evidence: facts({ users: { rows: 120000, analysed: false, cols: { id: 'int8 idx' } } }) });
    assert.equal(f.severity, 'error');
    assert.match(f.message, /about 120k rows, estimated from its size: never analysed\)/);
    assert.equal(f.evidence?.neverAnalysed, true);
  });
  it('skips statements completed at run time (dynamic sites)', () => {
    const site = { language: 'go' as const, api: 'database/sql.Exec', sql: 'UPDATE users SET name = $1', sourceMap: [...'UPDATE users SET name = $1'].map((_, i) => i), span: { start: 0, end: 26 }, params: [], confidence: 1, dynamic: true };
    assert.deepEqual(checkSite(site, [rule]), []);
    assert.equal(checkSite({ ...site, dynamic: false }, [rule]).length, 1);
  });
  it('accepts statements with a WHERE clause and other statements', () => {
    ok(rule, 'DELETE FROM users WHERE id = $1');
    ok(rule, 'UPDATE users SET a = 1 WHERE true');
    ok(rule, 'SELECT * FROM users');
    ok(rule, 'INSERT INTO users (id) VALUES ($1)');
  });
});
