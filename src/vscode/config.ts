/**
 * One typed view of the pgLens.* settings. Plain option objects go to core and db, never a
 * WorkspaceConfiguration. In an untrusted workspace, workspace-level connection settings are ignored.
 */
import * as vscode from 'vscode';

export const SECTION = 'pgLens';

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Raw profiles (validated by core/connection/profile.normalizeProfile). */
  get connections(): unknown[] {
    if (!vscode.workspace.isTrusted) {
      // Only the user's own (global) settings count in an untrusted workspace.
      const inspected = this.cfg.inspect<unknown[]>('connections');
      return inspected?.globalValue ?? [];
    }
    return this.cfg.get<unknown[]>('connections', []);
  }
  get activeConnection(): string | undefined {
    return this.cfg.get<string>('activeConnection') || undefined;
  }
  get statementTimeoutMs(): number {
    return clamp(this.cfg.get<number>('statementTimeoutMs', 5000), 100, 600000);
  }
  get lockTimeoutMs(): number {
    return clamp(this.cfg.get<number>('lockTimeoutMs', 2000), 10, 600000);
  }
  get hoverEnabled(): boolean {
    return this.cfg.get<boolean>('hover.enabled', true);
  }
  get exclude(): string[] {
    return this.cfg.get<string[]>('exclude', []);
  }
  get dashboardRefreshMs(): number {
    return clamp(this.cfg.get<number>('dashboard.refreshIntervalMs', 2000), 500, 600000);
  }
  get alertMeanTimeMs(): number {
    return clamp(this.cfg.get<number>('alerts.meanTimeMs', 500), 0, 86400000);
  }
  get alertConnectionsShare(): number {
    return clamp(this.cfg.get<number>('alerts.connectionsShare', 0.9), 0, 1);
  }
  get alertBlockingSeconds(): number {
    return clamp(this.cfg.get<number>('alerts.blockingSeconds', 30), 0, 86400);
  }
  get<T>(key: string, fallback: T): T {
    return this.cfg.get<T>(key, fallback);
  }
  async update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
    await this.cfg.update(key, value, target);
  }

  static affects(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
    return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
