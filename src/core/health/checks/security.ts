/**
 * Security and privacy audit: roles, privileges, row security, sensitive columns, extensions,
 * encryption in transit, logging and backups. Each check reads HealthFacts.security (and the
 * server settings); what the reading role could not see is listed by securityBlindSpots, never guessed.
 */
import { finding } from '../finding';
import { qualifiedName, quoteIdent, quoteLiteral } from '../../sql/ident';
import { leastPrivilegeScript } from '../leastPrivilege';
import { sensitiveKindByName, sensitiveKindByShape, TENANT_KEY_COLUMNS, type SensitiveKind } from '../sensitive';
import type { HealthCheck, HealthFacts, HealthFinding, HealthSeverity, HealthThresholds, ObjectRef, SecurityFacts } from '../types';
import { countOf, formatBytes } from '../../format';
import { fmtSeconds } from './sessions';

const setting = (f: HealthFacts, name: string): string | undefined => f.settings[name]?.setting;

function sec(f: HealthFacts): SecurityFacts | undefined {
  return f.security;
}

/** A check in the security category. */
function inSecurity(c: Pick<HealthCheck, 'id' | 'title' | 'summary'> & { run(this: HealthCheck, f: HealthFacts, t: HealthThresholds): HealthFinding[] }): HealthCheck {
  return { id: c.id, title: c.title, category: 'security', summary: c.summary, run: c.run };
}

/** A security check of the security facts: silent when they were not read (`run` gets them). */
function securityCheck(c: Pick<HealthCheck, 'id' | 'title' | 'summary'> & { run(this: HealthCheck, s: SecurityFacts, f: HealthFacts): HealthFinding[] }): HealthCheck {
  const check = inSecurity({
    ...c,
    run(f) {
      const s = sec(f);
      return s ? c.run.call(check, s, f) : [];
    },
  });
  return check;
}

/** The role name the least-privilege script creates for an application role. */
function leastPrivilegeRoleName(role: string): string {
  return `${role.replace(/[^a-z0-9_]/gi, '_').toLowerCase().slice(0, 50)}_app`;
}

/** Statistics younger than this are a thin basis for a role's privileges (a day's traffic does not reach every route). */
const THIN_STATS_SECONDS = 86400;

const STATS_FROM: Record<NonNullable<HealthFacts['statsAgeFrom']>, string> = { reset: 'their reset', 'database-created': 'the database’s creation', 'server-start': 'the server’s start' };

/**
 * What the least-privilege script's privileges rest on, in plain words, and where that basis is thin: the code's
 * statements (what the scan cannot read is not covered), the table statistics (statements not run since their reset are
 * not covered; younger than a day is thin; a table written only some ways may be written the others by routes not run).
 */
function leastPrivilegeBasis(f: HealthFacts): { basis: string; thin: string[] } | undefined {
  const u = sec(f)?.usage;
  if (!u) return undefined;
  // Which writes were left out as loads, said in the basis (person49 L-7): the script's comment line lists them too.
  const loads = u.writesLeftOut?.filter((w) => w.load) ?? [];
  const loadWords = loads.length ? `, not where only a bulk load did it: ${loads.slice(0, 4).map((w) => `${qualifiedName(w.schema, w.table)} ${w.kinds.map((k) => k.toUpperCase()).join(', ')}, ${w.load!.calls === 1 ? 'one run' : `${w.load!.calls} runs`} writing ${w.load!.rows.toLocaleString('en-US')} rows`).join('; ')}${loads.length > 4 ? '; …' : ''} — a backfill or an import, not the application's writes` : '';
  const checked = u.writesLeftOut ? `, each write kind only where a statement in pg_stat_statements does it${loadWords}` : '';
  const stats = `${fmtSeconds(f.statsAgeSeconds)} of table statistics (since ${f.statsAgeFrom ? STATS_FROM[f.statsAgeFrom] : 'an unknown time'}, by any role${checked})`;
  const code = 'the statements and query-builder calls found in the code';
  const basis =
    u.source === 'code'
      ? `from ${code}; statements the scan cannot read (built at run time, through a library it does not know) are not covered — check before applying`
      : u.source === 'code+statistics'
        ? `from ${code} and ${stats}; a statement in neither is not covered — check before applying`
        : `from ${stats} only — no code was read; statements the application did not run in that time are not covered and their routes would fail with "permission denied" (pg-lens report --db URL <paths> adds the privileges the code's statements use) — check before applying`;
  const thin: string[] = [];
  if (u.source !== 'code' && f.statsAgeSeconds !== null && f.statsAgeSeconds < THIN_STATS_SECONDS) thin.push(`the statistics span only ${fmtSeconds(f.statsAgeSeconds)}`);
  if (u.source !== 'code') {
    const partial = u.tables.filter((t) => !t.inCode && (t.insert || t.update || t.delete) && !(t.insert && t.update && t.delete));
    for (const t of partial.slice(0, 8)) {
      const seen = (['insert', 'update', 'delete'] as const).filter((p) => t[p]).map((p) => p.toUpperCase());
      const unseen = (['insert', 'update', 'delete'] as const).filter((p) => !t[p]).map((p) => p.toUpperCase());
      thin.push(`${qualifiedName(t.schema, t.table)} was written only by ${seen.join(' and ')} (no ${unseen.join(' or ')} seen): add ${unseen.join(', ')} if the application does that`);
    }
    if (partial.length > 8) thin.push(`${partial.length - 8} more tables written only some ways`);
    // The counters count rolled-back rows too (person38 M2): PG Lens's own Explain Analyze runs of this process are left out
    // in src/db; another window's or run's cannot be told from the application's, and a privilege may rest on them.
    // With pg_stat_statements, a write no statement does is left out of the script and named in its comment line.
    if (!u.writesLeftOut && u.tables.some((t) => !t.inCode && (t.insert || t.update || t.delete)))
      thin.push('the statistics count rolled-back writes too (the application’s failed transactions, Explain Analyze run by another PG Lens window or pg-lens run; this one’s are left out): a write privilege seen only there is one the application does not need');
  }
  return { basis, thin };
}

/** The least-privilege script for the reading role, or undefined without usage facts. */
export function leastPrivilegeFor(f: HealthFacts, role: string): { sql: string[]; source: 'code' | 'statistics' | 'code+statistics'; tables: number; basis: string; thin: string[] } | undefined {
  const s = sec(f);
  if (!s?.usage) return undefined;
  return {
    sql: leastPrivilegeScript({ role: leastPrivilegeRoleName(role), database: f.database, usage: s.usage.tables, sequences: f.sequences, writesLeftOut: s.usage.writesLeftOut, apart: s.usage.apart }),
    source: s.usage.source,
    tables: s.usage.tables.length,
    ...leastPrivilegeBasis(f)!,
  };
}

const superuserApplicationRole = securityCheck({
  id: 'superuser-application-role',
  title: 'Application role with more power than it needs',
  summary: 'The role this profile or the application logs in as is a superuser, owns the tables, or has BYPASSRLS/CREATEROLE/CREATEDB.',
  run(s, f) {
    const out: HealthFinding[] = [];
    for (const r of s.roles) {
      const powers = [r.superuser && 'SUPERUSER', r.bypassRls && 'BYPASSRLS', r.createRole && 'CREATEROLE', r.createDb && 'CREATEDB', r.replication && 'REPLICATION'].filter(Boolean) as string[];
      if (!powers.length && !r.ownedTables) continue;
      const who = r.current ? `This profile’s role ${quoteIdent(r.name)}` : `Role ${quoteIdent(r.name)} (${countOf(r.sessions, 'application session')}: ${r.applications.join(', ')})`;
      const what = [powers.length ? powers.join(', ') : '', r.ownedTables ? `owns ${countOf(r.ownedTables, 'table')}` : ''].filter(Boolean).join(' and ');
      const script = leastPrivilegeFor(f, r.name);
      const fixSql = [
        ...(script?.sql ?? []),
        ...(powers.length && !r.bootstrap ? [`ALTER ROLE ${quoteIdent(r.name)} ${r.superuser ? 'NOSUPERUSER ' : ''}${r.bypassRls ? 'NOBYPASSRLS ' : ''}${r.createRole ? 'NOCREATEROLE ' : ''}${r.createDb ? 'NOCREATEDB ' : ''}${r.replication ? 'NOREPLICATION ' : ''}`.trimEnd() + ';'] : []),
      ];
      out.push(finding(this, r.superuser || r.bypassRls ? 'warning' : 'info', `${who} ${powers.length ? `has ${what}` : what}: more than an application needs.`, {
        objects: [{ kind: 'role', name: r.name }],
        evidence: {
          role: r.name,
          current: r.current,
          attributes: powers,
          ownedTables: r.ownedTables,
          sessions: r.sessions,
          applications: r.applications,
          leastPrivilege: script ? { source: script.source === 'code' ? 'the statements found in the code' : script.source === 'code+statistics' ? 'the statements found in the code and the table statistics' : 'table statistics only (tables read and written since the statistics were reset, by any role)', tables: script.tables, basis: script.basis, ...(script.thin.length ? { thin: script.thin } : {}), ...(sec(f)?.usage?.writesLeftOut?.length ? { writesLeftOut: sec(f)!.usage!.writesLeftOut } : {}) } : null,
        },
        fixSql,
        help: script
          ? `Create the least-privilege role (privileges ${script.basis}${script.thin.length ? `; thin basis: ${script.thin.join('; ')}` : ''}), set its password with \\password, point the application at it, then ${r.bootstrap ? 'stop using the bootstrap superuser for anything but administration (it cannot give up SUPERUSER)' : 'take the extra attributes away'}${r.ownedTables ? '; keep table ownership with a separate migration role' : ''}.`
          : 'Give the application its own role with only the privileges its statements need (pg-lens report with source paths writes that role’s script); run migrations as a separate owner role.',
      }));
    }
    return out;
  },
});

const weakPasswordEncryption = inSecurity({
  id: 'weak-password-encryption',
  title: 'Weak password encryption',
  summary: 'password_encryption = md5, roles whose stored password is MD5, or pg_hba.conf lines that trust without a password.',
  run(f) {
    const s = sec(f);
    const out: HealthFinding[] = [];
    const enc = setting(f, 'password_encryption');
    if (enc === 'md5' || enc === 'on')
      out.push(finding(this, 'warning', `password_encryption is ${enc}: new passwords are stored as MD5 hashes.`, {
        objects: [{ kind: 'setting', name: 'password_encryption' }],
        evidence: { password_encryption: enc },
        fixSql: [`ALTER SYSTEM SET password_encryption = 'scram-sha-256';`, 'SELECT pg_reload_conf();'],
        help: 'MD5 hashes are weak and replayable; SCRAM-SHA-256 is the default since PostgreSQL 14. Then reset the MD5 passwords (\\password ROLE in psql).',
      }));
    for (const role of s?.md5PasswordRoles ?? [])
      out.push(finding(this, 'warning', `Role ${quoteIdent(role)} has an MD5 password.`, {
        objects: [{ kind: 'role', name: role }],
        evidence: { role, storedAs: 'md5' },
        fixSql: enc === 'scram-sha-256' ? [] : [`SET password_encryption = 'scram-sha-256';`],
        help: `Set its password again with password_encryption = scram-sha-256 (\\password ${quoteIdent(role)} in psql hashes it on the client), then use scram-sha-256 in pg_hba.conf.`,
      }));
    for (const h of s?.hbaTrust ?? []) {
      const local = h.type === 'local' || (h.address !== null && /^(127\.|::1$|localhost$)/.test(h.address));
      out.push(finding(this, local ? 'info' : 'warning', `pg_hba.conf line ${h.line} lets ${h.user.join(', ')} log in to ${h.database.join(', ')} ${h.type === 'local' ? 'over the Unix socket' : `from ${h.address ?? 'any address'}`} without a password (trust).`, {
        objects: [{ kind: 'pg_hba.conf line', name: String(h.line) }],
        evidence: { ...h },
        help: 'Change the method to scram-sha-256 (or peer for local) in pg_hba.conf, then SELECT pg_reload_conf();',
      }));
    }
    return out;
  },
});

const publicSchemaCreate = securityCheck({
  id: 'public-schema-create',
  title: 'Anyone can create objects',
  summary: 'PUBLIC holds CREATE on a schema (the default for public before PostgreSQL 15), or default privileges grant to PUBLIC.',
  run(s) {
    const out: HealthFinding[] = [];
    for (const x of s.publicCreateSchemas)
      out.push(finding(this, 'warning', `Every role can create objects in schema ${quoteIdent(x.schema)}.`, {
        objects: [{ kind: 'schema', name: x.schema }],
        evidence: { schema: x.schema, owner: x.owner, grantee: 'PUBLIC', privilege: 'CREATE' },
        fixSql: [`REVOKE CREATE ON SCHEMA ${quoteIdent(x.schema)} FROM PUBLIC;`],
        help: 'A role that can create objects in a schema on the search_path can plant a function or operator that another role (or a SECURITY DEFINER function) then runs. Grant CREATE to the owner or migration role only.',
      }));
    const OBJ = { tables: 'TABLES', sequences: 'SEQUENCES', schemas: 'SCHEMAS' } as const;
    for (const d of s.publicDefaultAcls)
      out.push(finding(this, 'warning', `Default privileges give PUBLIC ${d.privileges.join(', ')} on new ${d.objectType} created by ${quoteIdent(d.role)}${d.schema ? ` in ${quoteIdent(d.schema)}` : ''}.`, {
        objects: [{ kind: 'role', name: d.role }, ...(d.schema ? [{ kind: 'schema' as const, name: d.schema }] : [])],
        evidence: { ...d },
        fixSql: [`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(d.role)}${d.schema ? ` IN SCHEMA ${quoteIdent(d.schema)}` : ''} REVOKE ${d.privileges.join(', ')} ON ${OBJ[d.objectType]} FROM PUBLIC;`],
        help: 'Grant to the application role by name instead of PUBLIC.',
      }));
    return out;
  },
});

/** The schemas of a search_path setting value ("a, \"b c\", $user"). */
export function searchPathSchemas(value: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) && m[0].length) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return out;
}

const securityDefinerSearchPath = securityCheck({
  id: 'security-definer-search-path',
  title: 'SECURITY DEFINER without a safe search_path',
  summary: 'A SECURITY DEFINER function with no fixed search_path (or one naming a schema anyone can write), or executable by PUBLIC.',
  run(s) {
    const writable = new Set(s.publicCreateSchemas.map((x) => x.schema));
    const out: HealthFinding[] = [];
    for (const fn of s.definerFunctions) {
      const path = fn.searchPath === null ? null : searchPathSchemas(fn.searchPath);
      const unsafe = path === null ? 'no search_path' : path.filter((p) => writable.has(p) || p === '$user').map((p) => (p === '$user' ? '$user (a schema named after the caller)' : `${p} (anyone can create objects there)`));
      const bad = path === null || unsafe.length > 0;
      if (!bad && !fn.publicExecute) continue;
      const kw = fn.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
      const target = `${qualifiedName(fn.schema, fn.name)}(${fn.args})`;
      const fixSql: string[] = [];
      if (bad) fixSql.push(`ALTER ${kw} ${target} SET search_path = pg_catalog, ${quoteIdent(fn.schema)}, pg_temp;`);
      if (fn.publicExecute) fixSql.push(`REVOKE EXECUTE ON ${kw} ${target} FROM PUBLIC;`);
      const why = bad ? (path === null ? 'has no fixed search_path' : `puts ${(unsafe as string[]).join(', ')} on its search_path`) : '';
      out.push(finding(this, bad ? (fn.ownerSuperuser || fn.publicExecute ? 'error' : 'warning') : 'info', `SECURITY DEFINER ${fn.kind} ${target} (owner ${quoteIdent(fn.owner)}${fn.ownerSuperuser ? ', a superuser' : ''}) ${[why, fn.publicExecute ? 'can be run by every role (PUBLIC)' : ''].filter(Boolean).join(' and ')}.`, {
        objects: [{ kind: 'function', schema: fn.schema, name: fn.name }],
        evidence: { ...fn },
        fixSql,
        help: bad
          ? 'It runs with its owner’s privileges but resolves names through the caller’s search_path: a caller who can create a same-named table, function or operator earlier on the path runs code as the owner. Pin the path (pg_temp last) and schema-qualify names in the body.'
          : 'Grant EXECUTE to the roles that need it, not PUBLIC.',
      }));
    }
    return out;
  },
});

const rlsPolicyDisabled = securityCheck({
  id: 'rls-policy-disabled',
  title: 'Row security policies not enforced',
  summary: 'A table with row-level-security policies whose RLS is off, or not forced while the reading role owns it.',
  run(s) {
    const out: HealthFinding[] = [];
    const current = s.roles.find((r) => r.current);
    for (const t of s.rlsTables) {
      if (!t.policies) continue;
      const name = qualifiedName(t.schema, t.name);
      const push = (severity: HealthSeverity, message: string, clause: 'ENABLE' | 'FORCE', help: string) =>
        out.push(finding(this, severity, message, {
          objects: [{ kind: 'table', schema: t.schema, name: t.name }],
          evidence: { ...t },
          fixSql: [`ALTER TABLE ${name} ${clause} ROW LEVEL SECURITY;`],
          help,
        }));
      if (!t.enabled)
        push('error', `Table ${name} has ${countOf(t.policies, 'row security policy')} but row-level security is disabled: the policies filter nothing.`, 'ENABLE',
          'Enabling RLS makes the policies apply to every role except the owner and BYPASSRLS roles; test the application’s role first (roles without a matching policy then see no rows).');
      else if (!t.forced && t.ownedByCurrent && current && !current.superuser && !current.bypassRls)
        push('warning', `Table ${name} has row-level security, but this role owns it and RLS is not forced: the owner bypasses the policies.`, 'FORCE',
          'When the application logs in as the owner, FORCE makes the policies apply to it too (or give the application a role that does not own the table).');
    }
    return out;
  },
});

const rlsMissing = securityCheck({
  id: 'rls-missing',
  title: 'Tenant tables without row security',
  summary: 'A table keyed by tenant (or by user, where other tables with that key use RLS) readable by this role with no policy.',
  run(s) {
    const current = s.roles.find((r) => r.current);
    if (current?.superuser || current?.bypassRls) return [];
    const keysWithRls = new Set(s.rlsTables.filter((t) => t.enabled && t.policies && t.keyColumn).map((t) => t.keyColumn));
    const out: HealthFinding[] = [];
    for (const t of s.rlsTables) {
      if (!t.keyColumn || t.policies || t.enabled || !t.readable) continue;
      const tenant = TENANT_KEY_COLUMNS.includes(t.keyColumn);
      if (!tenant && !keysWithRls.has(t.keyColumn)) continue;
      const name = qualifiedName(t.schema, t.name);
      const col = quoteIdent(t.keyColumn);
      const settingName = `app.${t.keyColumn}`;
      out.push(finding(this, 'info', `Table ${name} holds ${t.keyColumn} and is readable by ${quoteIdent(s.currentUser)} with no row security: any query without the right WHERE sees every ${tenant ? 'tenant' : 'user'}’s rows.`, {
        objects: [{ kind: 'table', schema: t.schema, name: t.name }],
        evidence: { ...t, reason: tenant ? 'tenant key column' : `other tables keyed by ${t.keyColumn} use row security` },
        fixSql: [
          `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`,
          `CREATE POLICY ${quoteIdent(`${t.name}_${t.keyColumn}_isolation`.slice(0, 63))} ON ${name} USING (${col} = nullif(current_setting(${quoteLiteral(settingName)}, true), '')::${t.keyType ?? 'text'});`,
        ],
        help: `The application then sets the key per transaction (SET LOCAL ${settingName} = '…'); the owner and BYPASSRLS roles are not filtered.`,
      }));
    }
    return out;
  },
});

const KIND_FIX: Record<SensitiveKind, string> = {
  email: 'mask it in a view (left(email, 1) || \'***\' || substring(email from \'@.*$\'))',
  phone: 'mask it in a view (\'***\' || right(phone, 3))',
  'card number': 'do not store it (tokenise with the payment provider), or encrypt it with pgcrypto',
  'national id': 'encrypt it (pgcrypto pgp_sym_encrypt) or mask it in a view',
  'password hash': 'keep it readable by the authentication code’s role only',
  'secret token': 'store a hash of it, not the token',
  'bank account': 'encrypt it (pgcrypto) or mask it in a view',
  'date of birth': 'expose only what is needed (an age or a year) through a view',
};

const sensitiveColumnUnprotected = securityCheck({
  id: 'sensitive-column-unprotected',
  title: 'Sensitive columns readable by everyone',
  summary: 'Columns that look like emails, phones, card or national ids, password hashes or tokens (by name, type or sampled values) that PUBLIC can SELECT.',
  run(s) {
    const out: HealthFinding[] = [];
    for (const t of s.publicTables) {
      const hits: { column: string; type: string; kind: SensitiveKind; by: 'name' | 'values' }[] = [];
      for (const c of t.columns) {
        if (!t.publicTable && !c.publicColumn) continue;
        // Encrypted with pgcrypto: ciphertext is bytea.
        if (s.pgcrypto && c.type === 'bytea') continue;
        const byName = sensitiveKindByName(c.name) ?? sensitiveKindByName(c.type);
        const byShape = sensitiveKindByShape(c.sample);
        const kind = byShape ?? byName;
        if (kind) hits.push({ column: c.name, type: c.type, kind, by: byShape ? 'values' : 'name' });
      }
      if (!hits.length) continue;
      const name = qualifiedName(t.schema, t.name);
      const sensitive = new Set(hits.map((h) => h.column));
      const keep = t.columns.filter((c) => !sensitive.has(c.name)).map((c) => quoteIdent(c.name));
      const fixSql = t.publicTable
        ? [`REVOKE SELECT ON ${name} FROM PUBLIC;`, ...(keep.length ? [`GRANT SELECT (${keep.join(', ')}) ON ${name} TO PUBLIC;`] : [])]
        : [`REVOKE SELECT (${hits.map((h) => quoteIdent(h.column)).join(', ')}) ON ${name} FROM PUBLIC;`];
      const kinds = [...new Set(hits.map((h) => h.kind))];
      out.push(finding(this, hits.some((h) => h.kind === 'card number' || h.kind === 'national id' || h.kind === 'password hash' || h.kind === 'secret token') ? 'error' : 'warning', `${name}: ${hits.map((h) => `${h.column} (${h.kind})`).join(', ')} readable by every role (PUBLIC).`, {
        objects: [{ kind: 'table', schema: t.schema, name: t.name }, ...hits.map((h): ObjectRef => ({ kind: 'column', schema: t.schema, table: t.name, name: h.column }))],
        evidence: {
          columns: hits.map((h) => ({ column: h.column, type: h.type, looksLike: h.kind, judgedBy: h.by === 'values' ? 'the shape of sampled values (not shown)' : 'its name' })),
          grantedTo: t.publicTable ? 'PUBLIC (whole table)' : 'PUBLIC (column grants)',
        },
        fixSql,
        help: `Take PUBLIC’s access to these columns away (the other columns stay readable), grant them by name to the roles that need them, and for what remains readable: ${kinds.map((k) => KIND_FIX[k]).join('; ')}.`,
      }));
    }
    return out;
  },
});

const RISKY_EXTENSIONS: Record<string, string> = {
  dblink: 'opens connections from the server to any host; with trust or peer authentication on the server, a loopback connection runs as another role',
  postgres_fdw: 'stores remote credentials in user mappings and connects from the server',
  file_fdw: 'reads server files and program output for roles granted pg_read_server_files or pg_execute_server_program',
  adminpack: 'writes and deletes files on the server',
  pageinspect: 'reads raw pages, including rows the caller may not SELECT (superuser only by default)',
  pg_read_file: 'reads server files',
};
export const RISKY_EXTENSION_NAMES = Object.keys(RISKY_EXTENSIONS);

const riskyExtension = securityCheck({
  id: 'risky-extension',
  title: 'Risky extensions',
  summary: 'dblink, postgres_fdw (passwords in PUBLIC user mappings), file_fdw, adminpack installed.',
  run(s) {
    const out: HealthFinding[] = [];
    for (const e of s.extensions)
      out.push(finding(this, e.name === 'adminpack' || e.name === 'dblink' ? 'warning' : 'info', `Extension ${e.name} ${e.version} is installed (schema ${quoteIdent(e.schema)}): it ${RISKY_EXTENSIONS[e.name]}.`, {
        objects: [{ kind: 'extension', name: e.name, schema: e.schema }],
        evidence: { ...e },
        fixSql: [`DROP EXTENSION ${quoteIdent(e.name)};`],
        help: `Drop it if nothing uses it (DROP EXTENSION without CASCADE stops if something depends on it); otherwise REVOKE EXECUTE on its functions FROM PUBLIC and grant them to the one role that needs them.`,
      }));
    for (const m of s.userMappings) {
      if (m.user !== 'public' || !m.publicUsage || m.hasPassword === false) continue;
      out.push(finding(this, 'error', `Foreign server ${quoteIdent(m.server)} has a user mapping for PUBLIC${m.hasPassword ? ' with a stored password' : ''}, and every role may use the server: any role can connect as that remote user${m.hasPassword ? ' and read the password in pg_user_mappings' : ''}.`, {
        objects: [{ kind: 'foreign server', name: m.server }],
        evidence: { ...m },
        fixSql: [`REVOKE USAGE ON FOREIGN SERVER ${quoteIdent(m.server)} FROM PUBLIC;`],
        help: 'Map named roles to their own remote users instead of PUBLIC.',
      }));
    }
    return out;
  },
});

const untrustedLanguage = securityCheck({
  id: 'untrusted-language',
  title: 'Untrusted procedural languages',
  summary: 'An untrusted language (plpython3u, plperlu, pltclu) is installed: its functions run with the server’s operating-system rights.',
  run(s) {
    return s.untrustedLanguages.map((l) => finding(this, l.publicDefinerFunctions.length ? 'error' : 'warning', `Untrusted language ${l.name} is installed (${countOf(l.functions, 'function')}${l.publicDefinerFunctions.length ? `; ${l.publicDefinerFunctions.length} SECURITY DEFINER, executable by PUBLIC` : ''}).`, {
      objects: [{ kind: 'language', name: l.name }],
      evidence: { ...l },
      fixSql: l.functions ? [] : [`DROP EXTENSION IF EXISTS ${quoteIdent(l.name)};`, `DROP LANGUAGE IF EXISTS ${quoteIdent(l.name)};`],
      help: l.functions
        ? 'Only superusers can create functions in it, but each one runs as the server’s OS user: review them, keep EXECUTE away from PUBLIC, and drop the language when they are gone.'
        : 'Nothing uses it: drop it.',
    }));
  },
});

const OLD_TLS = new Set(['TLSv1', 'TLSv1.1']);

const sslSettings = inSecurity({
  id: 'ssl-settings',
  title: 'Encryption in transit',
  summary: 'ssl = off, ssl_min_protocol_version below TLSv1.2, and client sessions over TCP without SSL (Unix sockets left out).',
  run(f) {
    const out: HealthFinding[] = [];
    const add = ({ severity, message, ...d }: Omit<HealthFinding, 'checkId' | 'category'>) => out.push(finding(this, severity, message, d));
    const ssl = setting(f, 'ssl');
    if (ssl === 'off')
      add({
        severity: 'warning',
        message: 'ssl is off: passwords and data cross the network in clear text.',
        objects: [{ kind: 'setting', name: 'ssl' }],
        evidence: { ssl },
        fixSql: [],
        help: 'Install a certificate and key (ssl_cert_file, ssl_key_file), then ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf(); and use hostssl lines in pg_hba.conf.',
      });
    const min = setting(f, 'ssl_min_protocol_version');
    if (ssl === 'on' && min !== undefined && (OLD_TLS.has(min) || min === ''))
      add({
        severity: 'warning',
        message: `ssl_min_protocol_version is ${min || 'empty (any)'}: TLS 1.0 and 1.1 are broken and deprecated.`,
        objects: [{ kind: 'setting', name: 'ssl_min_protocol_version' }],
        evidence: { ssl_min_protocol_version: min },
        fixSql: [`ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2';`, 'SELECT pg_reload_conf();'],
      });
    const plain = f.sessions.filter((s) => !s.own && s.clientAddr && s.ssl === false);
    if (plain.length) {
      const byUser: Record<string, number> = {};
      for (const s of plain) byUser[`${s.user ?? '?'}@${s.clientAddr}`] = (byUser[`${s.user ?? '?'}@${s.clientAddr}`] ?? 0) + 1;
      add({
        severity: 'warning',
        message: `${countOf(plain.length, 'session')} over TCP without SSL.`,
        objects: plain.slice(0, 20).map((s) => ({ kind: 'session', name: `pid ${s.pid}`, pid: s.pid })),
        evidence: { sessions: plain.length, byUserAndAddress: byUser },
        fixSql: [],
        help: 'Use hostssl (not host) lines in pg_hba.conf so the server refuses them, and sslmode=verify-full in clients.',
      });
    }
    return out;
  },
});

/** log_connections is boolean before PostgreSQL 18 and a list after ('' = off). */
function logConnectionsOn(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return !(v === 'off' || v === '' || v === 'false');
}

const auditLogging = inSecurity({
  id: 'audit-logging',
  title: 'Audit logging',
  summary: 'What the server logs for an audit: connections, disconnections, DDL statements (log_statement or pgaudit).',
  run(f) {
    const s = sec(f);
    const missing: string[] = [];
    const fixSql: string[] = [];
    const conn = logConnectionsOn(setting(f, 'log_connections'));
    const disc = setting(f, 'log_disconnections');
    const stmt = setting(f, 'log_statement');
    const pgauditLog = setting(f, 'pgaudit.log');
    const auditOn = !!s?.pgaudit && pgauditLog !== undefined && pgauditLog !== 'none' && pgauditLog !== '';
    if (conn === false) {
      missing.push('connections (log_connections)');
      fixSql.push(`ALTER SYSTEM SET log_connections = ${f.versionNum >= 180000 ? `'receipt,authentication,authorization'` : 'on'};`);
    }
    if (disc === 'off') {
      missing.push('disconnections (log_disconnections)');
      fixSql.push('ALTER SYSTEM SET log_disconnections = on;');
    }
    if (stmt === 'none' && !auditOn) {
      missing.push('schema and role changes (log_statement = ddl, or pgaudit)');
      fixSql.push(`ALTER SYSTEM SET log_statement = 'ddl';`);
    }
    if (!missing.length) return [];
    fixSql.push('SELECT pg_reload_conf();');
    return [finding(this, 'info', `The server does not log ${missing.join(', ')}: a reviewer could not tell who connected or changed what.`, {
      objects: missing.map((m) => ({ kind: 'setting' as const, name: m.replace(/^.*\((\w+).*$/, '$1') })),
      evidence: {
        log_connections: setting(f, 'log_connections') ?? null,
        log_disconnections: disc ?? null,
        log_statement: stmt ?? null,
        log_min_duration_statement: setting(f, 'log_min_duration_statement') ?? null,
        pgaudit: s?.pgaudit ? { installed: true, 'pgaudit.log': pgauditLog ?? null } : { installed: false },
      },
      fixSql,
      help: 'For compliance (SOC 2, PCI DSS, ISO 27001) reviewers expect connection logging and an audit trail of DDL and privilege changes; pgaudit (session or object audit) gives per-statement detail with less noise than log_statement = all.',
    })];
  },
});

/** Segments between two WAL file names (same timeline), or null. */
export function walSegmentsBetween(from: string | null, to: string | null, segmentBytes = 16 * 1024 ** 2): number | null {
  if (!from || !to || from.length !== 24 || to.length !== 24 || from.slice(0, 8) !== to.slice(0, 8)) return null;
  const perLog = 0x100000000 / segmentBytes;
  const seg = (w: string) => parseInt(w.slice(8, 16), 16) * perLog + parseInt(w.slice(16, 24), 16);
  return seg(to) - seg(from);
}

const backupFreshness = inSecurity({
  id: 'backup-freshness',
  title: 'Backups and WAL archiving',
  summary: 'WAL archiving off with no standby, failing now, or the last archived WAL older than the threshold with WAL waiting; active slots holding back much WAL.',
  run(f, t) {
    if (f.inRecovery) return [];
    const out: HealthFinding[] = [];
    const a = f.archiver;
    const s = sec(f);
    const mode = setting(f, 'archive_mode') ?? a?.archiveMode;
    const archiverRef: ObjectRef = { kind: 'archiver', name: 'pg_stat_archiver' };
    if (mode === 'off' && !f.replicas.length)
      out.push(finding(this, 'warning', 'WAL archiving is off and no standby is connected: only full dumps can restore this server, and nothing after the last one.', {
        objects: [{ kind: 'setting', name: 'archive_mode' }],
        evidence: { archive_mode: mode, standbys: 0 },
        help: 'Set up continuous archiving (pgBackRest, Barman, WAL-G, or archive_mode = on with an archive_command; needs a restart) or a managed service’s point-in-time recovery, and test a restore.',
      }));
    if (a && mode !== 'off' && a.failingNow)
      out.push(finding(this, 'error', `WAL archiving is failing: ${a.failedCount} failures, the last on ${a.lastFailedWal ?? '?'} at ${a.lastFailedTime ?? '?'}.`, {
        objects: [archiverRef],
        evidence: { ...a },
        help: 'Read the server log for the archive command’s error; WAL piles up in pg_wal until archiving works again, and backups taken since are not restorable to a point in time.',
      }));
    else if (a && mode !== 'off') {
      const pending = walSegmentsBetween(s?.lastArchivedWal ?? null, s?.currentWal ?? null);
      const age = a.lastArchivedTime ? (Date.now() - Date.parse(a.lastArchivedTime)) / 1000 : null;
      if ((pending ?? 0) > 1 && (age === null || age > t.archiveMaxAgeSeconds))
        out.push(finding(this, 'warning', `The last WAL archived ${age === null ? 'never' : `${fmtSeconds(age)} ago`}, and ${pending} segments wait to be archived.`, {
          objects: [archiverRef],
          evidence: { ...a, currentWal: s?.currentWal, lastArchivedWal: s?.lastArchivedWal, segmentsWaiting: pending },
          help: 'Archiving has stalled: check the archiver process and its command in the server log.',
        }));
    }
    for (const slot of f.slots) {
      if (!slot.active || (slot.retainedBytes ?? 0) < t.slotRetainedWarnBytes) continue;
      out.push(finding(this, 'warning', `Replication slot ${slot.name} holds back ${formatBytes(slot.retainedBytes ?? 0)} of WAL: its consumer is far behind.`, {
        objects: [{ kind: 'replication slot', name: slot.name }],
        evidence: { ...slot },
        help: 'Find why the consumer lags; max_slot_wal_keep_size bounds how much WAL a slot may hold.',
      }));
    }
    return out;
  },
});

/** What the security checks could not see with the reading role's privileges (shown with the findings, never guessed). */
export function securityBlindSpots(f: HealthFacts): { checkId: string; what: string }[] {
  return f.security?.unseen ?? [];
}

export const SECURITY_CHECKS: readonly HealthCheck[] = [
  superuserApplicationRole,
  weakPasswordEncryption,
  publicSchemaCreate,
  securityDefinerSearchPath,
  rlsPolicyDisabled,
  rlsMissing,
  sensitiveColumnUnprotected,
  riskyExtension,
  untrustedLanguage,
  sslSettings,
  auditLogging,
  backupFreshness,
];
