/**
 * Kinds of mistakes of the SQL rules seen when issue 14's last not-in-subquery false alarms were read again (session
 * rulesn): NOT IN over a data-modifying CTE's `RETURNING` column was warned of as the NULL trap, because the rule followed
 * only a SELECT CTE to its table. An UPDATE's or DELETE's RETURNING names a column of the table it writes (the schema
 * files' NOT NULL applies, and its WHERE narrows the rows); an INSERT's rows are the ones the statement writes, and a
 * column it fills from a primary key's `id` is not NULL.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { notInSubquery } from '../../../../src/core/rules/notInSubquery';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { error } from './helpers';
import { fragmentNotInAnalyzer } from '../../../../src/core/rules/fragmentNotIn';
import { addDeclaredTables, type DeclaredIndexes } from '../../../../src/core/sql/declaredIndexes';

describe('rulesn kinds: NOT IN over a data-modifying CTE\'s RETURNING', () => {
  const findings = async (sql: string, declared?: DeclaredIndexes) => {
    const text = ['export async function tick(db) {', `  return db.query(\`${sql}\`);`, '}', ''].join('\n');
    return (await analyzeFile({ path: 'src/engine/tick.ts', text }, { analyzers: [rulesAnalyzer({ rules: [notInSubquery], declared })] })).findings.filter((f) => f.ruleId === 'not-in-subquery');
  };
  const schema = () => {
    const d: DeclaredIndexes = new Map();
    addDeclaredTables('CREATE TABLE quotas (tenant_id uuid NOT NULL, key text NOT NULL, value int, note text, PRIMARY KEY (tenant_id, key));', d);
    addDeclaredTables('CREATE TABLE messages (id bigserial PRIMARY KEY, kind text NOT NULL, cycle_id uuid REFERENCES cycles (id), user_id uuid);', d);
    return d;
  };

  it('an UPDATE … RETURNING of a NOT NULL column of the table it updates, narrowed by its WHERE: info', async () => {
    const sql = (col: string) =>
      `WITH due AS (SELECT tenant_id, key FROM quotas WHERE tenant_id = $1 FOR UPDATE), refill AS (UPDATE quotas q SET value = 10 FROM due WHERE q.tenant_id = due.tenant_id AND q.key = due.key RETURNING q.tenant_id, q.${col}) SELECT q.key, q.value FROM quotas q WHERE q.tenant_id = $1 AND q.${col} NOT IN (SELECT ${col} FROM refill)`;
    const [f] = await findings(sql('key'), schema());
    // Before the fix: 'warning', the NULL trap (the CTE's UPDATE was not followed to quotas.key).
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.subqueryTable, 'quotas');
    assert.equal(f.evidence?.subqueryColumn, 'key');
    // A nullable column of the same table keeps its warning.
    assert.equal((await findings(sql('note'), schema()))[0].severity, 'warning');
  });

  it('an INSERT … SELECT … RETURNING of a column filled with a primary key\'s id: info; filled from another column, a warning', async () => {
    const sql = (value: string) =>
      `WITH picked AS (SELECT id, user_id FROM cycles WHERE last_tick IS NULL LIMIT 100), inserted AS (INSERT INTO messages (kind, cycle_id, user_id) SELECT 'page', ${value}, c.user_id FROM picked c JOIN rules r ON r.user_id = c.user_id RETURNING cycle_id) SELECT user_id FROM picked WHERE id NOT IN (SELECT cycle_id FROM inserted)`;
    const [f] = await findings(sql('c.id'), schema());
    // Before the fix: 'warning' (messages.cycle_id is nullable; the value the insert puts there was not read).
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.subqueryColumnNullable, false);
    assert.equal((await findings(sql('r.cycle_ref'), schema()))[0].severity, 'warning');
    // The id of an outer join's optional side can be NULL.
    const outer = `WITH inserted AS (INSERT INTO messages (kind, cycle_id) SELECT 'page', r.id FROM picked c LEFT JOIN rules r ON r.user_id = c.user_id RETURNING cycle_id) SELECT user_id FROM cycles WHERE id NOT IN (SELECT cycle_id FROM inserted)`;
    assert.equal((await findings(outer, schema()))[0].severity, 'warning');
  });

  it('a DELETE … RETURNING of a NOT NULL column over the whole table (no WHERE) keeps its warning: the hashed list of every row', async () => {
    const [f] = await findings('WITH gone AS (DELETE FROM quotas RETURNING key) SELECT key FROM archive WHERE key NOT IN (SELECT key FROM gone)', schema());
    assert.equal(f.severity, 'warning');
    assert.equal(f.evidence?.subqueryColumnNullable, false);
  });
});

describe('rulesn kinds: a function of a column beside a sargable bound on the bare column', () => {
  const severity = (sql: string) => error(nonSargablePredicate, sql).severity;

  it('`date_trunc(\'week\', di.date) < … AND di.date < …`: the bound serves the index, the expression only filters: info', () => {
    const sql = (bound: string) =>
      `SELECT DISTINCT date_trunc('week', di.date)::date AS week FROM insights di WHERE di.period = 'day' ${bound} AND date_trunc('week', di.date) < now()::date - ($1::int + 6) * INTERVAL '1 day'`;
    // Before the fix: 'warning'.
    assert.equal(severity(sql(`AND di.date < now()::date - $1::int * INTERVAL '1 day'`)), 'info');
    assert.equal(severity(sql('AND di.date BETWEEN $2 AND $3')), 'info');
    assert.match(error(nonSargablePredicate, sql('AND di.date >= $2')).message, /bounds the column itself \(di\.date >= \$2\)/);
  });

  it('still a warning: no bound, a bound on another column, a join condition or an inequality on the column', () => {
    const sql = (bound: string) => `SELECT id FROM insights di WHERE di.period = 'day' ${bound} AND date_trunc('week', di.date) = $1`;
    assert.equal(severity(sql('')), 'warning');
    assert.equal(severity(sql('AND di.created_at < $2')), 'warning');
    assert.equal(severity(sql('AND di.date <> $2')), 'warning');
    assert.equal(severity(`SELECT di.id FROM insights di JOIN weeks w ON true WHERE di.date < w.ends AND date_trunc('week', di.date) = $1`), 'warning');
  });
});

describe('rulesn kinds: a NOT IN over a CTE in a statement the parser cannot read whole (the fragment scan)', () => {
  // DELETE … USING in an earlier CTE keeps the parser from reading the statement; the fragment scan finds the NOT IN.
  const file = (value: string) =>
    [
      'package engine',
      '',
      'const tick = `',
      '\twith picked as (select id, user_id from cycles where last_tick isnull limit 100),',
      '\tdeleted as (delete from cycles c using alerts a where a.id = c.alert_id and a.closed returning c.id),',
      `\tinserted as (insert into messages (kind, cycle_id, user_id) select 'page', ${value}, c.user_id from picked c join rules r on r.user_id = c.user_id returning cycle_id)`,
      '\tselect user_id from picked where id not in (select cycle_id from inserted)',
      '`',
      '',
    ].join('\n');
  const severities = async (text: string) =>
    (await analyzeFile({ path: 'engine/tick.go', text }, { analyzers: [fragmentNotInAnalyzer({})] })).findings.filter((f) => f.ruleId === 'not-in-subquery').map((f) => f.severity);

  it('the CTE\'s INSERT fills the column with a primary key\'s id: info; with another value: a warning', async () => {
    // Before the fix: 'warning' (`inserted` was read as a table of unknown columns).
    assert.deepEqual(await severities(file('c.id')), ['info']);
    assert.deepEqual(await severities(file('r.cycle_ref')), ['warning']);
  });
});
