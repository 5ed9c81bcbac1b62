/**
 * Rails' schema dump (`db/schema.rb`: `ActiveRecord::Schema[7.1].define do … create_table "users", force: :cascade do |t|
 * t.string "email", null: false … t.index ["email"], name: …, unique: true … end`) as the PostgreSQL DDL it stands for,
 * so that the schema reader (declaredIndexes.ts) takes a Rails app's tables, columns, NOT NULL, keys, foreign keys and
 * indexes from it as it takes them from a `structure.sql` or a pg_dump. A text scan of the dump's one-statement-per-line
 * format; bounded per text.
 */

/** A Rails schema dump: `ActiveRecord::Schema.define` (or `ActiveRecord::Schema[7.1].define`) with `create_table` calls. */
export function isRailsSchema(text: string): boolean {
  return /\bActiveRecord::Schema(?:\[[\d.]+\])?\.define\b/.test(text) && /^\s*create_table\s+["']/m.test(text);
}

/** Rails column types as PostgreSQL names them (others, an adapter's or an extension's, pass through as written). */
const TYPES: Record<string, string> = {
  string: 'varchar',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  boolean: 'boolean',
  datetime: 'timestamp',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  date: 'date',
  time: 'time',
  decimal: 'numeric',
  numeric: 'numeric',
  float: 'double precision',
  json: 'json',
  jsonb: 'jsonb',
  binary: 'bytea',
  uuid: 'uuid',
  inet: 'inet',
  cidr: 'cidr',
  citext: 'citext',
  hstore: 'hstore',
  tsvector: 'tsvector',
  xml: 'xml',
  interval: 'interval',
  money: 'money',
  serial: 'serial',
  bigserial: 'bigserial',
  enum: 'text',
  virtual: 'text',
};

const MAX_LINES = 200_000;

/** A Ruby string literal's text (`"a\"b"` → `a"b`). */
function rubyString(s: string): string {
  return s.replace(/\\(["'\\])/g, '$1');
}

/** The string literals of a Ruby array (`["a", "b"]`) or one string (`"lower(email)"`), with whether it was an array. */
function rubyStrings(arg: string): { values: string[]; array: boolean } {
  const t = arg.trim();
  const values = [...t.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)].map((m) => rubyString(m[1] ?? m[2] ?? ''));
  return { values, array: t.startsWith('[') };
}

/** An option of a call's argument text: `null: false` → `false`, `using: :gin` → `gin`, `column: "owner_id"` → `owner_id`. */
function option(args: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[,\\s])${name}:\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)'|:?([\\w.]+))`).exec(args);
  return m ? rubyString(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

/** The first argument of a call: a string, or an array of strings up to its `]`. */
function firstArgument(args: string): { text: string; rest: string } {
  const t = args.trimStart();
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    return end < 0 ? { text: t, rest: '' } : { text: t.slice(0, end + 1), rest: t.slice(end + 1) };
  }
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/.exec(t);
  return m ? { text: m[1], rest: t.slice(m[1].length) } : { text: '', rest: t };
}

/** `"users"` → `users`, quoted for the DDL (`"public"."users"` for a qualified name). */
function quoteName(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.replace(/"/g, '')}"`)
    .join('.');
}

/** Rails' default foreign-key column for a parent table: `users` → `user_id`, `categories` → `category_id`. */
function singularColumn(table: string): string {
  const t = table.split('.').pop()!;
  const s = /ies$/.test(t) ? t.replace(/ies$/, 'y') : /(?:ss|sh|ch|x)es$/.test(t) ? t.replace(/es$/, '') : t.replace(/s$/, '');
  return `${s}_id`;
}

interface Table {
  name: string;
  columns: string[];
  primaryKey: string[];
  indexes: string[];
}

/**
 * The DDL a Rails schema dump stands for: `CREATE TABLE` per `create_table` (its implicit `id bigint PRIMARY KEY` unless
 * `id: false` or another `primary_key:`), its columns with `NOT NULL` for `null: false`, a column alone in a unique index
 * without a `where:` marked `UNIQUE`, a column an `add_foreign_key` names marked `REFERENCES`, and a `CREATE INDEX` per
 * `t.index` / `add_index` (an expression index as its expression). Empty when the text is no schema dump.
 */
export function railsSchemaDdl(text: string): string {
  if (!isRailsSchema(text)) return '';
  const lines = text.split('\n', MAX_LINES);
  const tables: Table[] = [];
  const foreign = new Map<string, Set<string>>();
  const unique = new Map<string, Set<string>>();
  const looseIndexes: string[] = [];
  let current: Table | undefined;
  let blockIndent = -1;
  const indexOf = (table: string, args: string): string | undefined => {
    const { text: first, rest } = firstArgument(args);
    const { values, array } = rubyStrings(first);
    if (!values.length) return undefined;
    const using = option(rest, 'using');
    const isUnique = option(rest, 'unique') === 'true';
    const partial = option(rest, 'where') !== undefined;
    if (array && values.length === 1 && isUnique && !partial) {
      const key = table.toLowerCase();
      unique.set(key, (unique.get(key) ?? new Set()).add(values[0].toLowerCase()));
    }
    const keys = array ? values.map((v) => `"${v}"`).join(', ') : `(${values[0]})`;
    return `CREATE ${isUnique ? 'UNIQUE ' : ''}INDEX ON ${quoteName(table)}${using && using !== 'btree' ? ` USING ${using}` : ''} (${keys});`;
  };
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const t = line.trim();
    if (current) {
      if (t === 'end' && indent <= blockIndent) {
        tables.push(current);
        current = undefined;
        continue;
      }
      const idx = /^\w+\.index\s+(.*)$/.exec(t);
      if (idx) {
        const ddl = indexOf(current.name, idx[1]);
        if (ddl) current.indexes.push(ddl);
        continue;
      }
      if (/^\w+\.timestamps\b/.test(t)) {
        const nullable = option(t, 'null') !== 'false' && /null:/.test(t);
        current.columns.push(`"created_at" timestamp${nullable ? '' : ' NOT NULL'}`, `"updated_at" timestamp${nullable ? '' : ' NOT NULL'}`);
        continue;
      }
      const col = /^\w+\.(\w+)\s+["']([^"']+)["'](.*)$/.exec(t);
      if (!col || /^(?:index|check_constraint|exclusion_constraint|unique_constraint|references|belongs_to)$/.test(col[1])) continue;
      const type = (TYPES[col[1]] ?? col[1]) + (option(col[3], 'array') === 'true' ? '[]' : '');
      current.columns.push(`"${col[2]}" ${type}${option(col[3], 'null') === 'false' ? ' NOT NULL' : ''}\u0000${col[2].toLowerCase()}`);
      continue;
    }
    const create = /^create_table\s+["']([^"']+)["'](.*?)(?:\bdo\s*\|\w+\|\s*)?$/.exec(t);
    if (create) {
      const opts = create[2];
      const table: Table = { name: create[1], columns: [], primaryKey: [], indexes: [] };
      const id = option(opts, 'id');
      const pk = /primary_key:\s*\[([^\]]*)\]/.exec(opts);
      if (pk) table.primaryKey = rubyStrings(`[${pk[1]}]`).values;
      else if (id !== 'false') {
        const name = option(opts, 'primary_key') ?? 'id';
        const type = id === 'uuid' ? 'uuid' : id === 'serial' || id === 'integer' ? 'integer' : id === 'string' ? 'varchar' : 'bigint';
        table.columns.push(`"${name}" ${type} PRIMARY KEY\u0000${name.toLowerCase()}`);
      }
      if (/\bdo\s*\|\w+\|\s*$/.test(t)) {
        current = table;
        blockIndent = indent;
      } else tables.push(table);
      continue;
    }
    const addIndex = /^add_index\s+["']([^"']+)["'],\s*(.*)$/.exec(t);
    if (addIndex) {
      const ddl = indexOf(addIndex[1], addIndex[2]);
      if (ddl) looseIndexes.push(ddl);
      continue;
    }
    const fk = /^add_foreign_key\s+["']([^"']+)["'],\s*["']([^"']+)["'](.*)$/.exec(t);
    if (fk) {
      const key = fk[1].toLowerCase();
      foreign.set(key, (foreign.get(key) ?? new Set()).add((option(fk[3], 'column') ?? singularColumn(fk[2])).toLowerCase()));
    }
  }
  const out: string[] = [];
  for (const table of tables) {
    const key = table.name.toLowerCase();
    const items = table.columns.map((c) => {
      const [def, name] = c.split('\u0000');
      if (!name) return def;
      const uniq = unique.get(key)?.has(name) && !/PRIMARY KEY/.test(def) ? ' UNIQUE' : '';
      return `${def}${uniq}${foreign.get(key)?.has(name) ? ' REFERENCES parent' : ''}`;
    });
    if (table.primaryKey.length) items.push(`PRIMARY KEY (${table.primaryKey.map((c) => `"${c}"`).join(', ')})`);
    out.push(`CREATE TABLE ${quoteName(table.name)} (\n  ${items.join(',\n  ')}\n);`, ...table.indexes);
  }
  out.push(...looseIndexes);
  return out.join('\n');
}
