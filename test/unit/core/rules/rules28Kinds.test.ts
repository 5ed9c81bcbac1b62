/**
 * Kinds of wrong findings and misses of the SQL rules on the rules splits (issue 14, session 28, branch rules28), each on
 * our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { rulesAnalyzer, scanFiles } from '../../../../src/core/scan';

describe('rules28 kinds: update-delete-without-where on a table the file reads as one row through node-postgres', () => {
  const store = [
    'export class Store {',
    '  constructor(private pool: any) {}',
    '  private async updateVersion(version: number) {',
    '    await this.pool.query("UPDATE meta_state SET version = $1;", [version]);',
    '  }',
    '  private async getVersion(): Promise<number> {',
    '    const { rows } = await this.pool.query("SELECT version FROM META_STATE");',
    '    return rows[0].version;',
    '  }',
    '}',
    '',
  ].join('\n');
  const finding = async (text: string) =>
    (await scanFiles([{ path: 'src/store.ts', text }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where');

  it('`const { rows } = await pool.query("SELECT version FROM t"); return rows[0].version`: the UPDATE of that row is a note', async () => {
    const one = await finding(store);
    assert.equal(one?.severity, 'info', JSON.stringify(one));
    assert.match(one?.message ?? '', /reads META_STATE as one row|reads meta_state as one row/);
    // `res.rows[0]` reads the first row as well.
    const res = store.replace('const { rows } = await this.pool.query("SELECT version FROM META_STATE");\n    return rows[0].version;', 'const res = await this.pool.query("SELECT version FROM META_STATE");\n    return res.rows[0].version;');
    assert.equal((await finding(res))?.severity, 'info');
  });

  it('rows walked as a list, or another query first, say nothing of the table\'s size: the warning stays', async () => {
    for (const other of [
      store.replace('return rows[0].version;', 'return rows.map((r: any) => r.version)[0];'),
      store.replace('return rows[0].version;', 'for (const r of rows) { await this.pool.query("SELECT 1"); } return rows[0].version;'),
    ]) {
      assert.equal((await finding(other))?.severity, 'warning', other);
    }
  });
});

describe('rules28 kinds: unbounded-query whose ordered rows the code uses only the first of', () => {
  const handler = [
    'export async function topBalances(db: any, type: string, limit: number) {',
    '  const { rows: reports } = await db.query(`',
    '    select id from payout_reports',
    '    order by latest_transaction_at desc`)',
    '  const { rows } = await db.query(`select account_id, balance from balance_snapshots where snapshot_id = $1 and account_type = $2 limit $3`, [',
    '    reports[0].id, type, limit])',
    '  return rows',
    '}',
    '',
  ].join('\n');
  const finding = async (text: string) =>
    (await scanFiles([{ path: 'src/routes/accounts.ts', text }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'unbounded-query');

  it('every row sorted and sent to use `reports[0]`: a note (info) that LIMIT 1 is missing', async () => {
    const f = await finding(handler);
    assert.equal(f?.severity, 'info', JSON.stringify(f));
    assert.match(f?.message ?? '', /uses only the first/);
    assert.match(f?.help ?? '', /LIMIT 1/);
  });

  it('rows walked, or a read without ORDER BY (no "first" to want), stay a hint', async () => {
    for (const other of [
      handler.replace('reports[0].id, type, limit])', 'reports.map((r: any) => r.id)[0], type, limit])'),
      handler.replace('\n    order by latest_transaction_at desc`)', '`)'),
    ]) {
      assert.equal((await finding(other))?.severity, 'hint', other);
    }
  });
});
