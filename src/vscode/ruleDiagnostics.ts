/**
 * Query rules on open documents: a DiagnosticCollection ('pg-lens-rules') refreshed as documents
 * open and change (debounced), with catalog/plan evidence when a connection is active.
 */
import * as vscode from 'vscode';
import type { EvidenceSource } from '../core/scan';
import type { PgLensContext } from './main';
import { registerFindingActions, toDiagnostics } from './findingActions';

const DEBOUNCE_MS = 400;
const LANGUAGES = new Set(['sql', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java', 'ruby']);

/** Rule ids this module shows live (the workspace scan leaves them to it for open documents). */
export let liveRuleIds: ReadonlySet<string> = new Set();

export function registerRuleDiagnostics(ctx: PgLensContext): void {
  const collection = vscode.languages.createDiagnosticCollection('pg-lens-rules');
  const timers = new Map<string, NodeJS.Timeout>();
  let evidence: { key: unknown; source: EvidenceSource } | undefined;

  const evidenceFor = async (): Promise<EvidenceSource | undefined> => {
    const conn = ctx.connections.current;
    if (!conn || conn.db.isClosed) return undefined;
    if (evidence?.key !== conn.db) {
      const { DbEvidence } = await import('../db/ruleEvidence');
      evidence = { key: conn.db, source: new DbEvidence(conn.db, { log: (m) => ctx.log.warn(m) }) };
    }
    return evidence.source;
  };

  const update = async (doc: vscode.TextDocument) => {
    if (!LANGUAGES.has(doc.languageId) || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) return;
    const version = doc.version;
    try {
      const [{ analyzeFile, rulesAnalyzer }, { RULES }] = await Promise.all([import('../core/scan'), import('../core/rules/index')]);
      liveRuleIds = new Set(RULES.map((r) => r.id));
      const sites = await ctx.sites.sitesFor(doc);
      let source: EvidenceSource | undefined;
      try {
        source = await evidenceFor();
      } catch (e) {
        ctx.log.warn(`Rules without database evidence: ${(e as Error).message}`);
      }
      const r = await analyzeFile(
        { path: doc.uri.fsPath, text: doc.getText(), languageId: doc.languageId },
        { analyzers: [rulesAnalyzer({ evidence: source, onRuleError: (id, e) => ctx.log.warn(`rule ${id}: ${String((e as Error)?.message ?? e)}`) })], severity: ctx.config.rulesSeverity, extract: async () => sites },
      );
      if (doc.isClosed || doc.version !== version) return;
      collection.set(doc.uri, toDiagnostics(r.findings, (o) => doc.positionAt(o)));
    } catch (e) {
      ctx.log.warn(`Rules failed on ${doc.uri.fsPath}: ${(e as Error).message}`);
    }
  };

  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      void update(doc);
    }, DEBOUNCE_MS));
  };
  const refreshAll = () => vscode.workspace.textDocuments.forEach(schedule);

  registerFindingActions(ctx.extension);
  ctx.extension.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      clearTimeout(timers.get(d.uri.toString()));
      collection.delete(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgLens.rules')) refreshAll();
    }),
    ctx.connections.onDidChange(() => {
      evidence = undefined;
      refreshAll();
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  refreshAll();
}
