/**
 * Quoting identifiers that come from the catalog, part by part, the way PostgreSQL's quote_ident
 * does: left bare only when lower-case, plain and not a reserved word; otherwise double-quoted with
 * embedded quotes doubled. Pure, so fix SQL built in core and statements built in db agree.
 */

/** Reserved and type/function-name keywords (PostgreSQL 18): these cannot be bare table or column names. */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp ' +
    'current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having ' +
    'ilike in initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not ' +
    'notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar ' +
    'some symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window with'
  ).split(' '),
);

export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new Error('An identifier must be a non-empty string.');
  if (name.includes('\0')) throw new Error('An identifier cannot contain a NUL character.');
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.name, each part quoted on its own (a dot inside a name stays inside its quotes). */
export function qualifiedName(schema: string | undefined | null, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A SQL string literal (standard_conforming_strings on): for fix SQL shown to people, never for our own queries. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('A literal cannot contain a NUL character.');
  return `'${value.replace(/'/g, "''")}'`;
}
