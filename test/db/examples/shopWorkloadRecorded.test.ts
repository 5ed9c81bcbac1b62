/**
 * The workload report over the shop's recorded traffic (issue 20, person49 L-5): it listed "traffic.ts:46: SELECT email
 * FROM customers WHERE id = $1 (the same statement at traffic.ts:46 too)" — the workspace's statement and the recording's
 * copy of it at the same line, counted as two places — and "orm/orders.ts:25: SELECT "id", … — no calls recorded" while
 * that line's hover said "recorded at this line (3 statements, 21.5 ms, via sequelize)": the 3 refunds reads Sequelize
 * sent are under pg_stat_statements' 5-call floor, and the recording's figures were dropped on the way to the report.
 * Real traffic, a real recording (`pg-lens record`), the editor's workload advice (db/workload adviseWorkload) over the
 * workspace's statements and the recorded ones as the editor passes them (src/vscode/captureRecording.ts → indexAdvice).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTraffic } from '../../../examples/shop/traffic';
import { loadShop } from '../../../examples/shop/seed';
import { extractSqlSites } from '../../../src/core/extract/index';
import { foundStatementsOf, workloadWeighingLines, type FoundStatement } from '../../../src/core/advice/workload';
import { adviseWorkload } from '../../../src/db/workload';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { runCli } from '../../unit/support/cli';
import { statementStats, testDatabase } from '../support';

const root = path.join(__dirname, '..', '..', '..');
const shop = path.join(root, 'examples', 'shop');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** `pg-lens record --format json -- tsx <program>` with the shop's database: the recorded statements as the editor passes them (place relative to the shop, the person's workspace folder; the calls there). */
async function recorded(program: string, env: NodeJS.ProcessEnv): Promise<FoundStatement[]> {
  const r = await runCli(['record', '--format', 'json', '--', tsx, program], { env: { ...process.env, ...env }, cwd: root });
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { sites: { file?: string; line?: number; statements: { sql: string; calls: number; totalMs: number }[] }[] };
  return json.sites.flatMap((s) => {
    const place = s.file && s.line ? `${path.relative(shop, path.resolve(root, s.file))}:${s.line}` : undefined;
    return place ? s.statements.map((st) => ({ sql: st.sql, source: place, recorded: { calls: st.calls, totalMs: st.totalMs } })) : [];
  });
}

describe('examples/shop: the workload report names a recorded line once and says its recorded calls (real PostgreSQL, person49 L-5)', function () {
  this.timeout(600000);
  const t = testDatabase('shop_workload_recorded');
  let lines: string[] = [];
  let refundsCalls = 0;

  before(async function () {
    configureTreeSitterForCli();
    await loadShop(t.url, { scale: 0.25 });
    if (!(await statementStats(t, 'the report\'s calls come from pg_stat_statements'))) this.skip();
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await runTraffic(t.url, { requests: 150 });
    const orm = await recorded('examples/shop/orm/traffic.ts', { DATABASE_URL: t.url, ROUNDS: '3' });
    const traffic = await recorded('examples/shop/traffic.ts', { DATABASE_URL: t.url, REQUESTS: '30' });
    refundsCalls = orm.find((s) => s.source === 'orm/orders.ts:25')?.recorded?.calls ?? 0;
    assert.equal(refundsCalls, 3, JSON.stringify(orm.map((s) => s.source)));
    assert.ok(traffic.some((s) => s.source === 'traffic.ts:46'), JSON.stringify(traffic.map((s) => s.source)));
    // The workspace's statements (examples/shop opened as the folder), then the recorded ones: the editor's workload set.
    const workspace: FoundStatement[] = [];
    for (const f of [...fs.readdirSync(path.join(shop, 'src')).map((n) => `src/${n}`), 'traffic.ts'].filter((n) => n.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(shop, f), 'utf8');
      workspace.push(...foundStatementsOf((await extractSqlSites(text, f, f)).filter((s) => s.confidence >= 0.5), text, f));
    }
    const db = await t.open();
    try {
      const w = await adviseWorkload(db, { extraStatements: [...workspace, ...orm, ...traffic], realIndexes: true });
      lines = workloadWeighingLines(w);
    } finally {
      await db.close();
    }
  });

  it('traffic.ts:46 (in the workspace and recorded at that line) is one place, not its own twin', () => {
    const email = lines.filter((l) => /^- traffic\.ts:46: SELECT email FROM customers WHERE id = \$1/.test(l));
    assert.equal(email.length, 1, lines.join('\n'));
    assert.doesNotMatch(email[0], /the same statement at/, email[0]);
    assert.match(email[0], / — \d[\d,]* calls, /, 'pg_stat_statements\' calls');
  });

  it('orm/orders.ts:25, recorded 3 times (under pg_stat_statements\' 5-call floor), lists the recording\'s calls, as its line\'s hover does', () => {
    const refunds = lines.filter((l) => l.startsWith('- orm/orders.ts:25: '));
    assert.equal(refunds.length, 1, lines.join('\n'));
    assert.match(refunds[0], / — 3 calls, [\d.]+ m?s while recording \(not among pg_stat_statements' busiest\) — /, refunds[0]);
    assert.doesNotMatch(lines.join('\n'), /^- orm\/[^\n]* — calls not known/m, lines.join('\n'));
  });
});
