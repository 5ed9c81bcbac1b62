/**
 * What a text brought to the plan viewer is when it is not a plan. Its own module, not in the plan index: it needs
 * PostgreSQL's parser (libpg-query), which the webview bundle must not carry.
 */
import { inspectSql, pgParserLoaded } from '../sql/statement';
import { parsePlanSource } from './parse';
import { readPlanLog } from './log';

/**
 * Text brought as a plan that is one statement EXPLAIN takes (SELECT, INSERT …), not a plan (person21 LOW 6: "Open Plan
 * from Selection or File" with SQL selected said "No plan node found in the text", a dead end while Open Plan plans
 * that SQL): the statement and one line saying so, for the action that plans it. Undefined for a plan, for text the
 * parser rejects, for several statements or one EXPLAIN cannot run. Requires loadPgParser() (undefined until then).
 */
export function statementInsteadOfPlan(text: string, name: string): { sql: string; line: string } | undefined {
  if (!pgParserLoaded()) return undefined;
  const sql = text.trim();
  if (!sql) return undefined;
  const r = inspectSql(sql);
  if (!r.ok || r.statements.length !== 1 || r.statements[0].cls === 'other') return undefined;
  const kind = /^\s*(\w+)/.exec(sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))+/, ''))?.[1]?.toUpperCase() ?? 'SQL';
  return { sql: sql.replace(/;\s*$/, ''), line: `${name} holds a SQL statement (${kind} …), not a plan: PG Lens can plan it on the current connection, as Open Plan does.` };
}

/**
 * Where "Open Plan from Selection or File" reads its plan, given the active editor: the selection when there is one; the
 * whole document when it is a .plan / .explain file or its text reads as a plan (EXPLAIN text or JSON, an auto_explain
 * log) whatever its name — person23 LOW 11: a plan saved as slow-plan.txt, open with nothing selected, got a file picker
 * —; else a file to pick. `editor` undefined: no text editor is active.
 */
export function broughtPlanSource(editor: { fileName: string; text: string; selection: string } | undefined): 'selection' | 'document' | 'pick' {
  if (!editor) return 'pick';
  if (editor.selection.trim()) return 'selection';
  if (/\.(plan|explain)$/i.test(editor.fileName)) return 'document';
  return readsAsPlan(editor.text) ? 'document' : 'pick';
}

/** Whether a text is a plan the viewer reads: EXPLAIN's text or JSON, or an auto_explain log holding one. */
function readsAsPlan(text: string): boolean {
  if (!text.trim()) return false;
  try {
    parsePlanSource(text);
    return true;
  } catch {
    return readPlanLog(text).length > 0;
  }
}
