/**
 * One typed view of the pgLens.* settings. Plain option objects go to core and db, never a
 * WorkspaceConfiguration. In an untrusted workspace, workspace-level connection settings are ignored.
 */
import * as vscode from 'vscode';
import { workspaceSettingsFile } from '../core/connection/settings';

const SECTION = 'pgLens';

/** The settings scope a connection profile comes from. */
export type ProfileOrigin = 'user' | 'workspace';
export interface ConnectionEntry {
  raw: unknown;
  /** Position in its scope's list (names unnamed profiles "connection N"). */
  index: number;
  origin: ProfileOrigin;
}

function toTarget(origin: ProfileOrigin): vscode.ConfigurationTarget {
  return origin === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** How a scope is named to a person. */
export function describeOrigin(origin: ProfileOrigin): string {
  return origin === 'workspace' ? `workspace settings (${workspaceSettingsFile(vscode.workspace.workspaceFile)})` : 'user settings';
}

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Raw profiles (validated by core/connection/profile.normalizeProfile). */
  get connections(): unknown[] {
    return this.connectionEntries().map((e) => e.raw);
  }
  /**
   * Every profile written in settings, each with the scope it comes from: the user's own, then (in a
   * trusted workspace only) the workspace's. VS Code would let a workspace's list replace the user's;
   * PG Lens merges them instead, by core/connection/settings.mergeConnectionSettings: a workspace adds
   * profiles, never redefines or downgrades one of the user's.
   */
  connectionEntries(): ConnectionEntry[] {
    const i = this.cfg.inspect<unknown[]>('connections');
    const user = Array.isArray(i?.globalValue) ? i.globalValue : [];
    const out: ConnectionEntry[] = user.map((raw, index) => ({ raw, index, origin: 'user' as const }));
    if (vscode.workspace.isTrusted && Array.isArray(i?.workspaceValue)) out.push(...i.workspaceValue.map((raw, index) => ({ raw, index, origin: 'workspace' as const })));
    return out;
  }
  /** Where a new profile is written: the workspace settings when they keep their own list (trusted), else the user's. Both take effect (merged). */
  connectionsTarget(): ProfileOrigin {
    const i = this.cfg.inspect<unknown[]>('connections');
    return vscode.workspace.isTrusted && Array.isArray(i?.workspaceValue) ? 'workspace' : 'user';
  }
  /** The connection list of one scope, as written there. */
  connectionsIn(origin: ProfileOrigin): unknown[] {
    const i = this.cfg.inspect<unknown[]>('connections');
    const v = origin === 'workspace' ? i?.workspaceValue : i?.globalValue;
    return Array.isArray(v) ? v : [];
  }
  /** Connection lists per settings target that may be written back (user; workspace when trusted). */
  connectionsByTarget(): [vscode.ConfigurationTarget, unknown[]][] {
    const i = this.cfg.inspect<unknown[]>('connections');
    const out: [vscode.ConfigurationTarget, unknown[]][] = [];
    if (Array.isArray(i?.globalValue)) out.push([vscode.ConfigurationTarget.Global, i.globalValue]);
    if (vscode.workspace.isTrusted && Array.isArray(i?.workspaceValue)) out.push([vscode.ConfigurationTarget.Workspace, i.workspaceValue]);
    return out;
  }
  get activeConnection(): string | undefined {
    if (!vscode.workspace.isTrusted) return this.cfg.inspect<string>('activeConnection')?.globalValue || undefined;
    return this.cfg.get<string>('activeConnection') || undefined;
  }
  /** pgLens.activeConnection as each scope sets it (the workspace's only when trusted); core/connection/settings.activeProfileName decides. */
  activeConnectionChoice(): { user?: string; workspace?: string } {
    const i = this.cfg.inspect<string>('activeConnection');
    return { user: i?.globalValue || undefined, workspace: (vscode.workspace.isTrusted && i?.workspaceValue) || undefined };
  }
  /**
   * Where `pgLens.activeConnection` is written: workspace settings when they set it or keep their own connection list
   * (trusted) — a choice made in this folder stays with it, and another folder's choice does not follow it here —
   * else user settings.
   */
  activeConnectionTarget(): ProfileOrigin {
    const i = this.cfg.inspect<string>('activeConnection');
    return vscode.workspace.isTrusted && (i?.workspaceValue !== undefined || this.connectionsTarget() === 'workspace') ? 'workspace' : 'user';
  }
  /** The scopes whose `pgLens.activeConnection` names this profile (to clear when it is removed). */
  activeConnectionScopesNaming(name: string): ProfileOrigin[] {
    const i = this.cfg.inspect<string>('activeConnection');
    const out: ProfileOrigin[] = [];
    if (i?.globalValue === name) out.push('user');
    if (vscode.workspace.isTrusted && i?.workspaceValue === name) out.push('workspace');
    return out;
  }
  get statementTimeoutMs(): number {
    return this.number('statementTimeoutMs', 5000, 100, 600000);
  }
  get lockTimeoutMs(): number {
    return this.number('lockTimeoutMs', 2000, 10, 600000);
  }
  /** From the user's settings only (application scope): a repository cannot trust a function. */
  get trustedFunctions(): string[] {
    const v = this.cfg.inspect<unknown>('trustedFunctions')?.globalValue;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
  get hoverEnabled(): boolean {
    return this.cfg.get<boolean>('hover.enabled', true);
  }
  get exclude(): string[] {
    return this.cfg.get<string[]>('exclude', []);
  }
  /** pgLens.maxFileSizeKb: larger files are not analysed. */
  get maxFileSizeKb(): number {
    return this.number('maxFileSizeKb', 2048, 1, 1_000_000);
  }
  /** pgLens.rules.severity: rule id → error|warning|info|hint|off (invalid values dropped). */
  get rulesSeverity(): Record<string, string> {
    const raw = this.cfg.get<Record<string, unknown>>('rules.severity', {}) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (['error', 'warning', 'info', 'hint', 'off'].includes(String(v))) out[k] = String(v);
    return out;
  }
  /** pgLens.record.values: Start Recording also captures parameter values (the workload benchmark runs with them). */
  get recordValues(): boolean {
    return this.cfg.get<boolean>('record.values', false);
  }

  get costLensEnabled(): boolean {
    return this.cfg.get<boolean>('costLens.enabled', true);
  }
  /**
   * pgLens.dashboard.pgbouncerUrl: PgBouncer's admin console (postgres://USER@HOST:PORT/pgbouncer) for
   * pool-sizing. Read from the user's settings only: a repository never points PG Lens at a host.
   */
  get dashboardPgBouncerUrl(): string | undefined {
    return this.cfg.inspect<string>('dashboard.pgbouncerUrl')?.globalValue?.trim() || undefined;
  }
  /** Write pgLens.dashboard.pgbouncerUrl back (without its password, once that is in SecretStorage). */
  async setDashboardPgBouncerUrl(url: string): Promise<void> {
    await this.cfg.update('dashboard.pgbouncerUrl', url, vscode.ConfigurationTarget.Global);
  }
  get dashboardRefreshMs(): number {
    return this.number('dashboard.refreshIntervalMs', 2000, 500, 600000);
  }
  /** Index advice: a suggestion must cut the estimated cost by at least this share. */
  get indexMinCostReduction(): number {
    return this.number('index.minCostReduction', 0.3, 0, 1);
  }
  /** Index advice without HypoPG: real indexes in a rolled-back transaction only on tables below this size. */
  get indexMaxTableSizeMb(): number {
    return this.number('index.maxTableSizeMb', 50, 0, 1e7);
  }
  /** No DROP of an "unused" index is offered while the statistics are younger than this (days). */
  get indexDropMinStatsAgeDays(): number {
    return this.number('index.dropMinStatsAgeDays', 7, 0, 3650);
  }
  get alertMeanTimeMs(): number {
    return this.number('alerts.meanTimeMs', 500, 0, 86400000);
  }
  get alertConnectionsShare(): number {
    return this.number('alerts.connectionsShare', 0.9, 0, 1);
  }
  get alertBlockingSeconds(): number {
    return this.number('alerts.blockingSeconds', 30, 0, 86400);
  }
  /** A number setting, limited to lo..hi; a value that is not a finite number (text, null) reads as the default. */
  private number(key: string, fallback: number, lo: number, hi: number): number {
    const n = this.cfg.get<unknown>(key, fallback);
    return typeof n === 'number' && Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
  }
  get<T>(key: string, fallback: T): T {
    return this.cfg.get<T>(key, fallback);
  }
  async update(key: string, value: unknown, target: vscode.ConfigurationTarget | ProfileOrigin = vscode.ConfigurationTarget.Global): Promise<void> {
    await this.cfg.update(key, value, typeof target === 'string' ? toTarget(target) : target);
  }

  static affects(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
    return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
  }
}
