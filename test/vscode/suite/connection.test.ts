/**
 * Through the API activate() returns: the extension activates from its .vsix/dev folder, connects
 * with the workspace's profile (password from PGPASSWORD, never from settings) and reports it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PgLensApi } from '../../../src/vscode/api';

const EXTENSION_ID = 'pg-lens.pg-lens';

describe('PG Lens in the extension host', () => {
  let api: PgLensApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<PgLensApi | undefined>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    const exported = await ext.activate();
    assert.ok(exported, 'activate() returned no API (it failed and showed its own error)');
    api = exported;
    await api.ready;
  });

  it('connects with the profile from the workspace settings', () => {
    const expected = process.env.PGLENS_SUITE_PROFILE;
    assert.ok(expected, 'PGLENS_SUITE_PROFILE is not set by the runner');
    assert.equal(api.activeProfileName(), expected);
  });

  it('keeps the password out of the settings', () => {
    const raw = JSON.stringify(vscode.workspace.getConfiguration('pgLens').get('connections'));
    assert.ok(!/password/i.test(raw), `settings hold a password: ${raw}`);
  });

  it('contributes its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['pgLens.addConnection', 'pgLens.selectConnection', 'pgLens.showConnectionStatus']) assert.ok(all.includes(c), `command ${c} is not registered`);
  });
  it("moves a password written in pgLens.dashboard.pgbouncerUrl to the secret store when the dashboard reads PgBouncer (no PgBouncer listens here: the read fails, is logged, and the checks run without it; reading real pools is tested in test/db/dashboard/pgbouncer)", async function () {
    this.timeout(90000);
    const cfg = () => vscode.workspace.getConfiguration('pgLens');
    await cfg().update('dashboard.pgbouncerUrl', 'postgres://stats:bouncer-secret@127.0.0.1:1/pgbouncer', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('pgLens.openDashboard');
      let value: string | undefined;
      for (let i = 0; i < 120; i++) {
        value = cfg().inspect<string>('dashboard.pgbouncerUrl')?.globalValue;
        if (value && !value.includes('bouncer-secret')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(value, 'postgres://stats@127.0.0.1:1/pgbouncer', 'the setting is written back without its password');
    } finally {
      await cfg().update('dashboard.pgbouncerUrl', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
