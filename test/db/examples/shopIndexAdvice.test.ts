/**
 * Index advice that agrees with itself, on examples/shop (issue 20 item 5): the shop reads reviews by
 * product_id in three statements (the featured page's latest reviews, ORDER BY created_at DESC LIMIT 3;
 * a product's rating; the batched page). Each surface — the editor's missing-index analyzer on one
 * file, `pg-lens scan --db`, `pg-lens advise` for one statement, and the workload advice — names the
 * same index for each of them: the one decision (db/indexDecision.ts), shared by the three statements.
 * Before, the per-statement advisor, the editor's overlap merge and the workload each chose on their own
 * and gave three definitions (reviews (product_id) INCLUDE (…), (product_id), (product_id, created_at DESC)).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shopStatements, shopWithTraffic } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import type { Finding } from '../../../src/core/findings';
import { decisionStatements, IndexDecider } from '../../../src/db/indexDecision';
import { missingIndexAnalyzer } from '../../../src/db/missingIndexAnalyzer';
import { adviseWorkload } from '../../../src/db/workload';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { testDatabase } from '../support';
import { runCli } from '../../unit/support/cli';

const src = path.join(__dirname, '..', '..', '..', 'examples', 'shop', 'src');
const FEATURED = /FROM reviews WHERE product_id = \$1 ORDER BY created_at DESC LIMIT 3/;
const RATING = /SELECT avg\(rating\)::float8 AS average, count\(\*\)::int AS count FROM reviews WHERE product_id = \$1/;

describe('examples/shop: one index decision for the reviews statements on every surface (real PostgreSQL)', function () {
  this.timeout(300000);
  const t = testDatabase('shop_index_advice');
  let db: Database;
  const files: { sql: string; source: string }[] = [];

  before(async () => {
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    db = await t.open();
    files.push(...(await shopStatements()));
  });

  const ddlOf = (f: Finding | undefined) => (f?.evidence as { suggestions?: { ddl: string }[] } | undefined)?.suggestions?.map((s) => s.ddl);

  /** Every surface's answer for the rating and the featured reviews statements, and the workload's index on reviews. */
  async function surfaces() {
    // The editor: one file analysed at a time, decided with the workspace's statements and pg_stat_statements'.
    const editorAdvice = async (file: string) => {
      const text = fs.readFileSync(path.join(src, file), 'utf8');
      const decider = new IndexDecider(db, { realIndexes: true });
      const a = missingIndexAnalyzer(decider, { statements: async () => (await decisionStatements(db, files)).statements });
      const findings = await a.analyze({ file: `src/${file}`, text, language: file, sites: await extractSqlSites(text, file, file) });
      // The finding of the statement whose SQL starts on that line.
      return (line: number) => findings.find((f) => f.ruleId === 'missing-index' && text.slice(0, f.span.start).split('\n').length === line);
    };
    const reviewsTs = await editorAdvice('reviews.ts');
    const productsTs = await editorAdvice('products.ts');
    const editorRating = ddlOf(reviewsTs(6));
    const editorFeatured = ddlOf(productsTs(72));

    // pg-lens scan --db over the shop's code.
    const scan = await runCli(['scan', src, '--db', t.url, '--format', 'json', '--fail-on', 'never']);
    assert.equal(scan.code, 0, scan.err);
    const found = JSON.parse(scan.out).findings as { ruleId: string; file: string; line: number; evidence: { suggestions: { ddl: string }[] } }[];
    const at = (file: string, line: number) => found.find((f) => f.ruleId === 'missing-index' && f.file.endsWith(file) && f.line === line)?.evidence.suggestions.map((s) => s.ddl);
    const scanRating = at('reviews.ts', 6);
    const scanFeatured = at('products.ts', 72);

    // pg-lens advise for the statement at a line (Suggest Indexes does the same through the editor's decider), run from the
    // shop's folder: the project the editor above has open (`src/reviews.ts`). From this repository's root the file is
    // `examples/shop/src/reviews.ts`, an example's — a one-off script's, given no index, as the editor on that folder says.
    const advise = async (file: string, line: number) => {
      const r = await runCli(['advise', '--db', t.url, '--format', 'json', '--file', path.join('src', file), '--line', String(line)], { cwd: path.dirname(src) });
      assert.equal(r.code, 0, r.err);
      return (JSON.parse(r.out).suggestions as { ddl: string }[]).map((s) => s.ddl);
    };
    const adviseRating = await advise('reviews.ts', 6);
    const adviseFeatured = await advise('products.ts', 72);

    // The workload advice.
    const w = await adviseWorkload(db, { extraStatements: files });
    const reviewsIndex = w.suggestions.filter((s) => s.table === 'reviews');
    assert.equal(reviewsIndex.length, 1, `one index on reviews in the workload: ${reviewsIndex.map((s) => s.ddl).join(' | ')}`);
    const served = reviewsIndex[0].statements.map((s) => s.key);
    assert.ok(served.some((k) => FEATURED.test(k)) && served.some((k) => RATING.test(k)), JSON.stringify(reviewsIndex[0].statements.map((s) => s.label)));

    return { editorRating, editorFeatured, scanRating, scanFeatured, adviseRating, adviseFeatured, workload: reviewsIndex[0], ratingMessage: reviewsTs(6)?.help ?? '' };
  }

  const check = (r: Awaited<ReturnType<typeof surfaces>>, state: string) => {
    const one = [r.workload.ddl];
    console.log(`      ${state}: ${one[0]} (serves ${r.workload.statements.length} statements)`);
    assert.match(one[0], /ON reviews \(product_id, created_at DESC\)$/, 'the index that serves the sort with the LIMIT, and the rating lookups');
    const { workload: _w, ratingMessage, ...perSurface } = r;
    assert.deepEqual(perSurface, { editorRating: one, editorFeatured: one, scanRating: one, scanFeatured: one, adviseRating: one, adviseFeatured: one });
    // The rating statement is told the index is shared rather than getting a rival of its own (in its help: the message is
    // the claim alone, person30 M1).
    assert.match(ratingMessage, /One index, also serving \d+ other statements?/);
  };

  it('the editor (one file open), the CLI scan, pg-lens advise and the workload name the same index for each reviews statement', async () => {
    check(await surfaces(), 'as loaded');
  });

  it('the same after VACUUM, when index-only scans look cheap (before, a covering (product_id) INCLUDE (rating) took over on some surfaces only)', async () => {
    await t.admin.query('VACUUM ANALYZE reviews');
    check(await surfaces(), 'after VACUUM');
  });
});
