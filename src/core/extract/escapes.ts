/**
 * Decoding string literal bodies into text with a file offset per character. Every decoded
 * character of an escape sequence maps to the backslash that starts it.
 */
import { type Part, pushText } from './compose';

export type EscapeDecoder = (text: string, i: number) => { value: string; len: number };

/** Decode text[start, end) with `decode` called at every backslash; append to parts. */
/** The parts of a one-character-quoted literal's content (between its first and last character), escapes decoded. */
export function betweenQuotes(text: string, node: { startIndex: number; endIndex: number }, decode?: EscapeDecoder): Part[] {
  const parts: Part[] = [];
  decodeRange(parts, text, ...insideDelimiters(node), decode);
  return parts;
}

/** [start, end) of the text between a literal's one-character delimiters (empty for a malformed node). */
export function insideDelimiters(node: { startIndex: number; endIndex: number }): [number, number] {
  const start = node.startIndex + 1;
  return [start, Math.max(start, node.endIndex - 1)];
}

export function decodeRange(parts: Part[], text: string, start: number, end: number, decode?: EscapeDecoder): void {
  if (end <= start) return;
  if (!decode) {
    const seg = text.slice(start, end);
    const offsets = new Array<number>(seg.length);
    for (let k = 0; k < seg.length; k++) offsets[k] = start + k;
    pushText(parts, seg, offsets);
    return;
  }
  let out = '';
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const b = text.indexOf('\\', i);
    const stop = b < 0 || b >= end ? end : b;
    for (let k = i; k < stop; k++) offsets.push(k);
    out += text.slice(i, stop);
    if (stop === end) break;
    const r = decode(text, stop);
    const len = Math.max(1, Math.min(r.len, end - stop));
    out += r.value;
    for (let k = 0; k < r.value.length; k++) offsets.push(stop);
    i = stop + len;
  }
  pushText(parts, out, offsets);
}

function hex(text: string, i: number, n: number): number | undefined {
  const s = text.slice(i, i + n);
  return s.length === n && /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : undefined;
}

function cp(n: number | undefined): string {
  if (n === undefined || n > 0x10ffff || n < 0) return '\uFFFD';
  return String.fromCodePoint(n);
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07' };

/** JavaScript / TypeScript escapes. */
export const jsEscape: EscapeDecoder = (text, i) => {
  const c = text[i + 1];
  if (c === undefined) return { value: '', len: 1 };
  if (c === '\r') return { value: '', len: text[i + 2] === '\n' ? 3 : 2 };
  if (c === '\n' || c === '\u2028' || c === '\u2029') return { value: '', len: 2 };
  if (c === 'a') return { value: 'a', len: 2 };
  if (SIMPLE[c] !== undefined) return { value: SIMPLE[c], len: 2 };
  if (c === '0' && !/[0-9]/.test(text[i + 2] ?? '')) return { value: '\0', len: 2 };
  if (c === 'x') return { value: cp(hex(text, i + 2, 2)), len: 4 };
  if (c === 'u') {
    if (text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      if (close > 0 && close - i < 12) return { value: cp(hex(text, i + 3, close - i - 3)), len: close - i + 1 };
      return { value: '\uFFFD', len: 2 };
    }
    return { value: cp(hex(text, i + 2, 4)), len: 6 };
  }
  return { value: c, len: 2 };
};

/** Python escapes (non-raw strings). */
export const pyEscape: EscapeDecoder = (text, i) => {
  const c = text[i + 1];
  if (c === undefined) return { value: '\\', len: 1 };
  if (c === '\n') return { value: '', len: 2 };
  if (c === '\r') return { value: '', len: text[i + 2] === '\n' ? 3 : 2 };
  if (c === '\\' || c === "'" || c === '"') return { value: c, len: 2 };
  if (SIMPLE[c] !== undefined) return { value: SIMPLE[c], len: 2 };
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))![0];
    return { value: cp(parseInt(m, 8)), len: 1 + m.length };
  }
  if (c === 'x') return { value: cp(hex(text, i + 2, 2)), len: 4 };
  if (c === 'u') return { value: cp(hex(text, i + 2, 4)), len: 6 };
  if (c === 'U') return { value: cp(hex(text, i + 2, 8)), len: 10 };
  if (c === 'N' && text[i + 2] === '{') {
    const close = text.indexOf('}', i + 3);
    return { value: '\uFFFD', len: close > 0 ? close - i + 1 : 2 };
  }
  // Unknown escapes stay as written.
  return { value: '\\' + c, len: 2 };
};

/** Go interpreted string escapes. */
export const goEscape: EscapeDecoder = (text, i) => {
  const c = text[i + 1];
  if (c === undefined) return { value: '', len: 1 };
  if (c === '\\' || c === '"' || c === "'") return { value: c, len: 2 };
  if (SIMPLE[c] !== undefined) return { value: SIMPLE[c], len: 2 };
  if (/[0-7]/.test(c)) return { value: cp(parseInt(text.slice(i + 1, i + 4), 8)), len: 4 };
  if (c === 'x') return { value: cp(hex(text, i + 2, 2)), len: 4 };
  if (c === 'u') return { value: cp(hex(text, i + 2, 4)), len: 6 };
  if (c === 'U') return { value: cp(hex(text, i + 2, 8)), len: 10 };
  return { value: c, len: 2 };
};

/** Java escapes (string literals and text blocks). */
export const javaEscape: EscapeDecoder = (text, i) => {
  let j = i + 1;
  if (text[j] === 'u') {
    while (text[j] === 'u') j++;
    return { value: cp(hex(text, j, 4)), len: j - i + 4 };
  }
  const c = text[j];
  if (c === undefined) return { value: '', len: 1 };
  if (c === '\n') return { value: '', len: 2 };
  if (c === '\r') return { value: '', len: text[i + 2] === '\n' ? 3 : 2 };
  if (c === 's') return { value: ' ', len: 2 };
  if (SIMPLE[c] !== undefined && c !== 'a' && c !== 'v') return { value: SIMPLE[c], len: 2 };
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))![0];
    return { value: cp(parseInt(m, 8)), len: 1 + m.length };
  }
  return { value: c, len: 2 };
};

/** Ruby double-quoted escapes. */
export const rubyEscape: EscapeDecoder = (text, i) => {
  const c = text[i + 1];
  if (c === undefined) return { value: '', len: 1 };
  if (c === '\n') return { value: '', len: 2 };
  if (SIMPLE[c] !== undefined) return { value: SIMPLE[c], len: 2 };
  if (c === 's') return { value: ' ', len: 2 };
  if (c === 'e') return { value: '\x1b', len: 2 };
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))![0];
    return { value: cp(parseInt(m, 8)), len: 1 + m.length };
  }
  if (c === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4));
    return m ? { value: cp(parseInt(m[0], 16)), len: 2 + m[0].length } : { value: 'x', len: 2 };
  }
  if (c === 'u') {
    if (text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      if (close > 0 && close - i < 12) return { value: cp(hex(text, i + 3, close - i - 3)), len: close - i + 1 };
    }
    return { value: cp(hex(text, i + 2, 4)), len: 6 };
  }
  return { value: c, len: 2 };
};

/** Ruby single-quoted: only \\ and \' are escapes. */
export const rubySingleEscape: EscapeDecoder = (text, i) => {
  const c = text[i + 1];
  if (c === '\\' || c === "'") return { value: c, len: 2 };
  return { value: '\\', len: 1 };
};
