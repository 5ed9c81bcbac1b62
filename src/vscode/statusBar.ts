/** The status bar item: active profile, server version, capabilities, read-only state. */
import * as vscode from 'vscode';
import type { ActiveConnection, ConnectionManager } from './connections';
import { disconnectedTexts, notConnectedStatus, statusSummary } from '../core/connection/status';
import { describeOrigin } from './config';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pgLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[];

  constructor(private readonly connections: ConnectionManager) {
    this.item.name = 'PG Lens';
    this.item.command = 'pgLens.showConnectionStatus';
    this.subs = [connections.onDidChange((a) => this.render(a)), connections.onDidChangeReachability(() => this.render(connections.current)), connections.onDidChangeFolder(() => this.render(connections.current))];
    this.render(undefined);
    this.item.show();
  }

  render(a: ActiveConnection | undefined): void {
    // The walkthrough's "Connect a database" step ticks on this context key (however the connection was made).
    void vscode.commands.executeCommand('setContext', 'pgLens.connected', !!a);
    this.item.command = 'pgLens.showConnectionStatus';
    if (!a && this.connections.disconnectedByUser !== undefined) {
      this.item.text = '$(debug-disconnect) PG Lens: disconnected';
      this.item.tooltip = disconnectedTexts(this.connections.disconnectedByUser).tooltip;
      this.item.command = 'pgLens.reconnect';
      this.item.backgroundColor = undefined;
      return;
    }
    if (!a) {
      const err = this.connections.error;
      // Why, in the text itself and whole in the tooltip (person20 LOW 8: a saved profile failing after a reload).
      // A folder with no profile in a multi-root window whose other folders have theirs: those, not "not connected" (person39 L7).
      const elsewhere = this.connections.failure ? undefined : this.connections.otherFoldersStatus();
      if (elsewhere) {
        this.item.text = elsewhere.text;
        this.item.tooltip = elsewhere.tooltip;
        this.item.backgroundColor = undefined;
        return;
      }
      const said = err ? notConnectedStatus(err, this.connections.failure) : undefined;
      this.item.text = said?.text ?? '$(database) PG Lens';
      this.item.tooltip = said?.tooltip ?? 'PG Lens: click to connect';
      this.item.backgroundColor = err ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      return;
    }
    const lost = this.connections.lost;
    const s = statusSummary(a.profile, a.info, a.db.readOnly, lost);
    this.item.text = s.text;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    const origin = this.connections.originOf(a.profile.name);
    md.appendText([...s.details, origin ? `Profile from ${describeOrigin(origin, this.connections.folder)}.` : 'Profile found in the workspace (environment or .env), not in settings.'].join('\n\n'));
    this.item.tooltip = md;
    this.item.backgroundColor = lost !== undefined ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
