/**
 * One typed view of the pgLens.* settings. Plain option objects go to core and db, never a
 * WorkspaceConfiguration. In an untrusted workspace, workspace-level connection settings are ignored.
 */
import * as vscode from 'vscode';
import { workspaceSettingsFile, type ActiveChoice } from '../core/connection/settings';

const SECTION = 'pgLens';
/** workspaceState key of the connection chosen here for a folder's files (Config.chooseConnection). */
const CHOICE_KEY = 'pgLens.chosenConnection:';
const choiceKey = (folder: vscode.WorkspaceFolder | undefined) => `${CHOICE_KEY}${folder?.uri.toString() ?? ''}`;

/** The settings scope a connection profile comes from (a folder's: its own .vscode/settings.json in a multi-root workspace). */
export type ProfileOrigin = 'user' | 'workspace' | 'folder';
export interface ConnectionEntry {
  raw: unknown;
  /** Position in its scope's list (names unnamed profiles "connection N"). */
  index: number;
  origin: ProfileOrigin;
}

function toTarget(origin: ProfileOrigin): vscode.ConfigurationTarget {
  return origin === 'workspace' ? vscode.ConfigurationTarget.Workspace : origin === 'folder' ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
}

/** The folder whose own settings count for a file: multi-root workspaces only (in a single folder they are the workspace's). */
export function settingsFolderOf(uri: vscode.Uri | undefined): vscode.WorkspaceFolder | undefined {
  if (!uri || !vscode.workspace.workspaceFile) return undefined;
  return vscode.workspace.getWorkspaceFolder(uri);
}

/** How a scope is named to a person (a folder's by the folder's name). */
export function describeOrigin(origin: ProfileOrigin, folder?: vscode.WorkspaceFolder): string {
  if (origin === 'folder') return `folder ${folder?.name ?? ''} settings (.vscode/settings.json)`.replace('  ', ' ');
  return origin === 'workspace' ? `workspace settings (${workspaceSettingsFile(vscode.workspace.workspaceFile)})` : 'user settings';
}

export class Config {
  /**
   * The folder whose files are being worked on, in a multi-root workspace (set by the connection manager from the active
   * editor): its own pgLens.connections / pgLens.activeConnection count for its files, as VS Code reads a resource-scoped
   * setting. Undefined in a single-folder window.
   */
  folder: vscode.WorkspaceFolder | undefined;

  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, this.folder?.uri);
  }
  private connectionScopes(folder = this.folder): { user: unknown[]; workspace?: unknown[]; folder?: unknown[] } {
    const i = vscode.workspace.getConfiguration(SECTION, folder?.uri).inspect<unknown[]>('connections');
    const trusted = vscode.workspace.isTrusted;
    return {
      user: Array.isArray(i?.globalValue) ? i.globalValue : [],
      workspace: trusted && Array.isArray(i?.workspaceValue) ? i.workspaceValue : undefined,
      folder: trusted && folder && Array.isArray(i?.workspaceFolderValue) ? i.workspaceFolderValue : undefined,
    };
  }

  /** Raw profiles (validated by core/connection/profile.normalizeProfile). */
  get connections(): unknown[] {
    return this.connectionEntries().map((e) => e.raw);
  }
  /**
   * Every profile written in settings for the files of `folder` (default: the folder worked in), each with the scope it
   * comes from: the user's own, then (in a trusted workspace only) the folder's own (multi-root) and the workspace's.
   * VS Code would let a workspace's list replace the user's; PG Lens merges them instead, by
   * core/connection/settings.mergeConnectionSettings: a workspace adds profiles, never redefines or downgrades one of the user's.
   */
  connectionEntries(folder = this.folder): ConnectionEntry[] {
    const s = this.connectionScopes(folder);
    const out: ConnectionEntry[] = s.user.map((raw, index) => ({ raw, index, origin: 'user' as const }));
    if (s.folder) out.push(...s.folder.map((raw, index) => ({ raw, index, origin: 'folder' as const })));
    if (s.workspace) out.push(...s.workspace.map((raw, index) => ({ raw, index, origin: 'workspace' as const })));
    return out;
  }
  /**
   * The most specific scope that keeps its own connection list for `folder`'s files (a folder's, else the workspace's;
   * trusted), else the user's. New profiles are written there; the active profile is one of its list.
   */
  connectionsTarget(folder = this.folder): ProfileOrigin {
    const s = this.connectionScopes(folder);
    return s.folder ? 'folder' : s.workspace ? 'workspace' : 'user';
  }
  /** The connection list of one scope, as written there. */
  connectionsIn(origin: ProfileOrigin): unknown[] {
    const s = this.connectionScopes();
    return s[origin] ?? [];
  }
  /** Connection lists per settings target that may be written back (user; workspace and the folder's when trusted). */
  connectionsByTarget(): [ProfileOrigin, unknown[]][] {
    const s = this.connectionScopes();
    const out: [ProfileOrigin, unknown[]][] = [];
    for (const origin of ['user', 'workspace', 'folder'] as const) if (s[origin]) out.push([origin, s[origin]!]);
    return out;
  }
  get activeConnection(): string | undefined {
    if (!vscode.workspace.isTrusted) return this.cfg.inspect<string>('activeConnection')?.globalValue || undefined;
    return this.cfg.get<string>('activeConnection') || undefined;
  }
  /**
   * pgLens.activeConnection as each scope sets it for `folder`'s files (the workspace's and folder's only when trusted),
   * and the choice made here (chooseHere); core/connection/settings.activeProfileName decides.
   */
  activeConnectionChoice(folder = this.folder): ActiveChoice {
    const i = vscode.workspace.getConfiguration(SECTION, folder?.uri).inspect<string>('activeConnection');
    const trusted = vscode.workspace.isTrusted;
    const here = this.state?.get<string>(choiceKey(folder));
    return { user: i?.globalValue || undefined, workspace: (trusted && i?.workspaceValue) || undefined, folder: (trusted && folder && i?.workspaceFolderValue) || undefined, ...(here ? { here } : {}) };
  }

  /** The workspace's own storage on this machine (the extension's workspaceState), where a choice made here is kept. */
  private state: vscode.Memento | undefined;
  keepChoicesIn(state: vscode.Memento): void {
    this.state = state;
  }

  /**
   * Select or Add Connection picked `name` for the files worked in. Where the choice would be written into a shared file
   * (the workspace's or a folder's .vscode/settings.json, often committed: person25 LOW 7, a team file rewritten by Add
   * then Remove), it is kept in this workspace's state on this machine — as VS Code keeps a picked interpreter — and that
   * file's pgLens.activeConnection stays the team's default. In user settings (the person's own) it is written there.
   * Returns where it went.
   */
  async chooseConnection(name: string): Promise<'here' | 'user'> {
    if (this.state && this.activeConnectionTarget() !== 'user') {
      await this.state.update(choiceKey(this.folder), name);
      return 'here';
    }
    await this.update('activeConnection', name, 'user');
    return 'user';
  }

  /** Forget the choices made here: every folder's (pgLens.activeConnection was edited), or those naming `name` (removed). */
  async forgetChoicesHere(name?: string): Promise<void> {
    if (!this.state) return;
    for (const key of this.state.keys()) {
      if (key.startsWith(CHOICE_KEY) && (name === undefined || this.state.get(key) === name)) await this.state.update(key, undefined);
    }
  }
  /**
   * Where `pgLens.activeConnection` is written: the folder's settings when they set it or keep their own list (multi-root),
   * else the workspace settings when they set it or keep their own connection list (trusted) — a choice made in this
   * folder stays with it, and another folder's choice does not follow it here — else user settings.
   */
  activeConnectionTarget(): ProfileOrigin {
    const choice = this.activeConnectionChoice();
    const own = this.connectionsTarget();
    if (choice.folder !== undefined || own === 'folder') return 'folder';
    return vscode.workspace.isTrusted && (choice.workspace !== undefined || own === 'workspace') ? 'workspace' : 'user';
  }
  /** The scopes whose `pgLens.activeConnection` names this profile (to clear when it is removed). */
  activeConnectionScopesNaming(name: string): ProfileOrigin[] {
    const c = this.activeConnectionChoice();
    return (['user', 'workspace', 'folder'] as const).filter((o) => c[o] === name);
  }
  get statementTimeoutMs(): number {
    return this.number('statementTimeoutMs', 5000, 100, 600000);
  }
  get lockTimeoutMs(): number {
    return this.number('lockTimeoutMs', 2000, 10, 600000);
  }
  /** How long a new connection may take (issue 20 item 9: 5 s ran out on a loaded machine). */
  get connectTimeoutMs(): number {
    return this.number('connectTimeoutMs', 15000, 1000, 600000);
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
  /**
   * Without HypoPG, whether automatic index advice (diagnostics, hovers, Scan Workspace) may prove a candidate with a real
   * index in a rolled-back transaction ('automatic'), or only advice the person asks for does ('whenAsked', the default:
   * a build blocks the table's writes while it runs).
   */
  get indexTrialBuilds(): 'whenAsked' | 'automatic' {
    return this.indexTrialBuildsFor(undefined);
  }
  /**
   * pgLens.index.trialBuilds for a file's statements: in a multi-root window, as the file's own folder sets it (a
   * resource-scoped setting; person38 L7: the shop folder's `automatic` was not read there, its statement said "not
   * verified" where the single-folder window said "proved"), else the workspace's.
   */
  indexTrialBuildsFor(uri: vscode.Uri | undefined): 'whenAsked' | 'automatic' {
    const folder = settingsFolderOf(uri) ?? this.folder;
    return vscode.workspace.getConfiguration(SECTION, folder?.uri).get<string>('index.trialBuilds') === 'automatic' ? 'automatic' : 'whenAsked';
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
  /** Write a setting; a folder's ('folder') is written in the settings of the folder worked in. */
  async update(key: string, value: unknown, target: vscode.ConfigurationTarget | ProfileOrigin = vscode.ConfigurationTarget.Global): Promise<void> {
    await this.cfg.update(key, value, typeof target === 'string' ? toTarget(target) : target);
  }

  static affects(e: vscode.ConfigurationChangeEvent, key?: string): boolean {
    return e.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
  }
}
