/**
 * The index advisor as an analyzer: `pg-lens scan --db`, Scan Workspace and the editor's one
 * analysis pipeline report `missing-index` with the same proof (HypoPG, or a real index in a
 * rolled-back transaction on development profiles, else not verified) and the same decision
 * (indexDecision.ts): a statement's finding names the index the one decision chose for it, which may
 * be one index shared with other statements (the finding says which).
 *
 * Two ways to run: per file (the editor: each file's statements decided with the workspace's
 * statements that touch the same tables, `statements()`), or `deferred` (the CLI scan: every file's
 * statements are collected, then decided together once, and the findings come at the end).
 */
import type { Analyzer } from '../core/scan';
import type { Finding } from '../core/findings';
import type { SqlSite } from '../core/extract/types';
import { OTHER_RULES } from '../core/rules/others';
import { MISSING_INDEX_RULE, missingIndexFinding } from '../core/advice/missingIndex';
import { foundStatementsOf, notWorkload, type FoundStatement, type IndexDecision, type StatementDecision } from '../core/advice/workload';
import { codeContextOf } from '../core/codeContext';
import { loadPgParser } from '../core/sql/statement';
import { sameShownAdvice } from '../core/advice/missingIndex';
import { spaced } from '../core/format';
import type { AdviceResult, IndexSuggestion } from './advisor';
import { describeError } from './errors';
import { schemaVersionOnce } from './schemaVersion';
import { decisionStatements, type DecisionInput, type IndexDecider } from './indexDecision';

/** A statement's advice under the decision: its own status, the decided suggestions, and whom they also serve. */
export interface DecidedAdvice extends Pick<AdviceResult, 'status' | 'message' | 'costBefore' | 'considered' | 'tried' | 'proofNote' | 'notTried' | 'servedBy' | 'servedUnused'> {
  suggestions: IndexSuggestion[];
  alsoServes: StatementDecision['alsoServes'];
  /** Per shared DDL, the statement's own suggestion it stands for (StatementDecision.ownInstead). */
  ownInstead?: Record<string, IndexSuggestion>;
  /**
   * Proved indexes the decision withheld for their write cost (StatementDecision.withheld): said on the line, with why and
   * the figures, never dropped silently (issue 20, person47 H1). Not suggestions: no surface offers them as the answer.
   */
  withheld?: { ddl: string; why: string; suggestion: IndexSuggestion }[];
  /** Suggested indexes offered though their writes cost a share of the saving (StatementDecision.writes): said where offered. */
  writes?: Record<string, { note: string; short: string }>;
  /**
   * The SQL texts of the other statements the decision shares its suggested indexes with: advice kept while typing that
   * shares one with a statement edited away since is not shown as it was (MissingIndexAnalyzerOptions.weighedOf).
   */
  sharedWith?: string[];
}

export interface MissingIndexAnalyzerOptions {
  minConfidence?: number;
  /**
   * The last decided advice per SQL text (the editor keeps one per connection): written on every run, and
   * the only source while the user is typing (AnalyzerInput.editing), so no EXPLAIN runs per keystroke
   * and the findings still follow the edits.
   */
  advice?: Map<string, DecidedAdvice>;
  /** Offer "Create index now" (the editor, on a development profile). */
  createNow?: boolean;
  /** The other statements to decide with (the workspace's SQL and pg_stat_statements'); default: pg_stat_statements' only. */
  statements?: () => Promise<DecisionInput[]>;
  /**
   * The analysed file's statements as they are now (named `place(file):line`), told before its decision: `statements` must
   * weigh them from then on, in every file's decision (db/indexDecision WorkspaceStatements.setFile). A statement's shared
   * index must not depend on which file's analysis decided it (person25 MEDIUM-3: a file the workspace reading had not
   * seen weighed only in its own decision).
   */
  sawFile?: (file: string, found: FoundStatement[]) => void;
  /** How a file is named in the statements' places (the editor: relative to the workspace); default: as given. */
  place?: (file: string) => string;
  /**
   * Statements that are not the app's workload (core/advice/workload notWorkload: a one-off script's, a test's, a seed's;
   * DDL; another database's text) get no index advice: the editor's decisions weigh only the workload (mergeStatements),
   * so an index of their own would be one no other statement's decision knows of. The CLI scan (`deferred`) takes it too:
   * its one decision weighs the same workload as the editor's (person39 M2: scripts/nightly_report.py's read made
   * `pg-lens scan --db` advise orders (status) INCLUDE (id, total_cents, placed_at) for the app's status statements, which
   * the editor advised orders (status) for — the INCLUDE only the script gained from). A migration the context policy
   * keeps (`--context migration=keep`, AnalyzerInput.planned) is judged as request code.
   */
  workloadOnly?: boolean;
  /**
   * A DELETE or UPDATE that has not recurred (its calls in pg_stat_statements, core/plan oneOffWrite) gets no missing-index
   * finding: the plan viewer's tips judge it "not worth it for a one-off statement", and the hover must not offer "Create
   * index now" for it (person40 M1); nor `pg-lens scan` (its deferred decision: one EXPLAIN more per such write, for its
   * query id). While typing (AnalyzerInput.editing) the last judgement is kept. Default true (false: a test's control).
   */
  oneOffWrites?: boolean;
  /** Collect every file's statements and decide once at the end (the CLI scan). */
  deferred?: boolean;
  /** Statements no longer the workspace's (their file deleted since they were merged): a decision under way leaves them out. */
  gone?: (sql: string) => boolean;
  /**
   * Whether a file's automatic decision may build real trial indexes (no HypoPG), as that file's settings say (the
   * editor: pgLens.index.trialBuilds of the file's own folder in a multi-root window, person38 L7); undefined: the
   * decider's own option.
   */
  realIndexes?: (file: string) => boolean | undefined;
  /**
   * The file's statements as the decisions weigh them now (what `sawFile` was last told of it). While typing, the kept
   * advice of a statement that shares an index with one of them no longer in the text (edited away) was decided with it:
   * the file is decided again at once, without it (issue 20, person49 L-3: after `LIMIT 50` was added to
   * src/orders.ts:70 and undone, its quick fix offered the index shared with the LIMIT 50 version for ~20 s).
   */
  weighedOf?: (file: string) => readonly { sql: string }[] | undefined;
  /** Every decision made (the editor updates the other statements' advice from it). */
  onDecision?: (d: IndexDecision<IndexSuggestion>) => void;
  log?: (line: string) => void;
}

/** Per decider (one per connection), the statement texts last judged one-off writes (oneOffWrites), for while typing. */
const oneOffJudged = new WeakMap<IndexDecider, Set<string>>();

/**
 * The findings less those of DELETEs and UPDATEs that have not recurred: the decider's one judgement (IndexDecider
 * oneOffWrite, the one its decisions weigh apart). Only a statement with a finding is judged. While typing no query runs: a
 * text judged before keeps its judgement, a new one is shown.
 */
async function withoutOneOffWrites(decider: IndexDecider, findings: Finding[], items: { site: SqlSite; file?: string }[], editing: boolean, log?: (line: string) => void): Promise<Finding[]> {
  if (!findings.length) return findings;
  let judged = oneOffJudged.get(decider);
  if (!judged) oneOffJudged.set(decider, (judged = new Set()));
  // The site in the finding's own file (a deferred scan's findings come from every file).
  const siteOf = (f: Finding) => items.find((x) => (x.file === undefined || f.file === undefined || x.file === f.file) && f.span.start >= x.site.span.start && f.span.start <= x.site.span.end)?.site;
  const out: Finding[] = [];
  const version = schemaVersionOnce(decider.db); // one catalog reading for this run's lookups
  for (const f of findings) {
    const sql = siteOf(f)?.sql;
    if (sql === undefined) {
      out.push(f);
      continue;
    }
    if (!editing) {
      let oneOff = false;
      try {
        oneOff = !!(await decider.oneOffWrite({ sql }, { log, version }));
      } catch (e) {
        // The connection closed under it (IndexDecider.oneOffWrite logs any other failure): not judged, the finding shown.
        log?.(`Whether a statement is a one-off write was not read: ${describeError(e)}`);
      }
      if (oneOff) judged.add(sql);
      else judged.delete(sql);
    }
    if (!judged.has(sql)) out.push(f);
  }
  return out;
}

export function missingIndexAnalyzer(decider: IndexDecider, opts: MissingIndexAnalyzerOptions = {}): Analyzer {
  const { minConfidence = 0.5, advice: known, createNow, log } = opts;
  const others = opts.statements ?? (async () => (await decisionStatements(decider.db, [])).statements);
  const collected: { site: SqlSite; file: string }[] = [];

  const findingsOf = (items: { site: SqlSite; file: string }[], decision: IndexDecision<IndexSuggestion> | undefined): Finding[] => {
    const out: Finding[] = [];
    for (const { site, file } of items) {
      const advice = decision ? decided(decider, site.sql, decision) : known?.get(site.sql);
      if (!advice) continue;
      if (decision) {
        known?.set(site.sql, advice);
        if (advice.status === 'error' || advice.status === 'missing-table' || advice.status === 'unparsed') log?.(`${file}: index advice at offset ${site.span.start}: ${advice.message}`);
      }
      const f = missingIndexFinding(site, advice, { createNow, alsoServes: advice.alsoServes, ownInstead: advice.ownInstead, withheld: advice.withheld });
      if (f) out.push({ ...f, file: f.file ?? file });
    }
    return out;
  };

  return {
    id: MISSING_INDEX_RULE,
    rules: OTHER_RULES.filter((r) => r.id === MISSING_INDEX_RULE),
    async analyze({ sites, file, contextPath, text, editing: typing, isCancelled, planned }) {
      // A migration's statements get no index advice (AnalyzerInput.planned): it has run, or runs once.
      if (planned === false) return [];
      const read = sites.filter((s) => s.confidence >= minConfidence).map((site) => ({ site, file }));
      // Named (statements' places) by `place`; judged by its path in the app, AnalyzerInput.contextPath (analyzeFile always
      // gives it; else the file as given, as every analyzer takes it): an absolute path's parent folders (a clone under
      // ~/tools/ or ~/tests/) would make every file a script's or a test's, with no index advice.
      const place = opts.place?.(file) ?? file;
      const context = codeContextOf(contextPath ?? file, text);
      // While typing the kept advice is shown, unless it shares an index with a statement edited away: decided again now.
      const editing = typing && !sharesWithEditedAway(read.map((x) => x.site.sql), opts.weighedOf?.(file), known);
      if (!editing && !opts.deferred) opts.sawFile?.(file, foundStatementsOf(read.map((x) => x.site), text, place, context));
      // Not the app's workload (workloadOnly): no index advice of its own. The editor's decisions leave it out of the
      // statements they weigh (mergeStatements), so an index of its own would be one no other statement's decision knows of
      // — person36 M2: scripts/adhoc.sql's DELETE kept reviews (rating, created_at) beside inventory.py's reviews (rating,
      // created_at DESC), which serves both.
      if (opts.workloadOnly) await loadPgParser();
      const judged = context === 'migration' && planned === true ? 'request' : context;
      const mine = opts.workloadOnly ? read.filter((x) => !notWorkload({ sql: x.site.sql, source: place, context: judged, ...(x.site.dynamic ? { dynamic: true } : {}) })) : read;
      if (opts.deferred) {
        collected.push(...mine);
        return [];
      }
      // A DELETE or UPDATE that has not recurred: decided with the others (it is the workspace's statement), not shown.
      const shown = (found: Finding[]) => (opts.oneOffWrites !== false ? withoutOneOffWrites(decider, found, mine, !!editing, log) : found);
      if (editing || !mine.length) return shown(findingsOf(mine, undefined));
      try {
        // Automatic, not asked for: a file's own trialBuilds setting lets it build, within the trial budget.
        const real = opts.realIndexes?.(file);
        const decision = await decider.decide(await others(), { focus: mine.map((x) => x.site.sql), isCancelled, gone: opts.gone, ...(real === undefined ? {} : { realIndexes: real, askedFor: false }) });
        opts.onDecision?.(decision);
        return await shown(findingsOf(mine, decision));
      } catch (e) {
        // A statement the advisor could not look at never stops the scan; it is only logged.
        log?.(`${file}: index advice skipped: ${describeError(e)}`);
        return [];
      }
    },
    async finish() {
      if (!opts.deferred || !collected.length) return [];
      const files = collected.map(({ site, file }) => ({ sql: site.sql, source: file }));
      const all = opts.statements ? await opts.statements() : (await decisionStatements(decider.db, files)).statements;
      const decision = await decider.decide([...all, ...files.map((f) => ({ sql: f.sql, label: f.source }))]);
      opts.onDecision?.(decision);
      // The editor's judgement of a DELETE or UPDATE that has not recurred, on the same calls (person40: the CLI flagged a
      // one-off DELETE the editor did not).
      const found = findingsOf(collected, decision);
      return opts.oneOffWrites !== false ? withoutOneOffWrites(decider, found, collected, false, log) : found;
    },
  };
}

/**
 * The decision's advice kept for every statement it names that `skip` leaves out (the analysed file's own: findingsOf keeps
 * those): the SQL texts whose shown advice changed. Their files are analysed again — open or closed: a closed file's Scan
 * Workspace finding kept the index its own decision named after another file's decision chose one index for both
 * (person36 M2: other/adhoc.sql's DELETE said reviews (rating, created_at), inventory.py's read reviews (rating,
 * created_at DESC), which serves both).
 */
export function keepDecision(decider: IndexDecider, advice: Map<string, DecidedAdvice>, d: IndexDecision<IndexSuggestion>, skip: (sql: string) => boolean): Set<string> {
  const changed = new Set<string>();
  for (const sql of d.byStatement.keys()) {
    if (skip(sql)) continue;
    const before = advice.get(sql);
    const now = decided(decider, sql, d);
    if (!now) continue;
    if (before && sameShownAdvice(before, now)) continue;
    advice.set(sql, now);
    if (before) changed.add(sql);
  }
  return changed;
}

/**
 * Whether the kept advice of any of these statements (the file's text now) shares an index with a statement the decisions
 * still weigh for the file (`weighed`) that is no longer in its text: an edit took it away, the kept advice was decided
 * with it.
 */
function sharesWithEditedAway(now: readonly string[], weighed: readonly { sql: string }[] | undefined, known: ReadonlyMap<string, DecidedAdvice> | undefined): boolean {
  if (!weighed?.length || !known) return false;
  const here = new Set(now.map(spaced));
  const away = new Set(weighed.map((w) => spaced(w.sql)).filter((sql) => !here.has(sql)));
  return away.size > 0 && now.some((sql) => known.get(sql)?.sharedWith?.some((other) => away.has(spaced(other))));
}

/** A statement's advice under the decision (its own status when it has no suggestion). */
export function decided(decider: IndexDecider, sql: string, decision: IndexDecision<IndexSuggestion>): DecidedAdvice | undefined {
  const own = decider.advice.get(sql);
  if (!own) return undefined;
  const d = decision.byStatement.get(sql);
  const ddls = new Set(d?.suggestions.map((s) => s.ddl) ?? []);
  const sharedWith = [...new Set(decision.indexes.filter((ix) => ddls.has(ix.ddl)).flatMap((ix) => ix.statements.map((x) => x.key)).filter((key) => key !== sql))];
  return { ...(sharedWith.length ? { sharedWith } : {}), status: own.status, message: own.message, costBefore: own.costBefore, considered: own.considered, tried: own.tried, proofNote: own.proofNote, ...(own.notTried ? { notTried: own.notTried } : {}), ...(own.servedBy ? { servedBy: own.servedBy } : {}), ...(own.servedUnused ? { servedUnused: own.servedUnused } : {}), suggestions: d?.suggestions ?? (own.status === 'ok' ? [] : own.suggestions), alsoServes: d?.alsoServes ?? {}, ...(d?.ownInstead ? { ownInstead: d.ownInstead as Record<string, IndexSuggestion> } : {}), ...(d?.withheld.length ? { withheld: d.withheld } : {}), ...(d?.writes ? { writes: d.writes } : {}) };
}
