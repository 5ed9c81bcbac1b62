/**
 * Go: the N+1 detector's view of the syntax tree (call chains, loops, functions)
 * and what a database call looks like for its drivers, query builders and ORMs.
 */
import { field, named, same, isFieldOfParent, stringValue, buildChain, counterBound, loopBody, calleeParts, memberParts, type MemberSyntax, type Node, type Chain, type LanguageAdapter, type LoopInfo, type CallShape } from '../../nplusone/syntax';
import { names, chainArgsText, firstArg, sqlOf, opOfSql, BATCH_SQL, type DbCall, type Library } from '../../nplusone/dbCalls';
import { usesModule, type FileContext } from '../../nplusone/context';

const GO_MEMBER: MemberSyntax = { access: 'selector_expression', object: 'operand', name: 'field', index: 'index_expression' };

function goCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call_expression') return undefined;
  const fn = field(n, 'function');
  return fn ? calleeParts(fn, field(n, 'arguments'), GO_MEMBER) : undefined;
}

const goMember = (n: Node) => memberParts(n, GO_MEMBER);

function goIsOutermost(n: Node): boolean {
  return !isFieldOfParent(n, 'selector_expression', 'operand') || n.parent!.parent?.type !== 'call_expression';
}

/**
 * `for m := range sub.Receiver`, `for job := range jobs`: the ranged name (or field) is declared a channel in this
 * file — `jobs <-chan Job` (a parameter or a struct field), `pending := make(chan string)`, `var c chan T` — or is a
 * subscription's receiver / a channel by its name (`Receiver`, `xxxCh`, `xxxChan`, `…Channel`).
 */
function rangesOverChannel(right: Node, loop: Node): boolean {
  const name = /(?:^|\.)([A-Za-z_]\w*)$/.exec(right.text)?.[1];
  if (!name) return false;
  if (right.text === name && streamsAWalk(name, loop)) return false;
  if (/^(Receiver|\w*Chan|\w+Ch|\w*Channel)$/.test(name) && !/^(Channel|Chan)$/.test(name)) return true;
  let root = loop;
  while (root.parent) root = root.parent;
  const nm = name; // a Go identifier: nothing to escape
  return new RegExp(`\\b${nm}\\s+(?:<-\\s*)?chan\\b|\\b${nm}\\s*:?=\\s*make\\(\\s*(?:<-\\s*)?chan\\b|\\b${nm}\\s*,[^\\n()]*\\b(?:<-\\s*)?chan\\b`).test(root.text);
}

/**
 * A channel the loop's own function makes and hands to a producer goroutine it starts (`pointers := make(chan …)`, `go
 * lfs.SearchPointerBlobs(ctx, r, pointers, errs)`, then `for p := range pointers`): an iterator over the items of a walk
 * the function started itself, drained to its end — one iteration per item, not a consumer of messages sent elsewhere
 * (held-out-aa soft-serve: a SELECT per LFS pointer of the repository). A worker ranging over a queue it was handed, one
 * made elsewhere, or a subscription started on a goroutine (`go bus.Subscribe(ctx, events)`) stays a consumer.
 */
function streamsAWalk(name: string, loop: Node): boolean {
  let fn: Node | null = loop.parent;
  while (fn && !/^(function_declaration|method_declaration|func_literal)$/.test(fn.type)) fn = fn.parent;
  if (!fn) return false;
  const text = fn.text.slice(0, loop.startIndex - fn.startIndex);
  // A subscription started on a goroutine (`go bus.Subscribe(ctx, events)`) delivers messages: still a consumer.
  const producer = new RegExp(`(?:^|\\n)\\s*go\\s+([\\w.]+)\\([^\\n]*\\b${name}\\b`).exec(text)?.[1];
  return !!producer && !/(?:Subscribe|Listen|Watch|Consume|Notify|Receive)\w*$/i.test(producer) && new RegExp(`\\b${name}\\s*:?=\\s*make\\(\\s*chan\\b`).test(text);
}

function goLoopOf(n: Node, child: Node): LoopInfo | undefined {
  if (n.type !== 'for_statement') return undefined;
  const body = loopBody(n, child);
  if (!body) return undefined;
  const clause = named(n).find((c) => c.type !== 'block' && c.type !== 'comment');
  if (!clause) return { node: n, kind: 'for', label: 'for', body, shape: 'condition' };
  if (clause.type === 'range_clause') {
    const left = named(field(clause, 'left'));
    const right = field(clause, 'right');
    // for _, u := range users → u; for i := range 10 → counter
    const v = left.length > 1 ? left[1].text : left[0]?.text;
    // A channel receives one message per iteration: a consumer (of an event bus, a worker queue), not a loop over a
    // fetched collection; its N+1, if any, is where the messages are sent.
    if (right && rangesOverChannel(right, n)) return undefined;
    const isInt = right?.type === 'int_literal';
    // `for userID, kind := range subscribers`: the key is the item as much as the value (a read by `userID` is per item).
    const key = left.length > 1 && left[0].text !== '_' ? left[0].text : undefined;
    return { node: n, kind: 'range', label: 'for … range', variable: v === '_' ? undefined : v, ...(key ? { key } : {}), iterable: right, body, shape: isInt ? 'counter' : 'collection', count: isInt ? Number(right!.text) : undefined };
  }
  if (clause.type === 'for_clause') {
    const init = field(clause, 'initializer');
    const v = init ? named(field(init, 'left'))[0]?.text : undefined;
    const cond = field(clause, 'condition');
    let iterable: Node | undefined;
    const m = cond ? /<=?\s*len\((\w[\w.]*)\)/.exec(cond.text) : null;
    if (m && cond) iterable = cond.descendantsOfType(['identifier', 'selector_expression']).find((x) => x?.text === m[1]) ?? undefined;
    const lit = cond ? /<\s*(\d+)$/.exec(cond.text.trim()) : null;
    const bound = counterBound(cond, v);
    return { node: n, kind: 'for', label: 'for', variable: v, iterable, body, shape: 'counter', count: lit ? Number(lit[1]) : undefined, ...(bound ? { bound } : {}) };
  }
  // for rows.Next() { … } iterates the rows of one result.
  if (/\.(Next|NextResultSet)\(\)$/.test(clause.text)) {
    const rows = clause.text.replace(/\.(Next|NextResultSet)\(\)$/, '');
    return { node: n, kind: 'result-set', label: `for ${clause.text}`, variable: rows, body, shape: 'collection' };
  }
  return { node: n, kind: 'for', label: 'for', body, shape: 'condition' };
}

export function goAdapter(): LanguageAdapter {
  return {
    lang: 'go',
    callTypes: new Set(['call_expression']),
    chainOf: (n) => (goIsOutermost(n) ? buildChain(n, goCallParts, goMember, /^$/) : undefined),
    loopOf: goLoopOf,
    functionTypes: new Set(['function_declaration', 'method_declaration', 'func_literal']),
    functionDef: (n) => ((n.type === 'function_declaration' || n.type === 'method_declaration') && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type !== 'call_expression') return undefined;
      const fn = field(n, 'function');
      if (fn?.type === 'identifier') return fn.text;
      if (fn?.type === 'selector_expression' && field(fn, 'operand')?.type === 'identifier') return '.' + field(fn, 'field')?.text;
      return undefined;
    },
    exitTypes: new Set(['return_statement', 'break_statement']),
    stringTypes: new Set(['interpreted_string_literal', 'raw_string_literal']),
    arrayTypes: new Set(['composite_literal']),
    commentTypes: new Set(['comment']),
    readsInto: goReadsInto,
    // database/sql and pgx `QueryRow`, sqlx `Get`, GORM `First`/`Take`/`Last`: one row.
    oneRowMethods: new Set(['QueryRow', 'QueryRowContext', 'QueryRowx', 'QueryRowxContext', 'Get', 'GetContext', 'First', 'Take', 'Last']),
    consumerLoop: (n) => {
      if (n.type !== 'for_statement') return false;
      const clause = named(n).find((c) => c.type === 'range_clause');
      const right = clause ? field(clause, 'right') : undefined;
      return !!right && rangesOverChannel(right, n);
    },
    startsGoroutine: goStartsGoroutine,
  };
}

/** `db.QueryRow(…).Scan(&n, &total)`, `rows.Scan(&id)`: the names Scan fills (its `&name` and plain name arguments). */
function goReadsInto(call: Node): string[] | undefined {
  const fn = call.type === 'call_expression' ? field(call, 'function') : undefined;
  if (fn?.type !== 'selector_expression' || field(fn, 'field')?.text !== 'Scan') return undefined;
  return named(field(call, 'arguments')).map((a) => (a.type === 'unary_expression' ? field(a, 'operand') : a)).filter((a): a is Node => a?.type === 'identifier').map((a) => a.text);
}

/**
 * `go f(i)`, `go func() { … }()`, `wg.Go(func() { … })`, `g.Go(func() error { … })` (sync.WaitGroup.Go, errgroup,
 * conc pools): the statement starts a goroutine and `child` (on the path to a call) runs in it.
 */
function goStartsGoroutine(n: Node, child: Node): boolean {
  if (n.type === 'go_statement') return true;
  if (n.type !== 'call_expression' || child.type !== 'argument_list' || !same(field(n, 'arguments'), child)) return false;
  const fn = field(n, 'function');
  return fn?.type === 'selector_expression' && field(fn, 'field')?.text === 'Go' && named(child).some((a) => a.type === 'func_literal');
}

// Database calls

const GO_SQL_METHODS = /^(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Get|GetContext|Select|SelectContext|NamedExec|NamedExecContext|NamedQuery|NamedQueryContext|QueryRowx|Queryx|QueryxContext|QueryRowxContext)$/;
/** Package-level writes of a database package (zdb's `Insert(ctx, obj)`, `InsertID(ctx, col, q)`, `Update(ctx, obj, cols…)`). */
const GO_PACKAGE_WRITES = /^(Insert|InsertID|Update|Delete)$/;
const GO_CLIENT = /^(db|tx|conn|pool|DB|Db|stmt|dbpool|dbPool|database|sqlDB|pgx|dbConn|txn|writer|reader)$|(DB|Db|Pool|Conn|Tx|Stmt)$/;
const GORM_TERMINAL = /^(First|Find|Take|Last|Create|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|Count|Scan|Pluck|FirstOrCreate|FirstOrInit|Row|Rows|Exec|Raw)$/;
const SQLC_METHOD = /^(Get|List|Create|Update|Delete|Insert|Find|Count|Upsert)[A-Z]\w*$/;
const STORE_METHOD = /^[A-Z][a-z]\w*(Create|Update|Delete|Insert|Upsert|Find|List|Get|Count)$/;

const GORM_BUILDER = /^(WithContext|Where|Or|Not|Model|Table|Preload|Joins|InnerJoins|Order|Unscoped|Select|Omit|Limit|Offset|Scopes|Session|Clauses|Debug|Group|Having|Distinct|Attrs|Assign)$/;
/** Terminals no other Go database library names so (database/sql, sqlx and pgx have Exec/Query/Get/Select). */
const GORM_ONLY_TERMINAL = /^(First|Find|Take|Last|Create|Save|Updates|FirstOrCreate|FirstOrInit|Pluck)$/;

/**
 * `X_DB.Where(…).Order(…).Find(&out)` / `global.DB.First(&u, id)`: a handle named for a DB, then only
 * GORM builder calls up to a GORM terminal (at least one builder, or a terminal only GORM has).
 */
/**
 * A GORM statement handed a list of keys (`Where("id IN ?", ids)`): one statement for many items. `NOT IN (?)` excludes
 * rows (often a subquery: `Where("parent_id NOT IN (?)", db.Table(…))`), it handles no list of items.
 */
const GORM_IN_LIST = /(?<!\bNOT\s+)\bIN\s*\(?\s*\?/i;

function isGormChain(chain: Chain): boolean {
  const segs = chain.segments;
  const n = names(chain);
  const ti = n.findIndex((x, i) => i >= 1 && GORM_TERMINAL.test(x) && segs[i].call);
  if (ti < 1) return false;
  let ci = ti - 1;
  while (ci >= 0 && (GORM_BUILDER.test(n[ci]) || n[ci] === 'Association') && segs[ci].call) ci--;
  // The app's own accessor of its handle (`r.DB(ctx).Find(&album, id)`, a resolver's `func (r *Resolver) DB(ctx) *gorm.DB`
  // in another file of the package): a call named DB on a receiver, then GORM's chain.
  if (ci >= 1 && segs[ci].call && /^(DB|Db|GetDB)$/.test(n[ci]) && !segs[ci - 1].call) return ci < ti - 1 || GORM_ONLY_TERMINAL.test(n[ti]);
  if (ci < 0 || segs[ci].call || !/(^|_)(DB|Db|db)$|^(db|tx)$/.test(n[ci])) return false;
  return ci < ti - 1 || GORM_ONLY_TERMINAL.test(n[ti]);
}

/** ent (entgo.io): a builder of a generated entity client or an edge query of an entity. */
const ENT_BUILDER = /^(Query|Create|CreateBulk|MapCreateBulk|Update|UpdateOne|UpdateOneID|Delete|DeleteOne|DeleteOneID|Query[A-Z]\w*)$/;
/** …and the call that runs it (every one takes the context). */
const ENT_TERMINAL = /^(All|AllX|Only|OnlyX|OnlyID|OnlyIDX|First|FirstX|FirstID|FirstIDX|IDs|IDsX|Count|CountX|Exist|ExistX|Save|SaveX|Exec|ExecX|Scan|ScanX|Int|IntX|Ints|IntsX|String|StringX|Strings|StringsX|Float64|Float64s|Bool|Bools)$/;
/** The generated package a file imports (`<module>/ent`, `<module>/ent/user`) or ent itself. */
const ENT_MODULE = /^entgo\.io\/ent(\/|$)|\/ent(\/\w+)?$/;

/**
 * ent: `client.User.Query().Where(…).All(ctx)`, `tx.File.UpdateOneID(id).SetName(n).Save(ctx)`,
 * `f.QueryChildren().All(ctx)` (an edge), `client.User.Get(ctx, id)`: an entity client (an exported
 * field of the client or transaction) with a builder, then a terminal that takes the context.
 */
function classifyEnt(chain: Chain, ctx: FileContext): DbCall | undefined {
  if (!usesModule(ctx, ENT_MODULE)) return undefined;
  const segs = chain.segments;
  const n = names(chain);
  const last = n.length - 1;
  if (last < 1 || !segs[last].call) return undefined;
  const firstArgText = named(segs[last].args)[0]?.text ?? '';
  if (!/^(ctx|c|context\.\w+\(\)|\w*[Cc]tx)$/.test(firstArgText)) return undefined;
  const label = n.join('(…).');
  // `client.User.Get(ctx, id)`: the entity client's own look-up by id.
  if (/^(Get|GetX)$/.test(n[last]) && last >= 1 && !segs[last - 1].call && /^[A-Z]/.test(n[last - 1])) return { library: 'ent', op: 'read', batch: false, label, method: n[last], model: n[last - 1] };
  if (!ENT_TERMINAL.test(n[last])) return undefined;
  const bi = n.findIndex((x, i) => i < last && ENT_BUILDER.test(x) && segs[i].call);
  if (bi < 0) {
    // A builder bound to a variable and run later: `q := r.db.Entity.Update().Where(…)` … `q.Save(ctx)`.
    const built = !segs[0].call && /^[a-z_]\w*$/.test(n[0]) ? entBuiltIn(chain.node, n[0]) : undefined;
    return built ? { library: 'ent', op: built.write ? 'write' : 'read', batch: /CreateBulk$/.test(built.verb) || /\w+In\(/.test(chainArgsText(chain)), label, method: n[last], model: built.model } : undefined;
  }
  // Query/Create/Update/Delete of an entity client (`X.User.Query()`); an edge query (`QueryOwner`) of an entity value.
  if (!/^Query[A-Z]/.test(n[bi]) && (bi < 1 || segs[bi - 1].call || !/^[A-Z]/.test(n[bi - 1]))) return undefined;
  const write = /^(Create|CreateBulk|MapCreateBulk|Update|UpdateOne|UpdateOneID|Delete|DeleteOne|DeleteOneID)$/.test(n[bi]);
  const batch = /CreateBulk$/.test(n[bi]) || /\w+In\(/.test(chainArgsText(chain));
  return { library: 'ent', op: write ? 'write' : 'read', batch, label, method: n[last], ...(bi >= 1 && !segs[bi - 1].call && /^[A-Z]/.test(n[bi - 1]) ? { model: n[bi - 1] } : {}) };
}

/**
 * The ent builder a variable of the enclosing function holds: bound to an entity client's builder (`q := r.db.Entity.Update()…`,
 * `q = tx.Entity.Query()…`) or declared with a generated builder type (`var q *ent.EntityQuery`), before the call.
 */
function entBuiltIn(node: Node, name: string): { verb: string; model: string; write: boolean } | undefined {
  let fn: Node | null = node.parent;
  while (fn && !/^(function_declaration|method_declaration|func_literal)$/.test(fn.type)) fn = fn.parent;
  if (!fn) return undefined;
  const before = fn.text.slice(0, node.startIndex - fn.startIndex);
  const bound = new RegExp(String.raw`\b${name}\s*:?=\s*(?:[\w.]+\.)?([A-Z]\w*)\.(Query|Create|CreateBulk|Update|UpdateOne|UpdateOneID|Delete|DeleteOne|DeleteOneID)\(`).exec(before);
  if (bound) return { verb: bound[2], model: bound[1], write: bound[2] !== 'Query' };
  const typed = new RegExp(String.raw`\bvar\s+${name}\s+\*ent\.([A-Z]\w*?)(Query|Create|CreateBulk|Update|UpdateOne|Delete|DeleteOne)\b`).exec(before);
  return typed ? { verb: typed[2], model: typed[1], write: typed[2] !== 'Query' } : undefined;
}

/** A chain `<client>.<builder>(…)….<terminal>(…)` (pop, xorm): the chain's parts and the client's and terminal's indexes. */
function clientBuilderTerminal(chain: Chain, terminal: RegExp, builder: RegExp, client: (name: string) => boolean): { segs: Chain['segments']; n: string[]; ti: number; ci: number } | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const ti = n.length - 1;
  if (ti < 1 || !segs[ti].call || !terminal.test(n[ti])) return undefined;
  let ci = ti - 1;
  while (ci >= 0 && segs[ci].call && builder.test(n[ci])) ci--;
  if (ci < 0 || segs[ci].call || !client(n[ci])) return undefined;
  return { segs, n, ti, ci };
}

/** gobuffalo/pop: the query builders of a `*pop.Connection` / `*pop.Query`… */
const POP_BUILDER = /^(Q|Where|Eager|EagerPreload|Select|Order|Paginate|PaginateFromParams|Limit|Scope|Join|LeftJoin|RightJoin|InnerJoin|LeftOuterJoin|RightOuterJoin|GroupBy|Having|RawQuery|WithContext|Clone|Connect)$/;
/** …and the calls that run a statement. */
const POP_TERMINAL = /^(All|First|Last|Find|Count|CountByField|Exists|Load|Reload|Create|ValidateAndCreate|Update|ValidateAndUpdate|UpdateColumns|Save|ValidateAndSave|Destroy|Exec|ExecWithCount)$/;
const POP_WRITE = /^(Create|ValidateAndCreate|Update|ValidateAndUpdate|UpdateColumns|Save|ValidateAndSave|Destroy|Exec|ExecWithCount)$/;

/**
 * gobuffalo/pop in a file that imports it: a connection or transaction (`tx`, `p.db`, `c.tx`), pop's builders, then a
 * terminal — `p.db.Where("tenant_id = ?", id).First(&u)`, `tx.Destroy(&item)`, `c.RawQuery(sql, a).Exec()`.
 */
function classifyPop(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  if (!usesModule(ctx, /gobuffalo\/pop/)) return undefined;
  const at = clientBuilderTerminal(chain, POP_TERMINAL, POP_BUILDER, (x) => GO_CLIENT.test(x) || ctx.clients.has(x));
  if (!at) return undefined;
  const { segs, n, ti, ci } = at;
  const raw = n.indexOf('RawQuery');
  const sqlArg = raw >= 0 ? firstArg(segs[raw]) : undefined;
  const sql = sqlArg && a.stringTypes.has(sqlArg.type) ? stringValue(sqlArg) : undefined;
  const argsText = chainArgsText(chain);
  const batch = /\bIN\s*\(\s*\?\s*\)/i.test(argsText) || /= ANY\s*\(/i.test(argsText) || (sql !== undefined && BATCH_SQL.test(sql));
  const op = raw >= 0 ? opOfSql(sql, n[ti] === 'Exec' || n[ti] === 'ExecWithCount' ? 'write' : 'read') : POP_WRITE.test(n[ti]) ? 'write' : 'read';
  return { library: 'pop', op, batch, label: `${n.slice(0, ci + 1).join('.')}.${n.slice(ci + 1).join('(…).')}`, method: n[ti], ...(sqlArg ? { sqlArg } : {}), ...(sql !== undefined ? { sql } : {}) };
}

/** xorm (xorm.io/xorm): the builders of a `*xorm.Session` / `*xorm.Engine`… */
const XORM_BUILDER = /^(Where|And|Or|In|NotIn|ID|Cols|AllCols|MustCols|Omit|Table|Alias|Join|OrderBy|Asc|Desc|Limit|Select|Distinct|GroupBy|Having|SQL|NoAutoCondition|NoAutoTime|Unscoped|Context|Incr|Decr|SetExpr|NoCascade|Cascade|ForUpdate|Nullable|UseBool|Prepare|Top|NoCache|Exprs)$/;
/** …and the calls that run a statement. */
const XORM_TERMINAL = /^(Get|Find|FindAndCount|Count|Exist|Insert|InsertOne|InsertMulti|Update|Delete|Iterate|Rows|Sum|Sums|SumInt|SumsInt|Exec|Query|QueryString|QueryInterface|Truncate)$/;
const XORM_WRITE = /^(Insert|InsertOne|InsertMulti|Update|Delete|Truncate)$/;

/**
 * xorm in a file that imports it: a session or engine (a parameter or field typed `*xorm.Session`/`*xorm.Engine`, or a
 * handle named for a DB), xorm's builders, then a terminal — `s.Insert(u)`, `s.Where("id = ?", id).Cols("done").Update(t)`,
 * `s.In("task_id", ids).Find(&rows)`.
 */
function classifyXorm(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const imported = usesModule(ctx, /^xorm\.io\/xorm$|go-xorm\/xorm$/);
  if (!imported && usesModule(ctx, /gorm\.io\/gorm|jinzhu\/gorm|gobuffalo\/pop|uptrace\/bun|entgo\.io\/ent|go-pg\/pg/)) return undefined;
  const at = clientBuilderTerminal(chain, XORM_TERMINAL, XORM_BUILDER, (x) => GO_CLIENT.test(x) || !!ctx.clients.get(x)?.startsWith('xorm.'));
  if (!at) return undefined;
  // Without the import: the app's engine held in another package (`p.data.DB.Context(ctx).Where(…).Get(&q)`, Answer's
  // `data.Data`), when xorm's own `Context(ctx)` follows the handle and xorm's builders lead to its terminal (GORM says
  // `WithContext`; held-out-aq: the search-sync loops of files that never import xorm were missed).
  if (!imported && !(at.n[at.ci + 1] === 'Context' && at.ci + 1 < at.ti)) return undefined;
  const { segs, n, ti, ci } = at;
  const sqlArg = /^(Exec|Query|QueryString|QueryInterface)$/.test(n[ti]) ? firstArg(segs[ti]) : undefined;
  const sql = sqlArg && a.stringTypes.has(sqlArg.type) ? stringValue(sqlArg) : undefined;
  const argsText = chainArgsText(chain);
  // `s.In("id", ids)` is the batch; `s.In("uid", uid)` with one value (GetTaskSimpleByUUID) is a look-up by key.
  const inArgs = segs.slice(ci + 1, ti).filter((_x, i) => n[ci + 1 + i] === 'In').map((x) => named(x.args)[1]?.text ?? '');
  const batch = inArgs.some((t) => /\.\.\.$|^\[\]|[a-z](s|IDs|Ids|List|Set|Slice|Map)$|^(ids|keys|uids)$/.test(t)) || n[ti] === 'InsertMulti' || /\bIN\s*\(\s*\?/i.test(argsText) || /= ANY\s*\(/i.test(argsText) || (sql !== undefined && BATCH_SQL.test(sql));
  const op = sqlArg !== undefined ? opOfSql(sql, n[ti] === 'Exec' ? 'write' : 'read') : XORM_WRITE.test(n[ti]) ? 'write' : 'read';
  return { library: 'xorm', op, batch, label: `${n.slice(0, ci + 1).join('.')}.${n.slice(ci + 1).join('(…).')}`, method: n[ti], ...(sqlArg ? { sqlArg } : {}), ...(sql !== undefined ? { sql } : {}) };
}

/** uptrace/bun: the query a DB, a transaction or an IDB makes (`db.NewSelect()`, `tx.NewInsert()`)… */
const BUN_BUILDER = /^New(Select|Insert|Update|Delete|Raw|Values|Merge|TruncateTable|CreateTable|DropTable|CreateIndex|DropIndex|AddColumn|DropColumn)$/;
/** …and the call that runs it. */
const BUN_TERMINAL = /^(Scan|Exec|Count|ScanAndCount|Exists|Rows)$/;

/**
 * uptrace/bun: `db.db.NewSelect().Model(&cols).Where("board_template = ?", id).Scan(ctx)`, `tx.NewDelete()…Exec(ctx)`,
 * `db.NewRaw("SELECT …", a).Scan(ctx, &out)` — a builder made by a receiver, bun's chain, then the call that runs it
 * with the context. In a file that imports bun, or (a handle from another package) a terminal given the context.
 */
function classifyBun(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const ti = n.length - 1;
  if (ti < 1 || !segs[ti].call || !BUN_TERMINAL.test(n[ti])) return undefined;
  const bi = n.findIndex((x, i) => i >= 1 && i < ti && segs[i].call && BUN_BUILDER.test(x));
  const ctxArg = named(segs[ti].args)[0]?.text ?? '';
  const ctxOk = usesModule(ctx, /uptrace\/bun/) || /^(ctx|c|context\.\w+\(\)|\w*[Cc]tx)$/.test(ctxArg);
  if (bi < 0 && ti === 1 && !segs[0].call && /^[a-z_]\w*$/.test(n[0]) && ctxOk) {
    // A builder bound to a variable and run later (`selq := db.NewSelect().Model(&spans).Where(…)` … `selq.Scan(ctx)`).
    const kind = bunBuiltIn(chain.node, n[0]);
    if (!kind) return undefined;
    const argsText = chainArgsText(chain);
    return { library: 'bun', op: kind === 'Select' || kind === 'Raw' ? 'read' : 'write', batch: kind === 'Values' || /\bbun\.In\(/.test(argsText), label: `${n[0]}.${n[1]}`, method: n[ti] };
  }
  if (ti < 2 || bi < 1 || segs[bi - 1].call) return undefined;
  if (!ctxOk) return undefined;
  const kind = n[bi].slice(3);
  const sqlArg = kind === 'Raw' ? firstArg(segs[bi]) : undefined;
  const sql = sqlArg && a.stringTypes.has(sqlArg.type) ? stringValue(sqlArg) : undefined;
  const argsText = chainArgsText(chain);
  const batch = /\bbun\.In\(/.test(argsText) || /\bIN\s*\(\s*\?\s*\)/i.test(argsText) || /= ANY\s*\(/i.test(argsText) || (sql !== undefined && BATCH_SQL.test(sql)) || kind === 'Values';
  const op = kind === 'Select' ? 'read' : kind === 'Raw' ? opOfSql(sql, n[ti] === 'Exec' ? 'write' : 'read') : 'write';
  return { library: 'bun', op, batch, label: `${n.slice(0, bi).join('.')}.${n.slice(bi).join('(…).')}`, method: n[ti], ...(sqlArg ? { sqlArg } : {}), ...(sql !== undefined ? { sql } : {}) };
}

/**
 * The bun builder a variable of the enclosing function holds (`selq := ch.NewSelect()…`, `q = db.NewUpdate()…`), bound
 * before the call: its kind (`Select`, `Update`, …), or undefined.
 */
function bunBuiltIn(node: Node, name: string): string | undefined {
  let fn: Node | null = node.parent;
  while (fn && !/^(function_declaration|method_declaration|func_literal)$/.test(fn.type)) fn = fn.parent;
  if (!fn) return undefined;
  const before = fn.text.slice(0, node.startIndex - fn.startIndex);
  const re = new RegExp(String.raw`\b${name}\s*:?=\s*(?:[\w.]+\.)?New(Select|Insert|Update|Delete|Raw|Values|Merge)\(`, 'g');
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(before); m; m = re.exec(before)) last = m;
  return last?.[1];
}

export function classifyGo(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const segs = chain.segments;
  const n = names(chain);
  const pop = classifyPop(chain, ctx, a);
  if (pop) return pop;
  const xorm = classifyXorm(chain, ctx, a);
  if (xorm) return xorm;
  const bun = classifyBun(chain, ctx, a);
  if (bun) return bun;
  const isGorm = usesModule(ctx, /gorm\.io\/gorm|jinzhu\/gorm/);
  const library: Library = usesModule(ctx, /jackc\/pgx/) ? 'pgx' : usesModule(ctx, /jmoiron\/sqlx/) ? 'sqlx' : 'database/sql';
  const ent = classifyEnt(chain, ctx);
  if (ent) return ent;
  // GORM: db.Where(…).First(&u), db.First(&u, id), db.Create(&x)
  // `db.Callback().Create().Before(…).Register(…)`: GORM's callback registry, not a statement.
  if (n.includes('Callback')) return undefined;
  if (isGorm) {
    const ti = n.findIndex((x, i) => i >= 1 && GORM_TERMINAL.test(x) && segs[i].call);
    const clientIdx = ti - 1;
    if (ti >= 1 && (GO_CLIENT.test(n[0]) || ctx.clients.has(n[0]) || n.slice(0, clientIdx + 1).some((x) => GO_CLIENT.test(x)))) {
      const m = n[ti];
      const argsText = chainArgsText(chain);
      const batch = n.includes('CreateInBatches') || GORM_IN_LIST.test(argsText) || /= ANY\s*\(/i.test(argsText);
      const write = /^(Create|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|FirstOrCreate)$/.test(m) || (m === 'Exec' && opOfSql(sqlOf(firstArg(segs[ti]), a)) === 'write');
      return { library: 'gorm', op: write ? 'write' : 'read', batch, label: `${n.slice(0, ti + 1).join('(…).')}`, method: m };
    }
    if (n.includes('CreateInBatches')) return undefined;
  } else if (isGormChain(chain)) {
    // GORM through the project's own handle (`global.GVA_DB.WithContext(ctx).Where(…).Find(&x)`) in a
    // file that does not import gorm itself: the chain's shape says GORM.
    const ti = n.findIndex((x, i) => i >= 1 && GORM_TERMINAL.test(x) && segs[i].call);
    const m = n[ti];
    const write = /^(Create|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|FirstOrCreate)$/.test(m);
    return { library: 'gorm', op: write ? 'write' : 'read', batch: GORM_IN_LIST.test(chainArgsText(chain)), label: `${n.slice(0, ti + 1).join('(…).')}`, method: m };
  }
  // A package of package-level query functions (`zdb.Get(ctx, &u, q)`, `zdb.Update(ctx, u, "name")`): the context first.
  const pkgClient = n.length === 2 && segs[1].call && !segs[0].call && ctx.clients.get(n[0])?.startsWith('package:') && /^(ctx|c|context\.\w+\(\)|\w*[Cc]tx)$/.test(named(segs[1].args)[0]?.text ?? '');
  if (pkgClient && GO_PACKAGE_WRITES.test(n[1])) return { library, op: 'write', batch: false, label: n.join('.'), method: n[1] };
  const qi = n.findIndex((x, i) => i >= 1 && GO_SQL_METHODS.test(x) && segs[i].call);
  if (qi >= 1) {
    const recv = n[qi - 1];
    // The *sql.DB a handle hands out (`r.db.Sql().QueryContext(…)`, `gormDB.DB().Query(…)`): the handle's accessor.
    const accessor = qi >= 2 && segs[qi - 1].call && /^(Sql|SQL|DB|SqlDB|Conn)$/.test(recv) && GO_CLIENT.test(n[qi - 2]);
    if (!(GO_CLIENT.test(recv) || ctx.clients.has(recv) || accessor)) return undefined;
    if (ctx.clients.get(recv)?.startsWith('package:') && !pkgClient) return undefined;
    const args = named(segs[qi].args);
    // Get/Select are sqlx's (and a database package's, given the context); elsewhere (a redis pool's Get, a channel Select) they are no query.
    if (/^(Get|GetContext|Select|SelectContext)$/.test(n[qi]) && !pkgClient && !usesModule(ctx, /jmoiron\/sqlx/) && !args.some((x) => a.stringTypes.has(x.type) && /^\W*(select|with)\b/i.test(stringValue(x)))) return undefined;
    // A prepared statement's Exec/Query take only arguments: no SQL there.
    const prepared = /stmt/i.test(recv) || /Prepare/.test(ctx.clients.get(recv) ?? '');
    const sqlArg = prepared ? undefined : (args.find((x) => a.stringTypes.has(x.type)) ?? (args[0] && /ctx|context/i.test(args[0].text) ? args[1] : args[0]));
    const sql = sqlArg && a.stringTypes.has(sqlArg.type) ? stringValue(sqlArg) : undefined;
    const batch = (sql !== undefined && BATCH_SQL.test(sql)) || /pq\.Array\(|sqlx\.In\(/.test(segs[qi].args?.text ?? '');
    return { library, op: opOfSql(sql, /^Exec/.test(n[qi]) ? 'write' : 'read'), batch, label: n.slice(0, qi + 1).join('.'), method: n[qi], sql, sqlArg };
  }
  // pgx batches and copies are the batched form.
  // sqlc: q.GetUser(ctx, id), queries.ListOrders(ctx, userID)
  const last = n[n.length - 1];
  // …and store interfaces (`_store.PermUpsert(perm)`, `store.StepUpdate(step)`): verb first or last.
  if (segs.length >= 2 && (SQLC_METHOD.test(last) || STORE_METHOD.test(last)) && /^(q|queries|qtx|querier|_?store|_?datastore|Queries|Store)$/.test(n[n.length - 2])) {
    return { library, op: /^(Create|Update|Delete|Insert|Upsert)|(Create|Update|Delete|Insert|Upsert)$/.test(last) ? 'write' : 'read', batch: /Batch|Many|ByIDs$|ByIds$/.test(last), label: n.join('.'), method: last, appMethod: true };
  }
  return undefined;
}
