/**
 * node-pg-migrate migrations (`pgm.createTable('chain_tip', { id: { type: 'bool', primaryKey: true } … })`,
 * `pgm.createIndex('txs', ['sender_address', 'nonce'], { unique: true })`, `pgm.addConstraint('chain_tip', 'one_row',
 * 'CHECK(id)')`, `pgm.addColumn(…)`) as the PostgreSQL DDL they stand for, so that the schema reader (declaredIndexes.ts)
 * takes an app's tables, columns, NOT NULL, keys and indexes from them as it takes them from a `.sql` file (rules-u: the
 * Stacks API declares its ~60 tables this way only). A text scan of the calls' literal arguments — strings, numbers,
 * booleans, arrays and objects; anything else (`pgm.func('NOW()')`, a variable) is left out. Bounded per text.
 */

/** A node-pg-migrate migration: calls on the `pgm` builder that create tables or indexes. */
export function isNodePgMigrate(text: string): boolean {
  return /\bpgm\s*\.\s*(?:createTable|createIndex|addColumns?|addConstraint)\s*\(/.test(text);
}

export type Lit = string | number | boolean | null | Lit[] | { [k: string]: Lit } | undefined;

/** A JavaScript literal read from `s` at `i` (value and the index after it); `undefined` for what is not a literal. */
function literal(s: string, i: number): [Lit, number] {
  const ws = () => {
    for (;;) {
      while (i < s.length && /\s/.test(s[i])) i++;
      if (s.startsWith('//', i)) i = s.indexOf('\n', i) < 0 ? s.length : s.indexOf('\n', i);
      else if (s.startsWith('/*', i)) i = s.indexOf('*/', i) < 0 ? s.length : s.indexOf('*/', i) + 2;
      else return;
    }
  };
  ws();
  const c = s[i];
  if (c === "'" || c === '"' || c === '`') {
    let out = '';
    let k = i + 1;
    for (; k < s.length && s[k] !== c; k++) {
      if (s[k] === '\\') out += s[++k] ?? '';
      else if (c === '`' && s.startsWith('${', k)) return [undefined, skip(s, i)];
      else out += s[k];
    }
    return [out, k + 1];
  }
  if (c === '[' || c === '{') {
    const close = c === '[' ? ']' : '}';
    const arr: Lit[] = [];
    const obj: { [k: string]: Lit } = {};
    i++;
    for (let n = 0; n < 10_000; n++) {
      ws();
      if (s[i] === close) return [c === '[' ? arr : obj, i + 1];
      if (i >= s.length) return [undefined, s.length];
      let v: Lit;
      if (c === '[') [v, i] = literal(s, i);
      else {
        const key = /^(?:(['"])((?:(?!\1).)*)\1|([A-Za-z_$][\w$]*))\s*:/.exec(s.slice(i, i + 200));
        // A spread, a method or a computed key: not a literal object.
        if (!key) return [undefined, skip(s, i)];
        [v, i] = literal(s, i + key[0].length);
        obj[key[2] ?? key[3]] = v;
      }
      if (c === '[') arr.push(v);
      ws();
      // An expression that goes on after a value (`'a' + b`): skipped to its end, the value kept as not a literal.
      if (s[i] !== ',' && s[i] !== close) {
        i = skip(s, i);
        if (c === '[') arr[arr.length - 1] = undefined;
      }
      if (s[i] === ',') i++;
    }
    return [undefined, s.length];
  }
  const m = /^(?:-?\d+(?:\.\d+)?|true|false|null)\b/.exec(s.slice(i, i + 40));
  if (m) return [m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]), i + m[0].length];
  return [undefined, skip(s, i)];
}

/** The index after the expression at `i`: up to the next `,` or closing bracket at its own depth. */
export function skip(s: string, i: number): number {
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    const c = s[k];
    if (c === "'" || c === '"' || c === '`') {
      const end = s.indexOf(c, k + 1);
      if (end < 0) return s.length;
      k = end;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return k;
      depth--;
    } else if (c === ',' && depth === 0) return k;
  }
  return s.length;
}

/** The literal arguments of the call whose `(` is at `open` (a non-literal one is `undefined`). */
export function args(s: string, open: number): Lit[] {
  const out: Lit[] = [];
  let i = open + 1;
  for (let n = 0; n < 8; n++) {
    const [v, j] = literal(s, i);
    out.push(v);
    i = skip(s, j);
    if (s[i] !== ',') break;
    i++;
  }
  return out;
}

const q = (name: string) => `"${name.replace(/"/g, '')}"`;

/** node-pg-migrate's column types as PostgreSQL names them (`bool`, `int`, `string` for text; others pass through as written). */
function columnType(t: string): string {
  return /^bool$/i.test(t) ? 'boolean' : /^int$/i.test(t) ? 'integer' : /^string$/i.test(t) ? 'text' : t;
}

/** One column definition (`{ type: 'bool', primaryKey: true, notNull: true, unique: true, references: 'x', check: 'id' }` or `'integer'`). */
function columnDdl(name: string, def: Lit): string | undefined {
  // `id: 'id'`: node-pg-migrate's shorthand for a serial primary key.
  if (def === 'id') return `${q(name)} serial PRIMARY KEY`;
  const d = typeof def === 'string' ? { type: def } : def && typeof def === 'object' && !Array.isArray(def) ? def : undefined;
  if (!d || typeof d.type !== 'string') return undefined;
  let out = `${q(name)} ${columnType(d.type)}`;
  if (d.primaryKey === true) out += ' PRIMARY KEY';
  if (d.notNull === true) out += ' NOT NULL';
  if (d.unique === true) out += ' UNIQUE';
  if (typeof d.references === 'string') out += ` REFERENCES ${d.references}`;
  if (typeof d.check === 'string') out += ` CHECK (${d.check})`;
  return out;
}

/** The columns of a `{ name: definition, … }` literal as DDL items. */
function columnsDdl(cols: Lit): string[] {
  if (!cols || typeof cols !== 'object' || Array.isArray(cols)) return [];
  return Object.entries(cols).flatMap(([k, v]) => columnDdl(k, v) ?? []);
}

/** An index's columns (`'a'`, `['a', 'b']`, `[{ name: 'a', sort: 'DESC' }]`) as DDL. */
function indexColumns(cols: Lit): string | undefined {
  const one = (c: Lit) => (typeof c === 'string' ? (/^[A-Za-z_]\w*$/.test(c) ? q(c) : c) : c && typeof c === 'object' && !Array.isArray(c) && typeof c.name === 'string' ? `${q(c.name)}${typeof c.sort === 'string' ? ` ${c.sort}` : ''}` : undefined);
  const list = Array.isArray(cols) ? cols.map(one) : [one(cols)];
  return list.length && list.every(Boolean) ? list.join(', ') : undefined;
}

/** A constraint given as text (`'CHECK(id)'`, `'UNIQUE (a, b)'`) or as node-pg-migrate's options (`{ check: 'id' }`, `{ unique: ['a', 'b'] }`, `{ primaryKey: 'a' }`). */
function constraintDdl(c: Lit): string | undefined {
  if (typeof c === 'string') return c;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return undefined;
  const cols = (v: Lit) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map(q).join(', ');
  if (typeof c.check === 'string') return `CHECK (${c.check})`;
  if (c.unique !== undefined && cols(c.unique)) return `UNIQUE (${cols(c.unique)})`;
  if (c.primaryKey !== undefined && cols(c.primaryKey)) return `PRIMARY KEY (${cols(c.primaryKey)})`;
  return undefined;
}

const CALL = /\bpgm\s*\.\s*(createTable|createIndex|addColumns?|addConstraint)\s*\(/g;
const MAX_CALLS = 5000;

/** The DDL the text's `pgm` calls stand for, one statement a line. */
export function nodePgMigrateDdl(text: string): string {
  const out: string[] = [];
  CALL.lastIndex = 0;
  let n = 0;
  for (let m = CALL.exec(text); m && n++ < MAX_CALLS; m = CALL.exec(text)) {
    const a = args(text, m.index + m[0].length - 1);
    const table = typeof a[0] === 'string' ? a[0] : a[0] && typeof a[0] === 'object' && !Array.isArray(a[0]) && typeof a[0].name === 'string' ? a[0].name : undefined;
    if (!table) continue;
    if (m[1] === 'createTable') {
      const items = columnsDdl(a[1]);
      const opts = a[2];
      if (opts && typeof opts === 'object' && !Array.isArray(opts) && opts.constraints) {
        const c = constraintDdl(opts.constraints);
        if (c) items.push(c);
      }
      if (items.length) out.push(`CREATE TABLE ${q(table)} (\n  ${items.join(',\n  ')}\n);`);
    } else if (m[1] === 'addColumn' || m[1] === 'addColumns') {
      for (const item of columnsDdl(a[1])) out.push(`ALTER TABLE ${q(table)} ADD COLUMN ${item};`);
    } else if (m[1] === 'createIndex') {
      const cols = indexColumns(a[1]);
      if (!cols) continue;
      const o = a[2] && typeof a[2] === 'object' && !Array.isArray(a[2]) ? a[2] : {};
      const name = typeof o.name === 'string' ? o.name : `${table}_${String(Array.isArray(a[1]) ? a[1].map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' && !Array.isArray(x) ? x.name : '')).join('_') : a[1])}_index`;
      out.push(`CREATE ${o.unique === true ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${q(table)}${typeof o.method === 'string' ? ` USING ${o.method}` : ''} (${cols})${typeof o.where === 'string' ? ` WHERE ${o.where}` : ''};`);
    } else {
      const c = constraintDdl(a[2]);
      if (c) out.push(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(typeof a[1] === 'string' ? a[1] : `${table}_constraint`)} ${c};`);
    }
  }
  return out.join('\n');
}
