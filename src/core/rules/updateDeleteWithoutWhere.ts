/**
 * update-delete-without-where: an UPDATE or DELETE with no WHERE changes every row of the table.
 *
 * Severity from evidence, not shape alone. A constant statement with no parameters
 * (`DELETE FROM web_sessions`, `UPDATE feeds SET parsing_error_count = 0`) changes every row by
 * construction: that is what its author wrote it for (a flush, a reset, a backfill), so it is only
 * noted (info). A statement that takes parameters but no WHERE (`UPDATE users SET name = $1`)
 * looks like a per-row change that lost its WHERE: warning, and error when the catalog says the
 * table is large. Statements completed at run time (dynamic sites) are skipped (wholeStatement).
 */
import type { Rule } from './types';
import { rowsPhrase } from '../catalogFacts';
import { declaredOneRow, declaredTableKey } from '../sql/declaredIndexes';

/** With catalog evidence, a parameterised all-rows change of at least this many rows is an error. */
const LARGE_TABLE_ROWS = 10_000;
/**
 * A table that holds one row by design: the app's system/settings/schema-version record (`shiori_system`,
 * `app_settings`, `schema_version`). `UPDATE shiori_system SET database_schema_version = $1` updates that row.
 */
const ONE_ROW_TABLE = /^(?:\w+_)?(?:system|settings|site_settings|app_settings|configuration|config|schema_version|schema_info|db_version|version|singleton|app_state|instance_info|meta)$/i;

export const updateDeleteWithoutWhere: Rule = {
  id: 'update-delete-without-where',
  defaultSeverity: 'warning',
  description: 'UPDATE or DELETE without a WHERE clause changes every row of the table.',
  wholeStatement: true,
  check(ctx) {
    const s = ctx.statement as any;
    if ((s.type !== 'update' && s.type !== 'delete') || s.where) return [];
    // pgsql-ast-parser does not parse `WHERE CURRENT OF cursor`; a statement without WHERE is exactly that.
    const verb = s.type === 'update' ? 'UPDATE' : 'DELETE';
    const target = s.type === 'update' ? s.table : s.from;
    const name = [target?.schema, target?.name].filter(Boolean).join('.');
    const t = target?.name ? ctx.table(target.name, target.schema) : undefined;
    const rows = t?.rows;
    const about = t && rows !== undefined ? ` (${rowsPhrase(t)})` : '';
    const end = Math.max(s._location?.end ?? 0, target?._location?.end ?? 0);
    const parameterised = ctx.site.params.length > 0 || /\$\d/.test(ctx.sql);
    // The catalog says the table has at most one row, or its name says it is the app's one settings/version row.
    const smallNow = rows !== undefined && rows <= 1;
    // The schema files hold the table to one row (a one-column primary key that a CHECK pins to one value: `id boolean
    // PRIMARY KEY` with `CHECK (id)`), without a catalog count to say otherwise.
    const declaredOne = rows === undefined && s.type === 'update' && declaredOneRow(ctx.declared, target?.name);
    const oneRow = smallNow || declaredOne || (rows === undefined && s.type === 'update' && ONE_ROW_TABLE.test(target?.name ?? ''));
    const severity = !parameterised || oneRow ? 'info' : rows !== undefined && rows >= LARGE_TABLE_ROWS ? 'error' : 'warning';
    return [
      ctx.report({
        at: { start: 0, end },
        severity,
        // Each claim from its own evidence: the catalog's estimate says how many rows there are now (no design
        // claim); the name says what the table is for (no count).
        message: smallNow
          ? `${verb} without WHERE changes every row of ${name || 'the table'}${about}: little is at stake while the table is this small, but every row it gains later is changed too — intended?`
          : declaredOne
          ? ctx.declared?.insertedWhenEmpty?.has(declaredTableKey(target?.name ?? ''))
            ? `${verb} without WHERE changes every row of ${name || 'the table'}: the project's SQL inserts into it only while it is empty (IF NOT EXISTS … THEN INSERT), a table of one row, so updating that row is intended?`
            : `${verb} without WHERE changes every row of ${name || 'the table'}: the schema holds it to one row (a CHECK pins its primary key to one value), so updating that row is intended?`
          : oneRow
          ? `${verb} without WHERE changes every row of ${name || 'the table'}: by its name a table of one row (settings, schema version), so intended?`
          : parameterised
          ? `${verb} without WHERE changes every row of ${name || 'the table'}${about}, though it takes parameters like a per-row change.`
          : `${verb} without WHERE changes every row of ${name || 'the table'}${about}: intended, as a constant all-rows statement usually is?`,
        help: s.type === 'delete'
          ? 'Add a WHERE clause. To empty a table on purpose use TRUNCATE, or write WHERE true to make the intent explicit.'
          : 'Add a WHERE clause. If every row must change, write WHERE true to make the intent explicit, and update large tables in batches.',
        evidence: { parameterised, ...(name ? { table: name } : {}), ...(oneRow ? { oneRow } : {}), ...(declaredOne ? { oneRowFrom: 'schema files' } : {}), ...(rows !== undefined ? { tableRows: rows } : {}), ...(t && rows !== undefined && !t.analysed ? { neverAnalysed: true } : {}) },
      }),
    ];
  },
};

/**
 * The file keeps `table` at one row: it empties the table (`TRUNCATE [TABLE] t`, or `DELETE FROM t` with nothing after
 * the name) and inserts a single VALUES row into it (`INSERT INTO t (…) VALUES (…)` with one tuple) — the way an app
 * replaces its one status or checkpoint record (Nominatim's `import_status`). An UPDATE without WHERE there updates
 * that row. Read from the file's text, so the two statements may be in different strings.
 */
export function refilledWithOneRow(fileText: string, table: string): boolean {
  const name = table.split('.').pop()!.replace(/"/g, '');
  if (!/^\w+$/.test(name)) return false;
  const qualified = `(?:"?\\w+"?\\.)?"?${name}"?`;
  const emptied = new RegExp(`\\bTRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?${qualified}\\s*(?:;|["'\`)]|$)|\\bDELETE\\s+FROM\\s+${qualified}\\s*(?:;|["'\`)])`, 'im');
  if (!emptied.test(fileText)) return false;
  // One tuple: VALUES ( … ) not followed by another `, (`.
  const insert = new RegExp(`\\bINSERT\\s+INTO\\s+${qualified}\\s*(?:\\([^()]*\\))?\\s*VALUES\\s*\\([^()]*(?:\\([^()]*\\)[^()]*)*\\)\\s*(?!,\\s*\\()`, 'i');
  return insert.test(fileText);
}

/**
 * The code takes one row of a statement's result: a call that returns one row is given the statement (`db.one(`,
 * `cursor.one(`, Go's `QueryRow(ctx, `, `fetchrow(`, `queryOne(` just before it), or the first fetch after it is a single
 * row (`cur.fetchone()`, `.first()`, `.one()`, `.scalar()`, the call's `[0]`, node-postgres's `rows[0]`), not a list (`.fetchall()`, `.all()`). `before`: the code
 * just before the statement's text; `after`: the code right after it.
 */
export function takenAsOneRow(before: string, after: string): boolean {
  if (/(?:\.|\b)(?:one|fetchone|fetchrow|fetch_one|first|one_or_none|queryOne|oneOrNone|QueryRow(?:Context|x|xContext)?)\s*\(\s*(?:ctx\s*,\s*|&\w+\s*,\s*)?(?:(?:sqlalchemy\.)?text\s*\(\s*)?(?:[rRfFbBuU]{0,2}(?:\"{3}|'{3}|[\"'`]))?\s*$/.test(before)) return true;
  // `db.query("SELECT * …", vars=locals())[0]`: the first row of the result, taken where the call ends.
  if (/^\s*\[\s*0\s*\]/.test(after)) return true;
  // node-postgres: `const { rows } = await pool.query("SELECT version FROM schema"); return rows[0].version` (or
  // `res.rows[0]`): the result's first row read within the next lines, with no pass over the rows first (`rows.map`,
  // `for (… of rows)`); a test of `rows.length` or another statement in between still takes that one row.
  // `const { rows: reports } = await db.query(`…`)` then `reports[0].id`: the rows under the name the code gave them.
  const rows = /\{\s*rows\s*:\s*([A-Za-z_$][\w$]*)\s*\}\s*=\s*(?:await\s+)?[\w$.]+\s*\(\s*[`'"]?\s*$/.exec(before)?.[1] ?? 'rows';
  const near = after.slice(0, 300);
  const first = near.search(new RegExp(`(?<![\\w$])${rows.replace(/\$/g, '\\$')}\\s*\\[\\s*0\\s*\\]`));
  const walked = new RegExp(`(?<![\\w$])${rows.replace(/\$/g, '\\$')}\\s*\\.\\s*(?:map|forEach|filter|slice|reduce|some|every|find)\\b|\\bof\\s+[\\w.]*\\b${rows.replace(/\$/g, '\\$')}\\b`);
  if (first >= 0 && !walked.test(near.slice(0, first))) return true;
  const fetch = /\.(fetchone|fetchrow|first|one|QueryRow(?:Context|x|xContext)?|queryOne|one_or_none|scalar|scalar_one|scalar_one_or_none|fetchall|fetchmany|all|scalars|each|iter|fetch)\s*\(/.exec(after);
  return !!fetch && !/^(?:fetchall|fetchmany|all|scalars|each|iter|fetch)$/.test(fetch[1]);
}

/**
 * The file reads `table` as one row: a SELECT from it alone, with no WHERE, JOIN, GROUP BY or LIMIT over a page, whose
 * result (no aggregate) is taken as a single row right after (`cur.fetchone()`, `.first()`, `.one()`, `QueryRow(…).Scan`) — the way
 * an app reads its one settings or tenant record (OpenReplay's `SELECT scope_state FROM public.tenants` then
 * `cur.fetchone()`), or compares with it as a scalar subquery. An UPDATE without WHERE there updates that row.
 */
export function readAsOneRow(fileText: string, table: string): boolean {
  const name = table.split('.').pop()!.replace(/"/g, '');
  if (!/^\w+$/.test(name)) return false;
  const read = new RegExp(`\\bSELECT\\s[^;"'\`]{1,300}?\\bFROM\\s+(?:"?\\w+"?\\.)?"?${name}"?(?:\\s+LIMIT\\s+1)?\\s*;?\\s*(?:"{3}|'{3}|["'\`])`, 'gi');
  // A comparison with a scalar subquery over the table (`x > (SELECT stream_ordering FROM t)`): PostgreSQL fails it on a
  // second row, so the code relies on the table holding one.
  if (new RegExp(`(?:[=<>]|<=|>=|<>|!=)\\s*\\(\\s*SELECT\\s+[\\w".]+\\s+FROM\\s+(?:"?\\w+"?\\.)?"?${name}"?\\s*\\)`, 'i').test(fileText)) return true;
  for (const m of fileText.matchAll(read)) {
    // An aggregate (`SELECT count(*) FROM t`) is one row whatever the table holds.
    if (/\b(?:count|sum|min|max|avg|array_agg|string_agg|json_agg|jsonb_agg|bool_and|bool_or|exists)\s*\(/i.test(m[0])) continue;
    // A single row taken from the result within the next few lines.
    if (takenAsOneRow(fileText.slice(Math.max(0, m.index - 120), m.index), fileText.slice(m.index + m[0].length, m.index + m[0].length + 300))) return true;
  }
  return false;
}

