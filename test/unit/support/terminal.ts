/** What a test checks in output that must be safe for a terminal and a CI log. */
/** Anything a terminal acts on: C0 but tab/newline, DEL, C1, bidi overrides. */
 
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Every character below U+00A0 (C0, DEL, C1 and the printable ASCII between), to feed a sanitiser. */
export const BELOW_A0 = String.fromCharCode(...Array.from({ length: 0xa0 }, (_, i) => i));

/** A line that GitHub's runner would take as a workflow command (TrimStart, then `::`; or `##[` anywhere). */
export function isWorkflowCommand(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[');
}
