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

/** PostgreSQL's NAMEDATALEN: an identifier keeps at most NAMEDATALEN - 1 = 63 bytes. */
const NAMEDATALEN = 64;

/**
 * An identifier truncated as PostgreSQL truncates it (truncate_identifier): to 63 bytes of UTF-8,
 * never splitting a character (pg_mbcliplen). Applies to quoted and unquoted names alike.
 */
export function truncateIdentifier(name: string): string {
  if (name.length < NAMEDATALEN / 4 || utf8Length(name) < NAMEDATALEN) return name;
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const n = utf8Length(ch);
    if (bytes + n > NAMEDATALEN - 1) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/**
 * A name as the analysis parser (pgsql-ast-parser) reports it → the name PostgreSQL looks up:
 * the parser keeps a quoted identifier's doubled quotes ("we""ird" comes back as we""ird), and does
 * not truncate. A `""` can only come from a quoted identifier, so undoing it is always right.
 */
export function catalogName(parsed: string): string {
  return truncateIdentifier(parsed.includes('""') ? parsed.replace(/""/g, '"') : parsed);
}

/** Bytes of a string in UTF-8 (pure: no Buffer, so the webview bundle can use it too). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
