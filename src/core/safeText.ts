/**
 * Text from a database or a file, made safe to print. Pure; the ONE place that decides what a
 * terminal or a CI runner may receive (every CLI text formatter and the CLI's output sink use it).
 *
 * - `oneLine(s)`: a field that must stay on its line (a name, a message, a fix, a file path): every
 *   control character is shown as an escape, newlines included, so a name holding
 *   "\n        fix: DROP DATABASE prod;" prints as one visible line, never as a fake fix line.
 * - `terminalSafe(text)`: a whole output (many lines): newlines kept, everything a terminal acts on
 *   shown as an escape (C0 but tab and newline, DEL, C1 — CSI, OSC, NEL —, a bare CR, bidirectional
 *   overrides), and GitHub Actions workflow commands neutralised: a line whose text after leading
 *   whitespace starts with `::` (the runner trims it, then parses `::command::`) and `##[` anywhere
 *   in a line (the runner's legacy form, matched anywhere). Both stdout and stderr go through it.
 *
 * Escapes are JSON's (`\u001b`), so JSON output passed through terminalSafe stays valid JSON with
 * the same values (JSON.stringify already escapes C0; C1 and bidi controls it leaves raw).
 */

/** What a terminal or a viewer acts on, besides tab and newline. */
 
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
 
const CONTROLS_AND_NEWLINES = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One field on one line: every control character (newlines included) shown as an escape. */
export function oneLine(s: unknown): string {
  return String(s ?? '').replace(CONTROLS_AND_NEWLINES, escapeChar);
}

/** A line that a CI runner would read as a workflow command, made inert (visible, not removed). */
function neutraliseCommands(line: string): string {
  let out = line.replace(/##\[/g, '#\\u0023[');
  const m = /^[\s\u0085]*::/.exec(out);
  if (m) out = `${out.slice(0, m[0].length - 2)}\\u003a:${out.slice(m[0].length)}`;
  return out;
}

/** A whole output for a terminal or a CI log: lines kept, controls escaped, workflow commands inert. */
export function terminalSafe(text: string): string {
  return String(text ?? '')
    .replace(/\r\n/g, '\n')
    .replace(CONTROLS, escapeChar)
    .split('\n')
    .map(neutraliseCommands)
    .join('\n');
}

/** Multi-line text (SQL from a file, a rewrite) as lines, each escaped and indented. */
export function indentedBlock(s: unknown, indent: string): string {
  return String(s ?? '')
    .split(/\r\n|\n/)
    .map((l) => indent + oneLine(l))
    .join('\n');
}

/** The one line to show for anything thrown: the first line of its message (or of the value itself). */
export function errorMessage(e: unknown): string {
  return String((e as Error | undefined)?.message ?? e).split('\n')[0];
}
