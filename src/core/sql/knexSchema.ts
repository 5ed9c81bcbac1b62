/**
 * Knex's schema builder in migrations (`knex.schema.createTable('ds_properties', (t) => { t.increments('id').primary();
 * t.integer('datasetId').notNull(); t.foreign('datasetId').references('datasets.id'); t.unique(['name', 'datasetId']); })`,
 * `schema.table('audits', (t) => { t.index(['action', 'loggedAt']); })`) as the PostgreSQL DDL it stands for, so that the
 * schema reader (declaredIndexes.ts) takes the tables, columns, NOT NULL, keys, foreign keys and indexes from it (rules-u:
 * ODK Central creates most of its tables this way, its later migrations in raw SQL). A text scan of the builder callbacks'
 * calls with literal arguments; bounded per text.
 */
import { args, skip } from './nodePgMigrate';

/** A knex schema-builder migration: `schema.createTable('name', (t) => …)` or `schema.table('name', (t) => …)`. */
export function isKnexSchemaBuilder(text: string): boolean {
  return CALL_TEST.test(text);
}

const CALL_TEST = /\bschema\s*\.\s*(?:createTable|createTableIfNotExists|table|alterTable)\s*\(\s*['"`]\w+['"`]\s*,\s*(?:async\s*)?(?:function\s*)?\(?\s*[A-Za-z_$][\w$]*\s*\)?\s*(?:=>)?\s*\{/;
const CALL = /\bschema\s*\.\s*(createTable|createTableIfNotExists|table|alterTable)\s*\(\s*['"`](\w+)['"`]\s*,\s*(?:async\s*)?(?:function\s*)?\(?\s*([A-Za-z_$][\w$]*)\s*\)?\s*(?:=>)?\s*\{/g;
const MAX_CALLS = 2000;

/** Knex column methods and the PostgreSQL type each makes (`string` is varchar, `increments` a serial key). */
const TYPES: Record<string, string> = {
  increments: 'serial',
  bigIncrements: 'bigserial',
  integer: 'integer',
  bigInteger: 'bigint',
  tinyint: 'smallint',
  smallint: 'smallint',
  mediumint: 'integer',
  text: 'text',
  string: 'varchar',
  boolean: 'boolean',
  date: 'date',
  dateTime: 'timestamptz',
  datetime: 'timestamptz',
  timestamp: 'timestamptz',
  time: 'time',
  float: 'real',
  double: 'double precision',
  decimal: 'numeric',
  json: 'json',
  jsonb: 'jsonb',
  uuid: 'uuid',
  binary: 'bytea',
  enu: 'text',
  enum: 'text',
};

/** The `}` closing the `{` at i, strings skipped; -1 when unbalanced. */
function closingBrace(s: string, i: number): number {
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    const c = s[k];
    if (c === "'" || c === '"' || c === '`') {
      const end = s.indexOf(c, k + 1);
      if (end < 0) return -1;
      k = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return k;
  }
  return -1;
}

const q = (name: string) => `"${name.replace(/"/g, '')}"`;
const names = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

/** The DDL a text's knex schema-builder callbacks stand for. */
export function knexSchemaDdl(text: string): string {
  const out: string[] = [];
  CALL.lastIndex = 0;
  let n = 0;
  for (let m = CALL.exec(text); m && n++ < MAX_CALLS; m = CALL.exec(text)) {
    const [, verb, table, param] = m;
    const open = m.index + m[0].length - 1;
    const close = closingBrace(text, open);
    if (close < 0) continue;
    const body = text.slice(open + 1, close);
    const columns = new Map<string, string>();
    const foreign = new Map<string, string>();
    const extra: string[] = [];
    // Each `t.method(args)` of the callback, with its chained calls (`.notNull().references('x.id')`).
    const stmt = new RegExp(`(?<![\\w$.])${param.replace(/\$/g, '\\$')}\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');
    for (let s = stmt.exec(body); s; s = stmt.exec(body)) {
      const method = s[1];
      const a = args(body, s.index + s[0].length - 1);
      // The chain after the call: up to the end of the statement.
      const after = skip(body, s.index + s[0].length);
      const end = body.slice(after).search(/;|\n\s*\n|\n\s*[A-Za-z_$][\w$]*\s*\.\s*\w+\s*\(/);
      const chain = body.slice(after, end < 0 ? body.length : after + end);
      const col = typeof a[0] === 'string' ? a[0] : undefined;
      if (method in TYPES && col) {
        let def = `${q(col)} ${method === 'specificType' ? String(a[1]) : TYPES[method]}`;
        if (/\.\s*primary\s*\(/.test(chain) || /^(?:big)?increments$/.test(method)) def += ' PRIMARY KEY';
        if (/\.\s*notNull(?:able)?\s*\(/.test(chain)) def += ' NOT NULL';
        if (/\.\s*unique\s*\(/.test(chain)) def += ' UNIQUE';
        const ref = /\.\s*references\s*\(\s*['"`]([\w.]+)['"`]/.exec(chain);
        if (ref) foreign.set(col.toLowerCase(), ref[1]);
        columns.set(col, def);
        if (/\.\s*index\s*\(/.test(chain)) extra.push(`CREATE INDEX ON ${q(table)} (${q(col)});`);
      } else if (method === 'specificType' && col && typeof a[1] === 'string') {
        columns.set(col, `${q(col)} ${a[1]}${/\.\s*notNull(?:able)?\s*\(/.test(chain) ? ' NOT NULL' : ''}`);
      } else if (method === 'timestamps') {
        columns.set('created_at', '"created_at" timestamptz');
        columns.set('updated_at', '"updated_at" timestamptz');
      } else if (method === 'foreign') {
        const ref = /\.\s*references\s*\(\s*['"`]?([\w.]+)/.exec(chain);
        for (const c of names(a[0])) foreign.set(c.toLowerCase(), ref?.[1] ?? 'parent');
      } else if ((method === 'index' || method === 'unique' || method === 'primary') && names(a[0]).length) {
        const cols = names(a[0]).map(q).join(', ');
        extra.push(method === 'primary' ? `ALTER TABLE ${q(table)} ADD PRIMARY KEY (${cols});` : `CREATE ${method === 'unique' ? 'UNIQUE ' : ''}INDEX ON ${q(table)} (${cols});`);
      }
    }
    const withRefs = [...columns].map(([c, def]) => (foreign.has(c.toLowerCase()) ? `${def} REFERENCES ${foreign.get(c.toLowerCase())}` : def));
    if (/^createTable/.test(verb)) {
      // Keys and foreign keys of the callback as table items (`PRIMARY KEY (a, b)`, `FOREIGN KEY (x) REFERENCES p`).
      const items = [...withRefs];
      for (const [c, p] of foreign) if (![...columns.keys()].some((k) => k.toLowerCase() === c)) items.push(`FOREIGN KEY (${q(c)}) REFERENCES ${p}`);
      for (const e of extra) {
        const pk = /^ALTER TABLE \S+ ADD (PRIMARY KEY \(.*\));$/.exec(e);
        if (pk) items.push(pk[1]);
      }
      if (items.length) out.push(`CREATE TABLE ${q(table)} (\n  ${items.join(',\n  ')}\n);`);
      out.push(...extra.filter((e) => !e.startsWith('ALTER TABLE')));
    } else {
      for (const def of withRefs) out.push(`ALTER TABLE ${q(table)} ADD COLUMN ${def};`);
      out.push(...extra.filter((e) => !e.startsWith('ALTER TABLE')));
    }
  }
  return out.join('\n');
}
