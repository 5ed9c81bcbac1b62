/**
 * Java: JDBC prepareStatement/prepareCall/executeQuery/executeUpdate/execute/addBatch, Spring
 * JdbcTemplate / NamedParameterJdbcTemplate / JdbcClient, JPA createNativeQuery, and
 * `@Query(value = "…", nativeQuery = true)` (Spring Data JDBC's @Query is SQL too; a JPA @Query
 * without nativeQuery is JPQL and is left out). Strings: literals with escapes, text blocks
 * (incidental indentation removed as javac does), + concatenation.
 * Placeholders: `?` (PgJDBC's `??` is an escaped `?` operator), `?1` (JPA), `:name`.
 * MyBatis mapper annotations (`@Select/@Insert/@Update/@Delete`, with org.apache.ibatis imported): a
 * string or an array of strings joined by spaces, `#{x}` a parameter, `${x}` spliced text (dynamic).
 * JDBI SQL objects (`@SqlQuery/@SqlUpdate/@SqlBatch/@SqlCall`) and handles (`handle.createQuery/createUpdate/…`):
 * `:name` and `?` parameters; a FreeMarker template (`<#if>`, `${x}`) or a defined attribute (`<table>`) is read as
 * the statement it renders (extract/templateEngines.ts).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { composeSqlBuilder } from './sqlBuilder';
import { directivesToHoles, type Part, type PlaceholderStyle, pushText } from '../../extract/compose';
import { betweenQuotes, decodeRange, javaEscape } from '../../extract/escapes';
import { jdbiTemplateParts } from '../../extract/templateEngines';
import { composeParenOrPlus, textStart, type CallTarget, type Env, type LanguageProfile, type Recurse } from '../../extract/embedded';

const JDBC = ['prepareStatement', 'prepareCall', 'executeQuery', 'executeUpdate', 'executeLargeUpdate', 'execute', 'addBatch'];
const SPRING = ['query', 'queryForObject', 'queryForList', 'queryForMap', 'queryForRowSet', 'queryForStream', 'update', 'batchUpdate', 'sql'];
const JPA = ['createNativeQuery'];
/** JDBI's Handle: statements made from SQL text. */
const JDBI = ['createQuery', 'createUpdate', 'createBatch', 'createCall', 'prepareBatch'];

const QUERY = `
(string_literal) @str
[(line_comment) (block_comment)] @comment
(method_invocation name: (identifier) @callee (#match? @callee "^(${[...JDBC, ...SPRING, ...JPA, ...JDBI].join('|')})$")) @call
(annotation name: (_) @callee (#match? @callee "(Query|^Select|^Insert|^Update|^Delete|^Sql(Update|Batch|Call))$")) @call
(variable_declarator name: (identifier) @decl.name value: (_) @decl.value)
(return_statement (_) @callee) @call
`;

function importsOf(text: string): Set<string> {
  const out = new Set<string>();
  const re = /^\s*import\s+(?:static\s+)?([\w.]+)/gm;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 2000) out.add(m[1]);
  return out;
}

/** A text block: content lines with the common indentation removed, trailing blanks stripped. */
function textBlock(parts: Part[], text: string, node: Node): void {
  const open = text.indexOf('\n', node.startIndex + 3);
  const close = node.endIndex - 3;
  if (open < 0 || open >= close) return;
  const lines: { s: number; e: number }[] = [];
  let s = open + 1;
  for (;;) {
    const nl = text.indexOf('\n', s);
    if (nl < 0 || nl >= close) {
      lines.push({ s, e: close });
      break;
    }
    lines.push({ s, e: nl });
    s = nl + 1;
  }
  const indentOf = (l: { s: number; e: number }) => {
    let k = l.s;
    while (k < l.e && (text[k] === ' ' || text[k] === '\t')) k++;
    return k - l.s;
  };
  const blank = (l: { s: number; e: number }) => indentOf(l) === l.e - l.s || (text[l.e - 1] === '\r' && indentOf(l) === l.e - l.s - 1);
  let min = Infinity;
  lines.forEach((l, i) => {
    // The closing line counts even when blank: it positions the closing delimiter.
    if (!blank(l) || i === lines.length - 1) min = Math.min(min, indentOf(l));
  });
  if (!Number.isFinite(min)) min = 0;
  lines.forEach((l, i) => {
    const last = i === lines.length - 1;
    let e = l.e;
    if (text[e - 1] === '\r') e--;
    const start = Math.min(e, l.s + min);
    if (!last || e > start) {
      let te = e;
      while (te > start && (text[te - 1] === ' ' || text[te - 1] === '\t')) te--;
      // \<space> style escapes at the end keep the trailing blank: only strip plain blanks.
      let bs = 0;
      for (let k = te - 1; k >= start && text[k] === '\\'; k--) bs++;
      const continued = bs % 2 === 1 && te === e;
      decodeRange(parts, text, start, continued ? te - 1 : te, javaEscape);
      if (!last && !continued) pushText(parts, '\n', [l.e]);
    }
  });
}

function literal(node: Node, env: Env): Part[] | undefined {
  if (node.type !== 'string_literal') return undefined;
  const text = env.text;
  if (!text.startsWith('"""', node.startIndex)) return betweenQuotes(text, node, javaEscape);
  const parts: Part[] = [];
  textBlock(parts, text, node);
  return parts;
}

function compose(node: Node, env: Env, recurse: Recurse): Part[] | undefined {
  switch (node.type) {
    case 'method_invocation': {
      // `String.format("… IN (%s)", Query.generateInBindings(n))`, `"…".formatted(x)`: directives are pieces spliced in
      // (a %s of a string constant is filled with it), as Go's fmt.Sprintf.
      const format = formatCall(node);
      if (format) {
        const [first, ...args] = format;
        const argFor = (m: string, k: number) => (m === '%s' && args[k] ? recurse(args[k]!) : undefined);
        return directivesToHoles(recurse(first) ?? [], /%%|%n|%[-#+ 0,(]*\d*(?:\.\d+)?[sSdfxXbBcCeEgGoh]/g, (m) => (m === '%%' ? '%' : m === '%n' ? '\n' : undefined), argFor);
      }
      // MyBatis's SQL builder: `new SQL() {{ SELECT(…); FROM(…); }}.toString()`.
      return composeSqlBuilder(node, recurse);
    }
    case 'element_value_array_initializer': {
      // MyBatis joins the strings of an annotation array with a space.
      const out: Part[] = [];
      for (const el of node.namedChildren) {
        if (!el || el.type === 'line_comment' || el.type === 'block_comment') continue;
        const p = recurse(el);
        if (!p) return undefined;
        if (out.length) pushText(out, ' ', [el.startIndex]);
        for (const x of p) {
          if (x.t === 'text') pushText(out, x.text, x.offsets);
          else out.push(x);
        }
      }
      return out;
    }
  }
  void env;
  return composeParenOrPlus(node, recurse);
}

/** The format string and its arguments of `String.format(fmt, …)` or `fmt.formatted(…)`, else undefined. */
function formatCall(node: Node): Node[] | undefined {
  const name = node.childForFieldName('name')?.text;
  const obj = node.childForFieldName('object');
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'line_comment' && a.type !== 'block_comment');
  if (name === 'format' && obj?.text === 'String' && args.length) return args;
  if (name === 'formatted' && obj) return [obj, ...args];
  return undefined;
}

function climb(parent: Node, child: Node): boolean {
  if (parent.type === 'parenthesized_expression' || parent.type === 'element_value_array_initializer') return true;
  // The format string of String.format(…): the statement is the call's result.
  if (parent.type === 'argument_list' && parent.parent && formatCall(parent.parent)?.[0]?.startIndex === child.startIndex) return true;
  if (parent.type === 'method_invocation' && child.type === 'argument_list' && formatCall(parent)) return true;
  if (parent.type === 'method_invocation' && parent.childForFieldName('object')?.startIndex === child.startIndex && parent.childForFieldName('name')?.text === 'formatted') return true;
  return parent.type === 'binary_expression' && parent.childForFieldName('operator')?.type === '+';
}

const JDBC_STYLE: PlaceholderStyle = { qmark: 'jdbc' };
const SPRING_STYLE: PlaceholderStyle = { qmark: 'jdbc', colon: true };

function firstArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((a): a is Node => !!a && a.type !== 'line_comment' && a.type !== 'block_comment').slice(0, 1) : [];
}

const MYBATIS_STYLE: PlaceholderStyle = { mybatis: true };

function annotationTarget(node: Node, env: Env): CallTarget | undefined {
  const args = node.childForFieldName('arguments');
  if (!args) return undefined;
  const name = node.childForFieldName('name')?.text ?? '';
  if (/^Sql(Query|Update|Batch|Call)$/.test(name)) {
    // JDBI SQL objects: SQL (never JPQL), `:name` and `?` parameters, maybe a template (FreeMarker, defined attributes).
    const pair = args.namedChildren.find((a) => a?.type === 'element_value_pair' && a.childForFieldName('key')?.text === 'value');
    const value = pair ? pair.childForFieldName('value') : args.namedChildren.find((a) => a && a.type !== 'line_comment' && a.type !== 'block_comment') ?? null;
    return { api: `jdbi.@${name}`, style: SPRING_STYLE, arg: value, template: jdbiTemplateParts };
  }
  if (/^(Select|Insert|Update|Delete)$/.test(name)) {
    // MyBatis mapper annotations (`@Select("… #{id}")`, or an array of strings joined by spaces).
    if (![...env.imports].some((i) => i.startsWith('org.apache.ibatis'))) return undefined;
    const pair = args.namedChildren.find((a) => a?.type === 'element_value_pair' && a.childForFieldName('key')?.text === 'value');
    const value = pair ? pair.childForFieldName('value') : args.namedChildren.find((a) => a && a.type !== 'line_comment' && a.type !== 'block_comment') ?? null;
    return { api: `mybatis.@${name}`, style: MYBATIS_STYLE, arg: value };
  }
  let value: Node | null = null;
  let native = false;
  for (const a of args.namedChildren) {
    if (!a) continue;
    if (a.type === 'element_value_pair') {
      const k = a.childForFieldName('key')?.text;
      const v = a.childForFieldName('value');
      if (k === 'value' || k === 'query') value = v;
      if (k === 'nativeQuery' && v?.text === 'true') native = true;
    } else if (!value) value = a;
  }
  if (/NativeQuery$/.test(node.childForFieldName('name')?.text ?? '')) native = true;
  const springJdbc = [...env.imports].some((i) => i.startsWith('org.springframework.data.jdbc'));
  if (native || springJdbc) return { api: 'spring.@Query', style: SPRING_STYLE, arg: value };
  // JPQL / HQL: not SQL for PostgreSQL.
  return { api: 'jpql', style: {}, arg: value, ignore: true };
}

/**
 * A MyBatis SQL provider method (`@SelectProvider(type = P.class, method = "byId")` → `String byId() { return
 * "SELECT … #{id}"; }`): a returned string that reads as SQL and holds `#{…}`/`${…}` parameters, or any
 * returned SQL string in a file that imports MyBatis, is a MyBatis statement.
 */
function providerTarget(value: Node, env: Env): CallTarget | undefined {
  const mybatis = [...env.imports].some((i) => i.startsWith('org.apache.ibatis'));
  if (!mybatis && !/[#$]\{\w/.test(textStart(env.text, value, 4000))) return undefined;
  return { api: 'mybatis.provider', style: MYBATIS_STYLE, arg: value, generic: true };
}

function call(callNode: Node, callee: Node, env: Env): CallTarget | undefined {
  if (callNode.type === 'annotation') return annotationTarget(callNode, env);
  if (callNode.type === 'return_statement') return providerTarget(callee, env);
  const name = callee.text;
  const obj = callNode.childForFieldName('object');
  const recv = obj ? textStart(env.text, obj, 100) : '';
  const args = firstArgs(callNode);
  if (JPA.includes(name)) return { api: `jpa.${name}`, style: SPRING_STYLE, arg: null, args, generic: true };
  // JDBI `handle.createQuery("…")` (JPA's `em.createQuery` takes JPQL: a handle or jdbi receiver says which it is).
  if (JDBI.includes(name) && /handle|jdbi|\bh\b/i.test(recv)) return { api: `jdbi.${name}`, style: SPRING_STYLE, arg: null, args, generic: true, template: jdbiTemplateParts };
  const springRecv = /jdbc|template|client/i.test(recv);
  if (SPRING.includes(name) && (springRecv || !JDBC.includes(name))) {
    if (!springRecv && name !== 'update' && name !== 'query') return undefined;
    const kind = /jdbcclient|client/i.test(recv) ? 'JdbcClient' : /named/i.test(recv) ? 'NamedParameterJdbcTemplate' : 'JdbcTemplate';
    return { api: `spring.${kind}.${name}`, style: SPRING_STYLE, arg: null, args, generic: true };
  }
  if (JDBC.includes(name)) return { api: `jdbc.${name}`, style: JDBC_STYLE, arg: null, args, generic: true };
  return undefined;
}

export const javaProfile: LanguageProfile = {
  query: QUERY,
  literal,
  compose,
  call,
  climb,
  defaultStyle: { qmark: 'jdbc', colon: true },
  imports: importsOf,
  hotWords: new RegExp(`\\b(?:${[...JDBC, ...SPRING, ...JPA, ...JDBI].join('|')}|\\w*Query|Sql(?:Update|Batch|Call)|SQL(?=\\s*\\())\\b`),
};
