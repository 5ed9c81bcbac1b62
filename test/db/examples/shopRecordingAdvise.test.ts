/**
 * One index answer from the editor and the CLI after a recording (issue 20, M-4's last form). After Start/Stop Recording
 * the editor's one decision weighs every recorded statement — the shop's ORM refunds read (orm/orders.ts, ORDER BY
 * placed_at DESC LIMIT 20, 3 calls: below pg_stat_statements' 5-call floor) among them — and says the shared
 * orders (status, placed_at DESC) for src/orders.ts:70's refunds read; `pg-lens advise --file src/orders.ts`, weighing
 * the file's statements and pg_stat_statements' busiest but no recording, said orders (status). Now `advise --recording
 * FILE` reads the capture's JSONL (the benchmark's reader, captureEventsOf) and weighs its statements as the editor does
 * (core recordedToWeigh → recordedDecisionInput → recordedFound: the editor's Stop Recording takes the same path), and it
 * says in one phrase what it weighed. Real capture (dist/capture.js writing PGLENS_CAPTURE_FILE), real PostgreSQL.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { shopSources, shopWithTraffic } from './shopState';
import { extractSqlSites } from '../../../src/core/extract/index';
import { contextPathIn, codeContextOf } from '../../../src/core/codeContext';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { loadPgParser, normalizeSql } from '../../../src/core/sql/statement';
import { captureEventsOf, type QueryEvent } from '../../../src/core/record/protocol';
import { summarize } from '../../../src/core/record/aggregate';
import { recordedDecisionInput, recordedFound, recordedToWeigh } from '../../../src/core/record/advice';
import { IndexDecider, topStatements, WorkspaceStatements } from '../../../src/db/indexDecision';
import { decided } from '../../../src/db/missingIndexAnalyzer';
import type { Database } from '../../../src/db/database';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { outputPath } from '../../../src/node/walk';
import { testDatabase } from '../support';
import { runCli } from '../../unit/support/cli';
import { tempFolderForRun } from '../../unit/support/tempFolder';

const repo = path.join(__dirname, '..', '..', '..');
/** The shop's folder: the editor's workspace folder, the CLI's working folder. */
const root = path.join(repo, 'examples', 'shop');
const capture = path.join(repo, 'dist', 'capture.js');
const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
const REFUNDS_LINE = 70;

describe('examples/shop: after a recording, pg-lens advise --recording and the editor give one index (real PostgreSQL, real capture)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_recording_advise');
  let db: Database;
  let recording = '';

  before(async () => {
    assert.ok(fs.existsSync(capture), 'dist/capture.js is missing: node esbuild.js first');
    configureTreeSitterForCli();
    await shopWithTraffic(t, { scale: 0.25, requests: 150 });
    await t.admin.query('VACUUM ANALYZE orders');
    db = await t.open();
    // The ORM flavour's session, recorded by the capture module into its JSONL file (what `pg-lens record` and the
    // editor's Start Recording load; without their socket it writes PGLENS_CAPTURE_FILE).
    const dir = tempFolderForRun('pglens-recording-advise-');
    recording = path.join(dir, 'record-orm.jsonl');
    const script = path.join(dir, 'orm.ts');
    fs.writeFileSync(script, `import { ormTraffic } from ${JSON.stringify(path.join(root, 'orm', 'traffic'))};\normTraffic(process.env.DATABASE_URL!, 3).catch((e) => { console.error(e); process.exitCode = 1; });\n`);
    const child = spawnSync(tsx, [script], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: t.url, NODE_OPTIONS: `--require ${JSON.stringify(capture)}`, PGLENS_CAPTURE_FILE: recording, PGLENS_CAPTURE_SOCKET: '' } });
    assert.equal(child.status, 0, child.stderr);
    assert.match(fs.readFileSync(recording, 'utf8'), /= 'refunded'/, 'the ORM refunds read is recorded');
  });

  /** The refunds read of src/orders.ts (line 70), as the editor and the CLI find it. */
  const refunds = async () => {
    const abs = path.join(root, 'src', 'orders.ts');
    const text = fs.readFileSync(abs, 'utf8');
    const site = (await extractSqlSites(text, abs, abs)).find((s) => text.slice(0, s.span.start).split('\n').length === REFUNDS_LINE);
    assert.ok(site, `a statement at src/orders.ts:${REFUNDS_LINE}`);
    return site.sql;
  };

  /**
   * The editor's decision for src/orders.ts:70 after Stop Recording: the workspace's statements (indexAdvice.ts sqlOf), the
   * recording's as Stop Recording gives them to IndexAdvice.weigh (captureRecording adviseAll: recordedToWeigh named by the
   * workspace path, recordedDecisionInput; weigh: recordedFound), pg_stat_statements' busiest — one merge, one decision.
   */
  const editor = async () => {
    const ws = new WorkspaceStatements();
    for (const file of shopSources().keys()) {
      const abs = path.join(root, file);
      const text = fs.readFileSync(abs, 'utf8');
      ws.setFile(abs, foundStatementsOf((await extractSqlSites(text, abs, abs)).filter((s) => s.confidence >= 0.5), text, file, codeContextOf(contextPathIn(root, abs), text)));
    }
    await loadPgParser();
    const events = captureEventsOf(fs.readFileSync(recording, 'utf8')).events.filter((e): e is QueryEvent => e.t === 'q');
    const { weighed } = recordedToWeigh(summarize(events, normalizeSql).sites, (f) => path.relative(root, f));
    const recorded = weighed.map((st) => recordedFound(recordedDecisionInput(st)));
    const sql = await refunds();
    const decider = new IndexDecider(db, {});
    const d = await decider.decide(ws.statements((await topStatements(db)).statements, () => recorded), { focus: [sql], realIndexes: true });
    return decided(decider, sql, d)?.suggestions.map((s) => s.ddl) ?? [];
  };

  const cli = async (...extra: string[]) => {
    const json = await runCli(['advise', '--db', t.url, '--format', 'json', '--file', 'src/orders.ts', '--line', String(REFUNDS_LINE), ...extra], { cwd: root });
    assert.equal(json.code, 0, json.err);
    const text = await runCli(['advise', '--db', t.url, '--file', 'src/orders.ts', '--line', String(REFUNDS_LINE), ...extra], { cwd: root });
    assert.equal(text.code, 0, text.err);
    return { ddl: (JSON.parse(json.out).suggestions as { ddl: string }[]).map((s) => s.ddl), out: text.out };
  };

  it('advise --recording gives src/orders.ts:70 the editor\'s index, and says what it weighed', async () => {
    const e = await editor();
    assert.ok(e.some((d) => / ON orders \(status, placed_at DESC\)/.test(d)), `the editor, weighing the recording: ${JSON.stringify(e)}`);
    // Before: "--recording" was not an option (exit 2), and the CLI could not weigh what the editor weighed.
    const c = await cli('--recording', recording);
    assert.deepEqual(c.ddl, e, c.out);
    console.log(`      editor ${JSON.stringify(e)}; pg-lens advise --recording:\n${c.out.replace(/^/gm, '        ')}`);
    const rel = outputPath(root, recording);
    assert.match(c.out, new RegExp(`^Index advice decided with src/orders\\.ts:70's 1 statement, the \\d+ statements recorded in ${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and (pg_stat_statements' \\d+ busiest|no pg_stat_statements \\(not read\\))\\.$`, 'm'), c.out);
  });

  it('without the recording: another index, and the output says no recording was weighed', async () => {
    const c = await cli();
    assert.notDeepEqual(c.ddl, await editor(), `the recording is what the two answers differed by: ${c.out}`);
    console.log(`      pg-lens advise without --recording:\n${c.out.replace(/^/gm, '        ')}`);
    assert.match(c.out, /^Index advice decided with src\/orders\.ts:70's 1 statement and .*; no recording \(--recording FILE weighs one, as the editor weighs its own\)\.$/m, c.out);
  });
});
