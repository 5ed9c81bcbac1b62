/**
 * What a statement asks of each table it reads: the index-relevant facts of its WHERE, JOIN,
 * ORDER BY and select list, per table (aliases resolved), from the pgsql-ast-parser AST.
 *
 * Only predicates that hold for every row (the top-level AND chain of a WHERE / ON clause) are
 * collected; an OR of different columns cannot use one btree, so it yields nothing. A statement the
 * parser cannot read gives `undefined` (callers must then say nothing: never a false finding).
 */
import type { Expr, From, OrderByStatement, SelectedColumn, Statement } from 'pgsql-ast-parser';
import { quoteIdent as ident } from './ident';
import { parseOne } from './parse';
import { fromPgTree, pgStatementKind } from './pgTree';
import { inspectSql, pgParserLoaded } from './statement';

/** A literal value as written (for partial indexes); params and expressions are not constants. */
export type Constant = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'null' };

/** What an index key would be built on: a plain column, or an expression over columns. */
export type Operand =
  | { kind: 'column'; column: string }
  | { kind: 'expression'; sql: string; columns: string[] };

type PredicateKind =
  | 'eq' // col = value
  | 'range' // <, <=, >, >=, BETWEEN
  | 'in' // IN (list), = ANY(array/param)
  | 'is-null' // IS NULL
  | 'like' // LIKE / ILIKE with a constant pattern
  | 'jsonb' // @>, ?, ?|, ?&
  | 'fts'; // tsvector @@ tsquery

export interface Predicate {
  kind: PredicateKind;
  target: Operand;
  /** The SQL operator (upper-case for words): '=', '<', 'BETWEEN', 'IN', 'LIKE', 'ILIKE', '@>', '?', '@@', 'IS NULL'. */
  op: string;
  /** The compared value when it is a literal (partial indexes); IN lists give `values`. */
  constant?: Constant;
  values?: Constant[];
  /** LIKE/ILIKE: the constant pattern and whether it starts with a wildcard. */
  pattern?: string;
  leadingWildcard?: boolean;
  /** Offsets of the predicate in the statement text. */
  span?: { start: number; end: number };
  /**
   * `=` to a column of an enclosing block (a LATERAL subquery's `r.product_id = k.key`, a correlated EXISTS or scalar
   * subquery's `o.customer_id = c.id`): one value per outer row, which the inner scan probes like `= $1` — so the
   * block's own ORDER BY and LIMIT apply to it (issue 20, person21 HIGH 1).
   */
  correlated?: boolean;
}

interface OrderKey {
  target: Operand;
  direction: 'ASC' | 'DESC';
  nulls?: 'FIRST' | 'LAST';
}

interface JoinKey {
  column: string;
  /** The other side: table key and column (or expression) it is compared with. */
  other: { table: string; column: string };
}

export interface TableUse {
  /** How the statement names it: the alias, else the table name. Unique within one statement scope. */
  key: string;
  schema?: string;
  name: string;
  alias?: string;
  predicates: Predicate[];
  /** ORDER BY of the query block when every key is on this table (otherwise empty). */
  orderBy: OrderKey[];
  /**
   * The leading ORDER BY keys when they are this table's and later keys are another table's (Django's `Meta.ordering =
   * ['title', 'author']`: `ORDER BY book.title, author.last_name, author.first_name`), set only on the table that drives
   * the join (never the nullable side of an outer join): an index on them yields rows in that order, and PostgreSQL sorts
   * only the ties (Incremental Sort), so a LIMIT stops early (issue 20, person17 HIGH 4).
   */
  orderByLead?: OrderKey[];
  joinKeys: JoinKey[];
  /** Columns this table contributes to the select list; undefined when * or unknown. */
  selected?: string[];
  /** Every column of this table the block mentions (for INCLUDE: an index-only scan needs all). */
  referenced: string[];
  /** The block has a LIMIT (an ordered index can then stop early). */
  limit?: number | 'param';
  /** Where the table is named in the statement text. */
  span?: { start: number; end: number };
  /** The statement writes this table (UPDATE/DELETE target). */
  written?: boolean;
}

export interface StatementShape {
  kind: 'select' | 'update' | 'delete' | 'insert' | 'other';
  tables: TableUse[];
  /** Predicates on unqualified columns when several tables are in scope (resolved later with the catalog). */
  unresolved: { candidates: string[]; predicate: Predicate; order?: OrderKey; selected?: boolean }[];
}

/**
 * The analysis AST of one statement: pgsql-ast-parser's, else PostgreSQL's own parse tree read into the same
 * form (core/sql/pgTree: parenthesised joins and the rest pgsql-ast-parser cannot read; needs loadPgParser()).
 */
function analysisAst(sql: string): Statement | undefined {
  return parseOne(sql) ?? fromPgTree(sql);
}

/** Parse and analyse one statement; undefined when it does not parse or is not one statement. */
export function statementShape(sql: string): StatementShape | undefined {
  const ast = analysisAst(sql);
  return ast && shapeOfAst(ast);
}

/** The shape of a parsed statement (either parser's AST: pgsql-ast-parser's, or core/sql/pgTree's reading of PostgreSQL's). */
export function shapeOfAst(ast: Statement): StatementShape | undefined {
  try {
    return shapeOf(ast);
  } catch {
    return undefined;
  }
}

/**
 * Why statementShape gave nothing, in one line that names the construct: PostgreSQL's parser's own error, several
 * statements, or a kind of statement index analysis does not read (MERGE, DDL…).
 */
export function shapeFailure(sql: string): string {
  if (!pgParserLoaded()) return 'the statement could not be parsed for index analysis';
  const pg = inspectSql(sql);
  if (!pg.ok) return `PostgreSQL's parser rejects the statement (${pg.message})`;
  if (pg.statements.length !== 1) return `the text holds ${pg.statements.length} statements; index analysis reads one at a time: put the cursor on one (or select one), or advise them all with Advise Indexes for the Workload (CLI: pg-lens advise --file)`;
  return `index analysis reads SELECT, INSERT, UPDATE and DELETE; this is ${pgStatementKind(sql) ?? pg.statements[0].node}`;
}

function shapeOf(ast: Statement): StatementShape {
  const out: StatementShape = { kind: 'other', tables: [], unresolved: [] };
  const w = new Walker(out);
  switch (ast.type) {
    case 'select':
    case 'union':
    case 'union all':
    case 'with':
    case 'with recursive':
    case 'values':
      out.kind = 'select';
      w.statement(ast, undefined, new Set());
      break;
    case 'update':
    case 'delete':
    case 'insert':
      out.kind = ast.type;
      w.statement(ast, undefined, new Set());
      break;
    default:
      break;
  }
  return out;
}

interface Scope {
  parent?: Scope;
  tables: TableUse[];
  /** Names that are CTEs or subqueries (not base tables). */
  virtual: Set<string>;
  /** The join types of the block's FROM list ('LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'INNER JOIN'…). */
  joins?: Set<string>;
}

class Walker {
  constructor(private readonly out: StatementShape) {}

  statement(ast: any, parent: Scope | undefined, ctes: Set<string>): void {
    if (!ast || typeof ast !== 'object') return;
    switch (ast.type) {
      case 'select':
        return this.select(ast, parent, ctes);
      case 'union':
      case 'union all':
        this.statement(ast.left, parent, ctes);
        this.statement(ast.right, parent, ctes);
        return;
      case 'with':
      case 'with recursive': {
        const inner = new Set(ctes);
        // WITH RECURSIVE binds one statement under one name (its bind is not a list: iterating it threw, so no
        // recursive CTE ever had a shape — 12 of the corpus apps' statements).
        if (ast.type === 'with recursive') inner.add(String(ast.alias?.name ?? '').toLowerCase());
        else for (const b of ast.bind ?? []) inner.add(String(b.alias?.name ?? '').toLowerCase());
        if (ast.type === 'with recursive') {
          this.statement(ast.bind, parent, inner);
        } else {
          for (const b of ast.bind ?? []) this.statement(b.statement, parent, inner);
        }
        this.statement(ast.in, parent, inner);
        return;
      }
      case 'update':
      case 'delete': {
        // The written table (UPDATE's table, DELETE's FROM), then UPDATE's own FROM and SET subqueries, then the WHERE.
        const scope: Scope = { parent, tables: [], virtual: new Set() };
        const t = this.addTable(scope, ast.type === 'update' ? ast.table : ast.from, ctes);
        if (t) t.written = true;
        if (ast.type === 'update') {
          if (ast.from) this.from([ast.from].flat(), scope, ctes);
          for (const s of ast.sets ?? []) this.subqueries(s.value, scope, ctes);
        }
        if (ast.type === 'delete' && ast.using) this.from(ast.using, scope, ctes);
        this.where(ast.where, scope, ctes);
        return;
      }
      case 'insert':
        // INSERT … SELECT reads like a SELECT; the target itself needs no read index.
        if (ast.insert) this.statement(ast.insert, parent, ctes);
        return;
      default:
        return;
    }
  }

  private select(ast: any, parent: Scope | undefined, ctes: Set<string>): void {
    const scope: Scope = { parent, tables: [], virtual: new Set() };
    this.from(ast.from ?? [], scope, ctes);
    // Select list: which columns each table contributes; subqueries in it are analysed on their own.
    const cols: SelectedColumn[] = ast.columns ?? [];
    const selectedBy = new Map<TableUse, Set<string>>();
    let star = false;
    for (const c of cols) {
      const e: any = c.expr;
      if (e?.type === 'ref' && e.name === '*') {
        if (e.table) {
          const t = this.resolveTable(scope, e.table.name);
          if (t) selectedBy.set(t, new Set(['*']));
        } else star = true;
        continue;
      }
      for (const r of refsIn(e)) {
        const t = r.table ? this.resolveTable(scope, r.table) : scope.tables.length === 1 ? scope.tables[0] : undefined;
        if (t) {
          if (!selectedBy.has(t)) selectedBy.set(t, new Set());
          selectedBy.get(t)!.add(r.column);
        }
      }
      this.subqueries(e, scope, ctes);
    }
    for (const t of scope.tables) {
      const set = selectedBy.get(t);
      t.selected = star || !set || set.has('*') ? (star || set?.has('*') ? undefined : []) : [...set];
    }
    this.where(ast.where, scope, ctes);
    for (const g of ast.groupBy ?? []) this.subqueries(g, scope, ctes);
    if (ast.having) this.subqueries(ast.having, scope, ctes);
    // ORDER BY may name an output column (`placed_at AS "placedAt" … ORDER BY "placedAt"`, as Sequelize
    // writes it) or its position (`ORDER BY 2`): read the expression it stands for.
    const orderBy = (ast.orderBy ?? []).map((o: any) => ({ ...o, by: outputColumn(o.by, cols) ?? o.by }));
    // Every column mentioned (INCLUDE needs all of them for an index-only scan).
    const everything = [ast.columns, ast.where, ast.groupBy, ast.having, orderBy, ...(ast.from ?? []).map((f: any) => f.join?.on)];
    for (const piece of everything) {
      for (const r of refsIn(piece)) {
        const t = r.table ? this.resolveTable(scope, r.table) : scope.tables.length === 1 ? scope.tables[0] : undefined;
        if (t && !t.referenced.includes(r.column)) t.referenced.push(r.column);
      }
    }
    const limit = ast.limit?.limit;
    if (limit) {
      const v = limit.type === 'integer' ? Number(limit.value) : limit.type === 'parameter' ? 'param' : undefined;
      if (v !== undefined) for (const t of scope.tables) t.limit = v;
    }
    // A grouped statement's rows are made by the grouping: only ORDER BY keys that are GROUP BY expressions can come out
    // of an index in order; a key computed over the groups (an aggregate, a user-defined one too) ends the usable keys.
    const grouped = !!ast.groupBy?.length || (ast.columns ?? []).some((c: any) => refsAggregate(c.expr));
    const groupKeys = new Set((ast.groupBy ?? []).map((g: any) => outputColumn(g, cols) ?? g).map((g: any) => operandOf(g)).filter((o: Operand | undefined): o is Operand => !!o).map(operandText));
    const notGroupKey = (o: any) => {
      const op = operandOf(o.by);
      return !op || !groupKeys.has(operandText(op));
    };
    const firstOther = grouped ? orderBy.findIndex(notGroupKey) : -1;
    this.orderBy(firstOther < 0 ? orderBy : orderBy.slice(0, firstOther), scope);
  }

  private from(items: From[], scope: Scope, ctes: Set<string>): void {
    for (const f of items as any[]) {
      if (f.type === 'table') {
        this.addTable(scope, f.name, ctes);
      } else if (f.type === 'statement') {
        // A derived table: analyse it as its own block; its alias is not a base table. A LATERAL one sees the FROM items
        // before it (`unnest($1) AS k(key) CROSS JOIN LATERAL (… WHERE r.product_id = k.key …)`: a key per outer row).
        this.statement(f.statement, f.lateral ? scope : scope.parent, ctes);
        if (f.alias) scope.virtual.add(String(f.alias).toLowerCase());
      } else if (f.type === 'call') {
        if (f.alias?.name) scope.virtual.add(String(f.alias.name).toLowerCase());
      }
      const j = f.join;
      if (j) (scope.joins ??= new Set()).add(String(j.type ?? 'INNER JOIN').toUpperCase());
      if (j?.on && /^(INNER JOIN|LEFT JOIN|RIGHT JOIN|JOIN)$/i.test(j.type ?? 'INNER JOIN')) this.where(j.on, scope, ctes);
      if (j?.using && f.type === 'table') {
        const right = this.lastTable(scope);
        for (const u of j.using) {
          const col = String(u.name);
          for (const other of scope.tables) {
            if (other === right || !right) continue;
            right.joinKeys.push({ column: col, other: { table: other.key, column: col } });
            other.joinKeys.push({ column: col, other: { table: right.key, column: col } });
            break;
          }
        }
      }
    }
  }

  private lastTable(scope: Scope): TableUse | undefined {
    return scope.tables[scope.tables.length - 1];
  }

  private addTable(scope: Scope, name: any, ctes: Set<string>): TableUse | undefined {
    if (!name?.name) return undefined;
    const tableName = String(name.name);
    if (!name.schema && ctes.has(tableName.toLowerCase())) {
      scope.virtual.add(String(name.alias ?? tableName).toLowerCase());
      return undefined;
    }
    const t: TableUse = {
      key: String(name.alias ?? tableName),
      schema: name.schema ? String(name.schema) : undefined,
      name: tableName,
      alias: name.alias ? String(name.alias) : undefined,
      predicates: [],
      orderBy: [],
      joinKeys: [],
      referenced: [],
      span: loc(name),
    };
    scope.tables.push(t);
    this.out.tables.push(t);
    return t;
  }

  private resolveTable(scope: Scope | undefined, qualifier: string): TableUse | undefined {
    const q = qualifier.toLowerCase();
    for (let s = scope; s; s = s.parent) {
      if (s.virtual.has(q)) return undefined;
      const hit = s.tables.find((t) => t.key.toLowerCase() === q || (!t.alias && t.name.toLowerCase() === q));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The qualifier names a relation of an enclosing block (a table, CTE, function or subquery there), not of this one. */
  private enclosing(scope: Scope, qualifier: string | undefined): boolean {
    if (!qualifier) return false;
    const q = qualifier.toLowerCase();
    const has = (s: Scope) => s.virtual.has(q) || s.tables.some((t) => t.key.toLowerCase() === q || (!t.alias && t.name.toLowerCase() === q));
    if (has(scope)) return false;
    for (let s = scope.parent; s; s = s.parent) if (has(s)) return true;
    return false;
  }

  /** The table a column reference belongs to, or the candidates when unqualified and ambiguous. */
  private owner(scope: Scope, ref: { table?: string; column: string }): TableUse | TableUse[] | undefined {
    if (ref.table) return this.resolveTable(scope, ref.table);
    if (scope.tables.length === 1 && scope.virtual.size === 0) return scope.tables[0];
    if (scope.tables.length === 0) return undefined;
    return scope.tables;
  }

  private where(e: Expr | undefined | null, scope: Scope, ctes: Set<string>): void {
    if (!e) return;
    for (const c of conjuncts(e)) {
      this.conjunct(c, scope);
      this.subqueries(c, scope, ctes);
    }
  }

  /** Subqueries anywhere in an expression are analysed as their own blocks (correlated refs reach the outer scope). */
  private subqueries(e: any, scope: Scope, ctes: Set<string>): void {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e)) {
      for (const x of e) this.subqueries(x, scope, ctes);
      return;
    }
    if (e.type === 'select' || e.type === 'union' || e.type === 'union all' || e.type === 'with') {
      this.statement(e, scope, ctes);
      return;
    }
    for (const k of Object.keys(e)) if (k !== '_location') this.subqueries(e[k], scope, ctes);
  }

  private conjunct(e: any, scope: Scope): void {
    const span = loc(e);
    if (e.type === 'ternary' && e.op === 'BETWEEN') {
      this.add(scope, e.value, { kind: 'range', op: 'BETWEEN', span });
      return;
    }
    if (e.type === 'unary' && e.op === 'IS NULL') {
      this.add(scope, e.operand, { kind: 'is-null', op: 'IS NULL', constant: { kind: 'null' }, span });
      return;
    }
    if (e.type === 'unary' && e.op === 'NOT' && e.operand?.type === 'ref') {
      this.add(scope, e.operand, { kind: 'eq', op: '=', constant: { kind: 'boolean', value: false }, span });
      return;
    }
    if (e.type === 'ref') {
      // WHERE is_active  (a boolean column)
      this.add(scope, e, { kind: 'eq', op: '=', constant: { kind: 'boolean', value: true }, span });
      return;
    }
    if (e.type !== 'binary') return;
    const op = String(e.op).toUpperCase();
    let left = e.left;
    let right = e.right;
    // Column on the right (5 < x, $1 = col): flip so the operand is on the left.
    if (!isOperand(left) && isOperand(right) && ['=', '<', '>', '<=', '>='].includes(op)) {
      [left, right] = [right, left];
      const flipped = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=' } as Record<string, string>;
      return this.compare(scope, left, flipped[op], right, span);
    }
    return this.compare(scope, left, op, right, span);
  }

  private compare(scope: Scope, left: any, op: string, right: any, span?: { start: number; end: number }): void {
    // Join: column = column of another table.
    if (op === '=' && left?.type === 'ref' && right?.type === 'ref') {
      const a = this.owner(scope, { table: left.table?.name, column: left.name });
      const b = this.owner(scope, { table: right.table?.name, column: right.name });
      // Correlated: one side this block's column, the other an enclosing block's (a base table, an unnest, a CTE, a
      // derived table). Per outer row the inner column is compared with one value: an equality of this block, like
      // `= $1`, which its ORDER BY / LIMIT apply to; the outer side keeps its join key.
      const aOut = this.enclosing(scope, left.table?.name);
      const bOut = this.enclosing(scope, right.table?.name);
      if (aOut !== bOut) {
        const [inner, outer, innerName, outerName] = aOut ? [right, a, String(right.name), String(left.name)] : [left, b, String(left.name), String(right.name)];
        const innerOwner = aOut ? b : a;
        this.add(scope, inner, { kind: 'eq', op: '=', correlated: true, span });
        if (outer && !Array.isArray(outer) && innerOwner && !Array.isArray(innerOwner)) outer.joinKeys.push({ column: outerName, other: { table: innerOwner.key, column: innerName } });
        return;
      }
      if (a && b && !Array.isArray(a) && !Array.isArray(b)) {
        if (a !== b) {
          a.joinKeys.push({ column: String(left.name), other: { table: b.key, column: String(right.name) } });
          b.joinKeys.push({ column: String(right.name), other: { table: a.key, column: String(left.name) } });
        }
        return;
      }
      if (a && b) return; // ambiguous join columns: say nothing
    }
    if (!isValue(right)) return;
    switch (op) {
      case '=':
        if (right?.type === 'call' && /^(any|some)$/i.test(right.function?.name ?? '')) {
          this.add(scope, left, { kind: 'in', op: 'ANY', span });
        } else {
          this.add(scope, left, { kind: 'eq', op: '=', constant: constantOf(right), span });
        }
        return;
      case '<':
      case '>':
      case '<=':
      case '>=':
        this.add(scope, left, { kind: 'range', op, constant: constantOf(right), span });
        return;
      case 'IN': {
        if (right?.type === 'list') {
          const values = (right.expressions ?? []).map(constantOf);
          this.add(scope, left, { kind: 'in', op: 'IN', values: values.every(Boolean) ? (values as Constant[]) : undefined, span });
        } else {
          this.add(scope, left, { kind: 'in', op: 'IN', span });
        }
        return;
      }
      case 'LIKE':
      case 'ILIKE': {
        const c = constantOf(right);
        if (c?.kind === 'string') {
          this.add(scope, left, { kind: 'like', op, pattern: c.value, leadingWildcard: /^[%_]/.test(c.value), span });
        }
        return;
      }
      case '@>':
      case '?':
      case '?|':
      case '?&':
        this.add(scope, left, { kind: 'jsonb', op, span });
        return;
      case '@@':
        this.add(scope, left, { kind: 'fts', op, span });
        return;
      default:
        return;
    }
  }

  private add(scope: Scope, target: any, p: Omit<Predicate, 'target'>): void {
    const operand = operandOf(target);
    if (!operand) return;
    const refs = refsIn(target);
    const owners = new Set<TableUse>();
    const ambiguous: string[][] = [];
    for (const r of refs) {
      const o = this.owner(scope, r);
      if (!o) return; // a CTE/subquery column or an outer reference we cannot place
      if (Array.isArray(o)) ambiguous.push(o.map((t) => t.key));
      else owners.add(o);
    }
    const predicate = { ...p, target: operand } as Predicate;
    if (owners.size === 1 && ambiguous.length === 0) {
      [...owners][0].predicates.push(predicate);
    } else if (owners.size === 0 && ambiguous.length && operand.kind === 'column') {
      this.out.unresolved.push({ candidates: ambiguous[0], predicate });
    }
  }

  private orderBy(items: OrderByStatement[], scope: Scope): void {
    if (!items.length) return;
    const keys: { t: TableUse; k: OrderKey }[] = [];
    let whole = true;
    for (const o of items as any[]) {
      const operand = operandOf(o.by);
      const refs = operand ? refsIn(o.by) : [];
      const owner = refs.length ? this.owner(scope, refs[0]) : undefined;
      if (!operand || !owner || Array.isArray(owner) || refs.slice(1).some((r) => this.owner(scope, r) !== owner)) {
        whole = false;
        break;
      }
      keys.push({ t: owner, k: { target: operand, direction: o.order === 'DESC' ? 'DESC' : 'ASC', nulls: o.nulls } });
    }
    const t = keys[0]?.t;
    if (!t) return;
    if (whole && keys.every((x) => x.t === t)) {
      t.orderBy = keys.map((x) => x.k);
      return;
    }
    // The leading keys on one table, the rest on others (or not placed): that table's prefix, when it drives the join —
    // the first table of a FROM list with no RIGHT or FULL join (LEFT JOIN keeps every row of it, in its order through a
    // nested loop), or any table when every join is an inner one.
    const lead: OrderKey[] = [];
    for (const x of keys) {
      if (x.t !== t) break;
      lead.push(x.k);
    }
    const joins = [...(scope.joins ?? [])];
    const drives = joins.every((j) => /^(INNER )?JOIN$|^CROSS JOIN$/.test(j)) || (scope.tables[0] === t && joins.every((j) => !/^(RIGHT|FULL)/.test(j)));
    if (drives) t.orderByLead = lead;
  }

}

/**
 * The select-list expression an ORDER BY item stands for, as PostgreSQL reads it: a position
 * (`ORDER BY 2`), or a bare name equal to exactly one output column's alias (an output name wins
 * over an input column of the same name). Undefined when the item is an ordinary expression.
 */
function outputColumn(by: any, cols: SelectedColumn[]): any {
  if (by?.type === 'integer') {
    const e: any = cols[Number(by.value) - 1]?.expr;
    return e && !(e.type === 'ref' && e.name === '*') ? e : undefined;
  }
  if (by?.type !== 'ref' || by.table || by.name === '*') return undefined;
  const named = cols.filter((c) => c.alias?.name === by.name);
  return named.length === 1 ? named[0].expr : undefined;
}

/** The AND-ed parts of a condition (an OR stays one opaque part). */
function conjuncts(e: any): any[] {
  if (!e) return [];
  if (e.type === 'binary' && String(e.op).toUpperCase() === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

function loc(node: any): { start: number; end: number } | undefined {
  const l = node?._location;
  return l && typeof l.start === 'number' ? { start: l.start, end: l.end } : undefined;
}

function isOperand(e: any): boolean {
  return !!e && (e.type === 'ref' || e.type === 'call' || e.type === 'cast' || e.type === 'member') && refsIn(e).length > 0;
}

/** A value side: literals, parameters, calls without columns (now(), to_tsquery($1)), casts of those. */
function isValue(e: any): boolean {
  if (!e) return false;
  if (e.type === 'select' || e.type === 'union' || e.type === 'union all' || e.type === 'with') return false;
  return refsIn(e).length === 0 && !containsSubquery(e);
}

function containsSubquery(e: any): boolean {
  if (!e || typeof e !== 'object') return false;
  if (Array.isArray(e)) return e.some(containsSubquery);
  if (e.type === 'select' || e.type === 'union' || e.type === 'union all') return true;
  return Object.keys(e).some((k) => k !== '_location' && containsSubquery(e[k]));
}

function constantOf(e: any): Constant | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'string':
      return { kind: 'string', value: String(e.value) };
    case 'integer':
    case 'numeric':
      return { kind: 'number', value: Number(e.value) };
    case 'boolean':
      return { kind: 'boolean', value: !!e.value };
    case 'null':
      return { kind: 'null' };
    case 'cast':
      return constantOf(e.operand);
    default:
      return undefined;
  }
}

/** Column references inside an expression (not descending into subqueries). */
/** Does the expression call a known aggregate or a window function (outside subqueries)? */
function refsAggregate(e: any): boolean {
  let found = false;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.type === 'select' || n.type === 'union' || n.type === 'union all' || n.type === 'with') return;
    if (n.type === 'call' && (n.over || (!n.function?.schema && AGGREGATE_FUNCTIONS.has(String(n.function?.name).toLowerCase())))) {
      found = true;
      return;
    }
    for (const k of Object.keys(n)) if (k !== '_location') walk(n[k]);
  };
  walk(e);
  return found;
}

function refsIn(e: any): { table?: string; column: string }[] {
  const out: { table?: string; column: string }[] = [];
  const walk = (n: any) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.type === 'select' || n.type === 'union' || n.type === 'union all' || n.type === 'with') return;
    if (n.type === 'ref') {
      if (n.name !== '*') out.push({ table: n.table?.name, column: String(n.name) });
      return;
    }
    for (const k of Object.keys(n)) if (k !== '_location') walk(n[k]);
  };
  walk(e);
  return out;
}

/** A plain column, or an indexable expression over one table's columns (qualifiers dropped). */
function operandOf(e: any): Operand | undefined {
  if (!e) return undefined;
  if (e.type === 'ref' && e.name !== '*') return { kind: 'column', column: String(e.name) };
  if (e.type === 'call' || e.type === 'cast' || e.type === 'member') {
    const sql = renderExpr(e);
    if (!sql) return undefined;
    const columns = [...new Set(refsIn(e).map((r) => r.column))];
    if (!columns.length) return undefined;
    return { kind: 'expression', sql, columns };
  }
  return undefined;
}

/** PostgreSQL identifier, quoted only when it must be (one implementation: core/sql/ident). */
export { ident };

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A constant as SQL text: a string quoted, a number as written, true/false, NULL. */
export function sqlLiteral(c: Constant): string {
  switch (c.kind) {
    case 'string':
      return literal(c.value);
    case 'number':
      return String(c.value);
    case 'boolean':
      return c.value ? 'true' : 'false';
    case 'null':
      return 'NULL';
  }
}

/** PostgreSQL's built-in aggregate functions (the ones apps call): never in an index expression. */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'array_agg', 'string_agg',
  'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bit_and', 'bit_or', 'bit_xor', 'xmlagg', 'range_agg', 'range_intersect_agg', 'any_value',
  'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy', 'regr_count',
  'regr_intercept', 'regr_r2', 'regr_slope', 'regr_sxx', 'regr_sxy', 'regr_syy', 'percentile_cont', 'percentile_disc', 'mode', 'rank', 'dense_rank',
  'percent_rank', 'cume_dist', 'json_objectagg', 'json_arrayagg']);

/**
 * SQL text of an index expression (column qualifiers dropped); undefined when it holds params, subqueries, an aggregate or
 * a window function — PostgreSQL refuses those in an index ("aggregate functions are not allowed in index expressions";
 * person42 M3: `ORDER BY revenue` for `coalesce(sum(total_cents), 0) AS revenue` was tried as an index and failed).
 */
function renderExpr(e: any): string | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'ref':
      return e.name === '*' ? undefined : ident(String(e.name));
    case 'string':
    case 'integer':
    case 'numeric':
    case 'boolean':
    case 'null':
      return sqlLiteral(constantOf(e)!);
    case 'call': {
      if (e.over || e.filter || e.orderBy || e.distinct || e.withinGroup) return undefined;
      if (!e.function.schema && AGGREGATE_FUNCTIONS.has(String(e.function.name).toLowerCase())) return undefined;
      const args = (e.args ?? []).map(renderExpr);
      if (args.some((a: string | undefined) => a === undefined)) return undefined;
      const fn = (e.function.schema ? ident(e.function.schema) + '.' : '') + ident(String(e.function.name).toLowerCase());
      return `${fn}(${args.join(', ')})`;
    }
    case 'cast': {
      const inner = renderExpr(e.operand);
      const to = typeName(e.to);
      return inner && to ? `(${inner})::${to}` : undefined;
    }
    case 'member': {
      const inner = renderExpr(e.operand);
      const m = typeof e.member === 'number' ? String(e.member) : literal(String(e.member));
      return inner ? `(${inner} ${e.op} ${m})` : undefined;
    }
    default:
      return undefined;
  }
}

function typeName(t: any): string | undefined {
  if (!t?.name) return undefined;
  const base = String(t.name).toLowerCase();
  if (!/^[a-z_][a-z0-9_ ]*$/.test(base)) return undefined;
  const cfg = Array.isArray(t.config) && t.config.length ? `(${t.config.join(', ')})` : '';
  return (t.schema ? ident(t.schema) + '.' : '') + base + cfg + (t.kind === 'array' ? '[]' : '');
}

/** Columns an operand reads. */
export function operandColumns(o: Operand): string[] {
  return o.kind === 'column' ? [o.column] : o.columns;
}

/** A stable text for an operand (expression SQL or column name). */
export function operandText(o: Operand): string {
  return o.kind === 'column' ? ident(o.column) : o.sql;
}

/**
 * Where each $n goes, for a person asked to type a value: "customer_id = $1 (orders)" from the statement's
 * predicates (their text as written), else the column an INSERT gives it ("the value of reviews.rating
 * (INSERT)"), an UPDATE's SET ("SET status = $1 (orders)"), or LIMIT / OFFSET; a parameter used elsewhere
 * gets nothing. Comparisons inside OR / NOT, nested expressions, JOIN … ON and subqueries count too, and a parameter
 * compared with several columns names the first two ("a.t > $2; b.t > $2").
 */
export function parameterUses(sql: string): Map<number, string> {
  const out = new Map<number, string>();
  const shape = statementShape(sql);
  if (!shape) return out;
  const short = (t: string) => {
    const one = t.replace(/\s+/g, ' ').trim();
    return one.length > 80 ? `${one.slice(0, 79)}…` : one;
  };
  // Every comparison of $n with a column, in the order written: the index-relevant predicates (with their table), then
  // any other comparison — inside OR / NOT, a nested expression, a JOIN's ON, a subquery (person16 LOW 3: `a.t > $2 OR
  // b.t > $2` was "Not compared with a column"). A parameter compared with two columns names both.
  const compared = new Map<number, { text: string; table?: string }[]>();
  const note = (n: number, text: string, table?: string) => {
    const list = compared.get(n) ?? [];
    if (!list.some((x) => x.text === text)) list.push({ text, table });
    compared.set(n, list);
  };
  const uses = [...shape.tables.flatMap((t) => t.predicates.map((p) => ({ p, table: t.name }))), ...shape.unresolved.map((u) => ({ p: u.predicate, table: undefined }))];
  for (const { p, table } of uses) {
    if (!p.span) continue;
    const text = short(sql.slice(p.span.start, p.span.end));
    for (const m of text.matchAll(/\$(\d+)\b/g)) note(Number(m[1]), text, table);
  }
  const ast = analysisAst(sql) as any;
  const comparisons = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(comparisons);
    const o = node as any;
    const at = o._location as { start: number; end: number } | undefined;
    const sides = o.type === 'binary' && COMPARISON.has(String(o.op).toUpperCase()) ? [o.left, o.right] : o.type === 'ternary' ? [o.value, o.lo, o.hi] : undefined;
    // A side that is a subquery is read on its own (its comparisons are its own).
    if (sides && at && !sides.some(containsSubquery)) {
      const params = new Set(sides.flatMap((x) => parametersIn(x)));
      const columns = sides.some((x) => refsIn(x).length > 0);
      if (columns) for (const n of params) note(n, short(sql.slice(at.start, at.end)));
    }
    for (const [k, v] of Object.entries(o)) if (k !== '_location' && v && typeof v === 'object') comparisons(v);
  };
  comparisons(ast);
  for (const [n, list] of compared) {
    const shown = list.slice(0, 2).map((x) => `${x.text}${x.table ? ` (${x.table})` : ''}`).join('; ');
    out.set(n, list.length > 2 ? `${shown}; ${list.length - 2} more` : shown);
  }
  const give = (e: unknown, what: string) => {
    for (const n of parametersIn(e)) if (!out.has(n)) out.set(n, what);
  };
  const sets = (list: any[] | undefined, table: string, how: string) => {
    for (const x of list ?? []) {
      const at = x.value?._location;
      give(x.value, `SET ${x.column?.name} = ${at ? short(sql.slice(at.start, at.end)) : '…'} (${table}${how})`);
    }
  };
  if (ast?.type === 'insert') {
    const table = String(ast.into?.name ?? '?');
    const cols: string[] = (ast.columns ?? []).map((c: any) => String(c.name));
    const column = (j: number) => `the value of ${cols[j] ? `${table}.${cols[j]}` : `column ${j + 1} of ${table}`} (INSERT)`;
    if (ast.insert?.type === 'values') for (const row of ast.insert.values ?? []) (row as unknown[]).forEach((e, j) => give(e, column(j)));
    else if (ast.insert?.type === 'select') (ast.insert.columns ?? []).forEach((c: any, j: number) => give(c.expr, column(j)));
    sets(ast.onConflict?.do?.sets, table, ', ON CONFLICT');
  } else if (ast?.type === 'update') sets(ast.sets, String(ast.table?.name ?? '?'), '');
  // LIMIT / OFFSET of the statement itself (a subquery's read alike).
  const limits = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const l = (node as any).limit;
    if (l && typeof l === 'object' && !Array.isArray(l) && ('limit' in l || 'offset' in l)) {
      give(l.limit, 'LIMIT: how many rows at most');
      give(l.offset, 'OFFSET: how many rows to skip');
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') limits(v);
  };
  limits(ast);
  // Anything else (an argument of a function in FROM or in the select list: websearch_to_tsquery('english', $1)): the
  // innermost function call around it, as written (person9: the search statement's $1 prompt had no context at all).
  const around = (node: unknown, call: { _location?: { start: number; end: number } } | undefined): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((x) => around(x, call));
    const o = node as { type?: unknown; name?: unknown; _location?: { start: number; end: number } };
    if (o.type === 'parameter' && typeof o.name === 'string' && /^\$\d+$/.test(o.name)) {
      const n = Number(o.name.slice(1));
      // A function in FROM carries its alias in its span ("… AS query"): the call ends at its last parenthesis.
      const text = call?._location && sql.slice(call._location.start, call._location.end);
      if (!out.has(n) && text) out.set(n, short(text.slice(0, text.lastIndexOf(')') + 1) || text));
      return;
    }
    const inner = o.type === 'call' && o._location ? o : call;
    for (const v of Object.values(node)) if (v && typeof v === 'object') around(v, inner);
  };
  around(ast, undefined);
  return out;
}

/**
 * The plain column each $n is compared with (`id = $1`, `customer_id = ANY($1)`, `placed_at > $2`) and its table as the
 * statement names it: where an example value can come from (the column's most common value in pg_stats) when no value
 * was given before (person21 LOW 5: the prompts for `$1` were empty). The first such column per $n.
 */
export function parameterColumns(sql: string): Map<number, { schema?: string; table: string; column: string; given?: true }> {
  const out = new Map<number, { schema?: string; table: string; column: string; given?: true }>();
  const shape = statementShape(sql);
  if (!shape) return out;
  for (const t of shape.tables) {
    for (const p of t.predicates) {
      if (!p.span || p.correlated || p.target.kind !== 'column' || !['eq', 'in', 'range'].includes(p.kind)) continue;
      const params = [...new Set([...sql.slice(p.span.start, p.span.end).matchAll(/\$(\d+)\b/g)].map((m) => Number(m[1])))];
      if (params.length === 1 && !out.has(params[0])) out.set(params[0], { schema: t.schema, table: t.name, column: p.target.column });
    }
  }
  // A value an INSERT gives a column (`VALUES ($1, $2, …)`) or an UPDATE sets (`SET status = $1`) as it is: the column's
  // statistics give its example too (person31 L2: an INSERT's prompts had no example where a SELECT's had one).
  const ast = analysisAst(sql) as any;
  const bare = (e: any) => (e?.type === 'parameter' && /^\$\d+$/.test(String(e.name)) ? Number(String(e.name).slice(1)) : undefined);
  const give = (e: any, table: any, column: unknown) => {
    const n = bare(e);
    // `given`: the value is the column's (NULL stored as NULL), not compared with it.
    if (n !== undefined && typeof column === 'string' && table?.name && !out.has(n)) out.set(n, { ...(table.schema ? { schema: String(table.schema) } : {}), table: String(table.name), column, given: true });
  };
  if (ast?.type === 'insert' && ast.insert?.type === 'values') {
    const cols: string[] = (ast.columns ?? []).map((c: any) => String(c.name));
    for (const row of ast.insert.values ?? []) (row as unknown[]).forEach((e, j) => give(e, ast.into, cols[j]));
  } else if (ast?.type === 'update') {
    for (const x of ast.sets ?? []) give(x.value, ast.table, x.column?.name);
  }
  return out;
}

/** An example value for `$n` from the statistics of the column it is compared with (db/catalog's parameterExamples). */
export interface ParameterExample {
  value: string;
  /** table.column */
  from: string;
  /** The middle bound of the column's histogram (a typical value), or its most common value (a column of few values has no histogram). */
  kind: 'common' | 'histogram';
}

/**
 * The value a `$n` prompt starts with when the person gave none before: the constant the code passes for it (person54
 * L-8: "In the code: 'paid'" with an empty box and pg_stats' "delivered" for example), else a page of 20 for LIMIT, the
 * first page for OFFSET, else the example from the column's statistics; '' (NULL) when there is none. Empty, Enter
 * planned `LIMIT NULL` over the whole table and the example stayed in the description (person23 LOW 6).
 */
export function prefilledValue(use: string | undefined, example?: ParameterExample, codeValue?: string): string {
  if (codeValue !== undefined) return codeValue;
  if (use?.startsWith('LIMIT:')) return '20';
  if (use?.startsWith('OFFSET:')) return '0';
  return example?.value ?? '';
}

/**
 * The value prompt of `$n` (Explain Analyze, Benchmark): its title says where the value goes ("Value for $2 (2 of 2):
 * "tagList"."name" = $2 (Tags)"), as the person typing it needs to know first (person14 #7: "$2" alone was taken for the
 * limit; it was a tag name), and the argument the code passes for it when the call site names one (person16 LOW 3).
 */
/**
 * `required`: the NOT NULL column an INSERT gives `$n` or an UPDATE sets to it ("reviews.product_id"): no "Empty = NULL"
 * offered (person31 L2: PostgreSQL then refuses the statement).
 */
export function valuePrompt(uses: Map<number, string>, n: number, count: number, array: boolean, argument?: string, example?: ParameterExample, required?: string, codeValue?: string): { title: string; prompt: string } {
  const use = uses.get(n);
  // The code's own name for it (`updationTime` in `db.Query(sql, userID, updationTime)`), when the call site gives one.
  const named = argument && argument !== `$${n}` ? argument : undefined;
  const of = [named, count > 1 ? `${n} of ${count}` : ''].filter(Boolean).join(', ');
  return {
    title: `Value for $${n}${of ? ` (${of})` : ''}${use ? `: ${use}` : ''}`,
    prompt: `${named ? `In the code: ${named}${codeValue !== undefined ? ' (filled in)' : ''}. ` : ''}${use ? `In the query: ${use}. ` : 'Not compared with a column in the query. '}${array ? 'An array: 1, 2, 3 (or {1,2,3}). ' : ''}${example && codeValue === undefined ? `For example ${shortValue(example.value)} (${example.kind === 'histogram' ? 'a value from the middle of the histogram' : 'the most common value'} of ${example.from} in pg_stats). ` : ''}${required ? `Required: ${required} is NOT NULL.` : 'Empty = NULL.'}`,
  };
}

/** Operators that compare a value with a column (not AND / OR, not arithmetic: `a + $1 > 5` is one comparison). */
const COMPARISON = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', 'LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE', 'SIMILAR TO', 'NOT SIMILAR TO', 'IN', 'NOT IN', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM', '@>', '<@', '&&', '?', '?|', '?&', '@@', '~', '~*', '!~', '!~*']);

/** The $n numbers an expression holds. */
function parametersIn(e: unknown): number[] {
  const out: number[] = [];
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(walk);
    const o = x as { type?: unknown; name?: unknown };
    if (o.type === 'parameter' && typeof o.name === 'string' && /^\$\d+$/.test(o.name)) out.push(Number(o.name.slice(1)));
    for (const v of Object.values(x)) walk(v);
  };
  walk(e);
  return out;
}

/**
 * Is `$n` an array in the statement (`$n::bigint[]`, `= ANY($n)`)? Explain Analyze asks its value as text; "1000" for an
 * array was PostgreSQL's "malformed array literal" (person8's hour).
 */
export function isArrayParameter(sql: string, n: number): boolean {
  return new RegExp(`\\$${n}\\s*::\\s*[\\w." (),]+?\\[\\]|\\bANY\\s*\\(\\s*\\$${n}\\b`, 'i').test(sql);
}

/** A value typed for an array parameter as PostgreSQL's array literal: "1000" → "{1000}", "1, 2" → "{1,2}"; "{…}" as typed. */
export function arrayLiteralOf(typed: string): string {
  const t = typed.trim();
  if (t.startsWith('{')) return t;
  return `{${t.split(',').map((x) => x.trim()).filter((x) => x !== '').join(',')}}`;
}

/** A value shown in a prompt: one line, at most 60 characters. */
function shortValue(v: string): string {
  const one = v.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}
