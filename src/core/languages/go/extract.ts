/**
 * Go: database/sql Query/QueryRow/Exec/Prepare (and …Context), sqlx (Select, Get, Named…, Queryx,
 * MustExec, Rebind …), pgx (Query, QueryRow, Exec with a context first; Batch.Queue; @name
 * NamedArgs). Strings: "interpreted" with escapes, `raw` backquoted, + concatenation,
 * fmt.Sprintf verbs as dynamic parameters.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { directivesToHoles, type Part, type PlaceholderStyle } from '../../extract/compose';
import { betweenQuotes, decodeRange, goEscape, insideDelimiters } from '../../extract/escapes';
import { composeParenOrPlus, textStart, type CallTarget, type Env, type LanguageProfile, type Recurse } from '../../extract/embedded';

const METHODS = [
  'Query', 'QueryRow', 'Exec', 'Prepare', 'QueryContext', 'QueryRowContext', 'ExecContext', 'PrepareContext',
  'Select', 'Get', 'SelectContext', 'GetContext', 'NamedExec', 'NamedQuery', 'NamedExecContext', 'NamedQueryContext',
  'MustExec', 'MustExecContext', 'Queryx', 'QueryRowx', 'QueryxContext', 'QueryRowxContext', 'Preparex', 'PreparexContext',
  'PrepareNamed', 'PrepareNamedContext', 'Rebind', 'Queue', 'Raw',
];

const QUERY = `
[(interpreted_string_literal) (raw_string_literal)] @str
(comment) @comment
(call_expression function: (selector_expression field: (field_identifier) @callee) (#match? @callee "^(${METHODS.join('|')})$")) @call
(const_spec name: (identifier) @decl.name value: (expression_list . (_) @decl.value))
(var_spec name: (identifier) @decl.name value: (expression_list . (_) @decl.value))
(short_var_declaration left: (expression_list . (identifier) @decl.name) right: (expression_list . (_) @decl.value))
`;

function importsOf(text: string): Set<string> {
  const out = new Set<string>();
  const re = /"((?:github\.com|gorm\.io|database|golang\.org|gopkg\.in)[^"\n]{0,100})"/g;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 1000) out.add(m[1]);
  return out;
}

function literal(node: Node, env: Env): Part[] | undefined {
  const text = env.text;
  if (node.type === 'interpreted_string_literal') return betweenQuotes(text, node, goEscape);
  if (node.type === 'raw_string_literal') {
    const parts: Part[] = [];
    // Carriage returns are discarded from raw strings.
    const [s, e] = insideDelimiters(node);
    let k = s;
    while (k < e) {
      const cr = text.indexOf('\r', k);
      const stop = cr < 0 || cr >= e ? e : cr;
      decodeRange(parts, text, k, stop);
      k = stop + 1;
    }
    return parts;
  }
  return undefined;
}

function isSprintf(node: Node, text: string): boolean {
  const fn = node.childForFieldName('function');
  return !!fn && /^fmt\.Sprintf$/.test(text.slice(fn.startIndex, fn.endIndex));
}

function compose(node: Node, env: Env, recurse: Recurse): Part[] | undefined {
  if (node.type !== 'call_expression') return composeParenOrPlus(node, recurse);
  if (!isSprintf(node, env.text)) return undefined;
  const [first, ...args] = node.childForFieldName('arguments')?.namedChildren ?? [];
  if (!first) return undefined;
  // %s / %v of a string constant is filled with it; other verbs and unknown arguments stay holes.
  const argFor = (m: string, k: number) => (/^%[sv]$/.test(m) && args[k] ? recurse(args[k]!) : undefined);
  return directivesToHoles(recurse(first) ?? [], /%%|%[-+# 0]*\d*(?:\.\d+)?[vTtbcdoOqxXUeEfFgGsp]/g, (m) => (m === '%%' ? '%' : undefined), argFor);
}

function climb(parent: Node, child: Node): boolean {
  switch (parent.type) {
    case 'parenthesized_expression':
      return true;
    case 'binary_expression':
      return parent.childForFieldName('operator')?.type === '+';
    case 'argument_list': {
      const call = parent.parent;
      return !!call && call.type === 'call_expression' && parent.namedChildren[0]?.startIndex === child.startIndex && call.childForFieldName('function')?.text === 'fmt.Sprintf';
    }
    case 'call_expression':
      return parent.childForFieldName('function')?.text === 'fmt.Sprintf';
  }
  return false;
}

const CTXLIKE = /^(ctx|c|context\.\w+\(\)|\w*[cC]tx|r\.Context\(\))$/;

function call(callNode: Node, callee: Node, env: Env): CallTarget | undefined {
  const text = env.text;
  const name = text.slice(callee.startIndex, callee.endIndex);
  const argList = callNode.childForFieldName('arguments');
  if (!argList) return undefined;
  const args = argList.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment');
  if (!args.length) return undefined;
  const firstText = text.slice(args[0].startIndex, Math.min(args[0].endIndex, args[0].startIndex + 40));
  const ctxFirst = CTXLIKE.test(firstText);
  const imports = [...env.imports];
  const pgx = imports.some((i) => i.startsWith('github.com/jackc/pgx'));
  const gorm = imports.some((i) => i.startsWith('gorm.io/'));
  // The query is the first argument after ctx and &dest that composes to text.
  const skip = (a: Node) => CTXLIKE.test(textStart(text, a, 40)) || a.type === 'unary_expression';
  const candidates = args.filter((a) => !skip(a)).slice(0, 1);
  const dollar: PlaceholderStyle = { dollar: true };
  if (name === 'Raw') return gorm ? { api: 'gorm.Raw', style: { qmark: 'plain', at: true, dollar: true }, arg: null, args: candidates, generic: true } : undefined;
  if (name === 'Queue') return pgx ? { api: 'pgx.Batch.Queue', style: { dollar: true, at: true }, arg: null, args: candidates, generic: true } : undefined;
  if (/^(Select|Get|SelectContext|GetContext|Queryx|QueryRowx|QueryxContext|QueryRowxContext|Preparex|PreparexContext|MustExec|MustExecContext|Rebind)$/.test(name)) {
    return { api: `sqlx.${name}`, style: { dollar: true, qmark: 'plain' }, arg: null, args: candidates, generic: true };
  }
  if (/^Named/.test(name) || /^PrepareNamed/.test(name)) return { api: `sqlx.${name}`, style: { colon: true }, arg: null, args: candidates, generic: true };
  if (pgx && ctxFirst && /^(Query|QueryRow|Exec|Prepare)$/.test(name)) return { api: `pgx.${name}`, style: { dollar: true, at: true }, arg: null, args: candidates, generic: true };
  if (/^(Query|QueryRow|Exec|Prepare)(Context)?$/.test(name)) {
    // sqlx.DB embeds *sql.DB: these are database/sql's methods either way.
    return { api: `database/sql.${name}`, style: dollar, arg: null, args: candidates, generic: true };
  }
  return undefined;
}

export const goProfile: LanguageProfile = {
  query: QUERY,
  literal,
  compose,
  call,
  climb,
  defaultStyle: { dollar: true },
  imports: importsOf,
  hotWords: new RegExp(`\\b(?:${METHODS.join('|')})\\b`),
};
