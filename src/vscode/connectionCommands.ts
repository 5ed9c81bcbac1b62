/** Add / Select / Remove / Test Connection, Disconnect, and the status explanation. */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { capabilityAdvice, shortVersion } from '../core/connection/status';
import { SQL } from '../db/sql';

const PING = SQL.ping;

export function registerConnectionCommands(ctx: PgLensContext): void {
  const { connections, config, log } = ctx;
  const reg = (id: string, fn: (...a: any[]) => unknown) => ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // Trust granted: workspace settings and .env files now count.
  ctx.extension.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void connections.disconnect().then(() => connections.get())));

  reg('pgLens.addConnection', async () => {
    connections.allowPasswordPrompt();
    const { parseConnectionString, secretKey, describeProfile, ENVIRONMENTS } = await import('../core/connection/profile');
    const { detectWorkspaceConnections } = await import('./detect');
    const detected = await detectWorkspaceConnections(process.env, (m) => log.warn(m));
    const items: (vscode.QuickPickItem & { value?: number })[] = [
      { label: '$(edit) Enter a connection string…', description: 'postgres://user@host:5432/db or host=… dbname=…' },
      ...detected.map((d, i) => ({ label: `$(search) ${describeProfile(d.profile)}`, description: `from ${d.source}`, value: i })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'PG Lens: Add Connection' });
    if (!pick) return;
    let profileBase;
    let password: string | undefined;
    if (pick.value !== undefined) {
      profileBase = detected[pick.value].profile;
      password = detected[pick.value].password;
    } else {
      const text = await vscode.window.showInputBox({
        title: 'Connection string', ignoreFocusOut: true, placeHolder: 'postgres://user:password@localhost:5432/mydb',
        prompt: 'A password in the string is moved to the secret store; it is never written to settings.',
        validateInput: (v) => {
          try {
            parseConnectionString(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (!text) return;
      const parsed = parseConnectionString(text);
      profileBase = parsed.profile;
      password = parsed.password;
    }
    const name = await vscode.window.showInputBox({ title: 'Profile name', value: `${profileBase.database}@${profileBase.host}`, ignoreFocusOut: true });
    if (!name) return;
    const env = await vscode.window.showQuickPick([...ENVIRONMENTS], { title: 'Environment (production profiles are read-only for PG Lens)' });
    if (!env) return;
    const profile = { ...profileBase, name, environment: env as (typeof ENVIRONMENTS)[number] };
    // Prove it before writing anything: nothing goes to settings or secrets on failure.
    const active = await connections.connectTo(profile, true, password);
    if (!active) return;
    if (password) await ctx.extension.secrets.store(secretKey(profile), password);
    const existing = config.userConnections().filter((c: any) => c?.name !== name);
    const stored: Record<string, unknown> = { name, host: profile.host, port: profile.port, database: profile.database, user: profile.user, sslmode: profile.sslmode, environment: profile.environment };
    if (profile.sslrootcert) stored.sslrootcert = profile.sslrootcert;
    await config.update('connections', [...existing, stored]);
    await config.update('activeConnection', name);
    void vscode.window.showInformationMessage(`PG Lens: connected to ${name}.`);
  });

  reg('pgLens.selectConnection', async () => {
    connections.allowPasswordPrompt();
    const profiles = await connections.profiles();
    if (!profiles.length) {
      void vscode.commands.executeCommand('pgLens.addConnection');
      return;
    }
    const { describeProfile } = await import('../core/connection/profile');
    const pick = await vscode.window.showQuickPick(profiles.map((p) => ({ label: p.name, description: `${describeProfile(p)} · ${p.environment}`, p })), { title: 'PG Lens: Select Connection' });
    if (!pick) return;
    // Connect first: a profile that does not work changes nothing (the current connection stays).
    if (await connections.connectTo(pick.p, true)) await config.update('activeConnection', pick.p.name);
  });

  reg('pgLens.removeConnection', async () => {
    const profiles = await connections.profiles();
    const pick = await vscode.window.showQuickPick(profiles.map((p) => ({ label: p.name, p })), { title: 'PG Lens: Remove Connection' });
    if (!pick) return;
    const { secretKey } = await import('../core/connection/profile');
    await ctx.extension.secrets.delete(secretKey(pick.p));
    for (const [target, list] of config.connectionsByTarget()) {
      const kept = list.filter((c: any, i) => !(c?.name === pick.p.name || (typeof c === 'string' && `connection ${i + 1}` === pick.p.name)));
      if (kept.length !== list.length) await config.update('connections', kept, target);
    }
    if (connections.current?.profile.name === pick.p.name) await connections.disconnect();
    log.info(`Removed connection ${pick.p.name}`);
  });

  reg('pgLens.testConnection', async () => {
    connections.allowPasswordPrompt();
    const a = await connections.get({ interactive: true });
    if (a) {
      const t = Date.now();
      try {
        await a.db.query(PING);
      } catch (e) {
        void vscode.window.showErrorMessage(`PG Lens: ${a.profile.name}: ${(e as Error).message}`);
        return;
      }
      void vscode.window.showInformationMessage(`PG Lens: ${a.profile.name} answers (${Date.now() - t} ms), ${shortVersion(a.info)}.`);
    } else {
      void vscode.window.showErrorMessage(`PG Lens: ${connections.error ?? 'not connected'}`);
    }
  });

  reg('pgLens.disconnect', async () => {
    await connections.disconnect();
  });

  reg('pgLens.showConnectionStatus', async () => {
    const a = await connections.get({ interactive: true });
    if (!a) {
      const choice = await vscode.window.showWarningMessage(`PG Lens: ${connections.error ?? 'not connected'}`, 'Add Connection', 'Select Connection');
      if (choice === 'Add Connection') void vscode.commands.executeCommand('pgLens.addConnection');
      if (choice === 'Select Connection') void vscode.commands.executeCommand('pgLens.selectConnection');
      return;
    }
    const advice = capabilityAdvice(a.info);
    const head = `${a.profile.name}: ${shortVersion(a.info)}${a.db.readOnly ? ' — production profile, read-only for PG Lens' : ''}.`;
    if (!advice.length) {
      void vscode.window.showInformationMessage(`PG Lens: ${head} pg_stat_statements and HypoPG are ready.`);
      return;
    }
    const buttons = advice.flatMap((x, i) => (x.action ? [`Copy fix ${i + 1}`] : []));
    const detail = advice.map((x, i) => `${i + 1}. ${x.message}${x.action ? `\n   ${x.action.replace(/\n/g, '\n   ')}` : ''}`).join('\n\n');
    const choice = await vscode.window.showInformationMessage(`PG Lens: ${head}`, { modal: true, detail }, ...buttons);
    const n = choice ? Number(choice.replace('Copy fix ', '')) - 1 : -1;
    if (n >= 0 && advice[n]?.action) {
      await vscode.env.clipboard.writeText(advice[n].action!);
      void vscode.window.showInformationMessage('PG Lens: copied to the clipboard.');
    }
  });
}
