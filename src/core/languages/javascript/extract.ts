/**
 * TypeScript, TSX and JavaScript: node-postgres `query`, postgres.js / slonik / Drizzle `sql`
 * tagged templates, Prisma `$queryRaw`/`$executeRaw`/`Prisma.sql` (and the Unsafe variants),
 * knex `raw`, TypeORM and Sequelize `query`.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { pushText, type Part, type PlaceholderStyle } from '../../extract/compose';
import { betweenQuotes, decodeRange, insideDelimiters, jsEscape } from '../../extract/escapes';
import { composeInner, composeParenOrPlus, hole, textStart, visibleValue, type CallTarget, type ComposeCtx, type Env, type LanguageProfile, type Recurse } from '../../extract/embedded';

const CALLEES = '^(query|raw|unsafe|execute|[$]queryRaw|[$]executeRaw|[$]queryRawUnsafe|[$]executeRawUnsafe|sql|fragment|type|typeAlias|join)$';

/**
 * A call with type arguments is the same call (`await db.query<Order>(…)`, `pool.query<User>(…)`, `knex.raw<T>(…)`,
 * `prisma.$queryRawUnsafe<T>(…)`, `manager.query<T>(…)`): tree-sitter-typescript reads `await f<T>(…)` as a call of
 * `await f` with type arguments, matched here as the call of `f` (call() sets the await aside: calleeFunction). A typed
 * tag (sql<Row[]>`…`, `prisma.$queryRaw<T[]>`…``) is read through the tagged-template pattern. One query serves the
 * three grammars: TypeScript's own node types (instantiation_expression, non_null_expression) stay out of it.
 */
const JS_QUERY = `
[(string) (template_string)] @str
(comment) @comment
(call_expression function: (member_expression property: (_) @callee) (#match? @callee "${CALLEES}")) @call
(call_expression function: (await_expression (member_expression property: (_) @callee)) (#match? @callee "${CALLEES}")) @call
(call_expression function: (identifier) @callee (#match? @callee "^(sql|raw|SQL)$")) @call
(call_expression function: (call_expression) @callee arguments: (template_string)) @call
(call_expression function: (_) @callee arguments: (template_string)) @call
(variable_declarator name: (identifier) @decl.name value: (_) @decl.value)
`;

function importsOf(text: string): Set<string> {
  const out = new Set<string>();
  const re = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)['"]([^'"\n]{1,100})['"]/gm;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 1000) out.add(m[1]);
  return out;
}

function has(env: Env, ...mods: string[]): boolean {
  for (const i of env.imports) for (const m of mods) if (i === m || i.startsWith(m + '/')) return true;
  return false;
}

/** The library the `sql` tag comes from. */
function sqlTagApi(env: Env): string {
  if (has(env, 'slonik')) return 'slonik.sql';
  if (has(env, 'drizzle-orm')) return 'drizzle.sql';
  if (has(env, '@vercel/postgres', '@neondatabase/serverless')) return 'postgres.sql';
  return 'postgres.sql';
}

function literal(node: Node, env: Env, ctx: ComposeCtx): Part[] | undefined {
  const text = env.text;
  if (node.type === 'string') return betweenQuotes(text, node, jsEscape);
  if (node.type === 'template_string') {
    const parts: Part[] = [];
    const [start, end] = insideDelimiters(node);
    let pos = start;
    for (const c of node.namedChildren) {
      if (!c || c.type !== 'template_substitution') continue;
      decodeRange(parts, text, pos, c.startIndex, jsEscape);
      const inner = c.namedChildren[0];
      // In a tagged template a nested sql`…` fragment (also `this.sql`…``, one of two chosen by `?:`, or a name bound to
      // one) is part of the statement: its text and its own parameters are read in place.
      const fragment = ctx.tagged && inner ? nestedFragment(inner, env, ctx, 0) : undefined;
      const nested = inner && inner.type === 'call_expression' && isSqlTagCall(inner, text) ? inner : undefined;
      // A name bound once in the file to a plain string (`const TABLE = 'settings'`) is that text: `FROM ${TABLE}`.
      const constant = !ctx.tagged && inner?.type === 'identifier' ? stringConstant(text, inner.text) : undefined;
      // In a tagged template a substitution is a bind parameter; a nested sql`` fragment is SQL text computed at run time.
      if (fragment) {
        for (const p of fragment) {
          if (p.t === 'text') pushText(parts, p.text, p.offsets);
          else parts.push(p);
        }
      } else if (constant) pushText(parts, constant.value, Array.from({ length: constant.value.length }, (_, k) => constant.start + k));
      else parts.push(hole(c, text, !ctx.tagged || !!nested));
      pos = c.endIndex;
    }
    decodeRange(parts, text, pos, end, jsEscape);
    return parts;
  }
  return undefined;
}

/** `const NAME = 'text'` (or "text"), the only binding of NAME in the file, without escapes: its value and offset. */
function stringConstant(text: string, name: string): { value: string; start: number } | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const n = name.replace(/\$/g, '\\$');
  const re = new RegExp(`(?:^|[\\s;])(?:const|let|var)\\s+${n}\\s*(?::\\s*string\\s*)?=\\s*(['"])([^'"\\\\\\n]{1,200})\\1\\s*(?:;|\\n)`, 'g');
  const found = [...text.matchAll(re)];
  if (found.length !== 1 || new RegExp(`(?<![\\w$.])${n}\\s*=(?![=>])`).test(text.slice(found[0].index! + found[0][0].length))) return undefined;
  const m = found[0];
  return { value: m[2], start: m.index! + m[0].indexOf(m[1]) + 1 };
}

function isSqlTagCall(n: Node, text: string): boolean {
  const f = n.childForFieldName('function');
  const a = n.childForFieldName('arguments');
  return !!f && !!a && a.type === 'template_string' && /^(sql|Prisma\.sql)$/.test(text.slice(f.startIndex, f.endIndex));
}

const FUNCTION_SCOPE = new Set(['arrow_function', 'function_declaration', 'function_expression', 'function', 'method_definition', 'generator_function_declaration', 'program']);

/** A member `sql` tag: `this.sql`…``, `this.db.sql`…``, `ctx.sql`…`` (postgres.js kept on an object). */
const MEMBER_SQL_TAG = /^(?:this|[A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*)*\.sql$/;

/** A postgres.js / slonik fragment call: sql`…` or `this.sql`…``; its template node. */
function fragmentTemplate(n: Node, text: string): Node | undefined {
  if (n.type !== 'call_expression') return undefined;
  const f = n.childForFieldName('function');
  const a = n.childForFieldName('arguments');
  if (!f || !a || a.type !== 'template_string') return undefined;
  const name = text.slice(f.startIndex, f.endIndex);
  return name === 'sql' || name === 'Prisma.sql' || (f.type === 'member_expression' && MEMBER_SQL_TAG.test(name) && name !== 'Prisma.sql') ? a : undefined;
}

/**
 * The parts of a fragment substituted into a tagged statement: sql`…` itself, a `c ? sql`…` : sql`…`` choice (the fuller
 * branch, or the shorter with ctx.pick 'short'; both branches are read into the statement), or a name bound in the file
 * to one. Undefined for anything else (a bind parameter).
 */
function nestedFragment(n: Node, env: Env, ctx: ComposeCtx, depth: number): Part[] | undefined {
  if (depth > 8) return undefined;
  if (n.type === 'parenthesized_expression') {
    const only = n.namedChildren.find((c) => c && c.type !== 'comment');
    return only ? nestedFragment(only, env, ctx, depth + 1) : undefined;
  }
  const template = fragmentTemplate(n, env.text);
  if (template) {
    ctx.used?.push(template);
    return literal(template, env, ctx);
  }
  if (n.type === 'ternary_expression') {
    const a = n.childForFieldName('consequence');
    const b = n.childForFieldName('alternative');
    const pa = a && nestedFragment(a, env, ctx, depth + 1);
    const pb = b && nestedFragment(b, env, ctx, depth + 1);
    if (!pa || !pb) return undefined;
    // One choice per condition: `${c ? sql`LEFT JOIN x …` : sql``} … ${c ? sql`AND x.a = 1` : sql``}` joins and filters together.
    const cond = n.childForFieldName('condition');
    const key = cond ? env.text.slice(cond.startIndex, cond.endIndex).replace(/\s+/g, ' ') : `@${n.startIndex}`;
    const conds = typeof ctx.pick === 'object' ? ctx.pick.conds : ctx.choices ? (ctx.choices.conds ??= new Map()) : undefined;
    let k = conds?.get(key);
    if (conds && k === undefined) conds.set(key, (k = conds.size));
    if (ctx.choices && conds) ctx.choices.n = conds.size;
    k ??= 0;
    const size = (ps: Part[]) => ps.reduce((k, p) => k + (p.t === 'text' ? p.text.trim().length : 2), 0);
    const fuller = size(pa) >= size(pb) ? pa : pb;
    const short = ctx.pick === 'short' || (typeof ctx.pick === 'object' && ((ctx.pick.mask >> k) & 1) === 1);
    return short ? (fuller === pa ? pb : pa) : fuller;
  }
  if (n.type === 'identifier') {
    // A `const` whose scope holds the use (the file's only binding of a name may sit in another function).
    const value = visibleValue(env.decls.get(n.text), n);
    const decl = value?.parent;
    if (!value || !decl || value.startIndex === n.startIndex || !(decl.parent && /^const\b/.test(env.text.slice(decl.parent.startIndex, decl.parent.startIndex + 6)))) return undefined;
    let scope: Node | null = decl;
    while (scope && !FUNCTION_SCOPE.has(scope.type)) scope = scope.parent;
    if (scope && !(scope.startIndex <= n.startIndex && n.endIndex <= scope.endIndex)) return undefined;
    return nestedFragment(value, env, ctx, depth + 1);
  }
  return undefined;
}

function compose(node: Node, _env: Env, recurse: Recurse): Part[] | undefined {
  switch (node.type) {
    case 'as_expression':
    case 'satisfies_expression':
    case 'non_null_expression':
      return composeInner(node, recurse);
  }
  return composeParenOrPlus(node, recurse);
}

function climb(parent: Node, _child: Node): boolean {
  switch (parent.type) {
    case 'parenthesized_expression':
    case 'as_expression':
    case 'satisfies_expression':
      return true;
    case 'binary_expression': {
      const op = parent.childForFieldName('operator');
      return !!op && op.type === '+';
    }
  }
  return false;
}

const PG: PlaceholderStyle = { dollar: true };

function firstArg(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  if (!args) return null;
  if (args.type === 'template_string') return args;
  for (const c of args.namedChildren) if (c && c.type !== 'comment') return c;
  return null;
}

/** node-postgres also takes a config object: query({ text, values }). */
function textOfConfig(arg: Node | null, text: string): Node | null {
  if (!arg || arg.type !== 'object') return arg;
  for (const p of arg.namedChildren) {
    if (!p || p.type !== 'pair') continue;
    const k = p.childForFieldName('key');
    if (k && /^["']?text["']?$/.test(text.slice(k.startIndex, k.endIndex))) return p.childForFieldName('value');
  }
  return null;
}

/** What wraps a called function in TypeScript's reading of a call with type arguments: the await, the type arguments, a `!`. */
const CALLEE_WRAPPERS: ReadonlySet<string> = new Set(['await_expression', 'instantiation_expression', 'non_null_expression']);

/** A call's function node with its wrappers set aside (`await db.query<Order>` → `db.query`); the N+1 adapter reads calls so too. */
export function unwrapCallee(fn: Node | null | undefined): Node | null {
  fn ??= null;
  for (let i = 0; fn && CALLEE_WRAPPERS.has(fn.type) && i < 4; i++) fn = fn.namedChildren[0] ?? null;
  return fn;
}

/** The function a call calls, its wrappers set aside (`await db.query<Order>(…)` calls `db.query`). */
function calleeFunction(callNode: Node): Node | null {
  return unwrapCallee(callNode.childForFieldName('function'));
}

function call(callNode: Node, callee: Node, env: Env): CallTarget | undefined {
  const text = env.text;
  const name = text.slice(callee.startIndex, callee.endIndex);
  const args = callNode.childForFieldName('arguments');
  const tagged = args?.type === 'template_string';
  const fn = calleeFunction(callNode);
  const fnText = fn ? textStart(text, fn, 200) : '';
  const receiver = fn?.type === 'member_expression' ? fn.childForFieldName('object') : null;
  const recvText = receiver ? textStart(text, receiver, 100) : '';
  if (callee.type === 'non_null_expression' || callee.type === 'instantiation_expression') {
    // TypeScript's typed tag, sql<Row[]>`…` or this.sql<Row[]>`…`: the tag inside the type arguments.
    let f: Node | null = callee;
    // (tree-sitter-typescript reads `await sql<Row[]>`…`` as a call of `await sql<Row[]>`.)
    while (f && (f.type === 'non_null_expression' || f.type === 'instantiation_expression' || f.type === 'await_expression')) f = f.namedChildren[0];
    const tag = f ? text.slice(f.startIndex, f.endIndex) : '';
    if (!tagged) return undefined;
    // Prisma's typed tag: prisma.$queryRaw<User[]>`…`, tx.$executeRaw<number>`…`.
    const method = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
    if (method === '$queryRaw' || method === '$executeRaw') return { api: `prisma.${method}`, style: {}, arg: args, tagged: true };
    return tag === 'sql' || tag === 'SQL' || (f?.type === 'member_expression' && MEMBER_SQL_TAG.test(tag)) ? { api: sqlTagApi(env), style: {}, arg: args, tagged: true, generic: true } : undefined;
  }
  if (callee.type === 'call_expression') {
    // slonik: sql.type(schema)`…`, sql.typeAlias('x')`…`
    return tagged && /^sql\.(type|typeAlias)\b/.test(fnText) ? { api: 'slonik.sql', style: {}, arg: args, tagged: true, generic: true } : undefined;
  }
  if (tagged) {
    if (name === 'sql' || name === 'SQL') {
      // Tags also build fragments (sql`AND x = ${y}`, Drizzle's where(sql`…`)): only statements are sites.
      if (fnText === 'Prisma.sql') return { api: 'prisma.sql', style: {}, arg: args, tagged: true, generic: true };
      if (fn?.type === 'member_expression' && !MEMBER_SQL_TAG.test(fnText)) return undefined;
      return { api: sqlTagApi(env), style: {}, arg: args, tagged: true, generic: true };
    }
    if (name === '$queryRaw' || name === '$executeRaw') return { api: `prisma.${name}`, style: {}, arg: args, tagged: true };
    if (name === 'unsafe' && recvText === 'sql') return { api: sqlTagApi(env), style: {}, arg: args, tagged: true, generic: true };
    return undefined;
  }
  const arg = firstArg(callNode);
  switch (name) {
    case 'query': {
      if (has(env, 'typeorm')) return { api: 'typeorm.query', style: PG, arg, generic: true };
      if (has(env, 'sequelize', '@sequelize/core')) return { api: 'sequelize.query', style: { dollar: true, qmark: 'plain', colon: true }, arg, generic: true };
      return { api: 'pg.query', style: PG, arg: textOfConfig(arg, text), generic: true };
    }
    case 'raw':
      if (recvText === 'sql') return { api: 'drizzle.sql.raw', style: PG, arg, generic: true };
      if (recvText === 'Prisma') return { api: 'prisma.raw', style: PG, arg, generic: true };
      if (!receiver && name === 'raw') return undefined;
      return { api: 'knex.raw', style: { qmark: 'knex', colon: true }, arg, generic: true };
    case 'unsafe':
      return recvText === 'sql' ? { api: 'postgres.sql.unsafe', style: PG, arg, generic: true } : undefined;
    case '$queryRawUnsafe':
    case '$executeRawUnsafe':
      return { api: `prisma.${name}`, style: PG, arg };
    case '$queryRaw':
    case '$executeRaw': {
      // prisma.$queryRaw(Prisma.sql`…`): the fragment is the SQL.
      if (arg && arg.type === 'call_expression' && isSqlTagCall(arg, text)) return { api: `prisma.${name}`, style: {}, arg: arg.childForFieldName('arguments'), tagged: true };
      return undefined;
    }
    case 'execute': {
      // drizzle: db.execute(sql`…`) is found through the tag; a plain string is some other driver's execute.
      if (arg && (arg.type === 'string' || arg.type === 'template_string' || arg.type === 'binary_expression' || arg.type === 'identifier')) {
        return { api: 'execute', style: { dollar: true }, arg, generic: true, confidence: 0.9 };
      }
      return undefined;
    }
  }
  return undefined;
}

export const javascriptProfile: LanguageProfile = {
  query: JS_QUERY,
  literal,
  compose,
  call,
  climb,
  defaultStyle: { dollar: true },
  imports: importsOf,
  hotWords: /(?:\bquery|\braw|\bunsafe|\bexecute|\$queryRaw|\$executeRaw|\bsql|\bSQL)\b/,
};
