/**
 * Everything that counts as "the extension logged an error" during a run:
 *  - [error] lines of the PG Lens output channel (a log channel: VS Code writes it to a file
 *    under the user-data-dir's logs folder);
 *  - errors in the extension host logs that name the extension (activation failures, uncaught
 *    exceptions with frames in its bundle);
 *  - console errors and uncaught exceptions inside PG Lens webviews (CSP violations show up here);
 *  - error notifications from PG Lens.
 * Each check returns only what is new since the previous check, so a failure is pinned to a step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';

export const EXTENSION_ID = 'pg-lens.pg-lens';

/** The PG Lens output channel's log so far, from code-server's logs folder (`<user-data>/logs`). */
export function channelLog(logsDir: string): string {
  return walk(logsDir)
    .filter((f) => f.includes(EXTENSION_ID) || /PG Lens\.log$/.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.log')) out.push(p);
  }
  return out;
}

export class ErrorWatch {
  private readonly offsets = new Map<string, number>();
  private readonly webviewErrors: string[] = [];
  /** Browser console errors that are not PG Lens's (kept for the report, not failures). */
  readonly otherConsole: string[] = [];

  constructor(private readonly logsDir: string, page: Page) {
    page.on('console', (m) => this.onConsole(m));
    page.on('pageerror', (e) => this.otherConsole.push(`pageerror: ${e.message}`));
  }

  private onConsole(m: ConsoleMessage): void {
    if (m.type() !== 'error') return;
    const where = m.location()?.url ?? '';
    const text = `${m.text()}${where ? ` (${where})` : ''}`;
    // Webview content frames are served from the webview's own origin / the pre/ folder; PG Lens's
    // scripts come from its extension folder.
    const fromWebview = /vscode-webview:|webview\/browser\/pre\/|pg-lens\.pg-lens/.test(where) || /PG Lens|pg-lens\.pg-lens/.test(m.text());
    if (fromWebview) this.webviewErrors.push(text);
    else this.otherConsole.push(text);
  }

  /** Log files written so far (for the report). */
  logFiles(): string[] {
    return walk(this.logsDir);
  }

  /** The PG Lens output channel's log so far. */
  channelLog(): string {
    return channelLog(this.logsDir);
  }

  /** Error notifications PG Lens is showing right now (its own failures reach users this way). */
  async errorToasts(page: Page): Promise<string[]> {
    const items = page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.codicon-error') }).filter({ hasText: /PG Lens/ });
    return (await items.allInnerTexts()).map((t) => `error notification: ${t.replace(/\s+/g, ' ').trim()}`);
  }

  /** Errors new since the last call, one line each. */
  newErrors(): string[] {
    const found: string[] = [];
    for (const f of walk(this.logsDir)) {
      const text = fs.readFileSync(f, 'utf8');
      const start = this.offsets.get(f) ?? 0;
      this.offsets.set(f, text.length);
      const fresh = text.slice(start);
      if (!fresh) continue;
      const ours = f.includes(EXTENSION_ID) || /PG Lens\.log$/.test(f);
      const exthost = /exthost/i.test(path.basename(f)) || /exthost/i.test(path.dirname(f));
      const lines = fresh.split('\n');
      lines.forEach((line, i) => {
        if (ours && /\[error\]/i.test(line)) found.push(`PG Lens log: ${line.trim()}`);
        else if (!ours && exthost && /\[error\]/i.test(line)) {
          // The extension host's errors about us: the line itself, or the stack under it.
          const stack: string[] = [];
          for (let j = i + 1; j < lines.length && /^\s+at /.test(lines[j]); j++) stack.push(lines[j]);
          const block = [line, ...stack].join('\n');
          if (block.includes(EXTENSION_ID)) found.push(`extension host log (${path.basename(f)}): ${line.trim()}`);
        }
      });
    }
    found.push(...this.webviewErrors.splice(0).map((e) => `webview console: ${e}`));
    return found;
  }
}

/** Activation as the logs tell it: the extension host's "activating" line to PG Lens's "activated" line. */
export function activationTiming(logsDir: string): { hostToActivatedMs: number; activateReportedMs: number } | undefined {
  const files = walk(logsDir);
  const stamp = (line: string) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
    return m ? Date.parse(`${m[1]}T${m[2]}`) : NaN;
  };
  let start = NaN;
  let end = NaN;
  let reported = NaN;
  for (const f of files) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (Number.isNaN(start) && line.includes(`_doActivateExtension ${EXTENSION_ID}`)) start = stamp(line);
      const m = /PG Lens activated in (\d+) ms/.exec(line);
      if (m && Number.isNaN(end)) {
        end = stamp(line);
        reported = Number(m[1]);
      }
    }
  }
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  return { hostToActivatedMs: end - start, activateReportedMs: reported };
}

