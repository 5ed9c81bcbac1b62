/**
 * Implicit N+1 in Rails views: a template (ERB, jbuilder) renders a collection the controller
 * loaded, and per item reads an association the controller did not preload. No loop in the
 * controller shows it; the query per row happens while the view renders.
 *
 * Learned from the app itself, by Rails conventions:
 *  - the view `app/views/<path>/<action>.<format>.(erb|jbuilder)` renders `<Path>Controller#<action>`;
 *  - its per-item code: `@xs.each do |x|`, `json.array! @xs do |x|`, `json.<key> @xs do |x|`, and
 *    partials rendered per item (`render @xs`, `render partial: …, collection: @xs`,
 *    `json.array! @xs, partial: …, as: :x`, `json.partial! …, collection: @xs, as: :x`);
 *  - what the controller assigned to `@xs` (in the action, else in any method of the controller:
 *    `before_action` setters), and which model that is (`Post.where(…)`, `current_user.posts`);
 *  - the model's declared associations (`belongs_to`/`has_many`/`has_one`/`has_and_belongs_to_many`).
 * Reported where the fix goes: the controller's assignment, with the view line as related location.
 * Unknown pieces (no controller, no assignment, a model whose file is not read) report nothing.
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { withSourceTree } from '../syntax/treeSitter';
import { field, named, same, type Node } from './syntax';
import { rewriteFixes, rewriteFor } from './rewrites';
import { RULE_ID } from './ruleId';
import type { NPlusOneEvidence } from './detect';
import { rubyLanguage } from '../languages/ruby/language';

/** A template the view pass reads (ERB as Ruby, jbuilder as it is): Ruby's templates (the language registry) under app/views. */
export const RAILS_VIEW = new RegExp(`(^|/)app/views/.+(${Object.keys(rubyLanguage.templates).map((e) => e.replace('.', '\\.')).join('|')})$`);

/**
 * ERB → Ruby with every offset kept: text outside `<% %>` becomes spaces (newlines stay), tags
 * become their code followed by `;`, comments (`<%#`) disappear.
 */
export function erbToRuby(text: string): string {
  const out = text.replace(/[^\n]/g, ' ').split('');
  const re = /<%(#?)([=-]{0,2})([\s\S]*?)(-?)%>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) continue;
    const codeStart = m.index + 2 + m[2].length;
    for (let i = 0; i < m[3].length; i++) out[codeStart + i] = m[3][i];
    // `%>` → `; ` so `<% if x %>…<% end %>` and `<% xs.each do |x| %>` stay valid Ruby.
    out[m.index + m[0].length - 2] = ';';
  }
  return out.join('');
}

interface ViewAccess {
  /** The instance variable the controller fills (`posts` for `@posts`). */
  ivar: string;
  relation: string;
  variable: string;
  file: string;
  span: { start: number; end: number };
  line: number;
  /** A query built on the item (`x.user.subscriptions.where(…).pluck`): one per item whatever the controller preloads. */
  query?: string;
  /** The loop walks an association of the controller's record (`@specialty.developers.each`): that association's name. */
  through?: string;
}

interface Assignment {
  file: string;
  span: { start: number; end: number };
  value: string;
  /** The method holding the assignment (the action or a before_action setter). */
  scope: string;
}

const ASSOCIATION = /^\s*(?:belongs_to|has_many|has_one|has_and_belongs_to_many)\s+:(\w+)/gm;
const PRELOAD = /\b(?:includes|preload|eager_load)\s*\(?([^)\n]*)/g;

export class RailsViews {
  /** `<prefix>|<controller path>` → controller file and text. */
  private readonly controllers = new Map<string, { file: string; text: string }>();
  /** Model class → declared associations. */
  private readonly associations = new Map<string, Set<string>>();
  /** Model class → members that hold a plain value, not an association (plainMembersOf). */
  private readonly plainMembers = new Map<string, Set<string>>();
  /** Model class → its named scopes (`scope :blocked, -> { … }`): `Conversation.blocked` is a relation of Conversation. */
  private readonly scopes = new Map<string, Set<string>>();
  private readonly views: { file: string; text: string }[] = [];

  /** Every Ruby file: controllers and models are kept (by path and class). */
  addRuby(file: string, text: string): void {
    const c = /^(.*?)app\/controllers\/(.+)_controller\.rb$/.exec(file);
    if (c) this.controllers.set(`${c[1]}|${c[2]}`, { file, text });
    if (/(^|\/)app\/models\//.test(file) && /^\s*(?:belongs_to|has_many|has_one|has_and_belongs_to_many)\s/m.test(text)) {
      const cls = /^\s*class\s+([A-Z]\w*(?:::[A-Z]\w*)*)\s*</m.exec(text)?.[1]?.split('::').pop();
      if (cls) {
        const rels = new Set([...text.matchAll(ASSOCIATION)].map((m) => m[1]));
        this.associations.set(cls, rels);
        this.plainMembers.set(cls, plainMembersOf(text, rels));
        this.scopes.set(cls, new Set([...text.matchAll(/^\s*scope\s+:(\w+)\s*,/gm)].map((m) => m[1])));
      }
    }
  }

  addView(file: string, text: string): void {
    if (RAILS_VIEW.test(file)) this.views.push({ file, text });
  }

  async findings(): Promise<Finding[]> {
    if (!this.views.length || !this.controllers.size) return [];
    const partials = new Map(this.views.map((v) => [v.file, v]));
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const view of this.views) {
      const m = /^(.*?)app\/views\/(.+)\/([^/]+?)\.[\w.]+$/.exec(view.file);
      if (!m || m[3].startsWith('_')) continue;
      const ctl = this.controllers.get(`${m[1]}|${m[2]}`);
      if (!ctl) continue;
      const accesses = await this.accessesOf(view.file, view.text, m[1], m[2], partials, 0);
      for (const a of accesses) {
        const asg = await assignmentOf(ctl.file, ctl.text, m[3], a.ivar);
        if (!asg) continue;
        // Rows of an association of the record (`@specialty.developers`): the association's model; its inverse
        // (`developer.specialty`) is the record itself, no query.
        if (a.through && singularClass(a.relation) === singularClass(a.ivar)) continue;
        const model = a.through ? singularClass(a.through) : modelOf(asg.value) ?? this.scopeModel(asg.value);
        if (a.query) {
          const key = `${asg.file}:${asg.span.start}:${a.query}`;
          // `digest.first_time_countries.count` where the model says `def first_time_countries; first_time_visits['countries'] || []; end`,
          // `trip.visited_countries.count` where it assigns `self.visited_countries = …`: an array's `count`, no query.
          if (!seen.has(key) && model && !this.plainMembers.get(model)?.has(a.relation.split('.')[0])) out.push(finding(asg, a, model));
          seen.add(key);
          continue;
        }
        const rels = model ? this.associations.get(model) : undefined;
        if (!rels?.has(a.relation)) continue;
        // Preloaded by this query or by the record it comes from (`@order = Order.includes(line_items: :item)…; @items = @order.line_items`).
        if (preloads(asg.scope, a.relation) || /\.(pluck|ids|count|exists\?|sum|size)\b/.test(asg.value)) continue;
        // Back to the owner the collection came from (`current_organization.audits` → `audit.organization`): Rails sets the inverse, no query.
        const owner = /^@?([a-z_]\w*)\.[a-z_]+s\b/.exec(asg.value)?.[1].replace(/^current_/, '');
        if (owner === a.relation) continue;
        const key = `${asg.file}:${asg.span.start}:${a.relation}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(finding(asg, a, model!));
      }
    }
    return out;
  }

  /** `Conversation.blocked…`: a named scope the model declares, so a relation of that model (railsdevs' blocks list). */
  private scopeModel(value: string): string | undefined {
    const m = /^([A-Z]\w*)\.([a-z_]\w*)\b(?![?!])/.exec(value);
    return m && this.scopes.get(m[1])?.has(m[2]) ? m[1] : undefined;
  }

  /** Per-item association reads of a view, following partials rendered per item (two levels). */
  private async accessesOf(file: string, text: string, prefix: string, dir: string, partials: Map<string, { file: string; text: string }>, depth: number, local?: { variable: string; ivar: string }): Promise<ViewAccess[]> {
    const ruby = file.endsWith('.erb') ? erbToRuby(text) : text;
    const found: ViewAccess[] = [];
    const rendered: { partial: string; variable: string; ivar: string }[] = [];
    await withSourceTree(ruby, 'ruby', undefined, (tree) => {
      if (!tree) return;
      const starts = lineStarts(text);
      const push = (variable: string, ivar: string, body: Node, through?: string) => {
        for (const n of body.descendantsOfType('call')) {
          if (!n) continue;
          const q = itemQuery(n, variable);
          if (q && !onlyForCurrentUser(n, variable, body)) found.push({ ivar, relation: q.relation, variable, file, span: { start: n.startIndex, end: n.endIndex }, line: positionAt(starts, n.startIndex).line + 1, query: q.text, ...(through ? { through } : {}) });
          if (field(n, 'arguments')) continue;
          const recv = field(n, 'receiver');
          if (recv?.type !== 'identifier' || recv.text !== variable) continue;
          const rel = field(n, 'method')?.text;
          if (rel && onlyForCurrentUser(n, variable, body)) continue;
          if (rel) found.push({ ivar, relation: rel, variable, file, span: { start: n.startIndex, end: n.endIndex }, line: positionAt(starts, n.startIndex).line + 1, ...(through ? { through } : {}) });
        }
      };
      if (local) push(local.variable, local.ivar, tree.rootNode);
      for (const call of tree.rootNode.descendantsOfType('call')) {
        if (!call) continue;
        const method = field(call, 'method')?.text ?? '';
        const args = named(field(call, 'arguments'));
        const block = field(call, 'block');
        // The collection: the receiver of each/map, the first argument of json.array!/json.<key>/render.
        const recv = field(call, 'receiver');
        let coll: Node | undefined;
        if (/^(each|each_with_index|map|collect|each_with_object|group_by|sort_by|select|reject|find_each)$/.test(method)) coll = recv ?? undefined;
        else if (recv?.text === 'json' || method === 'render' || method === 'partial!') coll = args[0];
        let ivar = coll?.type === 'instance_variable' ? coll.text.slice(1) : undefined;
        // `@specialty.developers.each do |developer|`: an association of the controller's record, walked row by row.
        const owner = coll?.type === 'call' && !field(coll, 'arguments') ? field(coll, 'receiver') : undefined;
        const through = owner?.type === 'instance_variable' && /^[a-z][a-z0-9_]*s$/.test(field(coll!, 'method')?.text ?? '') ? field(coll!, 'method')!.text : undefined;
        if (!ivar && through) ivar = owner!.text.slice(1);
        const opt = (k: string) => args.find((x) => x.type === 'pair' && field(x, 'key')?.text.replace(/^:/, '').replace(/:$/, '') === k);
        const optValue = (k: string) => field(opt(k)!, 'value');
        // `collection: @xs` (render, json.partial!) names the collection in an option.
        const collOpt = opt('collection') ? optValue('collection') : undefined;
        const ivarOf = collOpt?.type === 'instance_variable' ? collOpt.text.slice(1) : ivar;
        if (!ivarOf) continue;
        if (block) {
          const p = named(field(block, 'parameters'))[0];
          const v = p?.type === 'identifier' ? p.text : undefined;
          if (v) push(v, ivarOf, field(block, 'body') ?? block, ivarOf === ivar ? through : undefined);
          // A partial rendered per item with the item as a local (`json.partial! "x/item", item: item`).
          if (v && !(through && ivarOf === ivar)) for (const r of partialsWithLocal(field(block, 'body') ?? block, v)) rendered.push({ ...r, ivar: ivarOf });
          continue;
        }
        // Partials over an association of the record are not followed (their reads would be judged on the record's model).
        if (through && ivarOf === ivar) continue;
        const partialNode = opt('partial') ? optValue('partial') : method === 'partial!' || method === 'render' ? args.find((x) => x.type === 'string') : undefined;
        const as = opt('as') ? optValue('as')?.text.replace(/^:/, '').replace(/^['"]|['"]$/g, '') : undefined;
        let partial = partialNode?.type === 'string' ? partialNode.text.slice(1, -1) : undefined;
        // `render @posts`: the model's own partial, posts/_post.
        if (!partial && method === 'render' && !collOpt && coll?.type === 'instance_variable') partial = `${ivarOf}/${ivarOf.replace(/ies$/, 'y').replace(/s$/, '')}`;
        if (!partial) continue;
        const base = partial.split('/').pop()!;
        rendered.push({ partial, variable: as ?? base, ivar: ivarOf });
      }
    });
    if (depth < 2) {
      for (const r of rendered) {
        const rel = r.partial.includes('/') ? r.partial.replace(/\/([^/]+)$/, '/_$1') : `${dir}/_${r.partial}`;
        const pf = [...partials.keys()].find((k) => k.startsWith(`${prefix}app/views/${rel}.`));
        const p = pf ? partials.get(pf) : undefined;
        if (p) found.push(...(await this.accessesOf(p.file, p.text, prefix, dir, partials, depth + 1, { variable: r.variable, ivar: r.ivar })));
      }
    }
    return found;
  }
}

/**
 * The read sits under `if current_user == user` (or `user == current_user`): it runs for the one item
 * that is the signed-in user, not for every item.
 */
function onlyForCurrentUser(n: Node, variable: string, body: Node): boolean {
  const v = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const same = new RegExp(`\\b(?:@?current_user\\s*==\\s*${v}|${v}\\s*==\\s*@?current_user)\\b`);
  for (let p = n.parent; p && p !== body && p.startIndex >= body.startIndex; p = p.parent) {
    if (/^(if|if_modifier|unless)$/.test(p.type) && p.type !== 'unless' && same.test(field(p, 'condition')?.text ?? '')) return true;
  }
  return false;
}

/**
 * Members of a model that hold a plain value, not a relation: an attribute the model assigns (`self.visited_countries =
 * points.pluck(:country_name).uniq`) and a method whose body reads a key of a hash or falls back to an empty array
 * (`def first_time_countries; first_time_visits['countries'] || []; end`) without naming an association or a query method.
 */
function plainMembersOf(text: string, rels: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\bself\.([a-z_]\w*)\s*=(?!=)/g)) if (!rels.has(m[1])) out.add(m[1]);
  for (const m of text.matchAll(/^(\s*)def\s+([a-z_]\w*)\s*\n([\s\S]*?)^\1end\b/gm)) {
    const body = m[3];
    const names = body.match(/[a-z_]\w*/g) ?? [];
    if (rels.has(m[2]) || names.some((x) => rels.has(x) || QUERY_METHOD.test(x) || /^(joins|includes|scope|all|none|merge|limit|select)$/.test(x))) continue;
    if (/\[\s*(?:'[\w-]+'|"[\w-]+"|:\w+)\s*\]\s*(?:\|\|\s*(?:\[\s*\]|\{\s*\}))?\s*$/.test(body.trim())) out.add(m[2]);
  }
  return out;
}

/** ActiveRecord calls that always run a query, whatever was preloaded. */
const QUERY_METHOD = /^(where|find_by|find_by!|exists\?|count|sum|maximum|minimum|average|find|order|reorder|pluck|ids)$/;

/**
 * A query built on the item's associations in per-item view code (`action.user.subscriptions.where(…).pluck(:id)`):
 * the outermost call of a chain rooted at the item variable whose chain holds a query method after an association.
 */
function itemQuery(n: Node, variable: string): { relation: string; text: string } | undefined {
  if (n.parent?.type === 'call' && same(field(n.parent, 'receiver'), n)) return undefined;
  const segs: string[] = [];
  let cur: Node | undefined = n;
  while (cur?.type === 'call') {
    segs.unshift(field(cur, 'method')?.text ?? '');
    cur = field(cur, 'receiver');
  }
  if (cur?.type !== 'identifier' || cur.text !== variable || segs.length < 2) return undefined;
  const q = segs.findIndex((x, i) => i >= 1 && QUERY_METHOD.test(x));
  // `pluck`/`ids`/`find` on a loaded association read memory: a query only after a relation builder.
  if (q < 0 || (/^(pluck|ids|find|order|reorder)$/.test(segs[q]) && !segs.slice(1, q).some((x) => /^(where|order|reorder|joins|limit)$/.test(x)))) return undefined;
  return { relation: segs.slice(0, q).join('.'), text: `${variable}.${segs.slice(0, q + 1).join('.')}` };
}

/** Partials a block renders with the block's item as a local: `json.partial! "p", x: x`, `render "p", x: x`, `render partial: "p", locals: { x: x }`. */
function partialsWithLocal(body: Node, item: string): { partial: string; variable: string }[] {
  const out: { partial: string; variable: string }[] = [];
  for (const c of body.descendantsOfType('call')) {
    const method = c ? field(c, 'method')?.text : undefined;
    if (!c || !(method === 'partial!' || method === 'render')) continue;
    const args = named(field(c, 'arguments'));
    const pairs = args.flatMap((x) => (x.type === 'pair' ? [x] : x.type === 'hash' ? named(x).filter((y) => y.type === 'pair') : []));
    const key = (x: Node) => field(x, 'key')?.text.replace(/^:/, '').replace(/:$/, '');
    const locals = pairs.find((x) => key(x) === 'locals');
    const all = [...pairs, ...named(locals ? field(locals, 'value') : undefined).filter((y) => y.type === 'pair')];
    const str = args.find((x) => x.type === 'string') ?? (pairs.find((x) => key(x) === 'partial') ? field(pairs.find((x) => key(x) === 'partial')!, 'value') : undefined);
    const local = all.find((x) => field(x, 'value')?.text === item);
    if (str?.type === 'string' && local) out.push({ partial: str.text.slice(1, -1), variable: key(local)! });
  }
  return out;
}

/** `@ivar = …` in the action, else in any method of the controller (a before_action setter). */
async function assignmentOf(file: string, text: string, action: string, ivar: string): Promise<Assignment | undefined> {
  return withSourceTree(text, 'ruby', undefined, (tree) => {
    if (!tree) return undefined;
    const all = tree.rootNode.descendantsOfType('assignment').filter((a): a is Node => !!a && field(a, 'left')?.text === `@${ivar}`);
    const inAction = all.filter((a) => {
      for (let p = a.parent; p; p = p.parent) if (p.type === 'method') return field(p, 'name')?.text === action;
      return false;
    });
    const pick = inAction[0] ?? (all.length === 1 ? all[0] : undefined);
    const right = pick ? field(pick, 'right') : undefined;
    let scope: Node | null | undefined = pick;
    while (scope && scope.type !== 'method') scope = scope.parent;
    return right ? { file, span: { start: right.startIndex, end: right.endIndex }, value: right.text, scope: scope?.text ?? right.text } : undefined;
  });
}

const singularClass = (plural: string) => plural.replace(/ies$/, 'y').replace(/s$/, '').replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());

/** The model a controller expression loads: `Post.where(…)` → Post, `current_user.posts.order(…)` → Post. */
function modelOf(value: string): string | undefined {
  const direct = /^([A-Z]\w*)\.(all|where|order|includes|preload|eager_load|joins|left_joins|limit|offset|page|not|visible|active|recent|published|sorted|kept|reorder|distinct|select|with|by_\w+|for_\w+)\b/.exec(value);
  if (direct) return direct[1];
  const assoc = /^@?[a-z_]\w*\.([a-z_]+s)\b(?!\?)/.exec(value);
  return assoc ? singularClass(assoc[1]) : undefined;
}

function preloads(value: string, relation: string): boolean {
  for (const m of value.matchAll(PRELOAD)) if (new RegExp(`(^|[^\\w])${relation}\\b`).test(m[1])) return true;
  return false;
}

function finding(asg: Assignment, a: ViewAccess, model: string): Finding {
  const items = a.through ? `@${a.ivar}.${a.through}` : `@${a.ivar}`;
  const preload = a.through ? `includes(${a.through}: :${a.relation})` : `includes(:${a.relation})`;
  const rewrite = rewriteFor({ call: { library: 'activerecord', op: 'read', batch: false, label: `${a.variable}.${a.relation}`, method: a.relation, model }, variable: a.variable, iterable: a.ivar, relation: a.relation });
  const evidence: NPlusOneEvidence = {
    kind: 'lazy-relation', implicit: true, library: 'activerecord', call: `${a.variable}.${a.relation}`, loop: `the view ${a.file}`, variable: a.variable, iterable: items, rewrite,
  };
  return {
    ruleId: RULE_ID,
    severity: 'warning',
    message: a.query
      ? `N+1 query (view): ${a.file}:${a.line} runs \`${a.query}\` once per item of \`${items}\`: a query per item that no includes can serve; load it once here for every item.`
      : `N+1 query (view): ${a.file}:${a.line} reads \`${a.variable}.${a.relation}\` once per item of \`${items}\`; this query does not ${preload}.`,
    span: asg.span,
    file: asg.file,
    help: a.through ? `Add .${preload} (or .preload/.eager_load) to the query that produced @${a.ivar}.` : rewrite.help,
    fixes: rewriteFixes(rewrite),
    related: [{ file: a.file, line: a.line, span: a.span, message: `\`${a.variable}.${a.relation}\` read per item in the view` }],
    evidence: evidence as unknown as Record<string, unknown>,
  };
}
