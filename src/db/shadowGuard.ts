/**
 * PG Lens's own statements never run a function a database role planted to shadow a built-in (docs/security.md).
 *
 * PostgreSQL resolves an unqualified function or operator through the session's search_path, and among candidates of
 * one name it prefers the one whose argument types match exactly, whatever its schema: `public.lower(name)` outranks
 * `pg_catalog.lower(text)` for `lower(c.relname)`. Where a schema on the search_path lets other roles create in it
 * (`public` before PostgreSQL 15, and databases upgraded since), any role can plant such a function, and PG Lens's
 * catalog reads would run it with the connected role's rights — a superuser's dashboard made the planter superuser.
 * Measured on PostgreSQL 15 with CREATE on public granted to PUBLIC: the catalog read behind the editor's table
 * figures ran a planted `public.lower(name)` as the superuser, once per row.
 *
 * Before every statement PG Lens sends through a pooled session, and as a session is taken for a sequence of statements
 * (Database.query, Database.withSession), that same session runs one catalog read (itself written with pg_catalog-
 * qualified functions and operators, so it cannot be shadowed) listing the functions and operators of schemas on the
 * search_path that share a name with a built-in and whose author the connected role does not trust (the planning
 * gate's rule: not a superuser, not SECURITY DEFINER, not a role the connected role is a member of). Any found: the
 * statement (the connect's first one included) is refused with one line naming them. Checked at connect only, a
 * look-alike planted while PG Lens was connected ran with its rights until the next connect (table figures: a planted
 * `lower(name)`; the catalog facts: a planted `pg_relation_size(oid)` outranks the built-in's `regclass`).
 *
 * Left open: a plant committed in the one round trip between the check and the statement, and the statements a session
 * sends after it was taken (an index proof's EXPLAINs, a health run's rolled-back reads: a second or two). Pinning PG
 * Lens's own sessions to `search_path = pg_catalog, pg_temp` would close both, but its reads of pg_stat_statements,
 * HypoPG and the application's unqualified table names all rely on the user's search_path today (docs/security.md).
 */
import type * as pg from 'pg';
import { PgLensError } from './errors';
import { OWN_STATEMENT_MARKER, placeOwnMarker } from './sql';

const SHADOW_SQL = {
  /**
   * Up to 6 planted look-alikes of built-ins on the session's search_path: kind, signature, owner. Sent before every
   * statement, so cheap: the functions and operators are first narrowed to the path's schemas (pg_catalog left out) behind
   * OFFSET 0, and only those few are weighed for trust (pg_has_role per row of pg_proc cost 10 ms on PostgreSQL 15).
   */
  shadows: `${OWN_STATEMENT_MARKER} WITH path AS MATERIALIZED (
      SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
      WHERE n.nspname OPERATOR(pg_catalog.<>) 'pg_catalog' AND n.nspname OPERATOR(pg_catalog.=) ANY (pg_catalog.current_schemas(false)))
    SELECT 'function' AS kind,
      pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS signature, r.rolname AS owner
    FROM (SELECT p.oid, p.proname, p.pronamespace, p.proowner, p.prosecdef FROM pg_catalog.pg_proc p
      WHERE p.pronamespace OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT path.oid FROM path)) OFFSET 0) p
    JOIN path n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
    JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.proowner
    WHERE EXISTS (SELECT FROM pg_catalog.pg_proc b WHERE b.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace
        AND b.proname OPERATOR(pg_catalog.=) p.proname)
      AND NOT (r.rolsuper OR p.prosecdef OR pg_catalog.pg_has_role(p.proowner, pg_catalog.current_user(), 'MEMBER'))
    UNION ALL
    SELECT 'operator', pg_catalog.format('%I.%s(%s, %s)', n.nspname, o.oprname, pg_catalog.format_type(o.oprleft, NULL), pg_catalog.format_type(o.oprright, NULL)), r.rolname
    FROM (SELECT o.oprname, o.oprnamespace, o.oprowner, o.oprleft, o.oprright FROM pg_catalog.pg_operator o
      WHERE o.oprnamespace OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT path.oid FROM path)) OFFSET 0) o
    JOIN path n ON n.oid OPERATOR(pg_catalog.=) o.oprnamespace
    JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) o.oprowner
    WHERE EXISTS (SELECT FROM pg_catalog.pg_operator b WHERE b.oprnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace
        AND b.oprname OPERATOR(pg_catalog.=) o.oprname)
      AND NOT (r.rolsuper OR pg_catalog.pg_has_role(o.oprowner, pg_catalog.current_user(), 'MEMBER'))
    LIMIT 6`,
} as const;

/** One planted look-alike of a built-in. */
interface Shadow {
  kind: 'function' | 'operator';
  signature: string;
  owner: string;
}

/**
 * Sent before every statement, unnamed: a named prepared statement is the server session's, and behind PgBouncer's
 * transaction pooling the client's next query may land on a server session that already holds one of that name (another
 * client prepared it: "prepared statement … already exists") or none (db/dashboard/pgbouncer.test.ts).
 */
const SHADOWS_QUERY = { text: placeOwnMarker(SHADOW_SQL.shadows) };

/** The planted look-alikes of built-ins on this session's search_path (empty where there are none). */
async function shadowsOf(session: Pick<pg.ClientBase, 'query'>): Promise<Shadow[]> {
  const { rows } = await session.query<Record<string, unknown>>(SHADOWS_QUERY);
  return rows.map((r) => ({ kind: r.kind === 'operator' ? 'operator' : 'function', signature: String(r.signature), owner: String(r.owner) }));
}

/** Refuse a session whose search_path holds a planted look-alike of a built-in: one line naming them and the way out. */
export async function refuseShadowedBuiltins(session: Pick<pg.ClientBase, 'query'>): Promise<void> {
  const found = await shadowsOf(session);
  if (!found.length) return;
  const shown = found.slice(0, 5).map((s) => `${s.kind} ${s.signature} (owned by ${s.owner})`).join(', ');
  const more = found.length > 5 ? ' and more' : '';
  throw new PgLensError(
    `PG Lens will not run its catalog reads here: ${shown}${more} shares a built-in's name on your search_path and would run with your rights. ` +
      'Drop it or move it out of that schema (and REVOKE CREATE ON SCHEMA … FROM PUBLIC), or connect as a role no more privileged than its owner.',
    'SHADOWED_BUILTIN',
  );
}
