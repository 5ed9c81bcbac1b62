/** The security checks on facts: the server-wide cases a test server cannot be put into, clean cases, and the pure helpers. */
import * as assert from 'node:assert/strict';
import { runHealthChecks } from '../../../../src/core/health';
import { searchPathSchemas, walSegmentsBetween } from '../../../../src/core/health/checks/security';
import { columnsRead, corroborateWrites, leastPrivilegeScript, mergeUsage, placedUsage, usageFromBuilderCalls, usageFromStatements } from '../../../../src/core/health/leastPrivilege';
import { tableOperations } from '../../../../src/core/sql/tableOperations';
import { codeTableUsage } from '../../../../src/cli/commands/report';
import { SENSITIVE_NAME_PATTERN, sensitiveKindByName, sensitiveKindByShape } from '../../../../src/core/health/sensitive';
import { facts, security } from './facts';

/** A well-run server: SSL with TLS 1.2+, SCRAM, connection and DDL logging, archiving that works. */
const HARDENED = {
  ssl: { setting: 'on', unit: null },
  ssl_min_protocol_version: { setting: 'TLSv1.2', unit: null },
  password_encryption: { setting: 'scram-sha-256', unit: null },
  log_connections: { setting: 'on', unit: null },
  log_disconnections: { setting: 'on', unit: null },
  log_statement: { setting: 'ddl', unit: null },
  archive_mode: { setting: 'on', unit: null },
};
const ARCHIVER = { archiveMode: 'on', archivedCount: 100, failedCount: 0, lastFailedWal: null, lastFailedTime: null, lastArchivedTime: new Date().toISOString(), failingNow: false };
const SECURITY_IDS = ['superuser-application-role', 'weak-password-encryption', 'public-schema-create', 'security-definer-search-path', 'rls-policy-disabled', 'rls-missing', 'sensitive-column-unprotected', 'risky-extension', 'untrusted-language', 'ssl-settings', 'audit-logging', 'backup-freshness'];

describe('core/health security checks', () => {
  it('a hardened server with a least-privilege role produces no finding', () => {
    const out = runHealthChecks(facts({ settings: HARDENED, archiver: ARCHIVER, security: security() }), {}, SECURITY_IDS);
    assert.deepEqual(out.map((f) => f.message), []);
  });

  it('security facts not read (no privilege to read them): the checks built on them report nothing, even on a superuser-run server', () => {
    const facts0 = facts({ settings: { ...HARDENED, ssl: { setting: 'off', unit: null } }, archiver: ARCHIVER });
    const guarded = ['superuser-application-role', 'public-schema-create', 'security-definer-search-path', 'rls-policy-disabled', 'rls-missing', 'sensitive-column-unprotected', 'risky-extension', 'untrusted-language'];
    assert.deepEqual(runHealthChecks(facts0, {}, guarded), []);
    assert.deepEqual(runHealthChecks(facts0, {}, ['ssl-settings']).map((f) => f.checkId), ['ssl-settings'], 'the settings-based checks still run');
    const withFacts = runHealthChecks(facts({ settings: HARDENED, archiver: ARCHIVER, security: security({ untrustedLanguages: [{ name: 'plpython3u', owner: 'postgres', functions: 2, publicDefinerFunctions: [] }] }) }), {}, guarded);
    assert.deepEqual(withFacts.map((f) => [f.checkId, f.category]), [['untrusted-language', 'security']]);
  });

  it('rls-policy-disabled: policies with RLS off is an error (ENABLE); owned by the reader and not forced is a warning (FORCE)', () => {
    const rls = { owner: 'app', keyColumn: null, keyType: null, readable: true, policies: 2 };
    const out = runHealthChecks(facts({ settings: HARDENED, archiver: ARCHIVER, security: security({ rlsTables: [
      { ...rls, schema: 'public', name: 'off', ownedByCurrent: false, enabled: false, forced: false },
      { ...rls, schema: 'public', name: 'owned', ownedByCurrent: true, enabled: true, forced: false },
      { ...rls, schema: 'public', name: 'forced', ownedByCurrent: true, enabled: true, forced: true },
    ] }) }), {}, ['rls-policy-disabled']);
    assert.deepEqual(out.map((f) => [f.severity, f.objects[0].name, f.fixSql]), [
      ['error', 'off', ['ALTER TABLE public.off ENABLE ROW LEVEL SECURITY;']],
      ['warning', 'owned', ['ALTER TABLE public.owned FORCE ROW LEVEL SECURITY;']],
    ]);
    assert.match(out[0].help ?? '', /^Enabling RLS/);
    assert.match(out[1].help ?? '', /^When the application logs in as the owner/);
  });
  it('ssl-settings: ssl off; an old minimum TLS version with its fix', () => {
    const off = runHealthChecks(facts({ settings: { ...HARDENED, ssl: { setting: 'off', unit: null } } }), {}, ['ssl-settings']);
    assert.deepEqual(off.map((f) => f.objects[0].name), ['ssl']);
    const old = runHealthChecks(facts({ settings: { ...HARDENED, ssl_min_protocol_version: { setting: 'TLSv1', unit: null } } }), {}, ['ssl-settings']);
    assert.deepEqual(old[0].fixSql, [`ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2';`, 'SELECT pg_reload_conf();']);
  });

  it('audit-logging: PostgreSQL 18 log_connections is a list; pgaudit stands in for log_statement', () => {
    const pg18 = { ...HARDENED, log_connections: { setting: '', unit: null } };
    const out = runHealthChecks(facts({ versionNum: 180000, settings: pg18 }), {}, ['audit-logging']);
    assert.ok(out[0].fixSql.includes(`ALTER SYSTEM SET log_connections = 'receipt,authentication,authorization';`));
    const withAudit = { ...HARDENED, log_statement: { setting: 'none', unit: null }, 'pgaudit.log': { setting: 'ddl,role', unit: null } };
    assert.deepEqual(runHealthChecks(facts({ settings: withAudit, security: security({ pgaudit: true }) }), {}, ['audit-logging']), []);
    assert.equal(runHealthChecks(facts({ settings: withAudit, security: security({ pgaudit: false }) }), {}, ['audit-logging']).length, 1);
  });

  it('backup-freshness: archiving stalled with WAL waiting; off with a standby is fine; an active slot holding much WAL', () => {
    const old = { ...ARCHIVER, lastArchivedTime: new Date(Date.now() - 3 * 86400e3).toISOString() };
    const stalled = runHealthChecks(facts({ settings: HARDENED, archiver: old, security: security({ lastArchivedWal: '000000010000000000000001' }) }), {}, ['backup-freshness']);
    assert.equal(stalled.length, 1);
    assert.equal(stalled[0].evidence.segmentsWaiting, 15);
    // Old but nothing waiting: a quiet server.
    assert.deepEqual(runHealthChecks(facts({ settings: HARDENED, archiver: old, security: security() }), {}, ['backup-freshness']), []);
    const off = { ...HARDENED, archive_mode: { setting: 'off', unit: null } };
    assert.deepEqual(runHealthChecks(facts({ settings: off, replicas: [{ applicationName: 's', clientAddr: null, state: 'streaming', replayLagSeconds: 0, replayLagBytes: 0 }] }), {}, ['backup-freshness']), []);
    const slot = runHealthChecks(facts({ settings: HARDENED, archiver: ARCHIVER, slots: [{ name: 'cdc', type: 'logical', active: true, database: 'app', retainedBytes: 5 * 2 ** 30, walStatus: 'extended' }] }), {}, ['backup-freshness']);
    assert.deepEqual(slot.map((f) => f.objects[0].name), ['cdc']);
    assert.equal(walSegmentsBetween('0000000100000001000000FF', '000000010000000200000001'), 2);
  });

  it('weak-password-encryption: md5 setting, MD5 roles, trust lines (loopback info, network warning)', () => {
    const f = facts({ settings: { ...HARDENED, password_encryption: { setting: 'md5', unit: null } }, security: security({
      md5PasswordRoles: ['old app'],
      hbaTrust: [{ line: 90, type: 'local', database: ['all'], user: ['all'], address: null }, { line: 95, type: 'host', database: ['all'], user: ['all'], address: '0.0.0.0' }],
    }) });
    const out = runHealthChecks(f, {}, ['weak-password-encryption']);
    assert.deepEqual(out.map((x) => [x.objects[0].kind, x.objects[0].name, x.severity]), [
      ['setting', 'password_encryption', 'warning'],
      ['role', 'old app', 'warning'],
      ['pg_hba.conf line', '95', 'warning'],
      ['pg_hba.conf line', '90', 'info'],
    ]);
  });

  it('risky-extension: a PUBLIC user mapping with a password on a server PUBLIC may use', () => {
    const out = runHealthChecks(facts({ security: security({ userMappings: [{ server: 'remote db', user: 'public', hasPassword: true, publicUsage: true }, { server: 'x', user: 'app', hasPassword: true, publicUsage: true }] }) }), {}, ['risky-extension']);
    assert.deepEqual(out.map((f) => f.fixSql), [['REVOKE USAGE ON FOREIGN SERVER "remote db" FROM PUBLIC;']]);
  });

  it('untrusted-language: drops an unused language; an error when PUBLIC runs its SECURITY DEFINER functions', () => {
    const out = runHealthChecks(facts({ security: security({ untrustedLanguages: [{ name: 'plpython3u', owner: 'postgres', functions: 0, publicDefinerFunctions: [] }, { name: 'plperlu', owner: 'postgres', functions: 2, publicDefinerFunctions: ['public.sh(text)'] }] }) }), {}, ['untrusted-language']);
    assert.deepEqual(out.map((f) => [f.objects[0].name, f.severity, f.fixSql.length]), [['plperlu', 'error', 0], ['plpython3u', 'warning', 2]]);
  });

  it('security-definer-search-path: a fixed path naming a schema anyone can write, or $user, is unsafe', () => {
    const fn = { schema: 'app', name: 'f', args: '', owner: 'o', ownerSuperuser: false, kind: 'function' as const, publicExecute: false };
    const s = security({ publicCreateSchemas: [{ schema: 'public', owner: 'o' }], definerFunctions: [{ ...fn, searchPath: 'public, pg_temp' }, { ...fn, name: 'g', searchPath: '"$user", app' }, { ...fn, name: 'ok', searchPath: 'pg_catalog, app, pg_temp' }] });
    assert.deepEqual(runHealthChecks(facts({ security: s }), {}, ['security-definer-search-path']).map((f) => f.objects[0].name), ['f', 'g']);
    assert.deepEqual(searchPathSchemas('"we""ird", public ,$user'), ['we"ird', 'public', '$user']);
  });

  it('rls-missing: tenant keys always; user keys only where other tables with that key use RLS; never for a BYPASSRLS reader', () => {
    const t = { schema: 'public', owner: 'o', ownedByCurrent: false, enabled: false, forced: false, policies: 0, keyType: 'bigint', readable: true };
    const rls = [{ ...t, name: 'orders', keyColumn: 'customer_id' }, { ...t, name: 'projects', keyColumn: 'tenant_id' }];
    assert.deepEqual(runHealthChecks(facts({ security: security({ rlsTables: rls }) }), {}, ['rls-missing']).map((f) => f.objects[0].name), ['projects']);
    const withRls = [...rls, { ...t, name: 'carts', keyColumn: 'customer_id', enabled: true, policies: 1 }];
    assert.deepEqual(runHealthChecks(facts({ security: security({ rlsTables: withRls }) }), {}, ['rls-missing']).map((f) => f.objects[0].name), ['orders', 'projects']);
    const bypass = security({ rlsTables: rls, roles: [{ ...security().roles[0], bypassRls: true }] });
    assert.deepEqual(runHealthChecks(facts({ security: bypass }), {}, ['rls-missing']), []);
  });

  it('sensitive-column-unprotected: pgcrypto ciphertext (bytea) and columns PUBLIC cannot read are left out', () => {
    const col = (name: string, type = 'text') => ({ name, type, publicColumn: false, sample: null, statsVisible: true });
    const s = security({ pgcrypto: true, publicTables: [{ schema: 'public', name: 'users', publicTable: true, columns: [col('id', 'integer'), col('email'), col('ssn', 'bytea')] }] });
    const out = runHealthChecks(facts({ security: s }), {}, ['sensitive-column-unprotected']);
    assert.deepEqual(out[0].objects.slice(1).map((o) => o.name), ['email']);
    assert.deepEqual(out[0].fixSql, ['REVOKE SELECT ON public.users FROM PUBLIC;', 'GRANT SELECT (id, ssn) ON public.users TO PUBLIC;']);
    const colOnly = security({ publicTables: [{ schema: 'public', name: 'users', publicTable: false, columns: [col('id'), { ...col('email'), publicColumn: true }, col('phone')] }] });
    assert.deepEqual(runHealthChecks(facts({ security: colOnly }), {}, ['sensitive-column-unprotected'])[0].fixSql, ['REVOKE SELECT (email) ON public.users FROM PUBLIC;']);
  });

  it('sensitive names and value shapes', () => {
    for (const [n, k] of [['email', 'email'], ['billing_email', 'email'], ['phone_number', 'phone'], ['card_number', 'card number'], ['ssn', 'national id'], ['password_hash', 'password hash'], ['api_key', 'secret token'], ['iban', 'bank account'], ['date_of_birth', 'date of birth']])
      assert.equal(sensitiveKindByName(n), k, n);
    for (const n of ['mailbox_id', 'telemetry', 'pancake', 'tokens_used', 'id', 'emailed_at'])
      assert.equal(sensitiveKindByName(n), undefined, n);
    assert.ok(new RegExp(SENSITIVE_NAME_PATTERN, 'i').test('user_email'));
    assert.equal(sensitiveKindByShape(['a@b.io', 'x.y@z.example.com', 'q@r.de']), 'email');
    assert.equal(sensitiveKindByShape(['4111 1111 1111 1111', '5500-0000-0000-0004', '4012888888881881']), 'card number');
    assert.equal(sensitiveKindByShape(['1234 5678 9012 3456', '1111 2222 3333 4445', '9999 9999 9999 9991']), undefined, 'fails Luhn');
    assert.equal(sensitiveKindByShape(['123-45-6789', '987-65-4321', '111-22-3333']), 'national id');
    assert.equal(sensitiveKindByShape(['$2b$12$' + 'a'.repeat(53), '$2b$12$' + 'b'.repeat(53), '$2b$12$' + 'c'.repeat(53)]), 'password hash');
    assert.equal(sensitiveKindByShape(['+44 20 7946 0018', '(555) 123-4567', '+1 415 555 0100']), 'phone');
    assert.equal(sensitiveKindByShape(['open', 'closed', 'pending']), undefined);
    assert.equal(sensitiveKindByShape(['2024-01-15', '2024-02-01', '2023-12-31 10:00']), undefined, 'dates');
    assert.equal(sensitiveKindByShape(['-12345678', '1234.5678', '10.0.12.1']), undefined, 'numbers and versions');
    assert.equal(sensitiveKindByShape(['1', '2', '3', '4']), undefined);
  });

  it('tableOperations and the least-privilege script: reads, writes, CTEs, ON CONFLICT, sequences', () => {
    assert.deepEqual(tableOperations(`WITH x AS (SELECT 1) INSERT INTO s.orders (a) SELECT a FROM items JOIN x ON true ON CONFLICT (a) DO UPDATE SET a = 1`), [
      { schema: 's', table: 'orders', op: 'insert' },
      { schema: 's', table: 'orders', op: 'update' },
      { schema: 's', table: 'orders', op: 'select' },
      { schema: '', table: 'items', op: 'select' },
    ]);
    assert.equal(tableOperations('SELEC nonsense'), undefined);
    const usage = usageFromStatements(['SELECT * FROM orders WHERE id = $1', 'DELETE FROM sessions WHERE expires < now()', 'INSERT INTO orders (total) VALUES ($1)']);
    const seq = { schema: 'public', name: 'orders_id_seq', dataType: 'bigint', lastValue: null, minValue: 1, maxValue: 2 ** 62, increment: 1, ownedBy: { schema: 'public', table: 'orders', column: 'id', type: 'bigint' } };
    assert.deepEqual(leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage, sequences: [seq] }), [
      'CREATE ROLE shop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;',
      'GRANT CONNECT ON DATABASE shop TO shop_app;',
      'GRANT USAGE ON SCHEMA public TO shop_app;',
      'GRANT SELECT, INSERT ON public.orders TO shop_app;',
      'GRANT SELECT, DELETE ON public.sessions TO shop_app;',
      'GRANT USAGE ON SEQUENCE public.orders_id_seq TO shop_app;',
    ]);
  });

  it('corroborateWrites: a counted write kind stays only where a statement does it (unqualified names in any schema; a text that does not parse keeps the writes of the tables it names); the script names the rest in a comment (person39 H2)', () => {
    const u = (schema: string, table: string, ops: string) => ({ schema, table, select: ops.includes('s'), insert: ops.includes('i'), update: ops.includes('u'), delete: ops.includes('d') });
    const counted = [u('public', 'events', 'u'), u('public', 'order_items', 'sd'), u('public', 'orders', 'sd'), u('public', 'reviews', 'si'), u('shop', 'audit', 'i'), u('shop', 'outbox', 'i')];
    const r = corroborateWrites(counted, [
      'DELETE FROM orders WHERE id = $1',
      'INSERT INTO shop.audit (what) VALUES ($1)',
      'SELECT * FROM reviews WHERE product_id = $1',
      'INSERT INTO public.outbox (topic) VALUES ($1)',
      'MERGE INTO events e USING incoming i ON e.id = i.id WHEN MATCHED THEN UPDATE SET n = e.n + 1',
      'MERGE INTO order_items_archive a USING incoming i ON a.id = i.id WHEN NOT MATCHED THEN INSERT VALUES (i.id)',
    ]);
    assert.deepEqual(r.tables, [u('public', 'events', 'u'), u('public', 'order_items', 's'), u('public', 'orders', 'sd'), u('public', 'reviews', 's'), u('shop', 'audit', 'i')]);
    assert.deepEqual(r.leftOut, [
      { schema: 'public', table: 'order_items', kinds: ['delete'] },
      { schema: 'public', table: 'reviews', kinds: ['insert'] },
      { schema: 'shop', table: 'outbox', kinds: ['insert'] },
    ], 'events keeps its UPDATE (a MERGE that does not parse names it); order_items_archive is not order_items');
    const script = leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage: r.tables, sequences: [], writesLeftOut: r.leftOut });
    assert.match(script.at(-1)!, /^-- Not granted: public\.order_items \(DELETE\), public\.reviews \(INSERT\), shop\.outbox \(INSERT\)\. The table statistics counted these writes, but no statement pg_stat_statements holds does them: /);
    assert.equal(leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage: r.tables, sequences: [] }).some((x) => x.startsWith('--')), false);
  });

  it('corroborateWrites: a write kind only a bulk load did (two INSERT … SELECT of 10,000 orders, by psql) is no privilege of the application; its one small DELETE and its per-request INSERTs keep theirs; the script and the finding say which writes were left out and why (person49 L-7)', () => {
    const u = (schema: string, table: string, ops: string) => ({ schema, table, select: ops.includes('s'), insert: ops.includes('i'), update: ops.includes('u'), delete: ops.includes('d') });
    const counted = [u('public', 'orders', 'sid'), u('public', 'reviews', 'si'), u('public', 'events', 'si')];
    const rows = new Map([['public.orders', 60000], ['public.reviews', 4000], ['public.events', 300000]]);
    const backfill = "INSERT INTO orders (customer_id, status, total_cents, placed_at) SELECT customer_id, status, total_cents, placed_at FROM orders WHERE id <= $1";
    const r = corroborateWrites(counted, [
      { query: backfill, calls: 2, rows: 20000 },
      // The application's: one DELETE of 100 rows (one run, but no batch load), reviews one row per request.
      { query: 'DELETE FROM orders WHERE status = $1', calls: 1, rows: 100 },
      { query: 'INSERT INTO reviews (product_id, body) VALUES ($1, $2)', calls: 3, rows: 3 },
      // 2,000 rows per run into a table of 300,000: under 5% of it, not a load (an import job's steady batches).
      { query: 'INSERT INTO events (kind) SELECT kind FROM staging', calls: 4, rows: 8000 },
    ], rows);
    assert.deepEqual(r.tables, [u('public', 'orders', 'sd'), u('public', 'reviews', 'si'), u('public', 'events', 'si')]);
    assert.deepEqual(r.leftOut, [{ schema: 'public', table: 'orders', kinds: ['insert'], load: { statements: 1, calls: 2, rows: 20000 } }]);
    const script = leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage: r.tables, sequences: [], writesLeftOut: r.leftOut });
    assert.ok(script.includes('GRANT SELECT, DELETE ON public.orders TO shop_app;'), script.join('\n'));
    assert.equal(script.at(-1), '-- Not granted: public.orders (INSERT) — 1 statement run 2 times, 20,000 rows. Only a bulk load wrote these (up to 10 runs, each writing 1,000+ rows and 5%+ of the table, as the index advice judges a load): a backfill or an import run by hand, not the application\'s steady writes. Run loads as the table’s owner, or add the privilege back if the application does that.');
    // Without the tables' rows (unknown), nothing is judged a load: the INSERT is granted as before.
    assert.deepEqual(corroborateWrites(counted, [{ query: backfill, calls: 2, rows: 20000 }]).tables[0], u('public', 'orders', 'si'));
    // The finding's basis names the load, beside the comment line.
    const f = runHealthChecks(facts({ security: security({ roles: [{ name: 'shop', superuser: true, bypassRls: false, createRole: false, createDb: false, replication: false, ownedTables: 3, current: true, sessions: 0, applications: [] }], usage: { source: 'statistics', tables: r.tables, writesLeftOut: r.leftOut } }) }), {}, ['superuser-application-role'])[0];
    assert.match(f.help ?? '', /each write kind only where a statement in pg_stat_statements does it, not where only a bulk load did it: public\.orders INSERT, 2 runs writing 20,000 rows — a backfill or an import, not the application's writes\)/, f.help);
    assert.match(f.help ?? '', /public\.orders was written only by DELETE \(no INSERT or UPDATE seen\)/, 'the application\'s DELETE, not the load\'s INSERT');
  });

  it('leastPrivilegeScript names the places of a write privilege only a few places need, so a scratch file\'s one-off DELETE is seen (person43 L5)', () => {
    const at = (sql: string, place: string) => placedUsage(usageFromStatements([sql]), place);
    const usage = mergeUsage(
      at('SELECT * FROM orders WHERE id = $1', 'src/orders.ts:59'),
      at("DELETE FROM orders WHERE status = 'test'", 'queries.sql:3'),
      at('INSERT INTO orders (total) VALUES ($1)', 'src/checkout.ts:12'),
      at('INSERT INTO orders (total) VALUES ($2)', 'src/admin.ts:40'),
      at('INSERT INTO orders (total) VALUES ($3)', 'src/import.ts:8'),
      at('UPDATE carts SET n = $1 WHERE id = $2', 'src/cart.ts:7'),
      at('UPDATE carts SET n = $1 WHERE id = $2', 'src/cart.ts:30'),
    );
    // The statistics counted UPDATE on carts too: the comment says so.
    const merged = mergeUsage(usage, [{ schema: 'public', table: 'carts', select: true, insert: false, update: true, delete: false }]);
    assert.deepEqual(leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage: merged, sequences: [] }).slice(3), [
      "-- UPDATE on public.carts: only src/cart.ts:7 and src/cart.ts:30 use it in the code (the statistics counted it too); leave it out if that is not the application's.",
      'GRANT SELECT, UPDATE ON public.carts TO shop_app;',
      "-- DELETE on public.orders: only queries.sql:3 uses it; leave it out if that is not the application's.",
      'GRANT SELECT, INSERT, DELETE ON public.orders TO shop_app;',
    ], 'INSERT on orders is done in three places: not named');
    // Without places (the statistics alone), no comment.
    assert.equal(leastPrivilegeScript({ role: 'shop_app', database: 'shop', usage: usageFromStatements(["DELETE FROM orders WHERE status = 'test'"]), sequences: [] }).some((x) => x.startsWith('--')), false);
  });

  it('codeTableUsage: each write\'s places as `file:line`, through the application\'s usage (person43 L5)', async () => {
    const texts = new Map([
      ['queries.sql', "-- scratch\nSELECT count(*) FROM orders;\nDELETE FROM orders WHERE status = 'test';\n"],
      ['src/orders.ts', "export const byId = (db: any, id: number) =>\n  db.query('SELECT * FROM orders WHERE id = $1', [id]);\n"],
    ]);
    const siteList = [
      { sql: 'SELECT count(*) FROM orders', file: 'queries.sql', span: { start: texts.get('queries.sql')!.indexOf('SELECT') } },
      { sql: "DELETE FROM orders WHERE status = 'test'", file: 'queries.sql', span: { start: texts.get('queries.sql')!.indexOf('DELETE') } },
      { sql: 'SELECT * FROM orders WHERE id = $1', file: 'src/orders.ts', span: { start: texts.get('src/orders.ts')!.indexOf('SELECT') } },
    ];
    const { tables } = await codeTableUsage({ texts, siteList });
    assert.deepEqual(tables.map((u) => [u.table, u.delete, u.places, u.unplaced]), [['orders', true, { delete: ['queries.sql:3'] }, undefined]]);
  });

  it('columnsRead: the sensitive columns a statement reads from the table (qualified, aliased, *), none from other tables', () => {
    const cols = ['email', 'ssn'];
    assert.deepEqual(columnsRead('SELECT p.email FROM app.people p WHERE p.id = $1', 'app', 'people', cols), ['email']);
    assert.deepEqual(columnsRead('SELECT * FROM people', 'public', 'people', cols), ['email', 'ssn']);
    assert.deepEqual(columnsRead('SELECT email FROM other', 'public', 'people', cols), []);
    assert.deepEqual(columnsRead('UPDATE people SET ssn = $1 WHERE id = $2', 'public', 'people', cols), [], 'written, not read');
    assert.deepEqual(columnsRead('UPDATE people SET ssn = $1 WHERE email = $2', 'public', 'people', cols), ['email']);
    assert.deepEqual(columnsRead('not sql', 'public', 'people', cols), []);
  });

  it('the least-privilege script says what it rests on: statistics of how long (thin under a day, tables written only some ways), the code, or both (person18 MEDIUM 5)', () => {
    const role = { name: 'app', superuser: true, bypassRls: false, createRole: false, createDb: false, replication: false, ownedTables: 0, current: true, sessions: 0, applications: [] };
    const fav = { schema: 'public', table: 'favorites', select: true, insert: true, update: false, delete: false };
    const stats = facts({ statsAgeSeconds: 5 * 3600, statsAgeFrom: 'reset', security: security({ roles: [role], usage: { source: 'statistics', tables: [fav] } }) });
    const help = runHealthChecks(stats, {}, ['superuser-application-role'])[0].help ?? '';
    assert.match(help, /from 5\.0 h of table statistics \(since their reset, by any role\) only — no code was read; statements the application did not run in that time are not covered/);
    assert.match(help, /check before applying/);
    assert.match(help, /the statistics span only 5\.0 h/);
    assert.match(help, /public\.favorites was written only by INSERT \(no UPDATE or DELETE seen\): add UPDATE, DELETE if the application does that/);
    const old = facts({ statsAgeSeconds: 30 * 86400, statsAgeFrom: 'server-start', security: security({ roles: [role], usage: { source: 'code+statistics', tables: [{ ...fav, delete: true, inCode: true }] } }) });
    const both = runHealthChecks(old, {}, ['superuser-application-role'])[0];
    assert.match(both.help ?? '', /from the statements and query-builder calls found in the code and 30\.0 days of table statistics \(since the server’s start, by any role\); a statement in neither is not covered — check before applying/);
    assert.doesNotMatch(both.help ?? '', /thin basis/, 'a month of statistics, and the code names the table');
    assert.ok(both.fixSql.includes('GRANT SELECT, INSERT, DELETE ON public.favorites TO app_app;'));
  });

  it('usageFromBuilderCalls and mergeUsage: a builder’s DELETE/UPDATE come with SELECT, names as written, the union of sources', () => {
    const code = usageFromBuilderCalls([{ table: 'favorites', ops: ['delete'] }, { table: 'app.articles as a', ops: ['update'] }, { table: 'tags', ops: ['insert'] }, { table: 'not a table name', ops: ['select'] }]);
    assert.deepEqual(code.map((u) => [u.schema, u.table, u.select, u.insert, u.update, u.delete]), [
      ['app', 'articles', true, false, true, false],
      ['public', 'favorites', true, false, false, true],
      ['public', 'tags', false, true, false, false],
    ]);
    const merged = mergeUsage(code.map((u) => ({ ...u, inCode: true })), [{ schema: 'public', table: 'favorites', select: true, insert: true, update: false, delete: false }]);
    assert.deepEqual(merged.find((u) => u.table === 'favorites'), { schema: 'public', table: 'favorites', select: true, insert: true, update: false, delete: true, inCode: true });
  });

  it('superuser-application-role uses the code’s statements for the script when given, and says which source it used', () => {
    const f = facts({ database: 'shop', security: security({
      roles: [{ name: 'postgres', superuser: true, bypassRls: true, createRole: true, createDb: true, replication: true, ownedTables: 3, current: true, sessions: 0, applications: [] }],
      usage: { source: 'code', tables: usageFromStatements(['SELECT 1 FROM orders']) },
    }) });
    const out = runHealthChecks(f, {}, ['superuser-application-role']);
    assert.equal(out[0].severity, 'warning');
    assert.ok(out[0].fixSql.includes('GRANT SELECT ON public.orders TO postgres_app;'));
    assert.equal(out[0].fixSql.at(-1), 'ALTER ROLE postgres NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION;');
    assert.match(String((out[0].evidence.leastPrivilege as any).source), /statements found in the code/);
    const boot = facts({ security: security({ roles: [{ ...security().roles[0], name: 'postgres', superuser: true, bootstrap: true }] }) });
    assert.ok(!runHealthChecks(boot, {}, ['superuser-application-role'])[0].fixSql.some((x) => x.startsWith('ALTER ROLE')), 'the bootstrap superuser cannot give up SUPERUSER');
  });
});
