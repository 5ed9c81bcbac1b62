/**
 * The typed Config over the real settings: a number setting holding something that is not a number
 * reads as its default (before, it read as the lowest value allowed: "statementTimeoutMs": "abc" was a
 * 100 ms timeout), and a number out of range is limited to the range. Tried on pgLens.alerts.blockingSeconds
 * (default 30, 0..86400), a setting that reconnects nothing.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Config } from '../../../src/vscode/config';

describe('Config in the extension host', () => {
  it('a number setting set to text reads as its default; one out of its range as the nearest bound', async () => {
    const settings = () => vscode.workspace.getConfiguration('pgLens');
    const set = (v: unknown) => settings().update('alerts.blockingSeconds', v, vscode.ConfigurationTarget.Global);
    const before = settings().inspect('alerts.blockingSeconds')?.globalValue;
    try {
      await set('abc');
      assert.equal(new Config().alertBlockingSeconds, 30);
      await set(-5);
      assert.equal(new Config().alertBlockingSeconds, 0);
      await set(45);
      assert.equal(new Config().alertBlockingSeconds, 45);
    } finally {
      await set(before);
    }
  });
});
