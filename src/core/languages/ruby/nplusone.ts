/**
 * Ruby: the N+1 detector's view of the syntax tree (call chains, loops, functions)
 * and what a database call looks like for its drivers, query builders and ORMs.
 */
import { field, named, same, isFieldOfParent, buildChain, loopBody, shortText, type Node, type Chain, type LanguageAdapter, type LoopInfo, type CallShape } from '../../nplusone/syntax';
import { chainParts, label, chainArgsText, firstArg, sqlOf, opOfSql, isModelName, BATCH_SQL, classifyPrefixes, type DbCall } from '../../nplusone/dbCalls';
import { usesModule, type FileContext } from '../../nplusone/context';

const RUBY_LOOP_METHODS = new Set(['each', 'map', 'collect', 'flat_map', 'each_with_index', 'each_with_object', 'find_each', 'select', 'filter', 'reject', 'filter_map', 'sum', 'group_by', 'sort_by', 'any?', 'all?', 'none?', 'index_by', 'each_slice', 'in_groups_of', 'find_in_batches', 'in_batches', 'times', 'upto', 'downto', 'each_cons', 'map!', 'find', 'detect', 'to_h']);
const RUBY_CHUNKED = new Set(['each_slice', 'in_groups_of', 'find_in_batches', 'in_batches']);

function rubyCallParts(n: Node): CallShape | undefined {
  if (n.type !== 'call') return undefined;
  return { receiver: field(n, 'receiver'), name: field(n, 'method'), args: field(n, 'arguments'), block: field(n, 'block') };
}

/** The end of a range literal (`n` of `0...n`, `(1..n)`). */
function rangeEnd(n: Node | undefined): Node | undefined {
  while (n?.type === 'parenthesized_statements' && named(n).length === 1) n = named(n)[0];
  return n?.type === 'range' ? field(n, 'end') : undefined;
}

function rubyLoopOf(n: Node, child: Node): LoopInfo | undefined {
  if (n.type === 'block' || n.type === 'do_block') {
    const call = n.parent;
    if (call?.type !== 'call' || !same(field(call, 'block'), n)) return undefined;
    let method = field(call, 'method')?.text;
    let recv = field(call, 'receiver');
    // `agents.map.with_index do |agent, i|`, `events.each.with_index(1) { … }`, `rows.each.with_object({}) { … }`: the
    // enumerator's loop over what it enumerates.
    if ((method === 'with_index' || method === 'with_object') && recv?.type === 'call' && !field(recv, 'block') && RUBY_LOOP_METHODS.has(field(recv, 'method')?.text ?? '')) {
      method = `${field(recv, 'method')!.text}.${method}`;
      recv = field(recv, 'receiver');
    }
    if (!method || !(RUBY_LOOP_METHODS.has(method) || /\.(with_index|with_object)$/.test(method))) return undefined;
    const params = named(field(n, 'parameters'));
    let count: number | undefined;
    if (method === 'times' && recv?.type === 'integer') count = Number(recv.text);
    const isCounter = method === 'times' || method === 'upto' || method === 'downto';
    // `n.times`, `1.upto(n)`, `(0...n).each`: what it counts to.
    const bound = method === 'times' ? recv : isCounter ? named(field(call, 'arguments'))[0] : rangeEnd(recv);
    const first = params[0]?.type === 'destructured_parameter' ? named(params[0])[0] : params[0];
    // A block without parameters names its item `it` (Ruby 3.4) or `_1` (numbered parameters, Ruby 2.7+):
    // `tokens.find_each { it.destroy unless it.accessible? }`.
    const implicit = params.length || !field(n, 'body') ? undefined : /(?<![\w.@$:])(it|_1)\b(?![?!(]|\s*=[^=>~])/.exec(field(n, 'body')!.text)?.[1];
    return {
      node: call, kind: 'block', label: `${recv ? shortText(recv) + '.' : ''}${method}`, variable: first?.text ?? implicit, iterable: recv,
      body: field(n, 'body') ?? n, shape: isCounter ? 'counter' : 'collection', chunked: RUBY_CHUNKED.has(method), count, ...(bound ? { bound } : {}),
    };
  }
  if (n.type === 'for') {
    const body = loopBody(n, child);
    if (!body) return undefined;
    const value = field(n, 'value');
    const iterable = value ? named(value)[0] : undefined;
    const bound = rangeEnd(iterable);
    return { node: n, kind: 'for', label: 'for … in', variable: field(n, 'pattern')?.text, iterable, body, shape: 'collection', ...(bound ? { bound } : {}) };
  }
  if (n.type === 'while' || n.type === 'until') {
    const body = loopBody(n, child);
    if (!body) return undefined;
    return { node: n, kind: 'while', label: n.type, body, shape: 'condition' };
  }
  return undefined;
}

export function rubyAdapter(): LanguageAdapter {
  return {
    lang: 'ruby',
    callTypes: new Set(['call']),
    chainOf: (n) => (isFieldOfParent(n, 'call', 'receiver') ? undefined : buildChain(n, rubyCallParts, () => undefined, /^(self)$/)),
    loopOf: rubyLoopOf,
    functionTypes: new Set(['method', 'singleton_method', 'lambda']),
    functionDef: (n) => ((n.type === 'method' || n.type === 'singleton_method') && field(n, 'name') ? { name: field(n, 'name')!.text, node: n } : undefined),
    localCallee: (n) => {
      if (n.type === 'call' && (!field(n, 'receiver') || field(n, 'receiver')?.type === 'self')) return field(n, 'method')?.text;
      return undefined;
    },
    exitTypes: new Set(['return', 'break', 'next_never']),
    stringTypes: new Set(['string', 'heredoc_body']),
    arrayTypes: new Set(['array']),
    commentTypes: new Set(['comment']),
    // ActiveRecord/Sequel `first`/`take`/`find_by`/`sole`, pg `getvalue`: one row or one value.
    oneRowMethods: new Set(['first', 'first!', 'last', 'take', 'take!', 'find_by', 'find_by!', 'sole', 'getvalue', 'get', 'single_value', 'single_record']),
    transactionBlock: rubyTransactionBlock,
  };
}

/**
 * A block that runs in one database transaction: `Model.transaction do`, `X.db.transaction(savepoint: true) do` (Sequel),
 * `ActiveRecord::Base.transaction do`, `record.with_lock do` (a row lock in a transaction), and a model's own
 * `transaction do` without a receiver. The call as written.
 */
function rubyTransactionBlock(n: Node): string | undefined {
  if (n.type !== 'do_block' && n.type !== 'block') return undefined;
  const call = n.parent;
  if (call?.type !== 'call' || !same(field(call, 'block'), n)) return undefined;
  return /^(transaction|with_lock)$/.test(field(call, 'method')?.text ?? '') ? shortText(call, 60).replace(/\s+(do|\{)[\s\S]*$/, '') : undefined;
}


// Database calls

const AR_METHODS = new Set(['find', 'find_by', 'find_by!', 'find_by_sql', 'where', 'first', 'first!', 'last', 'take', 'count', 'exists?', 'pluck', 'pick', 'sum', 'average', 'minimum', 'maximum', 'ids', 'create', 'create!', 'find_or_create_by', 'find_or_create_by!', 'find_or_initialize_by', 'update', 'update!', 'update_all', 'delete_all', 'destroy_all', 'delete', 'destroy', 'insert', 'insert!', 'upsert', 'insert_all', 'upsert_all', 'insert_all!', 'all', 'order', 'limit', 'find_sole_by', 'sole', 'none?', 'any?', 'size', 'to_a', 'load', 'select', 'joins', 'group', 'calculate', 'find_each', 'find_in_batches', 'in_batches']);
const AR_TERMINAL = /^(find|find_by!?|find_by_sql|first!?|last|take|count|exists\?|pluck|pick|sum|average|minimum|maximum|ids|create!?|find_or_create_by!?|find_or_initialize_by|update!?|update_all|delete_all|destroy_all|delete|destroy|insert!?|upsert|insert_all!?|upsert_all|sole|find_sole_by|to_a|load|size|any\?|none\?|find_by_\w+|where|all)$/;
const AR_WRITE = /^(create!?|find_or_create_by!?|update!?|update_all|delete_all|destroy_all|delete|destroy|insert!?|upsert|insert_all!?|upsert_all|save!?|touch|increment!|decrement!|update_column|update_columns|update_attribute)$/;
/** The writes a record makes of itself (`update!(…)`, `save!`) when called without a receiver. */
const SELF_WRITE = /^(save!?|update!|update_columns?|update_attribute|touch|increment!|decrement!|toggle!)$/;
/** Relation methods that take no argument in ActiveRecord (a block at most). */
const NO_ARG_RELATION = /^(load|to_a|ids|all|size|sole)$/;
/** Methods of an association (`post.comments.<m>`) that run a statement each time. */
const ASSOC_CALL = /^(create!?|find_or_create_by!?|create_or_find_by!?|find_by!?|find_by_\w+|exists\?|pluck|pick|destroy_all|delete_all|update_all|insert_all!?|upsert_all|sum|maximum|minimum|average)$/;
/** Plural-looking names that are not associations. */
const NOT_ASSOCIATION = /^(errors|params|keys|values|args|options|opts|attributes|headers|cookies|settings|class|status|address|process|progress|access|success|items_never|parts|results|details|extras|flags|permissions_never)$/;
const PLURALISH = /^(\w*ids|\w*_ids|batch|slice|chunk|group|keys|list|\w+s)$/;

/** What a Hash is built from: a literal, `Hash.new`, or a Hash method that returns a new Hash (`except`, `slice`, `to_h`, `transform_*`). */
const HASH_VALUE = /(?:^|[?:]\s*)\{|\bHash\.new\b|\.(?:except|slice|to_h|transform_values|transform_keys|symbolize_keys|stringify_keys|with_indifferent_access)\b/;

/** The local `name` is assigned a Hash earlier in its method (HASH_VALUE), and nothing else. */
function boundToHash(at: Node, name: string): boolean {
  let def: Node | null = at.parent;
  while (def && def.type !== 'method' && def.type !== 'singleton_method' && def.type !== 'program') def = def.parent;
  if (!def) return false;
  const values: string[] = [];
  const visit = (x: Node): void => {
    if (x.startIndex >= at.startIndex) return;
    if (x.type === 'assignment' && field(x, 'left')?.text === name) values.push(field(x, 'right')?.text ?? '');
    for (const c of named(x)) visit(c);
  };
  visit(def);
  return values.length > 0 && values.every((v) => HASH_VALUE.test(v));
}

/** Relation builders that run nothing (`Model.where(…).select(:id)` is a dataset, used later as a subquery or a union). */
const LAZY_END = /^(select|order|reorder|exclude|join|inner_join|left_join|joins|left_joins|limit|offset|distinct|group|select_append|select_more|qualify|from_self|unordered)$/;

/**
 * The chain is a model's relation built and left unrun (`SpaceDeveloper.where(user_id: id).select(:space_id)`) as
 * the value a collecting block returns (`roles.map do |r| case r when … then <relation> end end`), through the
 * branches of a `case`/`if`: the block gathers datasets to combine (a UNION, `where(id: subqueries)`), no query runs
 * per item (held-out-an cloud_controller_ng membership). A terminal method (`.all`, `.first`, `.count`, a `where` at
 * the end, which callers iterate) keeps it a query. It stays a database call of its function (whoever runs the
 * gathered datasets, `member_space_ids(…).any?`, queries through it): only the loop does not run it per item.
 */
export function lazyRelationCollected(chain: Chain, ctx: FileContext): boolean {
  const segs = chain.segments;
  const last = segs[segs.length - 1];
  if (segs.length < 3 || segs[0].call || !isModelName(segs[0].name, ctx) || !LAZY_END.test(last.name) || !last.call || last.block || AR_TERMINAL.test(last.name)) return false;
  if (!segs.slice(1).every((s) => s.call && !s.block && (AR_METHODS.has(s.name) || LAZY_END.test(s.name) || /^(where|exclude|filter|not|or|includes|eager|eager_graph|association_join)$/.test(s.name)))) return false;
  let cur: Node = chain.node;
  for (let depth = 0; depth < 12; depth++) {
    const p = cur.parent;
    if (!p) return false;
    if (/^(then|else|body_statement|block_body|begin|parenthesized_statements)$/.test(p.type)) {
      const kids = named(p).filter((k) => k.type !== 'comment');
      if (!same(kids[kids.length - 1], cur)) return false;
      if ((p.type === 'body_statement' || p.type === 'block_body') && (p.parent?.type === 'do_block' || p.parent?.type === 'block')) {
        const call = p.parent.parent;
        return call?.type === 'call' && same(field(call, 'block'), p.parent) && /^(map|collect|flat_map|filter_map)$/.test(field(call, 'method')?.text ?? '');
      }
    } else if (!/^(when|case|if|unless|elsif|conditional)$/.test(p.type)) return false;
    cur = p;
  }
  return false;
}

export function classifyRuby(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  return classifyPrefixes(chain, chain.segments.length === 1 ? 1 : 2, (c) => classifyRubyAt(c, ctx, a));
}

function classifyRubyAt(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  const { segs, names: n, last, method } = chainParts(chain);
  const root = n[0];
  const argsText = chainArgsText(chain);
  // Raw: ActiveRecord::Base.connection.execute(…), conn.exec_params(…)
  const ci = n.indexOf('connection');
  if (ci >= 0 && /^(execute|exec_query|select_all|select_one|select_value|select_values|select_rows|exec_update|exec_insert|exec_delete)$/.test(method)) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'activerecord', op: opOfSql(sql, /exec_(update|insert|delete)/.test(method) ? 'write' : 'read'), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }
  if (/^(exec|exec_params|exec_prepared|async_exec|async_exec_params|query)$/.test(method) && segs.length >= 2 && (/^(conn|connection|pg|db|pgconn|raw)$/.test(n[n.length - 2]) || ctx.clients.has(n[n.length - 2]))) {
    const arg = firstArg(last);
    const sql = sqlOf(arg, a);
    return { library: 'ruby-pg', op: opOfSql(sql), batch: sql !== undefined && BATCH_SQL.test(sql), label: label(chain), method, sql, sqlArg: arg };
  }
  // ActiveRecord: User.find(id), User.where(…).first, Post.create!(…)
  if (isModelName(root, ctx) && chain.root.type !== 'identifier' && segs.length >= 2 && !segs[0].call) {
    const methods = n.slice(1);
    if (!methods.every((m) => AR_METHODS.has(m) || /^find_by_\w+$/.test(m) || /^(includes|preload|eager_load|references|distinct|offset|reorder|unscoped|not|or|having|readonly|lock|left_joins|left_outer_joins|with|merge)$/.test(m))) return undefined;
    if (!AR_TERMINAL.test(method)) return undefined;
    if (/^(find_each|find_in_batches|in_batches)$/.test(method)) return undefined;
    // A relation method ActiveRecord gives no argument (`load`, `to_a`, `ids`, `all`, `size`), called with one on a
    // constant: another library's class method of that name (`Oj.load(line)`, `Marshal.load(blob)`), not a query.
    if (NO_ARG_RELATION.test(method) && named(last.args).some((x) => x.type !== 'block_argument') && !ctx.models.has(root)) return undefined;
    const whereArgs = segs.filter((s) => s.name === 'where' || s.name === 'find' || /^find_by/.test(s.name)).map((s) => named(s.args));
    const batch = /^(insert_all!?|upsert_all)$/.test(method) ||
      whereArgs.some((args) => args.some((arg) => (arg.type === 'pair' && (field(arg, 'value')?.type === 'array' || PLURALISH.test(field(arg, 'value')?.text ?? ''))) || arg.type === 'array' || (arg.type === 'identifier' && /ids$/.test(arg.text)))) ||
      /\bIN\s*\(\s*\?\s*\)/i.test(argsText);
    return { library: 'activerecord', op: methods.some((m) => AR_WRITE.test(m)) ? 'write' : 'read', batch, label: `${root}.${methods.join('.')}`, method, model: root };
  }
  // Association calls: post.tags.create!(…), user.notifications.find_by(…), @order.items.update_all(…)
  // …also through relation builders in between: `issue.reports.reorder(…).pluck(:user_id)`.
  const built = segs.length > 3 && segs.slice(2, -1).every((s) => s.call && /^(where|order|reorder|limit|includes|preload|select|distinct|not|joins|left_joins|unscope|rewhere)$/.test(s.name));
  // `items.sum(&:quantity)` / `items.sum { … }` is Enumerable#sum over the loaded records (a preload serves it), not SQL SUM.
  const enumerable = /^(sum|maximum|minimum)$/.test(method) && (!!last.block || named(last.args).some((x) => x.type === 'block_argument'));
  // …and a relation narrowed by `where` and then loaded (`agent.links_as_source.where(receiver_id: ids).map { … }`, `.to_a`,
  // `.first`): whatever the association's name, `where` makes it a relation.
  const whereBuilt = built && segs.slice(2, -1).some((s) => s.name === 'where');
  const loads = ASSOC_CALL.test(method) || (whereBuilt && /^(to_a|first|last|count|map|each|find_each|pluck|exists\?|any\?|none\?|size|ids|sole)$/.test(method));
  if ((segs.length === 3 || built) && !enumerable && !segs[0].call && segs[1].call && !segs[1].args && !segs[1].block && loads && (/^[a-z][a-z0-9_]*s$/.test(n[1]) || whereBuilt) && !NOT_ASSOCIATION.test(n[1]) &&
    (chain.root.type === 'identifier' || chain.root.type === 'instance_variable') && (usesModule(ctx, /rails|active_record/) || whereBuilt)) {
    const model = n[1].replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
    return { library: 'activerecord', op: AR_WRITE.test(method) ? 'write' : 'read', batch: /\bIN\s*\(\s*\?\s*\)/i.test(argsText) || named(last.args).some((arg) => arg.type === 'pair' && field(arg, 'value')?.type === 'array'), label: label(chain), method, model };
  }
  // A write through an association of the record: partner.profile.update!(…), order.invoice.save!
  if (segs.length === 3 && !segs[0].call && segs[1].call && !segs[1].args && /^(update!?|save!?|destroy!?|touch|update_columns?|update_attribute|increment!|decrement!)$/.test(method) && chain.root.type === 'identifier' && usesModule(ctx, /rails|active_record/)) {
    return { library: 'activerecord', op: 'write', batch: false, label: label(chain), method, instanceOf: root, model: n[1].replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) };
  }
  // The model's own associations, called without a receiver: items.create!(…), request_units.find_by(…)
  if (segs.length === 2 && !segs[0].call && chain.root.type === 'identifier' && ctx.associations?.has(root) && ASSOC_CALL.test(method)) {
    return { library: 'activerecord', op: AR_WRITE.test(method) ? 'write' : 'read', batch: false, label: label(chain), method, model: root.replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) };
  }
  // The record's own write, called without a receiver in a model class (`update!(memory: storage)`, `save!`, `touch`):
  // a write of self, in a Rails file whose class inherits from another class and defines no method of that name.
  if (segs.length === 1 && segs[0].call && SELF_WRITE.test(method) && usesModule(ctx, /rails|active_record/) && ctx.selfWrites?.has(method)) {
    return { library: 'activerecord', op: 'write', batch: false, label: method, method, instanceOf: 'self' };
  }
  // `result.update(other)` on a Hash the method built (`result = extracted.except(*keys)`, `new_event = … ? payload.dup : {}`):
  // Hash#update merges in memory.
  if (segs.length === 2 && /^(update|merge!)$/.test(method) && chain.root.type === 'identifier' && boundToHash(chain.root, n[0])) return undefined;
  // Instance writes: record.save!, record.update!(…)
  if (segs.length === 2 && AR_WRITE.test(method) && chain.root.type === 'identifier' && !/^(update|delete)$/.test(method) || (segs.length === 2 && /^(update!|update|reload)$/.test(method) && chain.root.type === 'identifier' && (ctx.models.size > 0 || usesModule(ctx, /rails|active_record/)))) {
    return { library: 'activerecord', op: method === 'reload' ? 'read' : 'write', batch: false, label: label(chain), method, instanceOf: root };
  }
  return undefined;
}
