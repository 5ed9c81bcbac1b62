/**
 * MyBatis's SQL builder (`org.apache.ibatis.jdbc.SQL`), as provider methods use it:
 * `new SQL() {{ SELECT("id, name"); FROM("users"); WHERE("id = #{id}"); }}.toString()` or the fluent
 * `new SQL().SELECT("id").FROM("users").WHERE("id = #{id}").toString()`. The clause calls are composed
 * the way the builder prints them (SELECT a, b FROM t … WHERE (c1 AND c2) OR (c3) …). A call under an
 * `if`, in a loop, or given a value computed at run time still counts, and the statement is then dynamic
 * (an empty dynamic hole says so): whole-statement rules skip it.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { pushText, type Part } from '../../extract/compose';
import type { Recurse } from '../../extract/embedded';

type Clause = 'select' | 'distinct' | 'from' | 'join' | 'where' | 'or' | 'group' | 'having' | 'order' | 'limit' | 'offset' | 'insert' | 'values' | 'columns' | 'rowValues' | 'update' | 'set' | 'delete';

const CALLS: Record<string, Clause> = {
  SELECT: 'select', SELECT_DISTINCT: 'distinct', FROM: 'from',
  JOIN: 'join', INNER_JOIN: 'join', LEFT_OUTER_JOIN: 'join', RIGHT_OUTER_JOIN: 'join', OUTER_JOIN: 'join',
  WHERE: 'where', AND: 'where', OR: 'or', GROUP_BY: 'group', HAVING: 'having', ORDER_BY: 'order',
  LIMIT: 'limit', OFFSET: 'offset', INSERT_INTO: 'insert', VALUES: 'values', INTO_COLUMNS: 'columns', INTO_VALUES: 'rowValues',
  UPDATE: 'update', SET: 'set', DELETE_FROM: 'delete',
};
const JOIN_WORDS: Record<string, string> = { JOIN: 'JOIN', INNER_JOIN: 'INNER JOIN', LEFT_OUTER_JOIN: 'LEFT OUTER JOIN', RIGHT_OUTER_JOIN: 'RIGHT OUTER JOIN', OUTER_JOIN: 'OUTER JOIN' };

interface Call {
  name: string;
  node: Node;
  args: Part[][];
  /** Under an if/loop, or with an argument computed at run time. */
  conditional: boolean;
}

/** `new SQL() {…}.toString()` or `new SQL().X(…)….toString()`: the builder's calls, in order; undefined when it is not one. */
function builderCalls(toString: Node, recurse: Recurse): Call[] | undefined {
  if (toString.type !== 'method_invocation' || toString.childForFieldName('name')?.text !== 'toString') return undefined;
  const calls: Call[] = [];
  const argsOf = (inv: Node): Part[][] =>
    (inv.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !/comment/.test(a.type)).map((a) => recurse(a) ?? []);
  // Fluent: walk the chain down to `new SQL()`.
  const chain: Node[] = [];
  let obj = toString.childForFieldName('object');
  while (obj?.type === 'method_invocation') {
    chain.unshift(obj);
    obj = obj.childForFieldName('object');
  }
  if (obj?.type !== 'object_creation_expression' || !/^(SQL|org\.apache\.ibatis\.jdbc\.SQL)$/.test(obj.childForFieldName('type')?.text ?? '')) return undefined;
  // Anonymous subclass with an instance initializer: `new SQL() {{ SELECT(…); … }}`.
  const body = obj.namedChildren.find((c) => c?.type === 'class_body');
  if (body) {
    const visit = (n: Node, conditional: boolean) => {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'method_invocation' && !c.childForFieldName('object') && CALLS[c.childForFieldName('name')?.text ?? '']) {
          calls.push({ name: c.childForFieldName('name')!.text, node: c, args: argsOf(c), conditional });
          continue;
        }
        if (/^(class_body|method_declaration|lambda_expression)$/.test(c.type)) continue;
        visit(c, conditional || /^(if_statement|for_statement|enhanced_for_statement|while_statement|do_statement|switch_expression|switch_statement|ternary_expression|try_statement)$/.test(c.type));
      }
    };
    for (const b of body.namedChildren) if (b?.type === 'block') visit(b, false);
  }
  for (const inv of chain) {
    const name = inv.childForFieldName('name')?.text ?? '';
    if (CALLS[name]) calls.push({ name, node: inv, args: argsOf(inv), conditional: false });
  }
  return calls.length ? calls : undefined;
}

/** The statement a MyBatis SQL builder prints, or undefined when the node is not one. */
export function composeSqlBuilder(toString: Node, recurse: Recurse): Part[] | undefined {
  const calls = builderCalls(toString, recurse);
  if (!calls) return undefined;
  const out: Part[] = [];
  const word = (s: string, at: Node) => pushText(out, s, new Array(s.length).fill(at.startIndex));
  const add = (parts: Part[]) => {
    for (const p of parts) {
      if (p.t === 'text') pushText(out, p.text, p.offsets);
      else out.push(p);
    }
  };
  const of = (...kinds: Clause[]) => calls.filter((c) => kinds.includes(CALLS[c.name]));
  const list = (cs: Call[], sep: string) => {
    let first = true;
    for (const c of cs) {
      for (const a of c.args) {
        if (!first) word(sep, c.node);
        first = false;
        add(a);
      }
    }
  };
  const clause = (kw: string, cs: Call[], sep: string) => {
    if (!cs.length) return;
    word(`${out.length ? ' ' : ''}${kw} `, cs[0].node);
    list(cs, sep);
  };
  // WHERE (a AND b) OR (c): OR() starts a new group; HAVING likewise with AND.
  const conditions = (kw: string, kinds: Clause[]) => {
    const cs = calls.filter((c) => kinds.includes(CALLS[c.name]) || CALLS[c.name] === 'or');
    if (!cs.some((c) => CALLS[c.name] !== 'or')) return;
    word(` ${kw} (`, cs[0].node);
    let first = true;
    for (const c of cs) {
      if (CALLS[c.name] === 'or') {
        if (!first && kinds.includes('where')) word(') OR (', c.node);
        first = true;
        continue;
      }
      for (const a of c.args) {
        if (!first) word(' AND ', c.node);
        first = false;
        add(a);
      }
    }
    word(')', cs[cs.length - 1].node);
  };
  const insert = of('insert');
  const update = of('update');
  const del = of('delete');
  if (insert.length) {
    clause('INSERT INTO', insert, ', ');
    const values = of('values');
    const cols = [...of('columns')];
    word(' (', insert[0].node);
    let first = true;
    for (const v of values) {
      if (!first) word(', ', v.node);
      first = false;
      add(v.args[0] ?? []);
    }
    for (const c of cols) for (const a of c.args) {
      if (!first) word(', ', c.node);
      first = false;
      add(a);
    }
    word(') VALUES (', insert[0].node);
    first = true;
    for (const v of values) {
      if (!first) word(', ', v.node);
      first = false;
      add(v.args[1] ?? []);
    }
    for (const c of of('rowValues')) for (const a of c.args) {
      if (!first) word(', ', c.node);
      first = false;
      add(a);
    }
    word(')', insert[0].node);
  } else if (update.length) {
    clause('UPDATE', update, ', ');
    clause('SET', of('set'), ', ');
    conditions('WHERE', ['where']);
  } else if (del.length) {
    clause('DELETE FROM', del, ', ');
    conditions('WHERE', ['where']);
  } else {
    const distinct = of('distinct');
    clause(distinct.length ? 'SELECT DISTINCT' : 'SELECT', of('select', 'distinct'), ', ');
    clause('FROM', of('from'), ', ');
    for (const j of of('join')) {
      word(` ${JOIN_WORDS[j.name]} `, j.node);
      list([j], ` ${JOIN_WORDS[j.name]} `);
    }
    conditions('WHERE', ['where']);
    clause('GROUP BY', of('group'), ', ');
    conditions('HAVING', ['having']);
    clause('ORDER BY', of('order'), ', ');
    clause('LIMIT', of('limit'), ', ');
    clause('OFFSET', of('offset'), ', ');
  }
  // A clause chosen at run time: the text above is the fullest statement, not the one that runs.
  if (calls.some((c) => c.conditional)) out.push({ t: 'hole', source: '', span: { start: toString.startIndex, end: toString.endIndex }, dynamic: true, empty: true });
  return out;
}
