/** Add / Select / Remove / Test Connection, Disconnect, and the status explanation. */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { capabilityAdvice, copyAdviceLabel, disconnectedTexts, shortVersion } from '../core/connection/status';
import { SQL } from '../db/sql';
import { describeOrigin, type ProfileOrigin } from './config';
import { errorMessage } from '../core/safeText';
import { confirmDestructive } from './confirm';

const PING = SQL.ping;
/** How long a connection notice stays while the state it tells holds (the status bar item says it after that). */
const NOTICE_MS = 15_000;

/**
 * A notice that follows the connection (person11 Q6: "connected to healthchecks dev." stayed on screen while the status
 * bar said disconnected): VS Code cannot take a shown message back, so it is a progress notification, which ends when
 * the state it tells no longer holds (`holds` false after a connection change) or after a while.
 */
function connectionNotice(connections: PgLensContext['connections'], title: string, message: string | undefined, holds: () => boolean, kind?: 'connected'): void {
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) =>
    new Promise<void>((resolve) => {
      if (message) progress.report({ message });
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        if (kind) connectedNotices.delete(done);
        resolve();
      };
      if (kind) connectedNotices.add(done);
      const timer = setTimeout(done, NOTICE_MS);
      const sub = connections.onDidChange(() => {
        if (!holds()) done();
      });
    }),
  );
}

/** "PG Lens: connected to <name>…", for as long as that connection is the open one. */
function connectedNotice(connections: PgLensContext['connections'], text: string): void {
  const db = connections.current?.db;
  if (!db) return;
  connectionNotice(connections, text, undefined, () => connections.current?.db === db, 'connected');
}

/** The "connected to …" notices still shown: they end when they are no longer true, or when a command says more. */
const connectedNotices = new Set<() => void>();

/**
 * A command that tells the connection's state in its own message (Test Connection, Show Connection Status) ends the
 * "connected to …" notice first: it was shown again beside their answer (person23 LOW 9), two toasts saying one thing.
 */
function endConnectedNotices(): void {
  for (const end of [...connectedNotices]) end();
}

export function registerConnectionCommands(ctx: PgLensContext): void {
  const { connections, config, log } = ctx;
  const reg = (id: string, fn: (...a: any[]) => unknown) => ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, fn));
  /** A scope as a person names it; a folder's by the folder worked in. */
  const where = (origin: ProfileOrigin) => describeOrigin(origin, config.folder);

  // Trust granted: workspace settings and .env files now count.
  ctx.extension.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void connections.disconnect().then(() => connections.get())));

  reg('pgLens.addConnection', async () => {
    connections.allowPasswordPrompt();
    const { parseConnectionString, secretKey, describeProfile, connectionUri, ENVIRONMENTS } = await import('../core/connection/profile');
    const { detectWorkspaceConnections } = await import('./detect');
    const detected = await detectWorkspaceConnections(process.env, (m) => log.warn(m));
    type Item = vscode.QuickPickItem & { value?: number; typed?: string };
    const items: Item[] = [
      { label: '$(edit) Enter a connection string…', description: 'postgres://user@host:5432/db or host=… dbname=…' },
      ...detected.map((d, i) => ({ label: `$(search) ${describeProfile(d.profile)}`, description: `from ${d.source}`, ...(d.valuesFrom ? { detail: d.valuesFrom } : {}), value: i })),
    ];
    // A connection string pasted into this first box is taken as it is (person10/11 N15: "0 Results", Enter did nothing).
    const pick = await new Promise<Item | undefined>((resolve) => {
      const qp = vscode.window.createQuickPick<Item>();
      qp.title = 'PG Lens: Add Connection';
      qp.placeholder = 'Pick one found in the workspace, or paste a connection string here';
      qp.items = items;
      const typedItem = (v: string): Item | undefined => {
        const text = v.trim();
        if (!/^postgres(ql)?:\/\/|=/.test(text)) return undefined;
        try {
          const parsed = parseConnectionString(text);
          return { label: '$(plug) Use this connection string', description: describeProfile(parsed.profile), alwaysShow: true, typed: text };
        } catch (e) {
          return { label: '$(warning) Not a connection string PG Lens can read', description: errorMessage(e), alwaysShow: true };
        }
      };
      qp.onDidChangeValue((v) => {
        const t = typedItem(v);
        qp.items = t ? [t, ...items] : items;
      });
      let done = false;
      const finish = (r: Item | undefined) => {
        if (done) return;
        done = true;
        resolve(r);
        qp.dispose();
      };
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0] ?? typedItem(qp.value);
        // The warning row is not a choice: the box stays open with it.
        if (chosen && (chosen.typed !== undefined || chosen.value !== undefined || chosen === items[0])) finish(chosen);
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
    if (!pick) return;
    const askConnectionString = (value: string | undefined) =>
      vscode.window.showInputBox({
        title: 'Connection string', ignoreFocusOut: true, placeHolder: 'postgres://user:password@localhost:5432/mydb', ...(value ? { value } : {}),
        prompt: 'A password in the string is moved to the secret store; it is never written to settings.',
        validateInput: (v) => {
          try {
            parseConnectionString(v);
            return undefined;
          } catch (e) {
            return errorMessage(e);
          }
        },
      });
    let profileBase;
    let password: string | undefined;
    // A password typed with the connection string is the answer: it is used, never asked for again (person18 MEDIUM 6).
    const typedPassword = pick.value === undefined;
    if (pick.value !== undefined) {
      profileBase = detected[pick.value].profile;
      password = detected[pick.value].password;
    } else if (pick.typed !== undefined) {
      const parsed = parseConnectionString(pick.typed);
      profileBase = parsed.profile;
      password = parsed.password;
    } else {
      const text = await askConnectionString(undefined);
      if (!text) return;
      const parsed = parseConnectionString(text);
      profileBase = parsed.profile;
      password = parsed.password;
    }
    // The login is tried first; its name and environment are asked only once it works (person40 L4), nothing is
    // written before (core/connection/addConnection).
    const { addConnectionDialog } = await import('../core/connection/addConnection');
    const added = await addConnectionDialog({ profile: profileBase, password, typedPassword: typedPassword && password !== undefined }, {
      attempt: (t) => connections.tryLogin(t),
      correct: async (t, failure) => {
        log.warn(`Add Connection: ${describeProfile(t.profile)}: ${failure.message}`);
        type Fix = vscode.QuickPickItem & { fix: 'password' | 'edit' | 'cancel' };
        const pw: Fix = { label: '$(key) Enter the password', description: describeProfile(t.profile), fix: 'password' };
        const edit: Fix = { label: '$(edit) Edit the connection', description: 'host, port, database, user, sslmode', fix: 'edit' };
        const cancel: Fix = { label: '$(close) Cancel', description: 'nothing is saved', fix: 'cancel' };
        const chosen = await vscode.window.showQuickPick(failure.wantsPassword ? [pw, edit, cancel] : [edit, pw, cancel], {
          title: `Could not connect: ${failure.message}`,
          placeHolder: 'Nothing was saved. Enter the password, edit the connection, or cancel.',
          ignoreFocusOut: true,
        });
        if (chosen?.fix === 'password') {
          const typed = await vscode.window.showInputBox({ title: 'Password', prompt: `Password for ${describeProfile(t.profile)}`, password: true, ignoreFocusOut: true });
          return typed === undefined ? undefined : { profile: t.profile, password: typed, typedPassword: true };
        }
        if (chosen?.fix !== 'edit') return undefined;
        const text = await askConnectionString(connectionUri(t.profile));
        if (!text) return undefined;
        const parsed = parseConnectionString(text);
        // A password kept from before unless the edited string gives one.
        return parsed.password !== undefined ? { profile: parsed.profile, password: parsed.password, typedPassword: true } : { ...t, profile: parsed.profile };
      },
      name: async (t) => vscode.window.showInputBox({ title: 'Profile name', value: `${t.profile.database}@${t.profile.host}`, ignoreFocusOut: true }),
      // Kept open when the focus moves (as the connection string and name prompts are): the walkthrough's step pane
      // took the focus after its step ticked, the pick closed, and everything typed was dropped without a word.
      environment: async () => (await vscode.window.showQuickPick([...ENVIRONMENTS], { title: 'Environment (production profiles are read-only for PG Lens)', ignoreFocusOut: true })) as (typeof ENVIRONMENTS)[number] | undefined,
    });
    if (!added) return;
    const { name } = added;
    password = added.target.password;
    const profile = { ...added.target.profile, name, environment: added.environment };
    // Connected as the profile it now is (a production one's session is read-only); nothing is written on failure.
    const active = await connections.connectTo(profile, true, password, false, { typedPassword: added.target.typedPassword });
    if (!active) return;
    if (password) await ctx.extension.secrets.store(secretKey(profile), password);
    const stored: Record<string, unknown> = { name, host: profile.host, port: profile.port, database: profile.database, user: profile.user, sslmode: profile.sslmode, environment: profile.environment };
    if (profile.sslrootcert) stored.sslrootcert = profile.sslrootcert;
    // Write where it takes effect: the scope whose list is in effect (a workspace's own list replaces the user's).
    const target = config.connectionsTarget();
    if (target !== 'user') {
      // A workspace cannot redefine a login the user's settings hold: written there it would be left out. Use the user's.
      const { userProfileStandingFor } = await import('../core/connection/settings');
      const mine = userProfileStandingFor(config.connectionsIn('user'), stored);
      if (mine) {
        // Chosen as Select Connection chooses: connected to the user's profile (the connection made above is the new
        // name's, which is written nowhere), then kept on this machine where the workspace's settings file would get it —
        // never written into the team's .vscode/settings.json, which the person did not choose to change (person27: it
        // wrote pgLens.activeConnection there). The same login and environment: the password just typed is its own.
        const standing = (await connections.entries()).find((e) => e.profile.name === mine)?.profile;
        if (!standing || !(await connections.connectTo(standing, true, password, false, { typedPassword: added.target.typedPassword }))) return;
        await connections.whileWriting(() => config.chooseConnection(mine));
        void vscode.window.showInformationMessage(`PG Lens: your user settings already have "${mine}" for ${describeProfile(profile)}; a workspace cannot redefine it, so "${name}" was not written. Connected with "${mine}".`);
        return;
      }
    }
    const existing = config.connectionsIn(target).filter((c: any) => c?.name !== name);
    await connections.whileWriting(async () => {
      // The choice first (kept here when the workspace's settings file would get it): the list's change reconnects by it.
      await config.chooseConnection(name);
      await config.update('connections', [...existing, stored], target);
    });
    const { activeProfileName } = await import('../core/connection/settings');
    const inEffect = activeProfileName(await connections.entries(), config.activeConnectionChoice(), config.connectionsTarget()) === name;
    if (!inEffect) {
      void vscode.window.showWarningMessage(`PG Lens: saved "${name}" in ${where(target)}, but other settings take precedence; it is not in effect. Check pgLens.connections and pgLens.activeConnection.`);
      return;
    }
    const why = target === 'workspace' ? ', because this workspace defines its own connection list' : target === 'folder' ? `, because folder ${config.folder?.name ?? ''} defines its own connection list` : '';
    connectedNotice(connections, `PG Lens: connected to ${name}; saved in ${where(target)}${why}.`);
  });

  reg('pgLens.selectConnection', async () => {
    connections.allowPasswordPrompt();
    const entries = await connections.entries();
    const notUsed = await notUsedHere();
    if (!entries.length && !notUsed.length) {
      void vscode.commands.executeCommand('pgLens.addConnection');
      return;
    }
    const { describeProfile } = await import('../core/connection/profile');
    const current = connections.current?.profile.name;
    type Item = vscode.QuickPickItem & { p?: (typeof entries)[number]['profile']; note?: string };
    const items: Item[] = entries.map((e) => ({
      label: `${e.profile.name === current ? '$(check)' : '$(blank)'} ${e.profile.name}`,
      description: `${describeProfile(e.profile)} · ${e.profile.environment}${e.profile.name === current ? ' · connected' : ''}`,
      detail: `from ${where(e.origin)}`,
      p: e.profile,
    }));
    if (notUsed.length) items.push({ label: 'Not used here', kind: vscode.QuickPickItemKind.Separator }, ...notUsed);
    const folder = config.folder ? ` for the files of folder ${config.folder.name}` : '';
    const pick = await vscode.window.showQuickPick(items, { title: `PG Lens: Select Connection${folder}`, placeHolder: current ? `Connected to ${current}` : 'Not connected' });
    if (!pick) return;
    if (!pick.p) {
      if (pick.note) void vscode.window.showInformationMessage(`PG Lens: ${pick.note}`);
      return;
    }
    const p = pick.p;
    // Connect first: a profile that does not work changes nothing (the current connection stays).
    if (await connections.connectTo(p, true)) {
      await connections.whileWriting(() => config.chooseConnection(p.name));
      connectedNotice(connections, `PG Lens: connected to ${p.name}${folder}.`);
    }
  });

  /**
   * The profiles Select Connection lists under "Not used here", each with its origin and why: those left out for a user's
   * profile (same name or login), other folders' own profiles (multi-root: used for their files), and a repository's
   * lists while the workspace is not trusted. A profile written in settings is never missing from the list without a word.
   */
  async function notUsedHere(): Promise<(vscode.QuickPickItem & { note: string })[]> {
    const { describeProfile, normalizeProfile } = await import('../core/connection/profile');
    const out: (vscode.QuickPickItem & { note: string })[] = connections.leftOut.map((l) => {
      const why = `"${l.profile.name}" from ${where(l.origin)} is not used: ${l.why}. "${l.usedInstead}" is used instead.`;
      return { label: `$(circle-slash) ${l.profile.name}`, description: `${describeProfile(l.profile)} · ${l.profile.environment}`, detail: `from ${where(l.origin)} — not used: ${l.why}`, note: why };
    });
    const folders = vscode.workspace.workspaceFile ? vscode.workspace.workspaceFolders ?? [] : [];
    for (const f of folders) {
      if (f.uri.toString() === config.folder?.uri.toString()) continue;
      const i = vscode.workspace.getConfiguration('pgLens', f.uri).inspect<unknown[]>('connections');
      const list = Array.isArray(i?.workspaceFolderValue) ? i.workspaceFolderValue : [];
      list.forEach((raw, index) => {
        let name = `connection ${index + 1}`;
        let description = '';
        try {
          const p = normalizeProfile(raw, index);
          name = p.name;
          description = `${describeProfile(p)} · ${p.environment}`;
        } catch {
          // Shown by name only; the log says why it is invalid when its folder is worked in.
        }
        const trusted = vscode.workspace.isTrusted;
        const why = trusted ? `used for folder ${f.name}'s files` : 'not used: this workspace is not trusted';
        const note = trusted ? `"${name}" comes from folder ${f.name}'s settings (.vscode/settings.json): it is used for that folder's files — open one of them and PG Lens connects to it.` : `"${name}" comes from folder ${f.name}'s settings: this workspace is not trusted, so folder settings do not define connections.`;
        out.push({ label: `$(circle-slash) ${name}`, description, detail: `from folder ${f.name} settings — ${why}`, note });
      });
    }
    if (!vscode.workspace.isTrusted) {
      const i = vscode.workspace.getConfiguration('pgLens', config.folder?.uri).inspect<unknown[]>('connections');
      for (const [origin, list] of [['workspace', i?.workspaceValue], ['folder', config.folder ? i?.workspaceFolderValue : undefined]] as const) {
        if (!Array.isArray(list) || !list.length) continue;
        const why = 'this workspace is not trusted, so its settings do not define connections (Manage Workspace Trust)';
        out.push({ label: `$(circle-slash) ${list.length} profile${list.length === 1 ? '' : 's'} from ${where(origin)}`, detail: why, note: `${list.length} connection profile${list.length === 1 ? '' : 's'} in ${where(origin)} not used: ${why}.` });
      }
    }
    return out;
  }

  reg('pgLens.removeConnection', async () => {
    const { removableProfiles } = await import('../core/connection/settings');
    // The profiles in effect, and those written in settings but left out for a user's profile (they could not be removed).
    const entries = removableProfiles(await connections.entries(), connections.leftOut);
    if (!entries.length) {
      void vscode.window.showInformationMessage('PG Lens: there is no connection profile to remove.');
      return;
    }
    const { describeProfile, secretKey } = await import('../core/connection/profile');
    const current = connections.current?.profile.name;
    const pick = await vscode.window.showQuickPick(
      entries.map((e) => ({
        label: e.leftOut ? `$(circle-slash) ${e.profile.name}` : e.profile.name,
        description: `${describeProfile(e.profile)}${e.leftOut ? ' · not in use' : e.profile.name === current ? ' · connected' : ''}`,
        detail: `from ${where(e.origin)}${e.leftOut ? ` — not used: ${e.leftOut.why}` : ''}`,
        e,
      })),
      { title: 'PG Lens: Remove Connection' },
    );
    if (!pick) return;
    const { profile, origin, leftOut } = pick.e;
    // A left-out profile is in no one's use: removing it leaves the connection, and any choice naming the profile that
    // stands in its place ("${leftOut.usedInstead}"), as they are.
    const inUse = !leftOut && profile.name === current;
    const remove = await confirmDestructive(
      `Remove the connection "${profile.name}" from ${where(origin)}?`,
      `${describeProfile(profile)}. Its saved password is deleted from the secret store unless another profile uses the same login.${inUse ? ' PG Lens disconnects from it.' : ''}${leftOut ? ` It is not in use ("${leftOut.usedInstead}" is used in its place): nothing else changes.` : ''}`,
      { confirm: 'Remove Connection', keep: 'Keep it' },
    );
    if (!remove) return;
    if (inUse) await connections.disconnect();
    const list = config.connectionsIn(origin);
    await connections.whileWriting(async () => {
      await config.update('connections', list.filter((_, i) => i !== pick.e.index), origin);
      if (leftOut) return;
      // Never leave a choice naming a profile that no longer exists: the one made here goes (the settings' own choice,
      // the team's default, counts again), and a pgLens.activeConnection written in settings that names it is cleared.
      await config.forgetChoicesHere(profile.name);
      for (const scope of config.activeConnectionScopesNaming(profile.name)) await config.update('activeConnection', undefined, scope);
    });
    const left = await connections.profiles();
    if (!left.some((p) => secretKey(p) === secretKey(profile))) await ctx.extension.secrets.delete(secretKey(profile));
    log.info(`Removed connection ${profile.name} from ${where(origin)}`);
    const now = await connections.get();
    const { removedConnectionNotice } = await import('../core/connection/status');
    void vscode.window.showInformationMessage(removedConnectionNotice(profile.name, current, now?.profile.name, left.length));
  });

  reg('pgLens.testConnection', async () => {
    connections.allowPasswordPrompt();
    const a = await connections.get({ interactive: true });
    if (a) {
      endConnectedNotices();
      const t = Date.now();
      try {
        await a.db.query(PING);
      } catch (e) {
        void vscode.window.showErrorMessage(`PG Lens: ${a.profile.name}: ${errorMessage(e)}`);
        return;
      }
      void vscode.window.showInformationMessage(`PG Lens: ${a.profile.name} answers (${Date.now() - t} ms), ${shortVersion(a.info)}.`);
    } else {
      void connections.showFailure('error');
    }
  });

  reg('pgLens.disconnect', async () => {
    // A connect in flight (Select, Add Connection) counts: Disconnect abandons it.
    if (!connections.current && !connections.busy) {
      void vscode.window.showInformationMessage('PG Lens: not connected.');
      return;
    }
    const name = await connections.disconnectByUser();
    // Ends when the connection comes back (or after a while: the status bar item keeps saying "disconnected", and
    // reconnects on a click).
    // One short sentence; what stays quiet and how to reconnect are the status bar item's tooltip (disconnectedTexts).
    connectionNotice(connections, disconnectedTexts(name ?? 'the database').notice, undefined, () => !connections.current && connections.disconnectedByUser !== undefined);
  });

  reg('pgLens.reconnect', async () => {
    const a = await connections.reconnect();
    if (a) {
      connectedNotice(connections, `PG Lens: connected to ${a.profile.name}.`);
    } else if (!(await connections.profiles()).length) {
      // A failed connection attempt already showed its error; with no profile at all, offer to add one.
      const choice = await connections.showFailure('warning', 'no connection configured', 'Add Connection');
      if (choice) void vscode.commands.executeCommand('pgLens.addConnection');
    }
  });

  reg('pgLens.showConnectionStatus', async () => {
    // A click on "not connected" connects: say so without a modal (stopcheck19: the capability dialog blocked the
    // window while the person typed their next command); the details stay one more click away.
    const connecting = !connections.current;
    const a = await connections.get({ interactive: true });
    if (!a) {
      const steps = connections.nextSteps();
      const choice = await connections.showFailure('warning', 'not connected', ...steps.map((x) => x.title));
      const step = steps.find((x) => x.title === choice);
      if (step) void vscode.commands.executeCommand(step.command);
      return;
    }
    const advice = capabilityAdvice(a.info);
    const head = `${a.profile.name}: ${shortVersion(a.info)}${a.db.readOnly ? ' — production profile, read-only for PG Lens' : ''}.`;
    // Its own message says the connection's state (connecting just now, it is the "connected to" notice itself).
    if (!connecting) endConnectedNotices();
    if (!advice.length) {
      void vscode.window.showInformationMessage(`PG Lens: ${head} pg_stat_statements and HypoPG are ready.`);
      return;
    }
    if (connecting) {
      connectedNotice(connections, `PG Lens: connected to ${a.profile.name} (${shortVersion(a.info)}). ${advice.length === 1 ? 'One setup note' : `${advice.length} setup notes`}: click the status bar item for details.`);
      return;
    }
    const buttons = advice.flatMap((x) => (x.action ? [copyAdviceLabel(x)] : []));
    const detail = advice.map((x, i) => `${i + 1}. ${x.message}${x.action ? `\n   ${x.action.replace(/\n/g, '\n   ')}` : ''}`).join('\n\n');
    const choice = await vscode.window.showInformationMessage(`PG Lens: ${head}`, { modal: true, detail }, ...buttons);
    const picked = advice.find((x) => x.action && copyAdviceLabel(x) === choice);
    if (picked?.action) {
      await vscode.env.clipboard.writeText(picked.action);
      void vscode.window.showInformationMessage('PG Lens: copied to the clipboard.');
    }
  });
}
