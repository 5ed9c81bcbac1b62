/**
 * The editor's work on open documents, driven without VS Code (issue 20): the code the extension host runs for them
 * (vscode/analysis.ts: analyzeFile with codeAnalyzers and the index advisor's analyzer; vscode/indexAdvice.ts:
 * missingIndexAnalyzer over WorkspaceStatements, one decider per connection; vscode/costLens.ts: QueryIdsByShape;
 * vscode/plans: the hover's Planner). Used by the db tests that count what it costs the server (EXPLAINs, trial builds).
 */
import type { Database } from '../../../src/db/database';
import type { TrialProofs } from '../../../src/db/trialProofs';
import type { TrialBudget } from '../../../src/db/hypo';
import { DbEvidence } from '../../../src/db/ruleEvidence';
import { QueryIdsByShape } from '../../../src/db/queryStats';
import { extractSqlSites } from '../../../src/core/extract/index';
import { analyzeFile } from '../../../src/core/scan';
import { codeAnalyzers } from '../../../src/core/analyzers';
import { foundStatementsOf } from '../../../src/core/advice/workload';
import { codeContextOf } from '../../../src/core/codeContext';
import { IndexDecider, WorkspaceStatements, literalCopyIds, topStatements } from '../../../src/db/indexDecision';
import { keepDecision, missingIndexAnalyzer, type DecidedAdvice } from '../../../src/db/missingIndexAnalyzer';
import { perParentSource } from '../../../src/db/perParent';
import { Planner } from '../../../src/db/planner';

/** The server's capabilities (NO_HYPOPG with the server's version, or the server's own). */
export type ServerCaps = { versionNum: number; hypopg: 'ready' | 'available' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' };

/** The editor's state per connection: what vscode/analysis.ts, indexAdvice.ts, costLens.ts and plans/ keep. */
export class EditorConnection {
  readonly evidence: DbEvidence;
  readonly decider: IndexDecider;
  readonly advice = new Map<string, DecidedAdvice>();
  readonly ids: QueryIdsByShape;
  readonly planner: Planner;
  readonly literalIds = new Map<string, string | undefined>();

  /**
   * `trialProofs`, `trialBudget`: the ones of the server and role by default (advisor.ts), as in the extension host; a test
   * counting builds across connections passes a store of its own (the default one is shared with the file's other tests).
   */
  constructor(readonly db: Database, readonly ws: WorkspaceStatements, opts: { info: ServerCaps; realIndexes: boolean; trialProofs?: TrialProofs; trialBudget?: TrialBudget; log?: (line: string) => void }) {
    this.evidence = new DbEvidence(db);
    this.decider = new IndexDecider(db, { info: opts.info, realIndexes: opts.realIndexes, trialProofs: opts.trialProofs, trialBudget: opts.trialBudget, log: opts.log });
    this.ids = new QueryIdsByShape(db);
    this.planner = new Planner(db, `test ${db.profile.name}`);
  }

  /** indexAdvice.ts statements(): pg_stat_statements' busiest, the literal copies' query ids, the workspace's statements merged. */
  async statements() {
    const top = await topStatements(this.db);
    if (await literalCopyIds(this.db, top.statements, this.ws.found(), this.literalIds)) this.ws.touch();
    return this.ws.statements(top.statements, () => [], (sql) => this.literalIds.get(sql));
  }

  /**
   * A full run of an open document (analysis.ts refreshNow, editing false): every analyzer, the index decision with the
   * workspace. The decision's advice of the other files' statements is kept (indexAdvice.ts applyDecision); `changedFiles`:
   * the other files whose shown advice it changed, which the editor analyses again (refreshChanged: open or closed).
   */
  async fullRun(file: { path: string; text: string }) {
    let changed = new Set<string>();
    const advisor = missingIndexAnalyzer(this.decider, {
      advice: this.advice,
      workloadOnly: true,
      statements: () => this.statements(),
      sawFile: (f, found) => this.ws.setFile(f, found),
      onDecision: (d) => (changed = keepDecision(this.decider, this.advice, d, (sql) => sitesOf.has(sql))),
    });
    const sitesOf = new Set((await extractSqlSites(file.text, file.path, file.path)).map((s) => s.sql));
    const r = await analyzeFile({ path: file.path, text: file.text }, { analyzers: [...codeAnalyzers({ evidence: this.evidence, perParent: { source: perParentSource(this.db), threshold: 10 } }), advisor] });
    this.changedFiles = this.ws.filesHolding(changed).filter((f) => f !== file.path);
    return r;
  }

  /** The files whose advice the last fullRun's decision changed (other than its own). */
  changedFiles: string[] = [];

  /** A closed file analysed again with the advice kept (analysis.ts rescanClosed, editing: no decision made), as the scan shows it. */
  async recheckClosed(file: { path: string; text: string }) {
    const advisor = missingIndexAnalyzer(this.decider, { advice: this.advice, workloadOnly: true, statements: () => this.statements() });
    return analyzeFile({ path: file.path, text: file.text, editing: true }, { analyzers: [...codeAnalyzers({ evidence: this.evidence, perParent: { source: perParentSource(this.db), threshold: 10 } }), advisor] });
  }

  /** The cost CodeLens's query identifiers of a file's statements (costLens.ts). */
  async lens(file: { path: string; text: string }) {
    for (const s of await extractSqlSites(file.text, file.path, file.path)) await this.ids.of(s.sql);
  }

  /** The hover's background planning of the statements on screen (plans/index.ts planVisible: at most 50 per trigger). */
  async hoverPrefetch(file: { path: string; text: string }, visible = 40) {
    const sites = (await extractSqlSites(file.text, file.path, file.path)).slice(0, visible);
    for (const s of await this.planner.prefetchable(sites.map((x) => x.sql).filter((sql) => !this.planner.cached(sql)))) await this.planner.plan(s);
  }
}

/** The workspace's statements as indexAdvice.ts reads them (workspaceStatements: every file, extracted). */
export async function readWorkspace(files: readonly { path: string; text: string }[]): Promise<WorkspaceStatements> {
  const ws = new WorkspaceStatements();
  for (const f of files) ws.setFile(f.path, foundStatementsOf(await extractSqlSites(f.text, f.path, f.path), f.text, f.path, codeContextOf(f.path, f.text)));
  return ws;
}

