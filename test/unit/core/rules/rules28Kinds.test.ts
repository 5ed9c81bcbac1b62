/**
 * Kinds of wrong findings and misses of the SQL rules on the rules splits (issue 14, session 28, branch rules28), each on
 * our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { rulesAnalyzer, scanFiles } from '../../../../src/core/scan';

/** The first finding of `rule` in one file scanned with the SQL rules. */
const findingIn = (file: string, rule: string) => async (text: string) =>
  (await scanFiles([{ path: file, text }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === rule);

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
  const finding = findingIn('src/store.ts', 'update-delete-without-where');

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
  const finding = findingIn('src/routes/accounts.ts', 'unbounded-query');

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

describe('rules28 kinds: non-sargable-predicate beside a condition spliced in at run time', () => {
  const py = [
    'def _prune_keys(txn, users, cutoff):',
    '    clause, args = make_in_list_sql_clause(txn.database_engine, "user_id", users)',
    '    sql = f"""',
    '        DELETE FROM one_time_keys',
    '        WHERE {clause} AND added_ms < ? AND length(key_id) = 6',
    '        """',
    '    args.append(cutoff)',
    '    txn.execute(sql, args)',
    '',
  ].join('\n');
  const finding = findingIn('app/storage/keys.py', 'non-sargable-predicate');

  it('`WHERE {clause} AND length(key_id) = 6`: the spliced clause may be the lookup, so a note (info) that says so', async () => {
    const f = await finding(py);
    assert.equal(f?.severity, 'info', JSON.stringify(f));
    assert.match(f?.message ?? '', /composed at run time \(\{clause\}\)/);
  });

  it('a spliced value inside a comparison (not a condition of its own) keeps the warning', async () => {
    const f = await finding(py.replace('WHERE {clause} AND added_ms < ?', 'WHERE added_ms < {cutoff}'));
    assert.equal(f?.severity, 'warning', JSON.stringify(f));
  });
});

describe('rules28 kinds: non-sargable-predicate on a table reached by its primary key from another table\'s lookup', () => {
  const sql = (where: string) => [
    'def payins_to_check(db):',
    '    return db.all("""',
    '        SELECT pi.id FROM payins pi',
    '         WHERE pi.status = \'awaiting_review\'',
    '           AND NOT EXISTS (',
    '                 SELECT 1',
    '                   FROM payin_transfers pt',
    '                   JOIN participants recipient_p ON recipient_p.id = pt.recipient',
    `                  WHERE ${where}`,
    '               )',
    '    """)',
    '',
  ].join('\n');
  const finding = findingIn('app/payin/cron.py', 'non-sargable-predicate');

  it('`JOIN participants p ON p.id = pt.recipient WHERE pt.payin = pi.id AND p.join_time::date::text >= …`: a note (info)', async () => {
    const f = await finding(sql("pt.payin = pi.id AND recipient_p.join_time::date::text >= '2022-12-23'"));
    assert.equal(f?.severity, 'info', JSON.stringify(f));
    assert.match(f?.message ?? '', /reached by their primary key from pt \(pt\.payin = pi\.id\)/);
  });

  it('no lookup of the other table (its rows all read), or a join on a column that is not the key: the warning stays', async () => {
    for (const where of ["recipient_p.join_time::date::text >= '2022-12-23'", "pt.payin = pi.id AND recipient_p.join_time::date::text >= '2022-12-23'"]) {
      const text = where.startsWith('pt.') ? sql(where).replace('recipient_p.id = pt.recipient', 'recipient_p.email = pt.recipient_email') : sql(where);
      assert.equal((await finding(text))?.severity, 'warning', text);
    }
  });
});

describe('rules28 kinds: a reserved word as a label after AS (`usename AS user`, `relname AS table`) is read', () => {
  const code = (label: string) => [
    'export async function members(db: any) {',
    `  return db.query(\`SELECT a.id, a.login AS ${label} FROM accounts a WHERE a.team_id NOT IN (SELECT team_id FROM banned_teams)\`);`,
    '}',
    '',
  ].join('\n');
  const all = async (text: string) => (await scanFiles([{ path: 'src/members.ts', text }], { analyzers: [rulesAnalyzer()] })).findings;

  it('PostgreSQL takes `AS user` and `AS table`; the rules now run on such a statement instead of a not-analysed hint', async () => {
    for (const label of ['user', 'table', 'order']) {
      const f = await all(code(label));
      assert.deepEqual(f.filter((x) => x.ruleId === 'not-analysed'), [], label);
      const notIn = f.find((x) => x.ruleId === 'not-in-subquery');
      assert.ok(notIn, `${label}: ${JSON.stringify(f)}`);
      // Offsets still point into the statement as written.
      const text = code(label);
      assert.match(text.slice(notIn!.span.start, notIn!.span.end), /NOT IN/);
    }
  });

  it('SQL the parser cannot read for another reason still says so', async () => {
    const f = await all(code('user').replace('FROM accounts a', 'FROM accounts a TABLESAMPLE BERNOULLI (10) REPEATABLE (1) WINDOW'));
    assert.ok(f.some((x) => x.ruleId === 'not-analysed'), JSON.stringify(f));
  });
});

describe('rules28 kinds: Ruby `:name` binds given to an app\'s own query helper are read', () => {
  const rb = [
    'module Stats',
    '  def blocked_members(name)',
    '    select_all("SELECT id FROM accounts WHERE team_id NOT IN (SELECT team_id FROM banned_teams) AND name = :name", {name: name})',
    '  end',
    '  def database_id(database)',
    '    select_one("SELECT oid FROM pg_database WHERE datname = :database", {database: database})',
    '  end',
    'end',
    '',
  ].join('\n');

  it('`select_all("… = :name", {name: name})`: the statement is analysed (a rule runs), not a not-analysed hint', async () => {
    const f = (await scanFiles([{ path: 'lib/stats.rb', text: rb }], { analyzers: [rulesAnalyzer()] })).findings;
    assert.deepEqual(f.filter((x) => x.ruleId === 'not-analysed').map((x) => x.message), []);
    assert.ok(f.some((x) => x.ruleId === 'not-in-subquery'), JSON.stringify(f));
  });
});
