/**
 * The plan viewer panel: one webview (pgLens.plan), strict CSP with a nonce, local resources from
 * media/ only, typed messages held until the webview says ready, every incoming message validated.
 * Restored after a reload by a WebviewPanelSerializer from the state the webview saved.
 */
import * as vscode from 'vscode';
import { parseFromPlanWebview, parseToPlanWebview, type FromPlanWebview, type PlanPayload, type ToPlanWebview } from '../../shared/planProtocol';
import { webviewHtml } from '../webviewHtml';
import { errorMessage } from '../../core/safeText';
import { shortLine } from '../../core/format';
import type { SqlSite } from '../../core/extract/types';
import { ADVICE_PENDING } from '../../core/plan/warnings';
import { benchmarkRunningLine } from '../../core/plan/benchmark';

export const PLAN_VIEW_TYPE = 'pgLens.plan';
/** The custom editor of .plan / .explain files (package.json customEditors). */
export const PLAN_FILE_VIEW_TYPE = 'pgLens.planFile';

export type PlanPanelHandler = (m: Exclude<FromPlanWebview, { type: 'ready' }>, panel: PlanPanel) => void | Promise<void>;

/**
 * The statement a panel shows: its Explain Analyze / Benchmark / Suggest indexes / Show SQL act on it. `uri` is its
 * file; a statement the app sent, opened from a recorded hover or report, has none.
 */
export interface PanelStatement {
  site: SqlSite;
  uri?: vscode.Uri;
}

export class PlanPanel implements vscode.Disposable {
  private static current: PlanPanel | undefined;
  /** Every open panel of the commands (not the comparison, not a .plan file's): a benchmark finds its statement's among them. */
  private static readonly open = new Set<PlanPanel>();
  /** Compare Plans' tab: a panel of its own, so the plan (and a benchmark beside it) stays in its tab. */
  private static comparison: PlanPanel | undefined;
  private ready = false;
  private disposed = false;
  private queue: ToPlanWebview[] = [];
  private readonly subs: vscode.Disposable[] = [];
  /** The last message shown (for copy / re-run). */
  last: ToPlanWebview | undefined;
  /** A benchmark shown beside the plan in `last` (kept apart: Copy JSON / Copy text act on the plan). */
  private bench: ToPlanWebview | undefined;
  /** The statement shown (undefined: a plan brought from elsewhere, a recorded statement, a tab restored after a reload). */
  statement: PanelStatement | undefined;

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly handler: PlanPanelHandler) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = planHtml(panel.webview, extensionUri);
    this.subs.push(
      panel.webview.onDidReceiveMessage((raw) => {
        const m = parseFromPlanWebview(raw);
        if (!m) return; // not ours, or malformed: ignored
        if (m.type === 'ready') {
          // A webview hidden without retained context is re-created when shown again, and what was
          // posted meanwhile was lost: it says ready again and gets the last message anew.
          if (this.ready && !this.queue.length && this.last) this.queue.push(this.last, ...(this.bench ? [this.bench] : []));
          this.ready = true;
          const q = this.queue;
          this.queue = [];
          for (const x of q) void panel.webview.postMessage(x);
          return;
        }
        void Promise.resolve(this.handler(m, this)).catch((e) => void vscode.window.showErrorMessage(`PG Lens: ${errorMessage(e)}`));
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Told when a panel shows a plan whose tips wait for the index advice of its statement (PlanFeature follows the answer). */
  static onAdvicePending: (() => void) | undefined;

  /** The open panels whose plan's tips wait for the index advice of its statement (adviceAnswer ADVICE_PENDING). */
  static awaitingAdvice(): { panel: PlanPanel; adviceSql: string }[] {
    return [...PlanPanel.open].flatMap((p) => (!p.disposed && p.last?.type === 'show' && p.last.payload.adviceSql !== undefined && p.last.payload.adviceAnswer === ADVICE_PENDING ? [{ panel: p, adviceSql: p.last.payload.adviceSql }] : []));
  }

  /**
   * The index advice answered for the statement of the plan shown: its tips say the answer now, in place (the plan, its
   * view and the node chosen stay). Kept as the plan shown, so a webview re-created (hidden, then shown) or a tab restored
   * after a reload shows the answer too.
   */
  answerAdvice(advice: Pick<PlanPayload, 'provedIndexes' | 'adviceAnswer'>): void {
    if (this.last?.type !== 'show' || this.last.payload.adviceSql === undefined) return;
    const { provedIndexes: _proved, adviceAnswer: _answer, ...rest } = this.last.payload;
    const payload: PlanPayload = { ...rest, ...(advice.provedIndexes?.length ? { provedIndexes: advice.provedIndexes } : {}), ...(advice.adviceAnswer !== undefined ? { adviceAnswer: advice.adviceAnswer } : {}) };
    this.last = { type: 'show', payload };
    this.post({ type: 'advice', adviceSql: rest.adviceSql!, ...(payload.provedIndexes ? { provedIndexes: payload.provedIndexes } : {}), ...(payload.adviceAnswer !== undefined ? { adviceAnswer: payload.adviceAnswer } : {}) });
  }

  /** The open panel (revealed), or a new one. */
  /** `column`: the editor group to show it in (a recorded site's document's, so the two share one group beside the code). */
  static show(extensionUri: vscode.Uri, handler: PlanPanelHandler, column?: vscode.ViewColumn): PlanPanel {
    if (PlanPanel.current) {
      PlanPanel.current.panel.reveal(column, true);
      return PlanPanel.current;
    }
    return PlanPanel.create(extensionUri, handler, column ?? vscode.ViewColumn.Beside);
  }

  /**
   * The panel of this statement for a benchmark (person9: Benchmark Query from the palette on one statement put its
   * result into the open panel of another statement's plan, under that plan's title): the open panel that shows it
   * (revealed), else the plan panel when it shows nothing of another statement, else a new panel beside it, which
   * the next plan opens in.
   */
  static forStatement(extensionUri: vscode.Uri, handler: PlanPanelHandler, target: PanelStatement): PlanPanel {
    const mine = PlanPanel.ofStatement(target);
    if (mine) return mine;
    const cur = PlanPanel.current;
    if (cur && !cur.statement && cur.last?.type !== 'show' && cur.last?.type !== 'benchmark') return PlanPanel.show(extensionUri, handler);
    return PlanPanel.create(extensionUri, handler, cur?.panel.viewColumn ?? vscode.ViewColumn.Beside);
  }

  /** The open panel that shows this statement (revealed), if any: the current one first. */
  static ofStatement(target: PanelStatement): PlanPanel | undefined {
    const same = (p: PlanPanel | undefined) => p?.statement?.site.sql === target.site.sql && p.statement.uri?.toString() === target.uri?.toString();
    const mine = [PlanPanel.current, ...PlanPanel.open].find(same);
    mine?.panel.reveal(undefined, true);
    return mine;
  }

  private static create(extensionUri: vscode.Uri, handler: PlanPanelHandler, column: vscode.ViewColumn | undefined): PlanPanel {
    const panel = vscode.window.createWebviewPanel(PLAN_VIEW_TYPE, 'Plan', { viewColumn: column ?? vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] });
    PlanPanel.current = new PlanPanel(panel, extensionUri, handler);
    PlanPanel.open.add(PlanPanel.current);
    return PlanPanel.current;
  }

  /**
   * The comparison tab (revealed), or a new one beside the plan: Compare used to replace the plan panel's
   * content, and with it the benchmark result shown beside the plan.
   */
  static showComparison(extensionUri: vscode.Uri, handler: PlanPanelHandler): PlanPanel {
    if (PlanPanel.comparison) {
      PlanPanel.comparison.panel.reveal(undefined, false);
      return PlanPanel.comparison;
    }
    const column = PlanPanel.current?.panel.viewColumn ?? vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(PLAN_VIEW_TYPE, 'Plan comparison', { viewColumn: column, preserveFocus: false }, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] });
    PlanPanel.comparison = new PlanPanel(panel, extensionUri, handler);
    return PlanPanel.comparison;
  }

  /**
   * The viewer in a panel VS Code created (a custom editor of a .plan file): the same HTML, CSP and
   * validated messages, but not the singleton the commands reuse.
   */
  static attach(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, handler: PlanPanelHandler): PlanPanel {
    const p = new PlanPanel(panel, extensionUri, handler);
    PlanPanel.attached.add(p);
    return p;
  }
  /** The .plan files' viewers (for Compare Plans: a plan open in one is a plan to compare). */
  private static readonly attached = new Set<PlanPanel>();

  /** The plans the open tabs show (a tab restored after a reload, a .plan file), for Compare Plans. */
  static shownPlans(): PlanPayload[] {
    return [PlanPanel.current, ...PlanPanel.open, ...PlanPanel.attached].flatMap((p) => (p && !p.disposed && p.last?.type === 'show' ? [p.last.payload] : []));
  }

  /** Restore a panel VS Code kept across a reload; the webview re-sends its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, handler: PlanPanelHandler, state: unknown): PlanPanel {
    const m = parseToPlanWebview((state as any)?.last);
    if (m?.type === 'compare') {
      // The comparison tab comes back as the comparison tab, beside the plan tab (not in its place).
      PlanPanel.comparison?.dispose();
      PlanPanel.comparison = new PlanPanel(panel, extensionUri, handler);
      PlanPanel.comparison.post(m);
      return PlanPanel.comparison;
    }
    PlanPanel.current = new PlanPanel(panel, extensionUri, handler);
    PlanPanel.open.add(PlanPanel.current);
    if (m && m.type !== 'busy' && m.type !== 'notice') PlanPanel.current.post(m);
    // Nothing kept (the tab was still running its first plan): say so rather than show a blank page.
    else PlanPanel.current.post({ type: 'error', message: 'This tab was restored after a reload, but its plan was not kept (it was still running). Open the plan again from a hover or the command palette.' });
    return PlanPanel.current;
  }

  post(m: ToPlanWebview): void {
    // A plan still running when the tab was closed: nothing to show it in.
    if (this.disposed) return;
    // A benchmark of the plan's statement shows beside the plan: the plan stays what the tab shows (its title,
    // and what Copy JSON / Copy text copy — they did nothing after a benchmark).
    const beside = m.type === 'benchmark' && this.last?.type === 'show';
    if (beside) this.bench = m;
    else if (m.type !== 'busy' && m.type !== 'error' && m.type !== 'benchmarkError' && m.type !== 'notice' && m.type !== 'advice') {
      this.last = m;
      this.bench = undefined;
    }
    if (m.type === 'show' && PlanPanel.open.has(this)) this.panel.title = `Plan: ${m.payload.title}`;
    if (m.type === 'show' && m.payload.adviceSql !== undefined && m.payload.adviceAnswer === ADVICE_PENDING) PlanPanel.onAdvicePending?.();
    if (m.type === 'compare') this.panel.title = 'Plan comparison';
    if (m.type === 'benchmark' && !beside) this.panel.title = `Benchmark: ${shortLine(m.run.sql, 40)}`;
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  /**
   * A benchmark of this tab's statement under way: said beside the plan shown, else as the tab's page, titled for the run
   * (person52 L-8: a blank "Plan" tab for the whole run).
   */
  benchmarkRunning(sql: string, done: number, total: number): void {
    if (this.last?.type === 'show') return this.post({ type: 'notice', message: benchmarkRunningLine(done, total), busy: true });
    if (PlanPanel.open.has(this)) this.panel.title = `Benchmark: ${shortLine(sql, 40)}`;
    this.post({ type: 'busy', message: benchmarkRunningLine(done, total, shortLine(sql, 80)) });
  }

  /** The benchmark ended (its figures or its error follow): the running line beside the plan says so. */
  benchmarkEnded(): void {
    if (this.last?.type === 'show') this.post({ type: 'notice', message: 'Benchmark ended: its result is below the plan.', busy: false });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (PlanPanel.current === this) PlanPanel.current = undefined;
    PlanPanel.open.delete(this);
    PlanPanel.attached.delete(this);
    if (PlanPanel.comparison === this) PlanPanel.comparison = undefined;
    this.subs.forEach((s) => s.dispose());
    this.panel.dispose();
  }
}

function planHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewHtml(webview, extensionUri, { title: 'Plan', script: ['dist', 'plan.js'], styles: [['plan.css']], app: { role: 'application', label: 'Query plan' } });
}
