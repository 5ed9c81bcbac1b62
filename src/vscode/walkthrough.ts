/**
 * The walkthrough ticks its steps for what was done, whenever the walkthrough is opened.
 *
 * Its completion events (`onContext:pgLens.connected`, `onCommand:pgLens.openPlan`, …) are not enough in
 * VS Code 1.100 (code-server 4.100): the walkthrough service is created only when a walkthrough is first
 * opened. An `onContext:` condition already true then is recorded as seen without ticking the step and
 * never ticks later (newer VS Code ticks it), and a command run before then is not seen at all. So each
 * step has a second key, false at rest, that turns true for a moment when its condition holds — when
 * the connection comes, when a plan or the dashboard is first shown, when Scan Workspace runs or a quick fix is applied
 * (person49 L-9: "Fix what the planner finds" ticked on Scan Workspace only, after two Create index runs), and when
 * an editor VS Code does not describe to extensions (the walkthrough is one) opens or comes to the
 * front. The service, created by then with the keys false, sees them become true and ticks the steps;
 * VS Code keeps them done.
 */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';

/** How long a key stays true: long enough for the main thread to see it, short enough to be false when a walkthrough registers. */
const PULSE_MS = 300;
/** Panels seen once (kept across sessions), by the step they complete. */
const SEEN_KEY = 'pgLens.walkthrough.seen';
const PANELS: Record<string, string> = { 'pgLens.plan': 'planSeen', 'pgLens.dashboard': 'dashboardSeen' };
/** Steps done by running something (not seen in a tab): Scan Workspace; a fix of a finding applied. */
const DONE_BY_RUNNING = ['scanned', 'fixed'] as const;

/**
 * What a quick fix of a PG Lens finding runs (findingActions.ts): marks "Fix what the planner finds" done, then runs the
 * fix's own command when it has one (`pgLens.createIndexNow`, …). A fix that only edits the text (a rewrite) runs it
 * after its edit. The walkthrough's step completes on it (package.json `onCommand:`) and on the key it pulses.
 */
export const FIX_APPLIED_COMMAND = 'pgLens.fixApplied';
const KNOWN = [...Object.values(PANELS), ...DONE_BY_RUNNING];

/** The running extension's walkthrough progress (set by registerWalkthroughProgress). */
let markDone: ((name: (typeof DONE_BY_RUNNING)[number]) => void) | undefined;

/** A step done by a command (Scan Workspace ran): kept, and ticked now or when the walkthrough opens. */
export function walkthroughStepDone(name: (typeof DONE_BY_RUNNING)[number]): void {
  markDone?.(name);
}

export function registerWalkthroughProgress(ctx: PgLensContext): void {
  const seen = new Set(ctx.extension.globalState.get<string[]>(SEEN_KEY, []).filter((k) => KNOWN.includes(k)));
  const timers = new Map<string, NodeJS.Timeout>();
  const pulse = (name: string) => {
    const key = `pgLens.walkthrough.${name}`;
    clearTimeout(timers.get(key));
    void vscode.commands.executeCommand('setContext', key, true);
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      void vscode.commands.executeCommand('setContext', key, false);
    }, PULSE_MS));
  };
  const pulseDone = () => {
    if (ctx.connections.current) pulse('connected');
    for (const name of seen) pulse(name);
  };
  const done = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      void ctx.extension.globalState.update(SEEN_KEY, [...seen]);
    }
    pulse(name);
  };
  markDone = done;
  const fixApplied = (id?: unknown, ...args: unknown[]) => {
    done('fixed');
    // Only PG Lens's own commands, as the code action built them.
    if (typeof id === 'string' && id.startsWith('pgLens.') && id !== FIX_APPLIED_COMMAND) return vscode.commands.executeCommand(id, ...args);
    return undefined;
  };
  const panelOf = (t: vscode.Tab) => (t.input instanceof vscode.TabInputWebview ? Object.entries(PANELS).find(([type]) => (t.input as vscode.TabInputWebview).viewType.endsWith(type))?.[1] : undefined);
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(FIX_APPLIED_COMMAND, fixApplied),
    ctx.connections.onDidChange((a) => {
      if (a) pulse('connected');
    }),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const t of e.opened) {
        const name = panelOf(t);
        if (name && !seen.has(name)) done(name);
      }
      if ([...e.opened, ...e.changed].some((t) => t.input === undefined && t.isActive)) pulseDone();
    }),
    {
      dispose: () => {
        timers.forEach((t) => clearTimeout(t));
        markDone = undefined;
      },
    },
  );
}
