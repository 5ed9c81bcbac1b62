/**
 * `pg-lens advise --file` and the editor's Suggest Indexes give one answer for the same file's statement (person42 L2).
 * The editor judges a file's kind of code by its path in the workspace folder (vscode contextPathOf) and tells a one-off
 * script's statement "No index advice: statements in one-off scripts are not the app's workload…"; the CLI judged no
 * context at all and proved an index for it. Both now ask fileStatementNotWorkload on core/codeContext contextPathIn's
 * path — the CLI's root is the folder it runs in, as `pg-lens scan`'s with no folder given. A request's statement is still
 * advised by both, with the same index.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shopSources, shopWithTraffic } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import { contextPathIn, codeContextOf } from '../../../src/core/codeContext';
import { fileStatementNotWorkload, foundStatementsOf } from '../../../src/core/advice/workload';
import { loadPgParser } from '../../../src/core/sql/statement';
import { IndexDecider, topStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { decided } from '../../../src/db/missingIndexAnalyzer';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { testDatabase } from '../support';
import { runCli } from '../../unit/support/cli';
import { tempFolderForRun } from '../../unit/support/tempFolder';

/** A person's refunds report, run by hand now and then: a one-off script of the shop. */
const REFUNDS_SQL = `-- Refunds of the month, for finance.
SELECT id, customer_id, total_cents, placed_at
FROM orders
WHERE status = 'refunded'
ORDER BY placed_at DESC;
`;
const REFUNDS_LINE = 2;

describe('examples/shop: pg-lens advise --file and the editor\'s Suggest Indexes give one answer for a file\'s statement (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_advise_file');
  let db: Database;
  /** The shop as a person's project folder (the editor's workspace folder, the CLI's working folder). */
  let root = '';

  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    await t.admin.query('VACUUM ANALYZE orders');
    db = await t.open();
    // Under a folder named like a script's (`tools/`): only the path in the project may decide the context.
    root = path.join(tempFolderForRun('pglens-advise-file-'), 'tools', 'shop');
    for (const [file, text] of [...shopSources(), ['scripts/refunds.sql', REFUNDS_SQL] as const]) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
  });

  /** The project's files as the editor reads them: each statement with its place and its file's kind of code (indexAdvice.ts sqlOf). */
  const workspace = async () => {
    const ws = new WorkspaceStatements();
    for (const file of [...shopSources().keys(), 'scripts/refunds.sql']) {
      const abs = path.join(root, file);
      const text = fs.readFileSync(abs, 'utf8');
      ws.setFile(abs, foundStatementsOf((await extractSqlSites(text, abs, abs)).filter((s) => s.confidence >= 0.5), text, file, codeContextOf(contextPathIn(root, abs), text)));
    }
    return ws;
  };

  /** The editor's Suggest Indexes on the statement at `line` of `file` (indexAdvice.ts suggestCommand): its answer, or its indexes. */
  const editor = async (file: string, line: number) => {
    const abs = path.join(root, file);
    const text = fs.readFileSync(abs, 'utf8');
    const site = (await extractSqlSites(text, abs, abs)).find((s) => text.slice(0, s.span.start).split('\n').length === line)!;
    assert.ok(site, `a statement at ${file}:${line}`);
    await loadPgParser();
    const why = fileStatementNotWorkload({ sql: site.sql, source: file, contextPath: contextPathIn(root, abs), text });
    if (why) return { why, ddl: [] as string[] };
    const decider = new IndexDecider(db, {});
    const d = await decider.decide((await workspace()).statements((await topStatements(db)).statements), { focus: [site.sql], realIndexes: true });
    return { ddl: decided(decider, site.sql, d)?.suggestions.map((s) => s.ddl) ?? [] };
  };

  /** `pg-lens advise --file` run from the project's folder. */
  const cli = async (file: string, line: number) => {
    const json = await runCli(['advise', '--db', t.url, '--format', 'json', '--file', file, '--line', String(line)], { cwd: root });
    assert.equal(json.code, 0, json.err);
    const text = await runCli(['advise', '--db', t.url, '--file', file, '--line', String(line)], { cwd: root });
    assert.equal(text.code, 0, text.err);
    return { ddl: (JSON.parse(json.out).suggestions as { ddl: string }[]).map((s) => s.ddl), out: text.out };
  };

  it('a one-off script\'s statement: no index from either, the CLI saying the editor\'s words', async () => {
    const e = await editor('scripts/refunds.sql', REFUNDS_LINE);
    assert.match(e.why ?? '', /^No index advice: statements in one-off scripts are not the app's workload\./, e.why);
    const c = await cli('scripts/refunds.sql', REFUNDS_LINE);
    // Before: CREATE INDEX CONCURRENTLY orders_status_… proved for it.
    assert.deepEqual(c.ddl, e.ddl, c.out);
    assert.equal(c.out, `scripts/refunds.sql:${REFUNDS_LINE}: ${e.why} To weigh it anyway, give its text: pg-lens advise "…".`);
    // Named by its absolute path, from the same folder: the same answer (its path in the project decides, not the
    // folders above the project — `tools/`).
    const abs = await cli(path.join(root, 'scripts', 'refunds.sql'), REFUNDS_LINE);
    assert.deepEqual(abs.ddl, []);
    assert.match(abs.out, /No index advice: statements in one-off scripts/);
  });

  it('a request\'s statement (src/orders.ts:70): the same index from both', async () => {
    const e = await editor('src/orders.ts', 70);
    assert.equal(e.why, undefined);
    assert.ok(e.ddl.some((d) => / ON orders \(status/.test(d)), JSON.stringify(e.ddl));
    const c = await cli('src/orders.ts', 70);
    assert.deepEqual(c.ddl, e.ddl, c.out);
  });
  it('pg-lens advise --file src/orders.ts: an index shared with a statement of pg_stat_statements names it by its text on the index\'s for: line, never by a queryid (person49 L-6)', async () => {
    const r = await runCli(['advise', '--db', t.url, '--file', 'src/orders.ts'], { cwd: root });
    assert.equal(r.code, 0, r.err);
    // Said on the index's "for:" line, in `pg-lens record`'s grouping and words (core statementsPerIndex, indexForLine):
    // before, a note per statement below the list ("src/orders.ts:78: orders_customer_id_… is one index for both, also …").
    const shared = r.out.split('\n').filter((l) => /one index for /.test(l));
    assert.ok(shared.length, r.out);
    for (const l of shared) assert.match(l, /^ {2}for: src\/orders\.ts:\d+(, src\/orders\.ts:\d+)* \(one index for (both|\d+ statements), also (src\/\w+\.ts:\d+|"[^"]+")(, (src\/\w+\.ts:\d+|"[^"]+"))*( and \d+ more)?\)$/, r.out);
    assert.doesNotMatch(r.out, / is one index for /, r.out);
    assert.doesNotMatch(r.out, /queryid/, r.out);
  });
});
