/**
 * SQL written in a template engine's language, as JDBI's SQL objects allow (`@UseFreemarkerEngine`, or its default
 * engine's defined attributes). The template is read as one variant of the statement it renders:
 * - FreeMarker: `<#-- … -->` comments are dropped; `<#if c>…</#if>` keeps its first branch (`<#elseif>`/`<#else>`
 *   branches are dropped, so the variant is one the template can render); `<#list>` keeps its body once; other
 *   directives (`<#assign>`, `<#setting>`) are dropped, and a macro's definition is dropped with its body. `${x}`,
 *   `${x!}` and a macro call `<@m/>` are text spliced in at run time: dynamic holes (a value, a name or a clause,
 *   as for any other splice).
 * - JDBI's defined attributes (`SELECT * FROM <table>`, `ORDER BY <sort>`): text spliced in, dynamic holes.
 */
import { directivesToHoles, pushText, type Part } from './compose';

const FREEMARKER = /<#--|<\/?#[a-z]|\$\{[^{}\n]{1,200}\}|<@\w/;
/** A directive or comment of FreeMarker's angle-bracket syntax. */
const FM_TAG = /<#--[\s\S]*?-->|<(\/?)#(\w+)((?:[^<>"]|"[^"\n]*"){0,400})>|<\/?@[\w.]+(?:[^<>"]|"[^"\n]*"){0,400}>/g;

/** Is this text a FreeMarker template (a directive, a comment or a `${…}` interpolation)? */
function isFreeMarker(parts: readonly Part[]): boolean {
  return parts.some((p) => p.t === 'text' && FREEMARKER.test(p.text));
}

interface Frame {
  name: string;
  /** This frame's text is dropped (an else branch, a macro definition), or an enclosing one's is. */
  skip: boolean;
  /** Cases of a `<#switch>` seen so far. */
  cases?: number;
}

/** The FreeMarker template's first-branch variant: directives and comments out, `${…}` and macro calls as dynamic holes. */
function freeMarkerParts(parts: Part[]): Part[] {
  const out: Part[] = [];
  const stack: Frame[] = [];
  const skipping = () => stack.some((f) => f.skip);
  for (const p of parts) {
    if (p.t !== 'text') {
      if (!skipping()) out.push(p);
      continue;
    }
    let last = 0;
    FM_TAG.lastIndex = 0;
    let guard = 0;
    for (let m = FM_TAG.exec(p.text); m && guard++ < 5000; m = FM_TAG.exec(p.text)) {
      if (!skipping()) pushText(out, p.text.slice(last, m.index), p.offsets.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[0].startsWith('<#--')) continue;
      if (m[0].startsWith('<@') || m[0].startsWith('</@')) {
        // A macro call: its output is text spliced in.
        if (!skipping() && m[0].startsWith('<@')) out.push({ t: 'hole', source: m[0], span: { start: p.offsets[m.index], end: p.offsets[last - 1] + 1 }, dynamic: true });
        continue;
      }
      const closing = m[1] === '/';
      const name = m[2];
      if (closing) {
        const at = stack.map((f) => f.name).lastIndexOf(name);
        if (at >= 0) stack.length = at;
        continue;
      }
      if (name === 'if' || name === 'list' || name === 'switch') stack.push({ name, skip: false });
      else if (name === 'macro' || name === 'function' || name === 'noparse' || name === 'comment') stack.push({ name, skip: true });
      else if (name === 'elseif' || name === 'else' || name === 'recover') {
        // The first branch is the variant read; a later one is dropped. (`<#else>` inside `<#list>` is its empty case.)
        const top = stack[stack.length - 1];
        if (top) top.skip = true;
      } else if (name === 'case' || name === 'default') {
        const top = stack[stack.length - 1];
        if (top?.name === 'switch') {
          // The first case of a switch is read; later ones are dropped.
          if (top.cases) top.skip = true;
          top.cases = (top.cases ?? 0) + 1;
        }
      }
      // Anything else (`<#assign>`, `<#setting>`, `<#sep>`, `<#break>`, `<#items>`) renders no SQL of its own.
    }
    if (!skipping()) pushText(out, p.text.slice(last), p.offsets.slice(last));
  }
  return directivesToHoles(out, /\$\{[^{}\n]{1,200}\}/g);
}

/** JDBI's defined attributes (`<table>`, `<where>`): text spliced in at run time. */
function definedAttributeParts(parts: Part[]): Part[] {
  return directivesToHoles(parts, /<[A-Za-z_]\w*>/g);
}

/** A JDBI SQL object's template, read as the statement it renders. */
export function jdbiTemplateParts(parts: Part[]): Part[] {
  if (isFreeMarker(parts)) return freeMarkerParts(parts);
  return parts.some((p) => p.t === 'text' && /<[A-Za-z_]\w*>/.test(p.text)) ? definedAttributeParts(parts) : parts;
}
