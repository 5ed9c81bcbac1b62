/**
 * MyBatis XML mappers (`<mapper namespace="…">` files): every `<select|insert|update|delete id="…">`
 * becomes a SqlSite pointed at its element, `#{x}` mapped to a `$n` bind parameter and `${x}` to a
 * `$n` that stands for text spliced in at run time (the site is then dynamic).
 *
 * Dynamic SQL is handled by enumerating its static variants, bounded: `<if>` is present or absent,
 * `<choose>` takes its first branch whose test holds, `<where>`/`<set>`/`<trim>` add their prefix and
 * strip the overrides as MyBatis does, `<foreach>` stands for one item, `<include refid>` inlines a
 * `<sql>` fragment of the same file. A test written twice (the column list and the VALUES of an
 * insertSelective) is one choice: one variant per truth assignment of the distinct tests, up to
 * 2^MAX_TESTS, kept on the site (`variants`) for the rules engine to judge together; past that bound,
 * or when a fragment is not in the file, the site is only marked dynamic. The text of every variant maps back to the file offsets of its characters.
 *
 * The XML reader is deliberately small (elements, attributes, text, CDATA, comments, processing
 * instructions, DOCTYPE, the five named and numeric entities): what the rules need is the file offset
 * of every decoded text character, which SAX/DOM parsers do not give.
 */
import type { SqlSite, SqlVariant } from '../../extract/types';
import { finishSql, pushText, type Part } from '../../extract/compose';


interface XText {
  kind: 'text';
  text: string;
  offsets: number[];
}

interface XElement {
  kind: 'el';
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  start: number;
  end: number;
}

type XNode = XText | XElement;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntity(text: string, i: number): { ch: string; len: number } | undefined {
  const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/.exec(text.slice(i, i + 12));
  if (!m) return undefined;
  const body = m[1];
  if (body[0] === '#') {
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff) return undefined;
    return { ch: String.fromCodePoint(code), len: m[0].length };
  }
  const ch = NAMED[body];
  return ch === undefined ? undefined : { ch, len: m[0].length };
}

function decodeAttr(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i] === '&' ? decodeEntity(raw, i) : undefined;
    if (e) {
      out += e.ch;
      i += e.len - 1;
    } else out += raw[i];
  }
  return out;
}

/** The element tree of an XML text (lenient: unclosed elements end at the end of the text). */
function parseXml(text: string): XElement {
  const root: XElement = { kind: 'el', name: '#root', attrs: {}, children: [], start: 0, end: text.length };
  const stack: XElement[] = [root];
  const top = () => stack[stack.length - 1];
  const addText = (s: string, offsets: number[]) => {
    const kids = top().children;
    const last = kids[kids.length - 1];
    if (last && last.kind === 'text') {
      last.text += s;
      last.offsets.push(...offsets);
    } else kids.push({ kind: 'text', text: s, offsets });
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      let s = '';
      const offs: number[] = [];
      while (i < text.length && text[i] !== '<') {
        const e = text[i] === '&' ? decodeEntity(text, i) : undefined;
        if (e) {
          s += e.ch;
          offs.push(i);
          i += e.len;
        } else {
          s += text[i];
          offs.push(i);
          i++;
        }
      }
      addText(s, offs);
      continue;
    }
    const past = pastSkipped(text, i);
    if (past !== undefined) {
      i = past;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const from = i + 9;
      const e = text.indexOf(']]>', from);
      const to = e < 0 ? text.length : e;
      const offs: number[] = [];
      for (let k = from; k < to; k++) offs.push(k);
      addText(text.slice(from, to), offs);
      i = e < 0 ? text.length : e + 3;
      continue;
    }
    if (text.startsWith('<!', i)) {
      // DOCTYPE (with an internal subset in brackets) or another declaration.
      let depth = 0;
      let k = i + 2;
      for (; k < text.length; k++) {
        if (text[k] === '[') depth++;
        else if (text[k] === ']') depth--;
        else if (text[k] === '>' && depth <= 0) break;
      }
      i = k + 1;
      continue;
    }
    if (text[i + 1] === '/') {
      const m = /^<\/\s*([\w:.-]+)\s*>/.exec(text.slice(i, i + 200));
      const name = m?.[1];
      const end = m ? i + m[0].length : text.indexOf('>', i) + 1 || text.length;
      const at = name ? stack.map((s) => s.name).lastIndexOf(name) : -1;
      if (at > 0) {
        while (stack.length > at) stack.pop()!.end = end;
      }
      i = end;
      continue;
    }
    const m = /^<([\w:.-]+)/.exec(text.slice(i, i + 200));
    if (!m) {
      addText('<', [i]);
      i++;
      continue;
    }
    const el: XElement = { kind: 'el', name: m[1], attrs: {}, children: [], start: i, end: text.length };
    let k = i + m[0].length;
    const attr = /\s*([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/y;
    for (;;) {
      attr.lastIndex = k;
      const a = attr.exec(text);
      if (!a) break;
      el.attrs[a[1]] = decodeAttr(a[3] ?? a[4] ?? '');
      k = attr.lastIndex;
    }
    const close = /\s*(\/?)>/y;
    close.lastIndex = k;
    const c = close.exec(text);
    const selfClosing = c?.[1] === '/';
    i = c ? close.lastIndex : Math.max(k, text.indexOf('>', k) + 1 || text.length);
    top().children.push(el);
    if (selfClosing) el.end = i;
    else stack.push(el);
  }
  return root;
}

/** `#{x}` → bind parameter, `${x}` → text spliced in at run time; the rest stays text. */
function textParts(t: XText): Part[] {
  const parts: Part[] = [];
  const re = /([#$])\{([^}]*)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t.text))) {
    pushText(parts, t.text.slice(last, m.index), t.offsets.slice(last, m.index));
    const start = t.offsets[m.index];
    const end = t.offsets[m.index + m[0].length - 1] + 1;
    parts.push({ t: 'hole', source: m[0], span: { start, end }, dynamic: m[1] === '$' });
    last = m.index + m[0].length;
  }
  pushText(parts, t.text.slice(last), t.offsets.slice(last));
  return parts;
}

function appendParts(out: Part[], parts: readonly Part[]): void {
  for (const p of parts) {
    if (p.t === 'text') pushText(out, p.text, p.offsets);
    else out.push(p);
  }
}

/** MyBatis `<trim>`: strip one of the prefix/suffix overrides, add prefix/suffix when the body is not blank. */
function trimParts(body: Part[], at: number, prefix: string, suffix: string, prefixOverrides: string[], suffixOverrides: string[]): Part[] {
  if (!body.some((p) => p.t === 'hole' || p.text.trim())) return [];
  const parts = body.map((p) => (p.t === 'text' ? { ...p, offsets: p.offsets.slice() } : p));
  const first = parts[0];
  if (first && first.t === 'text') {
    const lead = first.text.length - first.text.trimStart().length;
    const rest = first.text.slice(lead).toUpperCase();
    const o = prefixOverrides.find((x) => x && rest.startsWith(x.toUpperCase()));
    const cut = lead + (o?.length ?? 0);
    parts[0] = { t: 'text', text: first.text.slice(cut), offsets: first.offsets.slice(cut) };
  }
  const lastI = parts.length - 1;
  const last = parts[lastI];
  if (last && last.t === 'text') {
    const kept = last.text.trimEnd();
    const o = suffixOverrides.find((x) => x && kept.toUpperCase().endsWith(x.toUpperCase()));
    const keep = kept.length - (o?.length ?? 0);
    parts[lastI] = { t: 'text', text: last.text.slice(0, keep), offsets: last.offsets.slice(0, keep) };
  }
  const out: Part[] = [];
  if (prefix) pushText(out, ` ${prefix} `, new Array(prefix.length + 2).fill(at));
  appendParts(out, parts.filter((p) => p.t !== 'text' || p.text.length));
  if (suffix) pushText(out, ` ${suffix} `, new Array(suffix.length + 2).fill(at));
  return out;
}

const overrides = (s: string | undefined): string[] => (s ? s.split('|').filter((x) => x.length) : []);
const WHERE_OVERRIDES = ['AND ', 'OR ', 'AND\n', 'OR\n', 'AND\r', 'OR\r', 'AND\t', 'OR\t'];

/** The same condition written twice (`<if test="name != null">` in the column list and in VALUES) is one choice. */
const testKey = (t: string | undefined): string => (t ?? '').replace(/\s+/g, ' ').trim();

/**
 * `<sql id>` fragments of a project's other mapper files, by `namespace.id` → the `<sql>` element's XML
 * text (built by addMapperFragments over every mapper; node/projectConfig.ts readMapperFragments).
 */
export type MapperFragments = Map<string, string>;

/** Adds the `<sql id>` fragments of a mapper text to `into`, under `namespace.id`. */
export function addMapperFragments(text: string, into: MapperFragments): void {
  if (!/<mapper[\s>]/.test(text) || !/<sql[\s>]/.test(text)) return;
  const mapper = parseXml(text).children.find((c): c is XElement => c.kind === 'el' && c.name === 'mapper');
  const ns = mapper?.attrs.namespace;
  if (!mapper || !ns) return;
  for (const c of mapper.children) if (c.kind === 'el' && c.name === 'sql' && c.attrs.id) into.set(`${ns}.${c.attrs.id}`, text.slice(c.start, c.end));
}

interface RenderEnv {
  fragments: Map<string, XElement>;
  /** Fragments of other mapper files (`<include refid="other.Namespace.id"/>`). */
  foreign?: MapperFragments;
  namespace: string;
  /** Fragments being inlined (a cycle is unresolved, not endless). */
  active: Set<string>;
  /** Truth of each distinct test, or undefined for the fullest variant (every `<if>` in, the first `<when>`). */
  assign?: Map<string, boolean>;
  /** An `<include>` could not be resolved (another file's fragment): the text is incomplete. */
  unresolved: boolean;
}

function fragmentOf(n: XElement, env: RenderEnv): { key: string; el?: XElement; foreign?: boolean } {
  const ref = n.attrs.refid ?? '';
  const key = ref.startsWith(env.namespace + '.') ? ref.slice(env.namespace.length + 1) : ref;
  if (env.active.has(key)) return { key };
  const own = env.fragments.get(key);
  if (own || !ref.includes('.')) return { key, el: own };
  // Another mapper's fragment: its text is parsed here; it maps to this file's `<include>` element.
  const xml = env.foreign?.get(ref);
  const el = xml ? parseXml(xml).children.find((c): c is XElement => c.kind === 'el' && c.name === 'sql') : undefined;
  return { key, el, foreign: !!el };
}

/** Parts rendered from another file: every character maps to the `<include>` element of this file. */
function pinned(parts: Part[], at: XElement): Part[] {
  return parts.map((p) => (p.t === 'text' ? { ...p, offsets: p.offsets.map(() => at.start) } : { ...p, span: { start: at.start, end: at.end } }));
}

/** The distinct `<if>`/`<when>` tests of a statement, fragments included. */
function testsOf(nodes: XNode[], env: RenderEnv, out: Set<string>): Set<string> {
  for (const n of nodes) {
    if (n.kind !== 'el') continue;
    if ((n.name === 'if' || n.name === 'when') && out.size <= MAX_TESTS) out.add(testKey(n.attrs.test));
    if (n.name === 'include') {
      const f = fragmentOf(n, env);
      if (f.el) {
        env.active.add(f.key);
        testsOf(f.el.children, env, out);
        env.active.delete(f.key);
      }
      continue;
    }
    testsOf(n.children, env, out);
  }
  return out;
}

function renderChildren(children: XNode[], env: RenderEnv): Part[] {
  const out: Part[] = [];
  for (const c of children) appendParts(out, renderNode(c, env));
  return out;
}

const holds = (env: RenderEnv, test: string | undefined): boolean => env.assign?.get(testKey(test)) ?? true;

function renderNode(n: XNode, env: RenderEnv): Part[] {
  if (n.kind === 'text') return textParts(n);
  switch (n.name) {
    case 'if':
      return holds(env, n.attrs.test) ? renderChildren(n.children, env) : [];
    case 'choose': {
      // MyBatis takes the first <when> whose test holds, else <otherwise>.
      for (const c of n.children) {
        if (c.kind === 'el' && c.name === 'when' && holds(env, c.attrs.test)) return renderChildren(c.children, env);
      }
      const other = n.children.find((c): c is XElement => c.kind === 'el' && c.name === 'otherwise');
      return other ? renderChildren(other.children, env) : [];
    }
    case 'where':
      return trimParts(renderChildren(n.children, env), n.start, 'WHERE', '', WHERE_OVERRIDES, []);
    case 'set':
      return trimParts(renderChildren(n.children, env), n.start, 'SET', '', [','], [',']);
    case 'trim':
      return trimParts(renderChildren(n.children, env), n.start, n.attrs.prefix ?? '', n.attrs.suffix ?? '', overrides(n.attrs.prefixOverrides), overrides(n.attrs.suffixOverrides));
    case 'foreach': {
      // One item stands for the collection (`IN (#{id})` → `IN ($1)`): the statement's shape is the same.
      const out: Part[] = [];
      const open = n.attrs.open ?? '';
      const close = n.attrs.close ?? '';
      pushText(out, ` ${open}`, new Array(open.length + 1).fill(n.start));
      appendParts(out, renderChildren(n.children, env));
      pushText(out, `${close} `, new Array(close.length + 1).fill(n.start));
      return out;
    }
    case 'include': {
      const f = fragmentOf(n, env);
      if (!f.el) {
        env.unresolved = true;
        return [{ t: 'hole', source: `<include refid="${n.attrs.refid ?? ''}"/>`, span: { start: n.start, end: n.end }, dynamic: true }];
      }
      env.active.add(f.key);
      try {
        const parts = renderChildren(f.el.children, env);
        return f.foreign ? pinned(parts, n) : parts;
      } finally {
        env.active.delete(f.key);
      }
    }
    case 'bind':
    case 'selectKey':
      return [];
    default:
      return renderChildren(n.children, env);
  }
}

/** At most 2^MAX_TESTS variants: one per truth assignment of the statement's distinct tests. */
export const MAX_TESTS = 5;

const STATEMENTS = new Set(['select', 'insert', 'update', 'delete']);

/** Is this XML text a MyBatis mapper? */
function isMyBatisMapper(text: string): boolean {
  return /<mapper[\s>]/.test(text) && /<(select|insert|update|delete)[\s>]/.test(text);
}

/** The statements of a MyBatis XML mapper, as SqlSites (api `mybatis`). */
export function myBatisSites(text: string, file?: string, foreign?: MapperFragments): SqlSite[] {
  if (!isMyBatisMapper(text)) return [];
  const root = parseXml(text);
  const mapper = root.children.find((c): c is XElement => c.kind === 'el' && c.name === 'mapper');
  if (!mapper) return [];
  const fragments = new Map<string, XElement>();
  for (const c of mapper.children) if (c.kind === 'el' && c.name === 'sql' && c.attrs.id) fragments.set(c.attrs.id, c);
  const out: SqlSite[] = [];
  for (const c of mapper.children) {
    if (c.kind !== 'el' || !STATEMENTS.has(c.name)) continue;
    const env: RenderEnv = { fragments, foreign, namespace: mapper.attrs.namespace ?? '', active: new Set(), unresolved: false };
    const tests = [...testsOf(c.children, env, new Set())];
    const exhaustive = tests.length <= MAX_TESTS;
    const full = finishSql(renderChildren(c.children, env), {});
    if (!full.sql.trim()) continue;
    const variants: SqlVariant[] = [];
    if (exhaustive && tests.length) {
      const seen = new Set<string>();
      for (let mask = 0; mask < 1 << tests.length; mask++) {
        env.assign = new Map(tests.map((t, i) => [t, (mask & (1 << i)) !== 0]));
        const f = finishSql(renderChildren(c.children, env), {});
        if (!f.sql.trim() || seen.has(f.sql)) continue;
        seen.add(f.sql);
        variants.push(f);
      }
    }
    const site: SqlSite = {
      file,
      language: 'sql',
      api: 'mybatis',
      sql: full.sql,
      sourceMap: full.sourceMap,
      span: { start: c.start, end: c.end },
      params: full.params,
      confidence: 1,
      // The element's text alone is not the statement that runs when it has variants or spliced text.
      dynamic: !exhaustive || env.unresolved || variants.length > 1 || full.dynamic,
    };
    if (exhaustive && !env.unresolved && variants.length > 1) site.variants = variants.map(({ sql, sourceMap, params, dynamic }) => ({ sql, sourceMap, params, dynamic }));
    out.push(site);
  }
  return out;
}

const SKIPPED = [['<!--', '-->'], ['<?', '?>']] as const;

/** XML comments and processing instructions hold no SQL: where the one that starts at i ends (the text's end when unclosed). */
function pastSkipped(text: string, i: number): number | undefined {
  for (const [open, close] of SKIPPED) {
    if (!text.startsWith(open, i)) continue;
    const e = text.indexOf(close, i + open.length);
    return e < 0 ? text.length : e + close.length;
  }
  return undefined;
}
