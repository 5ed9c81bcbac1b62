/**
 * PostgreSQL's own parse tree (libpg-query) read into the analysis AST's form (pgsql-ast-parser's node
 * shapes, with `_location` offsets into the given text), for the statements pgsql-ast-parser cannot read:
 * parenthesised join trees (`LEFT OUTER JOIN ("TagList" INNER JOIN "Tags" ON …) ON …`, Sequelize's
 * belongsToMany include, Hibernate's joined inheritance), `IS DISTINCT FROM`, `COLLATE`, `OPERATOR(…)`…
 * One shape builder (core/sql/predicates) reads either; this file only translates.
 *
 * Only what index analysis reads is translated (blocks, FROM, join conditions, comparisons, calls, casts,
 * parameters, constants, ORDER BY, LIMIT, INSERT/UPDATE/DELETE targets); any other expression becomes an
 * opaque node that keeps its column references (so no predicate is made of it, and `referenced` stays whole).
 * Synchronous: needs loadPgParser() done; undefined when the parser is not loaded or rejects the text.
 */
import type { Statement } from 'pgsql-ast-parser';
import { pgParseTree, scanSql, byteToCharOffset } from './statement';

type Node = Record<string, any>;
type Span = { start: number; end: number };

/** The analysis AST of one statement from PostgreSQL's parser; undefined when not one statement or not read. */
export function fromPgTree(sql: string): Statement | undefined {
  const tree = pgParseTree(sql);
  if (!tree || tree.stmts?.length !== 1) return undefined;
  const t = new Translator(sql);
  const [tag, body] = unwrap(tree.stmts[0].stmt);
  return t.statement(tag, body) as Statement | undefined;
}

/** What a statement is when fromPgTree cannot read it ("MERGE", "CREATE INDEX"…), for a one-line reason. */
export function pgStatementKind(sql: string): string | undefined {
  const tree = pgParseTree(sql);
  const node = tree?.stmts?.length === 1 ? Object.keys(tree.stmts[0].stmt ?? {})[0] : undefined;
  return node && (NODE_NAMES[node] ?? node.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
}

const NODE_NAMES: Record<string, string> = { IndexStmt: 'CREATE INDEX', CreateStmt: 'CREATE TABLE', VariableSetStmt: 'SET', VariableShowStmt: 'SHOW', TransactionStmt: 'a transaction command', CopyStmt: 'COPY', ExplainStmt: 'EXPLAIN', CallStmt: 'CALL', DoStmt: 'DO' };

/** [tag, body] of a wrapped node ({ ColumnRef: {…} }), or ['', node] for an unwrapped one. */
function unwrap(n: any): [string, Node] {
  if (!n || typeof n !== 'object') return ['', {}];
  const keys = Object.keys(n);
  if (keys.length === 1 && /^[A-Z]/.test(keys[0])) return [keys[0], n[keys[0]] ?? {}];
  return ['', n];
}

function str(n: any): string | undefined {
  const [tag, b] = unwrap(n);
  return tag === 'String' ? String(b.sval ?? '') : undefined;
}

const JOIN_TYPES: Record<string, string> = { JOIN_INNER: 'INNER JOIN', JOIN_LEFT: 'LEFT JOIN', JOIN_RIGHT: 'RIGHT JOIN', JOIN_FULL: 'FULL JOIN' };

class Translator {
  private readonly ascii: boolean;
  private tokenEnds?: Map<number, number>;

  constructor(private readonly sql: string) {
    this.ascii = /^[\x00-\x7f]*$/.test(sql);
  }

  private char(byte: number): number {
    return this.ascii ? byte : byteToCharOffset(this.sql, byte);
  }

  /** Byte offset where the token starting at `byte` ends. */
  private tokenEnd(byte: number): number {
    if (!this.tokenEnds) {
      this.tokenEnds = new Map();
      for (const tk of scanSql(this.sql) ?? []) this.tokenEnds.set(tk.start, tk.end);
    }
    return this.tokenEnds.get(byte) ?? byte + 1;
  }

  /**
   * The text span of a subtree: from its first located token to the end of its last, widened over the
   * closing parentheses its text leaves open (`x IN ($1, $2)`, `lower(x)`).
   */
  private span(n: unknown): Span | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    const walk = (x: unknown): void => {
      if (!x || typeof x !== 'object') return;
      if (Array.isArray(x)) return x.forEach(walk);
      for (const [k, v] of Object.entries(x as Node)) {
        if (k === 'location' && typeof v === 'number' && v >= 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        } else if (v && typeof v === 'object') walk(v);
      }
    };
    walk(n);
    if (!Number.isFinite(lo)) return undefined;
    const start = this.char(lo);
    let end = this.char(this.tokenEnd(hi));
    let open = 0;
    for (const ch of this.sql.slice(start, end)) open += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    while (open > 0) {
      const m = /^\s*\)/.exec(this.sql.slice(end));
      if (!m) break;
      end += m[0].length;
      open--;
    }
    return { start, end };
  }

  private at<T extends Node>(node: T, from: unknown): T {
    const s = this.span(from);
    if (s) (node as Node)._location = s;
    return node;
  }

  statement(tag: string, b: Node): Node | undefined {
    switch (tag) {
      case 'SelectStmt':
        return this.select(b);
      case 'InsertStmt': {
        const cols = (b.cols ?? []).map((c: any) => ({ name: String(unwrap(c)[1].name ?? '') }));
        const out: Node = { type: 'insert', into: this.tableName(b.relation), columns: cols.length ? cols : undefined };
        if (b.selectStmt) out.insert = this.select(unwrap(b.selectStmt)[1]);
        if (b.onConflictClause?.targetList) out.onConflict = { do: { sets: this.sets(b.onConflictClause.targetList) } };
        return this.withClause(b.withClause, out);
      }
      case 'UpdateStmt': {
        const out: Node = { type: 'update', table: this.tableName(b.relation), sets: this.sets(b.targetList ?? []), where: this.expr(b.whereClause) };
        if (b.fromClause?.length) out.from = this.from(b.fromClause);
        return this.withClause(b.withClause, out);
      }
      case 'DeleteStmt': {
        // DELETE … USING: its tables are read as UPDATE's FROM is (their join conditions sit in the WHERE).
        const out: Node = { type: 'delete', from: this.tableName(b.relation), ...(b.usingClause?.length ? { using: this.from(b.usingClause) } : {}), where: this.expr(b.whereClause) };
        return this.withClause(b.withClause, out);
      }
      default:
        return undefined;
    }
  }

  private sets(list: any[]): Node[] {
    return list.map((x) => {
      const r = unwrap(x)[1];
      return { column: { name: String(r.name ?? '') }, value: this.expr(r.val) };
    });
  }

  private withClause(w: Node | undefined, inner: Node): Node {
    if (!w?.ctes?.length) return inner;
    const ctes = w.ctes.map((c: any) => unwrap(c)[1]);
    if (w.recursive) {
      // One recursive binding per node, as pgsql-ast-parser shapes it; several nest.
      return ctes.reduceRight((acc: Node, c: Node) => ({ type: 'with recursive', alias: { name: String(c.ctename) }, bind: this.select(unwrap(c.ctequery)[1]) ?? {}, in: acc }), inner);
    }
    return { type: 'with', bind: ctes.map((c: Node) => ({ alias: { name: String(c.ctename) }, statement: this.statement(...unwrap(c.ctequery)) ?? {} })), in: inner };
  }

  private select(b: Node): Node | undefined {
    if (b.op && b.op !== 'SETOP_NONE') {
      const type = b.op === 'SETOP_UNION' ? (b.all ? 'union all' : 'union') : 'union';
      return this.withClause(b.withClause, { type, left: this.select(b.larg ?? {}), right: this.select(b.rarg ?? {}) });
    }
    if (b.valuesLists) {
      return this.withClause(b.withClause, { type: 'values', values: b.valuesLists.map((l: any) => (unwrap(l)[1].items ?? []).map((e: any) => this.expr(e))) });
    }
    const out: Node = {
      type: 'select',
      columns: (b.targetList ?? []).map((x: any) => {
        const r = unwrap(x)[1];
        return { expr: this.expr(r.val), ...(r.name ? { alias: { name: String(r.name) } } : {}) };
      }),
      from: b.fromClause?.length ? this.from(b.fromClause) : undefined,
      where: this.expr(b.whereClause),
      groupBy: b.groupClause?.length ? b.groupClause.map((g: any) => this.expr(g)) : undefined,
      having: this.expr(b.havingClause),
      orderBy: b.sortClause?.length
        ? b.sortClause.map((s: any) => {
            const o = unwrap(s)[1];
            return { by: this.expr(o.node), ...(o.sortby_dir === 'SORTBY_DESC' ? { order: 'DESC' } : o.sortby_dir === 'SORTBY_ASC' ? { order: 'ASC' } : {}), ...(o.sortby_nulls === 'SORTBY_NULLS_FIRST' ? { nulls: 'FIRST' } : o.sortby_nulls === 'SORTBY_NULLS_LAST' ? { nulls: 'LAST' } : {}) };
          })
        : undefined,
    };
    if (b.limitCount || b.limitOffset) out.limit = { ...(b.limitCount ? { limit: this.expr(b.limitCount) } : {}), ...(b.limitOffset ? { offset: this.expr(b.limitOffset) } : {}) };
    return this.withClause(b.withClause, out);
  }

  private tableName(rv: Node | undefined): Node | undefined {
    if (!rv?.relname) return undefined;
    return this.at({ name: String(rv.relname), ...(rv.schemaname ? { schema: String(rv.schemaname) } : {}), ...(rv.alias?.aliasname ? { alias: String(rv.alias.aliasname) } : {}) }, { location: rv.location });
  }

  /**
   * A FROM list as pgsql-ast-parser's flat list: every table in order, each joined one carrying its join. A
   * parenthesised join tree is flattened; its ON condition goes with the last table of its right side, where
   * every table it names is in scope (a FULL join's condition filters nothing, so it is left out).
   */
  private from(items: any[]): Node[] {
    const out: Node[] = [];
    const leaf = (n: any): void => {
      const [tag, b] = unwrap(n);
      if (tag === 'JoinExpr') {
        leaf(b.larg);
        const first = out.length;
        leaf(b.rarg);
        const type = JOIN_TYPES[b.jointype] ?? 'INNER JOIN';
        const head = out[first];
        if (head && !head.join) head.join = { type };
        const last = out[out.length - 1];
        if (!last) return;
        if (b.usingClause?.length && first === out.length - 1) head.join.using = b.usingClause.map((u: any) => ({ name: str(u) ?? '' }));
        if (b.quals && type !== 'FULL JOIN') {
          const on = this.expr(b.quals);
          last.join ??= { type };
          if (!/^(INNER|LEFT|RIGHT) JOIN$/.test(last.join.type)) last.join.type = 'INNER JOIN';
          last.join.on = last.join.on ? { type: 'binary', op: 'AND', left: last.join.on, right: on } : on;
        }
        return;
      }
      if (tag === 'RangeVar') {
        const name = this.tableName(b);
        if (name) out.push({ type: 'table', name });
      } else if (tag === 'RangeSubselect') {
        out.push({ type: 'statement', statement: this.statement(...unwrap(b.subquery)) ?? {}, alias: String(b.alias?.aliasname ?? ''), ...(b.lateral ? { lateral: true } : {}) });
      } else if (tag === 'RangeFunction') {
        const fns = (b.functions ?? []).flatMap((f: any) => (unwrap(f)[1].items ?? []).map((x: any) => this.expr(x)));
        out.push({ type: 'call', ...(fns[0] ?? {}), alias: b.alias?.aliasname ? { name: String(b.alias.aliasname) } : undefined });
      } else {
        out.push({ type: 'opaque-from', args: this.opaqueChildren(b) });
      }
    };
    for (const i of items) leaf(i);
    return out;
  }

  expr(n: any): any {
    if (!n) return undefined;
    const [tag, b] = unwrap(n);
    switch (tag) {
      case 'ColumnRef': {
        const fields = (b.fields ?? []).map((f: any) => (unwrap(f)[0] === 'A_Star' ? '*' : str(f) ?? ''));
        const name = fields[fields.length - 1];
        const table = fields.length >= 2 ? { name: fields[fields.length - 2], ...(fields.length >= 3 ? { schema: fields[fields.length - 3] } : {}) } : undefined;
        return this.at({ type: 'ref', name, ...(table ? { table } : {}) }, b);
      }
      case 'ParamRef':
        return this.at({ type: 'parameter', name: `$${b.number}` }, b);
      case 'A_Const':
        return this.at(this.constant(b), b);
      case 'TypeCast': {
        const names = (b.typeName?.names ?? []).map(str).filter((x: string | undefined) => x !== undefined) as string[];
        const name = names[names.length - 1];
        const schema = names.length > 1 && names[0] !== 'pg_catalog' ? names[0] : undefined;
        const config = (b.typeName?.typmods ?? []).map((m: any) => unwrap(m)[1].ival?.ival ?? 0);
        return this.at({ type: 'cast', operand: this.expr(b.arg), to: { name, ...(schema ? { schema } : {}), ...(config.length ? { config } : {}), ...(b.typeName?.arrayBounds?.length ? { kind: 'array' } : {}) } }, n);
      }
      case 'A_Expr':
        return this.at(this.aExpr(b), n);
      case 'BoolExpr': {
        const args = (b.args ?? []).map((a: any) => this.expr(a));
        if (b.boolop === 'NOT_EXPR') return this.at({ type: 'unary', op: 'NOT', operand: args[0] }, n);
        const op = b.boolop === 'AND_EXPR' ? 'AND' : 'OR';
        return this.at(args.reduce((l: any, r: any) => ({ type: 'binary', op, left: l, right: r })), n);
      }
      case 'NullTest':
        return this.at({ type: 'unary', op: b.nulltesttype === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL', operand: this.expr(b.arg) }, n);
      case 'FuncCall': {
        const names = (b.funcname ?? []).map(str) as string[];
        const fn = { name: names[names.length - 1], ...(names.length > 1 && names[0] !== 'pg_catalog' ? { schema: names[0] } : {}) };
        const args = b.agg_star ? [{ type: 'ref', name: '*' }] : (b.args ?? []).map((a: any) => this.expr(a));
        return this.at({ type: 'call', function: fn, args, ...(b.over ? { over: {} } : {}), ...(b.agg_filter ? { filter: this.expr(b.agg_filter) } : {}), ...(b.agg_order?.length ? { orderBy: [] } : {}), ...(b.agg_distinct ? { distinct: 'distinct' } : {}) }, n);
      }
      case 'CoalesceExpr':
        return this.at({ type: 'call', function: { name: 'coalesce' }, args: (b.args ?? []).map((a: any) => this.expr(a)) }, n);
      case 'SubLink': {
        const sub = this.statement(...unwrap(b.subselect)) ?? {};
        if (b.subLinkType === 'ANY_SUBLINK' && b.testexpr) return this.at({ type: 'binary', op: 'IN', left: this.expr(b.testexpr), right: sub }, n);
        if (b.subLinkType === 'EXISTS_SUBLINK') return this.at({ type: 'call', function: { name: 'exists' }, args: [sub] }, n);
        if (b.subLinkType === 'EXPR_SUBLINK' || b.subLinkType === 'ARRAY_SUBLINK') return sub;
        return { type: 'opaque', args: [this.expr(b.testexpr), sub] };
      }
      case 'A_ArrayExpr':
        return this.at({ type: 'array', expressions: (b.elements ?? []).map((e: any) => this.expr(e)) }, n);
      case 'List':
        return { type: 'list', expressions: (b.items ?? []).map((e: any) => this.expr(e)) };
      case 'SelectStmt':
        return this.select(b);
      default:
        // CASE, ROW(…), COLLATE, IS TRUE, array subscripts, SQL value functions…: no predicate is made of it,
        // but the columns it reads stay visible (its constants and parameters too, for the value prompts).
        return this.at({ type: 'opaque', args: this.opaqueChildren(b) }, n);
    }
  }

  /** The translatable children of an unknown node (wrapped nodes and lists of them). */
  private opaqueChildren(b: Node): any[] {
    const out: any[] = [];
    const visit = (v: any): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      if (unwrap(v)[0]) out.push(this.expr(v));
      else for (const x of Object.values(v)) visit(x);
    };
    for (const v of Object.values(b)) visit(v);
    return out;
  }

  private constant(b: Node): Node {
    if (b.isnull) return { type: 'null' };
    if (b.sval) return { type: 'string', value: String(b.sval.sval ?? '') };
    if (b.ival) return { type: 'integer', value: Number(b.ival.ival ?? 0) };
    if (b.fval) return { type: 'numeric', value: Number(b.fval.fval ?? 0) };
    if (b.boolval) return { type: 'boolean', value: !!b.boolval.boolval };
    return { type: 'opaque', args: [] };
  }

  private aExpr(b: Node): Node {
    const op = (b.name ?? []).map(str).filter(Boolean).pop() ?? '';
    const left = this.expr(b.lexpr);
    const right = () => this.expr(b.rexpr);
    switch (b.kind) {
      case 'AEXPR_OP':
        if (!b.lexpr) return { type: 'unary', op, operand: right() };
        if ((op === '->' || op === '->>') && unwrap(b.rexpr)[0] === 'A_Const') {
          const c = this.constant(unwrap(b.rexpr)[1]);
          if (c.type === 'string' || c.type === 'integer') return { type: 'member', operand: left, op, member: c.value };
        }
        return { type: 'binary', op: op.toUpperCase(), left, right: right() };
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        return { type: 'binary', op, left, right: { type: 'call', function: { name: b.kind === 'AEXPR_OP_ANY' ? 'any' : 'all' }, args: [right()] } };
      case 'AEXPR_IN': {
        const list = Array.isArray(b.rexpr) ? b.rexpr : unwrap(b.rexpr)[1].items ?? [b.rexpr];
        return { type: 'binary', op: op === '<>' ? 'NOT IN' : 'IN', left, right: { type: 'list', expressions: list.map((e: any) => this.expr(e)) } };
      }
      case 'AEXPR_LIKE':
        return { type: 'binary', op: op === '!~~' ? 'NOT LIKE' : 'LIKE', left, right: right() };
      case 'AEXPR_ILIKE':
        return { type: 'binary', op: op === '!~~*' ? 'NOT ILIKE' : 'ILIKE', left, right: right() };
      case 'AEXPR_BETWEEN': {
        const [lo, hi] = (Array.isArray(b.rexpr) ? b.rexpr : unwrap(b.rexpr)[1].items ?? []).map((e: any) => this.expr(e));
        return { type: 'ternary', op: 'BETWEEN', value: left, lo, hi };
      }
      default:
        // IS DISTINCT FROM, NULLIF, SIMILAR TO, NOT BETWEEN…: opaque (no predicate), its parts kept.
        return { type: 'opaque', args: [left, right()] };
    }
  }
}
