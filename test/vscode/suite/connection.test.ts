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
});
