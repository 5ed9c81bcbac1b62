/**
 * MyBatis XML mappers (`<mapper namespace="…">` files): every `<select|insert|update|delete id="…">`
 * becomes a SqlSite pointed at its element, `#{x}` mapped to a `$n` bind parameter and `${x}` to a
 * `$n` that stands for text spliced in at run time (the site is then dynamic).
 *
 * Dynamic SQL is handled by enumerating its static variants, bounded: `<if>` is present or absent,
 * `<choose>` takes one of its branches, `<where>`/`<set>`/`<trim>` add their prefix and strip the
 * overrides as MyBatis does, `<foreach>` stands for one item, `<include refid>` inlines a `<sql>`
 * fragment of the same file. Up to MAX_VARIANTS variants are kept on the site (`variants`), and the
 * rules engine judges them together; past that bound, or when a fragment is not in the file, the site
 * is only marked dynamic. The text of every variant maps back to the file offsets of its characters.
 *
 * The XML reader is deliberately small (elements, attributes, text, CDATA, comments, processing
 * instructions, DOCTYPE, the five named and numeric entities): what the rules need is the file offset
 * of every decoded text character, which SAX/DOM parsers do not give.
 */
import type { SqlSite } from '../../extract/types';
import { finishSql, pushText, type Part } from '../../extract/compose';

export const MAX_VARIANTS = 32;

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
export function parseXml(text: string): XElement {
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
    if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      i = e < 0 ? text.length : e + 3;
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
    if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i + 2);
      i = e < 0 ? text.length : e + 2;
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

/** One static variant in the making: its parts, and whether it holds text spliced in at run time. */
interface Alt {
  parts: Part[];
}

interface Rendered {
  alts: Alt[];
  /** False when the variants were too many to keep (only one representative is left). */
  exhaustive: boolean;
  /** A fragment could not be resolved (`<include>` of another file): the text is incomplete. */
  unresolved: boolean;
}

const EMPTY: Alt = { parts: [] };

function concat(a: Alt, b: Alt): Alt {
  const parts: Part[] = a.parts.map((p) => (p.t === 'text' ? { ...p, offsets: p.offsets.slice() } : p));
  for (const p of b.parts) {
    if (p.t === 'text') pushText(parts, p.text, p.offsets);
    else parts.push(p);
  }
  return { parts };
}

/** The cartesian product of two lists of variants, bounded (the last of each list is its representative). */
function product(a: Rendered, b: Rendered): Rendered {
  const out: Rendered = { alts: [], exhaustive: a.exhaustive && b.exhaustive, unresolved: a.unresolved || b.unresolved };
  if (a.alts.length * b.alts.length > MAX_VARIANTS) {
    out.exhaustive = false;
    out.alts = [concat(a.alts[a.alts.length - 1], b.alts[b.alts.length - 1])];
    return out;
  }
  for (const x of a.alts) for (const y of b.alts) out.alts.push(concat(x, y));
  return out;
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

function textOfAlt(a: Alt): string {
  return a.parts.map((p) => (p.t === 'text' ? p.text : '\uE000')).join('');
}

/** MyBatis `<trim>`: strip one of the prefix/suffix overrides, add prefix/suffix when the body is not blank. */
function trimAlt(a: Alt, at: number, prefix: string, suffix: string, prefixOverrides: string[], suffixOverrides: string[]): Alt {
  if (!textOfAlt(a).trim()) return EMPTY;
  let parts = a.parts.map((p) => (p.t === 'text' ? { ...p, offsets: p.offsets.slice() } : p));
  // Leading blanks and one prefix override (case-insensitive) in the first text part.
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
    const body = last.text.trimEnd();
    const o = suffixOverrides.find((x) => x && body.toUpperCase().endsWith(x.toUpperCase()));
    const keep = body.length - (o?.length ?? 0);
    parts[lastI] = { t: 'text', text: last.text.slice(0, keep), offsets: last.offsets.slice(0, keep) };
  }
  parts = parts.filter((p) => p.t !== 'text' || p.text.length);
  const out: Part[] = [];
  if (prefix) pushText(out, ` ${prefix} `, new Array(prefix.length + 2).fill(at));
  for (const p of parts) {
    if (p.t === 'text') pushText(out, p.text, p.offsets);
    else out.push(p);
  }
  if (suffix) pushText(out, ` ${suffix} `, new Array(suffix.length + 2).fill(at));
  return { parts: out };
}

const overrides = (s: string | undefined): string[] => (s ? s.split('|').filter((x) => x.length) : []);
const WHERE_OVERRIDES = ['AND ', 'OR ', 'AND\n', 'OR\n', 'AND\r', 'OR\r', 'AND\t', 'OR\t'];

interface RenderEnv {
  fragments: Map<string, XElement>;
  namespace: string;
  /** Fragments being inlined (a cycle is unresolved, not endless). */
  active: Set<string>;
}

function renderChildren(children: XNode[], env: RenderEnv): Rendered {
  let r: Rendered = { alts: [EMPTY], exhaustive: true, unresolved: false };
  for (const c of children) r = product(r, renderNode(c, env));
  return r;
}

function mapAlts(r: Rendered, f: (a: Alt) => Alt): Rendered {
  return { ...r, alts: r.alts.map(f) };
}

function renderNode(n: XNode, env: RenderEnv): Rendered {
  if (n.kind === 'text') return { alts: [{ parts: textParts(n) }], exhaustive: true, unresolved: false };
  switch (n.name) {
    case 'if': {
      const body = renderChildren(n.children, env);
      return { ...body, alts: [EMPTY, ...body.alts] };
    }
    case 'choose': {
      const out: Rendered = { alts: [], exhaustive: true, unresolved: false };
      let otherwise = false;
      for (const c of n.children) {
        if (c.kind !== 'el' || (c.name !== 'when' && c.name !== 'otherwise')) continue;
        if (c.name === 'otherwise') otherwise = true;
        const b = renderChildren(c.children, env);
        out.exhaustive &&= b.exhaustive;
        out.unresolved ||= b.unresolved;
        out.alts.push(...b.alts);
      }
      if (!otherwise) out.alts.unshift(EMPTY);
      if (out.alts.length > MAX_VARIANTS) return { ...out, alts: [out.alts[out.alts.length - 1]], exhaustive: false };
      return out;
    }
    case 'where':
      return mapAlts(renderChildren(n.children, env), (a) => trimAlt(a, n.start, 'WHERE', '', WHERE_OVERRIDES, []));
    case 'set':
      return mapAlts(renderChildren(n.children, env), (a) => trimAlt(a, n.start, 'SET', '', [','], [',']));
    case 'trim':
      return mapAlts(renderChildren(n.children, env), (a) => trimAlt(a, n.start, n.attrs.prefix ?? '', n.attrs.suffix ?? '', overrides(n.attrs.prefixOverrides), overrides(n.attrs.suffixOverrides)));
    case 'foreach': {
      // One item stands for the collection (`IN (#{id})` → `IN ($1)`): the statement's shape is the same.
      const body = renderChildren(n.children, env);
      const item = body.alts[body.alts.length - 1];
      const out: Part[] = [];
      const open = n.attrs.open ?? '';
      const close = n.attrs.close ?? '';
      pushText(out, ` ${open}`, new Array(open.length + 1).fill(n.start));
      for (const p of item.parts) {
        if (p.t === 'text') pushText(out, p.text, p.offsets);
        else out.push(p);
      }
      pushText(out, `${close} `, new Array(close.length + 1).fill(n.start));
      return { alts: [{ parts: out }], exhaustive: body.exhaustive && body.alts.length === 1, unresolved: body.unresolved };
    }
    case 'include': {
      const ref = n.attrs.refid ?? '';
      const local = ref.startsWith(env.namespace + '.') ? ref.slice(env.namespace.length + 1) : ref;
      const frag = env.fragments.get(local);
      if (!frag || env.active.has(local)) {
        return { alts: [{ parts: [{ t: 'hole', source: `<include refid="${ref}"/>`, span: { start: n.start, end: n.end }, dynamic: true }] }], exhaustive: true, unresolved: true };
      }
      env.active.add(local);
      try {
        return renderChildren(frag.children, env);
      } finally {
        env.active.delete(local);
      }
    }
    case 'bind':
    case 'selectKey':
      return { alts: [EMPTY], exhaustive: true, unresolved: false };
    default:
      return renderChildren(n.children, env);
  }
}

const STATEMENTS = new Set(['select', 'insert', 'update', 'delete']);

/** Is this XML text a MyBatis mapper? */
export function isMyBatisMapper(text: string): boolean {
  return /<mapper[\s>]/.test(text) && /<(select|insert|update|delete)[\s>]/.test(text);
}

/** The statements of a MyBatis XML mapper, as SqlSites (api `mybatis`). */
export function myBatisSites(text: string, file?: string): SqlSite[] {
  if (!isMyBatisMapper(text)) return [];
  const root = parseXml(text);
  const mapper = root.children.find((c): c is XElement => c.kind === 'el' && c.name === 'mapper');
  if (!mapper) return [];
  const fragments = new Map<string, XElement>();
  for (const c of mapper.children) if (c.kind === 'el' && c.name === 'sql' && c.attrs.id) fragments.set(c.attrs.id, c);
  const env: RenderEnv = { fragments, namespace: mapper.attrs.namespace ?? '', active: new Set() };
  const out: SqlSite[] = [];
  for (const c of mapper.children) {
    if (c.kind !== 'el' || !STATEMENTS.has(c.name)) continue;
    const r = renderChildren(c.children, env);
    const finished = r.alts.map((a) => finishSql(a.parts, {})).filter((f) => f.sql.trim());
    if (!finished.length) continue;
    const main = finished[finished.length - 1];
    const site: SqlSite = {
      file,
      language: 'sql',
      api: 'mybatis',
      sql: main.sql,
      sourceMap: main.sourceMap,
      span: { start: c.start, end: c.end },
      params: main.params,
      confidence: 1,
      // The element's text alone is not the statement that runs when it has variants or spliced text.
      dynamic: !r.exhaustive || r.unresolved || finished.length > 1 || finished.some((f) => f.dynamic),
    };
    if (r.exhaustive && !r.unresolved && finished.length > 1) site.variants = finished.map(({ sql, sourceMap, params, dynamic }) => ({ sql, sourceMap, params, dynamic }));
    out.push(site);
  }
  return out;
}
