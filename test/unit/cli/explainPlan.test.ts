/**
 * pg-lens explain --plan: a plan brought from a file, standard input or a server log, read without a
 * database, printed as for a live statement; a plan it cannot read is refused with one line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'plans');

// No database in the environment: --plan must not need one.
const run = (args: string[], stdin?: string) => runCli(args, { cwd: FIX, stdin });

describe('cli explain --plan', () => {
  it('reads a psql-framed text plan from a file: tree, time outside the nodes, the foreign-key tip first', async () => {
    const r = await run(['explain', '--plan', 'psql/pg18/delete-fk-trigger/aligned-border2-unicode.txt']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Delete on orders/);
    assert.match(r.out, /Outside the nodes: 2\.56 s in triggers \(\d+(\.\d+)?% of the execution\)/);
    assert.match(r.out, /Tips[^\n]*\n\s+1\. Foreign key order_items_order_id_fkey/);
  });

  it('prints JSON with summary.nodes, summary.warnings and summary.tips, as for a live statement', async () => {
    const r = await run(['explain', '--plan', '-', '--format', 'json'], fs.readFileSync(path.join(FIX, 'psql', 'pg15', 'jit', 'wrapped-border1-unicode.txt'), 'utf8'));
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.summary.nodes.length, 2);
    assert.ok(Array.isArray(j.summary.warnings));
    assert.equal(j.summary.tips[0].kind, 'jit-time');
    assert.equal(j.plan[0].Plan['Node Type'], 'Aggregate');
  });

  it('lists the plans of an auto_explain log and opens the slowest, or the one picked', async () => {
    const r = await run(['explain', '--plan', 'logs/pg15-auto_explain.log']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /4 auto_explain plan\(s\)/);
    assert.match(r.out, /showing plan 3 \(the slowest\)/);
    assert.match(r.out, /▶ Limit/);
    const p = await run(['explain', '--plan', 'logs/pg15-auto_explain.log', '--pick', '2', '--format', 'json']);
    const j = JSON.parse(p.out);
    assert.equal(j.log.picked, 2);
    assert.equal(j.log.plans.length, 4);
    assert.equal(j.plan[0].Plan['Index Name'], 't_pkey');
    const bad = await run(['explain', '--plan', 'logs/pg15-auto_explain.log', '--pick', '9']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--pick takes 1 to 4/);
  });

  it('refuses a plan it cannot read with one line, and exits non-zero', async () => {
    const r = await run(['explain', '--plan', '-'], 'Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: (a = 1) AND\n(b = 2)\n');
    assert.equal(r.code, 3);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /Cannot read line 3/);
  });
});
