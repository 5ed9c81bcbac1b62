/**
 * A thin wrapper around the driver is not where its statements are written (person21 MEDIUM 1): the capture takes the
 * caller's line. Which lines hand on what they are given, at the column V8 gives for the call (the called name).
 */
import * as assert from 'node:assert/strict';
import { isPassThroughCall } from '../../../../src/core/record/passThrough';

const at = (line: string, call: string) => line.indexOf(call) + 1;

describe('core/record/passThrough', () => {
  it('a wrapper that hands on its arguments: a spread, arguments, or its own parameters', () => {
    const traffic = '  const db = { query: (...args: unknown[]) => (queries++, pool.query(...(args as [string]))) };';
    const spread = 'const db = { query: (...args) => (queries++, pool.query(...args)) };';
    assert.equal(isPassThroughCall(spread, at(spread, 'query(...args))')), true);
    const named = 'export const q = (text: string, values?: unknown[]) => pool.query(text, values);';
    assert.equal(isPassThroughCall(named, at(named, 'query(text')), true);
    const fn = 'function run(sql, params) { return client.query(sql, params); }';
    assert.equal(isPassThroughCall(fn, at(fn, 'query(sql')), true);
    const apply = '  return pool.query.apply(pool, arguments);';
    assert.equal(isPassThroughCall(apply, at(apply, 'apply(')), true);
    const method = '  async query(text: string, params: unknown[]) { return this.pool.query(text, params); }';
    assert.equal(isPassThroughCall(method, at(method, 'query(text, params);')), true);
    assert.equal(isPassThroughCall(traffic, at(traffic, 'query(...(')), false, 'a spread of something computed (a cast of the arguments) is not recognised: the line stays the site');
    // The shop's own traffic script (examples/shop/traffic.ts): the callee cast, the rest parameter spread.
    const shop = '  const db: Db = { query: ((...args: unknown[]) => (queries++, (pool.query as (...a: unknown[]) => unknown)(...args))) as Db[\'query\'] };';
    for (const c of ['pool.query as', 'query as', '(pool.query as']) assert.equal(isPassThroughCall(shop, at(shop, c)), true, c);
  });

  it('a call given its statement here (a literal, a constant, a name the function made) is where it is written', () => {
    const literal = "  const r = await pool.query('SELECT * FROM customers WHERE id = $1', [id]);";
    assert.equal(isPassThroughCall(literal, at(literal, 'query(')), false);
    const template = '  const r = await db.query(`SELECT max(id) FROM ${table}`);';
    assert.equal(isPassThroughCall(template, at(template, 'query(')), false);
    const constant = 'export const byId = (id: number) => pool.query(BY_ID, [id]);';
    assert.equal(isPassThroughCall(constant, at(constant, 'query(')), false);
    const param = 'export const byId = (id: number) => pool.query(sql, [id]);';
    assert.equal(isPassThroughCall(param, at(param, 'query(')), false);
    const noArgs = '  await client.query();';
    assert.equal(isPassThroughCall(noArgs, at(noArgs, 'query(')), false);
    // The call's own first argument is not one of the function's parameters.
    const other = '  const run = (values) => pool.query(text, values);';
    assert.equal(isPassThroughCall(other, at(other, 'query(')), false);
  });
});
