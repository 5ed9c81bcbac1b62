/**
 * The walkthrough's "Connect a database" step ticks while connected, whenever the walkthrough is opened.
 *
 * Its completion event `onContext:pgLens.connected` is not enough in VS Code 1.100 (code-server 4.100):
 * the walkthrough service is created only when a walkthrough is first opened, and an `onContext:`
 * condition already true then is recorded as seen without ticking the step; it never ticks later
 * (newer VS Code ticks it). So a second key, `pgLens.walkthrough.connected`, is false at rest and
 * turns true for a moment — when the connection comes, and when an editor VS Code does not describe to
 * extensions (the walkthrough is one) opens or comes to the front while connected. The service, created by then
 * with the key false, sees it become true and ticks the step; the step stays done (VS Code stores it).
 */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';

const WALKTHROUGH_CONNECTED_KEY = 'pgLens.walkthrough.connected';
/** How long the key stays true: long enough for the main thread to see it, short enough to be false when a walkthrough registers. */
const PULSE_MS = 300;

export function registerWalkthroughProgress(ctx: PgLensContext): void {
  let timer: NodeJS.Timeout | undefined;
  const pulse = () => {
    if (!ctx.connections.current) return;
    if (timer) clearTimeout(timer);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONNECTED_KEY, true);
    timer = setTimeout(() => {
      timer = undefined;
      void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONNECTED_KEY, false);
    }, PULSE_MS);
  };
  ctx.extension.subscriptions.push(
    ctx.connections.onDidChange((a) => {
      if (a) pulse();
    }),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      if ([...e.opened, ...e.changed].some((t) => t.input === undefined && t.isActive)) pulse();
    }),
    { dispose: () => timer && clearTimeout(timer) },
  );
}
