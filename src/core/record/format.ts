/** A recording as text, JSON and SARIF (pure; the CLI prints, the editor reuses the wording). */
import { oneLine as safeOneLine } from '../safeText';
import type { Located } from '../output';
import { toSarif } from '../output';
import type { Finding } from '../findings';
import type { RecordedNPlusOne, RecordedWritePerItem, RecordSummary, SiteFigure } from './aggregate';
import { countOf, listAndMore, recordedWhere } from '../format';
import { indexForLine, statementsPerIndex } from '../advice/workload';

export interface StatementAdvice {
  costBefore?: number;
  /**
   * alsoServes: the other statements the index decision gives this index (StatementDecision.alsoServes labels: a place, else
   * a text), named on the index's for: line as `pg-lens advise` names them (statementsPerIndex, indexForLine).
   */
  suggestions: { ddl: string; costBefore: number; costAfter: number | null; summary: string; planBefore: string[]; index?: unknown; shared?: string; alsoServes?: readonly string[] }[];
  /** (index: the advisor's whole suggestion, for the editor's Copy CREATE INDEX / Add migration fixes.) */
  /** Why there is no advice (unparsed, missing table, error). */
  note?: string;
  /** The connection the advice was proved on (the editor's key of it); undefined where there is one connection (the CLI). */
  provedOn?: string;
}

const RECORDED_RULE_ID = 'n-plus-one';

function oneLine(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return safeOneLine(t.length > max ? t.slice(0, max - 1) + '…' : t);
}

/** Where connection set-up is filed (SiteFigure.connection): never a line of the app's. */
export const CONNECTION_SET_UP = '(connection set-up)';

/**
 * A recorded call site as the report and the Recorded Queries view name it: `where` (file:line, "(connection set-up)",
 * or no line) and `note`, what the site was when it is not a line that sent them — the view whose response a library
 * was serialising, or the driver's probes of a new connection. One wording for the CLI and the editor.
 */
export function recordedSiteText(site: { file?: string; line?: number; serializing?: string; connection?: true }, rel: (f: string) => string): { where: string; note?: string } {
  if (site.connection) return { where: CONNECTION_SET_UP, note: 'sent by the driver or ORM once per new connection (its version, settings and type look-ups), at whichever line took the connection: not that line\'s statements, never a finding' };
  const where = recordedWhere(site.file, site.line, rel);
  return site.serializing ? { where, note: `sent while serialising the response of ${safeOneLine(site.serializing)} (no line of your code on the stack)` } : { where };
}

function ms(n: number): string {
  return n >= 100 ? `${n.toFixed(0)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`;
}

/**
 * The languages the capture records (src/capture: Node's `pg`, Python's psycopg2/psycopg/asyncpg), by language folder of
 * the registry (core/languages), with the names said to the user. Other languages' apps (Go, Java, Ruby) are not captured:
 * for them Record Queries reads pg_stat_statements and matches what ran to the SQL in the code by its text.
 */
const CAPTURED_LANGUAGES: Record<string, string> = { javascript: 'Node', python: 'Python' };
const LANGUAGE_NAMES: Record<string, string> = { ...CAPTURED_LANGUAGES, go: 'Go', java: 'Java', ruby: 'Ruby' };
const CAPTURE_COVERS = 'the capture records Node (pg) and Python (psycopg2, psycopg, asyncpg) apps only';

/** The workspace's app languages (language folders of its source files, `sql` left out), split by whether the capture records them. */
/** The report's note when a loaded query library's statements have no line in the app's code (see sitesUnknown). */
export function sitesUnknownText(libraries: string): string {
  return `call sites unknown: ${libraries} ${libraries.includes(',') ? 'are' : 'is'} not recognised by the capture, so its statements have no line in your code and no N+1 can be found (the counts per request are right). Please report the library and its version.`;
}

export interface AppLanguages {
  captured: string[];
  other: string[];
}

/** From the language folders of a workspace's source files (registry's languageFolderOf), most files first. */
export function appLanguages(folders: readonly string[]): AppLanguages {
  const counts = new Map<string, number>();
  for (const f of folders) if (LANGUAGE_NAMES[f]) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  return { captured: names.filter((f) => CAPTURED_LANGUAGES[f]).map((f) => LANGUAGE_NAMES[f]), other: names.filter((f) => !CAPTURED_LANGUAGES[f]).map((f) => LANGUAGE_NAMES[f]) };
}

const andList = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs[0] ?? '');

/**
 * The notice while recording (person16 MEDIUM 6: "run your app or its tests now" on a Go app, whose statements the
 * capture never sees). `connected`: pg_stat_statements is recorded too. `values`: the parameter-values sentence.
 */
export function recordingStartedText(langs: AppLanguages | undefined, connected: boolean, values = ''): string {
  const other = langs?.other ?? [];
  const onlyOther = other.length > 0 && !(langs?.captured.length);
  const stop = `Stop Recording Queries (or Cancel here) ends it${connected ? ' and shows the report' : ''}.${values}`;
  if (!connected) {
    if (onlyOther) return `PG Lens is recording, but ${CAPTURE_COVERS}, and no database is connected: nothing will be recorded from your ${andList(other)} app. Connect (PG Lens: Select Connection) and record again to see what it runs through pg_stat_statements. ${stop}`;
    return `PG Lens is recording: run your app, its tests or a script in a new terminal (or a Node/Python debug session). ${stop}`;
  }
  if (onlyOther) return `PG Lens is recording pg_stat_statements: run your ${andList(other)} app now. The report matches what ran to the SQL in your code by its text (${CAPTURE_COVERS}, with the line and request of each statement). ${stop}`;
  const also = other.length ? ` Your ${andList(other)} code is not captured: pg_stat_statements matches what it runs by its SQL text.` : '';
  return `PG Lens is recording queries: run your app or its tests in a new terminal (or a Node/Python debug session) now.${also} ${stop}`;
}

/**
 * Said once when a recording starts while terminals are open (person39 L1: `shop-traffic` in a terminal opened before
 * Start Recording recorded nothing, and only the terminal tab's ⚠ hinted why): the capture reaches a terminal through
 * its environment, which VS Code gives only to terminals started from then on. Undefined when no terminal is open, or
 * when the capture records none of the workspace's languages (the start notice says so).
 */
export function terminalsNotRecordedText(names: readonly string[], langs: AppLanguages | undefined): string | undefined {
  if (!names.length || ((langs?.other.length ?? 0) > 0 && !langs?.captured.length)) return undefined;
  // A terminal that is starting has no name yet (code-server): counted, not named as "".
  const quoted = names.filter((n) => n.trim()).map((n) => `"${safeOneLine(n)}"`);
  const which = names.length === 1 ? (quoted.length ? `The terminal ${quoted[0]} was` : 'A terminal was') : `${names.length} terminals${quoted.length ? ` (${listAndMore(quoted, 3)})` : ''} were`;
  return `${which} opened before the recording started: what runs there is not recorded. Open a new terminal (or relaunch it from the ⚠ on its tab) and start your app there.`;
}

/**
 * The zero-statements explanation, the terminals opened before the recording named first when there are any: ". The
 * terminal "bash" was opened before the recording started: … start your app there. Otherwise: <why>", else " <why>".
 */
function oldTerminalsFirst(terminals: readonly string[] | undefined, langs: AppLanguages | undefined, why: string): string {
  const first = terminalsNotRecordedText(terminals ?? [], langs);
  return first ? `. ${first} Otherwise: ${why.replace(/^\((.*)\)$/s, '$1')}` : ` ${why}`;
}

/** Why nothing was captured, for the toast and the report: which languages the capture records, and what stands in for the others. */
function nothingCapturedWhy(langs: AppLanguages | undefined): string {
  const other = langs?.other ?? [];
  if (other.length && !langs?.captured.length) return `${CAPTURE_COVERS}; this workspace's ${andList(other)} code is not captured — what it ran is in the pg_stat_statements report (Output), matched to your code by its SQL text`;
  const also = other.length ? `; ${andList(other)} code is not captured` : '';
  return `${CAPTURE_COVERS}, started after Start Recording in a VS Code terminal or debug session${also}`;
}

/**
 * The Output report's first note for a workspace with code in a language the capture does not record: what stands in
 * for it (pg_stat_statements matched by text) and where to read about line attribution. Undefined when there is none.
 */
export function otherLanguagesReportNote(langs: AppLanguages | undefined): string | undefined {
  if (!langs?.other.length) return undefined;
  const which = andList(langs.other);
  return `${which} code: ${CAPTURE_COVERS}, so what your ${which} code ran is below as pg_stat_statements saw it, matched to the SQL in your code by its text (SQL built at run time or written by an ORM may stay unmatched). pg_stat_statements has no requests or call stacks: a statement your code sends from a function that a loop calls is counted, not called N+1. For the line that sent each statement, see "Other languages" in PG Lens's recording guide (docs/recording.md).`;
}

const UNIT_WORD: Record<string, string> = { request: 'request', test: 'test', job: 'job', migration: 'migration', root: 'outside requests and tests' };

/**
 * What the editor says when capture stops. Capture sees only processes started after Start Recording from
 * VS Code's terminals or debug sessions: with nothing captured it says so, instead of a bare "0 statements
 * recorded" beside the pg_stat_statements report of the same recording. `lost`: statements not recorded — dropped
 * while it ran (the capture could not hand them over fast enough, or the recording was full) and arrived after Stop
 * (issue 20 #9: Stop takes effect at once; what was still on its way is not applied) — said, never silently left out.
 */
/**
 * `terminals`: the terminals open when the recording started that did not get the capture's environment (person40 M2:
 * `shop-traffic` in the demo's terminal, opened before Start Recording, recorded nothing, and Stop blamed the driver):
 * with nothing recorded they are named first (terminalsNotRecordedText), the other causes after.
 */
export function captureStoppedText(statements: number, nPlusOne: number, lost: { dropped?: number; afterStop?: number; sitesUnknown?: string; silenced?: number; terminals?: readonly string[] } = {}, langs?: AppLanguages): { status: string; message: string } {
  const dropped = lost.dropped ?? 0;
  const after = lost.afterStop ?? 0;
  const notes: string[] = [];
  if (dropped) notes.push(`${countOf(dropped, 'statement')} ${dropped === 1 ? 'was' : 'were'} dropped while recording (the app sent faster than the editor took them, or the recording was full): the counts are lower than what ran`);
  if (after) notes.push(`${countOf(after, 'statement')} arrived after Stop and ${after === 1 ? 'is' : 'are'} not recorded`);
  const also = notes.length ? ` ${notes.map((n) => n[0].toUpperCase() + n.slice(1)).join('. ')}.` : '';
  if (statements === 0) {
    return {
      status: dropped ? `nothing recorded (${dropped} dropped)` : 'nothing captured',
      message: `PG Lens: no statement was captured from the app${oldTerminalsFirst(lost.terminals, langs, `(${nothingCapturedWhy(langs)})`)}.${also}`,
    };
  }
  const count = `${countOf(statements, 'statement')} recorded`;
  // A library whose calls the capture did not place (person18: knex 0.19): "no N+1" would not be true, so it is not said.
  // `nPlusOne` counts what the Problems panel shows; one silenced by a pg-lens-ignore comment is said apart, never as an N+1.
  const silenced = lost.silenced ?? 0;
  const quiet = silenced ? `${nPlusOne ? ', ' : '; '}${silenced} silenced (pg-lens-ignore)` : '';
  const found = lost.sitesUnknown && !nPlusOne && !silenced ? `; ${sitesUnknownText(lost.sitesUnknown)}` : `${nPlusOne ? `; ${nPlusOne} N+1 (see the Problems panel)` : ''}${quiet}`;
  return { status: dropped ? `${count} (${dropped} dropped)` : count, message: `PG Lens: ${count}${found}.${also}` };
}

/**
 * The confirmation Clear Recorded Queries asks before it drops a recording (person47 L10: 609 statements and their
 * findings went at once): for the one confirm helper's destructive dialog (vscode/confirm confirmDestructive: the
 * button that keeps the recording first, Enter and Escape keep it), its count in the button's words. Undefined with
 * nothing recorded: no dialog, recordingClearedText says so.
 */
export function recordingClearConfirmation(statements: number, recording: boolean): { message: string; detail: string; labels: { confirm: string; keep: string } } | undefined {
  if (statements <= 0) return undefined;
  const what = countOf(statements, 'recorded statement');
  const still = recording ? ' The recording goes on: new statements are counted from zero.' : '';
  return {
    message: `Clear ${what}?`,
    detail: `The recorded statements go, with the N+1 and index findings, plans and CodeLens made from ${statements === 1 ? 'it' : 'them'}; this cannot be undone.${still}`,
    labels: { confirm: `Clear ${what}`, keep: 'Keep the recording' },
  };
}

/**
 * What Clear Recorded Queries says: what it cleared, or that there was nothing to clear (person9: with nothing recorded
 * it said nothing, and a person could not tell whether the command ran).
 */
export function recordingClearedText(statements: number, recording: boolean): string {
  const still = recording ? ' The recording goes on: new statements are counted from zero.' : '';
  if (statements === 0) return `PG Lens: nothing recorded to clear.${still}`;
  return `PG Lens: cleared ${countOf(statements, 'recorded statement')} and the findings made from ${statements === 1 ? 'it' : 'them'}.${still}`;
}

/**
 * The one message at Stop Recording (person10 N9: the capture's "145 statements recorded; 3 N+1" and the
 * pg_stat_statements half's "no observed N+1" were two toasts about one run). The capture's figures are the run's;
 * pg_stat_statements counts every client of the server, so its part adds only the N+1s the capture did not record,
 * says whose figures they are, and never contradicts the capture.
 * `capture`: what the capture recorded (undefined when it did not run); `server`: the pg_stat_statements half
 * (undefined when not connected) — `flagged` observed N+1s from code the capture did not record, `repeated` all
 * repeated one-row statements (also those the capture recorded), `window` the recording's length ("101 s").
 */
export function recordingStoppedText(capture: { statements: number; nPlusOne: number; dropped?: number; afterStop?: number; sitesUnknown?: string; silenced?: number; terminals?: readonly string[] } | undefined, server: { flagged: number; repeated: number; window: string } | undefined, langs?: AppLanguages): string {
  const parts: string[] = [];
  if (capture) parts.push(captureStoppedText(capture.statements, capture.nPlusOne, capture, langs).message.replace(/^PG Lens: /, ''));
  if (server) {
    const captured = capture !== undefined && capture.statements > 0;
    const whose = `the whole server (pg_stat_statements: every client, ${server.window})`;
    if (server.flagged) {
      parts.push(`${captured ? 'Besides the recording, on' : 'On'} ${whose}: ${countOf(server.flagged, 'observed N+1')}, statements your code sends from a loop that ran many times with about one row per call (see the report).`);
    } else if (!captured) {
      const others = server.repeated ? ` ${countOf(server.repeated, 'statement')} ran many times with about one row per call from code not itself in a loop (pg_stat_statements cannot tell whether a caller loops over them; see the report).` : '';
      parts.push(`No observed N+1 on ${whose}.${others}`);
    } else {
      parts.push(`The report (Output) adds what ${whose} ran.`);
    }
  }
  const text = parts.join(' ');
  return `PG Lens: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/**
 * The N+1 line of the recorded-line hover. The N+1 diagnostic at the same line shows its message and fix in the
 * same hover, above: the line only counts (it repeated the whole fix, so the hover said it twice).
 */
export function recordedNPlusOneHoverLine(n: Pick<RecordedNPlusOne, 'calls' | 'unitKind' | 'repeated'>): string {
  return `**${n.repeated ? 'Repeated query (same parameters)' : 'N+1'}**: ${n.calls} calls in one ${n.unitKind === 'root' ? 'run' : n.unitKind} (Ctrl+. for the fix).`;
}

/**
 * The recorded N+1's message. `live`: the capture is still running — the totals (time, how many units like it) grow
 * with every statement and would change the diagnostic several times a second; each change re-triggers VS Code's
 * code actions and cancels a Quick Fix the user asked for, which then reads "No code actions available" (issue 20
 * item 12). While recording the message keeps to what the finding is; the totals come at Stop.
 */
export function nPlusOneMessage(n: RecordedNPlusOne, live = false): string {
  const where = n.unitKind === 'root' ? 'in one run (outside any request or test)' : `in one ${UNIT_WORD[n.unitKind] ?? n.unitKind} (${n.unit})`;
  const via = n.via ? ` (via ${n.via})` : '';
  // The same values every time (issue 16 C): one value read again and again, not one query per item.
  const what = n.serializing
    ? `${n.repeated ? 'Repeated query: the same statement with the same parameters was' : 'N+1: the same statement was'} sent while serialising the response of ${n.serializing.view} (no line of your code on the stack)`
    : n.repeated ? 'Repeated query: this call sent the same statement with the same parameters' : 'N+1: this call sent the same statement';
  if (live) return `${what} ${n.calls} times ${where}${via}; recording (the totals come when it stops).`;
  const more = n.units > 1 ? `; ${n.units} ${UNIT_WORD[n.unitKind] ?? 'unit'}s like it` : '';
  return `${what} ${n.calls} times ${where}, ${ms(n.ms)}${more}${via}.`;
}

/**
 * One line that sent several statements per item, each an N+1 of another table (person17: `{{ bookinst.book }}` and
 * `{{ bookinst.borrower }}` on one template line): one message naming each, the worst first.
 */
/** "this call sent the same INSERT 6 times in one request (POST /api/articles), 5 of them failed" (the CLI's line). */
function writePerItemMessage(w: RecordedWritePerItem): string {
  const where = w.unitKind === 'root' ? `one run (${w.unit})` : `one ${w.unitKind} (${w.unit})`;
  const more = w.units > 1 ? `; ${w.units} ${w.unitKind === 'request' ? 'requests' : 'units'} like it` : '';
  const failed = w.failed ? `, ${w.failed} of them failed (a loop catching each item's error)` : '';
  return `write per item: this call sent the same ${w.kind.toUpperCase()} ${w.calls} times in ${where}${failed}${more}, ${ms(w.ms)}${w.via ? ` (via ${w.via})` : ''}.`;
}

export function nPlusOnesMessage(list: readonly RecordedNPlusOne[], live = false): string {
  if (list.length === 1) return nPlusOneMessage(list[0], live);
  const n = list[0];
  const where = n.unitKind === 'root' ? 'in one run (outside any request or test)' : `in one ${UNIT_WORD[n.unitKind] ?? n.unitKind} (${n.unit})`;
  const via = n.via ? ` (via ${n.via})` : '';
  const each = list.map((x) => `${x.lookup?.table ?? 'a statement'}${x.lookup ? ` by ${x.lookup.column}` : ''} ${x.calls} times`).join(', ');
  if (live) return `N+1: this line sent ${list.length} statements once per item ${where}${via}: ${each}; recording (the totals come when it stops).`;
  return `N+1: this line sent ${list.length} statements once per item ${where}${via}: ${each}, ${ms(list.reduce((t, x) => t + x.ms, 0))}.`;
}

/**
 * Where the statements ran, as the end of "Recorded N statements (…)": ` in 12 requests and 2 tests`, ` outside requests
 * and tests` (a script, a worker), ` in 12 requests and outside them` (person14 15: "in outside requests/tests").
 */
function unitsLine(s: RecordSummary): string {
  const inUnits = Object.entries(s.units).filter(([k, v]) => k !== 'root' && v > 0).map(([k, v]) => countOf(v, UNIT_WORD[k] ?? k));
  const outside = (s.units.root ?? 0) > 0;
  const list = inUnits.length > 1 ? `${inUnits.slice(0, -1).join(', ')} and ${inUnits[inUnits.length - 1]}` : inUnits[0];
  if (!list) return outside ? ' outside requests and tests' : '';
  return outside ? ` in ${list}, and outside them` : ` in ${list}`;
}

/**
 * " (its SQL at line 72)": the line a call site's statement is written on, when it is not the call's own line — the place
 * Index advice below, scan and the editor name (person53 L-5: the call sites said src/products.ts:71, the advice :72, for
 * one call). Said only when every statement of the site is written at that one place of the site's file.
 */
function sqlAtNote(site: { file?: string; line?: number }, sqls: readonly string[], sqlPlace: ((site: { file?: string; line?: number }, sql: string) => string | undefined) | undefined): string {
  if (!sqlPlace || !site.file || !site.line) return '';
  const places = new Set(sqls.map((sql) => sqlPlace(site, sql)));
  const [place] = places;
  const line = places.size === 1 && place ? /:(\d+)$/.exec(place)?.[1] : undefined;
  return line && Number(line) !== site.line ? ` (its SQL at line ${line})` : '';
}

/** `silenced`: the recorded N+1s a pg-lens-ignore comment (or the rule off) silences (silencedRecordedNPlusOnes): listed, not counted. */
export function recordText(s: RecordSummary, rel: (f: string) => string, advice?: Map<string, StatementAdvice>, langs?: AppLanguages, silenced: ReadonlySet<RecordedNPlusOne> = new Set(), terminals?: readonly string[], sqlPlace?: (site: { file?: string; line?: number }, sql: string) => string | undefined): string {
  const out: string[] = [];
  out.push(`Recorded ${countOf(s.statements, 'statement')} (${ms(s.totalMs)})${s.statements ? unitsLine(s) : ''}${s.errors ? `, ${s.errors} failed` : ''}.`);
  for (const n of s.notices) out.push(`Note: ${n}`);
  if (s.dropped) out.push(`Note: ${s.dropped} events were dropped (the listener was full or slow).`);
  if (!s.statements) {
    out.push(langs?.other.length && !langs.captured.length
      ? `Nothing was recorded: ${nothingCapturedWhy(langs)}. For the line that sent each statement, see "Other languages" in PG Lens's recording guide (docs/recording.md).`
      : `Nothing was recorded${oldTerminalsFirst(terminals, langs, `did the command use PostgreSQL through pg (Node) or psycopg2/psycopg/asyncpg (Python)?${langs?.other.length ? ` (${andList(langs.other)} code is not captured.)` : ''}`).replace(/^ /, ': ')}`);
    return out.join('\n');
  }
  const quiet = s.nPlusOne.filter((n) => silenced.has(n)).length;
  const count = s.sitesUnknown && !s.nPlusOne.length ? `not known (${s.sitesUnknown}: call sites unknown, see the note above)` : `${s.nPlusOne.length - quiet}${quiet ? ` (and ${quiet} silenced by pg-lens-ignore)` : ''}`;
  out.push('', `N+1 (the same statement from one call site ${s.threshold}+ times in one unit of work): ${count}`);
  for (const n of s.nPlusOne) {
    // The call's place, with its SQL's line as the call sites say it (person54 L-2: "src/orders.ts:31:31 N+1 …" beside
    // "src/orders.ts:31 (its SQL at line 32)").
    out.push(`  ${safeOneLine(rel(n.file))}:${n.line}:${n.col}${sqlAtNote(n, [n.sql], sqlPlace)}  ${silenced.has(n) ? '(silenced) ' : ''}${safeOneLine(nPlusOneMessage(n))}`);
    out.push(`      ${oneLine(n.sql)}`);
    out.push(`      fix: ${safeOneLine(n.fix)}`);
  }
  if (s.writesPerItem.length) {
    out.push('', `Writes per item (the same INSERT/UPDATE/DELETE from one call site ${s.threshold}+ times in one unit of work; not an N+1, a batching matter): ${s.writesPerItem.length}`);
    for (const w of s.writesPerItem) {
      out.push(`  ${safeOneLine(rel(w.file))}:${w.line}:${w.col}${sqlAtNote(w, [w.sql], sqlPlace)}  ${safeOneLine(writePerItemMessage(w))}`);
      out.push(`      ${oneLine(w.sql)}`);
      out.push(`      fix: ${safeOneLine(w.fix)}`);
    }
  }
  out.push('', 'Statements by call site:');
  for (const site of s.sites.slice(0, 40)) {
    const { where, note } = recordedSiteText(site, (f) => safeOneLine(rel(f)));
    out.push(`  ${where}${sqlAtNote(site, site.statements.map((st) => st.sql), sqlPlace)}  ${countOf(site.calls, 'statement')} · ${ms(site.totalMs)}${site.via ? ` · via ${site.via}` : ''}${note ? ` · ${note}` : ''}`);
    for (const st of site.statements.slice(0, 5)) {
      out.push(`    ${String(st.calls).padStart(5)}×  ${ms(st.totalMs).padStart(9)}  max ${st.maxPerUnit}/unit  ${oneLine(st.sql, 120)}`);
    }
    if (site.statements.length > 5) out.push(`    … ${site.statements.length - 5} more`);
  }
  if (s.sites.length > 40) out.push(`  … ${s.sites.length - 40} more call sites`);
  out.push('', 'Slowest statements:');
  for (const x of s.slowest) out.push(`  ${ms(x.ms).padStart(9)}  ${x.connection ? CONNECTION_SET_UP : `${recordedWhere(x.file, x.line, (f) => safeOneLine(rel(f)))}${sqlAtNote(x, [x.sql], sqlPlace)}`}  ${oneLine(x.sql, 120)}`);
  if (advice) {
    out.push('', 'Index advice (proved with the planner):');
    const notAdvised: string[] = [];
    // Each index once, with the places it serves, grouped and said as `pg-lens advise` does (statementsPerIndex,
    // indexForLine; person52 L-4: one index shared by three statements was three CREATE INDEX lines, the 2nd and 3rd failing
    // "already exists" when pasted). A place is the line the statement's SQL starts on, as scan and the editor name it
    // (`sqlPlace`), else the recorded call's line.
    const offered: { ddl: string; place: string; key: string; item: { place: string; summary: string; sql: string }; others?: readonly string[] }[] = [];
    for (const site of s.sites) {
      for (const st of site.statements) {
        const a = advice.get(st.normalized);
        const place = (site.file && site.line ? sqlPlace?.(site, st.sql) : undefined) ?? recordedSiteText(site, (f) => safeOneLine(rel(f))).where;
        if (a?.note && !a.suggestions.length) {
          // Not advised, and why (a refusal, a statement the planner could not take): said, never dropped.
          notAdvised.push(`  ${place}  not advised: ${oneLine(a.note, 160)}`);
          continue;
        }
        // The other statements the index serves, as advise names them (issue 20: record said "(one index for 3 statements)"
        // where advise said "…, also "SELECT avg(rating)::float8 …""); those printed here are left out by their place.
        for (const g of a?.suggestions ?? []) offered.push({ ddl: g.ddl, place, key: `${place}\u0000${st.sql}`, item: { place, summary: g.summary, sql: st.sql }, others: g.alsoServes });
      }
    }
    const byIndex = statementsPerIndex(offered);
    for (const g of byIndex) {
      out.push(`  ${safeOneLine(g.ddl)};`);
      out.push(`      ${safeOneLine(indexForLine(g))}`);
      for (const x of g.items) {
        out.push(`      ${g.items.length > 1 ? `${x.place}: ` : ''}${safeOneLine(x.summary)}`);
        out.push(`          ${oneLine(x.sql, 120)}`);
      }
    }
    if (!byIndex.length) out.push('  none: no recorded statement would get enough cheaper with an index.');
    out.push(...new Set(notAdvised));
  }
  return out.join('\n');
}

export function recordJson(s: RecordSummary, rel: (f: string) => string, advice?: Map<string, StatementAdvice>): Record<string, unknown> {
  return {
    statements: s.statements,
    totalMs: s.totalMs,
    errors: s.errors,
    units: s.units,
    threshold: s.threshold,
    notices: s.notices,
    ...(s.sitesUnknown ? { sitesUnknown: s.sitesUnknown } : {}),
    dropped: s.dropped,
    nPlusOne: s.nPlusOne.map((n) => ({ file: rel(n.file), line: n.line, column: n.col, calls: n.calls, units: n.units, unit: n.unit, unitKind: n.unitKind, sql: n.sql, normalized: n.normalized, ms: n.ms, via: n.via, fix: n.fix, ...(n.repeated ? { repeated: true } : {}), ...(n.serializing ? { serializing: { view: n.serializing.view } } : {}), ...(n.parent ? { parent: { file: rel(n.parent.file), line: n.parent.line } } : {}) })),
    writesPerItem: s.writesPerItem.map((w) => ({ file: rel(w.file), line: w.line, column: w.col, kind: w.kind, calls: w.calls, failed: w.failed, units: w.units, unit: w.unit, unitKind: w.unitKind, sql: w.sql, normalized: w.normalized, ms: w.ms, via: w.via, fix: w.fix })),
    sites: s.sites.map((site) => ({
      file: site.file ? rel(site.file) : null, line: site.line ?? null, column: site.col ?? null, via: site.via, ...(site.serializing ? { serializing: site.serializing } : {}), ...(site.connection ? { connection: true } : {}), calls: site.calls, totalMs: site.totalMs,
      statements: site.statements.map((st) => {
        const a = advice?.get(st.normalized);
        return { ...st, ...(a ? { advice: { costBefore: a.costBefore, indexes: a.suggestions.map((g) => ({ ddl: g.ddl, costBefore: g.costBefore, costAfter: g.costAfter, summary: g.summary })), note: a.note, plan: a.suggestions[0]?.planBefore } } : {}) };
      }),
    })),
    slowest: s.slowest.map((x) => ({ ...x, file: x.file ? rel(x.file) : undefined })),
  };
}

export function recordSarif(s: RecordSummary, rel: (f: string) => string, version: string, docsPage?: (docsPath: string) => string | undefined): Record<string, unknown> {
  const located: Located[] = s.nPlusOne.map((n) => {
    const finding: Finding = { ruleId: RECORDED_RULE_ID, severity: 'warning', message: nPlusOneMessage(n), help: n.fix, file: rel(n.file), span: { start: 0, end: 0 }, fixes: [], evidence: { recorded: true, calls: n.calls, units: n.units, unit: n.unit, sql: n.sql } };
    return { finding, startLine: n.line, startColumn: n.col, endLine: n.line, endColumn: n.col };
  });
  return toSarif(located, [], { toolVersion: version, docsPage });
}

/**
 * What "Plan and index advice" of a recorded call site opens (a read-only Markdown document beside the code): each
 * statement the line sent with its figures, its plan as PostgreSQL planned it, and the index advice proved for it —
 * or why there is none. The link said only "plans and index advice … are in its hover" and showed nothing.
 */
export function recordedSiteReport(
  where: string,
  site: Pick<SiteFigure, 'calls' | 'totalMs' | 'via' | 'statements'>,
  advice: ReadonlyMap<string, StatementAdvice>,
  plans: ReadonlyMap<string, string>,
  connection?: string,
): string {
  const fence = (lang: string, text: string) => {
    const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    return [`${ticks}${lang}`, text, ticks];
  };
  const out = [`# Recorded at ${safeOneLine(where)}`, '', `${countOf(site.calls, 'statement')}, ${ms(site.totalMs)}${site.via ? `, via ${safeOneLine(site.via)}` : ''}${connection ? ` · plans and advice from ${safeOneLine(connection)}` : ''}.`];
  // The statement whose plan the plan viewer shows beside the document (the costliest).
  const costliest = site.statements.reduce((best, st, i) => (st.totalMs > site.statements[best].totalMs ? i : best), 0);
  site.statements.forEach((st, i) => {
    out.push('', `## ${i + 1}. ${st.calls}× · ${ms(st.totalMs)} · at most ${st.maxPerUnit} in one ${st.maxUnitKind === 'root' ? 'run' : st.maxUnitKind}${st.errors ? ` · ${st.errors} failed` : ''}`, '', ...fence('sql', st.sql.trim()));
    const plan = plans.get(st.normalized);
    // The brief only: the whole plan is shown where every plan is, in the plan viewer (it was a text block here).
    out.push('', '### Plan', '', ...(plan ? [...fence('text', plan), '', i === costliest ? 'The whole plan is open in the plan viewer; the call site\'s hover has "Open plan" for each statement.' : 'The whole plan: "Open plan" in the call site\'s hover.'] : ['Not planned: no database connected when it was advised.']));
    const a = advice.get(st.normalized);
    out.push('', '### Index advice', '');
    if (!a) out.push('Not advised yet: connect a database and run "Plan and index advice" again.');
    else if (!a.suggestions.length) out.push(safeOneLine(a.note ?? 'No index would make it enough cheaper.'));
    else for (const g of a.suggestions) out.push(safeOneLine(g.summary), '', ...fence('sql', `${g.ddl};`), '');
  });
  return `${out.join('\n').trimEnd()}\n`;
}
