/**
 * Real trial indexes (no HypoPG, development profile) are built only when the person asks for advice (issue 20,
 * person16 MEDIUM 3: opening two Go files and hovering started ≥ 46 real CREATE INDEX builds on a shared dev database),
 * and when one is built it never waits behind the app (short lock_timeout) and never runs on a table another PG Lens
 * session is building on (a transaction-scoped advisory lock keyed by the table's oid; skipped as busy, not waited for).
 * Builds are counted by the server itself: pg_stat_statements' CREATE INDEX calls.
 */
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { extractSqlSites } from '../../../src/core/extract/index';
import { adviseStatement, trialGatesOf } from '../../../src/db/advisor';
import { newTrialProofs } from '../../../src/db/trialProofs';
import type { Database } from '../../../src/db/database';
import { TRIAL_LOCK_CLASS } from '../../../src/db/hypo';
import { IndexDecider } from '../../../src/db/indexDecision';
import { missingIndexAnalyzer, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import { useTreeSitterFromNodeModules } from '../../unit/support/treeSitter';
import { statementStats, testDatabase } from '../support';

const ORDERS_GO = `package repo

func (r *Repo) ByCollection(ctx context.Context, id int64) (*sql.Rows, error) {
	return r.DB.QueryContext(ctx, \`SELECT id, owner_id FROM files WHERE collection_id = $1\`, id)
}

func (r *Repo) Owned(ctx context.Context, owner int64) (*sql.Rows, error) {
	return r.DB.QueryContext(ctx, \`SELECT id FROM files WHERE owner_id = $1 AND updated_at > $2\`, owner, 0)
}
`;

const TOKENS_GO = `package repo

func (r *Repo) Token(ctx context.Context, user int64) *sql.Row {
	return r.DB.QueryRowContext(ctx, \`SELECT token FROM tokens WHERE user_id = $1\`, user)
}
`;

const NO_HYPOPG = { versionNum: 180000, hypopg: 'unavailable', pgTrgm: 'unavailable' } as const;

describe('db/trial builds: real indexes only when asked, never waiting, never two sessions on one table (real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('trialbuilds');
  let db: Database;
  let counted = false;
  let info: { versionNum: number; hypopg: 'unavailable'; pgTrgm: 'unavailable' };

  /** Real CREATE INDEX statements the server ran in this database (rolled back or not). */
  const builds = async (): Promise<number> =>
    Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX'`)).rows[0].n);

  before(async function () {
    useTreeSitterFromNodeModules();
    counted = await statementStats(t, 'no count of real builds: these tests are skipped');
    if (!counted) return this.skip();
    await t.admin.query(`CREATE TABLE files (id bigint PRIMARY KEY, owner_id int NOT NULL, collection_id int NOT NULL, updated_at bigint NOT NULL, payload text);
      INSERT INTO files SELECT g, g % 5000, g % 2000, g * 10, md5(g::text) FROM generate_series(1, 100000) g;
      CREATE TABLE tokens (token text PRIMARY KEY, user_id int NOT NULL, created_at bigint NOT NULL);
      INSERT INTO tokens SELECT md5(g::text), g % 20000, g FROM generate_series(1, 100000) g;
      ANALYZE files; ANALYZE tokens;`);
    db = await t.open({ statementTimeoutMs: 60000 });
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
    await t.admin.query('SELECT pg_stat_statements_reset()');
  });

  it('opening two files (the editor pipeline: diagnostics) builds no real index; the advice says it is estimated and how to prove it', async () => {
    const lines: string[] = [];
    // The editor's decider: constructed as indexAdvice.ts does (no realIndexes: automatic).
    const decider = new IndexDecider(db, { info, log: (l) => lines.push(l) });
    const advice = new Map<string, DecidedAdvice>();
    const analyzer = missingIndexAnalyzer(decider, { advice, createNow: true, statements: async () => [], log: (l) => lines.push(l) });
    const findings = [];
    for (const [file, text] of [['pkg/repo/files.go', ORDERS_GO], ['pkg/repo/tokens.go', TOKENS_GO]] as const) {
      const sites = await extractSqlSites(text, file, file);
      assert.ok(sites.length >= 1, `${file}: SQL found`);
      // Open, then save: two full runs, as the editor makes them.
      findings.push(...(await analyzer.analyze({ file, text, language: 'go', sites })));
      findings.push(...(await analyzer.analyze({ file, text, language: 'go', sites })));
    }
    assert.equal(await builds(), 0, `no real CREATE INDEX from diagnostics; log:\n${lines.join('\n')}`);
    const mine = findings.filter((f) => f.ruleId === 'missing-index');
    assert.ok(mine.length >= 2, `estimated findings shown: ${JSON.stringify(mine.map((f) => f.message))}`);
    for (const f of mine) {
      assert.equal(f.severity, 'info', 'not proved: information, not a warning');
      assert.match(f.message, /estimated, not proved: run Suggest Indexes to prove it/);
    }
    const files = [...advice.values()].flatMap((a) => a.suggestions).find((s) => s.table === 'files');
    assert.ok(files, 'the files statement has estimated advice');
    assert.equal(files.verifiedBy, 'none');
    assert.match(files.reason, /HypoPG is not installed, and a real trial index is built \(rolled back\) only when you run Suggest Indexes/);

    // Suggest Indexes on one statement (the person asks): proved with a real index, rolled back, said in the log.
    const sql = (await extractSqlSites(ORDERS_GO, 'files.go', 'files.go'))[0].sql;
    const decision = await decider.decide([], { focus: [sql], realIndexes: true });
    const proved = decision.byStatement.get(sql)?.suggestions ?? [];
    assert.equal(proved[0]?.verifiedBy, 'transaction', JSON.stringify(decider.advice.get(sql)));
    assert.ok((await builds()) >= 1, 'Suggest Indexes built a real trial index');
    assert.ok(lines.some((l) => /built a trial index on public\.files \(\d+ ms, rolled back\): CREATE INDEX/.test(l)), lines.join('\n'));
    const left = await t.admin.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'files'`);
    assert.equal(left.rows[0].n, 1, 'rolled back: only the primary key stays');

    // Automatic runs afterwards reuse the proof and build nothing more.
    const before = await builds();
    await analyzer.analyze({ file: 'pkg/repo/files.go', text: ORDERS_GO, language: 'go', sites: await extractSqlSites(ORDERS_GO, 'files.go', 'files.go') });
    assert.equal(await builds(), before);
  });

  it('another session holds the table\'s trial lock: skipped as busy at once, not waited for, nothing built', async () => {
    const other = new Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      const got = await other.query(`SELECT pg_try_advisory_xact_lock($1::int4, 'public.tokens'::regclass::oid::int4) AS ok`, [TRIAL_LOCK_CLASS]);
      assert.equal(got.rows[0].ok, true);
      const before = await builds();
      const started = Date.now();
      const r = await adviseStatement(db, 'SELECT token FROM tokens WHERE user_id = $1', undefined, { info, realIndexes: true });
      assert.equal(await builds(), before, 'no build while another session builds on tokens');
      assert.ok(Date.now() - started < 20000);
      assert.ok(r.rejected.some((x) => /^busy: another PG Lens session is building a trial index on public\.tokens/.test(x.why)), JSON.stringify(r.rejected));
      assert.equal(r.realBuildWithheld, true, 'tried again when asked again');
      for (const s of r.suggestions) assert.equal(s.verifiedBy, 'none');
      await other.query('ROLLBACK');
      // Released with the other transaction: proved now.
      const again = await adviseStatement(db, 'SELECT token FROM tokens WHERE user_id = $1', undefined, { info, realIndexes: true });
      assert.equal(again.suggestions[0]?.verifiedBy, 'transaction', JSON.stringify(again));
      assert.ok((await builds()) > before);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });

  it('another index advice of this window builds on the table: this one waits for it (bounded), says so as this window\'s, never "another PG Lens session" (verify35 M1)', async () => {
    // The process's gate on tokens held as another advice's transaction would hold it.
    const gates = trialGatesOf(db);
    const other = {};
    assert.equal(gates.take('public.tokens', other), 'taken');
    const lines: string[] = [];
    try {
      const before = await builds();
      const r = await adviseStatement(db, 'SELECT token FROM tokens WHERE user_id = $1', undefined, { info, realIndexes: true, trialProofs: newTrialProofs(), trialWaitMs: 300, log: (l) => lines.push(l) });
      assert.equal(await builds(), before, 'nothing built while the other advice holds tokens');
      assert.ok(r.rejected.some((x) => /^busy: another index advice of this PG Lens was still building trial indexes on public\.tokens after 0\.\d s/.test(x.why)), JSON.stringify(r.rejected));
      assert.equal(r.realBuildWithheld, true, 'pending: tried again later');
      assert.ok(lines.some((l) => /skipped: another index advice of this PG Lens was still building there/.test(l)), lines.join('\n'));
      assert.deepEqual(lines.filter((l) => /another PG Lens session/.test(l)), []);
      // Given back while an advice waits (its wait not over): that advice goes on and proves.
      const waiting = adviseStatement(db, 'SELECT token FROM tokens WHERE user_id = $1', undefined, { info, realIndexes: true, trialProofs: newTrialProofs(), trialWaitMs: 60000, log: (l) => lines.push(l) });
      setTimeout(() => gates.release('public.tokens', other), 200);
      const after = await waiting;
      assert.equal(after.suggestions[0]?.verifiedBy, 'transaction', JSON.stringify(after));
      assert.ok((await builds()) > before);
    } finally {
      gates.release('public.tokens', other);
    }
  });

  it('a trial build holds the table lock itself while it builds: another session\'s build on that table is skipped', async () => {
    // Two PG Lens sessions (the editor and the CLI): the first holds its proof open while the second advises.
    const second = await t.open({ statementTimeoutMs: 60000 });
    let inside: (() => void) | undefined;
    const holding = new Promise<void>((r) => (inside = r));
    let release: (() => void) | undefined;
    const released = new Promise<void>((r) => (release = r));
    const first = db.rolledBack(async (s) => {
      await s.querySingle(`SELECT pg_try_advisory_xact_lock($1::int4, 'public.files'::regclass::oid::int4)`, [TRIAL_LOCK_CLASS]);
      await s.querySingle('CREATE INDEX trial_files_collection ON files (collection_id)', []);
      inside!();
      await released;
    });
    try {
      await holding;
      // Proofs of its own: an earlier test's proof of this index (kept per server and role) would be reused, nothing tried.
      const r = await adviseStatement(second, 'SELECT id, owner_id FROM files WHERE collection_id = $1', undefined, { info, realIndexes: true, trialProofs: newTrialProofs() });
      assert.ok(r.rejected.some((x) => /^busy:/.test(x.why)), JSON.stringify(r.rejected));
    } finally {
      release!();
      await first;
    }
  });

  it('an app transaction writing to the table: the build gives up after the short lock_timeout instead of queueing', async () => {
    const app = new Client({ connectionString: t.url });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query('UPDATE tokens SET created_at = created_at WHERE user_id = 1');
      const started = Date.now();
      const r = await adviseStatement(db, 'SELECT token FROM tokens WHERE created_at = $1', undefined, { info, realIndexes: true });
      const ms = Date.now() - started;
      assert.ok(r.rejected.some((x) => /lock_timeout/.test(x.why)), JSON.stringify(r.rejected));
      assert.ok(ms < 20000, `${ms} ms`);
      // The app's transaction was never blocked: it goes on writing.
      await app.query('UPDATE tokens SET created_at = created_at WHERE user_id = 2');
    } finally {
      await app.query('ROLLBACK').catch(() => undefined);
      await app.end();
    }
  });
  it("each file's own folder setting decides (person38 L7): a file whose folder says automatic builds, another folder's file (whenAsked) does not and says which setting holds it back", async () => {
    await t.admin.query(`CREATE TABLE visits (id bigint PRIMARY KEY, page_id int NOT NULL, at bigint NOT NULL);
      INSERT INTO visits SELECT g, g % 3000, g FROM generate_series(1, 100000) g;
      CREATE TABLE clicks (id bigint PRIMARY KEY, button_id int NOT NULL, at bigint NOT NULL);
      INSERT INTO clicks SELECT g, g % 3000, g FROM generate_series(1, 100000) g;
      ANALYZE visits; ANALYZE clicks;`);
    const shopSql = 'SELECT id FROM visits WHERE page_id = $1';
    const otherSql = 'SELECT id FROM clicks WHERE button_id = $1';
    const lines: string[] = [];
    // The editor's decider (no realIndexes: the window's default, whenAsked); the files' folders say otherwise.
    const decider = new IndexDecider(db, { info, log: (l) => lines.push(l) });
    const advice = new Map<string, DecidedAdvice>();
    const analyzer = missingIndexAnalyzer(decider, { advice, createNow: true, statements: async () => [], realIndexes: (file) => file.startsWith('/ws/shop/'), log: (l) => lines.push(l) });
    const sitesOf = (sql: string, file: string) => extractSqlSites(`${sql};\n`, file, file);
    const before = await builds();
    const other = await analyzer.analyze({ file: '/ws/other/clicks.sql', text: `${otherSql};\n`, language: 'sql', sites: await sitesOf(otherSql, '/ws/other/clicks.sql') });
    assert.equal(await builds(), before, `the whenAsked folder's file built nothing; log:\n${lines.join('\n')}`);
    const said = other.filter((f) => f.ruleId === 'missing-index');
    assert.ok(said.length, 'its advice is shown, estimated');
    assert.match(JSON.stringify([...advice.values()].map((a) => a.suggestions.map((x) => x.reason))), /only when you run Suggest Indexes \(pgLens\.index\.trialBuilds is whenAsked for this file/);
    const shop = await analyzer.analyze({ file: '/ws/shop/visits.sql', text: `${shopSql};\n`, language: 'sql', sites: await sitesOf(shopSql, '/ws/shop/visits.sql') });
    assert.ok((await builds()) > before, `the automatic folder's file built its trial index; log:\n${lines.join('\n')}`);
    const proved = decider.advice.get(shopSql)?.suggestions ?? [];
    assert.equal(proved[0]?.verifiedBy, 'transaction', JSON.stringify(decider.advice.get(shopSql)));
    assert.ok(shop.some((f) => f.ruleId === 'missing-index' && f.severity !== 'info'), JSON.stringify(shop.map((f) => [f.severity, f.message])));
  });
});
