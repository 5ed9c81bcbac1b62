/**
 * "What is this statement, and where does my code run it?": a statement from the dashboard's Top
 * statements (or the cost CodeLens) with its figures and its call sites in the workspace, matched
 * the way the cost CodeLens matches (query identifier aside: fingerprint, then normalised text).
 * Picking a call site opens the file there; picking the statement opens its text.
 */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { loadEngine } from './loadEngine';
import { lineStarts, positionAt } from '../core/findings';
import { callLinesOf } from '../core/advice/workload';

export interface StatementDetails {
  sql: string;
  /** One line of figures, e.g. "12 ms total · 0.4 ms mean · 30 calls · 30 rows". */
  figures?: string;
}

interface CallSite {
  file: string;
  offset: number;
  line: number;
  /** The line its SQL starts on. */
  sqlLine: number;
  /** The lines of the call its SQL is passed to, when known: a recording names the call by its line (the workload benchmark's feed). */
  callLines?: { from: number; to: number };
  text: string;
}

/** Every statement of the code in the workspace folders, with its place: the one walk of the workspace (workspaceInputs) through the one pipeline (scanFiles). */
export async function workspaceStatements(ctx: PgLensContext, isCancelled: () => boolean = () => false): Promise<(CallSite & { sql: string })[]> {
  const [{ scanFiles }, { workspaceInputs }] = await Promise.all([loadEngine(), import('./scanWorkspace')]);
  const out: (CallSite & { sql: string })[] = [];
  await scanFiles(workspaceInputs(ctx, vscode.workspace.workspaceFolders ?? []), {
    analyzers: [
      {
        id: 'call-sites',
        rules: [],
        analyze({ file, text, sites }) {
          // Line numbers from the file's line starts, computed once (every site of the workspace is read here now, not the
          // matching few: splitting the text per site was quadratic in a file's size).
          const starts = lineStarts(text);
          for (const site of sites) {
            const offset = site.callSpan?.start ?? site.span.start;
            const line = positionAt(starts, offset).line + 1;
            const sqlLine = positionAt(starts, site.span.start).line + 1;
            const callLines = callLinesOf(site, (at) => positionAt(starts, at).line + 1);
            out.push({ file, offset, line, sqlLine, ...(callLines ? { callLines } : {}), text: text.slice(starts[line - 1], starts[line] ?? text.length).trim(), sql: site.sql });
          }
          return [];
        },
      },
    ],
    isCancelled,
    keepText: false,
  });
  return out;
}

/** Every place in the workspace folders whose SQL is this statement. */
async function findCallSites(ctx: PgLensContext, sql: string, token: vscode.CancellationToken): Promise<CallSite[]> {
  const [{ CostIndex }, { loadPgParser }] = await Promise.all([import('../core/cost'), import('../core/sql/statement')]);
  await loadPgParser();
  // One statement, matched like the cost CodeLens matches a site to pg_stat_statements.
  const index = new CostIndex([{ queryid: 'wanted', query: sql, calls: 1, rows: 0, totalMs: 0, meanMs: 0 }]);
  return (await workspaceStatements(ctx, () => token.isCancellationRequested)).filter((site) => index.find(site.sql));
}

/** Call sites the recording (PG Lens: Start Recording) saw sending this statement: ORM calls hold no SQL text. */
async function recordedCallSites(sql: string): Promise<import('./captureRecording').RecordedSiteRef[]> {
  const [{ recordedSitesOf }, { CostIndex }, { loadPgParser }] = await Promise.all([import('./captureRecording'), import('../core/cost'), import('../core/sql/statement')]);
  await loadPgParser();
  const index = new CostIndex([{ queryid: 'wanted', query: sql, calls: 1, rows: 0, totalMs: 0, meanMs: 0 }]);
  return recordedSitesOf((recorded) => !!index.find(recorded));
}

export async function showStatementDetails(ctx: PgLensContext, s: StatementDetails): Promise<void> {
  const recorded = await recordedCallSites(s.sql).catch(() => []);
  const sites = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PG Lens: finding where the code runs this statement…', cancellable: true },
    (_p, token) => findCallSites(ctx, s.sql, token),
  );
  const oneLine = s.sql.replace(/\s+/g, ' ').trim();
  type Item = vscode.QuickPickItem & { site?: CallSite; recorded?: { file: string; line: number; col: number }; openSql?: boolean };
  const items: Item[] = [
    { label: '$(database) Open the statement', description: s.figures, detail: oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine, openSql: true },
    { label: `Call sites in the workspace (${sites.length})`, kind: vscode.QuickPickItemKind.Separator },
    ...sites.map((c) => ({ label: `$(file-code) ${vscode.workspace.asRelativePath(c.file)}:${c.line}`, detail: c.text, site: c })),
  ];
  if (recorded.length) {
    items.push(
      { label: `Recorded call sites (${recorded.length})`, kind: vscode.QuickPickItemKind.Separator },
      ...recorded.map((r) => ({ label: `$(record) ${vscode.workspace.asRelativePath(r.file)}:${r.line}`, description: `${r.calls}× recorded${r.via ? ` · via ${r.via}` : ''}`, recorded: r })),
    );
  }
  if (!sites.length && !recorded.length) items.push({ label: 'No call site found in the workspace', description: 'the statement may come from another application, a library or dynamic SQL' });
  const pick = await vscode.window.showQuickPick(items, { title: `PG Lens: ${oneLine.slice(0, 80)}${oneLine.length > 80 ? '…' : ''}`, matchOnDetail: true });
  if (!pick) return;
  if (pick.openSql) {
    // Read-only: the statement as pg_stat_statements keeps it, with its lens and hovers; closing asks nothing.
    const { showReadOnly, statementTitle } = await import('./reportDocument');
    await showReadOnly(ctx.extension, `${statementTitle(s.sql)}.sql`, s.sql, { distinct: true });
  } else if (pick.recorded) {
    const pos = new vscode.Position(pick.recorded.line - 1, Math.max(0, pick.recorded.col - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(pick.recorded.file), { selection: new vscode.Range(pos, pos), preview: true });
  } else if (pick.site) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(pick.site.file));
    const pos = doc.positionAt(pick.site.offset);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  }
}
