/** Add / Select / Remove / Test Connection, Disconnect, and the status explanation. */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { capabilityAdvice } from './statusBar';

export function registerConnectionCommands(ctx: PgLensContext): void {
  const { connections, config, log } = ctx;
  const reg = (id: string, fn: (...a: any[]) => unknown) => ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('pgLens.addConnection', async () => {
    const { parseConnectionString, secretKey, describeProfile, ENVIRONMENTS } = await import('../core/connection/profile');
    const { detectWorkspaceConnections } = await import('./detect');
    const detected = await detectWorkspaceConnections();
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
    const existing = config.connections.filter((c: any) => c?.name !== name);
    const stored: Record<string, unknown> = { name, host: profile.host, port: profile.port, database: profile.database, user: profile.user, sslmode: profile.sslmode, environment: profile.environment };
    if (profile.sslrootcert) stored.sslrootcert = profile.sslrootcert;
    await config.update('connections', [...existing, stored]);
    await config.update('activeConnection', name);
    void vscode.window.showInformationMessage(`PG Lens: connected to ${name}.`);
  });

  reg('pgLens.selectConnection', async () => {
    const profiles = await connections.profiles();
    if (!profiles.length) {
      void vscode.commands.executeCommand('pgLens.addConnection');
      return;
    }
    const { describeProfile } = await import('../core/connection/profile');
    const pick = await vscode.window.showQuickPick(profiles.map((p) => ({ label: p.name, description: `${describeProfile(p)} · ${p.environment}`, p })), { title: 'PG Lens: Select Connection' });
    if (!pick) return;
    await config.update('activeConnection', pick.p.name);
    await connections.connectTo(pick.p, true);
  });

  reg('pgLens.removeConnection', async () => {
    const profiles = await connections.profiles();
    const pick = await vscode.window.showQuickPick(profiles.map((p) => ({ label: p.name, p })), { title: 'PG Lens: Remove Connection' });
    if (!pick) return;
    const { secretKey } = await import('../core/connection/profile');
    await ctx.extension.secrets.delete(secretKey(pick.p));
    await config.update('connections', config.connections.filter((c: any) => c?.name !== pick.p.name));
    if (connections.current?.profile.name === pick.p.name) await connections.disconnect();
    log.info(`Removed connection ${pick.p.name}`);
  });

  reg('pgLens.testConnection', async () => {
    const a = await connections.get({ interactive: true });
    if (a) {
      const t = Date.now();
      await a.db.query('/* pg-lens */ SELECT 1');
      void vscode.window.showInformationMessage(`PG Lens: ${a.profile.name} answers (${Date.now() - t} ms), ${a.info.version.split(' on ')[0]}.`);
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
    const advice = capabilityAdvice(a);
    const head = `${a.profile.name}: ${a.info.version.split(' on ')[0]}${a.db.readOnly ? ' (production: read-only)' : ''}.`;
    void vscode.window.showInformationMessage(`PG Lens: ${head} ${advice.length ? advice.join(' ') : 'pg_stat_statements and HypoPG are ready.'}`, { modal: advice.length > 0 });
  });
}
