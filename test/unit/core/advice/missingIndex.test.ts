import { strict as assert } from 'node:assert';
import { bestProvedFigures, costDrop, earlierNote, missingIndexFinding, noIndexAnswer, missingIndexHover, sameShownAdvice, withheldAnswer, type HoverSuggestion, type ProvedSuggestion } from '../../../../src/core/advice/missingIndex';
import { candidateFromSuggestion } from '../../../../src/core/advice/indexCandidates';
import { overlaps, sharedIndexFits } from '../../../../src/core/advice/workload';
import { analyzeFile, functionAnalyzer, rulesAnalyzer } from '../../../../src/core/scan';
import { OTHER_RULES } from '../../../../src/core/rules/index';
import { loadPgParser } from '../../../../src/core/sql/statement';

const file = 'const q = sql`SELECT * FROM orders o WHERE o.customer_id = ${id}`;';
const sqlStart = file.indexOf('SELECT');
const sqlText = 'SELECT * FROM orders o WHERE o.customer_id = $1';
// `${id}` (5 characters) became `$1` (2): both map to the start of what they replaced.
const sourceMap = Array.from(sqlText, (_, i) => (i < sqlText.length - 2 ? sqlStart + i : file.indexOf('${id}')));
const site = { sql: sqlText, sourceMap, span: { start: file.indexOf('`'), end: file.lastIndexOf('`') + 1 }, file: 'a.ts' };
const s: ProvedSuggestion = {
  ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)', table: 'orders', schema: 'public', columns: ['customer_id'],
  summary: 'Seq Scan on orders (1.2M rows): an index on orders (customer_id) cuts the estimated cost 18,400 → 12', reason: 'equality on customer_id',
  verifiedBy: 'hypopg', costBefore: 18400, costAfter: 12,
};
const PROVED = 'Proved by the planner (HypoPG).';

describe('core/advice/missingIndex', () => {
  it('says how many candidates were tried in words that agree with the number (issue 20, person16 LOW 8)', () => {
    const o = { minCostReduction: 0.3, sizeSetting: 'pgLens.index.maxTableSizeMb' };
    assert.equal(noIndexAnswer({ considered: 1, tried: [{}] }, o), 'no index cuts the estimated cost by 30% or more (1 candidate tried)');
    assert.equal(noIndexAnswer({ considered: 3, tried: [{}, {}, {}], proofNote: 'HypoPG is created for this analysis only' }, o), 'no index cuts the estimated cost by 30% or more (3 candidates tried); HypoPG is created for this analysis only');
  });

  it('never says "no index" for candidates nobody tried: the table above the size limit, a build made only when asked, no way to try (issue 20, person17 HIGH 4, MEDIUM 5)', () => {
    const o = { minCostReduction: 0.3, sizeSetting: '--max-table-size-mb' };
    const big = noIndexAnswer({ considered: 1, tried: [], notTried: [{ index: 'catalog_book (title)', table: 'catalog_book', why: 'size', tableBytes: 59 * 1024 * 1024, limitBytes: 50 * 1024 * 1024 }] }, o);
    assert.equal(big, 'not tried: catalog_book is 59 MB, above the size limit for a real trial index (--max-table-size-mb: 50 MB; raise it, or install HypoPG, which builds nothing): catalog_book (title)');
    const asked = noIndexAnswer({ considered: 2, tried: [{}], notTried: [{ index: 'catalog_bookinstance (status, due_back)', table: 'catalog_bookinstance', why: 'withheld' }] }, o);
    assert.match(asked, /^of 1 candidate tried, none cuts the estimated cost by 30% or more; not proved: catalog_bookinstance \(status, due_back\) — .*Suggest Indexes tries it$/);
    assert.match(noIndexAnswer({ considered: 1, tried: [], proofNote: 'HypoPG is not available on this server', notTried: [{ index: 'a (b)', table: 'a', why: 'unavailable' }] }, o), /^not tried: a \(b\) \(HypoPG is not available on this server\)$/);
    for (const text of [big, asked]) assert.doesNotMatch(text, /no index/i);
    assert.equal(noIndexAnswer({ considered: 1, tried: [], notTried: [{ index: 'tokens (user_id)', table: 'tokens', why: 'failed', error: 'Gave up waiting for a lock (lock_timeout).' }] }, o), 'not tried: the trial of tokens (user_id) failed (Gave up waiting for a lock (lock_timeout)); ask again');
    // Held back by the connection's budget of real trial builds (person31 H2): not tried yet, proved again later.
    assert.equal(noIndexAnswer({ considered: 2, tried: [], notTried: [{ index: 'orders (customer_id)', table: 'orders', why: 'budget' }, { index: 'orders (customer_id, placed_at DESC)', table: 'orders', why: 'budget' }] }, o), 'not tried yet: PG Lens has made as many real trial builds on orders as it makes in a minute; proved again later: orders (customer_id), orders (customer_id, placed_at DESC)');
    // No candidate at all: said as that, not as a result of trying.
    assert.match(noIndexAnswer({ considered: 0, tried: [] }, o), /^no index candidate: /);
    // No candidate because an index already gives it: named, never "nothing in it is something an index would serve".
    assert.equal(noIndexAnswer({ considered: 0, tried: [], servedBy: ['public.orders_customer_id_placed_at_desc_idx'] }, o), 'no index to add: an index it would use exists (public.orders_customer_id_placed_at_desc_idx)');
    // The same words on every line whose index exists, candidates tried beside it or not (issue 20, person47 L5:
    // src/orders.ts:70 said "no index cuts … (1 candidate tried)" after orders_status_idx was made).
    assert.equal(noIndexAnswer({ considered: 1, tried: [{}], proofNote: 'HypoPG is not available on this server', servedBy: ['public.orders_status_idx'] }, o), 'no index to add: an index it would use exists (public.orders_status_idx); the other candidate tried does not cut the estimated cost by 30% or more');
    assert.equal(noIndexAnswer({ considered: 2, tried: [{}, {}], servedBy: ['public.orders_status_idx'], servedUnused: ['public.orders_status_idx'] }, o), 'no index to add: an index it would use exists (public.orders_status_idx), though its plan does not use it now; none of the 2 other candidates tried cut the estimated cost by 30% or more');
    assert.match(noIndexAnswer({ considered: 1, tried: [], servedBy: ['public.a_idx'], notTried: [{ index: 'a (b)', table: 'a', why: 'withheld' }] }, o), /^no index to add: an index it would use exists \(public\.a_idx\); not proved: a \(b\)/);
  });

  it("another statement's index fits a statement only when its keys serve that statement's predicates in order (issue 20, person16 HIGH 2)", () => {
    const shared = { columns: ['is_deleted', 'is_restored', 'user_id', 'updated_at'] };
    // trash.go:423: is_deleted = true AND updated_at > $1 … ORDER BY updated_at — no is_restored, no user_id: updated_at sits behind them.
    assert.equal(sharedIndexFits(shared, { columns: ['is_deleted', 'updated_at'] }, { eq: new Set(['is_deleted']), ordered: new Set(['updated_at']) }), false);
    // trash.go:343: every key bound — it fits.
    assert.equal(sharedIndexFits(shared, { columns: ['is_deleted', 'user_id'] }, { eq: new Set(['is_deleted', 'is_restored', 'user_id']), ordered: new Set(['updated_at']) }), true);
    // A wider index whose first keys this statement binds, and that has nothing it needs behind them: fits (the planner then judges).
    assert.equal(sharedIndexFits({ columns: ['customer_id', 'placed_at DESC'] }, { columns: ['customer_id'] }, { eq: new Set(['customer_id']), ordered: new Set() }), true);
    // Leading with a column the statement does not bind at all: no fit.
    assert.equal(sharedIndexFits({ columns: ['status', 'customer_id'] }, { columns: ['customer_id'] }, { eq: new Set(['customer_id']), ordered: new Set() }), false);
  });

  it('a shared index that does less for the statement than its own says so on the line and in the hover, with its own figure (person41)', () => {
    const sharedIx = { ...s, ddl: 'CREATE INDEX CONCURRENTLY orders_status_placed_at_desc_idx ON orders (status, placed_at DESC)', columns: ['status', 'placed_at DESC'], costBefore: 1221.39, costAfter: 639.86, summary: 'Seq Scan on orders (32k rows): an index on orders (status, placed_at DESC) cuts the estimated cost 1,221 → 640' };
    const own = { ddl: 'CREATE INDEX CONCURRENTLY orders_status_customer_id_idx ON orders (status, customer_id)', table: 'orders', columns: ['status', 'customer_id'], costAfter: 288 };
    const others = ['src/orders.ts:70', 'queries/reports.sql:11', 'queries/reports.sql:13', 'queries/reports.sql:15'];
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [sharedIx] }, { alsoServes: { [sharedIx.ddl]: others }, ownInstead: { [sharedIx.ddl]: own } })!;
    assert.equal(f.message, 'Seq Scan on orders (32k rows): an index on orders (status, placed_at DESC) cuts the estimated cost 1,221 → 640 (one index shared with 4 other statements; its own, orders (status, customer_id), would give 288)');
    // Its own index would do no better: nothing to explain, but the line still says the index is shared (person51 L-6:
    // customers.ts:27 and orders.ts:80 shared orders (customer_id, placed_at DESC) and their lines did not say so).
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [sharedIx] }, { alsoServes: { [sharedIx.ddl]: others }, ownInstead: { [sharedIx.ddl]: { ...own, costAfter: 700 } } })!.message, `${sharedIx.summary} (one index shared with 4 other statements)`);
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [sharedIx] }, { alsoServes: { [sharedIx.ddl]: others.slice(0, 1) } })!.message, `${sharedIx.summary} (one index shared with 1 other statement)`);
    // Not shared: the claim alone.
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [sharedIx] }, { alsoServes: { [sharedIx.ddl]: [] } })!.message, sharedIx.summary);
    const hover = missingIndexHover({ ...sharedIx, name: 'orders_status_placed_at_desc_idx', indexSizeBytes: null, planAfter: [] }, { docs: 'd', alsoServes: others, ownInstead: own });
    assert.match(hover, /one index for 5 statements, also .* · its own, orders \\\(status, customer\\_id\\\), would give 288$/);
  });

  it('a proved suggestion: a warning on the table name in the code, with help, fixes and evidence', () => {
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [s] })!;
    assert.equal(f.ruleId, 'missing-index');
    assert.equal(f.severity, 'warning');
    assert.equal(file.slice(f.span.start, f.span.end), 'orders');
    assert.equal(f.message, s.summary);
    // How it was proved, in the hover's words (person41: the CLI text never said it).
    assert.equal(f.help, `${s.ddl};\n${PROVED}`);
    assert.deepEqual(f.fixes.map((x) => x.command?.id), ['pgLens.addIndexMigration', 'pgLens.copyCreateIndex']);
    assert.deepEqual((f.evidence as any).suggestions[0].costAfter, 12);
  });

  it('fix titles say what the DDL creates: INCLUDE, method and operator class, order, WHERE ("reviews (product_id)" hid them)', () => {
    const titles = (ddl: string, table: string, columns: string[]) =>
      missingIndexFinding(site, { status: 'ok', suggestions: [{ ...s, ddl, table, columns }] }, { createNow: true })!.fixes.map((x) => x.title);
    assert.deepEqual(titles('CREATE INDEX CONCURRENTLY reviews_product_id_covering_rating_idx ON reviews (product_id) INCLUDE (rating)', 'reviews', ['product_id']), [
      'Create index now: reviews (product_id) INCLUDE (rating)', 'Add migration: reviews (product_id) INCLUDE (rating)', 'Copy CREATE INDEX: reviews (product_id) INCLUDE (rating)',
    ]);
    assert.equal(titles('CREATE INDEX CONCURRENTLY products_attributes_idx ON products USING gin (attributes jsonb_path_ops)', 'products', ['attributes'])[0], 'Create index now: products USING gin (attributes jsonb_path_ops)');
    assert.equal(titles('CREATE INDEX "my ""odd"" ON idx" ON app."Order" (placed_at DESC) WHERE (status = \'open\')', 'Order', ['placed_at'])[1], 'Add migration: app."Order" (placed_at DESC) WHERE (status = \'open\')');
    assert.equal(titles('CREATE INDEX x ON public.orders (customer_id);', 'orders', ['customer_id'])[2], 'Copy CREATE INDEX: orders (customer_id)');
  });

  it('the message is the claim alone; a shared index names the other statements it serves by their places in the help (the CLI prints it), a statement without one counted (person26; person30 M1)', () => {
    const of = (others: string[]) => missingIndexFinding(site, { status: 'ok', suggestions: [s] }, { alsoServes: { [s.ddl]: others } })!;
    // The claim and that the index is shared, counted (person51 L-6); the places are the help's: VS Code's problem part shows
    // the message above the hover, where "(one index, also serving …)" with the places pushed Open plan out of the box.
    assert.equal(of(['src/orders.ts:70', 'report.py:5']).message, `${s.summary} (one index shared with 2 other statements)`);
    assert.equal(of([]).message, s.summary);
    const help = (others: string[]) => of(others).help!.split('\n');
    assert.equal(help([])[1], PROVED);
    assert.deepEqual(help(['src/orders.ts:70', 'report.py:5']), [`${s.ddl};`, PROVED, 'One index, also serving 2 other statements: src/orders.ts:70, report.py:5.']);
    assert.deepEqual(help(['src/orders.ts:70']), [`${s.ddl};`, PROVED, 'One index, also serving 1 other statement: src/orders.ts:70.']);
    // A recorded statement and a pg_stat_statements entry have no place: counted in "more", never quoted.
    assert.equal(help(['recorded: SELECT id FROM orders WHERE status = $1', 'a.ts:1', 'queryid 42: SELECT 1'])[2], 'One index, also serving 3 other statements: a.ts:1 and 2 more.');
    // A generated file's 2,999 others: eight named, the rest counted (each statement's help listed them all).
    assert.equal(help(Array.from({ length: 2999 }, (_, i) => `other/huge.ts:${4 * i + 6}`))[2], 'One index, also serving 2999 other statements: other/huge.ts:6, other/huge.ts:10, other/huge.ts:14, other/huge.ts:18, other/huge.ts:22, other/huge.ts:26, other/huge.ts:30, other/huge.ts:34 and 2991 more.');
    assert.equal(help(['recorded: SELECT id FROM orders WHERE status = $1'])[2], 'One index, also serving 1 other statement.');
    // Every place (the long form: the CLI prints it under the message).
    assert.equal(help(['a.ts:1', 'b.ts:2', 'c.py:3', 'd.go:4', 'e.rb:5'])[2], 'One index, also serving 5 other statements: a.ts:1, b.ts:2, c.py:3, d.go:4, e.rb:5.');
    assert.deepEqual(help([]), [`${s.ddl};`, PROVED]);
  });

  it('not verified: information, not a warning', () => {
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [{ ...s, verifiedBy: 'none', costAfter: null }] })!.severity, 'info');
  });

  it('no suggestion, unparsed SQL, missing table or a server error: no finding', () => {
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [] }), undefined);
    for (const status of ['unparsed', 'missing-table', 'error', 'not-analysed'] as const) assert.equal(missingIndexFinding(site, { status, suggestions: [s] }), undefined);
  });

  it('falls back to the whole site when the table is not found in the statement', () => {
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [{ ...s, table: 'customers' }] })!;
    assert.deepEqual(f.span, site.span);
  });

  describe('the hover', () => {
    const s: HoverSuggestion = {
      ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)', table: 'orders', schema: 'public', columns: ['customer_id'],
      summary: 'x', reason: 'equality on customer_id', verifiedBy: 'transaction', costBefore: 934.04, costAfter: 19.38, name: 'orders_customer_id_idx', indexSizeBytes: 417792,
      seqScan: { relation: 'orders', rows: 32000 },
      planAfter: ['Limit  (cost=19.37..19.38 rows=4)', '  -> Bitmap Heap Scan on orders  (cost=4.32..19.33 rows=4)', '    -> Bitmap Index Scan using orders_customer_id_idx  (cost=0.00..4.32 rows=4)'],
    };

    it('reads at a glance: what and how much cheaper (proved) in the head line, the DDL, one line of evidence, one action', () => {
      const text = missingIndexHover(s, { action: { title: 'Create index now', uri: 'command:pgLens.createIndexNow?x' }, docs: 'https://d' });
      const lines = text.split('\n');
      assert.equal(lines[0], '$(lightbulb) **Missing index on orders (customer\\_id)** · cost 934 → 19.4 (48× lower) · proved by the planner (a real index, rolled back)');
      assert.ok(text.includes('```sql\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n```'));
      // The node it is read by and its size; the Seq Scan is the plan part's below (person28 M1), the reason Why's title.
      assert.equal(lines[lines.length - 1], 'with it: Bitmap Index Scan using orders\\_customer\\_id\\_idx · about 408 kB', text);
      assert.doesNotMatch(text, /Seq Scan on/);
      assert.equal((text.match(/\]\(command:/g) ?? []).length, 1, 'one action');
      // Under the head line, where a hover capped in height still shows it (person8: below the fold when an N+1 shared the statement).
      assert.match(lines[1], /^\[Create index now\]\(command:pgLens\.createIndexNow\?x\) · \[Why\]\(https:\/\/d "equality on customer_id"\)/);
      assert.ok(!/Plan before|Plan with the index|cost=/.test(text), 'no plan dumps: the plan hover below shows the plan');
      assert.ok(text.split('\n').length <= 10, `short: ${text.split('\n').length} lines`);
    });

    it('says what the decision weighed in Why\'s title, not in a line more (issue 20: the editor weighed the recording, pg-lens advise not)', () => {
      const weighed = "decided with the workspace's 31 statements, the 7 statements recorded in this window (Record Queries) and pg_stat_statements' 14 busiest";
      const plain = missingIndexHover(s, { docs: 'https://d', underProblem: true });
      const text = missingIndexHover(s, { docs: 'https://d', underProblem: true, weighed });
      assert.equal(text.split('\n').length, plain.split('\n').length, text);
      assert.ok(text.includes(`[Why](https://d "equality on customer_id — index advice ${weighed.replace(/"/g, "'")}")`), text);
    });

    it('a proof kept from the tables as they were says when it was proved and which tables changed since (person41 M1)', () => {
      const at = Date.now() - 12 * 60_000;
      const text = missingIndexHover({ ...s, provedEarlier: { at, changed: ['orders'] } }, { docs: 'https://d', underProblem: true });
      assert.equal(text.split('\n')[0], '$(lightbulb) **48× lower** with the index · proved by the planner (a real index, rolled back), proved 12 min ago; orders has changed since: Suggest Indexes proves it again');
      assert.equal(earlierNote({ at, changed: ['orders', 'customers'] }, at + 20_000), 'proved under 1 min ago; orders, customers have changed since: Suggest Indexes proves it again');
    });

    it('on the finding itself (its message shown just above by VS Code) the head says only how much lower and how it was proved, and the evidence does not name the Seq Scan again (person24 MEDIUM 3)', () => {
      const text = missingIndexHover(s, { action: { title: 'Create index now', uri: 'command:pgLens.createIndexNow?x' }, docs: 'https://d', underProblem: true, alsoServes: ['src/orders.ts:40'] });
      const lines = text.split('\n');
      assert.equal(lines[0], '$(lightbulb) **48× lower** with the index · proved by the planner (a real index, rolled back)');
      assert.doesNotMatch(text, /Missing index on|Seq Scan on|934/);
      assert.ok(text.includes('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);'));
      // The head, its actions and the DDL: the evidence and the statements it also serves stay in Why and the quick fixes,
      // so the plan below is in view (person25: a 474 px hover in a 250 px box, the plan below the fold).
      assert.doesNotMatch(text.replace(/ "[^"]*"\)/g, ')'), /Bitmap Index Scan|equality on|also serves|one index for/, text);
      assert.equal(lines.length, 6, text);
      assert.match(lines[1], /^\[Create index now\]/);
      // The statements it also serves are Why's title there (the problem's message is the claim alone: person30 M1).
      assert.match(lines[1], /\[Why\]\(https:\/\/d "equality on customer_id — One index, also serving 1 other statement: src\/orders\.ts:40"\)/);
      assert.match(missingIndexHover({ ...s, costAfter: null, verifiedBy: 'none' }, { docs: 'd', underProblem: true }).split('\n')[0], /\*\*May help\*\* with the index · not verified by the planner$/);
    });

    it('on a finding sharing its line with another (an N+1 on the same read) the CREATE INDEX is left to the problem\'s message and the quick fixes (person27: Open plan below the box)', () => {
      const o = { action: { title: 'Create index now', uri: 'command:pgLens.createIndexNow?x' }, docs: 'https://d', underProblem: true };
      const crowded = missingIndexHover(s, { ...o, crowded: true });
      assert.doesNotMatch(crowded, /CREATE INDEX CONCURRENTLY|```/);
      // One paragraph: the head, the action and Why (person29 M1).
      assert.equal(crowded, '$(lightbulb) **48× lower** with the index · proved by the planner (a real index, rolled back)\n[Create index now](command:pgLens.createIndexNow?x) · [Why](https://d "equality on customer_id")');
      // Alone on its line: the DDL stays.
      assert.ok(missingIndexHover(s, o).includes('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);'));
    });

    it('crowded off the squiggle (the pointer on the statement of an N+1 line) is one paragraph too: head, action and Why, the evidence in Why\'s title (person29 M1: products.ts:72, 390 px in a 250 px box)', () => {
      const o = { action: { title: 'Create index now', uri: 'command:pgLens.createIndexNow?x' }, docs: 'https://d', alsoServes: ['src/orders.ts:40'] };
      const crowded = missingIndexHover(s, { ...o, crowded: true });
      assert.equal(crowded.split('\n').length, 2, crowded);
      assert.doesNotMatch(crowded, /CREATE INDEX|```|more fixes/);
      assert.match(crowded, /^\$\(lightbulb\) \*\*Missing index on orders \(customer\\_id\)\*\* · cost 934 → 19\.4 \(48× lower\) · proved by the planner \(a real index, rolled back\)\n\[Create index now\]\(command:pgLens\.createIndexNow\?x\) · \[Why\]/);
      assert.ok(crowded.endsWith('[Why](https://d "equality on customer_id — with it: Bitmap Index Scan using orders_customer_id_idx · about 408 kB · one index for both, also src/orders.ts:40")'), crowded);
      // Not crowded, off the squiggle: as before (the DDL and the evidence line).
      const alone = missingIndexHover(s, o);
      assert.ok(alone.includes('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);'));
      assert.match(alone, /\nwith it: Bitmap Index Scan using orders\\_customer\\_id\\_idx · about 408 kB · one index for both, also src\/orders\.ts:40$/);
    });

    it('says when one index serves another site too, and when the planner could not prove it', () => {
      // One line, by place (person28 M1: a list of one statement a line pushed the plan's Open plan 89 px below the box).
      assert.match(missingIndexHover({ ...s, columns: ['customer_id', 'placed_at DESC'] }, { docs: 'd', alsoServes: ['src/orders.ts:40'] }), / · one index for both, also src\/orders\.ts:40$/);
      const four = missingIndexHover(s, { docs: 'd', alsoServes: ['a.ts:1: SELECT 1', 'b.ts:2', 'queryid 42: SELECT id FROM orders WHERE customer_id = $1 AND placed_at > now()', 'c.ts:3'] });
      assert.match(four, / · one index for 5 statements, also a\.ts:1, b\.ts:2, `SELECT id FROM orders WHERE …` and 1 more$/);
      assert.equal(four.split('\n').length, 8, four);
      assert.match(missingIndexHover({ ...s, costAfter: null, verifiedBy: 'none' }, { docs: 'd' }).split('\n')[0], /may help · not verified by the planner$/);
      assert.equal(costDrop(100, 65), '35% lower');
      assert.equal(costDrop(100, 40), '2.5× lower');
    });
  });

  it('overlap: indexes leading with the same column on the same table are tried on each other; their candidate is rebuilt for the planner', () => {
    const narrow = { schema: 'public', table: 'orders', method: 'btree', where: null, columns: ['customer_id'], include: [] };
    const wide = { ...narrow, columns: ['customer_id', 'placed_at DESC'] };
    assert.equal(overlaps(wide, narrow), true);
    assert.equal(overlaps(narrow, wide), true, 'both ways: the planner says which one serves');
    assert.equal(overlaps({ ...narrow, include: ['total'] }, narrow), true, 'a covering variant overlaps its plain index');
    assert.equal(overlaps({ ...wide, where: "status = 'paid'" }, narrow), false);
    assert.equal(overlaps({ ...wide, columns: ['placed_at', 'customer_id'] }, narrow), false);
    assert.equal(overlaps({ ...wide, table: 'items' }, narrow), false);
    assert.equal(overlaps({ ...wide, method: 'gin' }, narrow), false);
    const c = candidateFromSuggestion({ ...wide, name: 'orders_customer_id_placed_at_desc_idx', kind: 'sort', reason: 'r' });
    assert.deepEqual(c?.keys.map((k) => k.sql), ['customer_id', 'placed_at DESC']);
    // An expression key is tried on the other statement too (person42 L3); an operator class is not.
    assert.deepEqual(candidateFromSuggestion({ ...narrow, columns: ['lower(email)', 'country'], name: 'n', kind: 'expression', reason: 'r' })?.keys.map((k) => k.sql), ['(lower(email))', 'country']);
    assert.equal(candidateFromSuggestion({ ...narrow, columns: ['name'], opclasses: ['text_pattern_ops'], name: 'n', kind: 'btree', reason: 'r' }), undefined);
    assert.equal(candidateFromSuggestion({ ...narrow, schema: 'app', table: 'app.orders', name: 'n', kind: 'btree', reason: 'r' })?.table, 'orders');
  });
});

describe('missing-index: when the advice shown has changed', () => {
  const ddl = 'CREATE INDEX CONCURRENTLY users_creation_time_idx ON users (creation_time)';
  it('an estimate that Suggest Indexes proved is new advice (this session on ente: the diagnostic stayed "estimated, not proved" after the proof)', () => {
    const estimated = { status: 'ok', suggestions: [{ ddl, verifiedBy: 'none' }] };
    const proved = { status: 'ok', suggestions: [{ ddl, verifiedBy: 'transaction' }] };
    assert.equal(sameShownAdvice(estimated, proved), false);
    assert.equal(sameShownAdvice(proved, { status: 'ok', suggestions: [{ ddl, verifiedBy: 'transaction' }] }), true);
    assert.equal(sameShownAdvice(proved, { ...proved, alsoServes: { [ddl]: ['src/a.go:3'] } }), false);
  });

  describe('one cause, one finding (person24 LOW 10)', () => {
    before(() => loadPgParser());
    // The shop's customers.ts:19: `lower(email) = lower($1)`, and the advice proved customers (lower(email)).
    const text = [
      'export async function customerByEmail(db: Db, email: string) {',
      "  const { rows } = await db.query('SELECT id, name FROM customers c WHERE lower(c.email) = lower($1)', [email]);",
      '  return rows[0];',
      '}',
      '',
    ].join('\n');
    const byEmail = (ddl: string, columns: string[]): ProvedSuggestion => ({ ddl, table: 'customers', schema: 'public', columns, summary: `Seq Scan on customers (8k rows): an index on customers (${columns.join(', ')}) cuts the estimated cost 59.0 → 24.0`, reason: 'equality on the expression', verifiedBy: 'hypopg', costBefore: 59, costAfter: 24 });
    const run = async (suggestion: ProvedSuggestion) => {
      const advice = functionAnalyzer('missing-index', OTHER_RULES.filter((r) => r.id === 'missing-index'), (_t, _l, f, sites) =>
        sites.flatMap((site) => missingIndexFinding({ ...site, file: f }, { status: 'ok', suggestions: [suggestion] }) ?? []));
      return (await analyzeFile({ path: 'src/customers.ts', text, languageId: 'typescript' }, { analyzers: [rulesAnalyzer(), advice] })).findings;
    };

    it('a non-sargable expression whose index the missing-index finding proves is said once, by that finding, with the expression as a related place', async () => {
      const found = await run(byEmail('CREATE INDEX CONCURRENTLY customers_lower_email_idx ON customers (lower((email)::text))', ['lower(email)']));
      assert.deepEqual(found.map((f) => f.ruleId), ['missing-index'], JSON.stringify(found.map((f) => [f.ruleId, f.message])));
      const rel = found[0].related?.find((r) => r.span && text.slice(r.span.start, r.span.end) === 'lower(c.email)');
      assert.ok(rel, JSON.stringify(found[0].related));
      assert.match(rel!.message, /^lower\(c\.email\) hides c\.email from its index.*The index above holds the expression\.$/);
    });

    it('an estimate (not proved, info) does not take the place of the rule\'s warning', async () => {
      const found = await run({ ...byEmail('CREATE INDEX CONCURRENTLY customers_lower_email_idx ON customers (lower(email))', ['lower(email)']), verifiedBy: 'none' });
      assert.deepEqual(found.map((f) => `${f.ruleId}:${f.severity}`).sort(), ['missing-index:info', 'non-sargable-predicate:warning']);
    });

    it('an index that does not hold the expression (another column, another expression) leaves the non-sargable finding', async () => {
      for (const [ddl, cols] of [['CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)', ['name']], ['CREATE INDEX CONCURRENTLY customers_lower_email_domain_idx ON customers (lower(email_domain))', ['lower(email_domain)']]] as const) {
        const found = await run(byEmail(ddl, [...cols]));
        assert.deepEqual(found.map((f) => f.ruleId).sort(), ['missing-index', 'non-sargable-predicate'], ddl);
      }
    });
  });

  it('the proved figures a pasted plan takes keep where the statement is written and the table\'s indexes when it was proved (person33 L1); the best proof per index keeps its own', () => {
    const s = { table: 'order_items', costBefore: 1590, costAfter: 42.5, verifiedBy: 'transaction', columns: ['product_id'], ddl: 'CREATE INDEX CONCURRENTLY order_items_product_id_idx ON order_items (product_id)', tableIndexes: ['order_items_pkey'] };
    const figures = bestProvedFigures([{ ...s, at: 'src/a.ts:1' }, { ...s, costAfter: 30, at: 'other/reviews.go:14' }, { ...s, costAfter: null, at: 'x.ts:1' }]);
    assert.deepEqual(figures.map((f) => [f.at, f.tableIndexes, f.costAfter]), [['other/reviews.go:14', ['order_items_pkey'], 30]]);
    assert.equal(bestProvedFigures([{ ...s, tableIndexes: undefined }])[0].at, undefined);
  });
});

describe('missing-index: an index withheld for its write cost is said, never dropped (issue 20, person47 H1)', () => {
  const why = "orders is write-heavy (20,000 rows inserted/updated/deleted since the statistics were reset): keeping this index current costs about 40 ms against 14 ms saved";
  it('the line keeps its finding, at its proof\'s severity, saying withheld with the figures', () => {
    const f = missingIndexFinding(site, { status: 'ok', suggestions: [] }, { withheld: [{ ddl: s.ddl, why, suggestion: s }] });
    assert.ok(f, 'a finding');
    assert.equal(f.severity, 'warning', 'proved: a warning, as any proved index');
    assert.equal(f.message, `${s.summary} — withheld: ${why}`);
    assert.equal((f.evidence!.suggestions as { withheld?: string }[])[0].withheld, why);
    const estimated = missingIndexFinding(site, { status: 'ok', suggestions: [] }, { withheld: [{ ddl: s.ddl, why, suggestion: { ...s, verifiedBy: 'none' } }] });
    assert.equal(estimated?.severity, 'info', 'an estimate: information, as today');
    assert.equal(missingIndexFinding(site, { status: 'ok', suggestions: [] }), undefined, 'nothing proved, nothing withheld: no finding');
  });
  it('the hover says it under its head line, on the finding and off it', () => {
    const h: HoverSuggestion = { ...s, name: 'orders_customer_id_idx', indexSizeBytes: null, planAfter: [] };
    for (const underProblem of [false, true]) {
      const md = missingIndexHover(h, { docs: 'd', withheld: why, underProblem });
      assert.match(md, /\n\n\*withheld: orders is write\\-heavy \\\(20,000 rows inserted\/updated\/deleted since the statistics were reset\\\): keeping this index current costs about 40 ms against 14 ms saved\*\n\n/);
    }
    assert.match(missingIndexHover(h, { docs: 'd', withheld: why, crowded: true }), /^[^\n]+\n\*withheld: /, 'crowded: still said');
    assert.ok(!/withheld/.test(missingIndexHover(h, { docs: 'd' })), 'not withheld: not said');
  });
  it('every no-pick answer (Suggest Indexes, pg-lens advise, the workload) says it in one wording, with the figures', () => {
    assert.equal(withheldAnswer([{ ddl: s.ddl, why, suggestion: s }]), `orders (customer_id), cost 18,400 → 12.0, withheld: ${why}`);
  });
  it('a withheld index coming or going is new advice (the line is analysed again)', () => {
    const a = { status: 'ok', suggestions: [], alsoServes: {} };
    assert.ok(!sameShownAdvice(a, { ...a, withheld: [{ ddl: s.ddl, why }] }));
    assert.ok(sameShownAdvice({ ...a, withheld: [{ ddl: s.ddl, why }] }, { ...a, withheld: [{ ddl: s.ddl, why }] }));
  });
});
