/**
 * Recorded statements as findings of one file, for the editor's one analysis pipeline (an Analyzer
 * plugged into core/scan's list): an N+1 seen at run time and the index advice proved for a
 * recorded statement, each at the line of code that sent it, in the Finding shape every other
 * analysis uses (so one diagnostics adapter and one code-action provider serve them).
 */
import { lineStarts, positionAt, type Finding, type Fix, type Span } from '../findings';
import type { Analyzer } from '../scan';
import { OPEN_SITE_COMMAND, recordedRules } from './findingsMeta';
import { indexDefinitionTitle } from '../advice/missingIndex';
import type { RecordedNPlusOne, RecordSummary } from './aggregate';
import { nPlusOnesMessage, type StatementAdvice } from './format';
import { batchedForm, repeatedForm, type BatchedForm } from './batchedForm';
import { applySuppressions } from '../suppress';
import { normalizeSql } from '../sql/statement';
import { spaced } from '../format';

/** Command the editor registers: plans and proved index advice for the statements of a call site. */
const ADVISE_SITE_COMMAND = 'pgLens.recordedAdvice';

export interface RecordedState {
  summary: RecordSummary | undefined;
  advice: ReadonlyMap<string, StatementAdvice>;
  /**
   * The connection in use now (the editor's key of it; undefined when not connected). Advice proved on another
   * connection is no finding here: an index proved on one database says nothing about another, and the scan's
   * missing-index findings already follow the active connection (the recording's stayed after a switch).
   */
  connection?: string;
  /**
   * The static call graph: the calls in loops (their file and span) to the function holding a recorded call site
   * (CrossFileCalls.loopCallers). A recorded N+1 whose site is in a helper called from one loop is that loop's N+1
   * (person13 P2: the capture sends the first frame of the app only, the helper's line).
   */
  callers?: (file: string, line: number) => { file: string; span: Span }[];
  /**
   * The capture is running: the findings keep to what grows slowly (no running totals in their messages), so the
   * diagnostics stay the same between refreshes and a Quick Fix asked for is not cancelled by the next one (issue 20 item 12).
   */
  live?: boolean;
}

/** The span of a 1-based line from a 1-based column to the end of the line's text. */
function lineSpan(text: string, starts: number[], line: number, col: number): Span | undefined {
  if (line < 1 || line > starts.length) return undefined;
  const begin = starts[line - 1];
  let end = line < starts.length ? starts[line] : text.length;
  while (end > begin && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  const first = text.slice(begin, end).search(/\S/);
  const start = Math.min(end, Math.max(begin + Math.max(0, col - 1), first < 0 ? end : begin + first));
  return { start, end: Math.max(start, end) };
}

/** The recorded N+1 findings of one file, each with the recorded N+1s it stands for (one finding per call site). */
function recordedNPlusOneFindings(state: RecordedState, file: string, text: string, rel: (f: string) => string = (f) => f): { finding: Finding; group: RecordedNPlusOne[] }[] {
  const s = state.summary;
  if (!s) return [];
  const starts = lineStarts(text);
  const out: { finding: Finding; group: RecordedNPlusOne[] }[] = [];
  // The N+1s of one call site: one warning, naming each table it reads per item (person17 MEDIUM 8).
  const bySite = new Map<string, RecordedNPlusOne[]>();
  for (const n of s.nPlusOne) {
    const key = `${n.file}:${n.line}:${n.col}`;
    bySite.set(key, [...(bySite.get(key) ?? []), n]);
  }
  for (const group of bySite.values()) {
    const n = group[0];
    // Sent from a helper that one loop of the app calls: the finding is at that loop's call (where the fix goes), the
    // helper's line its related place. Called from several loops, the recording cannot tell which: it stays at the helper.
    const loops = state.callers?.(n.file, n.line) ?? [];
    const caller = loops.length === 1 ? loops[0] : undefined;
    if ((caller?.file ?? n.file) !== file) continue;
    const span = caller ? (caller.span.end <= text.length ? caller.span : undefined) : lineSpan(text, starts, n.line, n.col);
    if (!span) continue;
    const sentHere = `The recorded statement is sent here, ${n.calls} times in one unit of work: once per call from the loop.`;
    const helper: NonNullable<Finding['related']> = !caller ? [] : n.file === file ? [{ span, line: n.line, message: sentHere }] : [{ file: n.file, line: n.line, message: sentHere }];
    const fixes: Fix[] = [];
    // The code at the call site names the relation and how it is read (`self.channel_set.values_list(…)`), the file the
    // model classes; the quick fix to the rows' query says what goes there only when a batched form goes there (person11 Q4).
    // Sent while a library serialised a handler's response (no line of the app's): the fix the summary made from the models.
    const batched = combined(group.map((x) => (x.repeated ? repeatedForm(x.via) : x.serializing ? { fix: x.fix, ...(x.serializing.atParent ? { atParent: x.serializing.atParent } : {}) } : batchedForm(x.via, x.lookup, text.slice(span.start, span.end), text, x.sequelize, x.noEager))));
    const parentOf = group.find((x) => x.parent) ?? n;
    const at = parentAdvice(parentOf, batched, rel);
    const rows = `The rows the loop runs over come from this query${at.advice ? `: ${at.advice}` : ''}.`;
    const p = parentOf.parent;
    const parent: NonNullable<Finding['related']> = !p ? [] : p.file === file ? [{ span: lineSpan(text, starts, p.line, p.col) ?? span, message: rows }] : [{ file: p.file, line: p.line, message: rows }];
    const c = !p ? group.find((x) => x.counter)?.counter : undefined;
    if (c) parent.push(c.file === file ? { span: lineSpan(text, starts, c.line, c.col) ?? span, message: `The loop runs ${c.name} times (${c.name} from this query).` } : { file: c.file, line: c.line, message: `The loop runs ${c.name} times (${c.name} from this query).` });
    const v = parentOf.parentView;
    if (v) parent.push({ file: v.file, line: v.line, message: `The view that builds the rows' query (${v.name})${at.advice ? `: ${at.advice}` : ''}.` });
    if (p) fixes.push({ title: at.title, edits: [], command: { id: OPEN_SITE_COMMAND, args: v ? [v.file, v.line, 1] : [p.file, p.line, p.col] } });
    fixes.push({ title: 'Show the recorded statements, their plan and index advice', edits: [], command: { id: ADVISE_SITE_COMMAND, args: [n.file, n.line] } });
    out.push({ group, finding: {
      ruleId: 'n-plus-one',
      severity: 'warning',
      message: nPlusOnesMessage(group, state.live),
      help: batched.fix,
      file,
      span,
      fixes,
      ...(parent.length || helper.length ? { related: [...helper, ...parent] } : {}),
      evidence: {
        recorded: true, calls: n.calls, units: n.units, unit: n.unit, unitKind: n.unitKind, via: n.via, sql: n.sql, ...(n.lookup ? { lookup: n.lookup } : {}), ...(n.sequelize ? { association: `${n.sequelize.mixin.model}.${n.sequelize.mixin.name}` } : {}), ...(n.sequelize?.included && /^get[A-Z]/.test(n.sequelize.mixin.name) ? { included: true } : {}), ...(n.repeated ? { repeated: true } : {}),
        ...(group.length > 1 ? { statements: group.map((x) => ({ sql: x.sql, calls: x.calls, ...(x.lookup?.table ? { table: x.lookup.table } : {}) })) } : {}),
      },
    } });
  }
  return out;
}

/** Findings of the recording for one file (absolute path, as the capture reported it). */
export function recordedFindings(state: RecordedState, file: string, text: string, rel: (f: string) => string = (f) => f): Finding[] {
  const s = state.summary;
  if (!s) return [];
  const starts = lineStarts(text);
  const out: Finding[] = recordedNPlusOneFindings(state, file, text, rel).map((x) => x.finding);
  for (const site of s.sites) {
    if (site.file !== file || !site.line) continue;
    const span = lineSpan(text, starts, site.line, site.col ?? 1);
    if (!span) continue;
    for (const st of site.statements) {
      const a = state.advice.get(st.normalized);
      if (!a?.suggestions.length || (a.provedOn !== undefined && a.provedOn !== state.connection)) continue;
      out.push({
        ruleId: 'missing-index',
        severity: 'warning',
        message: `${a.suggestions.map((g) => `${g.summary}${g.shared ? ` (${g.shared})` : ''}`).join('; ')} (recorded${state.live ? '' : `: ${st.calls}×`} from this line)`,
        help: a.suggestions.map((g) => `${g.ddl};`).join(' '),
        file,
        span,
        fixes: a.suggestions.flatMap((g) => (g.index ? [
          { title: `Add migration: ${indexDefinitionTitle(g)}`, edits: [], command: { id: 'pgLens.addIndexMigration', args: [g.index] } },
          { title: `Copy CREATE INDEX: ${indexDefinitionTitle(g)}`, edits: [], command: { id: 'pgLens.copyCreateIndex', args: [g.index] } },
        ] : [])),
        evidence: { recorded: true, calls: st.calls, ...(state.live ? { live: true } : {}), sql: st.sql, suggestions: a.suggestions.map((g) => ({ ddl: g.ddl, costBefore: g.costBefore, costAfter: g.costAfter })) },
      });
    }
  }
  return out;
}

/**
 * The 1-based lines of `file` whose recorded N+1 the editor does not show (a `pg-lens-ignore n-plus-one` comment on or
 * above the line, or the rule set to 'off'): the suppression step every finding goes through (applySuppressions), so the
 * recorded CodeLens and hover say ": N+1" exactly where the Problems panel has one (person17: after "Ignore n-plus-one
 * here…" the lens still said "268× per request: N+1").
 */
export function silencedRecordedLines(state: RecordedState, file: string, text: string, severity: Record<string, string> = {}): Set<number> {
  const recorded = recordedFindings(state, file, text).filter((f) => f.ruleId === 'n-plus-one');
  if (!recorded.length) return new Set();
  const kept = new Set(applySuppressions(text, recorded, offOnly(severity)));
  const starts = lineStarts(text);
  const out = new Set<number>();
  for (const f of recorded) {
    if (kept.has(f)) continue;
    out.add(lineAt(starts, f.span.start));
    // At a loop's call in this file, sent from a helper here: the helper's line says it no more either.
    for (const r of f.related ?? []) if (!r.file && r.line) out.add(r.line);
  }
  return out;
}

/**
 * The recorded N+1s the editor does not report (a `pg-lens-ignore n-plus-one` comment at the line where its finding
 * stands, or the rule set to 'off'), through the suppression step the Problems panel's findings go through: Stop
 * Recording's message and the report's headline count the others, and say how many are silenced (a silenced N+1 was
 * counted as one). `textOf` reads a file (the open document's text, else the file's); a file it cannot read keeps its
 * N+1s counted.
 */
export function silencedRecordedNPlusOnes(state: RecordedState, textOf: (file: string) => string | undefined, severity: Record<string, string> = {}): Set<RecordedNPlusOne> {
  const out = new Set<RecordedNPlusOne>();
  const s = state.summary;
  if (!s?.nPlusOne.length) return out;
  // Where each N+1's finding stands: at its line, or at the one loop's call that reaches the helper that sent it.
  const files = new Set<string>();
  for (const n of s.nPlusOne) {
    const loops = state.callers?.(n.file, n.line) ?? [];
    files.add(loops.length === 1 ? loops[0].file : n.file);
  }
  for (const file of files) {
    const text = textOf(file);
    if (text === undefined) continue;
    const found = recordedNPlusOneFindings(state, file, text);
    if (!found.length) continue;
    const kept = new Set(applySuppressions(text, found.map((x) => x.finding), offOnly(severity)));
    for (const x of found) if (!kept.has(x.finding)) for (const n of x.group) out.add(n);
  }
  return out;
}

/**
 * The rules turned off: what silences a finding. Another severity (`error`) makes applySuppressions return a copy of the
 * finding, which a check by identity would take for a silenced one.
 */
function offOnly(severity: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(severity).filter(([, v]) => v === 'off'));
}

/** 1-based line of an offset. */
function lineAt(starts: number[], offset: number): number {
  return positionAt(starts, offset).line + 1;
}

/**
 * A recorded finding and the static one it repeats are one finding. An N+1: the static analysis read the loop from the
 * code (its fix text, rewrite and Ignore-here stay), the recording proved it runs (its count per unit of work is the
 * message; its parent query and recorded statements are added); they are the same when the recorded line falls on the
 * lines of the static finding's call. A missing index: the static finding (on the table the SQL names, with Create index
 * now) gains the recorded count, when it proposes the same index a few lines from the recorded call (person9: after a
 * recording, "an index on orders (status) cuts 940 → 293" stood twice, at lines 69 and 70). Other findings pass unchanged.
 */
export function mergeRecorded(findings: Finding[], text: string): Finding[] {
  const recorded = findings.filter((f) => (f.ruleId === 'n-plus-one' || f.ruleId === 'missing-index') && f.evidence?.recorded === true);
  if (!recorded.length) return findings;
  const starts = lineStarts(text);
  const merged = new Set<Finding>();
  const out: Finding[] = [];
  const sameFile = (a: Finding, b: Finding) => (a.file ?? b.file) === (b.file ?? a.file);
  for (const f of findings) {
    if (f.evidence?.recorded === true) continue;
    const first = lineAt(starts, f.span.start);
    const last = lineAt(starts, Math.max(f.span.start, f.span.end - 1));
    if (f.ruleId === 'n-plus-one') {
      const r = recorded.find((x) => x.ruleId === 'n-plus-one' && !merged.has(x) && sameFile(x, f) && lineAt(starts, x.span.start) >= first && lineAt(starts, x.span.start) <= last);
      if (!r) continue;
      merged.add(r);
      merged.add(f);
      out.push({
        ...f,
        severity: r.severity === 'error' || f.severity === 'error' ? 'error' : r.severity,
        message: r.message,
        help: mergedHelp(f, r),
        fixes: [...f.fixes.filter((x) => !/^Ignore/.test(x.title)), ...r.fixes, ...f.fixes.filter((x) => /^Ignore/.test(x.title))],
        related: [...(f.related ?? []), ...(r.related ?? [])],
        evidence: { ...f.evidence, ...r.evidence, static: true },
      });
    } else if (f.ruleId === 'missing-index') {
      const defs = indexDefinitions(f);
      const near = recorded
        .filter((x) => x.ruleId === 'missing-index' && !merged.has(x) && sameFile(x, f) && Math.abs(lineAt(starts, x.span.start) - first) <= NEAR_LINES && ([...indexDefinitions(x)].some((d) => defs.has(d)) || sameStatement(f, x)) && sameStatementText(f, x))
        .sort((a, b) => Math.abs(lineAt(starts, a.span.start) - first) - Math.abs(lineAt(starts, b.span.start) - first));
      const r = near[0];
      if (!r) continue;
      merged.add(r);
      merged.add(f);
      const calls = typeof r.evidence?.calls === 'number' ? r.evidence.calls : undefined;
      out.push({
        ...f,
        // While recording the count grows with every statement: left out of the message (see RecordedState.live).
        message: calls !== undefined ? `${f.message} (recorded${r.evidence?.live ? '' : `: ${calls}×`} from line ${lineAt(starts, r.span.start)})` : f.message,
        evidence: { ...f.evidence, recorded: true, static: true, calls, sql: r.evidence?.sql },
      });
    }
  }
  if (!merged.size) return findings;
  return [...findings.filter((f) => !merged.has(f)), ...out];
}

/**
 * The help of a static N+1 and the recorded one it repeats. The static help reads the code (an existing batched method,
 * the rewrite); the recorded one adds the look-up the SQL names (table, column), which the code alone could only
 * guess. When the recording proved the statement's batched form — one grouped statement for a per-item aggregate or
 * existence check, or the association the models declare — that advice leads (person14 19: "findAll by primary key …
 * include" stood before the grouped sum the recording proved).
 */
function mergedHelp(f: Finding, r: Finding): string | undefined {
  if (!f.help || !r.help || f.help.includes(r.help)) return f.help ?? r.help;
  const lookup = r.evidence?.lookup as { grouped?: unknown } | undefined;
  // The recording proved the values never changed (a repeat: read it once), or proved the statement's batched form.
  // The recording saw the parent query include the association already: the code's "add the include" would contradict it (person15 #6).
  if (r.evidence?.included === true) return r.help;
  if (lookup?.grouped || r.evidence?.association || r.evidence?.repeated === true) return `${r.help} From the code: ${f.help}`;
  return lookup ? `${f.help} From the recording: ${r.help}` : f.help;
}

/**
 * Whether a static missing-index finding's statement is the one the recording holds (their SQL in the evidence, compared
 * normalised: constants → $n, white space aside). The recording's count tags only its own statement: an edit that
 * changes the statement drops the tag until it is recorded again (issue 20, person49 L-4: the `LIMIT 50` version of
 * src/orders.ts:70, never recorded, read "(recorded: 4× from line 69)" because its index matched the recorded one's).
 * A finding without its SQL is taken on its index and line alone.
 */
function sameStatementText(f: Finding, r: Finding): boolean {
  const a = f.evidence?.sql;
  const b = r.evidence?.sql;
  if (typeof a !== 'string' || typeof b !== 'string') return true;
  return spaced(normalizeSql(a) ?? a) === spaced(normalizeSql(b) ?? b);
}

/**
 * Both findings name their statement and it is one text: the static finding, the one index decision's answer as the file
 * is analysed now, is that statement's, whatever index the recording's copy names — the recording keeps the advice it was
 * shown with, made earlier (a smaller table, before other statements were weighed). Issue 20, person51 M-3: src/orders.ts:80,
 * closed, showed its recorded "orders (customer_id) cuts 1,010 → 31.4" beside the one decision's shared
 * orders (customer_id, placed_at DESC); a person following Problems would create two indexes.
 */
function sameStatement(f: Finding, r: Finding): boolean {
  const a = f.evidence?.sql;
  const b = r.evidence?.sql;
  return typeof a === 'string' && typeof b === 'string' && spaced(normalizeSql(a) ?? a) === spaced(normalizeSql(b) ?? b);
}

/** How far (in lines) a recorded call may stand from the static finding's SQL and still be the same statement. */
const NEAR_LINES = 6;

/** The index definitions a missing-index finding proposes ("orders (status)"), from its evidence. */
function indexDefinitions(f: Finding): Set<string> {
  const list = Array.isArray(f.evidence?.suggestions) ? (f.evidence.suggestions as { ddl?: string }[]) : [];
  return new Set(list.filter((s) => typeof s.ddl === 'string').map((s) => indexDefinitionTitle({ ddl: s.ddl! })));
}

/** The recording as an analyzer of the one pipeline: it reads the state the editor keeps up to date. */
export function recordedAnalyzer(state: () => RecordedState, rel?: (f: string) => string): Analyzer {
  return {
    id: 'recorded',
    rules: recordedRules(),
    analyze: ({ file, text }) => recordedFindings(state(), file, text, rel),
  };
}

/**
 * The batched forms of the statements one line sends per item, as one: Django's select_related / prefetch_related of
 * each relation in one call (`.select_related("book", "borrower")`), else each form in turn.
 */
function combined(forms: BatchedForm[]): BatchedForm {
  if (forms.length === 1) return forms[0];
  const calls = forms.map((f) => /^\.(select_related|prefetch_related)\((.*)\)$/.exec(f.chain ?? ''));
  if (calls.every((c) => c)) {
    const args = (m: string) => [...new Set(calls.filter((c) => c![1] === m).flatMap((c) => c![2].split(/,\s*/)))];
    const chain = ['select_related', 'prefetch_related'].map((m) => (args(m).length ? `.${m}(${args(m).join(', ')})` : '')).join('');
    return { fix: `${forms.map((f) => f.fix).join(' ')} One call loads them all: ${chain}.`, atParent: `add ${chain} to it`, chain };
  }
  const at = forms.map((f) => f.atParent).filter((x): x is string => !!x);
  return { fix: forms.map((f) => f.fix).join(' '), ...(at.length ? { atParent: at.join('; ') } : {}) };
}

/**
 * What the quick fix to the rows' query says, and where it goes. A query evaluated in a template (`{% if book_list %}`:
 * Django evaluates the lazy queryset there) takes no select_related: the fix goes to the view that builds the queryset
 * (person17 MEDIUM 8) — its `queryset`, its get_queryset(), or a `queryset = Model.objects…` where it only names a model.
 */
function parentAdvice(n: RecordedNPlusOne, b: BatchedForm, rel: (f: string) => string): { title: string; advice?: string } {
  const p = n.parent;
  if (!p) return { title: '', ...(b.atParent ? { advice: b.atParent } : {}) };
  const v = n.parentView;
  const inTemplate = n.via === 'django' && !/\.py$/.test(p.file);
  if (!inTemplate) return { title: `Go to the query that loads the rows (${rel(p.file)}:${p.line})${b.atParent ? `: ${b.atParent}` : ''}`, ...(b.atParent ? { advice: b.atParent } : {}) };
  const evaluated = `the template evaluates it at ${rel(p.file)}:${p.line}`;
  if (!v) {
    const advice = b.chain ? `add ${b.chain} to the queryset the view that renders this template passes to it` : b.atParent ? `in the view that renders this template: ${b.atParent.replace(/\bit\b/, 'its query')}` : undefined;
    return { title: `Go to where the template evaluates the rows' query (${rel(p.file)}:${p.line})${advice ? `: ${advice}` : ''}`, ...(advice ? { advice } : {}) };
  }
  const advice = b.chain
    ? v.how === 'queryset' ? `add ${b.chain} to its queryset`
      : v.how === 'get_queryset' ? `add ${b.chain} to the queryset get_queryset() returns`
        : v.how === 'model' && v.model ? `queryset = ${v.model}.objects${b.chain}`
          : `add ${b.chain} to the queryset it passes to the template`
    : b.atParent ? b.atParent.replace(/\bit\b/, 'its query') : undefined;
  return { title: `Go to the view that builds the rows' query (${rel(v.file)}:${v.line}, ${v.name}; ${evaluated})${advice ? `: ${advice}` : ''}`, ...(advice ? { advice } : {}) };
}
