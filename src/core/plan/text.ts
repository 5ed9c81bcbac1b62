/**
 * TEXT-format plans as people bring them: EXPLAIN's rows as psql prints them (border 0/1/2; ascii,
 * unicode or old-ascii lines; aligned, wrapped or unaligned), DBeaver's grid export (trailing "|"),
 * pgAdmin's CSV (each line quoted, quotes doubled), single-quoted lines, a prompt or the echoed
 * EXPLAIN statement before the plan, lines a terminal hard-wrapped, tabs mixed with spaces.
 *
 * Two steps: unframe() turns what was pasted into the rows EXPLAIN returned; parseTextRows() reads
 * those rows into PostgreSQL's JSON shape (the keys of K). Every line is either understood or the
 * whole plan is refused with one line naming the line it could not read: never a wrong tree.
 */
import { K, type RawNode } from './keys';

export class PlanParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanParseError';
  }
}

export interface Unframed {
  /** EXPLAIN's rows (for JSON output: the lines of the one JSON row). */
  rows: string[];
  /** How it was framed, for messages: "psql border 2 (unicode, wrapped)", "pgAdmin CSV", … */
  frame: string;
}

const HEADER = /^\s*"?QUERY PLAN"?\s*$/;
/** psql's row count, in any language: "(3 rows)", "(1 ligne)", "(3 Zeilen)". */
const FOOTER = /^\s*\(\d+ [^\W\d_]+\)\s*$/u;
const RULE = /^[\s\-─━═+┼┬┴├┤┌┐└┘│|╔╗╚╝╠╣╞╡╟╢╤╧╪╫╬║╓╖╙╜╒╕╘╛]+$/;
const FRAME_L = /^\s*[|│║]/;
const FRAME_R = /[|│║]\s*$/;
const WRAP_RIGHT = new Set(['.', '…']);

/** What was pasted → EXPLAIN's rows, with psql's (or another client's) frame, markers and wraps removed. */
export function unframe(source: string): Unframed {
  // One CSV field holding the whole plan (a JSON plan exported from a grid): "[ … ""Plan"" … ]".
  const whole = /^\s*"([\s\S]*)"\s*$/.exec(source);
  if (whole && whole[1].includes('\n') && !whole[1].replace(/""/g, '').includes('"')) {
    return { rows: whole[1].replace(/""/g, '"').replace(/\r\n?/g, '\n').split('\n'), frame: 'one CSV field' };
  }
  let lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  // Row counts, comment lines and psql's \timing line ("Time: 438.861 ms") are not part of the plan.
  lines = lines.filter((l) => !FOOTER.test(l) && !/^\s*(?:#|--\s)/.test(l) && !/^Time: \d+(?:\.\d+)? ms(?: \(.*\))?\s*$/.test(l));
  // Lines ending in a stray quote, none starting with one (a spreadsheet export): drop the quote.
  const ne = lines.filter((l) => l.trim());
  if (ne.length && ne.every((l) => /"\s*$/.test(l) && !/^\s*"/.test(l))) lines = lines.map((l) => l.replace(/"\s*$/, ''));

  // A frame line ┌──┐ / +--+ above the header, or a header │ QUERY PLAN │ / | QUERY PLAN |: border 2.
  let headerAt = lines.findIndex((l) => HEADER.test(stripOuter(l)) || /^\s*QUERY PLAN\s*\|\s*$/.test(l) || /^\s*"QUERY PLAN"\s*$/.test(l));
  // Another column name (EXPLAIN … \gset, a renamed column): a short first line above a rule.
  if (headerAt < 0) {
    const first = lines.findIndex((l) => l.trim());
    if (first >= 0 && isRule(lines[first + 1] ?? '') && !/[()]/.test(lines[first])) headerAt = first;
  }
  if (headerAt >= 0) {
    const header = lines[headerAt];
    const body = lines.slice(headerAt + 1);
    if (/^\s*QUERY PLAN\s*\|\s*$/.test(header)) return dbeaver(body);
    if (/^\s*"QUERY PLAN"\s*$/.test(header)) return quoted(body, '"', 'pgAdmin CSV');
    if (FRAME_L.test(header)) return border2(body);
    return border01(header, body);
  }
  const nonEmpty = lines.filter((l) => l.trim());
  if (nonEmpty.length && nonEmpty.every((l) => /^\s*".*"\s*,?\s*$/.test(l))) return quoted(lines, '"', 'quoted lines (CSV)');
  if (nonEmpty.length && nonEmpty.every((l) => /^\s*'.*'\s*,?\s*$/.test(l))) return quoted(lines, "'", 'single-quoted lines');
  if (nonEmpty.length > 1 && nonEmpty.every((l) => /\|\s*$/.test(l))) return dbeaver(lines);
  if (nonEmpty.length && nonEmpty.every((l) => (FRAME_L.test(l) && FRAME_R.test(l)) || RULE.test(l))) return border2(lines);
  return { rows: lines, frame: 'plain text' };
}

function stripOuter(l: string): string {
  return l.replace(FRAME_L, '').replace(FRAME_R, '');
}

function isRule(l: string): boolean {
  return RULE.test(l) && /[-─━═]{3}/.test(l);
}

function quoted(lines: string[], q: string, frame: string): Unframed {
  const rows: string[] = [];
  const re = q === '"' ? /^\s*"(.*)"\s*,?\s*$/ : /^\s*'(.*)'\s*,?\s*$/;
  for (const l of lines) {
    if (!l.trim()) continue;
    const m = re.exec(l);
    if (!m) throw new PlanParseError(`${frame}: line "${clip(l)}" is not quoted like the others.`);
    rows.push(m[1].split(q + q).join(q));
  }
  return { rows, frame };
}

function dbeaver(lines: string[]): Unframed {
  const rows: string[] = [];
  for (const l of lines) {
    if (!l.trim() || /^-+\+\s*$/.test(l)) continue;
    rows.push(l.replace(/\s*\|\s*$/, ''));
  }
  return { rows, frame: 'DBeaver grid' };
}

/** psql border 2: every row between "|" (or "│"), one pad or marker character on each side. */
function border2(lines: string[]): Unframed {
  const cells: { left: string; content: string; right: string }[] = [];
  let width = -1;
  for (const l of lines) {
    if (!l.trim() || RULE.test(l) || HEADER.test(stripOuter(l))) continue;
    const m = /^\s*[|│║](.*)[|│║]\s*$/.exec(l);
    if (!m) throw new PlanParseError(`psql border 2: line "${clip(l)}" is not framed like the others (was it cut or edited?).`);
    const inner = m[1];
    if (width < 0) width = inner.length - 2;
    cells.push({ left: inner[0] ?? ' ', content: inner.slice(1, inner.length - 1), right: inner[inner.length - 1] ?? ' ' });
  }
  return { rows: joinCells(cells, width, true), frame: 'psql border 2' };
}

/** psql border 0 or 1 (aligned or wrapped), or unaligned: a header, a rule, then the rows. */
function border01(header: string, lines: string[]): Unframed {
  let body = lines;
  let width = -1;
  if (body.length && isRule(body[0])) {
    width = [...body[0]].length;
    body = body.slice(1);
    if (body.length && isRule(body[0])) {
      // The rule itself wrapped by a terminal: widths mean nothing; rows are re-joined where a
      // terminal cut them (inside an open parenthesis), each row's one-space pad removed.
      while (body.length && isRule(body[0])) body = body.slice(1);
      return { rows: terminalWrapped(body), frame: 'psql output wrapped by a terminal' };
    }
  } else {
    return { rows: body.filter((l) => l.length), frame: 'psql unaligned' };
  }
  const data = body.filter((l) => l.length);
  if (data.some((l) => /^\S/.test(l)) && data.some((l) => /^\s/.test(l)) && data.some((l) => [...l].length < width && depth(l) > 0)) {
    return { rows: terminalWrapped(data), frame: 'psql output wrapped by a terminal' };
  }
  // Border 1 pads every row with one character on the left (a space, or a wrap marker).
  const border1 = data.length > 0 && data.every((l) => /^[\s.…+]/.test(l)) && [...header].length === width;
  const inner = border1 ? width - 2 : width;
  // psql never prints past the rule but for one marker: a longer row, or another character there,
  // means the text was edited (re-indented, re-wrapped): only end-of-line markers can be trusted.
  const edited = data.some((l) => {
    const rest = [...l].slice(border1 ? 1 : 0);
    return rest.length > inner + 1 || (rest.length === inner + 1 && !' .…+↵'.includes(rest[inner]));
  });
  if (edited) {
    const pad = data.every((l) => /^\s/.test(l));
    return { rows: data.map((l) => (pad ? l.slice(1) : l).replace(/\s*[+↵]$/, '')), frame: 'psql frame (edited)' };
  }
  if (border1) width -= 2;
  const cells = data.map((l) => {
    const chars = [...l];
    const rest = border1 ? chars.slice(1) : chars;
    return { left: border1 ? chars[0] : ' ', content: rest.slice(0, width).join(''), right: rest[width] ?? '' };
  });
  return { rows: joinCells(cells, width), frame: `psql border ${border1 ? 1 : 0}` };
}

/**
 * Undo psql's markers: a wrap marker on the right ("." ascii, "…" unicode, " " old-ascii) continues
 * the row on the next line (whose left marker is dropped); a newline marker ("+", "↵") ends one line
 * of a cell that holds several (JSON output). In border 2 every row is padded, so old-ascii's " "
 * marker is ambiguous there: a full-width row is taken as wrapped only when it ends inside an open
 * parenthesis or quote (the reader then checks the joined row like any other).
 */
function joinCells(cells: { left: string; content: string; right: string }[], width: number, padded = false): string[] {
  const rows: string[] = [];
  let cont = false;
  let maybe = false;
  for (const c of cells) {
    const full = [...c.content].length === width;
    // old-ascii border 2, cut just before a node's figures: "… on t c" / " (never executed)".
    // A row never starts with ".", a digit, "=", ")", "," or ":"; a wrapped row's rest may.
    if (maybe && (/^\s\((?:cost=|actual |never executed\))/.test(c.content) || /^[.\d=),:]/.test(c.content))) cont = true;
    maybe = padded && full && c.right === ' ';
    const text: string = cont ? rows[rows.length - 1] + c.content : c.content;
    const wrapped: boolean = full && (WRAP_RIGHT.has(c.right) || (c.right === ' ' && (!padded || unclosed(text))));
    const row = wrapped ? text : text.replace(/\s+$/, '');
    if (cont) rows[rows.length - 1] = row;
    else rows.push(row);
    cont = wrapped;
  }
  return rows;
}

/** Ends inside "(", '…' or "…" (JSON strings)? */
function unclosed(s: string): boolean {
  let d = 0;
  let q: string | undefined;
  for (const ch of s) {
    if (q) {
      if (ch === q) q = undefined;
    } else if (ch === "'" || ch === '"') q = ch;
    else if (ch === '(') d++;
    else if (ch === ')') d--;
  }
  return q !== undefined || d > 0;
}

function terminalWrapped(lines: string[]): string[] {
  const rows: string[] = [];
  let open = false;
  for (const l of lines) {
    if (!l.length) continue;
    if (open && rows.length) rows[rows.length - 1] += l;
    else rows.push(l.replace(/^ /, ''));
    open = unclosed(rows[rows.length - 1]);
  }
  return rows.map((r) => r.replace(/\s*[+↵]$/, ''));
}

function clip(s: string, n = 60): string {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}

// ── reading the rows ──────────────────────────────────────────────────────────────────────────

const NUM = '(-?\\d+(?:\\.\\d+)?)';
const RE_EST = new RegExp(`\\(cost=${NUM}\\.\\.${NUM} rows=${NUM} width=(\\d+)\\)`);
const RE_ACT = new RegExp(`\\(actual (?:time=${NUM}\\.\\.${NUM} )?rows=${NUM} loops=${NUM}\\)`);
const RE_NEVER = /\(never executed\)/;
const RE_WORKER_ACT = new RegExp(`^actual (?:time=${NUM}\\.\\.${NUM} )?rows=${NUM} loops=${NUM}$`);
/** "actual [time=a..b] rows=r loops=l" (RE_ACT, RE_WORKER_ACT) → the JSON format's keys; time only under TIMING. */
function readActual(act: RegExpExecArray, into: Record<string, unknown>): void {
  if (act[1] !== undefined) {
    into[K.ActualStartupTime] = Number(act[1]);
    into[K.ActualTotalTime] = Number(act[2]);
  }
  into[K.ActualRows] = Number(act[3]);
  into[K.ActualLoops] = Number(act[4]);
}
const NODE_NAME = /^[A-Z][A-Za-z]*(?: [A-Za-z]+)*\b/;
/** What a node line starts with in PostgreSQL's text format (explain.c), for lines without figures (COSTS OFF). */
const KNOWN_NODE = new RegExp(
  '^(?:Parallel |Async |Partial |Finalize )*(?:' +
    ['Result', 'ProjectSet', 'Insert', 'Update', 'Delete', 'Merge', 'Append', 'Merge Append', 'Recursive Union', 'BitmapAnd', 'BitmapOr',
      'Nested Loop', 'Merge(?: \\w+)* Join', 'Hash(?: \\w+)* Join', 'Seq Scan', 'Sample Scan', 'Gather', 'Gather Merge', 'Index Scan', 'Index Only Scan',
      'Bitmap Index Scan', 'Bitmap Heap Scan', 'Tid Scan', 'Tid Range Scan', 'Subquery Scan', 'Function Scan', 'Table Function Scan', 'Values Scan',
      'CTE Scan', 'Named Tuplestore Scan', 'WorkTable Scan', 'Foreign Scan', 'Foreign Insert', 'Foreign Update', 'Foreign Delete', 'Custom Scan',
      'Materialize', 'Memoize', 'Sort', 'Incremental Sort', 'Group', 'Aggregate', 'GroupAggregate', 'HashAggregate', 'MixedAggregate', 'WindowAgg',
      'Unique', 'SetOp', 'HashSetOp', 'LockRows', 'Limit', 'Hash'].join('|') +
    ')(?: |$)',
);
const PROP_KEY = /^[A-Z][A-Za-z0-9 /_()-]*$/;

interface Frame {
  indent: number;
  node: RawNode;
}

/** EXPLAIN's text rows → PostgreSQL's JSON shape ({ Plan, Planning Time, … }), or a PlanParseError. */
export function parseTextRows(input: string[]): Record<string, unknown> {
  let rows = input.map((l) => l.replace(/\t/g, '    ').replace(/\s+$/, ''));
  rows = dropPrelude(rows);
  rows = joinHardWraps(rows);

  const top: Record<string, unknown> = {};
  const stack: Frame[] = [];
  let root: RawNode | undefined;
  let rootIndent = 0;
  /** "InitPlan 1 (returns $0)" / "SubPlan 2" / "CTE x" waiting for its node. */
  let pendingRel: { rel: string; name: string; indent: number; childIndent?: number } | undefined;
  /** A block of lines that belong to something other than the innermost node. */
  let block: { indent: number; target: Record<string, unknown>; kind: 'worker' | 'planning' | 'jit' | 'top' } | undefined;
  const queryText: string[] = [];

  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i];
    if (!raw.trim()) continue;
    const indent = raw.search(/\S/);
    const line = raw.trim();
    const where = () => `line ${i + 1} ("${clip(line)}")`;

    if (block && indent <= block.indent) block = undefined;
    // A sub-plan header covers the nodes right under it (before 9.0 one bare "SubPlan" lists several).
    if (pendingRel && indent <= pendingRel.indent) pendingRel = undefined;

    const arrow = line.startsWith('->');
    if (arrow || !root) {
      if (!root && !arrow && (/^Query Text:/.test(line) || queryText.length) && !looksLikeNode(line)) {
        queryText.push(queryText.length ? raw : line.replace(/^Query Text:\s*/, ''));
        continue;
      }
      const body = arrow ? line.replace(/^->\s*/, '') : line;
      let node: RawNode;
      try {
        node = parseNodeHeader(body, where);
      } catch (e) {
        if (root || !(e instanceof PlanParseError)) throw e;
        throw new PlanParseError(`No plan node found in the text: it starts with "${clip(line)}", not a line like "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)".`);
      }
      const nodeIndent = arrow ? indent + 2 : indent;
      block = undefined;
      if (!root) {
        root = node;
        rootIndent = indent;
        stack.push({ indent: nodeIndent, node });
        continue;
      }
      if (nodeIndent <= rootIndent) throw new PlanParseError(`Cannot read ${where()}: a node at the root's indentation (is the plan two plans?).`);
      while (stack.length > 1 && stack[stack.length - 1].indent >= nodeIndent) stack.pop();
      const parent = stack[stack.length - 1].node;
      if (pendingRel && (pendingRel.childIndent ?? nodeIndent) === nodeIndent) {
        pendingRel.childIndent = nodeIndent;
        node[K.ParentRelationship] = pendingRel.rel;
        node[K.SubplanName] = pendingRel.name;
      } else {
        node[K.ParentRelationship] = defaultRelationship(parent);
      }
      (parent[K.Plans] ??= []).push(node);
      stack.push({ indent: nodeIndent, node });
      continue;
    }

    // Sub-plan headers: "InitPlan 1 (returns $0)", "InitPlan 1", bare "InitPlan"/"SubPlan" (before 9.0), "CTE name".
    const sub = /^(InitPlan|SubPlan)(?:\s+(\d+))?(?:\s*\(returns [^)]*\))?$/.exec(line) ?? /^(CTE)\s+(.+)$/.exec(line);
    if (sub && indent > rootIndent) {
      while (stack.length > 1 && stack[stack.length - 1].indent > indent) stack.pop();
      pendingRel = { rel: sub[1] === 'SubPlan' ? 'SubPlan' : 'InitPlan', name: sub[1] === 'CTE' ? `CTE ${sub[2]}` : line, indent };
      block = undefined;
      continue;
    }

    if (indent <= rootIndent || /^(Planning Time|Execution Time|Planning time|Execution time|Total runtime):\s*[\d.]+\s*ms$/.test(line)) {
      // Plan-level lines after the tree (times are recognised at any indentation: no node detail has their names).
      stack.length = Math.min(stack.length, 1);
      block = undefined;
      pendingRel = undefined;
      readTopLine(line, top, where, (b) => (block = { ...b, indent }));
      continue;
    }

    if (block) {
      if (block.kind === 'jit') readJitLine(line, block.target, where);
      else if (block.kind === 'top') parseProperty(line, block.target as RawNode, where);
      else parseProperty(line, block.target as RawNode, where);
      continue;
    }

    // A property of the innermost node whose header is less indented than this line.
    while (stack.length > 1 && stack[stack.length - 1].indent > indent) stack.pop();
    const node = stack[stack.length - 1].node;
    const worker = /^Worker (\d+):\s*(.*)$/.exec(line);
    if (worker) {
      const list = (node[K.Workers] ??= []) as Record<string, unknown>[];
      let w = list.find((x) => x[K.WorkerNumber] === Number(worker[1]));
      if (!w) list.push((w = { [K.WorkerNumber]: Number(worker[1]) }));
      const rest = worker[2].trim();
      const act = RE_WORKER_ACT.exec(rest);
      if (act) readActual(act, w);
      else if (rest) {
        // "Worker 0:  Sort Method: external merge  Disk: 712kB" (several properties may share the line)
        for (const part of rest.split(/\s{2,}(?=[A-Z][A-Za-z ]+:)/)) parseProperty(part, w as RawNode, where);
      }
      block = { indent, target: w, kind: 'worker' };
      continue;
    }
    parseProperty(line, node, where);
  }
  if (!root) throw new PlanParseError('No plan node found in the text: expected a line like "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)".');
  if (pendingRel && pendingRel.childIndent === undefined) throw new PlanParseError(`"${pendingRel.name}" is not followed by its plan (was the text cut?).`);
  if (queryText.length) top[K.QueryText] = queryText.join('\n').trim();
  top[K.Plan] = root;
  return top;
}

function looksLikeNode(line: string): boolean {
  return RE_EST.test(line) || RE_ACT.test(line) || RE_NEVER.test(line);
}

/** Drop a psql prompt, an echoed "EXPLAIN …;" statement or a log prefix before the plan. */
function dropPrelude(rows: string[]): string[] {
  let i = 0;
  while (i < rows.length && !rows[i].trim()) i++;
  const first = rows[i] ?? '';
  if (/^\s*(?:[\w.-]+[=-][#>]\s*)?(?:EXPLAIN|explain|Explain)\b/.test(first)) {
    // The statement runs until a line ending with ";" (psql echoes it as typed).
    let j = i;
    while (j < rows.length && !/;\s*$/.test(rows[j])) j++;
    if (j < rows.length) return rows.slice(j + 1);
    // No ";": the plan starts at the first line that looks like a plan node.
    const k = rows.findIndex((r, n) => n > i && looksLikeNode(r));
    return k >= 0 ? rows.slice(k) : rows.slice(i + 1);
  }
  return rows.slice(i);
}

/**
 * A terminal that hard-wraps long rows leaves a row ending inside "(cost=…" or "(actual …": rows are
 * joined while parentheses stay open (outside quotes), as the terminal split them (no character added).
 */
function joinHardWraps(rows: string[]): string[] {
  const out: string[] = [];
  let open = 0;
  for (const r of rows) {
    if (open > 0 && out.length) out[out.length - 1] += r;
    else out.push(r);
    open = depth(out[out.length - 1]);
    if (open < 0) open = 0;
  }
  return out;
}

function depth(s: string): number {
  let d = 0;
  let q = false;
  for (const ch of s) {
    if (ch === "'") q = !q;
    else if (!q && ch === '(') d++;
    else if (!q && ch === ')') d--;
  }
  return q ? 0 : d;
}

function readTopLine(line: string, top: Record<string, unknown>, where: () => string, open: (b: { target: Record<string, unknown>; kind: 'planning' | 'jit' | 'top' }) => void): void {
  let m: RegExpExecArray | null;
  if ((m = /^(Planning Time|Execution Time|Planning time|Execution time|Total runtime):\s*([\d.]+)\s*ms$/.exec(line))) {
    top[/^Planning/i.test(m[1]) ? K.PlanningTime : K.ExecutionTime] = Number(m[2]);
    return;
  }
  if (line === 'Planning:') {
    const p: Record<string, unknown> = {};
    top[K.Planning] = p;
    open({ target: p, kind: 'planning' });
    return;
  }
  if (line === 'JIT:') {
    const j = { [K.JitFunctions]: 0, [K.JitOptions]: {}, [K.JitTiming]: {} };
    top[K.JIT] = j;
    open({ target: j, kind: 'jit' });
    return;
  }
  // "Trigger name on rel: time=… calls=…", "Trigger for constraint fk: …", VERBOSE "Trigger RI_… for constraint fk on rel: …"
  if ((m = /^Trigger(?: (.+?))??(?: for constraint (.+?))?(?: on (\S+))?: (?:time=([\d.]+) )?calls=(\d+)$/.exec(line))) {
    const list = (top[K.Triggers] ??= []) as unknown[];
    list.push({
      ...(m[1] ? { [K.TriggerName]: m[1] } : {}),
      ...(m[2] ? { [K.ConstraintName]: m[2] } : {}),
      ...(m[3] ? { [K.Relation]: m[3] } : {}),
      ...(m[4] ? { [K.Time]: Number(m[4]) } : {}),
      [K.Calls]: Number(m[5]),
    });
    return;
  }
  if ((m = /^Settings:\s*(.*)$/.exec(line))) {
    const s: Record<string, string> = {};
    for (const x of m[1].matchAll(/([\w.]+)\s*=\s*'((?:[^']|'')*)'/g)) s[x[1]] = x[2].replace(/''/g, "'");
    top[K.Settings] = s;
    return;
  }
  if ((m = /^Query Identifier:\s*(-?\d+)$/.exec(line))) {
    top[K.QueryIdentifier] = m[1];
    return;
  }
  if ((m = /^Serialization:\s*(.*)$/.exec(line))) {
    // PG17: "Serialization: time=0.123 ms  output=12kB  format=text" (time only with TIMING)
    const s: Record<string, unknown> = {};
    const t = /time=([\d.]+) ms/.exec(m[1]);
    if (t) s[K.Time] = Number(t[1]);
    const o = /output=(\d+)kB/.exec(m[1]);
    if (o) s['Output Volume'] = Number(o[1]);
    const f = /format=(\w+)/.exec(m[1]);
    if (f) s.Format = f[1];
    top[K.Serialization] = s;
    const b = /Buffers: (.*)$/.exec(m[1]);
    if (b) parseBuffers(b[1], s as RawNode);
    open({ target: s, kind: 'top' });
    return;
  }
  if (/^Query Text:/.test(line)) {
    top[K.QueryText] = line.replace(/^Query Text:\s*/, '');
    return;
  }
  throw new PlanParseError(`Cannot read ${where()}: not a plan node, a node's detail or a plan-level line.`);
}

function readJitLine(line: string, jit: Record<string, any>, where: () => string): void {
  let m: RegExpExecArray | null;
  if ((m = /^Functions:\s*(\d+)$/.exec(line))) jit[K.JitFunctions] = Number(m[1]);
  else if ((m = /^Options:\s*(.*)$/.exec(line))) for (const x of m[1].matchAll(/(\w+)\s+(true|false)/g)) jit[K.JitOptions][x[1]] = x[2] === 'true';
  else if ((m = /^Timing:\s*(.*)$/.exec(line))) {
    // "Generation 1.2 ms (Deform 0.3 ms), Inlining …, Total 9.9 ms" (PG17 adds Deform inside Generation)
    for (const x of m[1].replace(/\([^)]*\)/g, '').matchAll(/(\w+)\s+([\d.]+)\s*ms/g)) jit[K.JitTiming][x[1]] = Number(x[2]);
  } else throw new PlanParseError(`Cannot read ${where()} in the JIT section.`);
}

function defaultRelationship(parent: RawNode): string {
  const index = (parent[K.Plans] ?? []).filter((c) => c[K.ParentRelationship] !== 'InitPlan' && c[K.ParentRelationship] !== 'SubPlan').length;
  const t = String(parent[K.NodeType] ?? '');
  if (/^(Append|Merge Append|Recursive Union|BitmapAnd|BitmapOr)$/.test(t)) return 'Member';
  if (t === 'Subquery Scan') return 'Subquery';
  return index === 0 ? 'Outer' : 'Inner';
}

const JOIN_TYPES = ['Left', 'Right', 'Full', 'Semi', 'Anti', 'Right Semi', 'Right Anti'];

/** "Hash Left Join  (cost=…) (actual …)" → a RawNode with PostgreSQL's JSON keys. */
function parseNodeHeader(body: string, where: () => string): RawNode {
  const node: RawNode = {};
  const est = RE_EST.exec(body);
  const act = RE_ACT.exec(body);
  let head = body;
  const cut = body.search(/\s*\((cost=|actual |never executed)/);
  if (cut >= 0) {
    head = body.slice(0, cut);
    // What follows the figures must be figures: "(cost=…) (actual …)" and nothing else.
    const tail = body.slice(cut).replace(RE_EST, '').replace(RE_ACT, '').replace(RE_NEVER, '').trim();
    if (tail) throw new PlanParseError(`Cannot read ${where()}: unexpected "${clip(tail, 30)}" after the node's figures.`);
    if (!est && !act && !RE_NEVER.test(body)) throw new PlanParseError(`Cannot read ${where()}: the node's figures are incomplete (was the line cut?).`);
  }
  head = head.trim();
  if (cut < 0 && !KNOWN_NODE.test(head)) throw new PlanParseError(`Cannot read ${where()}: not a plan node (no figures, and not a node type PostgreSQL prints).`);
  if (!NODE_NAME.test(head)) throw new PlanParseError(`Cannot read ${where()}: "${clip(head, 30)}" is not a plan node.`);
  if (est) {
    node[K.StartupCost] = Number(est[1]);
    node[K.TotalCost] = Number(est[2]);
    node[K.PlanRows] = Number(est[3]);
    node[K.PlanWidth] = Number(est[4]);
  }
  if (act) readActual(act, node);
  else if (RE_NEVER.test(body)) {
    node[K.ActualRows] = 0;
    node[K.ActualLoops] = 0;
  }
  let m: RegExpExecArray | null;
  if (head.startsWith('Parallel ')) {
    node[K.ParallelAware] = true;
    head = head.slice('Parallel '.length);
  }
  if (head.startsWith('Async ')) {
    node[K.AsyncCapable] = true;
    head = head.slice('Async '.length);
  }
  if ((m = /^(Partial |Finalize )?(HashAggregate|GroupAggregate|MixedAggregate|Aggregate)$/.exec(head))) {
    node[K.NodeType] = 'Aggregate';
    node[K.Strategy] = { HashAggregate: 'Hashed', GroupAggregate: 'Sorted', MixedAggregate: 'Mixed', Aggregate: 'Plain' }[m[2]];
    node[K.PartialMode] = m[1] ? m[1].trim() : 'Simple';
    return node;
  }
  if ((m = /^(Insert|Update|Delete|Merge) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = 'ModifyTable';
    node[K.Operation] = m[1];
    setRelation(node, m[2], m[3]);
    return node;
  }
  if ((m = /^(Hash|Merge|Nested Loop)(?: (Left|Right|Full|Semi|Anti|Right Semi|Right Anti))? ?(Join)?$/.exec(head)) && (m[1] === 'Nested Loop' || m[3])) {
    node[K.NodeType] = m[1] === 'Nested Loop' ? 'Nested Loop' : `${m[1]} Join`;
    node[K.JoinType] = m[2] && JOIN_TYPES.includes(m[2]) ? m[2] : 'Inner';
    return node;
  }
  if ((m = /^(Index Scan|Index Only Scan)( Backward)? using (\S+) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    node[K.ScanDirection] = m[2] ? 'Backward' : 'Forward';
    node[K.IndexName] = m[3];
    setRelation(node, m[4], m[5]);
    return node;
  }
  if ((m = /^(Index Scan|Index Only Scan)( Backward)? on (\S+)(?: (\S+))?$/.exec(head))) {
    // COSTS OFF on an expression index prints no "using"? No: PostgreSQL always prints it; kept for old dumps.
    node[K.NodeType] = m[1];
    node[K.ScanDirection] = m[2] ? 'Backward' : 'Forward';
    setRelation(node, m[3], m[4]);
    return node;
  }
  if ((m = /^Bitmap Index Scan on (\S+)$/.exec(head))) {
    node[K.NodeType] = 'Bitmap Index Scan';
    node[K.IndexName] = m[1];
    return node;
  }
  if ((m = /^(CTE Scan|WorkTable Scan|Named Tuplestore Scan) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    node[K.CteName] = m[2];
    if (m[3]) node[K.Alias] = m[3];
    return node;
  }
  if ((m = /^Function Scan on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = 'Function Scan';
    node[K.FunctionName] = m[1];
    if (m[2]) node[K.Alias] = m[2];
    return node;
  }
  if ((m = /^(SetOp|HashSetOp) (\w+)( All)?$/.exec(head))) {
    node[K.NodeType] = 'SetOp';
    node[K.Strategy] = m[1] === 'HashSetOp' ? 'Hashed' : 'Sorted';
    node.Command = `${m[2]}${m[3] ?? ''}`;
    return node;
  }
  if ((m = /^(Foreign Scan|Custom Scan \(\w+\)|Seq Scan|Sample Scan|Tid Scan|Tid Range Scan|Bitmap Heap Scan|Subquery Scan|Values Scan|Table Function Scan|Foreign Update|Foreign Delete|Foreign Insert) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    if (m[1] === 'Subquery Scan' || m[1] === 'Values Scan') node[K.Alias] = m[2];
    else setRelation(node, m[2], m[3]);
    return node;
  }
  if ((m = /^(.+?) on (\S+)(?: (\S+))?$/.exec(head))) {
    node[K.NodeType] = m[1];
    setRelation(node, m[2], m[3]);
    return node;
  }
  node[K.NodeType] = head;
  return node;
}

/** "public.orders", "\"My Schema\".\"t:1\"" → schema and relation as the JSON format names them (unquoted). */
function setRelation(node: RawNode, qualified: string, alias?: string): void {
  const parts = qualified.match(/"(?:[^"]|"")*"|[^."]+/g) ?? [qualified];
  const unq = (x: string) => (x.startsWith('"') ? x.slice(1, -1).replace(/""/g, '"') : x);
  if (parts.length >= 2) {
    node[K.Schema] = unq(parts[parts.length - 2]);
    node[K.RelationName] = unq(parts[parts.length - 1]);
  } else {
    node[K.RelationName] = unq(parts[0]);
  }
  node[K.Alias] = alias ? unq(alias) : node[K.RelationName];
}

const INT_PROPS: Record<string, string> = {
  'Rows Removed by Filter': K.RowsRemovedByFilter,
  'Rows Removed by Join Filter': K.RowsRemovedByJoinFilter,
  'Rows Removed by Index Recheck': K.RowsRemovedByIndexRecheck,
  'Heap Fetches': K.HeapFetches,
  'Index Searches': K.IndexSearches,
  'Workers Planned': K.WorkersPlanned,
  'Workers Launched': K.WorkersLaunched,
  'Subplans Removed': K.SubplansRemoved,
  'Tuples Inserted': K.TuplesInserted,
  'Conflicting Tuples': K.ConflictingTuples,
};
const STR_PROPS: Record<string, string> = {
  Filter: K.Filter,
  'Index Cond': K.IndexCond,
  'Recheck Cond': K.RecheckCond,
  'Join Filter': K.JoinFilter,
  'Hash Cond': K.HashCond,
  'Merge Cond': K.MergeCond,
  'One-Time Filter': K.OneTimeFilter,
  'TID Cond': K.TidCond,
  'Cache Mode': K.CacheMode,
  'Conflict Resolution': K.ConflictResolution,
  'Conflict Filter': 'Conflict Filter',
  'Order By': 'Order By',
  'Relations': 'Relations',
  'Remote SQL': 'Remote SQL',
  'Sampling': 'Sampling',
  'Table Function Call': 'Table Function Call',
  'Storage': 'Storage',
};
const LIST_PROPS: Record<string, string> = {
  Output: K.Output,
  'Group Key': K.GroupKey,
  'Sort Key': K.SortKey,
  'Presorted Key': K.PresortedKey,
  'Cache Key': K.CacheKey,
  'Hash Key': 'Hash Key',
  'Partition Key': 'Partition Key',
  'Repeatable': 'Repeatable',
};

/** Details made of "name=number" figures, in any order, any of them absent: where each figure goes. */
const FIGURE_PROPS: Record<string, [RegExp, string][]> = {
  'Heap Blocks': [[/exact=(\d+)/, K.ExactHeapBlocks], [/lossy=(\d+)/, K.LossyHeapBlocks]],
  WAL: [[/records=(\d+)/, K.WalRecords], [/fpi=(\d+)/, K.WalFpi], [/bytes=(\d+)/, K.WalBytes], [/buffers full=(\d+)/, 'WAL Buffers Full']],
  // Planning memory (PG17): "used=12kB  allocated=16kB"
  Memory: [[/used=(\d+)kB/, 'Memory Used'], [/allocated=(\d+)kB/, 'Memory Allocated']],
};

/** Incremental Sort groups: "2  Sort Method: quicksort  Average Memory: 26kB  Peak Memory: 26kB". */
const SORT_GROUP_FIGURES: [RegExp, string][] = [[/^(\d+)/, 'Group Count'], [/Average Memory:\s*(\d+)kB/, 'Average Sort Space Used'], [/Peak Memory:\s*(\d+)kB/, 'Peak Sort Space Used']];

function readFigures(value: string, figures: [RegExp, string][], into: Record<string, unknown>): void {
  for (const [re, key] of figures) {
    const m = re.exec(value);
    if (m) into[key] = Number(m[1]);
  }
}

/** One "Key: value" line under a node (or a worker, or "Planning:"). */
function parseProperty(line: string, node: RawNode, where: () => string = () => `"${clip(line)}"`): void {
  let m: RegExpExecArray | null;
  // Lines without "Key: value" that PostgreSQL prints.
  if (line === 'Inner Unique: true' || line === 'Inner Unique: false') {
    node[K.InnerUnique] = line.endsWith('true');
    return;
  }
  if (line === 'Disabled: true') {
    node[K.Disabled] = true;
    return;
  }
  // Target relations listed under an inherited or partitioned ModifyTable: "Update on public.t1 t_1".
  if ((m = /^(Insert|Update|Delete|Merge) on (\S+)(?: (\S+))?$/.exec(line)) && node[K.NodeType] === 'ModifyTable') {
    ((node['Target Tables'] ??= []) as string[]).push(line.slice(m[1].length + 4));
    return;
  }
  const c = line.indexOf(':');
  const key = c > 0 ? line.slice(0, c).trim() : '';
  if (!key || !PROP_KEY.test(key)) throw new PlanParseError(`Cannot read ${where()}: not a plan node or a "Key: value" detail (was a long line wrapped or cut?).`);
  const value = line.slice(c + 1).trim();
  if (INT_PROPS[key]) {
    if (!/^-?\d+(\.\d+)?$/.test(value)) throw new PlanParseError(`Cannot read ${where()}: "${key}" should be a number.`);
    node[INT_PROPS[key]] = Number(value);
    return;
  }
  if (STR_PROPS[key]) {
    if (depth(value) !== 0) throw new PlanParseError(`Cannot read ${where()}: its parentheses do not balance (was the line wrapped or cut?).`);
    node[STR_PROPS[key]] = value;
    return;
  }
  if (LIST_PROPS[key]) {
    node[LIST_PROPS[key]] = splitTopLevel(value);
    return;
  }
  if (FIGURE_PROPS[key]) {
    readFigures(value, FIGURE_PROPS[key], node);
    return;
  }
  switch (key) {
    case 'Buffers':
      parseBuffers(value, node);
      return;
    case 'I/O Timings':
      for (const part of value.split(',')) {
        const p = part.trim();
        const kind = /^(shared|local|temp)\b/.exec(p)?.[1];
        const read = /read=([\d.]+)/.exec(p);
        const write = /write=([\d.]+)/.exec(p);
        const prefix = kind === 'temp' ? 'Temp' : kind === 'local' ? 'Local' : 'Shared';
        if (read) node[kind ? `${prefix} I/O Read Time` : K.IoReadTime] = Number(read[1]);
        if (write) node[kind ? `${prefix} I/O Write Time` : K.IoWriteTime] = Number(write[1]);
      }
      return;
    case 'Sort Method':
      if ((m = /^(.+?)\s+(Memory|Disk):\s*(\d+)kB$/.exec(value))) {
        node[K.SortMethod] = m[1];
        node[K.SortSpaceType] = m[2];
        node[K.SortSpaceUsed] = Number(m[3]);
      } else node[K.SortMethod] = value;
      return;
    case 'Buckets':
      if ((m = /^(\d+)(?:\s*\(originally (\d+)\))?\s+Batches:\s*(\d+)(?:\s*\(originally (\d+)\))?\s+Memory Usage:\s*(\d+)kB/.exec(value))) {
        node[K.HashBuckets] = Number(m[1]);
        node[K.OriginalHashBuckets] = Number(m[2] ?? m[1]);
        node[K.HashBatches] = Number(m[3]);
        node[K.OriginalHashBatches] = Number(m[4] ?? m[3]);
        node[K.PeakMemoryUsage] = Number(m[5]);
      } else throw new PlanParseError(`Cannot read ${where()}: unexpected hash figures.`);
      return;
    case 'Planned Partitions':
      // "Planned Partitions: 32  Batches: 193  Memory Usage: 4153kB  Disk Usage: 11kB"
      if ((m = /^(\d+)(?:\s+(.*))?$/.exec(value))) {
        node['Planned Partitions'] = Number(m[1]);
        if (m[2]) parseProperty(m[2], node, where);
      } else throw new PlanParseError(`Cannot read ${where()}: unexpected partition figures.`);
      return;
    case 'Batches':
      if ((m = /^(\d+)\s+Memory Usage:\s*(\d+)kB(?:\s+Disk Usage:\s*(\d+)kB)?/.exec(value))) {
        node[K.HashAggBatches] = Number(m[1]);
        node[K.PeakMemoryUsage] = Number(m[2]);
        if (m[3]) node[K.DiskUsage] = Number(m[3]);
      }
      return;
    case 'Hits':
      if ((m = /^(\d+)\s+Misses:\s*(\d+)\s+Evictions:\s*(\d+)\s+Overflows:\s*(\d+)(?:\s+Memory Usage:\s*(\d+)kB)?/.exec(value))) {
        node[K.CacheHits] = Number(m[1]);
        node[K.CacheMisses] = Number(m[2]);
        node[K.CacheEvictions] = Number(m[3]);
        node[K.CacheOverflows] = Number(m[4]);
        if (m[5]) node[K.PeakMemoryUsage] = Number(m[5]);
      }
      return;
    case 'Full-sort Groups':
    case 'Pre-sorted Groups': {
      const g: Record<string, unknown> = {};
      readFigures(value, SORT_GROUP_FIGURES, g);
      if ((m = /Sort Methods?:\s*(.+?)\s{2}/.exec(value))) g['Sort Methods Used'] = m[1].split(/,\s*/);
      node[key] = g;
      return;
    }
    default:
      // Other details are kept under their own key, as text (PostgreSQL prints many we need not model).
      node[key] = value;
  }
}

function parseBuffers(value: string, node: RawNode): void {
  for (const part of value.split(',')) {
    const p = part.trim();
    const kind = /^(shared|local|temp)\b/.exec(p)?.[1];
    if (!kind) continue;
    const cap = kind[0].toUpperCase() + kind.slice(1);
    for (const m of p.matchAll(/(hit|read|dirtied|written)=(\d+)/g)) {
      const what = m[1][0].toUpperCase() + m[1].slice(1);
      node[`${cap} ${what} Blocks`] = Number(m[2]);
    }
  }
}

/** Split "a, f(b, c), d" at top-level commas. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let d = 0;
  let quote = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'") quote = !quote;
    if (!quote) {
      if (ch === '(') d++;
      else if (ch === ')') d--;
      else if (ch === ',' && d === 0) {
        out.push(cur.trim());
        cur = '';
        continue;
      }
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
