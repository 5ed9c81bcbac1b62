/**
 * Does a recorded N+1's loop run over the rows of the query sent before it (the "parent" the recording names: "The rows
 * the loop runs over come from this query")? The recording only knows the order of the statements; the code says where
 * the query's result goes. person47 L4: a load generator's `SELECT max(id) AS n FROM ${table}` (one row, reduced to a
 * number in a helper) was named the source of the rows of a loop that runs a counter. The code is read from its syntax
 * tree through the language registry (core/nplusone/loopAt: the loop around the N+1, what it iterates or counts to; the
 * names the query's result is bound to), in every language the registry parses; the SQL says when it returns one row.
 */
import { pgParseTree } from '../sql/statement';
import { AGGREGATE_FUNCTIONS } from '../sql/predicates';
import { lineStarts } from '../findings';
import { languageOf } from '../languages/registry';
import { syntaxAt, type Span, type SyntaxAt } from '../nplusone/loopAt';
import { treeSitterConfigured, withSourceTree } from '../syntax/treeSitter';

/**
 * `rows`: the loop iterates the query's result (or nothing says otherwise); `counter`: the loop counts to a number the
 * query gave (`name`); `none`: the query does not feed the loop's rows.
 */
export type LoopRows = { kind: 'rows' } | { kind: 'counter'; name: string } | { kind: 'none' };

/** A SELECT that returns at most one row: built-in aggregates only (AGGREGATE_FUNCTIONS) without GROUP BY, or LIMIT 1. Undefined: cannot read it. */
export function atMostOneRow(sql: string): boolean | undefined {
  const tree = pgParseTree(sql);
  const stmt = tree?.stmts?.length === 1 ? tree.stmts[0].stmt : undefined;
  const sel = stmt?.SelectStmt;
  if (!sel) return undefined;
  if (sel.op && sel.op !== 'SETOP_NONE') return false;
  const limit = sel.limitCount?.A_Const;
  if (limit && Number(limit.ival?.ival ?? limit.ival) === 1) return true;
  if (sel.groupClause?.length || sel.havingClause) return false;
  const targets: any[] = sel.targetList ?? [];
  return targets.length > 0 && targets.every((t) => {
    const f = t.ResTarget?.val?.FuncCall;
    const name = f?.funcname?.map((n: any) => n.String?.sval ?? n.String?.str).pop();
    return f && !f.over && AGGREGATE_FUNCTIONS.has(String(name).toLowerCase());
  });
}

/** A recorded call site: file, 1-based line and column. */
interface Site {
  file: string;
  line: number;
  col: number;
}

/** What the syntax says at a recorded call site (RecordedSyntax.at); undefined: not read (no parsed source for it). */
export type SyntaxOfSite = (site: Site) => SyntaxAt | undefined;

/**
 * The syntax at the recorded call sites, read once per file text: one tree-sitter parse per file (core/syntax's
 * SourceTree, freed once read), kept as plain data for the summaries that follow. Grammars load asynchronously, so a
 * summary reads only what is known (at), and what it asked for and found unknown is read next (read): the files of the
 * N+1s and of the queries before them, not every recorded file.
 */
export class RecordedSyntax {
  private readonly files = new Map<string, { text: string; at: Map<string, SyntaxAt> }>();
  /** Sites a summary asked about that are not read yet, and sites whose file could not be read or parsed (not asked again). */
  private readonly wanted = new Map<string, Site>();
  private readonly failed = new Set<string>();

  readonly at: SyntaxOfSite = (site) => {
    const known = this.files.get(site.file)?.at.get(`${site.line}:${site.col}`);
    const key = `${site.file}:${site.line}:${site.col}`;
    if (!known && !this.failed.has(key) && languageOf(site.file)) this.wanted.set(key, { file: site.file, line: site.line, col: site.col });
    return known;
  };

  /**
   * Read the sites asked about and not known (and `sites`, when given), one parse per file: `text` gives a file's text
   * (a throw or undefined: not read, not asked again). True when something new was read — a summary may then answer
   * otherwise. Files of languages the registry does not parse are skipped.
   */
  async read(text: (file: string) => string | undefined, sites: Iterable<Site> = []): Promise<boolean> {
    for (const s of sites) if (languageOf(s.file)) this.wanted.set(`${s.file}:${s.line}:${s.col}`, s);
    if (!treeSitterConfigured() || !this.wanted.size) return false;
    const byFile = new Map<string, Site[]>();
    for (const s of this.wanted.values()) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
    this.wanted.clear();
    let changed = false;
    for (const [file, list] of byFile) {
      const lang = languageOf(file)!;
      const fail = () => list.forEach((s) => this.failed.add(`${file}:${s.line}:${s.col}`));
      let t: string | undefined;
      try {
        t = text(file);
      } catch {
        t = undefined;
      }
      if (t === undefined) {
        fail();
        continue;
      }
      const known = this.files.get(file);
      const at = known?.text === t ? known.at : new Map<string, SyntaxAt>();
      const todo = list.filter((s) => !at.has(`${s.line}:${s.col}`));
      if (!todo.length) continue;
      const starts = lineStarts(t);
      const parsed = await withSourceTree(t, lang, undefined, (tree) => {
        if (!tree) return false;
        for (const s of todo) {
          const line = starts[s.line - 1];
          if (line === undefined) continue;
          // The column, or the line's first character when it points at blanks (no column known: 0).
          let offset = Math.min(line + Math.max(0, s.col - 1), t!.length);
          while (offset < t!.length && (t![offset] === ' ' || t![offset] === '\t')) offset++;
          at.set(`${s.line}:${s.col}`, syntaxAt(tree.rootNode, lang, offset));
        }
        return true;
      }).catch(() => false);
      if (!parsed) {
        fail();
        continue;
      }
      this.files.set(file, { text: t, at });
      changed = true;
    }
    return changed;
  }
}

const within = (inner: Span, outer: Span) => inner.start >= outer.start && inner.end <= outer.end;
const sameSpan = (x: Span | undefined, y: Span | undefined) => (!x && !y) || (!!x && !!y && x.start === y.start && x.end === y.end);

/**
 * Whether the query sent at `parent` (its statements' `sqls`) gives the rows of the loop around the N+1 at `site`. Only
 * a verdict the code or the SQL supports changes the answer from `rows` (the recording's order, as before): the result
 * bound to names the loop does not read, a loop that counts to a number it gave, or one row (an aggregate, `.rows[0]`)
 * where nothing says the loop walks it.
 */
export function loopRowsFrom(parent: Site, sqls: readonly string[], site: Site, syntax: SyntaxOfSite | undefined): LoopRows {
  const call = syntax?.(parent)?.call;
  const loop = parent.file === site.file ? syntax?.(site)?.loop : undefined;
  if (call && loop) {
    const names = call.names ?? [];
    const mentions = (read: readonly string[]) => names.find((n) => read.includes(n));
    // The query called in the loop's header itself (`for (const p of await db.query(…))`).
    if (loop.iterable && within(call.span, loop.iterable)) return { kind: 'rows' };
    if (loop.bound && within(call.span, loop.bound)) return { kind: 'none' };
    // Its result bound before the loop, in the loop's own function: the loop reads it, or not.
    if (sameSpan(call.fn, loop.fn) && call.span.end <= loop.span.start) {
      const counted = loop.bound ? mentions(loop.bound.names) : undefined;
      // `i < rows.length`: a counter over the rows' indexes walks the rows (`n.times` counts: its iterable is its bound).
      if (counted && loop.iterable && within(loop.iterable, loop.bound!) && !sameSpan(loop.iterable, loop.bound) && mentions(loop.iterable.names)) return { kind: 'rows' };
      if (counted) return { kind: 'counter', name: counted };
      if (loop.counter) return { kind: 'none' };
      if (loop.iterable && mentions(loop.iterable.names)) return { kind: 'rows' };
      if (names.length) return { kind: 'none' };
    } else if (call.fn?.name && loop.feeds.includes(call.fn.name)) {
      // The query in a function of the file whose result the loop walks (`const orders = await recentOrders(db, limit)`).
      return { kind: 'rows' };
    }
  }
  const oneRow = (sqls.length > 0 && sqls.every((s) => atMostOneRow(s) === true)) || call?.oneRow === true;
  return oneRow ? { kind: 'none' } : { kind: 'rows' };
}
