/**
 * Reads the facts the security checks judge (src/core/health/checks/security.ts): one set-based
 * catalog query, then — only where the reading role may — pg_authid (MD5 passwords) and
 * pg_hba_file_rules (trust lines). PostgreSQL checks table privileges for every relation of a
 * statement before running it, so a query naming pg_authid fails for a non-superuser even in a
 * branch that never runs: those two are separate statements, sent only when the privilege test passes.
 * What the role could not see is listed in `unseen`, per check.
 */
import type { SecurityFacts, TableUsage, UsageApart } from '../core/health/types';
import { RISKY_EXTENSION_NAMES } from '../core/health/checks/security';
import { corroborateWrites, mergeUsage } from '../core/health/leastPrivilege';
import { loadTableRows } from '../core/advice/workload';
import { applicationText } from '../core/dashboard/ownStatements';
import { SENSITIVE_NAME_PATTERN, TENANT_KEY_COLUMNS, USER_KEY_COLUMNS } from '../core/health/sensitive';
import type { Database, ServerInfo, Session } from './database';
import { APPLICATION_NAME, lessOwnWork, ownWorkOf } from './database';
import { catalogRowsVersion, EXCLUDE_OWN, FOREIGN_KEY_CHECK, OWN_STATEMENT_MARKER as M, USER_SCHEMA } from './sql';

/**
 * Catalog reads gain nothing from JIT, but on 10,000 tables the planner's estimates pass
 * jit_above_cost: on PostgreSQL 15 with LLVM, compiling took 1.8 s of the security query's 2.3 s and
 * half of all the health reads' time. Off for the health checks' read-only transaction.
 */
export const HEALTH_NO_JIT = `${M} SET LOCAL jit = off`;

/** Values sampled from pg_stats per column to judge its shape (never reported). */
const SAMPLE_VALUES = 12;
/** Sessions of these tools are people, not the application. */
const INTERACTIVE_TOOLS = '^(psql|pgadmin|dbeaver|datagrip|tableplus|postico|pgcli|navicat|heidisql|beekeeper|azure data studio|dbvisualizer)';

const PUBLIC_SELECT = (acl: string) => `EXISTS (SELECT 1 FROM aclexplode(${acl}) x WHERE x.grantee = 0 AND x.privilege_type = 'SELECT')`;

/**
 * The texts of the statements of this database pg_stat_statements holds that may write (a write keyword anywhere: a leading
 * comment or a data-modifying CTE does not hide one), to corroborate the write counters' kinds (corroborateWrites). PG
 * Lens's own left out as every reader of pg_stat_statements does (EXCLUDE_OWN: the marker, EXPLAIN — an Explain Analyze's
 * rolled-back INSERT is no statement of the application's), and PostgreSQL's foreign-key checks and cascades
 * (FOREIGN_KEY_CHECK); entries never run (calls = 0: a PREPARE's text) too. `hidden`: a text the role may not read.
 * PostgreSQL 14+: top-level statements only (with track = all, a nested one may be the statement an EXPLAIN ran).
 */
function writeStatementsSql(topLevel: boolean): string {
  return `${M} SELECT s.query = '<insufficient privilege>' AS hidden, s.query, s.calls::float8 AS calls, s.rows::float8 AS rows FROM pg_stat_statements(true) s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.calls > 0${topLevel ? ' AND s.toplevel' : ''}
      AND ${EXCLUDE_OWN.statements} AND NOT ${FOREIGN_KEY_CHECK}
      AND (s.query ~* '\\y(insert|update|delete|merge)\\y' OR s.query = '<insufficient privilege>')`;
}

export const SECURITY_SQL = {
  /**
   * $1 = our application_name, $2 = key column names (tenant and user), $3 = sensitive name pattern,
   * $4 = risky extension names, $5 = values sampled per column, $6 = application names of interactive tools (a DBA's psql is not the application),
   * $7 = the relations whose columns to read (null: every relation's).
   */
  facts: `${M} WITH me AS (SELECT oid, rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user),
    app_sessions AS (SELECT a.usesysid, count(*) AS n, array_agg(DISTINCT coalesce(nullif(a.application_name, ''), '(none)')) AS apps FROM pg_stat_activity a
      WHERE a.datname = current_database() AND coalesce(a.backend_type, 'client backend') = 'client backend' AND a.pid <> pg_backend_pid() AND coalesce(a.application_name, '') <> $1
        AND coalesce(a.application_name, '') !~* $6 GROUP BY a.usesysid),
    rels AS MATERIALIZED (SELECT c.oid, n.nspname, c.relname, c.relkind, c.relowner, c.relrowsecurity, c.relforcerowsecurity, c.relacl
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA}),
    -- One pass over pg_attribute: tenant/user key columns and columns with their own grants; only the relations $7 names
    -- when it is given (the relations of the last pass, pg_attribute unchanged since: see readAttrs).
    attrs AS MATERIALIZED (SELECT attrelid, attnum, attname, atttypid, atttypmod, attacl FROM pg_attribute
      WHERE attnum > 0 AND NOT attisdropped AND (attname = ANY ($2::name[]) OR attacl IS NOT NULL) AND ($7::oid[] IS NULL OR attrelid = ANY ($7::oid[]))),
    owned AS (SELECT relowner, count(*) AS n FROM rels WHERE relkind IN ('r', 'p') AND relowner IN (SELECT oid FROM me UNION SELECT usesysid FROM app_sessions) GROUP BY relowner),
    public_rels AS (SELECT r.oid, r.nspname, r.relname, ${PUBLIC_SELECT('r.relacl')} AS public_table FROM rels r
      WHERE ${PUBLIC_SELECT('r.relacl')} OR r.oid IN (SELECT attrelid FROM attrs WHERE attacl IS NOT NULL AND ${PUBLIC_SELECT('attacl')})),
    keys AS (SELECT DISTINCT ON (attrelid) attrelid, attname, atttypid, atttypmod FROM attrs WHERE attname = ANY ($2::name[]) ORDER BY attrelid, array_position($2::name[], attname))
    SELECT current_user AS current_user, current_database() AS database, ARRAY(SELECT DISTINCT attrelid::int8 FROM attrs) AS attr_relids,
    has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS can_read_authid,
    coalesce(has_function_privilege(to_regprocedure('pg_catalog.pg_hba_file_rules()'), 'EXECUTE'), false) AS can_read_hba,
    EXISTS (SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries') AS can_read_preload,
    (SELECT json_agg(json_build_object('name', r.rolname, 'superuser', r.rolsuper, 'bypassRls', r.rolbypassrls, 'createRole', r.rolcreaterole, 'createDb', r.rolcreatedb,
        'replication', r.rolreplication, 'bootstrap', r.oid = 10, 'ownedTables', coalesce(o.n, 0), 'current', r.rolname = current_user, 'sessions', coalesce(s.n, 0), 'applications', coalesce(s.apps, '{}')) ORDER BY r.rolname)
      FROM pg_roles r LEFT JOIN app_sessions s ON s.usesysid = r.oid LEFT JOIN owned o ON o.relowner = r.oid
      WHERE r.rolname = current_user OR s.usesysid IS NOT NULL) AS roles,
    (SELECT json_agg(json_build_object('schema', n.nspname, 'owner', pg_get_userbyid(n.nspowner)) ORDER BY n.nspname)
      FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      WHERE a.grantee = 0 AND a.privilege_type = 'CREATE' AND ${USER_SCHEMA}) AS public_create,
    (SELECT json_agg(json_build_object('role', pg_get_userbyid(d.defaclrole), 'schema', n.nspname,
        'objectType', CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' ELSE 'schemas' END,
        'privileges', (SELECT array_agg(a.privilege_type ORDER BY a.privilege_type) FROM aclexplode(d.defaclacl) a WHERE a.grantee = 0)))
      FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
      WHERE d.defaclobjtype IN ('r', 'S', 'n') AND EXISTS (SELECT 1 FROM aclexplode(d.defaclacl) a WHERE a.grantee = 0)) AS default_acls,
    (SELECT json_agg(json_build_object('schema', n.nspname, 'name', p.proname, 'args', pg_get_function_identity_arguments(p.oid), 'owner', o.rolname,
        'ownerSuperuser', o.rolsuper, 'kind', CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
        'searchPath', (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%' LIMIT 1),
        'publicExecute', EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')) ORDER BY n.nspname, p.proname)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles o ON o.oid = p.proowner
      WHERE p.prosecdef AND ${USER_SCHEMA}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')) AS definer_functions,
    (SELECT json_agg(json_build_object('schema', c.nspname, 'name', c.relname, 'owner', pg_get_userbyid(c.relowner), 'ownedByCurrent', c.relowner = (SELECT oid FROM me),
        'enabled', c.relrowsecurity, 'forced', c.relforcerowsecurity, 'policies', coalesce(pol.n, 0), 'keyColumn', k.attname, 'keyType', format_type(k.atttypid, k.atttypmod),
        'readable', has_table_privilege(c.oid, 'SELECT')) ORDER BY c.nspname, c.relname)
      FROM rels c LEFT JOIN (SELECT polrelid, count(*) AS n FROM pg_policy GROUP BY polrelid) pol ON pol.polrelid = c.oid LEFT JOIN keys k ON k.attrelid = c.oid
      WHERE c.relkind IN ('r', 'p') AND (c.relrowsecurity OR pol.n > 0 OR k.attname IS NOT NULL)) AS rls_tables,
    (SELECT json_agg(json_build_object('schema', pr.nspname, 'name', pr.relname, 'publicTable', pr.public_table,
        'columns', (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
              'publicColumn', ${PUBLIC_SELECT('a.attacl')}, 'statsVisible', has_column_privilege(pr.oid, a.attnum, 'SELECT'),
              'sample', (SELECT array_to_json((coalesce(st.most_common_vals, st.histogram_bounds)::text::text[])[1:$5]) FROM pg_stats st
                         WHERE st.schemaname = pr.nspname AND st.tablename = pr.relname AND st.attname = a.attname AND NOT st.inherited
                           AND (a.attname ~* $3 OR t.typcategory IN ('S', 'N', 'U')))) ORDER BY a.attnum)
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = pr.oid AND a.attnum > 0 AND NOT a.attisdropped)) ORDER BY pr.nspname, pr.relname)
      FROM public_rels pr) AS public_tables,
    (SELECT json_agg(json_build_object('name', e.extname, 'schema', n.nspname, 'version', e.extversion) ORDER BY e.extname)
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY ($4::text[])) AS extensions,
    (SELECT json_agg(json_build_object('server', m.srvname, 'user', m.usename,
        'hasPassword', CASE WHEN m.umoptions IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM unnest(m.umoptions) o WHERE o LIKE 'password=%') END,
        'publicUsage', EXISTS (SELECT 1 FROM pg_foreign_server fs, aclexplode(coalesce(fs.srvacl, acldefault('S', fs.srvowner))) a WHERE fs.oid = m.srvid AND a.grantee = 0)))
      FROM pg_user_mappings m) AS user_mappings,
    (SELECT json_agg(json_build_object('name', l.lanname, 'owner', pg_get_userbyid(l.lanowner), 'functions', (SELECT count(*) FROM pg_proc p WHERE p.prolang = l.oid),
        'publicDefinerFunctions', ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.prolang = l.oid AND p.prosecdef
          AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))))
      FROM pg_language l WHERE l.lanispl AND NOT l.lanpltrusted) AS untrusted_languages,
    EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto') AS pgcrypto,
    (EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgaudit') OR EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pgaudit.log')) AS pgaudit,
    CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END AS current_wal,
    (SELECT last_archived_wal FROM pg_stat_archiver) AS last_archived_wal,
    (SELECT count(*) FROM pg_stat_activity a WHERE coalesce(a.backend_type, 'client backend') = 'client backend' AND a.usesysid <> (SELECT oid FROM me) AND a.client_addr IS NULL AND a.state IS NULL)::int AS hidden_sessions`,
  /**
   * Tables read and written since the statistics were reset (all roles), rows written per kind (PG Lens's own rolled-back
   * Explain Analyze rows are subtracted after): the least-privilege script's fallback when no code was scanned. Only when the reading role has powers to give up.
   * A table's indexes are looked at only when it had no sequential scan, and only until one was
   * scanned (not a sum over every index of the database: 99 -> 29 ms of CPU on 10k tables / 30k indexes).
   */
  usage: `${M} SELECT schema, table_name, sel, ins, upd, del, live, analyzed FROM (
      SELECT n.nspname AS schema, c.relname AS table_name, pg_stat_get_live_tuples(c.oid)::float8 AS live, c.reltuples::float8 AS analyzed,
        pg_stat_get_numscans(c.oid) > 0 OR EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND pg_stat_get_numscans(i.indexrelid) > 0) AS sel,
        pg_stat_get_tuples_inserted(c.oid)::float8 AS ins, pg_stat_get_tuples_updated(c.oid)::float8 AS upd, pg_stat_get_tuples_deleted(c.oid)::float8 AS del
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMA}) u
    WHERE sel OR ins > 0 OR upd > 0 OR del > 0 ORDER BY 1, 2`,
  writeStatements: writeStatementsSql(true),
  writeStatementsPre14: writeStatementsSql(false),
  /** The scans (sequential + index) of these tables ($1 schemas, $2 names): only those PG Lens scanned itself, to subtract its own. */
  scans: `${M} SELECT schemaname AS schema, relname AS table_name, (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::float8 AS scans
    FROM pg_stat_user_tables s JOIN unnest($1::text[], $2::text[]) AS q(schema, name) ON q.schema = s.schemaname AND q.name = s.relname`,
  /** pg_attribute's version (catalogRowsVersion): unchanged, the facts' pass over it reads only the relations it found last time. */
  attributesVersion: `${M} SELECT ${catalogRowsVersion('pg_attribute')} AS version`,
  /**
   * The code's table names ($1 schemas, '' when unqualified; $2 names) as the database resolves them (search_path for an
   * unqualified one): a user table, view or foreign table. A system catalog (pg_class, information_schema.tables) or a
   * name that is no relation of the database resolves to no row (person42 M2: `GRANT SELECT ON public.pg_class`).
   */
  resolveTables: `${M} SELECT q.i::int AS i, n.nspname AS schema, c.relname AS table_name
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(schema, name, i)
    JOIN pg_class c ON c.oid = to_regclass(CASE WHEN q.schema = '' THEN quote_ident(q.name) ELSE quote_ident(q.schema) || '.' || quote_ident(q.name) END)
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA}`,
  /** Roles whose stored password is MD5 (superuser only). */
  md5Roles: `${M} SELECT rolname FROM pg_authid WHERE rolpassword LIKE 'md5%' ORDER BY 1`,
  /** pg_hba.conf lines that trust without a password (superuser, or EXECUTE on pg_hba_file_rules()). */
  hbaTrust: `${M} SELECT line_number, type, database, user_name, address FROM pg_hba_file_rules WHERE auth_method = 'trust' AND error IS NULL ORDER BY line_number`,
} as const;

/** The security facts; `usage` given (from the code's statements) replaces the statistics fallback. */
export async function readSecurityFacts(db: Pick<Database, 'rolledBack'> & { profile?: Database['profile']; serverInfo?: Database['serverInfo'] }, opts: { usage?: TableUsage[]; usageApart?: UsageApart[] } = {}): Promise<SecurityFacts> {
  // Asked only when the statistics show writes to check (serverInfo: four small queries on the pool).
  const info = db.serverInfo ? () => db.serverInfo!() : undefined;
  return db.rolledBack(async (s) => {
    await s.query(HEALTH_NO_JIT);
    return readSecurityFactsIn(s, { ...opts, profile: db.profile, info, cacheKey: db });
  }, { readOnly: true });
}

/**
 * The relations with tenant/user key columns or column grants, found by the facts' pass over pg_attribute (every
 * column of the database: 240,000 rows and about two thirds of the security facts' server time on 10,000 tables),
 * kept per Database with pg_attribute's version then: while it reads the same (no column added, renamed, dropped or
 * granted since), the pass reads only those relations' columns.
 */
const attrCaches = new WeakMap<object, { version: string; relids: number[] }>();

/** The facts query's row, its pass over pg_attribute narrowed by the cache when pg_attribute is unchanged. */
async function readFactsRow(db: Pick<Session, 'query'>, cacheKey: object | undefined): Promise<any> {
  const version = cacheKey ? String((await db.query(SECURITY_SQL.attributesVersion)).rows[0].version) : undefined;
  const cached = cacheKey && attrCaches.get(cacheKey);
  const relids = cached && cached.version === version ? cached.relids : null;
  const { rows } = await db.query(SECURITY_SQL.facts, [APPLICATION_NAME, [...TENANT_KEY_COLUMNS, ...USER_KEY_COLUMNS], SENSITIVE_NAME_PATTERN, RISKY_EXTENSION_NAMES, SAMPLE_VALUES, INTERACTIVE_TOOLS, relids]);
  if (cacheKey && version !== undefined) attrCaches.set(cacheKey, { version, relids: (rows[0].attr_relids ?? []).map(Number) });
  return rows[0];
}

/** The same, on a session the caller holds (collectHealthFacts reads everything in one transaction). */
async function readSecurityFactsIn(db: Pick<Session, 'query'>, opts: { usage?: TableUsage[]; usageApart?: UsageApart[]; profile?: Database['profile']; info?: () => Promise<ServerInfo>; cacheKey?: object } = {}): Promise<SecurityFacts> {
  const r = await readFactsRow(db, opts.cacheKey);
  const unseen: SecurityFacts['unseen'] = [];
  const roles: SecurityFacts['roles'] = (r.roles ?? []).map((x: any) => ({ ...x, ownedTables: Number(x.ownedTables), sessions: Number(x.sessions), applications: x.applications ?? [] }));
  const me = roles.find((x) => x.current);
  let md5PasswordRoles: string[] | null = null;
  if (r.can_read_authid) md5PasswordRoles = (await db.query(SECURITY_SQL.md5Roles)).rows.map((x) => x.rolname);
  else unseen.push({ checkId: 'weak-password-encryption', what: 'how each role’s password is stored (MD5 or SCRAM): pg_authid is readable by superusers only' });
  let hbaTrust: SecurityFacts['hbaTrust'] = null;
  if (r.can_read_hba) {
    hbaTrust = (await db.query(SECURITY_SQL.hbaTrust)).rows.map((x) => ({ line: Number(x.line_number), type: x.type, database: x.database ?? [], user: x.user_name ?? [], address: x.address }));
  } else unseen.push({ checkId: 'weak-password-encryption', what: 'pg_hba.conf (which logins need no password): pg_hba_file_rules needs superuser or a grant of EXECUTE on pg_hba_file_rules()' });
  if (!r.can_read_preload) unseen.push({ checkId: 'audit-logging', what: 'shared_preload_libraries (whether pgaudit is loaded): needs pg_read_all_settings' });
  if (Number(r.hidden_sessions) > 0)
    unseen.push({ checkId: 'ssl-settings', what: `whether ${r.hidden_sessions} session${Number(r.hidden_sessions) === 1 ? '' : 's'} of other roles use${Number(r.hidden_sessions) === 1 ? 's' : ''} SSL: needs pg_read_all_stats` });
  const publicTables: SecurityFacts['publicTables'] = (r.public_tables ?? []).map((t: any) => ({ ...t, columns: t.columns ?? [] }));
  const hiddenStats = publicTables.flatMap((t) => t.columns.filter((c) => !c.statsVisible).map((c) => `${t.schema}.${t.name}.${c.name}`));
  if (hiddenStats.length)
    unseen.push({ checkId: 'sensitive-column-unprotected', what: `the value shapes of ${hiddenStats.length} columns this role cannot SELECT (judged by name only): ${hiddenStats.slice(0, 5).join(', ')}${hiddenStats.length > 5 ? ', …' : ''}` });
  const mappings: SecurityFacts['userMappings'] = r.user_mappings ?? [];
  if (mappings.some((m) => m.hasPassword === null))
    unseen.push({ checkId: 'risky-extension', what: 'the options of user mappings for other roles (pg_user_mappings shows them to their user and the server owner)' });
  let usage: SecurityFacts['usage'] = null;
  const code = opts.usage ? await resolvedUsage(db, opts.usage) : undefined;
  const apart = opts.usageApart?.length ? await resolvedApart(db, opts.usageApart) : [];
  const powerful = me && (me.superuser || me.bypassRls || me.createRole || me.createDb || me.replication || me.ownedTables > 0);
  // The code's usage and the statistics' merged (a route the traffic never reached still needs its DELETE; a statement
  // the scan could not read still ran): the script is never narrower than either.
  const statsRows = powerful ? (await db.query(SECURITY_SQL.usage)).rows : [];
  // The tables PG Lens scanned itself (an Explain Analyze, a benchmark): their scans are counted to subtract its own.
  const ownScanned = statsRows.filter((x) => {
    const own = ownWorkOf(opts.profile, x.schema, x.table_name);
    return x.sel && own && own.seqScans + own.idxScans > 0;
  });
  const scans = new Map<string, number>();
  if (ownScanned.length) for (const x of (await db.query(SECURITY_SQL.scans, [ownScanned.map((t) => t.schema), ownScanned.map((t) => t.table_name)])).rows) scans.set(`${x.schema}\u0000${x.table_name}`, Number(x.scans));
  const counted: TableUsage[] | undefined = powerful
    ? statsRows.flatMap((x) => {
        // A kind only PG Lens's own rolled-back Explain Analyze wrote is no privilege the application uses (person38 M2:
        // `GRANT SELECT, INSERT, DELETE ON public.reviews` after an explained INSERT and DELETE); nor a SELECT only its
        // Explain Analyze or benchmark runs made (their scans count in seq_scan and idx_scan).
        const w = lessOwnWork(opts.profile, x.schema, x.table_name, { inserts: Number(x.ins), updates: Number(x.upd), deletes: Number(x.del), scans: scans.get(`${x.schema}\u0000${x.table_name}`) ?? (x.sel ? 1 : 0) });
        const u = { schema: x.schema, table: x.table_name, select: w.scans! > 0, insert: w.inserts! > 0, update: w.updates! > 0, delete: w.deletes! > 0 };
        return u.select || u.insert || u.update || u.delete ? [u] : [];
      })
    : undefined;
  // The counters count a foreign key's cascades and every rolled-back row, PG Lens's Explain Analyze from another window
  // or process included (person39 H2): where pg_stat_statements' texts are all readable, a write kind is granted only
  // when a statement of the application does it. Without them, the counters less this process's own work, hedged.
  const info = counted?.some((u) => u.insert || u.update || u.delete) ? await opts.info?.() : undefined;
  const statements = info?.pgStatStatements === 'ready' ? (await db.query(info.versionNum >= 140000 ? SECURITY_SQL.writeStatements : SECURITY_SQL.writeStatementsPre14)).rows : undefined;
  // Each with its calls and rows: a load (a psql backfill, an import) is judged as the index advice judges one, on its
  // table's rows now (loadTableRows), and grants nothing (person49 L-7).
  const tableRows = new Map(statsRows.map((x) => [`${x.schema}.${x.table_name}`, loadTableRows(Number(x.live), Number(x.analyzed))] as const));
  const corroborated = counted && statements && !statements.some((x) => x.hidden) ? corroborateWrites(counted, statements.map((x) => ({ query: applicationText(x.query), calls: Number(x.calls), rows: Number(x.rows) })), tableRows) : undefined;
  const fromStats = corroborated?.tables ?? counted;
  // A kind the code's statements do is granted after all: not named as left out.
  const leftOut = (tables: TableUsage[]) => {
    if (!corroborated) return {};
    const by = new Map(tables.map((t) => [`${t.schema}\u0000${t.table}`, t]));
    const writesLeftOut = corroborated.leftOut.flatMap((w) => {
      const kinds = w.kinds.filter((k) => !by.get(`${w.schema}\u0000${w.table}`)?.[k]);
      return kinds.length ? [{ ...w, kinds }] : [];
    });
    return { writesLeftOut };
  };
  const apartOf = apart.length ? { apart } : {};
  if (code && fromStats) {
    // A kind the statistics counted on a table that only the code's seeds, migrations, tests or scripts use that way is
    // theirs (the seed's INSERTs ran against this database): apart, not granted.
    const theirs = new Map(apart.map((a) => [`${a.schema}\u0000${a.table}`, a]));
    const stats = fromStats.flatMap((u) => {
      const a = theirs.get(`${u.schema}\u0000${u.table}`);
      const kept = a ? { ...u, select: u.select && !a.kinds.includes('select'), insert: u.insert && !a.kinds.includes('insert'), update: u.update && !a.kinds.includes('update'), delete: u.delete && !a.kinds.includes('delete') } : u;
      return kept.select || kept.insert || kept.update || kept.delete ? [kept] : [];
    });
    const tables = mergeUsage(code.map((u) => ({ ...u, inCode: true })), stats);
    usage = { source: 'code+statistics', tables, ...leftOut(tables), ...apartOf };
  } else if (code) usage = { source: 'code', tables: code.map((u) => ({ ...u, inCode: true })), ...apartOf };
  else if (fromStats) usage = { source: 'statistics', tables: fromStats, ...leftOut(fromStats) };
  return {
    currentUser: r.current_user,
    roles,
    md5PasswordRoles,
    hbaTrust,
    publicCreateSchemas: r.public_create ?? [],
    publicDefaultAcls: r.default_acls ?? [],
    definerFunctions: r.definer_functions ?? [],
    rlsTables: (r.rls_tables ?? []).map((t: any) => ({ ...t, policies: Number(t.policies) })),
    publicTables,
    extensions: r.extensions ?? [],
    userMappings: mappings,
    untrustedLanguages: (r.untrusted_languages ?? []).map((l: any) => ({ ...l, functions: Number(l.functions), publicDefinerFunctions: l.publicDefinerFunctions ?? [] })),
    pgcrypto: !!r.pgcrypto,
    pgaudit: !!r.pgaudit,
    currentWal: r.current_wal ?? null,
    lastArchivedWal: r.last_archived_wal ?? null,
    usage,
    unseen,
  };
}

/** Each name as the database resolves it (search_path when unqualified); undefined for a system catalog or a name that is no relation of the database (it gets no GRANT). */
async function resolveNames(db: Pick<Session, 'query'>, list: readonly { schema: string; table: string }[]): Promise<({ schema: string; table: string } | undefined)[]> {
  const out: ({ schema: string; table: string } | undefined)[] = list.map(() => undefined);
  if (!list.length) return out;
  for (const r of (await db.query(SECURITY_SQL.resolveTables, [list.map((u) => u.schema), list.map((u) => u.table)])).rows) out[Number(r.i) - 1] = { schema: String(r.schema), table: String(r.table_name) };
  return out;
}

/** The code's usage under the names the database resolves (merged per table); system catalogs and unknown names dropped. */
async function resolvedUsage(db: Pick<Session, 'query'>, list: readonly TableUsage[]): Promise<TableUsage[]> {
  const names = await resolveNames(db, list);
  return mergeUsage(list.flatMap((u, i) => (names[i] ? [{ ...u, ...names[i] }] : [])));
}

/** The same for what only seeds, migrations, tests and scripts use. */
async function resolvedApart(db: Pick<Session, 'query'>, list: readonly UsageApart[]): Promise<UsageApart[]> {
  const names = await resolveNames(db, list);
  const out = new Map<string, UsageApart>();
  list.forEach((a, i) => {
    const n = names[i];
    if (!n) return;
    const key = `${n.schema}\u0000${n.table}`;
    const had = out.get(key);
    out.set(key, { ...n, kinds: [...new Set([...(had?.kinds ?? []), ...a.kinds])], contexts: [...new Set([...(had?.contexts ?? []), ...a.contexts])] });
  });
  return [...out.values()];
}
