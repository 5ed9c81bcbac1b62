/** The status bar item: active profile, server version, capabilities, read-only state. */
import * as vscode from 'vscode';
import type { ActiveConnection, ConnectionManager } from './connections';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pgLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;

  constructor(private readonly connections: ConnectionManager) {
    this.item.name = 'PG Lens';
    this.item.command = 'pgLens.showConnectionStatus';
    this.sub = connections.onDidChange((a) => this.render(a));
    this.render(undefined);
    this.item.show();
  }

  render(a: ActiveConnection | undefined): void {
    if (!a) {
      const err = this.connections.error;
      this.item.text = err ? '$(database) PG Lens: not connected' : '$(database) PG Lens';
      this.item.tooltip = err ?? 'PG Lens: click to connect';
      this.item.backgroundColor = err ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      return;
    }
    const v = a.info.version.match(/PostgreSQL [\d.]+/)?.[0] ?? 'PostgreSQL';
    const ro = a.db.readOnly ? ' $(lock) read-only' : '';
    this.item.text = `$(database) ${a.profile.name} · ${v}${ro}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.appendText(`PG Lens: ${a.profile.name} (${a.profile.environment})\n\n`);
    md.appendText(`${a.info.version.split(' on ')[0]}\n\n`);
    md.appendText(`pg_stat_statements: ${a.info.pgStatStatements} · HypoPG: ${a.info.hypopg}${a.db.readOnly ? '\n\nProduction profile: read-only (no Explain Analyze, no index creation, no maintenance).' : ''}`);
    this.item.tooltip = md;
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}

/** What to tell the user about missing capabilities (shown when the status bar item is clicked). */
export function capabilityAdvice(a: ActiveConnection): string[] {
  const out: string[] = [];
  switch (a.info.pgStatStatements) {
    case 'unavailable':
      out.push('pg_stat_statements is not available on this server: install the PostgreSQL contrib package.');
      break;
    case 'not-loaded':
      out.push("pg_stat_statements is installed but not loaded: add it to shared_preload_libraries in postgresql.conf and restart the server.");
      break;
    case 'not-installed':
      out.push('pg_stat_statements is not created in this database: run CREATE EXTENSION pg_stat_statements (it must also be in shared_preload_libraries).');
      break;
  }
  if (a.info.hypopg === 'unavailable') out.push('HypoPG is not installed: index suggestions are proved with a real index inside a rolled-back transaction instead (development profiles, small tables). Install it with your package manager, e.g. postgresql-16-hypopg.');
  if (a.info.hypopg === 'available') out.push('HypoPG is available but not created: run CREATE EXTENSION hypopg to prove index suggestions without building them.');
  return out;
}
