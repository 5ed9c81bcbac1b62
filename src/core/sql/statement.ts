/**
 * What a statement is, decided by PostgreSQL's own parser (libpg-query, WASM): how many statements
 * a text holds, which kind each is, and whether it changes data. Used wherever safety depends on
 * the answer (Explain Analyze, benchmarks); pgsql-ast-parser gives the friendlier AST for analysis.
 * Offsets here are UTF-16 offsets into the given text (libpg-query reports UTF-8 bytes; converted).
 */
import { LIMITS, sqlOverLimit } from '../limits';
import { maxParamIndex } from '../extract/sqlLexer';
import { oncePerProcess } from '../oncePerProcess';
import type * as PgQuery from 'libpg-query';

/**
 * The loaded parser, one per process: the editor's bundle (dist/extension.js) and the analysis engine's
 * (dist/engine.js) each hold a copy of this module, and a parser loaded through either is loaded for both — as it
 * was when they were one bundle (pgParserLoaded() decides whether the rules say a statement was not analysed).
 */
interface LoadedParser {
  mod?: typeof PgQuery;
  loading?: Promise<typeof PgQuery>;
}
const parser = oncePerProcess<LoadedParser>('libpgQuery', () => ({}));

/** Load the parser once (WASM). Everything else in this module is synchronous afterwards. */
export function loadPgParser(): Promise<typeof PgQuery> {
  parser.loading ??= (async () => {
    const m = (await import('libpg-query')) as any;
    const lib = (m.parseSync ? m : m.default) as typeof PgQuery;
    await lib.loadModule();
    parser.mod = lib;
    return lib;
  })();
  return parser.loading;
}

/** Is PostgreSQL's parser loaded (synchronous callers can use inspectSql)? */
export function pgParserLoaded(): boolean {
  return parser.mod !== undefined;
}

function lib(): typeof PgQuery {
  if (!parser.mod) throw new Error('libpg-query is not loaded: await loadPgParser() first');
  return parser.mod;
}

type StatementClass =
  /** Reads only: may run inside BEGIN READ ONLY. */
  | 'read'
  /** Reads, but takes row locks (FOR UPDATE/SHARE): needs a read-write transaction, changes no data. */
  | 'read-locking'
  /** Changes data (INSERT/UPDATE/DELETE/MERGE, data-modifying CTE, SELECT INTO, CREATE TABLE AS, CREATE MATERIALIZED VIEW). */
  | 'write'
  /** Anything else (DDL, utility, transaction control): EXPLAIN cannot run it. */
  | 'other';

/**
 * What EXPLAIN takes, as inspectSql classes it (everything else is 'other' and refused): the words
 * of the refusal message, kept next to the classification so the two cannot drift apart.
 * EXECUTE is not here: a prepared statement's text is not ours to check, so it is refused.
 */
export const EXPLAINABLE_STATEMENTS = ['SELECT', 'VALUES', 'TABLE', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'CREATE TABLE AS', 'SELECT INTO', 'CREATE MATERIALIZED VIEW'] as const;

export interface StatementInfo {
  /** The parse node name, e.g. SelectStmt, InsertStmt, CreateTableAsStmt. */
  node: string;
  cls: StatementClass;
  /** Why it is classed as write, e.g. ["DELETE in a WITH clause"]. */
  writes: string[];
  /** Offsets of the statement in the text. */
  start: number;
  end: number;
}

export type InspectResult =
  | { ok: true; statements: StatementInfo[] }
  | { ok: false; message: string; /** offset of the error in the text, when known */ offset?: number };

const WRITE_NODES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

/**
 * PostgreSQL's statements (libpg-query's node names) that hold a query the query rules and the index advice read: a
 * SELECT, a write, a view's or CREATE TABLE AS's query, EXPLAIN's, a cursor's, a prepared one's, COPY (…) TO. The rest
 * (CREATE TABLE, CREATE INDEX, ALTER TABLE, CREATE FUNCTION, GRANT, SET…) is schema or session work no query rule judges.
 */
const QUERY_NODES = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'ViewStmt', 'CreateTableAsStmt', 'ExplainStmt', 'DeclareCursorStmt', 'PrepareStmt', 'CopyStmt', 'RuleStmt']);

/** Whether a statement (libpg-query's node name, StatementInfo.node) holds a query the query rules read. */
export function holdsQuery(node: string): boolean {
  return QUERY_NODES.has(node);
}

/** Map UTF-8 byte offsets to UTF-16 offsets of text. */
export function byteToCharOffset(text: string, byteOffset: number): number {
  if (byteOffset <= 0) return 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const len = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (bytes + len > byteOffset) return i;
    bytes += len;
    if (len === 4) i++;
  }
  return text.length;
}

function collectWrites(node: unknown, top: string, out: string[], depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 200) return;
  if (Array.isArray(node)) {
    for (const n of node) collectWrites(n, top, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (WRITE_NODES[k]) out.push(depth === 0 ? WRITE_NODES[k] : `${WRITE_NODES[k]} in a WITH clause`);
    if (k === 'intoClause' && v) out.push('SELECT INTO (creates a table)');
    collectWrites(v, top, out, depth + 1);
  }
}

function hasLocking(node: unknown, depth = 0): boolean {
  if (!node || typeof node !== 'object' || depth > 200) return false;
  if (Array.isArray(node)) return node.some((n) => hasLocking(n, depth + 1));
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'lockingClause' && Array.isArray(v) && v.length) return true;
    if (hasLocking(v, depth + 1)) return true;
  }
  return false;
}

/** Does PostgreSQL's grammar accept this text? False when the parser is not loaded. */
export function parsesAsSql(text: string): boolean {
  try {
    return pgParserLoaded() && inspectSql(text).ok;
  } catch {
    return false;
  }
}

/** Parse with PostgreSQL's grammar; classify every statement. Requires loadPgParser(). */
export function inspectSql(text: string): InspectResult {
  const over = sqlOverLimit(text);
  if (over) return { ok: false, message: over };
  let result: any;
  try {
    result = lib().parseSync(text);
  } catch (e) {
    const err = e as any;
    const pos = err?.sqlDetails?.cursorPosition;
    return { ok: false, message: String(err?.message ?? e).split('\n')[0], offset: typeof pos === 'number' ? Math.max(0, Math.min(text.length, pos)) : undefined }; // the wrapper reports a 0-based character offset
  }
  const statements: StatementInfo[] = [];
  const totalBytes = Buffer.byteLength(text, 'utf8');
  for (const raw of result.stmts ?? []) {
    const node = Object.keys(raw.stmt ?? {})[0] ?? 'Unknown';
    const body = raw.stmt?.[node];
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : totalBytes;
    const writes: string[] = [];
    let cls: StatementClass;
    if (WRITE_NODES[node]) {
      writes.push(WRITE_NODES[node]);
      collectWrites(body, node, writes, 1);
      cls = 'write';
    } else if (node === 'CreateTableAsStmt') {
      writes.push(body?.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS');
      cls = 'write';
    } else if (node === 'SelectStmt') {
      collectWrites(body, node, writes, 1);
      if (body?.intoClause && !writes.includes('SELECT INTO (creates a table)')) writes.push('SELECT INTO (creates a table)');
      cls = writes.length ? 'write' : hasLocking(body) ? 'read-locking' : 'read';
    } else {
      cls = 'other';
    }
    statements.push({ node, cls, writes: [...new Set(writes)], start: byteToCharOffset(text, startByte), end: byteToCharOffset(text, endByte) });
  }
  return { ok: true, statements };
}

/** What `read` gets from libpg-query for a statement within the limits; undefined when over them, or when the parser rejects it. */
function fromParser<T>(text: string, read: (pg: typeof PgQuery) => T): T | undefined {
  if (sqlOverLimit(text)) return undefined;
  try {
    return read(lib());
  } catch {
    return undefined;
  }
}

/** PostgreSQL's raw parse tree (libpg-query's JSON) of a text within the limits; undefined when rejected or not loaded. */
export function pgParseTree(text: string): { stmts?: { stmt: Record<string, any> }[] } | undefined {
  if (!parser.mod) return undefined;
  return fromParser(text, (pg) => pg.parseSync(text) as { stmts?: { stmt: Record<string, any> }[] });
}

/** PostgreSQL's normalised form of a statement (constants → $n), as pg_stat_statements shows it. */
export function normalizeSql(text: string): string | undefined {
  return fromParser(text, (pg) => pg.normalizeSync(text));
}

/**
 * The constants of a statement's text at the `$n` PostgreSQL's normaliser puts for them (normalizeSql: `status =
 * 'refunded'` → `status = $1`), as text: `'refunded'` → `refunded`, `-5` → `-5`. The normaliser copies the text between
 * constants as it is, so the constants are found by walking both texts, each cut by PostgreSQL's own lexer (a comma in a
 * string is no boundary). A constant whose value is not plain text (E'…', $$…$$, B'…', U&'…') is left out; `$n` the code
 * wrote itself are not constants. Undefined when the parser cannot read the text (or is not loaded).
 */
export function constantsAtParameters(text: string): Map<number, string> | undefined {
  const norm = normalizeSql(text);
  const tokens = scanSql(text);
  if (norm === undefined || !tokens) return undefined;
  const spans = tokens.map((t) => ({ start: byteToCharOffset(text, t.start), end: byteToCharOffset(text, t.end), name: t.tokenName }));
  const own = maxParamIndex(text);
  const out = new Map<number, string>();
  let at = 0;
  let from = 0;
  for (const m of norm.matchAll(/\$(\d+)/g)) {
    const k = Number(m[1]);
    if (k <= own) continue;
    const copied = norm.slice(from, m.index);
    if (!text.startsWith(copied, at)) return undefined;
    at += copied.length;
    from = m.index! + m[0].length;
    let i = spans.findIndex((t) => t.start === at);
    if (i < 0) return undefined;
    // A negative number is one constant from its minus sign (PostgreSQL's grammar folds it).
    const neg = text.slice(spans[i].start, spans[i].end) === '-';
    if (neg) i++;
    if (i >= spans.length) return undefined;
    const raw = text.slice(spans[i].start, spans[i].end);
    const end = spans[i].end;
    const value = spans[i].name === 'SCONST' && /^'[\s\S]*'$/.test(raw) ? raw.slice(1, -1).replace(/''/g, "'")
      : /^(?:ICONST|FCONST)$/.test(spans[i].name) || /^(?:true|false)$/i.test(raw) ? (neg ? '-' : '') + raw : undefined;
    if (value !== undefined) out.set(k, value);
    at = end;
  }
  return out;
}

/**
 * The key that statements differing only by constants share: normalizeSql's text (the key the trial proofs use) with the
 * statement's own highest $n, so a `$1` written in the code and a constant the normaliser turned into `$1` are not one shape.
 * The editor plans a shape once for the rules' evidence and reads its query identifier once (issue 20, person32 H1: a
 * generated file of 3,000 such statements cost ~13 EXPLAINs each). Undefined when PostgreSQL's parser cannot read it.
 */
export function constantShape(text: string): string | undefined {
  const n = normalizeSql(text);
  return n === undefined ? undefined : `${maxParamIndex(text)}\u0000${n}`;
}

/** A fingerprint that is equal for statements differing only in constants (libpg_query's). */
export function fingerprintSql(text: string): string | undefined {
  return fromParser(text, (pg) => pg.fingerprintSync(text));
}

/** PostgreSQL's own lexer: tokens with UTF-8 byte offsets (see byteToCharOffset). */
export function scanSql(text: string): PgQuery.ScanToken[] | undefined {
  if (text.length > LIMITS.statementChars) return undefined;
  try {
    return lib().scanSync(text).tokens;
  } catch {
    return undefined;
  }
}
