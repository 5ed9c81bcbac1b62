/**
 * Indexes a project declares in its own schema and migration files: their expressions
 * (`CREATE UNIQUE INDEX … ON "user" (lower(musicbrainz_id))`) and their leading plain columns. Without a
 * database, this is the evidence that `WHERE lower(musicbrainz_id) = lower($1)` is served by an index, or
 * that both columns of `a = $1 OR b = $1` lead an index: the rules read it where catalog facts are missing. A text scan (schema files hold many dialects and psql commands
 * a parser rejects); bounded per text.
 */
export type DeclaredIndexes = Map<string, Set<string>> & {
  /** The tables the schema files create (addDeclaredTables), by table name as rules see it. */
  tables?: DeclaredTables;
  /** Columns `ALTER TABLE … ADD COLUMN` adds to a table no schema file read so far creates (merged when one does). */
  addedColumns?: Map<string, string[]>;
  /** Plain views over one table (addDeclaredViews): a view's column that is a column of that table, by view name. */
  views?: Map<string, { table: string; columns: Map<string, string>; all?: boolean }>;
  /** Temporary tables the code creates from a query (`CREATE TEMP TABLE t ON COMMIT DROP AS SELECT …`): no index but the ones the code creates. */
  temporary?: Set<string>;
  /**
   * Columns SQLAlchemy models and Alembic migrations declare NOT NULL (`nullable=False`, `primary_key=True`), by table
   * (addOrmNotNull). Kept apart from `tables`: those declarations say nothing of a table's other columns or its indexes.
   */
  ormNotNull?: Map<string, Set<string>>;
  /**
   * CHECK constraints on one column, by table (`CHECK (id)`, `CHECK (id = 1)`, inline, table-level or added by `ALTER TABLE
   * … ADD CONSTRAINT`), each as `column` or `column=value`: with the table's primary key, evidence of a one-row table.
   */
  columnChecks?: Map<string, Set<string>>;
  /**
   * Tables the project's SQL fills only while they are empty (`IF NOT EXISTS (SELECT * FROM t) THEN INSERT INTO t …`,
   * `INSERT INTO t … WHERE NOT EXISTS (SELECT 1 FROM t)`): a settings row inserted once, evidence of a one-row table.
   */
  insertedWhenEmpty?: Set<string>;
};

/** A table's columns as the project's schema files create it, those that hold large values (json, bytea, arrays…), and those of type text or varchar. */
export type DeclaredTables = Map<string, DeclaredTable>;
type DeclaredTable = {
  columns: Set<string>;
  large: Set<string>;
  notNull?: Set<string>;
  textual?: Set<string>;
  /** Columns of type text (or citext): a value of any length, unlike a varchar's short one (select-star's wide columns). */
  longText?: Set<string>;
  references?: Set<string>;
  /** The column of a one-column primary key (inline `PRIMARY KEY`, or `PRIMARY KEY (col)`). */
  primaryKey?: string;
};

const CREATE_INDEX = /\bcreate\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?:[\w"$.{}]+\s+)?on\s+(?:only\s+)?((?:\$\{[^}\n]{1,60}\}\.|\{\w{0,40}\}\.)?[\w"$.]+|\$?\{\s*[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,3}\s*\}(?![\w.]))\s*(?:using\s+\w+\s*)?\(/gi;
const MAX_PER_TEXT = 5000;

/** An index expression or predicate side as text, compared loosely: case, quotes, blanks, casts and qualifiers aside. */
function normaliseIndexExpression(s: string): string {
  let x = s.toLowerCase().replace(/"/g, '').replace(/::\s*[\w ]+?(?=[),]|$)/g, '').replace(/\s+/g, '');
  x = x.replace(/\b[a-z_][\w$]*\.(?=[a-z_])/g, '');
  x = x.replace(/\(\(([\w$]+)\)\)/g, '($1)');
  while (x.startsWith('(') && closing(x, 0) === x.length - 1) x = x.slice(1, -1);
  return x;
}

/** Index of the `)` closing the `(` at i, or -1. */
function closing(s: string, i: number): number {
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    if (s[k] === '(') depth++;
    else if (s[k] === ')' && --depth === 0) return k;
  }
  return -1;
}

/** Top-level comma-separated items of a parenthesised list's inside. */
function items(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(inner.slice(start, k));
      start = k + 1;
    }
  }
  out.push(inner.slice(start));
  return out;
}

/** The table name as rules see it: unquoted, lower-case, without its schema. */
export function declaredTableKey(name: string): string {
  // `${schema}.queue`, `{schema}.queue`: the name after a qualifier the code splices in. `{qn.queue_table}`: a table
  // named whole by an attribute path, which statements read by its last part (`FROM {self.qualified.queue_table}`).
  const whole = /^\$?\{\s*([\w$.]+?)\s*\}$/.exec(name);
  if (whole) name = whole[1];
  const parts = name.replace(/"/g, '').replace(/^(?:\$\{[^}]*\}|\{\w*\})\./, '').split('.');
  return parts[parts.length - 1].toLowerCase();
}

/** DDL of another database: a table created with a storage `ENGINE` (ClickHouse's `ENGINE = MergeTree`, MySQL's `ENGINE=InnoDB`). */
export function isOtherDatabaseDdl(text: string): boolean {
  return /\)\s*ENGINE\s*=\s*[A-Za-z]/i.test(text);
}

/**
 * What may follow an index key's column: an operator class, a collation, the order and the nulls' order — `"videoID"
 * COLLATE pg_catalog."default" ASC NULLS LAST` as pgAdmin writes it (issue 14, rules-x: SponsorBlock's index files).
 */
const KEY_DECORATION = String.raw`(?:\s+(?:asc|desc|nulls\s+(?:first|last)|collate\s+(?:[\w$]+\.)?(?:"[^"]+"|[\w$]+)|[\w.]+_ops))*`;
/** An index key that is a plain column, with what may follow it. */
const PLAIN_KEY = new RegExp(String.raw`^"?([A-Za-z_][\w$]*)"?${KEY_DECORATION}\s*$`, 'i');

/** Adds the expression indexes declared in a text (a .sql file, a migration) to `into`. */
export function addDeclaredIndexes(text: string, into: DeclaredIndexes): void {
  if (!/index/i.test(text)) return;
  CREATE_INDEX.lastIndex = 0;
  let n = 0;
  for (let m = CREATE_INDEX.exec(text); m && n++ < MAX_PER_TEXT; m = CREATE_INDEX.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = closing(text, open);
    if (close < 0 || close - open > 2000) continue;
    const all = items(text.slice(open + 1, close));
    // `ON accounts ("{index}")` in a loop over column names: an index whose keys the code fills in. Which columns it
    // holds is not known, so no column of the table can be said to have no index (declaredUnindexedColumn).
    if (all.some((item) => /\{|%[sv(]/.test(item))) {
      const key = declaredTableKey(m[1]);
      into.set(key, (into.get(key) ?? new Set<string>()).add('?'));
    }
    // The leading key when it is a plain column (`(creator_id)`, `(mbid0, mbid1)`): an index scan can start from it.
    // pgAdmin writes each key with its collation and null order (`"videoID" COLLATE pg_catalog."default" ASC NULLS LAST`).
    const lead = PLAIN_KEY.exec(all[0]?.trim() ?? '');
    if (lead) {
      const key = declaredTableKey(m[1]);
      const set = (into.get(key) ?? new Set<string>()).add(lead[1].toLowerCase());
      addLaterKeys(set, lead[1], all.slice(1));
      addWholeKey(set, all);
      into.set(key, set);
    }
    for (const item of all) {
      const t = item.trim();
      // An expression: `(expr)` or `fn(…)`, followed perhaps by an operator class, COLLATE, ASC/DESC.
      const end = t.startsWith('(') ? closing(t, 0) : /^[\w$.]+\s*\(/.test(t) ? closing(t, t.indexOf('(')) : -1;
      if (end < 0) continue;
      const key = declaredTableKey(m[1]);
      const set = into.get(key) ?? new Set<string>();
      const x = normaliseIndexExpression(t.slice(0, end + 1));
      set.add(x);
      // `((id::text))`: an index on a cast of a column normalises to the column; `::id` marks that the cast is indexed.
      if (/^[a-z_][\w$]*$/.test(x) && t.slice(0, end + 1).includes('::')) set.add(`::${x}`);
      into.set(key, set);
    }
  }
}

const CREATE_TABLE = /\bcreate\s+(?:(?:global\s+|local\s+)?(?:temp|temporary|unlogged)\s+|\{[^{}\n]{1,60}\}\s+)?table\s+(?:if\s+not\s+exists\s+)?((?:\$\{[^}\n]{1,60}\}\.|\{\w{0,40}\}\.)?[\w"$.]+|\$?\{\s*[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,3}\s*\}(?![\w.]))\s*\(/gi;
const ALTER_ADD = /\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?((?:\$\{[^}\n]{1,60}\}\.|\{\w{0,40}\}\.)?[\w"$.]+|\$?\{\s*[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,3}\s*\}(?![\w.]))\s+add\s+(?!constraint\b|primary\b|unique\b)(?:column\s+)?(?:if\s+not\s+exists\s+)?"?([A-Za-z_][\w$]*)"?\s[^,;]*?\b(?:primary\s+key|unique)\b|\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?((?:\$\{[^}\n]{1,60}\}\.|\{\w{0,40}\}\.)?[\w"$.]+|\$?\{\s*[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,3}\s*\}(?![\w.]))\s+add\s+(?:constraint\s+[\w"$]+\s+)?(?:primary\s+key|unique)\s*\(\s*"?([A-Za-z_][\w$]*)"?/gi;
/** A table constraint's leading column: `PRIMARY KEY (source_id, …)`, `CONSTRAINT x UNIQUE (email)`. */
const TABLE_KEY = /^(?:constraint\s+[\w"$]+\s+)?(?:primary\s+key|unique)\s*(?:nulls\s+(?:not\s+)?distinct\s*)?\(\s*"?([A-Za-z_][\w$]*)"?/i;
/** A column definition with an inline key: `email VARCHAR(255) NOT NULL CONSTRAINT x UNIQUE`, `id UUID PRIMARY KEY`. */
const COLUMN_KEY = /^"?([A-Za-z_][\w$]*)"?\s+(?!key\b)[\s\S]*\b(?:primary\s+key|unique)\b/i;

/**
 * The columns the project's schema files make unique or a primary key (`CREATE TABLE … (email … UNIQUE, …,
 * PRIMARY KEY (id))`, `ALTER TABLE … ADD COLUMN apple_id … UNIQUE`): each has an index PostgreSQL builds for the
 * constraint, led by that column. Added to `into` like a declared index's leading column.
 */
export function addDeclaredKeys(text: string, into: DeclaredIndexes): void {
  if (!/\b(?:unique|primary\s+key)\b/i.test(text)) return;
  const add = (table: string, column: string, whole = true) => {
    const key = declaredTableKey(table);
    const set = (into.get(key) ?? new Set<string>()).add(column.toLowerCase());
    // `!col`: the key is this one column, so an equality on it finds one row.
    if (whole) set.add(`!${column.toLowerCase()}`);
    into.set(key, set);
  };
  createTableItems(text, (table, t) => {
    const tk = TABLE_KEY.exec(t);
    const k = tk ?? COLUMN_KEY.exec(t);
    if (k) add(table, k[1], !tk || !/,/.test(t.slice(t.indexOf('('), closing(t, t.indexOf('(')) + 1)));
    if (tk) {
      const open = t.indexOf('(');
      const cols = items(t.slice(open + 1, closing(t, open)));
      const set = into.get(declaredTableKey(table));
      if (set) addLaterKeys(set, tk[1], cols.slice(1));
      if (set) addWholeKey(set, cols);
    }
  });
  ALTER_ADD.lastIndex = 0;
  let n = 0;
  for (let m = ALTER_ADD.exec(text); m && n++ < MAX_PER_TEXT; m = ALTER_ADD.exec(text)) {
    if (m[1] && m[2]) add(m[1], m[2]);
    else if (m[3] && m[4]) add(m[3], m[4], false);
  }
}

/** text and varchar: a cast between them (pg_dump's `(owner_type)::text` on a varchar column) is a relabel, not an expression. */
const TEXTUAL_TYPE = /^(?:text|varchar|character\s+varying)(?:\s*\(\s*\d+\s*\))?(?![\w[])/i;
const TEXTUAL_CAST = /^(?:text|varchar|character\s+varying)$/i;
const LARGE_TYPE = /^(?:json|jsonb|bytea|xml|tsvector|text\[\]|jsonb\[\])$|\[\]$/i;
/**
 * PostGIS `geometry` / `geography` of shapes (`geometry(MultiPolygon,4326)`, an untyped `geometry`): a polygon's or a line's
 * points make a large, TOASTed value. A point (`geometry(Point,4326)`) is a few bytes.
 */
function isLargeGeometry(type: string, after: string): boolean {
  return /^(?:[A-Za-z_]\w*\.)?(?:geometry|geography)$/i.test(type) && !/^\s*\(\s*point[zm]*\b/i.test(after);
}

/** A table item that is no column: a constraint, LIKE, or MySQL's `KEY name (cols)` / `INDEX name (cols)` (a column may be named key). */
const NOT_A_COLUMN = /^(?:constraint|primary|unique|foreign|check|exclude|like|period)\b|^(?:index|key)\s*(?:[\w"`]+\s*)?\(/i;

/** `IF NOT EXISTS (SELECT … FROM t) THEN INSERT INTO t`: an insert run only while t has no row (nothing after the table but `)`). */
const INSERT_WHEN_EMPTY_PLPGSQL = /\bif\s+not\s+exists\s*\(\s*select\s+[^;()]{1,80}?\bfrom\s+([\w"$.]+)\s*\)\s*then\s+insert\s+into\s+([\w"$.]+)/gi;
/** `INSERT INTO t … WHERE NOT EXISTS (SELECT … FROM t)`. */
const INSERT_WHEN_EMPTY_SQL = /\binsert\s+into\s+([\w"$.]+)[^;]{0,2000}?\bwhere\s+not\s+exists\s*\(\s*select\s+[^;()]{1,80}?\bfrom\s+([\w"$.]+)\s*\)/gi;

function addInsertedWhenEmpty(text: string, into: DeclaredIndexes): void {
  if (!/\bnot\s+exists\b/i.test(text)) return;
  for (const [re, a, b] of [[INSERT_WHEN_EMPTY_PLPGSQL, 1, 2], [INSERT_WHEN_EMPTY_SQL, 2, 1]] as const) {
    re.lastIndex = 0;
    let k = 0;
    for (let m = re.exec(text); m && k++ < MAX_PER_TEXT; m = re.exec(text)) {
      if (declaredTableKey(m[a]) === declaredTableKey(m[b])) (into.insertedWhenEmpty ??= new Set()).add(declaredTableKey(m[b]));
    }
  }
}

/**
 * The columns of the tables a text creates (`CREATE TABLE … (col type …, …)`, `ALTER TABLE … ADD COLUMN col type`),
 * added to `into.tables`: evidence, without a database, of how wide a table is (select-star); and the tables it fills
 * only while they are empty (`into.insertedWhenEmpty`).
 */
export function addDeclaredTables(text: string, into: DeclaredIndexes): void {
  addInsertedWhenEmpty(text, into);
  const creates = /\bcreate\s+(?:(?:\w+|\{[^{}\n]{1,60}\})\s+)*table\b/i.test(text);
  // `CREATE TEMP TABLE temp_tips ON COMMIT DROP AS SELECT …`: a table of the session (or transaction) built from a query. It
  // has no column list to read, and no index but one the code creates on it (CREATE INDEX, read with the same text).
  if (creates) {
    CREATE_TEMP_AS.lastIndex = 0;
    let k = 0;
    for (let m = CREATE_TEMP_AS.exec(text); m && k++ < MAX_PER_TEXT; m = CREATE_TEMP_AS.exec(text)) (into.temporary ??= new Set()).add(declaredTableKey(m[1]));
  }
  if (!creates && !/\balter\s+table\b[^;]*?\badd\b/i.test(text)) return;
  const tables = (into.tables ??= new Map());
  const tableOf = (table: string) => {
    const key = declaredTableKey(table);
    const t = tables.get(key) ?? { columns: new Set<string>(), large: new Set<string>(), notNull: new Set<string>() };
    tables.set(key, t);
    return t;
  };
  const addColumn = (entry: DeclaredTable, t: string) => {
    // The type may be spliced in by the code (`status {qn.status_type} NOT NULL`, an enum the app names at run time).
    // A type may be qualified by its schema (pg_dump's `public.geometry(MultiPolygon,4326)`, an extension's type).
    const c = /^"?([A-Za-z_][\w$]*)"?\s+((?:[A-Za-z_]\w*\.)?[A-Za-z_][\w ]*?(?:\[\])?|\$?\{[^{}\n]{1,60}\})(?=\s|\(|,|$)/.exec(t);
    if (!c) return;
    const column = c[1].toLowerCase();
    entry.columns.add(column);
    if (LARGE_TYPE.test(c[2].trim()) || isLargeGeometry(c[2].trim(), t.slice(c[0].length))) entry.large.add(column);
    if (TEXTUAL_TYPE.test(t.slice(c[0].length - c[2].length))) (entry.textual ??= new Set()).add(column);
    if (/^(?:text|citext)$/i.test(c[2].trim())) (entry.longText ??= new Set()).add(column);
    if (/\bnot\s+null\b|\bprimary\s+key\b|^\S+\s+(?:big|small)?serial\b/i.test(t)) (entry.notNull ??= new Set()).add(column);
    // `participant bigint NOT NULL REFERENCES participants`: a foreign key, the parent each row belongs to.
    if (/\breferences\b/i.test(t)) (entry.references ??= new Set()).add(column);
  };
  if (creates) {
    createTableItems(text, (table, t) => {
      // `PRIMARY KEY (a, b)`: every column of a primary key is NOT NULL.
      const pk = /^(?:constraint\s+[\w"$]+\s+)?primary\s+key\s*\(([^()]*)\)/i.exec(t);
      if (pk) for (const c of pk[1].split(',')) (tableOf(table).notNull ??= new Set()).add(c.trim().replace(/"/g, '').toLowerCase());
      if (pk && !pk[1].includes(',')) tableOf(table).primaryKey = pk[1].trim().replace(/"/g, '').toLowerCase();
      // `CONSTRAINT one_row CHECK (id)` beside the columns, or `id boolean PRIMARY KEY CHECK (id)` in one.
      const check = /\bcheck\s*\(\s*"?([A-Za-z_]\w*)"?\s*(?:=\s*([\w']+)\s*)?\)\s*$/i.exec(t);
      if (check && (/^(?:constraint\s+[\w"$]+\s+)?check\b/i.test(t) || new RegExp(`^"?${check[1]}"?\\s`, 'i').test(t))) addColumnCheck(into, table, check[1], check[2]);
      const inlinePk = /^"?([A-Za-z_][\w$]*)"?\s+[^,]*?\bprimary\s+key\b/i.exec(t);
      if (inlinePk && !NOT_A_COLUMN.test(t)) tableOf(table).primaryKey = inlinePk[1].toLowerCase();
      // `FOREIGN KEY (tipper) REFERENCES participants`: each column of the key names a parent row.
      const fk = /^(?:constraint\s+[\w"$]+\s+)?foreign\s+key\s*\(([^()]*)\)\s*references\b/i.exec(t);
      if (fk) for (const c of fk[1].split(',')) (tableOf(table).references ??= new Set()).add(c.trim().replace(/"/g, '').toLowerCase());
      if (NOT_A_COLUMN.test(t)) return;
      addColumn(tableOf(table), t);
    });
  }
  // `ALTER TABLE t ADD CONSTRAINT one_row CHECK (id)`: a check on one column, kept by table (the table may be created in another file).
  ALTER_ADD_CHECK.lastIndex = 0;
  let k = 0;
  for (let m = ALTER_ADD_CHECK.exec(text); m && k++ < MAX_PER_TEXT; m = ALTER_ADD_CHECK.exec(text)) addColumnCheck(into, m[1], m[2], m[3]);
  // `ALTER TABLE t ADD [COLUMN] [IF NOT EXISTS] col type …[, ADD …]`: columns of a table created elsewhere (an earlier or a
  // later migration). Held until the schema files create that table, so that a table only ever altered (one the project
  // does not create, an extension's) is never taken for a whole declared table with a few columns.
  const pending = (into.addedColumns ??= new Map());
  ALTER_ADD_COLUMNS.lastIndex = 0;
  let n = 0;
  for (let m = ALTER_ADD_COLUMNS.exec(text); m && n++ < MAX_PER_TEXT; m = ALTER_ADD_COLUMNS.exec(text)) {
    const key = declaredTableKey(m[1]);
    for (const item of items(m[2])) {
      const add = /^\s*add\s+(?!constraint\b|primary\b|unique\b|foreign\b|check\b|exclude\b)(?:column\s+)?(?:if\s+not\s+exists\s+)?([\s\S]+)$/i.exec(item.replace(/--[^\n]*/g, ' '));
      if (add) pending.set(key, [...(pending.get(key) ?? []), add[1].trim()]);
    }
  }
  for (const [key, items] of pending) {
    const entry = tables.get(key);
    if (!entry) continue;
    for (const t of items) addColumn(entry, t);
    pending.delete(key);
  }
}

const ALTER_ADD_CHECK = /\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?([\w"$.]+)\s+add\s+(?:constraint\s+[\w"$]+\s+)?check\s*\(\s*"?([A-Za-z_]\w*)"?\s*(?:=\s*([\w']+)\s*)?\)/gi;

/** Keep `CHECK (column)` or `CHECK (column = value)` of a table. */
function addColumnCheck(into: DeclaredIndexes, table: string, column: string, value: string | undefined): void {
  const key = declaredTableKey(table);
  const checks = (into.columnChecks ??= new Map());
  checks.set(key, (checks.get(key) ?? new Set()).add(value === undefined ? column.toLowerCase() : `${column.toLowerCase()}=${value.toLowerCase()}`));
}

/**
 * Do the schema files make `table` a table of one row: its one-column primary key is also held to one value by a CHECK
 * (`id boolean PRIMARY KEY` with `CHECK (id)`: the key can only be true; `id integer PRIMARY KEY CHECK (id = 1)`)? The
 * way an app keeps its one chain tip, settings or status record; an UPDATE without WHERE there updates that row. Or does
 * the project's SQL insert into it only while it is empty (insertedWhenEmpty: OED's preferences row)?
 */
export function declaredOneRow(declared: DeclaredIndexes | undefined, table: string | undefined): boolean {
  if (!table || !declared) return false;
  const key = declaredTableKey(table);
  if (declared.insertedWhenEmpty?.has(key)) return true;
  const pk = declared.tables?.get(key)?.primaryKey;
  if (!pk) return false;
  for (const c of declared.columnChecks?.get(key) ?? []) if (c === pk || c.startsWith(`${pk}=`)) return true;
  return false;
}

const CREATE_TEMP_AS = /\bcreate\s+(?:(?:global|local)\s+)?(?:temp|temporary)\s+table\s+(?:if\s+not\s+exists\s+)?([\w"$]+)(?:\s+on\s+commit\s+(?:drop|delete\s+rows|preserve\s+rows))?\s+as\b/gi;
// The actions may start with another than ADD (`alter table jobconfiguration drop column if exists x, add column if not exists
// lastalive timestamp`: rules-s, DHIS2's migrations); only the ADD items are read from the list.
const ALTER_ADD_COLUMNS = /\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?([\w"$.]+)\s+((?:add|drop|alter)\b[^;]*?\badd\b[^;]*|add\b[^;]*)/gi;

const CREATE_VIEW = /\bcreate\s+(?:or\s+replace\s+)?view\s+([\w"$.]+)\s+as\s+select\s+/gi;

/**
 * Views over one table that the schema files create (`CREATE [OR REPLACE] VIEW jobs_view AS SELECT j.uuid, j.name, …
 * FROM jobs j LEFT JOIN …`): each output column that is a plain column of the first table of its FROM (`j.uuid`,
 * `j.name AS name`), added to `into.views`. A view has no index of its own; a lookup on such a column is a lookup
 * on the table's column, and the table's indexes serve it. Materialised views (with indexes of their own) are not read.
 */
export function addDeclaredViews(text: string, into: DeclaredIndexes): void {
  if (!/\bcreate\s+(?:or\s+replace\s+)?view\b/i.test(text)) return;
  CREATE_VIEW.lastIndex = 0;
  let n = 0;
  for (let m = CREATE_VIEW.exec(text); m && n++ < MAX_PER_TEXT; m = CREATE_VIEW.exec(text)) {
    const start = m.index + m[0].length;
    // The select list ends at the FROM at depth 0.
    let depth = 0;
    let end = -1;
    for (let k = start; k < Math.min(text.length, start + 20_000); k++) {
      const c = text[k];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ';') break;
      else if (depth === 0 && /^\s+from\s/i.test(text.slice(k, k + 6))) {
        end = k;
        break;
      }
    }
    if (end < 0) continue;
    const from = /^\s+from\s+([\w"$.]+)(?:\s+(?:as\s+)?(?!(?:left|right|inner|full|cross|join|where|group|order|union|limit|natural)\b)([\w"$]+))?\s*(;|$|\b(?:left|right|inner|full|cross|join|where|group|order|union|limit)\b)/i.exec(text.slice(end, end + 300));
    if (!from || /^(?:group|union)/i.test(from[3] ?? '')) continue;
    const table = declaredTableKey(from[1]);
    const alias = (from[2] ?? from[1].split('.').pop()!).replace(/"/g, '').toLowerCase();
    const joined = /^(?:left|right|inner|full|cross|join)/i.test(from[3] ?? '');
    const columns = new Map<string, string>();
    // `SELECT * FROM tips`: every column of the table, as it is. `SELECT DISTINCT ON (tipper, tippee) * FROM tips ORDER BY
    // …` (the latest row per pair): a condition on a DISTINCT ON column is pushed into the view's scan of the table,
    // one on another column is checked after the DISTINCT, so only those columns are the table's for a lookup.
    const star = /^\s*(?:distinct\s+on\s*\(([^()]*)\)\s*)?(?:"?([\w$]+)"?\.)?\*\s*$/i.exec(text.slice(start, end));
    if (star && !joined && (!star[2] || star[2].toLowerCase() === alias)) {
      if (star[1]) for (const c of star[1].split(',')) columns.set(c.trim().replace(/"/g, '').toLowerCase(), c.trim().replace(/"/g, '').toLowerCase());
      (into.views ??= new Map()).set(declaredTableKey(m[1]), { table, columns, all: !star[1] });
      continue;
    }
    for (const item of items(text.slice(start, end))) {
      const c = /^\s*(?:"?([\w$]+)"?\.)?"?([A-Za-z_][\w$]*)"?(?:\s+(?:as\s+)?"?([A-Za-z_][\w$]*)"?)?\s*$/i.exec(item);
      if (!c || (c[1] ? c[1].toLowerCase() !== alias : joined)) continue;
      columns.set((c[3] ?? c[2]).toLowerCase(), c[2].toLowerCase());
    }
    if (columns.size) (into.views ??= new Map()).set(declaredTableKey(m[1]), { table, columns });
  }
}

/** Each column or constraint item of each `CREATE TABLE name (…)` in a text (comments removed), with the table's name. */
function createTableItems(text: string, visit: (table: string, item: string) => void): void {
  CREATE_TABLE.lastIndex = 0;
  let n = 0;
  for (let m = CREATE_TABLE.exec(text); m && n++ < MAX_PER_TEXT; m = CREATE_TABLE.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = closing(text, open);
    if (close < 0 || close - open > 50_000) continue;
    for (const item of items(text.slice(open + 1, close))) visit(m[1], item.replace(/--[^\n]*/g, ' ').trim());
  }
}

/** `lead>col` for each later plain column of an index led by `lead` (`UNIQUE (type, name)` → `type>name`). */
function addLaterKeys(set: Set<string>, lead: string, rest: string[]): void {
  for (const r of rest) {
    const c = /^\s*"?([A-Za-z_][\w$]*)"?/.exec(r);
    if (c) set.add(`${lead.toLowerCase()}>${c[1].toLowerCase()}`);
  }
}

/**
 * `=a,b`: the whole key of an index of two or more plain columns (`CREATE INDEX … (user_id, device_id)`, `UNIQUE (user_id,
 * device_id, key_id)`), so a rule can tell that a WHERE pins every key of one index by equality (declaredPinnedIndex).
 */
function addWholeKey(set: Set<string>, keys: string[]): void {
  const cols = keys.map((k) => PLAIN_KEY.exec(k.trim())?.[1]?.toLowerCase());
  if (cols.length >= 2 && cols.every(Boolean)) set.add(`=${cols.join(',')}`);
}

/**
 * The keys of an index the schema declares on two or more plain columns, every one of them among `pinned` (the columns a
 * WHERE compares by equality) and none of them `without`: that index finds the rows by a composite key (one user's one
 * device, `user_id = $1 AND device_id = $2`), whatever an expression on another column does.
 */
export function declaredPinnedIndex(declared: DeclaredIndexes | undefined, table: string | undefined, pinned: readonly string[], without?: string): string[] | undefined {
  if (!table) return undefined;
  const have = new Set(pinned.map((c) => c.toLowerCase().replace(/"/g, '')));
  const not = without?.toLowerCase().replace(/"/g, '');
  for (const entry of declared?.get(declaredTableKey(table)) ?? []) {
    if (!entry.startsWith('=')) continue;
    const cols = entry.slice(1).split(',');
    if (cols.every((c) => have.has(c)) && (!not || !cols.includes(not))) return cols;
  }
  return undefined;
}

/**
 * Does an index the schema declares lead with `lead` and hold `column` among its later keys (`UNIQUE (type, name)`):
 * the index was made for looking up `column` within `lead`, so an expression on `column` loses it.
 */
export function declaredLaterKey(declared: DeclaredIndexes | undefined, table: string | undefined, lead: string, column: string): boolean {
  return !!table && !!declared?.get(declaredTableKey(table))?.has(`${lead.toLowerCase()}>${column.toLowerCase()}`);
}

/**
 * Do the schema files declare `column` of `table` a foreign key (`REFERENCES parent`, inline or as `FOREIGN KEY (…)`):
 * an equality on it picks one parent's rows? (Through a plain view, its table's column.)
 */
export function declaredForeignKey(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean {
  if (!table) return false;
  const base = viewColumn(declared, table, column);
  if (base) return declaredForeignKey(declared, base.table, base.column);
  return !!declared?.tables?.get(declaredTableKey(table))?.references?.has(column.toLowerCase().replace(/"/g, ''));
}

/** Does the schema declare `column` alone unique (or the primary key) in `table`: an equality on it finds one row? */
export function declaredUniqueColumn(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean {
  return !!table && !!declared?.get(declaredTableKey(table))?.has(`!${column.toLowerCase()}`);
}

/**
 * Does an index the schema declares (CREATE INDEX, or the one a PRIMARY KEY or UNIQUE constraint builds) lead with
 * `column` of `table`: an equality on it is looked up through that index?
 */
export function declaredLeadingColumn(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean {
  if (!table) return false;
  const base = viewColumn(declared, table, column);
  if (base) return declaredLeadingColumn(declared, base.table, base.column);
  return !!declared?.get(declaredTableKey(table))?.has(column.toLowerCase());
}

/** The table column a plain view's column is (`jobs_view.uuid` → `jobs.uuid`), when the schema files create the view. */
function viewColumn(declared: DeclaredIndexes | undefined, view: string, column: string): { table: string; column: string } | undefined {
  const v = declared?.views?.get(declaredTableKey(view));
  const c = v?.columns.get(column.toLowerCase().replace(/"/g, '')) ?? (v?.all ? column.toLowerCase().replace(/"/g, '') : undefined);
  return v && c && !declared?.has(declaredTableKey(view)) ? { table: v.table, column: c } : undefined;
}

/** Is `expression` (as written in a predicate: `lower(email)`, or a column) declared as an index expression or leading column of `table` (any table when unknown)? */
export function isDeclaredIndexExpression(declared: DeclaredIndexes | undefined, table: string | undefined, expression: string, opts: { wrapped?: boolean } = {}): boolean {
  if (!declared?.size) return false;
  const x = normaliseIndexExpression(expression);
  // `inserted_at::date` normalises to `inserted_at` (casts are dropped to match pg_dump's index text): an expression that
  // wraps its column in a cast is not served by the column's plain index (or the key a PRIMARY KEY leads with).
  // An index on a cast of the column (`CREATE INDEX … ((id::text))`) does serve it.
  const wanted = opts.wrapped && /^[a-z_][\w$]*$/.test(x) ? `::${x}` : x;
  // A plain column of a view over one table: the table's index on that column (a view has none of its own).
  const base = table && !opts.wrapped && /^[a-z_][\w$]*$/.test(x) ? viewColumn(declared, table, x) : undefined;
  if (base) return isDeclaredIndexExpression(declared, base.table, base.column);
  if (table) return declared.get(declaredTableKey(table))?.has(wanted) ?? false;
  for (const set of declared.values()) if (set.has(wanted)) return true;
  return false;
}

/**
 * Do the schema files create `table` with `column` and no index that holds it — not as a key (leading or later), not in an
 * expression, not as a primary key or unique column? Then an expression on it hides no index: there is none to lose (as the
 * catalog shows with a database). False when the table or the column is not declared (no evidence either way).
 */
export function declaredUnindexedColumn(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean {
  const key = table ? declaredTableKey(table) : undefined;
  const t = key ? declared?.tables?.get(key) : undefined;
  const c = column.toLowerCase();
  // A temporary table built from a query has every column of that query, and only the indexes the code creates on it.
  if (!key || (!t?.columns.has(c) && !declared?.temporary?.has(key))) return false;
  const word = new RegExp(`(?:^|[^\\w$])${c.replace(/[$]/g, '\\$&')}(?:$|[^\\w$])`);
  for (const entry of declared?.get(key) ?? []) if (entry === '?' || entry === c || entry.endsWith(`>${c}`) || entry === `!${c}` || entry === `::${c}` || word.test(entry)) return false;
  return true;
}

/**
 * Does the schema declare `column` of `table` NOT NULL (`NOT NULL`, a primary key, a serial)? undefined when the schema
 * files do not create the table or that column (no evidence either way).
 */
export function declaredNotNull(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean | undefined {
  const t = table ? declared?.tables?.get(declaredTableKey(table)) : undefined;
  const c = column.toLowerCase();
  if (!t?.columns.has(c) && !t?.notNull?.has(c)) return undefined;
  return t.notNull?.has(c) ?? false;
}

/** Does a SQLAlchemy model or an Alembic migration declare `column` of `table` NOT NULL (a primary key's column, `nullable=False`)? */
export function ormDeclaredNotNull(declared: DeclaredIndexes | undefined, table: string | undefined, column: string): boolean {
  return !!table && !!declared?.ormNotNull?.get(declaredTableKey(table))?.has(column.toLowerCase());
}

/** A Python string literal's text (`"badge_id"`, `'users'`), or undefined. */
function pyString(s: string): string | undefined {
  return /^\s*[rbu]?(["'])([A-Za-z_][\w$]*)\1\s*$/i.exec(s)?.[2];
}

/** The columns of a `Column(…)` / `mapped_column(…)` argument list that make it NOT NULL. */
const PY_NOT_NULL = /\bnullable\s*=\s*False\b|\bprimary_key\s*=\s*True\b/;
const PY_TABLENAME = /^([ \t]+)__tablename__\s*=\s*[rbu]?(["'])([A-Za-z_][\w$.]*)\2/gm;
const PY_TABLE_CALL = /\b(?:op\.create_table|(?:sa\.|sqlalchemy\.|db\.)?Table)\s*\(/g;

/**
 * The NOT NULL columns Python code declares for its tables, added to `into.ormNotNull`: SQLAlchemy declarative models
 * (`__tablename__ = "user_mapping_badge"` with `badge_id = Column(Integer, nullable=False, primary_key=True)`,
 * `mapped_column(…)`, a `Mapped[int]` annotation that is not Optional), `Table("name", metadata, Column("col", …,
 * nullable=False))`, and Alembic's `op.create_table("name", sa.Column("col", …, nullable=False), sa.PrimaryKeyConstraint("a",
 * "b"))`. HOT Tasking Manager runs raw SQL over tables it declares only this way (issue 14, split rules-r).
 */
export function addOrmNotNull(text: string, into: DeclaredIndexes): void {
  if (!/\b(?:Column|mapped_column|create_table|Table)\s*\(/.test(text)) return;
  const add = (table: string, column: string) => {
    const map = (into.ormNotNull ??= new Map());
    const key = declaredTableKey(table);
    map.set(key, (map.get(key) ?? new Set()).add(column.toLowerCase()));
  };
  const keyColumns = (call: string, table: string) => {
    const k = /\bPrimaryKeyConstraint\s*\(([^()]*)\)/.exec(call);
    if (k) for (const c of items(k[1])) if (pyString(c)) add(table, pyString(c)!);
  };
  // Declarative classes: the body is the lines indented at least as deep as `__tablename__`.
  PY_TABLENAME.lastIndex = 0;
  let n = 0;
  for (let m = PY_TABLENAME.exec(text); m && n++ < MAX_PER_TEXT; m = PY_TABLENAME.exec(text)) {
    const indent = m[1];
    const start = text.lastIndexOf('\n', m.index) + 1;
    const rest = text.slice(start);
    const end = new RegExp(`\\n(?!${indent.replace(/\t/g, '\\t')}|[ \\t]*(?:#|\\n|$)|[ \\t]*[)\\]}])`).exec(rest);
    const body = rest.slice(0, end ? end.index : rest.length);
    const attr = new RegExp(`^${indent.replace(/\t/g, '\\t')}([A-Za-z_]\\w*)\\s*(?::\\s*([^=\\n]+?))?\\s*=\\s*(?:[\\w.]+\\.)?(Column|mapped_column)\\s*\\(`, 'gm');
    for (let a = attr.exec(body); a; a = attr.exec(body)) {
      const open = a.index + a[0].length - 1;
      const close = closing(body, open);
      if (close < 0) continue;
      const args = body.slice(open + 1, close);
      const first = pyString(items(args)[0] ?? '');
      const annotation = a[2]?.trim();
      // SQLAlchemy 2: `Mapped[int]` (not `Optional[…]`, not `… | None`) with mapped_column and no `nullable=` is NOT NULL.
      const typedNotNull = a[3] === 'mapped_column' && !!annotation && /^Mapped\[/.test(annotation) && !/Optional\[|\|\s*None|None\s*\|/.test(annotation) && !/\bnullable\s*=/.test(args);
      if (PY_NOT_NULL.test(args) || typedNotNull) add(m[3], first ?? a[1]);
    }
    const targs = /^\s*__table_args__\s*=/m.exec(body);
    if (targs) keyColumns(body.slice(targs.index), m[3]);
  }
  // `Table("name", metadata, Column("col", …), …)` and Alembic's `op.create_table("name", sa.Column("col", …), …)`.
  PY_TABLE_CALL.lastIndex = 0;
  n = 0;
  for (let m = PY_TABLE_CALL.exec(text); m && n++ < MAX_PER_TEXT; m = PY_TABLE_CALL.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = closing(text, open);
    if (close < 0) continue;
    const args = items(text.slice(open + 1, close));
    const table = pyString(args[0] ?? '');
    if (!table) continue;
    for (const arg of args.slice(1)) {
      const col = /^\s*(?:[\w.]+\.)?Column\s*\(/.exec(arg);
      if (!col) continue;
      const inner = arg.slice(col[0].length, arg.lastIndexOf(')'));
      const name = pyString(items(inner)[0] ?? '');
      if (name && PY_NOT_NULL.test(inner)) add(table, name);
    }
    keyColumns(text.slice(open, close + 1), table);
  }
}

/**
 * Is `expression` a cast of `column` to text or varchar, where the schema files create that column as text or varchar
 * (`(im.owner_type)::text = 'CreditNote'::text`, as pg_dump writes a view over a varchar column)? The cast is a
 * relabel between binary-compatible types: the column's own index serves the comparison.
 */
export function declaredTextualRelabel(declared: DeclaredIndexes | undefined, table: string | undefined, column: string, castTo: string | undefined): boolean {
  if (!castTo || !TEXTUAL_CAST.test(castTo.trim())) return false;
  const t = table ? declared?.tables?.get(declaredTableKey(table)) : undefined;
  return !!t?.textual?.has(column.split('.').pop()!.replace(/"/g, '').toLowerCase());
}
