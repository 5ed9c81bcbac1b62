/**
 * The batched form of a per-item call, for the library in use: one query for all items, then a
 * lookup by key in memory. Shown to the developer to review (a preview document), never applied
 * blindly.
 *
 * Code is offered only where it keeps the loop's meaning: a driver or ORM call whose batched form is known, with
 * every name the code needs (the collection, the loop variable, the client, the context, the key, and what the
 * loop's body does with the result) read from the code itself; the loop's body is carried into the rewrite. Any
 * other per-item call gets advice without code (Rewrite.code empty): the batched API to use (`findMany` with
 * `in`, `bulk_create`, …), or, for a method of the app's own data layer (`m.store.GetAttachment(id)`), the batched
 * method to add to it. Person9 (P22) was offered Go code that ranged over the loop variable, read `.ID` of an
 * int64, used a `db` and `ctx` the function did not have and dropped the loop's body.
 */
import type { DbCall, Library } from './dbCalls';
import type { Fix } from '../findings';
import { batchStatement, type BatchedStatement, type ParamStyle } from './batchSql';
import type { SequelizeMixin } from './sequelizeModels';

export interface Rewrite {
  /** Code action title, e.g. "Batch with WHERE id = ANY($1)". */
  title: string;
  /** Language id of the snippet (for the preview document). */
  language: string;
  /**
   * The suggested code, every name read from this loop and the loop's body carried over; empty when no such code
   * exists (the title and help say what to batch, and no "Show the batched rewrite" action is offered).
   */
  code: string;
  /** One sentence for Finding.help. */
  help: string;
  /**
   * The loop's own indentation (the leading whitespace of its line), already given to every line of `code`: the
   * preview document gives its header comments the same, so the rewrite pastes over the loop at its depth (person21
   * LOW 6: it opened flush left and lost the function's indentation).
   */
  indent?: string;
}

/** What to batch, without code: the title and help of a finding whose loop no rewrite is proved to keep. */
type Advice = Omit<Rewrite, 'code'>;

export interface RewriteInput {
  call: DbCall;
  /** Loop variable (`user`), iterable text (`users`) when known. */
  variable?: string;
  iterable?: string;
  /**
   * The collection exactly as the loop writes it, when it is a name or a path of names (`products`, `this.orders`,
   * `@posts`) the rewrite can read again; undefined for an expression (a call, a conversion), where a rewrite would
   * have to invent one.
   */
  collection?: string;
  /**
   * The path of names the loop's collection starts with when it is a member of an object (`newToken.projects` of
   * `(newToken.projects || []).filter(…)`): the help's noun ("Insert all newToken…" named the object, person10 N13).
   */
  itemsPath?: string;
  /** The source texts of the call's arguments before the SQL (Go's `ctx`). */
  argsBefore?: string[];
  /** The call reads a relation lazily (Django/ActiveRecord). */
  relation?: string;
  /** The source text of the call's parameter list (`[order.id]`), to take the key expression from. */
  params?: string;
  /**
   * What the loop does with the call's result (JavaScript/TypeScript): the name the statement around the call binds
   * (`{ rows }` or `result`) and the loop body's statements after it (`product.reviews = rows;`), carried into the
   * rewrite's loop so it does what the loop did (it ended at "what the query returned", and pasting it dropped them).
   */
  after?: {
    binding: string;
    rest: string;
    /** Python/Ruby: what follows the call in its statement (`.fetchone()`), and the statement's indentation. */
    tail?: string;
    indent?: string;
    /** Go: the loop's header, the body before the call's statement, that statement, the call, the text before it. */
    header?: string;
    before?: string;
    statement?: string;
    call?: string;
    scope?: string;
  };
  /** The source texts of the call's arguments after the SQL (`product["id"]`, `(c.id,)`, `[id]`). */
  args?: string[];
  /** The source texts of the call's own arguments (`id=book.author_id`, `post.user_id`): an ORM lookup's key. */
  callArgs?: string[];
}

function singular(s: string): string {
  return s.replace(/ies$/, 'y').replace(/s$/, '');
}

function ident(s: string | undefined, fallback: string): string {
  return s && /^[A-Za-z_$][\w$]*$/.test(s) ? s : fallback;
}

/**
 * The batched statement (core/nplusone/batchSql: `= ANY($1)` for a plain filter, the original once
 * per key in a LATERAL join when LIMIT, aggregates, DISTINCT or GROUP BY give it per-key meaning);
 * the SQL as written when it has no `column = parameter` key.
 */
export function batchedSql(sql: string | undefined, style: ParamStyle = 'dollar'): string {
  if (!sql) return style === 'dollar' ? 'SELECT … FROM … WHERE id = ANY($1)' : style === 'percent' ? 'SELECT … FROM … WHERE id = ANY(%s)' : 'SELECT … FROM … WHERE id = ANY(?)';
  return batchStatement(sql, style)?.sql ?? sql.trim();
}

/** The client the code calls (`db` in `db.query`, `this.db` in `this.db.query`); undefined when the code does not say. */
function clientOf(call: DbCall): string | undefined {
  const suffix = `.${call.method}`;
  const label = call.label.replace(/\(…\)$/, '');
  const recv = label.endsWith(suffix) ? label.slice(0, -suffix.length) : '';
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(recv) ? recv : undefined;
}

/** The parts of a list at depth 0 (`a, f(b, c)` → `a`, `f(b, c)`), empty ones left out (`(c.id,)`). */
export function splitTop(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of inner) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A key expression the rewrite can repeat (`order.id`, `product["id"]`, `o.CustomerID`), not a call or an operation. */
const KEY_EXPR = /^[\w$.[\]'"]+$/;

/** The expression the loop passed as the key parameter (`order.id` from `[order.id]`), when it can be read. */
function keyExprOf(params: string | undefined, keyParam: number, fallback: string): string {
  const inner = params?.trim().match(/^\[([\s\S]*)\]$/)?.[1];
  if (inner === undefined) return fallback;
  const e = splitTop(inner)[keyParam - 1];
  return e && KEY_EXPR.test(e) ? e : fallback;
}

/**
 * The parameter values the loop's call passes, one text each: inside the one list or tuple argument (psycopg's
 * `(c.id,)`, ruby-pg's `[id]`), else the arguments themselves (asyncpg's and Go's variadic `…, product["id"]`).
 */
function paramValues(call: DbCall, args: readonly string[] | undefined): string[] | undefined {
  if (!args?.length) return undefined;
  if (call.library !== 'psycopg' && call.library !== 'ruby-pg') return [...args];
  const one = args[0].trim().match(/^[[(]([\s\S]*)[\])]$/)?.[1];
  return one === undefined ? undefined : splitTop(one);
}

/** A name usable as a JavaScript binding (and not a reserved word the shapes here would meet). */
const JS_IDENT = /^(?!(?:default|class|function|new|delete|in|of|for|if|case|do|else|var|let|const|return|this|typeof|void|with|yield)$)[A-Za-z_$][\w$]*$/;

/**
 * The batched query's type argument from the loop's (`db.query<Review>` → `db.query<Review & { product_id: unknown }>`
 * when the key column is selected only to group by): its rows keep their type (person54 L-5: the rewrite's rows were `any`).
 */
function rowsType(rowType: string | undefined, b: { keyAdded?: boolean; keyColumn: string }): string {
  if (!rowType) return '';
  if (!b.keyAdded) return `<${rowType}>`;
  const key = JS_IDENT.test(b.keyColumn) ? b.keyColumn : JSON.stringify(b.keyColumn);
  return `<${rowElement(rowType)} & { ${key}: unknown }>`;
}

/** A row type as one operand (`Review`, or `(A | B)` for a type written with operators). */
function rowElement(rowType: string): string {
  return /^[\w$.]+(?:<[^<>]*>)?$/.test(rowType) ? rowType : `(${rowType})`;
}

/** node-postgres and friends: one query for every key, rows grouped by the key the way the loop reads them. */
function jsBatchedRead(input: RewriteInput, items: string, item: string): Rewrite | undefined {
  const { call } = input;
  const client = clientOf(call);
  const b = call.sql ? batchStatement(call.sql, 'dollar') : undefined;
  if (!b || !client) return undefined;
  const keyExpr = keyExprOf(input.params, b.keyParam, `${item}.id`);
  // The loop runs over the keys themselves (`for (const id of ids)`): the list is the keys.
  const overKeys = KEY_NAME.test(item) && (keyExpr === item || keyExpr === `${item}.id`);
  const keyOf = overKeys ? item : keyExpr.startsWith(`${item}.`) || keyExpr === item ? keyExpr : `${item}.id`;
  const keysExpr = overKeys ? items : `${items}.map((${item}) => ${keyOf})`;
  // Each key once: the LATERAL form would return a repeated key's rows once per repetition.
  const args = Array.from({ length: Math.max(b.keyParam, 1) }, (_, i) => (i + 1 === b.keyParam ? `[...new Set(${keysExpr})]` : `/* $${i + 1}, the same for every ${item} */`));
  const body = loopTail(input.after, `rowsByKey.get(String(${keyOf})) ?? []`, item);
  if (!body) return undefined;
  const how = b.form === 'lateral'
    ? `// The statement runs once per key inside one query (LATERAL), so its LIMIT / aggregates keep their per-${item} meaning.`
    : `// One query for all keys; rows grouped by ${b.keyColumn}.`;
  const code = [
    how,
    `const { rows: allRows } = await ${client}.query${rowsType(call.rowType, b)}(`,
    `  \`${b.sql.replace(/`/g, '\\`').replace(/\n/g, '\n  ')}\`,`,
    `  [${args.join(', ')}],`,
    `);`,
    `// ${b.keyColumn} may arrive as a string (bigint): group by its text.`,
    `const rowsByKey = new Map<string, ${call.rowType ? `${rowElement(call.rowType)}[]` : 'typeof allRows'}>();`,
    ...(b.keyAdded
      ? [
          `// ${b.keyColumn} is selected only to group by: each row is handed on without it, as the loop's query returned it.`,
          `for (const { ${JS_IDENT.test(b.keyColumn) ? b.keyColumn : `${JSON.stringify(b.keyColumn)}: keyValue`}, ...row } of allRows) {`,
          `  const key = String(${JS_IDENT.test(b.keyColumn) ? b.keyColumn : 'keyValue'});`,
        ]
      : [`for (const row of allRows) {`, `  const key = String(row${JS_IDENT.test(b.keyColumn) ? `.${b.keyColumn}` : `[${JSON.stringify(b.keyColumn)}]`});`]),
    `  rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), row]);`,
    `}`,
    `for (const ${item} of ${items}) {`,
    ...body,
    `}`,
  ].join('\n');
  return {
    title: b.form === 'lateral' ? `Batch with unnest($${b.keyParam}) + LATERAL (keeps the per-${item} ${/\blimit\b/i.test(call.sql!) ? 'LIMIT' : 'meaning'})` : `Batch with WHERE ${b.keyColumn} = ANY($${b.keyParam})`,
    language: 'typescript',
    code,
    help: b.form === 'lateral'
      ? `Run the statement for every ${item} in one query (unnest the keys, JOIN LATERAL the original), then group the rows by ${b.keyColumn}.`
      : `Query once with ${b.keyColumn} = ANY($${b.keyParam}) and an array of the keys, then group the rows by ${b.keyColumn}.`,
  };
}

/**
 * The rewrite's loop body: this item's rows under the name the loop's code bound them to, then the loop's own
 * statements after the call (re-indented). `const { rows } = …` → `const rows = <rows>;`, `const { rows: reviews }`
 * → `const reviews = <rows>;`, `const result = …` → `const result = { rows: <rows> };` (the code reads result.rows).
 */
function loopTail(after: RewriteInput['after'], rowsExpr: string, item: string): string[] | undefined {
  // No body read: a rewrite would drop what the loop did with the rows.
  if (!after) return undefined;
  const pattern = after.binding.replace(/\s+/g, ' ').trim();
  const destructured = /^\{ ?rows(?: ?: ?([A-Za-z_$][\w$]*))? ?\}$/.exec(pattern);
  const decl = destructured
    ? `  const ${destructured[1] ?? 'rows'} = ${rowsExpr}; // what the query in the loop returned for this ${item}`
    : /^[A-Za-z_$][\w$]*$/.test(pattern) && JS_IDENT.test(pattern)
      ? `  const ${pattern} = { rows: ${rowsExpr} }; // what the query in the loop returned for this ${item}`
      : undefined;
  if (!decl) return undefined;
  const lines = after.rest.split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return [decl, ...lines.map((l) => (l.trim() ? `  ${l.slice(indent)}` : ''))];
}

/** The statements after the call, re-indented under `indent` (the loop body of the rewrite). */
function bodyLines(rest: string, indent: string): string[] {
  const lines = rest.split('\n');
  // A comment on the statement's own line (`… { // note`) keeps its text, not its column.
  if (lines.length > 1 && lines[0].trim()) lines[0] = `${/^\s*/.exec(lines[1])![0]}${lines[0].trim()}`;
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  if (!lines.length) return [];
  const least = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return lines.map((l) => (l.trim() ? `${indent}${l.slice(least)}` : ''));
}

/** What the batched read of a raw driver needs: the statement with its key first, and the key the loop passes. */
function rawBatch(input: RewriteInput, style: ParamStyle, item: string) {
  const b = input.call.sql ? batchStatement(input.call.sql, style, { keyFirst: true }) : undefined;
  const values = paramValues(input.call, input.args);
  const key = b && values?.[b.keyParam - 1];
  if (!b || !values || !key || !KEY_EXPR.test(key)) return undefined;
  // The loop runs over the keys themselves (`for cid in customer_ids`).
  return { b, values, key, overKeys: key === item };
}

function perKeyComment(b: BatchedStatement, item: string): string {
  return b.form === 'lateral'
    ? `# The statement runs once per key inside one query (LATERAL), so its LIMIT / aggregates keep their per-${item} meaning.`
    : `# One query for all keys; rows grouped by ${b.keyColumn}.`;
}

function rawTitle(b: BatchedStatement, placeholder: string, item: string, sql: string): string {
  return b.form === 'lateral' ? `Batch with unnest(${placeholder}) + LATERAL (keeps the per-${item} ${/\blimit\b/i.test(sql) ? 'LIMIT' : 'meaning'})` : `Batch with WHERE ${b.keyColumn} = ANY(${placeholder})`;
}

/**
 * The advice for a raw driver's read whose statement is known, in the form its SQL needs: a statement whose meaning is
 * per key (an aggregate, a LIMIT, DISTINCT, GROUP BY) runs once per key inside one query (unnest + LATERAL: a key with
 * no rows still gets its count of 0); any other takes `key = ANY(array)`. Either way the rows are grouped by the key
 * column, selected for that when the statement does not return it (person31 M2: `SELECT count(*) FROM reviews WHERE
 * product_id = ?` was told "= ANY(?) … and match the rows by id" — one total, no id, products without reviews gone).
 * Undefined when the statement has no `column = parameter` key.
 */
function rawReadAdvice(sql: string | undefined, style: ParamStyle, item: string, language: string, keysOf: (b: BatchedStatement) => string): Advice | undefined {
  const b = sql ? batchStatement(sql, style) : undefined;
  if (!b) return undefined;
  const keys = keysOf(b);
  const ph = style === 'dollar' ? `$${b.keyParam}` : style === 'percent' ? '%s' : '?';
  const select = b.keyAdded ? ` (the rewrite selects ${b.keyColumn} for that)` : '';
  return {
    title: rawTitle(b, ph, item, sql!),
    language,
    help: b.form === 'lateral'
      ? `Run the statement for every ${item} in one query (unnest(${ph}) of ${keys}, JOIN LATERAL the original, so its ${/\blimit\b/i.test(sql!) ? 'LIMIT' : 'aggregate'} stays per ${item}), then read each ${item}'s rows by ${b.keyColumn}${select}.`
      : `Query once with ${b.keyColumn} = ANY(${ph}) and ${keys}, then group the rows by ${b.keyColumn}${select}.`,
  };
}

/** A Python string literal of the SQL: triple-quoted and indented when it has several lines. */
function pyString(sql: string): string {
  const esc = sql.replace(/\\/g, '\\\\');
  const q3 = '"""';
  return sql.includes('\n') ? `${q3}\n    ${esc.replace(/"""/g, '\\"\\"\\"').replace(/\n/g, '\n    ')}\n${q3}` : `"${esc.replace(/"/g, '\\"')}"`;
}

/**
 * psycopg and asyncpg: one query for every key (the key column first), rows grouped by it, then the loop again with
 * each item's rows under the name the loop bound them to and the loop's own statements after the call — what
 * `cur.fetchone()` / `cur.fetchall()` read there now reads the item's rows.
 */
function pythonBatchedRead(input: RewriteInput, items: string, item: string): Rewrite | undefined {
  const L = input.call.library;
  const r = rawBatch(input, L === 'asyncpg' ? 'dollar' : 'percent', item);
  if (!r) return undefined;
  const { b, values, key, overKeys } = r;
  const client = clientOf(input.call);
  if (!client || !input.after) return undefined;
  const keys = overKeys ? `list(dict.fromkeys(${items}))` : `list(dict.fromkeys(${key} for ${item} in ${items}))`;
  // %s counts by position: the lateral form takes the array first; $n keep their numbers.
  const args = b.form === 'lateral' && L === 'psycopg' ? [keys, ...values.filter((_, i) => i !== b.keyParam - 1)] : values.map((v, i) => (i === b.keyParam - 1 ? keys : v));
  const code = [perKeyComment(b, item), `# Each row starts with ${b.keyColumn}, added to group by; the rest is the row the loop's query returned.`];
  if (L === 'asyncpg') {
    code.push(`all_rows = await ${client}.fetch(${pyString(b.sql)}, ${args.join(', ')})`, 'rows_by_key = {}', 'for r in all_rows:', '    rows_by_key.setdefault(r[0], []).append(dict(list(r.items())[1:]))');
  } else {
    code.push(`${client}.execute(${pyString(b.sql)}, (${args.join(', ')},))`, 'rows_by_key = {}', `for key, *row in ${client}.fetchall():`, '    rows_by_key.setdefault(key, []).append(tuple(row))');
  }
  const a = input.after;
  // The loop's own name for the rows when its statement bound them as they came (`rows = await conn.fetch(…)`).
  const own = a?.binding && L === 'asyncpg' && input.call.method === 'fetch' && !a.tail ? a.binding : `${item}_rows`;
  code.push(`for ${item} in ${items}:`, `    ${own} = rows_by_key.get(${key}, [])`);
  const one = `(${own}[0] if ${own} else None)`;
  const method = input.call.method;
  const tail = a?.tail?.replace(/\s+/g, '') ?? '';
  // What the loop's statement bound: the rows, one row or one value, as the driver's call returned it.
  const value = L === 'asyncpg'
    ? tail ? undefined : method === 'fetchrow' ? one : method === 'fetchval' ? `(next(iter(${own}[0].values())) if ${own} else None)` : own
    : tail === '.fetchone()' ? one : tail === '.fetchall()' ? own : tail ? undefined : a?.binding ? undefined : own;
  // What the statement bound is not read (`x = cur.execute(…).fetchone()[0]`): a rewrite would change what the body sees.
  if (!a || value === undefined) return undefined;
  if (a.binding && a.binding !== own) code.push(`    ${a.binding} = ${value}`);
  const rest = a.rest.split(`${client}.fetchone()`).join(one).split(`${client}.fetchall()`).join(own);
  const lines = bodyLines(rest, '    ');
  // A loop whose only statement was the query keeps it for nothing: what it read is in rows_by_key.
  code.push(...(lines.length ? lines : [`    pass  # ${own}: what the query in the loop returned for this ${item}`]));
  return {
    title: rawTitle(b, L === 'asyncpg' ? `$${b.keyParam}` : '%s', item, input.call.sql!),
    language: 'python',
    code: code.join('\n'),
    help: `One query for every ${item} at once (${b.form === 'lateral' ? 'the statement run per key inside that one query' : `${b.keyColumn} = ANY(the keys)`}), group the rows by ${b.keyColumn}, and run the loop's code on each ${item}'s rows.`,
  };
}

/** ruby-pg: one exec_params for every key (the key column first), rows grouped by it, the loop's body on each item's rows. */
function rubyBatchedRead(input: RewriteInput, items: string, item: string): Rewrite | undefined {
  const r = rawBatch(input, 'dollar', item);
  if (!r) return undefined;
  const { b, values, key, overKeys } = r;
  const client = clientOf(input.call);
  const list = items;
  if (!client || !input.after) return undefined;
  const args = values.map((v, i) => (i === b.keyParam - 1 ? 'PG::TextEncoder::Array.new.encode(keys)' : v));
  const own = `${item}_rows`;
  const a = input.after;
  const code = [
    perKeyComment(b, item),
    `keys = ${overKeys ? list : `${list}.map { |${item}| ${key} }`}.uniq`,
    `all = ${client}.${input.call.method}(<<~SQL, [${args.join(', ')}])`,
    ...b.sql.split('\n').map((l) => `  ${l}`),
    'SQL',
    `# Each row starts with ${b.keyColumn} (as text), added to group by; the rest is the row the loop's query returned.`,
    'fields = all.fields.drop(1)',
    'rows_by_key = Hash.new { |h, k| h[k] = [] }',
    'all.values.each { |key, *values| rows_by_key[key] << fields.zip(values).to_h }',
    `${list}.each do |${item}|`,
    `  ${a?.binding || own} = rows_by_key.fetch(${key}.to_s, []) # an Array of row hashes, as PG::Result#to_a gives them`,
    ...bodyLines(a!.rest, '  '),
    'end',
  ];
  return {
    title: rawTitle(b, `$${b.keyParam}`, item, input.call.sql!),
    language: 'ruby',
    code: code.join('\n'),
    help: `One query for every ${item} at once, group the rows by ${b.keyColumn}, and run the loop's code on each ${item}'s rows.`,
  };
}

/**
 * database/sql, pgx and sqlx: `…QueryRow(ctx, sql, key).Scan(&a, &b)` in a loop becomes one query for every key (the
 * key column first), its rows scanned into a map by key, and the loop again with the loop's own statements: each
 * item's first row fills the same variables, and a key without rows takes the loop's own `err != nil` branch with
 * the driver's no-rows error, as QueryRow's Scan did. Other shapes (rows.Next loops, fields as Scan targets, types not
 * declared in the code) get advice without code.
 */
function goBatchedRead(input: RewriteInput): Rewrite | undefined {
  const a = input.after;
  const L = input.call.library;
  if (!a?.statement || !a.call || a.header === undefined || a.before === undefined || !/^QueryRow(Context)?$|^Get(Context)?$/.test(input.call.method) || L === 'sqlx' && /^Get/.test(input.call.method)) return undefined;
  const r = rawBatch(input, 'dollar', '');
  if (!r) return undefined;
  const { b, values, key } = r;
  const stmt = a.statement.trim();
  const callAt = stmt.indexOf(a.call);
  if (callAt < 0) return undefined;
  // The call found may be the Scan chained on QueryRow, or QueryRow itself with the Scan after it.
  const own = /\.Scan\(([^()]*)\)$/.test(a.call) ? '' : /^\s*\.Scan\(([^()]*)\)/.exec(stmt.slice(callAt + a.call.length))?.[0];
  const scan = own === undefined ? null : /\.Scan\(([^()]*)\)\s*$/.exec(a.call + own);
  if (!scan) return undefined;
  scan[0] = own ?? '';
  const targets = splitTop(scan[1]).map((t) => /^&([A-Za-z_]\w*)$/.exec(t)?.[1]);
  if (!targets.length || targets.some((t) => !t)) return undefined;
  // The type of each Scan target, from its `var name T` in the function before the call.
  const types: string[] = [];
  for (const t of targets as string[]) {
    const decls = [...(a.scope ?? '').matchAll(new RegExp(`\\bvar\\s+((?:\\w+\\s*,\\s*)*${t}(?:\\s*,\\s*\\w+)*)\\s+([\\w.*\\[\\]]+)\\s*(?:\\n|;|$)`, 'g'))];
    const d = decls[decls.length - 1];
    if (!d) return undefined;
    types.push(d[2]);
  }
  const before = stmt.slice(0, callAt);
  const after = stmt.slice(callAt + a.call.length + scan[0].length);
  // `if err := …Scan(…); err != nil { … }` keeps its branch for a key without rows; `_ = …Scan(…)` / a bare call ignore it.
  const ifErr = /^if\s+(\w+)\s*:?=\s*$/.exec(before.trim()) && /^;\s*(\w+)\s*!=\s*nil\s*\{([\s\S]*)\}$/.exec(after.trim());
  if (!ifErr && !(/^(_\s*=\s*)?$/.test(before.trim()) && after.trim() === '')) return undefined;
  const errName = ifErr ? ifErr[1] : 'err';
  // The batched query's own errors: returned where the function returns an error and the loop checked Scan's; ignored
  // where the loop ignored Scan's (`_ = …`); any other signature gets advice without code (no error path to guess).
  const sig = [...(a.scope ?? '').matchAll(/\bfunc\b[^{]*\)\s*([^{)]*)\{/g)].pop();
  const returnsError = sig?.[1].trim() === 'error';
  if (ifErr && !returnsError) return undefined;
  const keyType = b.arrayType === 'bigint[]' ? 'int64' : 'string';
  const client = clientOf(input.call);
  // The context the call passes, as the code names it (`ctx`, `r.Context()`), when the call takes one.
  const takesCtx = /Context$/.test(input.call.method) || L === 'pgx';
  const ctxText = input.argsBefore?.[0];
  if (!client || (takesCtx && (!ctxText || input.argsBefore!.length !== 1))) return undefined;
  const ctxArg = takesCtx ? `${ctxText}, ` : '';
  const keysArg = L === 'pgx' ? 'keys' : 'pq.Array(keys)';
  const args = values.map((v, i) => (i === b.keyParam - 1 ? keysArg : v));
  const query = L === 'pgx' ? 'Query' : /Context$/.test(input.call.method) ? 'QueryContext' : 'Query';
  const noRows = L === 'pgx' ? 'pgx.ErrNoRows' : 'sql.ErrNoRows';
  const keyOf = `${keyType}(${key})`;
  const fields = (targets as string[]).map((t, i) => `\t${t} ${types[i]}`);
  const indentBody = (text: string) => bodyLines(text, '\t');
  const code = [
    perKeyComment(b, 'item').replace(/^#/, '//'),
    `// Each row starts with ${b.keyColumn}, added to group by; the rest is what the loop's query scanned.`,
    `var keys []${keyType}`,
    `seen := make(map[${keyType}]bool)`,
    `${a.header} {`,
    `\tif k := ${keyOf}; !seen[k] {`,
    '\t\tseen[k] = true',
    '\t\tkeys = append(keys, k)',
    '\t}',
    '}',
    'type scanned struct {',
    ...fields,
    '}',
    `byKey := make(map[${keyType}][]scanned)`,
    `keyRows, err := ${client}.${query}(${ctxArg}\`${b.sql.replace(/`/g, '` + "`" + `')}\`, ${args.join(', ')})`,
    ...(ifErr
      ? [
          'if err != nil {',
          '\treturn err',
          '}',
          'defer keyRows.Close()',
          'for keyRows.Next() {',
          `\tvar key ${keyType}`,
          '\tvar r scanned',
          `\tif err := keyRows.Scan(&key, ${(targets as string[]).map((t) => `&r.${t}`).join(', ')}); err != nil {`,
          '\t\treturn err',
          '\t}',
          '\tbyKey[key] = append(byKey[key], r)',
          '}',
          'if err := keyRows.Err(); err != nil {',
          '\treturn err',
          '}',
        ]
      : [
          '// The loop ignored Scan\'s error: a failed query leaves every item without a row, as it would have.',
          'if err == nil {',
          '\tdefer keyRows.Close()',
          '\tfor keyRows.Next() {',
          `\t\tvar key ${keyType}`,
          '\t\tvar r scanned',
          `\t\tif keyRows.Scan(&key, ${(targets as string[]).map((t) => `&r.${t}`).join(', ')}) == nil {`,
          '\t\t\tbyKey[key] = append(byKey[key], r)',
          '\t\t}',
          '\t}',
          '}',
        ]),
    `${a.header} {`,
    ...indentBody(a.before),
    `\tif got := byKey[${keyOf}]; len(got) > 0 {`,
    ...(targets as string[]).map((t) => `\t\t${t} = got[0].${t}`),
    ...(ifErr ? [`\t} else if ${errName} := ${noRows}; ${errName} != nil { // no row for this key: what QueryRow's Scan returned`, ...bodyLines(ifErr[2], '\t\t'), '\t}'] : ['\t}']),
    ...indentBody(a.rest),
    '}',
  ];
  return {
    title: rawTitle(b, `$${b.keyParam}`, 'item', input.call.sql!),
    language: 'go',
    code: code.join('\n'),
    help: `One query for every key at once (${b.form === 'lateral' ? 'the statement run per key inside that one query' : `${b.keyColumn} = ANY($${b.keyParam})`}), scan the rows into a map by ${b.keyColumn}, and run the loop's code with each item's row.`,
  };
}

/**
 * Django `Model.objects.get(id=…)` / `get(pk=…)` and ActiveRecord `Model.find(…)` / `find_by(id: …)` once per item:
 * one query for every key the loop passes (`book.author_id`, not a guessed `book.id`), then the loop again with each
 * item's record under the loop's own name and the loop's statements after the call; a key without a record raises
 * what the lookup raised (DoesNotExist, RecordNotFound), and find_by's nil stays nil.
 */
function ormLookupRewrite(input: RewriteInput, items: string, item: string): Rewrite | undefined {
  const { call, after: a } = input;
  const model = call.model;
  const args = input.callArgs;
  if (!model || !/^[A-Z]\w*$/.test(model) || !args || !args.length || !a?.binding || a.tail) return undefined;
  const plural = `${a.binding}s_by_id`;
  if (call.library === 'django' && call.method === 'get' && args.length === 1) {
    const key = /^(?:id|pk)\s*=\s*(.+)$/.exec(args[0].trim())?.[1];
    if (!key || !KEY_EXPR.test(key)) return undefined;
    const code = [
      `# One query for every key: in_bulk returns {id: ${model}}.`,
      `${plural} = ${model}.objects.in_bulk({${key} for ${item} in ${items}})`,
      `for ${item} in ${items}:`,
      `    ${a.binding} = ${plural}.get(${key})`,
      `    if ${a.binding} is None:`,
      `        raise ${model}.DoesNotExist  # what .get() raised for a missing row`,
      ...bodyLines(a.rest, '    '),
      '# or load it with the parent query: .select_related(…)',
    ];
    return { title: `Batch with ${model}.objects.in_bulk(ids)`, language: 'python', code: code.join('\n'), help: `Load every ${model} the loop needs with one in_bulk of the keys it passes, then run the loop's code on each.` };
  }
  if (call.library === 'sqlalchemy' && call.method === 'get' && args.length === 2 && args[0].trim() === model && KEY_EXPR.test(args[1].trim())) {
    // session.get(User, key): None for a missing row, as the dictionary's get.
    const key = args[1].trim();
    const session = clientOf(call);
    if (!session) return undefined;
    const code = [
      '# One query for every key.',
      `${plural} = {r.id: r for r in ${session}.scalars(select(${model}).where(${model}.id.in_(list({${key} for ${item} in ${items}}))))}`,
      `for ${item} in ${items}:`,
      `    ${a.binding} = ${plural}.get(${key})  # None when there is none, as session.get returned`,
      ...bodyLines(a.rest, '    '),
      '# or load the relation with the parent query: .options(selectinload(…))',
    ];
    return { title: `Batch with select(${model}).where(${model}.id.in_(ids))`, language: 'python', code: code.join('\n'), help: `Load every ${model} the loop needs with one select … where id in the keys it passes, then run the loop's code on each.` };
  }
  if (call.library === 'activerecord' && (call.method === 'find' || call.method === 'find_by') && args.length === 1) {
    const key = call.method === 'find' ? args[0].trim() : /^(?:id:\s*|:id\s*=>\s*)(.+)$/.exec(args[0].trim())?.[1];
    const list = items;
    if (!key || !KEY_EXPR.test(key)) return undefined;
    const code = [
      '# One query for every key.',
      `${plural} = ${model}.where(id: ${list}.map { |${item}| ${key} }.uniq).index_by(&:id)`,
      `${list}.each do |${item}|`,
      call.method === 'find'
        ? `  ${a.binding} = ${plural}.fetch(${key}) { raise ActiveRecord::RecordNotFound, "Couldn't find ${model} with 'id'=#{${key}}" }`
        : `  ${a.binding} = ${plural}[${key}] # nil when there is none, as find_by returned`,
      ...bodyLines(a.rest, '  '),
      'end',
      '# or preload the association on the parent query: .includes(:…)',
    ];
    return { title: `Batch with ${model}.where(id: ids).index_by(&:id)`, language: 'ruby', code: code.join('\n'), help: `Load every ${model} the loop needs with one where(id: ids), then run the loop's code on each.` };
  }
  return undefined;
}

/** A loop variable that is itself a key (`id`, `userId`, `order_id`). */
const KEY_NAME = /^(id|pk|key|uid|\w+Id|\w+_id)$/;

/**
 * The fix for a per-item call: the batched code where it keeps the loop's meaning (batchedRewrite), else advice
 * without code — the library's batched API (adviceFor: its title and help; the code sketches it carried before
 * invented a client, a key or the collection and left the loop's body out), or, for a method of the app's own data
 * layer, the batched method to add.
 */
export function rewriteFor(input: RewriteInput): Rewrite {
  if (input.call.appMethod) return appMethodAdvice(input);
  return batchedRewrite(input) ?? { ...adviceFor(input), code: '' };
}

/**
 * The rewrites that keep the loop's meaning: a driver's read (node-postgres and friends, psycopg, asyncpg, ruby-pg,
 * database/sql, pgx, sqlx) or an ORM's look-up by key (Django's get, SQLAlchemy's session.get, ActiveRecord's
 * find/find_by), with the collection, the loop variable, the client, the context and the key read from the code and
 * the loop's body carried over. Undefined for anything else.
 */
function batchedRewrite(input: RewriteInput): Rewrite | undefined {
  const { call } = input;
  const item = input.variable;
  const items = input.collection;
  if (call.op === 'write' || input.relation || !item || !/^[A-Za-z_$][\w$]*$/.test(item)) return undefined;
  switch (call.library) {
    case 'node-postgres':
    case 'postgres.js':
    case 'pg-promise':
    case 'mysql2':
    case 'sql':
      return items ? jsBatchedRead(input, items, item) : undefined;
    case 'psycopg':
    case 'asyncpg':
      return items ? pythonBatchedRead(input, items, item) : undefined;
    case 'ruby-pg':
      return items ? rubyBatchedRead(input, items, item) : undefined;
    case 'database/sql':
    case 'pgx':
    case 'sqlx':
      // The loop's own header is reused: no collection to read again.
      return goBatchedRead(input);
    case 'django':
    case 'sqlalchemy':
    case 'activerecord':
      return items ? ormLookupRewrite(input, items, item) : undefined;
  }
  return undefined;
}

/** A method name's words: snake_case split at `_`, camelCase before each capital. */
function nameWords(method: string): string[] {
  return method.includes('_') ? method.split('_') : method.split(/(?=[A-Z])/);
}

/**
 * The batched method's name: `GetAttachment` → `GetAttachments`, `find_by_id` → `find_by_ids`, `getCategory` →
 * `getCategories`; a name ending in its verb (`commenterNew`, `domainDelete`, `emailGet`) → `commenterNewBatch`.
 */
function pluralMethod(method: string): string | undefined {
  if (/(New|Create|Delete|Update|Insert|Upsert|Get|Save|Set|Add|Remove|Put|Fetch|Load|Find|_new|_create|_delete|_update|_insert|_get|_save|_set|_add|_remove)$/.test(method)) return `${method}${method.includes('_') ? '_batch' : 'Batch'}`;
  if (/(ID|Id|_id)$/.test(method)) return `${method}s`;
  // No sure plural (person11 Q2: `memberses`, `team_emailses`, `num_checks_useds`, `prepares`): a name already in the
  // plural, a participle, or one word that may be a verb — the advice names no method then.
  const words = nameWords(method).filter(Boolean);
  const last = words[words.length - 1] ?? method;
  if (words.length < 2 || (/s$/i.test(last) && !/ss$/i.test(last)) || /ed$/i.test(last)) return undefined;
  if (/[^aeiou]y$/.test(method)) return `${method.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(method)) return `${method}es`;
  return `${method}s`;
}

/**
 * A per-item call of the app's own data layer (`m.store.GetAttachment(id)`, sqlc's `q.GetUser(ctx, id)`, a
 * repository's `findByOwner(owner)`): no batched form exists until the app adds one, so the advice names it — one
 * method taking every key, one query (`= ANY($1)` / `IN`), called once before the loop — and no code is invented.
 */
function appMethodAdvice(input: RewriteInput): Rewrite {
  return batchMethodAdvice(input.call.label, input.call.method, input.call.op, input.variable);
}

/**
 * Names the app may have given the batched form of `method`: each word after the verb in the plural
 * (`addEnvironmentToProject` → `addEnvironmentsToProject`, `addEnvironmentToProjects`), pluralMethod's name, and the
 * usual suffixes and prefixes (`…Batch`, `…Many`, `bulk…`, `…_many`).
 */
export function batchedNames(method: string): string[] {
  const words = nameWords(method);
  const join = (ws: string[]) => ws.join(method.includes('_') ? '_' : '');
  const out = new Set<string>();
  for (let i = 1; i < words.length; i++) {
    if (/^(to|from|for|of|by|in|on|with|and|or|id|ids)$/i.test(words[i])) continue;
    out.add(join([...words.slice(0, i), pluralWord(words[i]), ...words.slice(i + 1)]));
  }
  const plural = pluralMethod(method);
  if (plural) out.add(plural);
  const cap = method.charAt(0).toUpperCase() + method.slice(1);
  for (const n of method.includes('_') ? [`${method}_many`, `${method}_batch`, `bulk_${method}`] : [`${method}Many`, `${method}Batch`, `${method}s`, `bulk${cap}`]) out.add(n);
  out.delete(method);
  return [...out];
}

function pluralWord(w: string): string {
  if (/[^aeiou]y$/i.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/i.test(w)) return `${w}es`;
  return `${w}s`;
}

/** What the app's per-item method writes and the batched form must keep (its conflict handling, its columns). */
export interface CalleeWrite {
  conflict?: string;
  columns?: string[];
}

/**
 * The advice for a per-item call of the app's own method (`label` as the code writes it, `m.store.GetAttachment`):
 * the batched method to add beside it and call once — or, when the app already has one (`existing`:
 * `addEnvironmentToProjects` beside `addEnvironmentToProject`), that one. `op` unknown (a function of another file):
 * either way. `writes`: the conflict handling and columns of the method's own write, which the batched form must keep
 * (person10 N1: a batch that dropped `.onConflict([...]).ignore()` throws on the duplicate the loop skipped).
 */
export function batchMethodAdvice(label: string, method: string, op: 'read' | 'write' | undefined, variable?: string, more: { existing?: { name: string; line: number; keeps?: boolean; file?: string }; writes?: CalleeWrite } = {}): Rewrite {
  const suffix = `.${method}`;
  const recv = label.endsWith(suffix) ? label.slice(0, -suffix.length) : '';
  const keys = variable ? `every \`${variable}\`` : 'every item';
  const w = more.writes;
  const keep = w?.conflict || w?.columns?.length
    ? ` It must write ${w.columns?.length ? `the columns ${method} writes (${w.columns.join(', ')})` : `what ${method} writes`}${w.conflict ? ` and keep its ${w.conflict}: without it one duplicate fails the whole batch, where the loop ${/ignore|DoNothing|doNothing/.test(w.conflict) ? 'skipped' : 'updated'} that row` : ''}.`
    : '';
  const ex = more.existing;
  if (ex) {
    const kept = w?.conflict ? (ex.keeps ? ` It keeps ${method}'s ${w.conflict}.` : ` Check that it keeps ${method}'s ${w.conflict}: without it one duplicate fails the whole batch, where the loop ${/ignore|DoNothing|doNothing/.test(w.conflict) ? 'skipped' : 'updated'} that row.`) : '';
    return {
      title: `Batch ${method}: call ${ex.name}(…) once`,
      language: 'plaintext',
      code: '',
      help: `\`${label}\` is the app's own ${op ? 'method' : 'function'}, and ${ex.file ? ex.file : 'this file'} already has ${ex.name}(…) (${ex.file ? `${ex.file}:${ex.line}` : `line ${ex.line}`}): call it once with ${keys} instead of ${method} once per item.${kept}`,
    };
  }
  const plural = pluralMethod(method);
  const batched = plural ? `${plural}(…)` : `form of ${method}(…)`;
  // The receiver is the loop's own item (`profile.num_checks_used()`, `check.project.team_emails()`): the method goes
  // to its class, not to that variable (person11 Q2).
  const onItem = !!variable && recv.split('.')[0] === variable;
  const on = /^(this|self|@)$/.test(recv) ? ' to this class' : /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(recv) ? (onItem ? ` to the class of \`${recv}\`` : ` to ${recv}`) : '';
  const does = op === 'write'
    ? `that writes every row in one statement (unnest of arrays, a multi-row VALUES, or the driver's batch), and call it once after the loop`
    : op === 'read'
      ? `that reads every key in one query (= ANY($1) / IN), call it once before the loop with ${keys}, and look each item's result up by its key in the loop`
      : `that does its work for ${keys} at once (one query with = ANY($1) / IN, or one batched write), and call it once instead of once per item`;
  return {
    title: plural ? `Batch ${method}: add ${batched}${on}` : `Batch ${method}: add a batched ${batched}${on}`,
    language: 'plaintext',
    code: '',
    help: `\`${label}\` is the app's own ${op ? 'method' : 'function'}: add a batched ${batched}${on} ${does}.${keep}`,
  };
}

/** The top-level `key: value` pairs of an object literal's text (`{ where: { a: x }, take: 1 }`); undefined for a spread or anything else. */
export function objectPairs(text: string | undefined): [string, string][] | undefined {
  const t = text?.trim();
  if (!t || !t.startsWith('{') || !t.endsWith('}')) return undefined;
  const out: [string, string][] = [];
  for (const part of splitTop(t.slice(1, -1))) {
    const m = /^\s*(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*(?::([\s\S]*))?$/.exec(part);
    if (!m) return undefined;
    const key = m[1] ?? m[2] ?? m[3];
    const value = m[4]?.trim() ?? (m[1] ? key : undefined);
    if (!value) return undefined;
    out.push([key, value]);
  }
  return out;
}

/**
 * Prisma's batched form of a per-item read, written once for the static advice and the recorded one: one findMany with
 * `{ in: ids }` on the per-item field and the call's other conditions kept, or — a count or aggregate per item — one
 * groupBy by that field. `rest`: the call's other arguments carried over (select/include, the aggregate's _sum…).
 */
export function prismaBatchedCall(client: string, method: 'findMany' | 'count' | 'aggregate', field: string, others: readonly [string, string][], rest: readonly [string, string][] = []): string {
  const where = [`${field}: { in: ids }`, ...others.map(([k, v]) => (k === v ? k : `${k}: ${v}`))].join(', ');
  const more = rest.map(([k, v]) => `, ${k}: ${v}`).join('');
  if (method === 'count') return `prisma.${client}.groupBy({ by: ['${field}'], where: { ${where} }, _count: true })`;
  if (method === 'aggregate') return `prisma.${client}.groupBy({ by: ['${field}'], where: { ${where} }${more} })`;
  return `prisma.${client}.findMany({ where: { ${where} }${more} })`;
}

/**
 * The batched form of a Prisma read per item (person12 R1: `teamMember.count({ where: { teamID: t.teamID, role: OWNER } })`
 * was told to findMany `{ id: { in: ids } }`: the wrong column, `role` dropped, a count per item not counted). It batches
 * on the one `where` field whose value comes from the loop item, keeps the other, constant conditions, and turns a count
 * or an aggregate per item into one groupBy on that field. Where the call does not say (no literal `where`, no loop
 * variable, several or no fields from the item, a nested or compound key, take/orderBy per item), it says in words what
 * to batch on and names no column.
 */
function prismaReadAdvice(model: string, method: string, callArgs: string[] | undefined, variable: string | undefined, item: string, collection?: string): Advice {
  const perItem = method === 'count' || method === 'aggregate' || method === 'groupBy';
  const words = (why: string): Advice => perItem
    ? { title: `Batch the ${method} with one ${model}.groupBy (Prisma)`, language: 'typescript', help: `One prisma.${model}.groupBy({ by: [<the field each ${item} gives>], where: { <that field>: { in: <the values> }, <the call's other conditions> }, … }) counts for every ${item} at once; ${why}` }
    : { title: `Batch with findMany and { in: … } on the field each ${item} gives (Prisma)`, language: 'typescript', help: `Fetch all rows with one prisma.${model}.findMany whose where has { in: <the values> } on the field each ${item} gives and keeps the call's other conditions (or include the relation in the parent query), then look the rows up by that field; ${why}` };
  const args = objectPairs(callArgs?.[0]);
  if (!args || callArgs!.length !== 1) return words('the call\'s arguments are not an object literal the advice can read.');
  const whereText = args.find(([k]) => k === 'where')?.[1];
  const where = objectPairs(whereText);
  if (!where) return words('the call has no literal where to read that field from.');
  if (!variable || !/^[A-Za-z_$][\w$]*$/.test(variable)) return words('the loop\'s item has no name to find in the where.');
  const fromItem = new RegExp(`(^|[^\\w$.])${variable.replace(/\$/g, '\\$')}(?![\\w$])`);
  const keyed = where.filter(([, v]) => fromItem.test(v));
  if (keyed.length !== 1) return words(keyed.length ? `several fields of the where (${keyed.map(([k]) => k).join(', ')}) come from the item.` : `no field of the where comes from \`${variable}\`.`);
  const [[col, value]] = keyed;
  if (value.startsWith('{') || value.startsWith('[') || /^(AND|OR|NOT)$/.test(col)) return words(`\`${col}\` is a nested or compound condition.`);
  const rest = args.filter(([k]) => k !== 'where');
  const others = where.filter(([k]) => k !== col);
  const ids = collection && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(collection) ? ` with ids = ${collection}.map((${variable}) => ${value})` : ` with ids the ${col} of every ${item}`;
  if (method === 'count') {
    if (rest.length) return words(`its ${rest.map(([k]) => k).join(', ')} must be carried into the groupBy.`);
    const code = prismaBatchedCall(model, 'count', col, others);
    return { title: `Batch the count with one ${model}.groupBy by ${col} (Prisma)`, language: 'typescript', help: `Count for every ${item} at once with one ${code}${ids}, and read each ${item}'s count by its ${col} (0 when it has no group).` };
  }
  if (method === 'aggregate') {
    if (rest.some(([k]) => !/^_(count|sum|avg|min|max)$/.test(k))) return words(`its ${rest.map(([k]) => k).join(', ')} must be carried into the groupBy.`);
    const code = prismaBatchedCall(model, 'aggregate', col, others, rest);
    return { title: `Batch the aggregate with one ${model}.groupBy by ${col} (Prisma)`, language: 'typescript', help: `Aggregate for every ${item} at once with one ${code}${ids}, and read each ${item}'s result by its ${col}.` };
  }
  if (method === 'groupBy') return words(`the call already groups: add ${col} to its by.`);
  if (rest.some(([k]) => !/^(select|include)$/.test(k))) return words(`its ${rest.filter(([k]) => !/^(select|include)$/.test(k)).map(([k]) => k).join(', ')} apply per item and do not carry over to one query as they are.`);
  const sel = rest.some(([k]) => k === 'select') ? ` (its select must include ${col})` : '';
  return { title: `Batch with where: { ${col}: { in: ids } } (Prisma)`, language: 'typescript', help: `Fetch all rows with one ${prismaBatchedCall(model, 'findMany', col, others, rest)}${ids}${sel} (or include the relation in the parent query) and ${method === 'findMany' ? 'group them' : 'look them up'} by ${col}.` };
}

function adviceFor(input: RewriteInput): Advice {
  const { call } = input;
  const items = ident(input.iterable, 'items');
  const item = ident(input.variable, singular(items) === items ? 'item' : singular(items));
  const noun = input.itemsPath ?? items;
  const write = call.op === 'write';
  const model = call.model ?? 'record';
  const L: Library = call.library;
  if (input.relation) {
    if (L === 'django') {
      return {
        title: `Preload ${input.relation} with select_related/prefetch_related`,
        language: 'python',
        help: `Add .select_related("${input.relation}") (foreign key) or .prefetch_related("${input.relation}") (reverse/many-to-many) to the query that produced ${items}.`,
      };
    }
    return {
      title: `Preload ${input.relation} with includes`,
      language: 'ruby',
      help: `Add .includes(:${input.relation}) (or .preload/.eager_load) to the query that produced ${items}.`,
    };
  }
  if (write) {
    const w = writeRewrite(L, writeKindOf(call), model, noun, item, call);
    if (w) return w;
  }
  switch (L) {
    case 'prisma':
      return write
        ? { title: `Batch with ${model}.createMany / a transaction`, language: 'typescript', help: `Use prisma.${model}.createMany/updateMany (or one $transaction) instead of one call per ${item}.` }
        : prismaReadAdvice(model, call.method, input.callArgs, input.variable, item, input.collection);
    case 'node-postgres':
    case 'postgres.js':
    case 'pg-promise':
    case 'mysql2':
    case 'sql':
      if (write && /^\s*delete\b/i.test(call.sql ?? '')) return { title: 'Batch the DELETE with = ANY($1)', language: 'typescript', help: `Delete all rows with one DELETE … WHERE id = ANY($1) instead of one statement per ${item}.` };
      if (write && /^\s*update\b/i.test(call.sql ?? '')) return { title: 'Batch the UPDATE with unnest($1::…[])', language: 'typescript', help: `Update all rows with one UPDATE … FROM unnest($1::…[], …) (or WHERE id = ANY($1) when every row gets the same values).` };
      if (write) return { title: 'Batch the INSERT with unnest($1::…[])', language: 'typescript', help: `Send one INSERT … SELECT * FROM unnest($1::…[], …) (or a multi-row VALUES) for all ${noun} instead of one statement per ${item}.` };
      return { title: `Batch with WHERE … = ANY($1)`, language: 'typescript', help: `One query for every ${item} at once (the key column = ANY($1) with an array of the keys, or the statement run per key inside that one query with unnest + LATERAL when it has a LIMIT or aggregates), group the rows by the key, and run the loop's code on each ${item}'s rows.` };
    case 'knex':
      return write
        ? { title: 'Batch insert with knex(…).insert(array)', language: 'typescript', help: `Insert all ${noun} with one knex(…).insert([...]) (or batchInsert) instead of one per ${item}.` }
        : { title: 'Batch with whereIn (knex)', language: 'typescript', help: `Use one knex(…).whereIn('id', ids) query and look the rows up by id.` };
    case 'objection':
      return write
        ? { title: `Batch with ${model}.query().insert(array) / one whereIn`, language: 'typescript', help: `Write all ${noun} with one ${model}.query().insert([...]) (PostgreSQL) or one patch/delete with whereIn('id', ids), instead of one query per ${item}.` }
        : { title: `Batch with findByIds / withGraphFetched (Objection)`, language: 'typescript', help: `Load all rows with one ${model}.query().findByIds(ids) (or withGraphFetched on the parent query) and look them up by id.` };
    case 'bookshelf':
      return write
        ? { title: `Batch with ${model}.query().insert(array) / one whereIn`, language: 'typescript', help: `Write all ${noun} with one knex statement (${model}.query().insert([...]), or one update/delete with whereIn('id', ids)), instead of one save/destroy per ${item}.` }
        : { title: `Batch with ${model}.where('id', 'in', ids).fetchAll() (Bookshelf)`, language: 'typescript', help: `Load all rows with one ${model}.query((qb) => qb.whereIn('id', ids)).fetchAll({ withRelated }) (or withRelated on the parent fetch) and look them up by id.` };
    case 'drizzle':
      return write
        ? { title: 'Batch insert with db.insert(t).values(array)', language: 'typescript', help: `Insert all ${noun} with one db.insert(…).values([...]).` }
        : { title: 'Batch with inArray (Drizzle)', language: 'typescript', help: `Use one query with where(inArray(table.id, ids)) (or a relational query with "with") and look rows up by id.` };
    case 'kysely':
      return write
        ? { title: 'Batch insert with insertInto(…).values(array)', language: 'typescript', help: `Insert all ${noun} with one insertInto(…).values([...]).` }
        : { title: "Batch with where('id', 'in', ids) (Kysely)", language: 'typescript', help: `Use one selectFrom(…).where('id', 'in', ids) query and look rows up by id.` };
    case 'typeorm':
    case 'mikro-orm':
      return write
        ? { title: 'Save all entities at once', language: 'typescript', help: L === 'mikro-orm' ? `persist() each entity and flush() once after the loop.` : `Pass the whole array to repository.save()/insert() once.` }
        : { title: 'Batch with In(keys) / a relation', language: 'typescript', help: `Collect the keys the loop looks up by (for every ${item}) and load all rows with one find whose where puts In(keys) on the column the loop's call filters by (or relations/populate on the parent query), then look each ${item}'s rows up by that column.` };
    case 'sequelize':
      return write
        ? { title: `Batch with ${model}.bulkCreate`, language: 'typescript', help: `Use ${model}.bulkCreate([...]) (or one update with where: { [${sqPk(model)}]: keys }) instead of one call per ${item}.` }
        : { title: `Batch with one findAll on the primary key / include (Sequelize)`, language: 'typescript', help: `Load all rows with one findAll({ where: { [${sqPk(model)}]: { [Op.in]: keys } } }) (the model's primary key, whatever it is named) or eager-load with include.` };
    case 'django':
      return write
        ? { title: `Batch with ${model}.objects.bulk_create / bulk_update`, language: 'python', help: `Use ${model}.objects.bulk_create/bulk_update (or one queryset .update()) instead of one query per ${item}.` }
        : { title: `Batch with ${model}.objects.filter(pk__in=…) / select_related`, language: 'python', help: `Load all rows with one in_bulk(keys)/filter(pk__in=keys) (pk: the model's primary key, whatever it is named), or select_related/prefetch_related on the parent query.` };
    case 'sqlalchemy':
      return write
        ? { title: 'Batch with one executemany-style insert', language: 'python', help: `Pass a list of parameter dicts to one session.execute(insert(...)) and commit once.` }
        : { title: 'Batch with .in_(keys) / selectinload', language: 'python', help: `Query once with .in_(keys) on the column the loop's query filters by, keys collected for every ${item} (or selectinload/joinedload on the parent), and look the rows up by that column.` };
    case 'peewee':
      return write
        ? { title: `Batch with ${model}.insert_many / one update().where(… << ids)`, language: 'python', help: `Insert all rows with one ${model}.insert_many(rows).execute() (chunked for SQLite's variable limit), or change/delete them with one ${model}.update(…)/delete().where(${model}.id << ids).execute(), instead of one statement per ${item}.` }
        : { title: `Batch with ${model}.select().where(… << keys)`, language: 'python', help: `Query once with ${model}.select().where(<the column the loop filters by> << keys), keys collected for every ${item} (or prefetch() on the parent query), and look the rows up by that column.` };
    case 'tortoise':
      return write
        ? { title: `Batch with ${model}.bulk_create / one filter(…).update()`, language: 'python', help: `Create all rows with one await ${model}.bulk_create([...]), change them with one await ${model}.filter(<key>__in=keys).update(…), or add many related rows with one relation.add(*rows), instead of one statement per ${item}.` }
        : { title: `Batch with ${model}.filter(<key>__in=keys) / prefetch_related`, language: 'python', help: `Query once with await ${model}.filter(<the field the loop filters by>__in=keys), keys collected for every ${item} (or prefetch_related on the parent query), and look the rows up by that field.` };
    case 'psycopg':
    case 'asyncpg': {
      if (write) return { title: L === 'asyncpg' ? 'Batch with executemany / copy_records_to_table' : 'Batch with executemany / COPY', language: 'python', help: `Send all rows with one executemany (pipelined) or COPY instead of one statement per ${item}.` };
      return rawReadAdvice(call.sql, L === 'asyncpg' ? 'dollar' : 'percent', item, 'python', () => 'a list of the keys') ?? { title: `Batch with = ANY(${L === 'asyncpg' ? '$1' : '%s'})`, language: 'python', help: `Query once with = ANY(<list of ids>) and look rows up by id.` };
    }
    case 'databases':
      return write
        ? { title: 'Batch with execute_many / one multi-row statement', language: 'python', help: `Send all rows with one database.execute_many(query=…, values=[…]) (or one INSERT … SELECT FROM unnest(:a, :b)), in one transaction, instead of one statement per ${item}.` }
        : { title: 'Batch with = ANY(:keys)', language: 'python', help: `Query once with = ANY(:keys) and the list of keys collected for every ${item} (database.fetch_all), and look the rows up by that column.` };
    case 'database/sql':
    case 'pgx':
    case 'sqlx': {
      if (write) return { title: L === 'pgx' ? 'Batch with pgx.Batch / CopyFrom' : 'Batch with one multi-row INSERT', language: 'go', help: `Send the rows in one round trip (pgx.Batch, CopyFrom, or INSERT … SELECT FROM unnest of arrays).` };
      return rawReadAdvice(call.sql, 'dollar', item, 'go', () => (L === 'pgx' ? 'the slice of keys' : 'pq.Array(keys)')) ?? { title: 'Batch with WHERE id = ANY($1)', language: 'go', help: `Query once with = ANY($1) and the slice of ids, then match rows by id.` };
    }
    case 'ent':
      return write
        ? { title: 'Batch with CreateBulk', language: 'go', help: `Create all rows with one CreateBulk(…).Save(ctx) (one INSERT; PostgreSQL returns the ids), or change rows sharing a value with one Update().Where(x.IDIn(ids...)).` }
        : { title: 'Batch with Where(x.IDIn(ids...))', language: 'go', help: `Load all rows with one Query().Where(x.IDIn(ids...)).All(ctx) (or eager-load the edge with With…()) and match them by id.` };
    case 'pop':
      return write
        ? { title: 'Batch with one multi-row statement', language: 'go', help: `pop writes one row per Create/Update/Destroy (a slice too): send the rows in one statement instead — tx.RawQuery("INSERT … SELECT * FROM unnest(?, ?)", …).Exec(), or one UPDATE/DELETE … WHERE id IN (?) with the ids — instead of one call per ${item}.` }
        : { title: 'Batch with Where("id IN (?)", ids) / Eager', language: 'go', help: `Load all rows with one Where("id IN (?)", ids).All(&rows) (pop expands the slice), or EagerPreload on the parent query, and match them by id.` };
    case 'bun':
      return write
        ? { title: 'Batch with one bulk query (bun)', language: 'go', help: `Insert all rows with one NewInsert().Model(&rows).Exec(ctx) (a slice model is one multi-row INSERT), or change rows sharing a value with one NewUpdate()/NewDelete().Where("id IN (?)", bun.In(ids)).Exec(ctx), instead of one call per ${item}.` }
        : { title: 'Batch with Where("… IN (?)", bun.In(keys)) / Relation', language: 'go', help: `Load all rows with one NewSelect().Model(&rows).Where("<column> IN (?)", bun.In(keys)).Scan(ctx), keys collected for every ${item} (or Relation(…) on the parent query), and match them by that column.` };
    case 'xorm':
      return write
        ? { title: 'Batch with one multi-row Insert (xorm)', language: 'go', help: `Insert all rows with one s.Insert(&rows) (a slice is one multi-row INSERT), or change rows sharing a value with one s.In("id", ids).Update(…)/Delete(…), instead of one call per ${item}.` }
        : { title: 'Batch with In("id", ids) (xorm)', language: 'go', help: `Load all rows with one s.In("<column>", keys).Find(&rows), keys collected for every ${item}, and match them by that column.` };
    case 'gorm':
      return write
        ? { title: 'Batch with CreateInBatches', language: 'go', help: `Create all rows with db.Create(&slice) / CreateInBatches instead of one call per ${item}.` }
        : { title: 'Batch with Where("id IN ?", ids) / Preload', language: 'go', help: `Load all rows with one Where("id IN ?", ids).Find (or Preload on the parent query).` };
    case 'jdbc':
      return write
        ? { title: 'Batch with addBatch / executeBatch', language: 'java', help: `Add the rows with addBatch() and send them with one executeBatch().` }
        : rawReadAdvice(call.sql, 'qmark', item, 'java', (b) => `conn.createArrayOf("${b.arrayType.replace(/\[\]$/, '')}", keys)`) ?? { title: 'Batch with = ANY(?) and an SQL array', language: 'java', help: `Query once with = ANY(?) and conn.createArrayOf(…) and match the rows by id.` };
    case 'spring-jdbc':
      return write
        ? { title: 'Batch with jdbcTemplate.batchUpdate', language: 'java', help: `Use jdbcTemplate.batchUpdate for all rows.` }
        : { title: 'Batch with IN (:ids)', language: 'java', help: `Query once with IN (:ids) (NamedParameterJdbcTemplate expands the list) and match rows by id.` };
    case 'jooq':
      return write
        ? { title: 'Batch with dsl.batch(…) / one statement', language: 'java', help: `Send the statements with one dsl.batch(…).execute() (or one insertInto(…).valuesOfRecords(…), one update/delete … where(ID.in(ids))) instead of one per ${item}.` }
        : { title: 'Batch with .in(keys) and fetchMap/fetchGroups', language: 'java', help: `Query once with where(FIELD.in(keys)), keys collected for every ${item}, and look the rows up with fetchMap/fetchGroups (for an exists check: select the keys that exist, once).` };
    case 'mybatis-plus':
      return write
        ? { title: 'Batch with saveBatch / updateBatchById / removeByIds', language: 'java', help: `Collect the rows and write them with one saveBatch, updateBatchById or removeByIds (MyBatis-Plus IService) instead of one call per ${item}.` }
        : { title: 'Batch with listByIds / in(…)', language: 'java', help: `Load all rows with one listByIds(ids) or lambdaQuery().in(<column>, keys).list(), keys collected for every ${item}, and match them in a map.` };
    case 'spring-data':
    case 'jpa':
      return write
        ? { title: 'Batch with saveAll', language: 'java', help: `Use saveAll (with hibernate.jdbc.batch_size) instead of save per ${item}.` }
        : { title: 'Batch with findAllById / JOIN FETCH', language: 'java', help: `Load all rows with findAllById(ids) (or an @EntityGraph / JOIN FETCH on the parent query).` };
    case 'activerecord':
    case 'ruby-pg': {
      return write
        ? { title: `Batch with ${model}.insert_all / upsert_all`, language: 'ruby', help: `Use insert_all/upsert_all (or update_all on a relation) instead of one statement per ${item}.` }
        : { title: 'Batch with where(id: ids) / includes', language: 'ruby', help: `Load all rows with one where(id: ids) (or includes on the parent query) and look them up by id.` };
    }
  }
  return { title: 'Load all items with one query', language: 'plaintext', help: 'Query once for all keys and look rows up in memory.' };
}

/** What a per-item write does: the bulk form differs (no `saveAll` for a delete, no `createMany` for an update). */
type WriteKind = 'insert' | 'update' | 'delete' | 'upsert' | 'link';

function writeKindOf(call: DbCall): WriteKind {
  // A builder insert with conflict handling skips or merges duplicates: its batched form is an upsert that keeps it.
  if (call.conflict) return 'upsert';
  const sql = call.sql?.replace(/^\s*with\b[\s\S]*?\)\s*(?=insert|update|delete)/i, '').trim();
  if (sql) {
    if (/^delete\b/i.test(sql)) return 'delete';
    if (/^update\b/i.test(sql)) return 'update';
    if (/\bon\s+conflict\b[\s\S]*\bdo\s+update\b|^merge\b|^upsert\b/i.test(sql)) return 'upsert';
    return 'insert';
  }
  // `Model(…).save()`: a new instance, so an INSERT.
  if (/\(…\)\.save$/.test(call.label)) return 'insert';
  const m = (call.verb ?? call.method).replace(/[!?]$/, '');
  if (/^(delete|del|destroy|remove|deleteMany|delete_all|destroy_all|deleteById|deleteAll|deleteOne|Delete|removeAndFlush|discard|clear)$/i.test(m)) return 'delete';
  if (/^(update|updateMany|update_all|update_column|update_columns|update_attribute|update_attributes|Updates|UpdateColumn|UpdateColumns|touch|increment|decrement|increment_counter|toggle|updateOne|updateById)$/i.test(m)) return 'update';
  if (/^(upsert|save|saveAndFlush|merge|get_or_create|update_or_create|find_or_create_by|create_or_find_by|persist|findOrCreate|upsert_all|Save|FirstOrCreate)$/.test(m)) return 'upsert';
  if (/^(add|set|<<|push|concat|attach)$/.test(m)) return 'link';
  return 'insert';
}

/**
 * The bulk API of the library for this kind of write, with the loop's names filled in; undefined
 * where the library's general write form (below) already fits.
 */
function writeRewrite(L: Library, kind: WriteKind, model: string, items: string, item: string, call: DbCall): Advice | undefined {
  const M = model === 'record' ? 'Model' : model;
  switch (L) {
    case 'prisma':
      if (kind === 'delete') return { title: `Batch with ${model}.deleteMany`, language: 'typescript', help: `Delete all rows with one prisma.${model}.deleteMany({ where: { id: { in: ids } } }).` };
      if (kind === 'update' || kind === 'upsert') return { title: `Batch with ${model}.updateMany / one $transaction`, language: 'typescript', help: `Use prisma.${model}.updateMany when every row gets the same change, else one prisma.$transaction([...]) for all ${items}.` };
      if (kind === 'link') return undefined;
      return { title: `Batch with ${model}.createMany`, language: 'typescript', help: `Insert all rows with one prisma.${model}.createMany({ data: [...] }).` };
    case 'typeorm':
      if (kind === 'delete') return { title: 'Batch with repository.delete(ids)', language: 'typescript', help: `Delete all rows with one repository.delete(ids) (or remove(entities)) instead of one per ${item}.` };
      if (kind === 'update') return { title: 'Batch with one update … whereInIds', language: 'typescript', help: `One UPDATE … WHERE id IN (…) for a shared change, else repository.save(array) once.` };
      return undefined;
    case 'sequelize':
      if (kind === 'delete') return { title: `Batch with one ${M}.destroy on the primary key`, language: 'typescript', help: `Delete all rows with one ${M}.destroy({ where: { [${sqPk(M)}]: keys } }).` };
      if (kind === 'update') return { title: `Batch with one ${M}.update on the primary key`, language: 'typescript', help: `One ${M}.update(…, { where: { [${sqPk(M)}]: keys } }) for a shared change, else bulkCreate with updateOnDuplicate.` };
      if (kind === 'upsert') return { title: `Batch with ${M}.bulkCreate(…, { updateOnDuplicate })`, language: 'typescript', help: `Write all rows with one ${M}.bulkCreate(rows, { updateOnDuplicate: [...] }).` };
      return undefined;
    case 'django':
      if (kind === 'delete') return { title: `Batch with ${M}.objects.filter(pk__in=…).delete()`, language: 'python', help: `Delete all rows with one filter(pk__in=ids).delete() instead of one per ${item}.` };
      if (kind === 'update' || kind === 'upsert') return { title: `Batch with ${M}.objects.bulk_update / queryset.update()`, language: 'python', help: `Use queryset.update() for a shared change, else set the fields in the loop and bulk_update once.` };
      // `submission.tags.add(*tags)` / `.set(…)` per row: each call is already one row's whole set; the batch is the
      // through model's rows for every row at once.
      if (kind === 'link' && call.batch) return { title: 'Write the join rows of every row at once', language: 'python', help: `Build the through-model rows for every ${item} and write them with one <relation>.through.objects.bulk_create(rows, ignore_conflicts=True) (and one filter(…__in=…).delete() for removals) instead of one .${call.method}() per ${item}.` };
      if (kind === 'link') return { title: 'Add all related objects in one call', language: 'python', help: `Pass every object to one .${call.method}(*objs) call instead of one per ${item}.` };
      return undefined;
    case 'activerecord':
      if (kind === 'delete') return { title: `Batch with where(id: ids).${/destroy/.test(call.method) ? 'destroy_all' : 'delete_all'}`, language: 'ruby', help: `One where(id: ids).delete_all instead of one DELETE per ${item} (destroy_all when callbacks matter).` };
      if (kind === 'update') return { title: `Batch with update_all / upsert_all`, language: 'ruby', help: `Use update_all on a relation for a shared change, else upsert_all with every row.` };
      if (kind === 'upsert') return { title: `Batch with ${M}.upsert_all`, language: 'ruby', help: `Write all rows with one upsert_all (skips validations and callbacks), or wrap the saves in one transaction.` };
      if (kind === 'link') return { title: 'Insert the join rows at once', language: 'ruby', help: `Insert the join rows with one insert_all (or assign <relation>_ids once) instead of one << per ${item}.` };
      return { title: `Batch with ${M}.insert_all`, language: 'ruby', help: `Use insert_all (Rails 6+) instead of one create per ${item}.` };
    case 'spring-data':
    case 'jpa':
      if (kind === 'delete') return { title: 'Batch with deleteAllByIdInBatch', language: 'java', help: `Delete all rows with deleteAllByIdInBatch(ids) (or deleteAllInBatch(entities)) instead of delete per ${item}.` };
      return { title: 'Batch with saveAll', language: 'java', help: `Use saveAll (with hibernate.jdbc.batch_size) instead of save per ${item}.` };
    // Query builders: an UPDATE/DELETE loop is batched with the builder's IN form, never an insert (person10's N12:
    // a loop of knex `.update()` was told to "insert all" rows).
    case 'knex':
      if (kind === 'delete') return { title: "Batch with whereIn(…).del() (knex)", language: 'typescript', help: `Delete all rows with one knex(…).whereIn('id', ids).del() instead of one per ${item}.` };
      if (kind === 'update') return { title: "Batch with whereIn(…).update() (knex)", language: 'typescript', help: `One knex(…).whereIn('id', ids).update(…) when every ${item} gets the same change; for values per ${item}, one UPDATE … FROM (VALUES …) through knex.raw, or the updates in one transaction.` };
      if (kind === 'upsert') return { title: `Batch with insert(array)${call.conflict ?? '.onConflict(…)'} (knex)`, language: 'typescript', help: `Write all ${items} with one knex(${call.model ? `'${call.model}'` : '…'}).insert([...])${call.conflict ?? '.onConflict([...])'}${rowsOf(call, item)}, keeping ${keptConflict(call)}.` };
      return undefined;
    case 'drizzle':
      if (kind === 'delete') return { title: 'Batch with delete(t).where(inArray(…))', language: 'typescript', help: `Delete all rows with one db.delete(table).where(inArray(table.id, ids)) instead of one per ${item}.` };
      if (kind === 'update') return { title: 'Batch with update(t).set(…).where(inArray(…))', language: 'typescript', help: `One db.update(table).set(…).where(inArray(table.id, ids)) when every ${item} gets the same change; else the updates in one transaction.` };
      if (kind === 'upsert') return { title: `Batch with insert(t).values(array)${call.conflict ?? '.onConflict…'}`, language: 'typescript', help: `Write all ${items} with one db.insert(${call.model ?? 'table'}).values([...])${call.conflict ?? ''}${rowsOf(call, item)}, keeping ${call.conflict ? keptConflict(call) : "the loop's onConflictDoUpdate/onConflictDoNothing"}.` };
      return undefined;
    case 'kysely':
      if (kind === 'delete') return { title: "Batch with deleteFrom(…).where('id', 'in', ids)", language: 'typescript', help: `Delete all rows with one deleteFrom(…).where('id', 'in', ids) instead of one per ${item}.` };
      if (kind === 'update') return { title: "Batch with updateTable(…).where('id', 'in', ids)", language: 'typescript', help: `One updateTable(…).set(…).where('id', 'in', ids) when every ${item} gets the same change; else the updates in one transaction.` };
      if (kind === 'upsert') return { title: 'Batch with insertInto(…).values(array).onConflict(…)', language: 'typescript', help: `Write all ${items} with one insertInto(${call.model ? `'${call.model}'` : '…'}).values([...])${call.conflict ?? ''}${rowsOf(call, item)}, keeping ${call.conflict ? keptConflict(call) : "the loop's onConflict(…)"}.` };
      return undefined;
    case 'gorm':
      if (kind === 'delete') return { title: 'Batch with Delete(&Model{}, ids)', language: 'go', help: `Delete all rows with one db.Delete(&Model{}, ids).` };
      if (kind === 'update') return { title: 'Batch with Where("id IN ?", ids).Updates', language: 'go', help: `One Where("id IN ?", ids).Updates for a shared change, else db.Save(&slice) once.` };
      if (kind === 'upsert') return { title: 'Batch with Save(&slice) / OnConflict', language: 'go', help: `Write all rows with one CreateInBatches + OnConflict (or db.Save(&slice)).` };
      return undefined;
    case 'sqlalchemy':
      if (kind === 'delete') return { title: 'Batch with delete(Model).where(Model.id.in_(ids))', language: 'python', help: `Delete all rows with one delete(...).where(Model.id.in_(ids)).` };
      if (kind === 'update') return { title: 'Batch with one bulk UPDATE', language: 'python', help: `Pass a list of dicts with primary keys to one session.execute(update(Model)).` };
      // The model's own save() (a CRUD helper that adds the instance to the session and commits): one commit per item.
      if (call.method === 'save') return { title: 'Add all to the session, commit once', language: 'python', help: `Add every ${item} to the session in the loop (session.add_all(objs) after it, or the model's save(commit=False) where its save takes that) and commit once after the loop, instead of one save() — one commit — per ${item}.` };
      return undefined;
    case 'database/sql':
    case 'sqlx':
      if (kind !== 'link') {
        return { title: kind === 'delete' ? 'Batch the DELETE with = ANY($1)' : kind === 'update' ? 'Batch the UPDATE with unnest of arrays' : 'Batch the INSERT with unnest of arrays', language: 'go', help: `One statement for all rows: ${kind === 'delete' ? '= ANY($1) with the ids' : 'unnest of one array per column'} instead of one per ${item}.` };
      }
      return undefined;
  }
  return undefined;
}

/** The rows of a batched write: one object with the columns the per-item write names, per item (or nothing known). */
function rowsOf(call: Pick<DbCall, 'columns'>, item: string): string {
  return call.columns?.length ? ` (one { ${call.columns.join(', ')} } per ${item}, the columns the loop writes)` : '';
}

/** The conflict handling a batch must keep, and why: a batch without it fails as a whole on the duplicate the loop skipped or merged. */
function keptConflict(call: Pick<DbCall, 'conflict'>): string {
  if (!call.conflict) return "the loop's .merge() or .ignore()";
  const skips = /ignore|DoNothing|doNothing/.test(call.conflict);
  return `the loop's ${call.conflict}: without it one duplicate fails the whole batch, where the loop ${skips ? 'skipped' : 'updated'} that row`;
}

/**
 * The "Show the batched rewrite" action of a finding: only when there is code that keeps the loop's meaning.
 * `loopIndent`: the leading whitespace of the loop's line, given to every non-empty line of the code (the code is
 * built flush left), so it pastes over the loop at the loop's depth.
 */
export function rewriteFixes(rewrite: Rewrite, loopIndent?: string): Fix[] {
  if (!rewrite.code) return [];
  const shown = loopIndent ? { ...rewrite, code: indentLines(rewrite.code, loopIndent), indent: loopIndent } : rewrite;
  return [{ title: `Show the batched rewrite: ${rewrite.title}`, edits: [], command: { id: 'pgLens.showNPlusOneRewrite', args: [shown] } }];
}

/** Every non-empty line of `code` prefixed with `indent` (empty lines stay empty: no trailing whitespace). */
function indentLines(code: string, indent: string): string {
  return code.split('\n').map((l) => (l.trim() ? indent + l : l)).join('\n');
}

/** The leading whitespace (spaces and tabs) of the line of `text` that holds `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/**
 * A per-parent GraphQL field resolver: the batching its language's GraphQL stack offers (a DataLoader, @BatchMapping,
 * graphql-ruby's dataloader), as advice without code — the loader's keys, model and context are the app's to name.
 */
export function resolverRewrite(lang: string, parent = 'parent'): Rewrite {
  return { ...resolverAdvice(lang, parent), code: '' };
}

function resolverAdvice(lang: string, parent: string): Advice {
  switch (lang) {
    case 'python':
      return { title: 'Batch the resolver with a DataLoader', language: 'python', help: `Load through a per-request DataLoader so the resolver's loads for every ${parent} become one query (or prefetch the relation in the parent resolver).` };
    case 'ruby':
      return { title: 'Batch the resolver with GraphQL::Dataloader', language: 'ruby', help: `Load through graphql-ruby's dataloader (or preload the association where the parent list is loaded).` };
    case 'java':
      return { title: 'Batch the field with @BatchMapping', language: 'java', help: `Use @BatchMapping (Spring GraphQL) or a DataLoader (DGS) so one query serves every parent.` };
    case 'go':
      return { title: 'Batch the resolver with a dataloader', language: 'go', help: `Load through a per-request dataloader so the resolver's loads for every parent become one query.` };
    default:
      // A DataLoader: batches the per-item loads of one tick into one query.
      return { title: 'Batch per-item loads with a DataLoader', language: 'typescript', help: 'Wrap the per-item load in a DataLoader so the loads of one tick become one query.' };
  }
}

/**
 * A Sequelize association mixin called per item (`article.getTagList()`, `article.countUsers()`): the library's own
 * fix — the association loaded with the list (`include` with its `as`), a grouped count, or the plural mixin once.
 */
export function sequelizeMixinAdvice(m: SequelizeMixin, variable: string | undefined): Rewrite {
  const item = variable ?? 'item';
  const include = `include: [{ model: ${m.target}${m.as ? `, as: '${m.as}'` : ''} }]`;
  const verb = /^[a-z]+/.exec(m.name)?.[0] ?? '';
  if (verb === 'get') return { title: `Eager-load ${m.as ?? m.target} with include (Sequelize)`, language: 'typescript', code: '', help: `Add ${include} to the query that loads the list, then read ${item}.${m.as ?? m.target} instead of one ${m.name}() per ${item}.` };
  // No placeholder for a name the declaration does not give (the keys): said in words; a recording gives the statement.
  if (verb === 'count') return { title: `One grouped count of ${m.as ?? m.target} (Sequelize)`, language: 'typescript', code: '', help: `Count for every ${item} in one query — ${m.model}.findAll with ${include.replace(/ }\]$/, ', attributes: [] }]')}, the COUNT of ${m.target}'s primary key as an attribute, where on the ${item}s' keys and group by ${m.model}'s primary key, raw: true — instead of one ${m.name}() per ${item} (record the app to get the exact grouped statement).` };
  if (verb === 'has') return { title: `One query of which ${item}s have it (Sequelize)`, language: 'typescript', code: '', help: `Ask for every ${item} at once — one query of the ${item} keys that have the ${m.target} being tested (the same ${include.replace(/^include: /, 'include ')} with a where on it, over the ${item}s' keys) — instead of one ${m.name}() per ${item} (record the app to get the exact statement).` };
  return { title: `Write all ${m.as ?? m.target} at once (Sequelize)`, language: 'typescript', code: '', help: `Collect the rows and pass the array to one ${m.name.replace(/s?$/, '')}${/s$/.test(m.name) ? '' : 's'}([...]) (or one bulkCreate of the join rows) instead of one ${m.name}() per ${item}.` };
}

/** A loop over the rows a model query just loaded (detect.ts PendingLoopCall.parentLoad): offsets are into `text` (the parent's declaration to the loop's end, as written). */
export interface ParentLoad {
  text: string;
  /** The model and the finder (`Order`, `findAll`) of the parent query. */
  model: string;
  finder: string;
  /** The finder's options object literal (`{ order: …, limit }`), or where `{ }` would go in an empty `()`. */
  options: { start: number; end: number; empty?: boolean };
  /** The per-item call, with its `await` (`await order.getItems({ … })`), its receiver and its arguments as written. */
  call: { start: number; end: number; receiver: string; args: string[] };
  /** The loop, and its body's block (with its braces). */
  loop: { start: number; end: number };
  body: { start: number; end: number };
  /** The leading whitespace of the declaration's line. */
  indent: string;
}

/** The options of the parent finder an include can join (anything else — attributes, raw, group, an include — and no code). */
const PARENT_OPTIONS = /^(where|order|limit|offset|transaction|logging|benchmark|paranoid)$/;
/** The getter's options a separate include takes as they are (association.get runs the same query for all parents). */
const GETTER_OPTIONS = /^(where|order|limit)$/;

/**
 * The include that loads a hasMany association for every row a finder loads, with the getter's own options as written
 * (`order.getItems({ order: [['id', 'ASC']] })` → `{ association: 'items', separate: true, order: [['id', 'ASC']] }`):
 * written once for the static rewrite (sequelizeIncludeRewrite) and the recorded N+1's advice, so the two give one
 * include (person47 L5: the recording said `{ model: OrderItem, as: 'items' }`, dropping the getter's order).
 * `perItem(value)`: why the value cannot move out of the loop (it changes per item), else undefined. `left`: the getter's
 * options it cannot carry, each with why.
 */
export function sequelizeSeparateInclude(m: SequelizeMixin, getterOpts: readonly [string, string][], perItem: (value: string) => string | undefined): { include: string; left: { key: string; why: string }[] } {
  const left: { key: string; why: string }[] = [];
  const kept: [string, string][] = [];
  for (const [k, v] of getterOpts) {
    const uses = perItem(v);
    if (!GETTER_OPTIONS.test(k)) left.push({ key: k, why: 'a separate include carries only where, order and limit as the getter has them' });
    else if (uses) left.push({ key: k, why: uses });
    else kept.push([k, v]);
  }
  const head = m.as ? `association: '${m.as}'` : `model: ${m.target}`;
  return { include: `{ ${head}, separate: true${kept.map(([k, v]) => `, ${k === v ? k : `${k}: ${v}`}`).join('')} }`, left };
}

/**
 * A Sequelize hasMany getter called on each row a findAll just loaded (`for (const order of orders) order.items = await
 * order.getItems({ order: [['id', 'ASC']] })`): the finder includes the association with `separate: true` and the
 * getter's own options — Sequelize then runs the getter's query once for all the rows (HasMany.get over every parent
 * key, a per-parent `limit` as one query per parent key in a UNION) and sets each row's property, which the loop reads
 * instead. The parent query itself is unchanged (a separate include is not joined). Undefined unless every name comes
 * from the code: the model is the finder's, the association the getter's, and the getter's options are constants of
 * the loop (nothing of the item) among where / order / limit.
 */
export function sequelizeIncludeRewrite(m: SequelizeMixin, load: ParentLoad, variable: string): Rewrite | undefined {
  // The association's name as the model declares it (`as`): without one, Sequelize's own inflection names it, which
  // the code does not say.
  const prop = m.as;
  const getter = prop && `get${prop.charAt(0).toUpperCase()}${prop.slice(1)}`;
  if (!prop || m.kind !== 'hasMany' || m.name !== getter || load.model !== m.model || load.finder !== 'findAll' || load.call.receiver !== variable || load.call.args.length > 1) return undefined;
  const { text } = load;
  const body = text.slice(load.body.start, load.body.end);
  // Names the loop declares: a getter option using one (or the item) changes per item and cannot move to the finder.
  const local = new Set([variable, ...[...body.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)].map((x) => x[1])]);
  // Comments left out: objectPairs reads keys and values only.
  const bare = (s: string) => s.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const getterOpts = load.call.args.length ? objectPairs(bare(load.call.args[0])) : [];
  const perItem = (value: string) => (value.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '').match(/[A-Za-z_$][\w$]*/g) ?? []).find((id) => local.has(id));
  if (!getterOpts) return undefined;
  const separate = sequelizeSeparateInclude(m, getterOpts, (v) => (perItem(v) ? 'it changes per item' : undefined));
  if (separate.left.length) return undefined;
  const parentOpts = load.options.empty ? [] : objectPairs(bare(text.slice(load.options.start, load.options.end)));
  if (!parentOpts || parentOpts.some(([k]) => !PARENT_OPTIONS.test(k))) return undefined;
  // The loop sets the item's property of the association's name to what the getter returned (`order.items = await
  // order.getItems(…)`), which the include sets: anything else (`const top = await order.getItems(…)`) would give every
  // item a property the loop never set (and toJSON() would include it), so it gets the advice only.
  const before = text.slice(load.body.start, load.call.start);
  const assigned = new RegExp(`(^|[;{}\\n])\\s*${variable}\\s*\\.\\s*${prop}\\s*=\\s*$`);
  if (!assigned.test(before) || !/^\s*;?\s*(\/\/[^\n]*)?\n/.test(text.slice(load.call.end))) return undefined;
  // The loop reads the property before it is set: with the include it would hold the rows already.
  const read = new RegExp(`\\b${variable}\\s*\\??\\.\\s*${prop}\\b`);
  if (read.test(before.replace(assigned, '$1'))) return undefined;
  const include = `include: [${separate.include}]`;
  let options: string;
  if (load.options.empty) options = `{ ${include} }`;
  else {
    const o = text.slice(load.options.start, load.options.end);
    const close = o.lastIndexOf('}');
    const head = o.slice(0, close).replace(/\s*$/, '');
    const tail = o.slice(head.length);
    // Written over several lines: the include goes on a line of its own, at the last option's indentation.
    const multi = /\n([ \t]*)[^\n]*$/.exec(head);
    options = multi ? `${head.endsWith(',') ? head : `${head},`}\n${multi[1]}${include},${tail}` : head.endsWith(',') ? `${head} ${include},${tail}` : `${head}, ${include}${tail}`;
  }
  // The loop's body with the getter's call read from the property; a statement left assigning the property to itself goes.
  const newBody = (body.slice(0, load.call.start - load.body.start) + `${variable}.${prop}` + body.slice(load.call.end - load.body.start))
    .split('\n')
    .filter((l) => !new RegExp(`^\\s*${variable}\\.${prop}\\s*=\\s*${variable}\\.${prop}\\s*;?\\s*(//.*)?$`).test(l))
    .join('\n');
  const emptyLoop = /^\{\s*\}$/.test(bare(newBody));
  const rewritten = text.slice(0, load.options.start) + options + text.slice(load.options.end, emptyLoop ? load.loop.start : load.body.start) + (emptyLoop ? '' : newBody + text.slice(load.body.end));
  const lines = rewritten.replace(/\s+$/, '').split('\n').map((l, i) => (i > 0 && l.startsWith(load.indent) ? l.slice(load.indent.length) : l));
  const what = `${variable}.${prop}`;
  const code = [
    `// ${m.model}.findAll loads the ${prop} of every ${variable} with one more query (separate: true: the ${getter} options, kept as written, apply to each ${variable}'s ${prop}); the query of the ${variable}s is unchanged.`,
    `// ${what} is set by the include, as the loop set it; unlike the loop's plain property, toJSON() (JSON.stringify, res.json) of each ${variable} now includes ${prop}.`,
    ...(emptyLoop ? [`// The loop only set ${what}: it goes.`] : []),
    ...lines,
  ];
  return {
    title: `Eager-load ${prop} with include (Sequelize, separate: true)`,
    language: 'typescript',
    code: code.join('\n'),
    help: `Load the ${prop} with the ${variable}s: add ${include} to ${m.model}.findAll (one query for every ${variable}'s ${prop}, the getter's options kept per ${variable}), then read ${what} instead of one ${getter}() per ${variable}.`,
  };
}

/** Sequelize: the model's primary key attribute, whatever the model declares it as (`Tag.primaryKeyAttribute` is `name` for a tag keyed by name). */
function sqPk(model: string): string {
  return `${model === 'record' ? 'Model' : model}.primaryKeyAttribute`;
}
