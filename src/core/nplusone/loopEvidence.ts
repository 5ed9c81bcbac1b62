/**
 * Evidence about a loop and the call in it that says "not an N+1", kept apart from detect.ts's walk:
 * what the statement is, where the iterated collection comes from, how the call's callee reaches the
 * database. Each function takes plain text or nodes and answers yes/no (see docs/rules/n-plus-one.md).
 */
import { field, named, same, type Node } from './syntax';
import { escapeRe } from '../format';

/**
 * Schema changes, session settings and maintenance (`SET lock_timeout = …`, `ALTER TABLE … DETACH
 * PARTITION`, `CREATE INDEX`, `VACUUM`, `REFRESH MATERIALIZED VIEW`): one statement per object by
 * nature, with no row look-up or row write to batch. `NOTIFY` and `LOCK` are left out (a notification
 * per item can be one `pg_notify` over a set).
 */
export function isMaintenanceStatement(sql: string | undefined, argText?: string): boolean {
  // Built by concatenation (`"ALTER TABLE t DETACH PARTITION " + p`): the literal it starts with says what it is.
  const text = sql ?? /^(?:[rRbBuUfF]{0,2})(?:"|'|`)([^"'`]*)/.exec(argText ?? '')?.[1];
  if (!text) return false;
  const t = text.replace(/^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '');
  return /^(?:SET|RESET|ALTER|CREATE|DROP|TRUNCATE|VACUUM|ANALYZE|REINDEX|CLUSTER|COMMENT\s+ON|GRANT|REVOKE|REFRESH\s+MATERIALIZED|DISCARD|CHECKPOINT)\b/i.test(t);
}

/**
 * Go: the node runs apart from a call of `def`, not during it — in a goroutine `def` starts (`go
 * q.loopQueue(ctx)`, `go func() { … }()`: a worker that outlives the call), or in a function literal
 * `def` keeps in a field or variable (`q.cleanup = func() { … }`), which runs when invoked. Calling
 * `def` once per item starts or keeps one per item; it sends no query per item itself.
 */
export function startedOrKept(node: Node, def: Node, lang: string): boolean {
  if (lang !== 'go') return false;
  for (let p: Node | null = node.parent; p && !same(p, def); p = p.parent) {
    if (p.type === 'go_statement') return true;
    if (p.type === 'func_literal' && p.parent && /^(assignment_statement|short_var_declaration|var_spec|expression_list)$/.test(p.parent.type)) {
      const holder = p.parent.type === 'expression_list' ? p.parent.parent : p.parent;
      if (holder && /^(assignment_statement|short_var_declaration|var_spec)$/.test(holder.type)) return true;
    }
  }
  return false;
}

/**
 * Go: `name` holds a value of a standard-library type — asserted (`f, ok := w.(http.Flusher)`) or
 * declared (`var f http.Flusher`, `f http.Flusher` as a parameter) — so `name.Flush()` is that
 * package's method, not the app's `Flush` of the same name.
 */
export function goTypedByPackage(text: string, name: string, isStdlib: (pkg: string) => boolean): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[^\\w.])${n}\\s*(?:,\\s*\\w+\\s*)?:?=\\s*[\\w.]+\\.\\(\\*?(\\w+)\\.\\w+\\)|\\bvar\\s+${n}\\s+\\*?(\\w+)\\.[A-Z]\\w*|[(,]\\s*${n}\\s+\\*?(\\w+)\\.[A-Z]\\w*\\s*[,)]`, 'g');
  for (const m of text.matchAll(re)) if (isStdlib(m[1] ?? m[2] ?? m[3])) return true;
  return false;
}

/**
 * The call runs under a test of the loop's own variable against a literal (`for key in msg.keys(): if
 * key == "teams": …`, `elif key == "venues"`, `if (k === 'x')`): once for the item equal to it, not
 * once per item — a dispatch over the keys of one message, not a loop over data.
 */
export function underKeyTest(node: Node, body: Node, variable: string | undefined): boolean {
  if (!variable || !/^[A-Za-z_$][\w$]*$/.test(variable)) return false;
  const v = variable.replace(/\$/g, '\\$');
  const lit = `(?:'[^'\\n]*'|"[^"\\n]*"|-?\\d+)`;
  const test = new RegExp(`^\\(?\\s*(?:${v}\\s*(?:===?|is)\\s*${lit}|${lit}\\s*(?:===?|is)\\s*${v})\\s*\\)?$`);
  let child: Node = node;
  for (let p: Node | null = node.parent; p && !same(child, body); p = p.parent) {
    if (/^(if_statement|elif_clause|if)$/.test(p.type)) {
      const cond = p.childForFieldName('condition');
      const cons = p.childForFieldName('consequence');
      if (cond && cons && (same(cons, child) || (cons.startIndex <= child.startIndex && child.endIndex <= cons.endIndex)) && test.test(cond.text.trim())) return true;
    }
    child = p;
  }
  return false;
}

/**
 * A value loaded once and kept (`elif run_param_tuples is None: run_param_tuples = await db.get_params(run_id)` in a
 * loop, `if (!rows) rows = await load()`, `if x == nil { x, err = q.Get(ctx) }`): the call assigns the very name the
 * `if` tests for being unset, and that name is bound before the loop (`before`: the function's text up to the loop),
 * so the call runs on the first item that needs it, not once per item (held-out-al: Skyvern's run parameters).
 */
export function loadedOnce(node: Node, body: Node, before: string): boolean {
  let child: Node = node;
  for (let p: Node | null = node.parent; p && !same(child, body); p = p.parent) {
    if (/^(if_statement|elif_clause|if)$/.test(p.type)) {
      const cond = (p.childForFieldName('condition')?.text ?? '').trim().replace(/^\(\s*|\s*\)$/g, '');
      const cons = p.childForFieldName('consequence');
      const m = /^(?:([\w$.]+)\s*(?:is|===?)\s*(?:None|null|undefined|nil)|(?:!|not\s+)\s*([\w$.]+))$/.exec(cond);
      const name = m?.[1] ?? m?.[2];
      if (name && cons && cons.startIndex <= child.startIndex && child.endIndex <= cons.endIndex) {
        const n = name.replace(/[.$]/g, (c) => `\\${c}`);
        // The consequence assigns the tested name from an expression holding the call.
        const assigned = new RegExp(`(?:^|[^\\w$.])${n}\\s*(?:,\\s*\\w+\\s*)?(?::=|=(?!=))([\\s\\S]*)$`).exec(cons.text.slice(0, node.endIndex - cons.startIndex));
        const boundBefore = new RegExp(`(?:^|[^\\w$.])${n}\\s*(?::\\s*[^=\\n]+)?(?::=|=(?!=))|\\b(?:let|var)\\s+${n}\\b`).test(before);
        if (assigned && assigned[1].includes(node.text) && boundBefore) return true;
      }
    }
    child = p;
  }
  return false;
}

/** Django formset members that hold the rows one submitted form edits. */
const FORMSET_ROWS = /^(?:self\.)?\w*formset\w*(?:\[[^\]]+\])?(?:\.(?:save\(\s*commit\s*=\s*False\s*\)|deleted_objects|changed_objects|new_objects|forms|extra_forms|initial_forms|cleaned_data|deleted_forms))?$/i;

/**
 * Python (Django): the rows of one submitted formset — `formset.save(commit=False)`, its
 * `deleted_objects` / `changed_objects` / `new_objects` / `forms` (through `enumerate(…)`, or a name
 * bound to one of them in the file: `motions = formset.save(commit=False)`). A formset is the handful
 * of rows one person edits in one form, not rows of a table: a save per row is how formsets are saved.
 */
export function isFormsetRows(iterable: string | undefined, fileText: string): boolean {
  const t = (iterable ?? '').replace(/^enumerate\(\s*([\s\S]*?)\s*(?:,\s*start\s*=[\s\S]*)?\)$/, '$1').trim();
  if (!t) return false;
  if (FORMSET_ROWS.test(t) && /formset/i.test(t)) return true;
  if (!/^(?:self\.)?\w+$/.test(t)) return false;
  const n = t.replace(/[.]/g, '\\.');
  return new RegExp(`(?:^|[^\\w.])${n}\\s*=\\s*(?:self\\.)?\\w*formset\\w*\\.save\\(\\s*commit\\s*=\\s*False\\s*\\)`, 'im').test(fileText);
}

/** Java: the class a file's (first) class extends, and the declared types of its names (from the file context). */
export function javaClassOf(text: string, types: ReadonlyMap<string, string>): { extends?: string; types: Record<string, string> } {
  const ext = /\bclass\s+\w+(?:<[^{]*?>)?\s+extends\s+([A-Z]\w*)/.exec(text)?.[1];
  return { ...(ext ? { extends: ext } : {}), types: Object.fromEntries(types) };
}

/**
 * A call that runs its function argument on a cache miss only: a cache's loader method
 * (`MakeCacheable`, `get_or_set`, `getOrSet`, `GetOrLoad`, `computeIfAbsent`, `memoize`) or a
 * `fetch` / `wrap` / `remember` / `get` on a receiver that names a cache (`Rails.cache.fetch`, `cache.wrap`,
 * Guava's `userCache.get(id, () -> repo.findById(id))`).
 */
export function cacheLoaderCall(name: string | undefined, text: string): boolean {
  if (!name) return false;
  if (/^(?:MakeCacheable|[Cc]acheable|[Gg]et[Oo]r[Ss]et|get_or_set|[Gg]et[Oo]r[Ll]oad|getOrCompute|computeIfAbsent|[Mm]emoize|withCache|WithCache)$/.test(name)) return true;
  const dot = text.indexOf(`.${name}`);
  const recv = text.slice(0, dot >= 0 ? dot : Math.max(0, text.indexOf(name) - 1));
  // Guava's and Caffeine's `cache.get(key, () -> repo.findById(id))`: the loader runs on a miss only.
  return /^(?:fetch|wrap|remember|rememberForever|getOrFetch|get)$/.test(name) && /(?:^|[.\w])(?:cache|Cache|redis|memcache)\w*$/.test(recv.trim().replace(/\($/, ''));
}

/**
 * The loop is the fallback of a batched call that failed: it sits in the error branch (`if err != nil`,
 * `except …:`, `catch (…)`) right after the same function was called for the whole list (`outs, err :=
 * repo.GetOutputs(ctx, allIDs); if err != nil { for … { repo.GetOutputs(ctx, one) } }`). The per-item
 * calls run only when the batch fails: the batched form is already there.
 */
export function fallbackOfBatch(loop: Node, callee: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(callee)) return false;
  const called = new RegExp(`(^|[^\\w$])${callee}\\s*\\(`);
  let child: Node = loop;
  for (let p: Node | null = loop.parent; p; p = p.parent) {
    if (/^(function_declaration|method_declaration|function_definition|method_definition|func_literal|arrow_function|function_expression)$/.test(p.type)) return false;
    if (/^(if_statement|if)$/.test(p.type)) {
      const cond = p.childForFieldName('condition');
      const cons = p.childForFieldName('consequence');
      if (cond && cons && cons.startIndex <= child.startIndex && child.endIndex <= cons.endIndex && /^\(?\s*\w*[Ee]rr\w*\s*!=\s*nil\s*\)?$/.test(cond.text.trim())) {
        // The statement before the `if` (or its initializer) made the batched call.
        const before = [p.childForFieldName('initializer'), p.previousNamedSibling].filter((x): x is Node => !!x);
        return before.some((b) => called.test(b.text));
      }
    }
    if (/^(except_clause|catch_clause|rescue)$/.test(p.type)) {
      const tryNode = p.parent;
      const body = tryNode?.childForFieldName('body') ?? tryNode?.namedChildren.find((c) => c !== null && /block/.test(c.type)) ?? null;
      return !!body && called.test(body.text);
    }
    child = p;
  }
  return false;
}

/** Java: the parameter count of a method declaration; undefined for varargs (`String... names`), which take any count. */
export function javaArity(def: Node): number | undefined {
  const params = field(def, 'parameters');
  if (!params) return undefined;
  const list = named(params).filter((p) => p.type !== 'comment' && p.type !== 'line_comment' && p.type !== 'block_comment');
  if (list.some((p) => p.type === 'spread_parameter')) return undefined;
  return list.filter((p) => p.type === 'formal_parameter').length;
}

/** Java: the number of arguments of a method call. */
export function javaArgCount(call: Node): number | undefined {
  const args = field(call, 'arguments');
  return args ? named(args).filter((a) => !/comment$/.test(a.type)).length : undefined;
}

/**
 * Python: a function huey runs in its worker — `@huey.task()`, `@huey.db_task()`, `@huey.periodic_task(…)`, or the
 * app's own `@task()` / `@db_task()` in a module that imports huey (the retry wrapper huey's guide shows). Calling it
 * enqueues a message and returns: its queries run in the worker, once per message by design, not in the caller's loop.
 */
export function enqueuedWhenCalled(def: Node, lang: string, fileText: string): boolean {
  if (lang !== 'python' || !/^\s*(?:from\s+huey\b|import\s+huey\b)/m.test(fileText)) return false;
  const holder = def.parent?.type === 'decorated_definition' ? def.parent : undefined;
  return !!holder && named(holder).some((d) => d.type === 'decorator' && /^@\s*(?:[\w.]+\.)?(?:db_)?(?:periodic_)?task\b/.test(d.text));
}

/**
 * The definition keeps its results in a cache keyed by its arguments, so calling it once per item
 * queries once per distinct key, not once per item: Spring's `@Cacheable` / JCache's `@CacheResult`
 * on a Java method; `@functools.lru_cache`, `@functools.cache`, async-lru's `@alru_cache(…)`, `@cached(…)`,
 * `@memoize` on a Python function; `@Cacheable` / `@Memoize` on a TypeScript method; in every language, a get-or-set
 * memo over a map (memoisedByMap) (see docs/rules/n-plus-one.md).
 */
export function cachedByAnnotation(def: Node, lang: string): boolean {
  if (lang === 'java') {
    const mods = named(def).find((c) => c.type === 'modifiers');
    return (!!mods && /@(?:[\w.]+\.)?(?:Cacheable|CacheResult|Cached)\b/.test(mods.text)) || memoisedByMap(def, lang);
  }
  if (lang === 'python') {
    const holder = def.parent?.type === 'decorated_definition' ? def.parent : undefined;
    return (!!holder && named(holder).some((d) => d.type === 'decorator' && /^@\s*(?:[\w.]+\.)?(?:a?lru_cache|cache|cached|memoize|memoized|cached_function|ttl_cache)\b/.test(d.text))) || memoisedByMap(def, lang);
  }
  if (lang === 'typescript' || lang === 'tsx' || lang === 'javascript') {
    for (let d = def.previousNamedSibling; d?.type === 'decorator'; d = d.previousNamedSibling) if (/^@\s*(?:Cacheable|Memoize|memoize|Cached|cached)\b/.test(d.text)) return true;
    return named(def).some((d) => d.type === 'decorator' && /^@\s*(?:Cacheable|Memoize|memoize|Cached|cached)\b/.test(d.text)) || memoisedByMap(def, lang);
  }
  return lang === 'go' && memoisedByMap(def, lang);
}

/** A loop statement of any of the languages (tree-sitter node types). */
const LOOP_NODE = /^(?:for_statement|for_in_statement|for_of_statement|enhanced_for_statement|while_statement|do_statement|for_range_loop|for_clause|range_clause)$/;

/** A map read by a key into a variable: `const|let|var v = [await] m.get(k)` (TS/JS), `T v = m.get(k);` (Java), `v = m.get(k)` (Python). */
const MAP_READ = /(?:\b(?:const|let|var)\s+|(?:^|[;{}\n])\s*(?:final\s+)?(?:[A-Z][\w$.]*(?:<[^;=\n]*>)?\s+)?)([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?((?:this\.|self\.)?[A-Za-z_$][\w$]*)\.get\(\s*([A-Za-z_$][\w$.]*)\s*\)/g;
/** Go: `v, ok := m[k]` or `_, ok := m[k]` (`m` a name, `k` a name or a field). */
const GO_MAP_READ = /\b([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*:?=\s*([A-Za-z_][\w.]*)\[\s*([A-Za-z_][\w.]*)\s*\]/g;
/** The key tested missing from a map: `!m.containsKey(k)` / `!m.has(k)` (Java, TS/JS), `k not in m` (Python), `m.get(k) == null`. */
const MISS_TEST = /(?:\bif\s*\(\s*!\s*((?:this\.|self\.)?[A-Za-z_$][\w$]*)\.(?:containsKey|has)\(\s*([A-Za-z_$][\w$.]*)\s*\)\s*\)|\bif\s*\(\s*((?:this\.)?[A-Za-z_$][\w$]*)\.get\(\s*([A-Za-z_$][\w$.]*)\s*\)\s*={2,3}\s*(?:null|undefined)\s*\)|\bif\s+([A-Za-z_][\w.]*)\s+not\s+in\s+((?:self\.)?[A-Za-z_]\w*)\s*:)/g;

/**
 * The function is a get-or-set memo over a map handed to it or kept by it — it reads the map by a key, and when
 * that read missed computes the value and stores it under the same key, in any of the languages' shapes:
 * `let p = cache.get(owner); if (!p) { p = load(owner); cache.set(owner, p); } return p` (TS/JS), `if
 * (!userCache.containsKey(id)) { userCache.put(id, load(id)); } return userCache.get(id)` or `V v = m.get(k); if (v ==
 * null) { …; m.put(k, v); }` (Java), `fresh, ok := cache[id]; if !ok { …; cache[id] = fresh }` (Go), `if key not in
 * cache: cache[key] = load(key)` or `v = cache.get(key)` then `if v is None:` … `cache[key] = v` (Python). A request-
 * scoped cache handed down a GraphQL context (EverShop's definitions, once per owner type per request), an export's
 * user names kept per user id: called once per parent, it queries once per key. A map read and written without the
 * miss test (a counter) is no memo.
 */
function memoisedByMap(def: Node, lang: string): boolean {
  const text = def.text;
  // The look-up sits in a loop of the function (`for _, part := range row.Location { id, ok = byPath[sub]; if !ok {
  // create(…) } }`): each call still reads or writes once per new key of its own items — no memo of the call.
  const inLoop = (at: number): boolean => {
    for (let n: Node | null = def.descendantForIndex(def.startIndex + at); n && !same(n, def); n = n.parent) if (LOOP_NODE.test(n.type)) return true;
    return false;
  };
  // Keyed by the id of the object handed in (`workflow_dsls[workflow.id]`, `cache[u.ID]`): each object its own entry,
  // so a caller walking distinct objects still reads once per object — no memo of the call.
  const stored = (map: string, key: string, rest: string) => !/^[A-Za-z_$][\w$]*\.(?:id|ID|Id|pk|getId\(\))$/.test(key) && new RegExp(`(?:^|[^\\w$.])${escapeRe(map)}(?:\\.(?:set|put|setdefault)\\(\\s*${escapeRe(key)}\\s*,|\\[\\s*${escapeRe(key)}\\s*\\]\\s*=(?!=))`).test(rest);
  if (lang === 'go') {
    for (const m of text.matchAll(GO_MAP_READ)) {
      const [, , ok, map, key] = m;
      const rest = text.slice(m.index! + m[0].length);
      if (new RegExp(`^\\s*;\\s*!\\s*${escapeRe(ok)}\\s*\\{|\\bif\\s+!\\s*${escapeRe(ok)}\\s*\\{`).test(rest) && stored(map, key, rest) && !inLoop(m.index!)) return true;
    }
    return false;
  }
  for (const m of text.matchAll(MISS_TEST)) {
    const map = m[1] ?? m[3] ?? m[6];
    const key = m[2] ?? m[4] ?? m[5];
    if (stored(map, key, text.slice(m.index! + m[0].length)) && !inLoop(m.index!)) return true;
  }
  if (!text.includes('.get(')) return false;
  for (const m of text.matchAll(MAP_READ)) {
    const [, v, map, key] = m;
    const miss = lang === 'python'
      ? new RegExp(`\\bif\\s+(?:not\\s+${escapeRe(v)}|${escapeRe(v)}\\s+is\\s+None)\\s*:`)
      : new RegExp(`\\bif\\s*\\(\\s*(?:!\\s*${escapeRe(v)}\\s*\\)|${escapeRe(v)}\\s*={2,3}\\s*(?:undefined|null)\\s*\\))`);
    const rest = text.slice(m.index! + m[0].length);
    if (miss.test(rest) && stored(map, key, rest) && !inLoop(m.index!)) return true;
  }
  return false;
}

/**
 * The loop runs over the site's (or one account's) administrators or moderators — `for admin in
 * User.admins()`, `for (const admin of await collective.getAdminUsers())`, `User.objects.filter(
 * is_superuser=True)`: a handful of people by the nature of the role, not a table's rows. Its N+1 is
 * shown as `info` ("possible N+1"), like a loop the code bounds.
 */
function overStaff(iterable: string | undefined, variable: string | undefined): boolean {
  if (variable && /^(?:admin|administrator|moderator|superuser|staff_?member|staff_?user|admin_?user)s?$/i.test(variable)) return true;
  return !!iterable && /(?:^|[^\w])(?:get_?)?(?:admins|administrators|moderators|superusers|staff_?(?:users|members)|admin_?users|AdminUsers)\b\s*(?:\(|$|\.all\(\))|is_superuser\s*=\s*True|is_staff\s*=\s*True/i.test(iterable);
}

/**
 * Why an N+1 whose iteration first goes to another service is only possible: `remote` is the remote call as written
 * (`stripe.customers.del`), or the app's function that makes it (`getDomainResponse\` → \`fetch`).
 */
export function remotePossible(remote: string): string {
  return `Possible N+1, each item first goes to another service (\`${remote}\`): the per-item remote call, not the query, sets the pace, and the query waits on its answer`;
}

/** Why a call that is one item's own unit of work (an e-mail sent, a queued message handled or queued) is only a possible N+1. */
export function unitOfWorkPossible(callee: string): string {
  return `Possible N+1, a unit of work per item by design: \`${callee}\` is the item's own output or work (an e-mail sent, a queued message, job or event handled or queued), one per item; the reads made to build it are judged on their own`;
}

/**
 * Why an N+1 beside the item's own work that is not the database is only possible (issue 14, n1bm): `call` inspects,
 * starts or restarts the item's container (`this.system.inspectContainer`, `startSubContainer`), or reads, writes or
 * deletes its file (`Files.copy`, `FileUtils.delete`, `zf.putNextEntry`, `os.remove`), before the query or as the call
 * that holds it. That work per item, not the query, sets the pace. Undefined for any other kind.
 */
export function ownWorkPossible(call: string, kind: 'container' | 'file' | undefined): string | undefined {
  if (kind === 'container') return `Possible N+1, each item's own unit of work: a container action per item (\`${call}\`) — the container engine's round trip, not the query, sets the pace`;
  if (kind === 'file') return `Possible N+1, each item's own unit of work: work on the item's file (\`${call}\`) before the query — the disk's work per item, not the query, sets the pace`;
  return undefined;
}

/** The head of a loop-over-one-object's-member finding (oneObjectPossible); perParent raises it to a warning on the database's figure. */
export const ONE_OBJECT_POSSIBLE = 'Possible N+1, over the members of one object';

/**
 * A loop over a collection held by one object, read as its member (`order.lines`, `app.processes`, `@card.labels`): as
 * many round trips as that one row holds, which the code does not say. On the ten blind splits (notes n1az/sources.md)
 * such loops were 9 real N+1s and 53 handfuls, so `info`, saying how to confirm.
 */
export function oneObjectPossible(member: string): string {
  return `${ONE_OBJECT_POSSIBLE} (\`${member}\`), as many round trips as that one row holds, which the code does not say (an order's few lines, or a mailbox's thousands of aliases) — connect a database for rows per parent, or record the app to confirm`;
}

/**
 * A loop over the parts of one string value (`str(msg[REFERENCES]).split()`, `re.findall(MENTION_REGEX, text)`): as many
 * round trips as that one value holds — the ids of one header, the mentions of one comment. On the ten blind splits
 * (notes n1bb/hop.md) such loops were 4 handfuls and no real N+1 (a split of an outer loop's item, a CSV row's names, was
 * the one real one and stays a warning), so `info`, saying how to confirm.
 */
export function oneStringPossible(value: string): string {
  return `Possible N+1, over the parts of one string (\`${value}\`), as many round trips as that one value holds (the ids of one header, the mentions of one comment), which the code does not bound — record the app to confirm`;
}

/** What makes an N+1 only possible (`info`), said at the head of its message; undefined when it is a warning. */
export function possibleBecause(boundedByCode: boolean, iterable: string | undefined, variable: string | undefined): string | undefined {
  if (boundedByCode) return 'Possible N+1, bounded by the code';
  if (overStaff(iterable, variable)) return 'Possible N+1, over administrators (a handful by the role)';
  return undefined;
}

/** Functions that set a test's data up: xUnit/unittest/Django hooks, Ruby's `def setup`, Go's TestMain and setup/seed helpers. */
const SETUP_FUNCTION = /^(setUp|setUpClass|setUpTestData|asyncSetUp|setup_method|setup_class|setup_module|setup_function|setup|TestMain|[sS]etup[A-Z_]\w*|[sS]eed[A-Z_]\w*|setup_\w+|seed_\w+|create_test_\w+|make_test_\w+)$/;
/** Calls whose callback or block sets a test's data up: mocha/jest/vitest hooks, RSpec and minitest hooks, `let`. */
const SETUP_CALL = /^(before|beforeEach|beforeAll|setup|suiteSetup|before_all|prepend_before|append_before|around|let|let!|let_it_be|subject|background|given)$/;
/** Decorators and annotations of fixtures and setup hooks: pytest fixtures, JUnit's @Before*, TestNG's @Before*. */
const SETUP_DECORATOR = /^@(?:(?:pytest|pytest_asyncio)\.)?fixture\b|^@(?:Before|BeforeEach|BeforeAll|BeforeClass|BeforeMethod|BeforeSuite)\b/;
/** Modules of a test suite that only build its data: factories and fixture modules, pytest's conftest. */
const FIXTURE_MODULE = /(^|\/)(factories|factory|fixtures|support\/factories)\/|(^|\/)[^/]*factor(y|ies)\.(py|rb|ts|js|go)$|(^|\/)conftest\.py$/i;

/**
 * Where in a test suite's code the node sets data up, not tests a path of the app (person17 LOW 6: five "Write per item"
 * on `Author.objects.create` in Django's setUpTestData): a setup hook or fixture, a fixture or factory module. The name
 * of the hook (`setUpTestData`, `beforeEach`, `@pytest.fixture`), or undefined. Only asked of test code.
 */
export function testSetupScope(node: Node, path: string, functionTypes: ReadonlySet<string>): string | undefined {
  for (let p: Node | null = node.parent; p; p = p.parent) {
    if (functionTypes.has(p.type)) {
      const name = field(p, 'name')?.text;
      if (name && SETUP_FUNCTION.test(name)) return name;
      // Python decorators wrap the definition; Java annotations sit in its modifiers.
      const deco = p.parent?.type === 'decorated_definition' ? named(p.parent).filter((c) => c.type === 'decorator').map((c) => c.text.trim()) : [];
      const mods = named(p).find((c) => c.type === 'modifiers');
      for (const d of [...deco, ...(mods ? named(mods).map((c) => c.text.trim()) : [])]) {
        const m = SETUP_DECORATOR.exec(d);
        if (m) return m[0];
      }
    }
    // A hook taking a callback or a block: `beforeEach(async () => …)`, RSpec's `before do … end`, `let(:x) { … }`.
    if (/^(call_expression|call|method_invocation)$/.test(p.type)) {
      const fn = field(p, 'function') ?? field(p, 'method') ?? field(p, 'name');
      const callee = fn ? (field(fn, 'property') ?? field(fn, 'attribute') ?? fn).text : undefined;
      if (callee && SETUP_CALL.test(callee)) return callee;
    }
  }
  return FIXTURE_MODULE.test(path.replace(/\\/g, '/')) ? 'a fixture module' : undefined;
}

/** `(x)` → `x`, and the whitespace around it. */
const bare = (t: string) => t.trim().replace(/^\(\s*([\s\S]*?)\s*\)$/, '$1').trim();

/** One step into `obj`: `obj.a`, `obj?.a`, `obj[key]`, `obj?.[key]` (its own field, not a field of a relation it holds). */
const ownField = (obj: string) => `${obj.replace(/\$/g, '\\$')}(?:\\??\\.[A-Za-z_$][\\w$]*|\\??\\.?\\[[^\\]\\n]{1,40}\\])`;

/** `obj?.a` and `obj.a` name the same field. */
const samePath = (a: string, b: string) => a.replace(/\?\./g, '.') === b.replace(/\?\./g, '.');

/**
 * The parent's own field as a condition tests it: `country.name`, `order.code !== undefined`, `entity[fieldName]`,
 * `obj.total is not None` (present), or `!order.code`, `obj.x == null`, `not obj.x` (absent), with the field as
 * written. `obj` is the parent object's name; undefined for any other condition (a relation's field, `order.channel.code`).
 */
function fieldTest(cond: string, obj: string): { test: 'present' | 'absent'; path: string } | undefined {
  const path = `(${ownField(obj)})`;
  const c = bare(cond);
  const unset = `(?:undefined|null|None|nil)`;
  const present = new RegExp(`^${path}(?:\\s*(?:!==?|is\\s+not)\\s*${unset})?$`).exec(c);
  if (present) return { test: 'present', path: present[1] };
  const absent = new RegExp(`^(?:!\\s*|not\\s+)${path}$|^${path}\\s*(?:===?|is)\\s*${unset}$`).exec(c);
  return absent ? { test: 'absent', path: absent[1] ?? absent[2] } : undefined;
}

/** The statement returns (`return x`, `{ return x; }`, Python's `return x`), and only that. */
function onlyReturns(stmt: Node | undefined): Node | undefined {
  if (!stmt) return undefined;
  if (/^return(_statement)?$/.test(stmt.type)) return stmt;
  const inner = named(stmt).filter((c) => !/comment/.test(c.type));
  return /^(statement_block|block)$/.test(stmt.type) && inner.length === 1 && /^return(_statement)?$/.test(inner[0].type) ? inner[0] : undefined;
}

/**
 * The call is a fallback for a field of the parent object itself (issue 14, held-out-aq Vendure's entity resolvers):
 * it runs only when that field is missing — after `if (country.name) return country.name;`, in the branch of
 * `if (!order.code) { … }` (or the `else` of a test that the field is there), or on the right of `parent.x ?? load()` /
 * `parent.x || load()` / `parent.x ? parent.x : load()`. A list's query loaded the parent's own columns, so the
 * resolver returns them without a query per parent; one that always loads (`return load(parent.id)`, or loads after
 * `if (!parent.authorId) return null`), or falls back for a relation's field (`if (r.project) return r.project.name;`),
 * stays a query per parent. `def` is the resolver, `obj` its parent. (detect.ts asks it for scalar fields only.)
 */
export function parentFieldFallback(node: Node, def: Node, obj: string | undefined): boolean {
  if (!obj || !/^[A-Za-z_$][\w$]*$/.test(obj)) return false;
  const onObj = new RegExp(`^${ownField(obj)}$`);
  // The tested field is the value the resolver returns (`return order.code`), not a relation read through (`r.project.name`).
  const returned = (path: string) => [...def.text.matchAll(/\breturn\s+([^;\n]+)/g)].some((m) => samePath(bare(m[1].replace(/\s+as\s+[\w<>[\]]+\s*$/, '')), path));
  let child: Node = node;
  for (let p: Node | null = node.parent; p && !same(child, def); child = p, p = p.parent) {
    if (p.type === 'binary_expression' && /^(\?\?|\|\|)$/.test(field(p, 'operator')?.text ?? '') && same(field(p, 'right'), child) && onObj.test(bare(field(p, 'left')?.text ?? ''))) return true;
    if (p.type === 'ternary_expression' || p.type === 'conditional_expression') {
      const t = fieldTest(field(p, 'condition')?.text ?? '', obj);
      const kept = t?.test === 'present' ? field(p, 'consequence') : field(p, 'alternative');
      if (t && samePath(bare(kept?.text ?? ''), t.path) && same(t.test === 'present' ? field(p, 'alternative') : field(p, 'consequence'), child)) return true;
    }
    if (p.type === 'if_statement') {
      const t = fieldTest(field(p, 'condition')?.text ?? '', obj);
      if (t && returned(t.path) && (t.test === 'absent' ? same(field(p, 'consequence'), child) : !same(field(p, 'consequence'), child) && !same(field(p, 'condition'), child))) return true;
    }
    // A statement of a body after `if (parent.x) return parent.x;`: it runs only when the field is missing.
    if (/^(statement_block|block)$/.test(p.type)) {
      for (const s of named(p)) {
        if (s.startIndex >= child.startIndex) break;
        if (s.type !== 'if_statement' || field(s, 'alternative')) continue;
        const ret = onlyReturns(field(s, 'consequence'));
        const value = ret ? bare(ret.text.replace(/^return\b/, '').replace(/;\s*$/, '')) : '';
        const test = ret ? fieldTest(field(s, 'condition')?.text ?? '', obj) : undefined;
        if (test?.test === 'present' && onObj.test(value) && samePath(value, test.path)) return true;
      }
    }
  }
  return false;
}

/**
 * The parameter a function returns from before anything else when it already holds the value (issue 14, held-out-aq
 * Vendure's `hydrateLocaleStringField(ctx, entity, fieldName)`: `if (entity[fieldName]) return entity[fieldName];`, then
 * a query only for an entity loaded without translations): its index among the parameters, or undefined. A call that
 * passes a list's item (a resolver's parent) there queries only for items loaded without that field.
 */
export function guardedParam(def: Node): number | undefined {
  // Python's `self`/`cls` is the receiver, not a positional argument of the call.
  const params = named(def.childForFieldName('parameters')).filter((p) => !/comment|decorator/.test(p.type) && !/^(self|cls)$/.test(p.text));
  const body = def.childForFieldName('body');
  // The first statement, past comments and a docstring.
  const first = named(body).find((s) => !/comment/.test(s.type) && !(s.type === 'expression_statement' && /^[rRbBuUfF]?['"]/.test(s.text)));
  if (!first || first.type !== 'if_statement' || !onlyReturns(field(first, 'consequence'))) return undefined;
  const value = bare(onlyReturns(field(first, 'consequence'))!.text.replace(/^return\b/, '').replace(/;\s*$/, '').replace(/\s+as\s+\w+$/, ''));
  for (let i = 0; i < params.length; i++) {
    const name = (params[i].childForFieldName('pattern') ?? params[i].childForFieldName('name') ?? params[i]).text.split(/[:=]/)[0].trim();
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === 'this') continue;
    const test = fieldTest(first.childForFieldName('condition')?.text ?? '', name);
    if (test?.test === 'present' && samePath(value, test.path)) return i;
  }
  return undefined;
}
