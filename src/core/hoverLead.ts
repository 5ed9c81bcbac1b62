/**
 * The first lines of a statement's hover: the findings on it, one line each (pure). VS Code shows the findings under the
 * pointer itself, first (the caller leaves those out: person22 LOW B); a finding on another line of the statement would
 * not be seen from this line (issue 20 item 8, person20 LOW 5). A missing index is left out: its own hover leads with
 * it (core/advice/missingIndex missingIndexHover), with its figure and its action.
 */
import { mdEscape } from './plan/brief';

const ICON: Record<string, string> = { error: '$(error)', warning: '$(warning)', info: '$(info)', hint: '$(info)' };
/** Findings named in a hover's lead, at most (the Problems entries under it have them all). */
const MAX_LEAD = 3;
const MAX_CHARS = 160;

export function hoverLeadLines(findings: readonly { ruleId: string; message: string; severity: string }[]): string[] {
  const rank = (f: { ruleId: string }) => (f.ruleId === 'n-plus-one' ? 0 : 1);
  const shown = findings.filter((f) => f.ruleId !== 'missing-index').sort((a, b) => rank(a) - rank(b));
  const lines = shown.slice(0, MAX_LEAD).map((f) => `${ICON[f.severity] ?? ICON.info} ${mdEscape(firstSentence(f.message))}`);
  if (shown.length > MAX_LEAD) lines.push(`… and ${shown.length - MAX_LEAD} more in the Problems panel`);
  return lines;
}

/** The message's first line, cut at MAX_CHARS. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0].replace(/\s+/g, ' ').trim();
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1).trimEnd()}…` : line;
}
