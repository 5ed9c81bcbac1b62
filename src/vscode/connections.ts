/**
 * The active connection: which profile, its password (SecretStorage only), the open Database,
 * and the server's capabilities. Connection-lifetime resources are disposed on disconnect,
 * separately from the extension's own.
 */
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../core/connection/profile';
import type { LoginAttempt, LoginTarget } from '../core/connection/addConnection';
import type { Database, ServerInfo } from '../db/database';
import { type Config, type ProfileOrigin, settingsFolderOf } from './config';
import type { Log } from './log';
import { errorMessage } from '../core/safeText';
import { connectionSteps, noConnectionText, notConnectedHoverLine, otherFoldersStatus, type ConnectionStep } from '../core/connection/status';
import { activeProfileName, type LeftOutProfile, mergeConnectionSettings } from '../core/connection/settings';
import { type ConnectionState, connectionKey, LatestRequest, onSettingsChange } from '../core/connection/latest';
import { SaidOnce } from '../core/connection/saidOnce';

export interface ActiveConnection {
  profile: ConnectionProfile;
  db: Database;
  info: ServerInfo;
}

/** A profile in effect and the settings scope that defines it. */
export interface ProfileEntry {
  profile: ConnectionProfile;
  origin: ProfileOrigin;
  /** The entry as written in its scope's list, and its position there. */
  raw: unknown;
  index: number;
  /** A user profile standing for a workspace profile left out for it (core/connection/settings.mergeConnectionSettings). */
  standsForWorkspace?: boolean;
}

export class ConnectionManager implements vscode.Disposable {
  private active: ActiveConnection | undefined;
  private connecting: Promise<ActiveConnection | undefined> | undefined;
  /**
   * Each connect and Disconnect is a request; the last one wins at once (person11 Q6: a Disconnect given while Select
   * Connection's connect was in flight under load took effect ~30 s later, after that connect). A connect that finishes
   * after a later request is closed unused and changes nothing.
   */
  private readonly requests = new LatestRequest();
  /** The profile a connect in flight is for (Disconnect names it when there is no connection yet). */
  private connectingTo: string | undefined;
  /** The connect the settings chose (get(): the window's start, a settings change), while in flight: its request and key. */
  private fromSettings: { request: number; key: string } | undefined;
  /** Counts settings changes: a connect that read the settings before one reads them again before connecting. */
  private settingsVersion = 0;
  private lastError: string | undefined;
  /** The failed connect behind lastError (while lastError is still its line): for the status bar's text. */
  private lastFailure: { error: string; failure: import('../core/connection/status').ConnectFailure } | undefined;
  private readonly changed = new vscode.EventEmitter<ActiveConnection | undefined>();
  /** Fires when the connection changes (connected, switched, disconnected). */
  readonly onDidChange = this.changed.event;
  /**
   * The server went away under the connection (one line), until a statement reaches it again; per Database, so an
   * outage of a connection since replaced says nothing of the new one.
   */
  private readonly lostBy = new WeakMap<Database, string>();
  private readonly reachability = new vscode.EventEmitter<void>();
  /** Fires when the active connection's server goes away or is reached again (the status bar follows it). */
  readonly onDidChangeReachability = this.reachability.event;
  private readonly folderChanged = new vscode.EventEmitter<void>();
  /**
   * Fires when the folder worked in (multi-root) changed, once the connection has followed it: the status bar names the
   * folder (person41: "The files of this folder have no connection profile" after focusing plain-notes — a folder with no
   * profile keeps the absent connection, so no onDidChange came, and the text made before the folder was known stayed).
   */
  readonly onDidChangeFolder = this.folderChanged.event;

  /** What went wrong with the active connection's server, while it cannot be reached (undefined when it can). */
  get lost(): string | undefined {
    return this.active ? this.lostBy.get(this.active.db) : undefined;
  }
  private readonly askedPassword = new Set<string>();
  private activeKey: string | undefined;
  /** Set by Disconnect: nothing reconnects on its own until Reconnect, Select or Add Connection (or a settings change). */
  private disconnectedFrom: string | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly config: Config,
    private readonly log: Log,
  ) {}

  get current(): ActiveConnection | undefined {
    return this.active;
  }
  /** A connect is in flight (Disconnect abandons it). */
  get busy(): boolean {
    return this.connecting !== undefined;
  }
  /** Why the last connect failed (profile, code, no password), while the error shown is still that failure's. */
  get failure(): import('../core/connection/status').ConnectFailure | undefined {
    return this.lastFailure && this.lastFailure.error === this.lastError ? this.lastFailure.failure : undefined;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  /**
   * Toast the last failure (or `fallback` when there is none) unless this attempt's failure was already toasted: a
   * command that asks for a connection and then says why it has none never repeats what the attempt said. Resolves to
   * the button chosen; undefined when nothing was shown.
   */
  async showFailure(kind: 'error' | 'warning', fallback = 'not connected', ...buttons: string[]): Promise<string | undefined> {
    const text = `PG Lens: ${this.lastError ?? fallback}`;
    if (!this.failureSaid.say(text)) return undefined;
    return kind === 'error' ? vscode.window.showErrorMessage(text, ...buttons) : vscode.window.showWarningMessage(text, ...buttons);
  }
  /** The profile name the user disconnected from with "PG Lens: Disconnect" (undefined when not). */
  get disconnectedByUser(): string | undefined {
    return this.disconnectedFrom;
  }

  /** The folder whose files are worked in (multi-root workspaces; its settings count for its files). */
  get folder(): vscode.WorkspaceFolder | undefined {
    return this.config.folder;
  }

  /** The settings scope a profile comes from (undefined: found in the workspace's environment or .env files). */
  originOf(name: string): ProfileOrigin | undefined {
    return this.config.connectionEntries().find((e) => (typeof e.raw === 'object' && e.raw !== null && (e.raw as { name?: unknown }).name === name) || `connection ${e.index + 1}` === name)?.origin;
  }

  /** What a person can do while not connected (hover links, status): Reconnect after Disconnect or a failure, Add when nothing is configured. */
  nextSteps(): ConnectionStep[] {
    return connectionSteps({ disconnected: this.disconnectedFrom !== undefined, profiles: this.config.connectionEntries().length });
  }

  /** The line every PG Lens hover shows while not connected (undefined when connected), with the commands it links. */
  notConnectedHover(): { markdown: string; commands: string[] } | undefined {
    if (this.active && !this.active.db.isClosed) return undefined;
    return notConnectedHoverLine(this.lastError, this.nextSteps());
  }

  /** All configured profiles, validated; invalid ones are logged and left out. Passwords found in settings are moved to SecretStorage first. */
  async profiles(): Promise<ConnectionProfile[]> {
    return (await this.entries()).map((e) => e.profile);
  }

  /**
   * The profiles in effect with the settings scope each comes from, for the files of the folder worked in. User settings
   * define profiles; a trusted workspace (and, in a multi-root workspace, the folder's own settings) adds its own but never
   * redefines or downgrades a user's (core/connection/settings.mergeConnectionSettings).
   */
  async entries(): Promise<ProfileEntry[]> {
    await this.movePasswordsOutOfSettings();
    const { profiles, problems, leftOut } = this.merged();
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.log.warn(p);
    }
    this.fromUser = new Set(profiles.filter((p) => p.origin === 'user').map((p) => p.profile.name));
    this.notUsed = leftOut;
    return profiles.map((p) => ({ profile: p.profile, origin: p.origin, raw: p.raw, index: p.index, standsForWorkspace: p.standsForWorkspace }));
  }
  /** Profiles written in settings but not in effect (as of the last entries()), each with the one used instead and why. */
  get leftOut(): readonly LeftOutProfile[] {
    return this.notUsed;
  }
  private notUsed: LeftOutProfile[] = [];
  private merged(folder = this.config.folder) {
    const all = this.config.connectionEntries(folder);
    const of = (o: ProfileOrigin) => all.filter((e) => e.origin === o).map((e) => e.raw);
    return mergeConnectionSettings(of('user'), of('workspace'), of('folder'));
  }
  /** Why nothing connects here: in a multi-root workspace, the other folders' own profiles are named (noConnectionText). */
  private noConnectionHere(): string {
    return noConnectionText(this.config.folder?.name, this.elsewhere());
  }

  /** In a multi-root workspace, the other folders' own profiles (none outside one). */
  private elsewhere(): { folder: string; profiles: string[] }[] {
    const here = this.config.folder;
    const others = vscode.workspace.workspaceFile ? (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.toString() !== here?.uri.toString()) : [];
    return others.map((f) => ({ folder: f.name, profiles: this.merged(f).profiles.filter((p) => p.origin === 'folder').map((p) => p.profile.name) }));
  }

  /**
   * The status bar's text when the folder worked in has no profile and other folders of a multi-root window have their
   * own (core/connection/status otherFoldersStatus), else undefined.
   */
  otherFoldersStatus(): { text: string; tooltip: string } | undefined {
    if (!vscode.workspace.workspaceFile || this.merged().profiles.length) return undefined;
    return otherFoldersStatus(this.config.folder?.name, vscode.workspace.workspaceFolders?.length ?? 0, this.elsewhere());
  }

  /** The profile name the files of `folder` connect to (settings only; undefined when none is configured). */
  private wantedName(folder = this.config.folder): string | undefined {
    return activeProfileName(this.merged(folder).profiles, this.config.activeConnectionChoice(folder), this.config.connectionsTarget(folder));
  }

  /**
   * The file worked in moved (the active editor): in a multi-root workspace its folder's settings now count, and when they
   * name another profile than the open connection, PG Lens connects to it (each folder's files on that folder's connection).
   */
  async focus(uri: vscode.Uri | undefined): Promise<void> {
    if (!uri || !vscode.workspace.workspaceFile || uri.scheme !== 'file') return;
    const folder = settingsFolderOf(uri);
    if (!folder || folder.uri.toString() === this.config.folder?.uri.toString()) return;
    this.config.folder = folder;
    // Not connected: the status bar names the new folder at once (reading the settings and the workspace for a profile
    // takes a few seconds on a loaded machine); connected, once the connection has followed the folder.
    if (!this.active) this.folderChanged.fire();
    await this.settingsChanged();
    this.folderChanged.fire();
  }

  /**
   * Whether the open connection is the one this file's folder uses (always, outside a multi-root workspace): a file of
   * another folder with its own connection is not weighed against this database (its tables are not there).
   */
  serves(uri: vscode.Uri): boolean {
    const folder = settingsFolderOf(uri);
    if (!folder || !this.active || folder.uri.toString() === this.config.folder?.uri.toString()) return true;
    return this.wantedName(folder) === this.active.profile.name;
  }

  private readonly reported = new Set<string>();
  private readonly saidLeftOut = new Set<string>();
  /** The failures toasted since the last connect attempt began (each said once: core/connection/saidOnce). */
  private readonly failureSaid = new SaidOnce();
  /** Names of the profiles defined in the user's own settings (the only ones a 0.1 secret is moved for). */
  private fromUser = new Set<string>();

  /**
   * A connection string written into settings by hand may hold a password. Move it to SecretStorage
   * and write the setting back without it, where it was defined (user or workspace settings).
   */
  private async movePasswordsOutOfSettings(): Promise<void> {
    const { passwordsOutOfSettings } = await import('../core/connection/settings');
    const { secretKey, describeProfile } = await import('../core/connection/profile');
    for (const [target, list] of this.config.connectionsByTarget()) {
      const { next, moves } = passwordsOutOfSettings(list);
      if (!moves.length) continue;
      // Secrets first: if writing the settings fails, the password is kept, not lost.
      for (const m of moves) {
        const key = secretKey(m.profile);
        // A repository's settings never overwrite a password the user already keeps.
        if (target !== 'user' && (await this.secrets.get(key)) !== undefined) {
          this.log.warn(`Removed the password of workspace profile "${m.profile.name}" from the workspace settings without storing it: a password is already kept for ${m.profile.environment} ${describeProfile(m.profile)}.`);
          continue;
        }
        await this.secrets.store(key, m.password);
        this.log.info(`Moved the password of "${m.profile.name}" from settings to the secret store.`);
      }
      await this.config.update('connections', next, target);
    }
  }

  /** Let the next interactive connection ask for a missing password again (explicit user commands). */
  allowPasswordPrompt(): void {
    this.askedPassword.clear();
  }

  /** The connection to use, connecting on first use; undefined (with a reason in .error) when none. */
  async get(options: { interactive?: boolean } = {}): Promise<ActiveConnection | undefined> {
    if (this.active && !this.active.db.isClosed) return this.active;
    if (this.disconnectedFrom !== undefined) {
      this.lastError = `Disconnected from ${this.disconnectedFrom}. Run "PG Lens: Reconnect" to connect again.`;
      return undefined;
    }
    if (this.connecting) return this.connecting;
    const c = this.connect(options.interactive ?? false).finally(() => {
      // Not one begun since (a settings change abandoned this one and connects anew).
      if (this.connecting === c) this.connecting = undefined;
    });
    this.connecting ??= c;
    return this.connecting;
  }

  private async pickProfile(): Promise<{ profile: ConnectionProfile; password?: string } | undefined> {
    const entries = await this.entries();
    const chosen = this.config.activeConnectionChoice();
    const wanted = activeProfileName(entries, chosen, this.config.connectionsTarget());
    const p = entries.find((x) => x.profile.name === wanted);
    // A choice naming a profile that is written but left out: said once, never silently replaced.
    for (const name of new Set(Object.values(chosen))) {
      const gone = this.leftOut.find((l) => l.profile.name === name && l.usedInstead !== name);
      const said = `${name}\u0000${gone?.usedInstead}`;
      if (!gone || this.saidLeftOut.has(said)) continue;
      this.saidLeftOut.add(said);
      const msg = `The connection "${name}" that pgLens.activeConnection names is not used: ${gone.why}. Using "${wanted ?? gone.usedInstead}".`;
      this.log.warn(msg);
      void vscode.window.showWarningMessage(`PG Lens: ${msg}`);
    }
    if (p) return { profile: p.profile };
    // Nothing configured: what the workspace already says (PG* variables, .env files).
    const { detectWorkspaceConnections } = await import('./detect');
    const { rankDetected } = await import('../core/connection/detect');
    const detected = await detectWorkspaceConnections(process.env, (m) => this.log.warn(m));
    // A code's fallback default (settings.py's `os.environ.get('DATABASE_URL', …)`) is offered by Add Connection, never tried unasked.
    const { auto } = rankDetected(detected);
    if (auto) this.log.info(`No connection configured: using ${auto.source}.`);
    else if (detected[0]) this.log.info(`No connection configured: ${detected[0].source} is a fallback default, not tried; Add Connection offers it.`);
    return auto;
  }

  private async connect(interactive: boolean): Promise<ActiveConnection | undefined> {
    let picked: Awaited<ReturnType<typeof this.pickProfile>>;
    let version: number;
    do {
      version = this.settingsVersion;
      picked = await this.pickProfile();
    } while (version !== this.settingsVersion);
    if (!picked) {
      this.lastError = this.noConnectionHere();
      this.changed.fire(undefined);
      return undefined;
    }
    return this.connectTo(picked.profile, interactive, picked.password, true);
  }

  /**
   * Add Connection's attempt (db/database tryLogin): the login tried once with the password given, else PGPASSWORD or
   * ~/.pgpass as libpq would; never a prompt, never kept, nothing written.
   */
  async tryLogin(target: LoginTarget): Promise<LoginAttempt> {
    const { tryLogin } = await import('../db/database');
    return tryLogin({
      profile: target.profile,
      password: await this.libpqPassword(target.profile, target.password),
      statementTimeoutMs: this.config.statementTimeoutMs,
      lockTimeoutMs: this.config.lockTimeoutMs,
      connectTimeoutMs: this.config.connectTimeoutMs,
      connectTimeoutHint: 'raise the setting pgLens.connectTimeoutMs',
    });
  }

  /**
   * Connect to `profile` (Select, Add Connection; `fromSettings`: the settings chose it): a later connect or Disconnect
   * abandons this one, and so does a settings change naming another profile when the settings chose this one.
   * `typedPassword`: `password` is the one the person just typed with the connection (a pasted URL's): a login it fails
   * reports that, never asks again (core/connection/detect asksPasswordAfter).
   */
  connectTo(profile: ConnectionProfile, interactive: boolean, password?: string, fromSettings = false, opts: { typedPassword?: boolean } = {}): Promise<ActiveConnection | undefined> {
    const request = this.requests.begin();
    this.failureSaid.reset();
    this.connectingTo = profile.name;
    this.fromSettings = fromSettings ? { request, key: this.keyOf(profile) } : undefined;
    const attempt = this.attempt(profile, interactive, password, request, opts);
    // get() meanwhile waits for this connect instead of starting its own.
    this.connecting = attempt;
    void attempt.finally(() => {
      if (this.connecting === attempt) this.connecting = undefined;
      if (this.requests.isLatest(request)) this.connectingTo = undefined;
      if (this.fromSettings?.request === request) this.fromSettings = undefined;
    });
    return attempt;
  }

  private async attempt(profile: ConnectionProfile, interactive: boolean, password: string | undefined, request: number, opts: { typedPassword?: boolean } = {}): Promise<ActiveConnection | undefined> {
    const { connect } = await import('../db/database');
    const { describeError } = await import('../db/errors');
    const { secretKey, describeProfile } = await import('../core/connection/profile');
    const { asksPasswordAfter } = await import('../core/connection/detect');
    password = await this.resolvePassword(profile, password);
    let made: Database | undefined;
    const tryConnect = async (pw: string | undefined) =>
      (made = await connect({
        profile,
        password: pw,
        statementTimeoutMs: this.config.statementTimeoutMs,
        lockTimeoutMs: this.config.lockTimeoutMs,
        connectTimeoutMs: this.config.connectTimeoutMs,
        connectTimeoutHint: 'raise the setting pgLens.connectTimeoutMs',
        onConnectionError: (m) => {
          this.log.warn(`${profile.name}: ${m}`);
          if (!made) return;
          this.lostBy.set(made, m);
          this.reachability.fire();
        },
        onReconnected: () => {
          this.log.info(`${profile.name}: the server is reached again.`);
          if (!made) return;
          this.lostBy.delete(made);
          this.reachability.fire();
        },
      }));
    try {
      let db: Database;
      try {
        db = await tryConnect(password);
      } catch (e) {
        const key = secretKey(profile);
        if (!asksPasswordAfter({ code: (e as any)?.code, message: errorMessage(e) }, { interactive, askedBefore: this.askedPassword.has(key), typedWithConnection: !!opts.typedPassword && password !== undefined })) throw e;
        // Missing or wrong password: ask once; keep it only if it works.
        this.askedPassword.add(key);
        const pw = await vscode.window.showInputBox({ prompt: `Password for ${describeProfile(profile)}`, password: true, ignoreFocusOut: true });
        if (pw === undefined) throw e;
        password = pw;
        db = await tryConnect(pw);
        await this.secrets.store(key, pw);
      }
      const info = await db.serverInfo();
      if (!this.requests.isLatest(request)) {
        // A later request (Disconnect, another connect) came while this one was in flight: it wins.
        this.log.info(`The connect to ${profile.name} finished after a later request: closed unused.`);
        void db.close().catch(() => undefined);
        return undefined;
      }
      await this.disconnect(false);
      this.disconnectedFrom = undefined;
      this.active = { profile, db, info };
      this.activeKey = this.keyOf(profile);
      this.lastError = undefined;
      this.log.info(`Connected to ${profile.name} (${describeProfile(profile)}), ${info.version.split(' on ')[0]}`);
      this.changed.fire(this.active);
      return this.active;
    } catch (e) {
      if (!this.requests.isLatest(request)) return undefined; // abandoned: its failure is no longer news
      this.lastError = `${profile.name}: ${describeError(e, profile)}`;
      const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
      this.lastFailure = { error: this.lastError, failure: { profile: profile.name, code, noPassword: password === undefined, web: vscode.env.uiKind === vscode.UIKind.Web } };
      this.log.warn(this.lastError);
      // A failed switch changes nothing: the current connection (if any) stays.
      this.changed.fire(this.active);
      if (interactive) this.showFailure('error');
      return undefined;
    }
  }

  /**
   * PgBouncer's admin console from pgLens.dashboard.pgbouncerUrl (undefined when unset). A password written
   * in the setting is moved to SecretStorage and the setting written back without it; the password then
   * comes from SecretStorage, PGPASSWORD or ~/.pgpass, as for a profile.
   */
  async pgBouncerAdmin(): Promise<{ profile: ConnectionProfile; password?: string } | undefined> {
    const url = this.config.dashboardPgBouncerUrl;
    if (!url) return undefined;
    const { splitPassword } = await import('../core/connection/detect');
    const { normalizeProfile, secretKey } = await import('../core/connection/profile');
    const split = splitPassword(url);
    const profile = { ...normalizeProfile(split.text), name: 'PgBouncer admin console' };
    if (split.password) {
      // The secret first: if writing the setting fails, the password is kept, not lost.
      await this.secrets.store(secretKey(profile), split.password);
      await this.config.setDashboardPgBouncerUrl(split.text);
      this.log.info('Moved the password of pgLens.dashboard.pgbouncerUrl from settings to the secret store.');
    }
    return { profile, password: await this.resolvePassword(profile, undefined) };
  }

  /** libpq's order: the password given with the connection (or kept in SecretStorage), PGPASSWORD, ~/.pgpass. */
  private async resolvePassword(p: ConnectionProfile, given: string | undefined): Promise<string | undefined> {
    const { secretKey, legacySecretKey } = await import('../core/connection/profile');
    given ??= await this.secrets.get(secretKey(p));
    if (given === undefined && this.fromUser.has(p.name)) {
      // A password kept by version 0.1 (key without the environment): moved, for the user's own profiles only.
      const old = await this.secrets.get(legacySecretKey(p));
      if (old !== undefined) {
        await this.secrets.store(secretKey(p), old);
        given = old;
      }
    }
    return this.libpqPassword(p, given);
  }

  /** The password given, else PGPASSWORD, else ~/.pgpass (libpq's order). */
  private async libpqPassword(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>, given: string | undefined): Promise<string | undefined> {
    const { choosePassword } = await import('../core/connection/detect');
    const { pgpassPassword } = await import('../db/pgpass');
    const pgpassword = process.env.PGPASSWORD;
    return choosePassword({ given, pgpassword, pgpass: given || pgpassword ? undefined : await pgpassPassword(p) }).password;
  }

  /** What a connection depends on: the profile and the session settings sent at startup. */
  private keyOf(profile: ConnectionProfile): string {
    return connectionKey(profile, this.config.statementTimeoutMs, this.config.lockTimeoutMs);
  }

  /**
   * Settings changed: reconnect only when the profile to use or the session settings differ from
   * the open connection (Add/Select Connection connect first, then write the settings).
   */
  async settingsChanged(): Promise<void> {
    this.settingsVersion++;
    if (this.writing) {
      this.changedWhileWriting = true;
      return;
    }
    const picked = await this.pickProfile().catch(() => undefined);
    const state: ConnectionState = { active: this.active ? this.activeKey : undefined, inFlight: this.inFlight(), disconnectedByUser: this.disconnectedFrom !== undefined };
    if (onSettingsChange(state, picked && this.keyOf(picked.profile)) === 'keep') return;
    if (this.connecting) {
      // The connect in flight was chosen from the settings before this change: abandoned (closed unused when it ends).
      this.requests.begin();
      this.connecting = undefined;
      this.connectingTo = undefined;
      this.fromSettings = undefined;
    }
    await this.disconnect();
    await this.get();
  }

  /** The connect in flight, for core/connection/latest.onSettingsChange. */
  private inFlight(): ConnectionState['inFlight'] {
    if (!this.connecting) return undefined;
    const s = this.fromSettings;
    if (s && this.requests.isLatest(s.request)) return { key: s.key, fromSettings: true };
    // get()'s connect still reading the settings (it reads them again after a change), or a person's (Select, Add).
    return { fromSettings: this.connectingTo === undefined };
  }

  /** PG Lens is writing connection settings itself (whileWriting). */
  get writingSettings(): boolean {
    return this.writing > 0;
  }
  private writing = 0;
  private changedWhileWriting = false;
  /** Write several connection settings as one change: the connection follows once, after the last write. */
  async whileWriting<T>(fn: () => Promise<T>): Promise<T> {
    this.writing++;
    try {
      return await fn();
    } finally {
      if (--this.writing === 0 && this.changedWhileWriting) {
        this.changedWhileWriting = false;
        await this.settingsChanged();
      }
    }
  }

  /** "PG Lens: Disconnect": close the connection and stay disconnected until Reconnect. Returns the profile's name. */
  async disconnectByUser(): Promise<string | undefined> {
    // At once: a connect in flight is abandoned, and everything (status bar, hovers, notices) hears "disconnected" now,
    // not after the close, which waits for the queries in flight (seconds to half a minute while a scan runs under load).
    this.requests.begin();
    this.connecting = undefined;
    const name = this.active?.profile.name ?? this.connectingTo ?? this.config.activeConnection;
    this.connectingTo = undefined;
    this.disconnectedFrom = name ?? 'the database';
    this.lastError = `Disconnected from ${this.disconnectedFrom}. Run "PG Lens: Reconnect" to connect again.`;
    const closing = this.disconnect(false);
    this.changed.fire(undefined);
    await closing;
    return name;
  }

  /** Connect again after Disconnect (or a failure): the profile in settings, asking for a password if needed. */
  async reconnect(): Promise<ActiveConnection | undefined> {
    this.disconnectedFrom = undefined;
    this.allowPasswordPrompt();
    if (this.active && !this.active.db.isClosed) return this.active;
    return this.get({ interactive: true });
  }

  async disconnect(fire = true): Promise<void> {
    const a = this.active;
    this.active = undefined;
    // Said when it happens, before the close: closing waits for the queries in flight (seconds while a scan runs on a
    // loaded machine), and a connection made meanwhile (a settings change reconnecting) was announced first — the late
    // "disconnected" then left the status bar on "PG Lens", and every listener without a connection, while connected.
    if (fire) this.changed.fire(undefined);
    if (!a) return;
    this.log.info(`Disconnected from ${a.profile.name}.`);
    await a.db.close();
  }

  dispose(): void {
    void this.disconnect(false);
    this.changed.dispose();
    this.reachability.dispose();
    this.folderChanged.dispose();
  }
}
