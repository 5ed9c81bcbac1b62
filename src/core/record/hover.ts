/**
 * The hover at a recorded call site (pure): what matters first. VS Code shows a hover in a box of about 250 px and puts
 * the Problems entries of the line (the N+1, the missing index) under every provider's text; a hover that began with the
 * SQL and the plan's bullets pushed the N+1 and the index advice below the fold (person20 LOW 5, issue 20 item 8: "a
 * 240 px scroll box"). So the hover leads with the findings in one line each — the N+1 with its count per unit of
 * work, the index advice with its figure (proved or estimated, as the advice says) — then, per statement, its figures,
 * the plan in one line with a link to the plan viewer, and the SQL cut to a few lines with a link to the whole text.
 * The long plan text is in the plan viewer and in "Plan and index advice", never in the hover.
 */
import type { PlanBrief } from '../plan/brief';
import { briefRowsText, mdEscape } from '../plan/brief';
import { fmtCost, fmtMs as fmtPlanMs, fmtPct } from '../plan/format';
import type { RecordedNPlusOne, SiteFigure } from './aggregate';
import type { StatementAdvice } from './format';
import { recordedNPlusOneHoverLine } from './format';
import { clauseLines, countOf, foldSql, spaced } from '../format';
import { fmtMs } from './lens';
import type { SqlSite } from '../extract/types';

/** The statements a hover shows (the costliest first); the others are counted, and "Plan and index advice" has them all. */
const HOVER_STATEMENTS = 2;
/** The SQL lines a hover shows of a statement (clause per line); the rest behind "Full SQL". */
export const HOVER_SQL_LINES = 4;
/** The characters of SQL a hover shows at most. */
const HOVER_SQL_CHARS = 320;

/** Sites whose SQL is translated before it is sent (JPQL, MyBatis's mapper text): their text never equals the recorded one. */
const NOT_SENT_AS_WRITTEN = /^(jpql|mybatis)/;

/**
 * Whether the code at a recorded line sends its SQL as written there (RecordedHoverInput.written's `edited` is asked only
 * then): SQL of its own, no part made at run time, no variants, not translated first (JPQL, MyBatis). A string taken as
 * SQL because PostgreSQL's grammar reads it (confidence below 1: passed to a call PG Lens does not know, as the demo
 * shop's `db.query` on its own Db type) counts: the recording saw SQL sent from this line, and that text is what is sent
 * (person52 L-D: customers.ts:13 edited to `… WHERE id = $1 LIMIT 1` kept its 20 recorded calls with no word of the edit).
 */
export function sentAsWritten(code: Pick<SqlSite, 'dynamic' | 'variants' | 'confidence' | 'api'> | undefined): boolean {
  return !!code && !code.dynamic && !code.variants && code.confidence > 0 && !NOT_SENT_AS_WRITTEN.test(code.api);
}

/** A statement's plan as the hover has it: the brief and the link that opens it in the plan viewer, or why there is none. */
export type HoverPlan = { brief: PlanBrief; open: string } | { error: string };

export interface RecordedHoverInput {
  site: Pick<SiteFigure, 'calls' | 'totalMs' | 'via' | 'statements'>;
  /** The line's recorded N+1 (or repeated query), if any; `silenced`: a pg-lens-ignore comment or the rule's setting silences it. */
  nPlusOne?: Pick<RecordedNPlusOne, 'calls' | 'unitKind' | 'repeated'>;
  silenced?: boolean;
  advice: (normalized: string) => StatementAdvice | undefined;
  plan: (normalized: string) => HoverPlan | undefined;
  links: { advice: string; fullSql: (sql: string) => string };
  /**
   * The statement the code at the hovered place holds itself (raw SQL, normalised as the recording normalises), if any.
   * A recorded statement of the same text is shown by PG Lens's own hover of that statement (its index advice, plan and
   * SQL), so this one gives its recorded figures only (person50 L-E: "Index: … 234 → 78.6" and the same plan line twice
   * in one scrolling box; issue 20 item 8). None of the line's recorded statements of that text: the code was edited
   * since the recording (`edited`: the document differs from the file the recording saw, and the code sends its SQL as
   * written) — the hover says so plainly, and never presents the recorded statement's figures as this statement's
   * (person50 L-D a).
   */
  written?: { normalized: string; edited: boolean };
}

/**
 * Whether the line's recorded statements are all of another text than the statement written there now, and the code was
 * edited since the recording: the recording saw an earlier version of it. `false` when the code holds no SQL of its own
 * there (an ORM call), one of them is that statement, or nothing changed since (a text built differently at run time).
 */
function recordedBeforeEdit(site: Pick<SiteFigure, 'statements'>, written: RecordedHoverInput['written']): boolean {
  return !!written?.edited && site.statements.length > 0 && !site.statements.some((st) => st.normalized === written.normalized);
}

/** The hover's Markdown (command links are the caller's; text from the database or the code is escaped). */
export function recordedHoverMarkdown(input: RecordedHoverInput): string {
  const { site } = input;
  const parts: string[] = [];
  const beforeEdit = recordedBeforeEdit(site, input.written);
  parts.push(`**PG Lens — recorded at this line${beforeEdit ? ', before an edit' : ''}** (${countOf(site.calls, 'statement')}, ${fmtMs(site.totalMs)}${site.via ? `, via ${mdEscape(site.via)}` : ''})`);
  // The statement written here now is not the one recorded: said first, so no figure below is taken for this statement's.
  if (beforeEdit) parts.push('$(info) The recording saw an earlier version of the statement written here: its text has changed since, so the figures, plan and advice below are of the recorded version, not of this one. Record again to measure it as it is now.');
  // 1. The findings, one line each.
  if (input.nPlusOne && input.silenced) parts.push('N+1 not reported here: a `pg-lens-ignore n-plus-one` comment (or the rule\'s setting) silences it.');
  else if (input.nPlusOne) parts.push(`$(warning) ${recordedNPlusOneHoverLine(input.nPlusOne)}`);
  const shown = [...site.statements].sort((a, b) => b.totalMs - a.totalMs).slice(0, HOVER_STATEMENTS);
  const byCode = (st: { normalized: string }) => input.written?.normalized === st.normalized;
  for (const st of shown) {
    if (byCode(st)) continue;
    const a = input.advice(st.normalized);
    for (const g of a?.suggestions ?? []) parts.push(`$(lightbulb) **Index**${beforeEdit ? ' (for the recorded version)' : ''}: ${mdEscape(spaced(g.summary))}`);
  }
  // 2. Each statement: its figures, its plan in one line, its SQL in a few.
  for (const st of shown) {
    const figures = `${st.calls}× · ${fmtMs(st.totalMs)} · at most ${st.maxPerUnit} in one ${st.maxUnitKind === 'root' ? 'run' : mdEscape(st.maxUnitKind)}${st.errors ? ` · ${st.errors} failed` : ''}`;
    if (byCode(st)) {
      parts.push(`${figures} — the statement written here: its plan and index advice are in its own hover`);
      continue;
    }
    const plan = input.plan(st.normalized);
    const label = beforeEdit ? `Recorded version: ${figures}` : figures;
    parts.push(plan ? `${label}  \n${planLine(plan)}` : label);
    const a = input.advice(st.normalized);
    if (a && !a.suggestions.length) parts.push(mdEscape(spaced(a.note ?? 'No index would make it enough cheaper.')));
    parts.push(sqlBlock(st.sql, input.links.fullSql));
  }
  const more = site.statements.length - shown.length;
  parts.push(`[Plan and index advice](${input.links.advice})${more > 0 ? ` (and ${countOf(more, 'more statement')} from this line)` : ''}`);
  return parts.join('\n\n');
}

/** The plan in one line: its root, cost and rows, where most of the cost (or time) goes, and the link to the plan viewer. */
function planLine(p: HoverPlan): string {
  if ('error' in p) return `No plan: ${mdEscape(spaced(p.error))}`;
  const b = p.brief;
  const rows = briefRowsText(b);
  const top = b.costliest.find((c) => c.label !== b.root) ?? b.costliest[0];
  const where = top && top.label !== b.root ? ` — ${mdEscape(top.label)} ${fmtPct(top.share)}` : '';
  const warn = b.warnings.length ? ` · $(warning) ${countOf(b.warnings.length, 'plan warning')}` : '';
  return `**${mdEscape(b.root)}** · ${b.analyzed && b.executionMs !== undefined ? `${fmtPlanMs(b.executionMs)} · ` : ''}cost ${fmtCost(b.totalCost)} · ${rows}${where}${warn} · [Open plan](${p.open})`;
}

/** The SQL cut to HOVER_SQL_LINES clause lines (and HOVER_SQL_CHARS characters), with a link to the whole text when cut. */
function sqlBlock(sql: string, fullSql: (sql: string) => string): string {
  const f = foldSql(sql, HOVER_SQL_CHARS);
  const lines = clauseLines(f.text).split('\n');
  const cut = lines.length > HOVER_SQL_LINES;
  const shown = cut ? [...lines.slice(0, HOVER_SQL_LINES - 1), `${lines[HOVER_SQL_LINES - 1]} …`] : lines;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(sql) + 1));
  const block = `${fence}sql\n${shown.join('\n')}\n${fence}`;
  if (!f.folded && !cut) return block;
  return `${block}\n\n[Full SQL](${fullSql(sql)}) (${countOf(sql.length, 'character')}${f.hiddenColumns ? `; ${countOf(f.hiddenColumns, 'column')} not shown here` : ''})`;
}

function longestBacktickRun(s: string): number {
  let best = 0;
  for (const m of s.matchAll(/`+/g)) best = Math.max(best, m[0].length);
  return best;
}
