/**
 * What a text brought to the plan viewer is when it is not a plan. Its own module, not in the plan index: it needs
 * PostgreSQL's parser (libpg-query), which the webview bundle must not carry.
 */
import { inspectSql, pgParserLoaded } from '../sql/statement';

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
