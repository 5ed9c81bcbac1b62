/**
 * Driving the VS Code workbench the way a person does: the command palette, the explorer's quick
 * open, the mouse over the editor, the status bar, the Problems panel, webview panels. Every wait
 * names what it expected to see, so a failing step says what was missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

export class Workbench {
  /** The file last opened with openFile (absolute path on disk): where hover and clickText look up a text's line. */
  private openedFile: string | undefined;

  /** `workspace`: the folder the window opened (files of a multi-root window's other folders are beside it). */
  constructor(
    readonly page: Page,
    private readonly workspace?: string,
  ) {}

  /** Wait until locator is visible; fail with "expected to see <what>". */
  async see(locator: Locator, what: string, timeoutMs = 30_000): Promise<Locator> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
      return locator.first();
    } catch {
      throw new StepFailure(`expected to see ${what} within ${Math.round(timeoutMs / 1000)} s`);
    }
  }

  /** Poll a condition (database state, text) until it holds; fail with "expected <what>". */
  async until<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, describeLast?: () => Promise<string>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    for (;;) {
      try {
        const v = await fn();
        if (v) return v as T;
      } catch (e) {
        lastError = (e as Error).message;
      }
      if (Date.now() > deadline) {
        const last = describeLast ? await describeLast().catch(() => '') : lastError;
        throw new StepFailure(`expected ${what} within ${Math.round(timeoutMs / 1000)} s${last ? ` (last seen: ${last})` : ''}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  async waitForWorkbench(): Promise<void> {
    await this.see(this.page.locator('.monaco-workbench'), 'the VS Code workbench', 180_000);
    await this.see(this.page.locator('.part.statusbar'), 'the status bar', 30_000);
    await this.see(this.page.locator('.explorer-folders-view, .explorer-viewlet'), 'the explorer with the workspace folder', 30_000);
  }

  /**
   * Developer: Reload Window, returning once the NEW window's workbench is up. The command only starts the reload: the
   * old window shuts down first (its extension host deactivated, its state saved; longer on a loaded machine) and stays
   * in the page, workbench and all, meanwhile. Waiting for "domcontentloaded" and the workbench right after the command
   * (with a fixed second between) could find the old window, and the step went on in a window about to go away.
   */
  async reloadWindow(): Promise<void> {
    // A mark on the old window's global object: the new window's has none (an in-page navigation, which would also
    // fire "framenavigated", keeps it).
    await this.page.evaluate(() => ((globalThis as { pgLensE2eOldWindow?: boolean }).pgLensE2eOldWindow = true));
    await this.runCommand('Developer: Reload Window');
    // While the page navigates, evaluate fails (its context destroyed): not reloaded yet.
    await this.until(
      () => this.page.evaluate(() => (globalThis as { pgLensE2eOldWindow?: boolean }).pgLensE2eOldWindow !== true).catch(() => false),
      'the window to reload (a new page, not the old window still shutting down) after Developer: Reload Window',
      180_000,
    );
    await this.page.waitForLoadState('domcontentloaded', { timeout: 180_000 });
    await this.windowReady();
  }

  /**
   * A window (re)opened and done restoring: the workbench, PG Lens activated, the restored editors loaded (a restored
   * webview's frame ready, not blank) and PG Lens's status bar item settled (the same text for 2 s). A step that went on
   * as soon as the status bar named a profile ran Add Connection while the window was still restoring — the restored
   * dashboard blank, the status item back to "PG Lens" — and its input never came (CI on cf4a0018, step 54 after 53's
   * reload). Every reload (reloadWindow) ends with this; a step after another step's reload calls it before it starts.
   */
  async windowReady(timeoutMs = 180_000): Promise<void> {
    await this.waitForWorkbench();
    await this.pgLensStarted(timeoutMs);
    await this.until(
      async () => (await this.page.locator('iframe.webview:not(.ready):visible').count()) === 0,
      'the restored editors loaded (no webview frame still loading)',
      timeoutMs,
    );
    await this.statusSettled(timeoutMs);
  }

  /**
   * The window opened on another workspace file or folder (code-server's `?workspace=` / `?folder=`), at the same server,
   * then ready (windowReady). The multi-root steps open a `.code-workspace` and go back to the shop's folder after.
   */
  async openWindow(param: 'workspace' | 'folder', target: string): Promise<void> {
    const u = new URL(this.page.url());
    u.search = '';
    u.searchParams.set(param, target);
    await this.page.goto(u.toString(), { timeout: 180_000, waitUntil: 'domcontentloaded' });
    await this.windowReady();
  }

  /**
   * PG Lens's status bar item settled: the same text for `forMs`. A browser window can hand the extension its settings in
   * two goes, and PG Lens follows the second even after it connected on the first: the item names a profile, goes back to
   * "PG Lens" while it connects again, then names it again.
   */
  async statusSettled(timeoutMs = 120_000, forMs = 2_000): Promise<string> {
    const item = this.statusBarItem(/PG Lens| · (PG|PostgreSQL)\b/).first();
    let last: string | undefined;
    let since = Date.now();
    return this.until(
      async () => {
        const text = ((await item.textContent({ timeout: 5_000 }).catch(() => null)) ?? '').trim();
        if (text !== last) {
          last = text;
          since = Date.now();
        }
        return !!text && Date.now() - since >= forMs && text;
      },
      `PG Lens's status bar item settled (the same text for ${forMs / 1000} s)`,
      timeoutMs,
      async () => last ?? '',
    );
  }

  /**
   * PG Lens's status bar item, in any state ("PG Lens", "PG Lens: not connected", "<profile> · PG …"): the extension
   * has activated in this window. A window (re)opened on a loaded machine starts its extension host late (seen: PG Lens
   * activated 67 s after the page was opened), so a step waits for this before giving the connection its own time.
   */
  async pgLensStarted(timeoutMs = 180_000): Promise<void> {
    await this.see(this.statusBarItem(/PG Lens| · (PG|PostgreSQL)\b/), 'PG Lens\'s status bar item (the extension activated in this window)', timeoutMs);
  }

  /** A status bar entry whose text matches. */
  /** The status bar item of the connection to profile `name` ("shop (e2e) · PG 18.4 · …"). */
  profileStatus(name: string): Locator {
    return this.statusBarItem(new RegExp(`${escapeRe(name)} · (PG|PostgreSQL)`));
  }

  statusBarItem(text: RegExp | string): Locator {
    return this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: text });
  }

  /**
   * Between steps: nothing the last step left on screen — a quick input, a hover (the mouse moved away), notifications
   * (a matcher could read an old one), the panel (Problems, Output, a terminal: it takes the editor's height).
   */
  async clearScreen(): Promise<void> {
    await this.closeQuickInput();
    await this.page.mouse.move(5, 5);
    await this.runCommand('Notifications: Clear All Notifications');
    await this.hidePanel();
  }

  /**
   * The panel (Problems, Output, Terminal) hidden, the editor given its height. "View: Hide Panel" is in the palette
   * only while the panel is shown: run only then (run regardless, a shown-or-not state became a 70 s failure).
   */
  async hidePanel(): Promise<void> {
    const panel = this.page.locator('.monaco-workbench .part.panel');
    if (!(await panel.first().isVisible().catch(() => false))) return;
    await this.runCommand('View: Hide Panel');
    await this.until(async () => !(await panel.first().isVisible()), 'the panel hidden after View: Hide Panel', 10_000);
  }

  async closeQuickInput(): Promise<void> {
    const qi = this.page.locator('.quick-input-widget');
    if (await qi.isVisible()) await this.page.keyboard.press('Escape');
  }

  /**
   * The command palette, filled and picked. F1 can be lost, or the palette closed again, while focus
   * moves (an editor taking focus, a webview holding it, a document opened meanwhile): then the
   * palette is opened again from a text editor, up to three times.
   */
  private async quickInput(value: string, pick: string | RegExp, what: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // Longer each time: at load 30-50 on 2 cores (session 13's full runs) the third try's 5 s fill and click timed out
      // with the palette open and its row found (steps 55, 56) — the renderer was just slow.
      const slow = attempt === 3 ? 3 : 1;
      try {
        await this.closeQuickInput();
        await this.page.keyboard.press('F1');
        const input = await this.see(this.page.locator('.quick-input-widget .quick-input-box input'), 'the command palette', 15_000 * slow);
        await input.fill(value, { timeout: 10_000 * slow });
        const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: pick });
        await this.see(row, what, 15_000 * slow);
        await row.first().click({ timeout: 10_000 * slow });
        return;
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
        const editor = this.page.locator('.editor-instance .monaco-editor .view-lines');
        if (await editor.count()) await editor.first().click({ timeout: 10_000 }).catch(() => undefined);
      }
    }
  }

  /**
   * Open a workspace file by clicking through the explorer (folders expanded as needed). A name can stand in several
   * folders (orm/orders.ts, src/orders.ts): each row is the first of that name AFTER its folder's row, read once the
   * folder is expanded, and the file's tab is checked (a row that moved under the click opened another file: again).
   */
  async openFile(relPath: string): Promise<void> {
    const parts = relPath.split('/');
    const base = parts[parts.length - 1];
    const tree = this.page.locator('.explorer-folders-view');
    const activeTab = this.page.locator('.tabs-container .tab.active').filter({ hasText: base });
    for (let attempt = 1; ; attempt++) {
      await this.runCommand('View: Show Explorer');
      // A file written on disk shows in the explorer once the file watcher reports it; the landing CI on 39518d71 saw
      // mappers/ but not mappers/OrderMapper.xml within 30 s (step 60). A row not found is retried after a refresh, as a
      // person would, like a tab that did not open.
      if (attempt > 1) await this.runCommand('File: Refresh Explorer').catch(() => undefined);
      try {
        let after = -1;
        for (let i = 0; i < parts.length; i++) {
          const isFolder = i < parts.length - 1;
          // Rows of the explorer tree: aria-level 1 is the folder's top level in a single-folder workspace.
          const rows = tree.locator(`${LIST_ROW}[aria-level="${i + 1}"]`).filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(parts[i])}$`) }) });
          const parentIndex = after;
          // Only a row inside the parent folder: before the parent's next sibling (a row of a level up to the parent's).
          // Just after a click expanded `orm`, its children were not drawn yet and `src/orders.ts` (another folder's,
          // already open) was taken for `orm/orders.ts` (CI on 918ca153, step 20).
          const outer = tree.locator(LIST_ROW).filter({ has: this.page.locator('.label-name') });
          const found = await this.until(async () => {
            let bound = Infinity;
            if (i > 0) {
              for (const r of await outer.all()) {
                const level = Number(await r.getAttribute('aria-level').catch(() => null));
                const index = Number(await r.getAttribute('data-index').catch(() => null));
                if (Number.isFinite(level) && level <= i && Number.isFinite(index) && index > parentIndex) bound = Math.min(bound, index);
              }
            }
            for (const r of await rows.all()) {
              const index = Number(await r.getAttribute('data-index').catch(() => null));
              if (Number.isFinite(index) && index > parentIndex && index < bound) return { row: r, index };
            }
            return undefined;
          }, `"${parts.slice(0, i + 1).join('/')}" in the explorer`);
          after = found.index;
          if (!isFolder) await found.row.dblclick(); // a pinned editor, not a preview another open would replace
          else if ((await found.row.getAttribute('aria-expanded')) !== 'true') {
            await found.row.click();
            await this.until(async () => (await found.row.getAttribute('aria-expanded').catch(() => null)) === 'true', `"${parts.slice(0, i + 1).join('/')}" expanded in the explorer`);
          }
        }
        await this.see(activeTab, `an editor tab for ${base}`, 15_000);
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await this.see(this.page.locator('.editor-instance .monaco-editor .view-lines'), `the text of ${base} in the editor`);
    const ws = this.workspace;
    this.openedFile = ws ? [path.join(ws, relPath), path.join(path.dirname(ws), relPath)].find((f) => fs.existsSync(f)) : undefined;
  }

  /**
   * A file alone in the window with the editor's whole height: no other editor group beside it (a plan panel an earlier
   * step opened leaves the code a narrow column), no panel under it, then the file opened from the explorer.
   */
  async freshEditor(relPath: string): Promise<void> {
    await this.runCommand('View: Close All Editor Groups');
    await this.hidePanel();
    await this.openFile(relPath);
  }

  /**
   * Put the line of the file last opened that holds `line` on screen, with `at` (a part of it, default the whole) in
   * view: a reopened file comes back scrolled where an earlier step left it, and an open panel (Problems, Terminal) or
   * CodeLenses take the editor's height, so a line on screen in one run is not in another — and Monaco renders only the
   * lines on screen. When the rendered line is missing, or `at` is not inside the editor's visible area, the cursor goes
   * to that line and column (Go to Line scrolls it into view): the cursor moves there. A text not in the file on disk is
   * left to the caller's wait.
   */
  async revealText(line: string, at = line): Promise<void> {
    if (await this.onScreen(line, at)) return;
    const file = this.openedFile;
    if (!file || !fs.existsSync(file)) return;
    // Only in that file's editor: Go to Line acts on the active one.
    const active = this.page.locator('.editor-group-container.active .tabs-container .tab.active').filter({ hasText: path.basename(file) });
    if (!(await active.count())) return;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(line) && l.includes(at));
    if (i < 0) return;
    // Go to Line scrolls sideways only as far as the cursor: first to the start of `at` (a view scrolled right, as a
    // narrow column left it, hid the line's start: the CI on 6e5cf1bc hovered the gutter for 60 s in step 31), then a
    // little after its end.
    if (lines[i].indexOf(at) > 0) await this.goToLine(i + 1, lines[i].indexOf(at) + 1);
    await this.goToLine(i + 1, Math.min(lines[i].length + 1, lines[i].indexOf(at) + at.length + 9));
  }

  /** A rendered editor line holds `line`, and the middle of `at` in it is inside the visible area of its editor. */
  private async onScreen(line: string, at: string): Promise<boolean> {
    const row = this.page.locator('.editor-instance .monaco-editor .view-lines .view-line').filter({ hasText: line }).first();
    if (!(await row.count())) return false;
    return row
      .evaluate((el, want) => {
        const editor = el.closest('.monaco-editor');
        const area = editor?.querySelector('.monaco-scrollable-element.editor-scrollable')?.getBoundingClientRect();
        if (!area) return false;
        // The minimap lies over the right of the text area.
        const minimap = editor?.querySelector('.minimap')?.getBoundingClientRect();
        const right = Math.min(area.right, minimap && minimap.width > 0 ? minimap.left : area.right) - 10;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const k = (n.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(want);
          if (k < 0) continue;
          const r = document.createRange();
          r.setStart(n, k);
          r.setEnd(n, k + want.length);
          const box = r.getBoundingClientRect();
          const x = box.x + Math.min(box.width / 2, 40);
          const y = box.y + box.height / 2;
          // Two lines' margin at the top (sticky scroll's lines cover it), one at the bottom (the horizontal scroll bar).
          return x > area.x && x < right && box.right < right + 10 && y > area.y + 2 * box.height && y < area.bottom - box.height;
        }
        return false; // `at` is split over token spans: Go to Line all the same
      }, at)
      .catch(() => false);
  }

  /**
   * Put the cursor on a line of the active editor (quick open's ":line", which scrolls it into view): Monaco renders
   * only the lines on screen, so a decoration further down is not in the page until its line is shown.
   */
  async goToLine(line: number, column?: number): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press(`${MOD}+P`);
    const input = await this.see(this.page.locator('.quick-input-widget .quick-input-box input'), 'quick open', 20_000);
    await input.fill(column ? `:${line}:${column}` : `:${line}`, { timeout: 15_000 });
    await input.press('Enter');
    // The status bar's cursor line, not just "a current line" (any editor's old one would do). Not its column: the
    // status bar counts a tab as several columns, Go to Line as one character.
    await this.see(this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: `Ln ${line},` }), `the cursor on line ${line} ("Ln ${line}," in the status bar)`);
  }

  /**
   * Run a command by its palette title, e.g. "PG Lens: Open Dashboard". `pick` tells its row from longer titles the
   * same text begins (the row of "PG Lens: Open Plan" and not "PG Lens: Open Plan from Clipboard").
   */
  async runCommand(title: string, pick: string | RegExp = title): Promise<void> {
    await this.quickInput(`>${title}`, pick, `the command "${title}" in the command palette`);
  }

  /** The editor's rendered span holding text (Monaco splits lines into token spans). */
  editorText(text: string, within: Locator | Page = this.page): Locator {
    return within.locator('.editor-instance .monaco-editor .view-lines .view-line').filter({ hasText: text }).locator('span > span').filter({ hasText: text });
  }

  /**
   * The text in the active editor group's editor where it shows there, else in any editor: revealText scrolls only the
   * active one, and a file open in two groups (step 31 leaves customers.ts in the left group scrolled sideways, then
   * opens it again on the right) otherwise resolved to the left copy, under the explorer (CI on c4be582a, steps 31–32).
   */
  async editorTextPreferActive(text: string): Promise<Locator> {
    const active = this.editorText(text, this.page.locator('.editor-group-container.active'));
    return (await active.count()) ? active : this.editorText(text);
  }

  /** Put the mouse on the middle of the first token span containing text, and return the hover widget. */
  async hover(text: string): Promise<Locator> {
    await this.revealText(text);
    const span = await this.see(await this.editorTextPreferActive(text), `"${text}" in the editor`);
    const box = await span.boundingBox();
    if (!box) throw new StepFailure(`expected "${text}" to be on screen in the editor`);
    await this.page.mouse.move(box.x + 2, box.y + box.height / 2);
    await this.page.mouse.move(box.x + Math.min(box.width / 2, 40), box.y + box.height / 2, { steps: 4 });
    return this.page.locator('.monaco-hover:not(.hidden)');
  }

  /**
   * Put the mouse on `word` where it follows `before` in the rendered editor line holding `line` (a DOM
   * range over the line's text node: Monaco renders spaces as no-break spaces, and one token span can hold
   * a whole SQL string), and return the hover widget.
   */
  async hoverWordInLine(line: string, before: string, word: string): Promise<Locator> {
    await this.revealText(line, `${before} ${word}`);
    const row = await this.see(this.page.locator('.editor-instance .view-line').filter({ hasText: line }), `"${line}" in the editor`);
    const rect = await row.evaluate((el, [b, w]) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = (n.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(`${b} ${w}`);
        if (i < 0) continue;
        const r = document.createRange();
        r.setStart(n, i + b.length + 1);
        r.setEnd(n, i + b.length + 1 + w.length);
        const box = r.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      return undefined;
    }, [before, word]);
    if (!rect) throw new StepFailure(`expected "${before} ${word}" in the rendered line`);
    await this.page.mouse.move(rect.x - 30, rect.y);
    await this.page.mouse.move(rect.x, rect.y, { steps: 4 });
    return this.page.locator('.monaco-hover:not(.hidden)');
  }

  /** Hover `word` after `before` on the rendered line holding `line` of `file`, the file's tab brought to the front first (opened again if a step closed it). */
  async hoverInFile(file: string, line: string, before: string, word: string): Promise<Locator> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: file.split('/').pop()! });
    if (!(await tab.count())) await this.openFile(file);
    else if (!(await tab.first().getAttribute('class'))?.includes('active')) await tab.first().click();
    return this.hoverWordInLine(line, before, word);
  }

  /**
   * Hover again and again (`show` puts the mouse there and returns the hover widget) until the hover's text
   * passes `want` — advice proved in the background after a file opens — and return that text.
   */
  async hoverUntil(show: () => Promise<Locator>, want: (text: string) => boolean, what: string, timeoutMs: number): Promise<string> {
    return this.until(async () => {
      await this.page.mouse.move(5, 5);
      const hover = await show();
      await hover.first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      await this.page.waitForTimeout(1000);
      const t = (await hover.first().innerText().catch(() => '')) ?? '';
      return want(t) ? t : undefined;
    }, what, timeoutMs);
  }

  /**
   * Hover again and again (`show` puts the mouse there) until the title of the hover's link `link` (the text shown when
   * the pointer rests on it: the missing-index hover's "Why" names the statements its index also serves) passes `want`,
   * and return that title.
   */
  async hoverLinkTitle(show: () => Promise<Locator>, link: string, want: (title: string) => boolean, what: string, timeoutMs: number): Promise<string> {
    return this.until(async () => {
      await this.page.mouse.move(5, 5);
      const hover = await show();
      await hover.first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      await this.page.waitForTimeout(1000);
      const a = hover.first().locator('a').filter({ hasText: new RegExp(`^\\s*${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });
      const title = (await a.count()) ? ((await a.first().getAttribute('title').catch(() => null)) ?? '') : '';
      return want(title) ? title : undefined;
    }, what, timeoutMs);
  }

  /**
   * Hover the text again and again (the mouse moved away between tries; `before` runs first each time) until the hover
   * shows a link matching `link`: the first hover may come while the file is analysed or before the connection.
   */
  async hoverLink(text: string, link: RegExp, what: string, timeoutMs = 60_000, before?: () => Promise<void>): Promise<Locator> {
    return this.until(async () => {
      await before?.();
      await this.page.mouse.move(5, 500);
      const hover = await this.hover(text);
      const a = hover.locator('a').filter({ hasText: link });
      return (await a.first().waitFor({ state: 'visible', timeout: 8000 }).then(() => true, () => false)) && a.first();
    }, what, timeoutMs);
  }

  /** Click at a token so the cursor sits there. */
  async clickText(text: string): Promise<void> {
    // The editor can still move (an opened file scrolled to its remembered place, CodeLenses arriving) between
    // finding the text and clicking it: clicked again until the cursor's line is the text's line.
    await this.until(async () => {
      await this.revealText(text);
      const span = await this.see(await this.editorTextPreferActive(text), `"${text}" in the editor`);
      await span.click({ timeout: 10_000 });
      const editor = this.page.locator('.editor-instance .monaco-editor.focused');
      const [at, cursor] = await Promise.all([span.boundingBox(), editor.locator('.view-overlays .current-line').first().boundingBox().catch(() => null)]);
      return !!at && !!cursor && Math.abs(at.y + at.height / 2 - (cursor.y + cursor.height / 2)) < at.height;
    }, `the cursor on "${text}"`, 60_000);
  }

  async keys(...combos: string[]): Promise<void> {
    for (const c of combos) await this.page.keyboard.press(c.replace(/^Mod\+/, `${MOD}+`));
  }

  /**
   * The titles of the quick-fix menu (Mod+.) at the cursor, once one matches `want`. The menu closes when the
   * code actions refresh (analysis finishing), so it is opened again until its rows can be read.
   */
  async quickFixes(want: RegExp, what: string, timeoutMs = 60_000): Promise<string[]> {
    const menu = this.page.locator('.action-widget .monaco-list-row');
    return this.until(async () => {
      if (!(await menu.count())) {
        await this.runCommand('View: Focus Active Editor Group');
        await this.keys('Mod+.');
        await this.page.waitForTimeout(700);
      }
      const t = (await menu.allTextContents()).map((x) => x.replace(/\s+/g, ' ').trim()).filter(Boolean);
      return t.some((x) => want.test(x)) ? t : undefined;
    }, what, timeoutMs);
  }

  /** Run the open quick-fix menu's entry matching `title` (moved to with the arrow keys, as a person would). */
  async pickQuickFix(title: RegExp): Promise<void> {
    const focused = this.page.locator('.action-widget .monaco-list-row.focused');
    for (let i = 0; i < 12 && !title.test((await focused.first().innerText().catch(() => '')) || ''); i++) await this.page.keyboard.press('ArrowDown');
    if (!title.test((await focused.first().innerText().catch(() => '')) || '')) throw new StepFailure(`expected to move the quick-fix menu's focus to ${title}`);
    await this.page.keyboard.press('Enter');
  }

  /** The status bar's problem counts (errors, warnings), and its text. */
  async problemCounts(): Promise<{ errors: number; warnings: number; text: string }> {
    const text = (await this.page.locator('#status\\.problems a').first().innerText()).replace(/\s+/g, ' ').trim();
    const m = /(\d+)\D+(\d+)/.exec(text);
    return { errors: m ? Number(m[1]) : NaN, warnings: m ? Number(m[2]) : NaN, text };
  }

  /**
   * The status bar's problem counts once they have not changed for 8 s: analysis that runs in the
   * background (index advice, the scan's diagnostics) has settled.
   */
  async settledProblemCounts(what: string, timeoutMs = 120_000): Promise<{ errors: number; warnings: number; text: string }> {
    let last = await this.problemCounts();
    let since = Date.now();
    await this.until(async () => {
      const now = await this.problemCounts();
      if (now.text !== last.text) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since > 8000;
    }, what, timeoutMs);
    return last;
  }

  /**
   * The Problems panel's rows, its filter box set to `filter` (a problem's text, source or code; '' shows all). The panel
   * renders only the rows on screen: unfiltered, another file's problems (editors an earlier step left open, an earlier
   * scan's findings) can push the wanted row out of view, so a step looking for one row names it here. The box is set
   * every time: a filter an earlier step left would hide rows.
   */
  async problems(filter = ''): Promise<Locator> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const box = this.page.locator('.part.panel .viewpane-filter input, .part.panel .markers-panel-action-filter input, .part.panel input[placeholder^="Filter"]').first();
    await this.see(box, 'the Problems filter box');
    const rows = this.page.locator(`.markers-panel ${LIST_ROW}`);
    if ((await box.inputValue()) === filter) {
      // "No results found with provided filter criteria" stays once shown, though problems that match arrive later (code-
      // server's Problems view: e2e 88 and 90 read "Showing 0 of 2" for minutes while the editor's tab and status bar had
      // the new problem — the extension's log showed it published at once): the filter is typed again.
      const none = this.page.locator('.markers-panel').getByText('No results found with provided filter criteria');
      if (!filter || !(await none.isVisible().catch(() => false))) return rows;
      await box.fill('');
    }
    await box.fill(filter);
    // The tree is filtered a moment later: rows read at once could be the old list (a count of 0). Its rows unchanged
    // for 1.5 s: filtered.
    let last = '';
    let since = Date.now();
    await this.until(async () => {
      const now = (await rows.allInnerTexts()).join('\n');
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since > 1500;
    }, `the Problems list filtered by "${filter}"`, 20_000);
    return rows;
  }

  /**
   * The text of EVERY problem in the Problems panel, its filter box set to `filter` (in list order, whitespace folded;
   * `file`: only the problems of files whose name is that base name). The panel draws only the rows on screen (a
   * virtualised list), so counting or looking for rows among the drawn ones depends on the panel's height, its scroll
   * position and what other files' rows come first: the list is scrolled through here (wb.scanList). Use it for every
   * count, and for every "the problem is gone".
   */
  async problemTexts(filter = '', file?: string): Promise<string[]> {
    await this.problems(filter);
    const { rows } = await this.scanList(this.problemList());
    return problemsOf(rows, file).map((r) => r.text);
  }

  /**
   * The Problems row (a problem, not a file's row) whose text matches `match` (of a file of that base name, when `file`
   * is given), once there (the filter box set to `filter`), drawn on screen to be clicked or read: the list is scrolled to
   * it. Fails naming `what` and the problems seen.
   */
  async problemRow(filter: string, match: RegExp | string, what: string, timeoutMs = 60_000, file?: string): Promise<Locator> {
    const test = (t: string) => (typeof match === 'string' ? t.includes(match) : match.test(t));
    return this.until(
      async () => {
        await this.problems(filter);
        const list = this.problemList();
        const { found } = await this.scanList(list, (r, fileRow) => r.level > 1 && test(r.text) && (!file || fileIs(fileRow, file)));
        if (found === undefined) return undefined;
        const row = list.locator(`${LIST_ROW}[data-index="${found}"]`);
        return (await row.isVisible()) && test((await row.innerText()).replace(/\s+/g, ' ').trim()) ? row : undefined;
      },
      `${what} in the Problems panel (filter "${filter}")`,
      timeoutMs,
      async () => (await this.problemTexts(filter, file)).join(' | ').slice(0, 600) || 'no problems',
    );
  }

  /** The file rows of the Problems panel (every one, scrolled through), its filter box set to `filter`. */
  async problemFiles(filter = ''): Promise<string[]> {
    await this.problems(filter);
    return (await this.scanList(this.problemList())).rows.filter((r) => r.level === 1).map((r) => r.text);
  }

  private problemList(): Locator {
    return this.page.locator('.markers-panel .monaco-list').first();
  }

  /**
   * Every row of a Monaco list or tree (Problems, a tree view), whatever is drawn, in order: its text (whitespace folded)
   * and tree level (aria-level; 1 in a flat list). The list renders only the rows on screen, each with its place
   * (data-index), the last one marked (data-last-element): the mouse wheel scrolls it to the top, then down until every
   * row from the first to the last has been read — or, with `stopAt`, until a drawn row passes it (given the nearest
   * level-1 row above it): `found` is that row's data-index, left on screen.
   */
  async scanList(list: Locator, stopAt?: (row: ListRow, parent: ListRow | undefined) => boolean): Promise<{ rows: ListRow[]; found?: number }> {
    const box = await list.boundingBox().catch(() => null);
    if (!box || box.height < 5) return { rows: [] };
    const read = () =>
      list.locator(LIST_ROW).evaluateAll((els) =>
        els
          .map((r) => ({
            i: Number(r.getAttribute('data-index')),
            last: r.getAttribute('data-last-element') === 'true',
            level: Number(r.getAttribute('aria-level') ?? '1') || 1,
            text: (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
            // A resource label's name (a Problems file row's innerText runs name and folder together: "orders.tssrc1").
            name: r.querySelector('.label-name')?.textContent?.trim() ?? undefined,
          }))
          .sort((a, b) => a.i - b.i),
      );
    // The rows drawn after a wheel: the list renders on a later animation frame.
    const drawn = async (before: string) => {
      for (let k = 0; k < 20; k++) {
        const now = await read();
        if (JSON.stringify(now) !== before) return now;
        await this.page.waitForTimeout(50);
      }
      return read();
    };
    await this.page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
    let drawnRows = await read();
    for (let k = 0; k < 50 && drawnRows.length && !drawnRows.some((r) => r.i === 0); k++) {
      await this.page.mouse.wheel(0, -box.height * 4);
      drawnRows = await drawn(JSON.stringify(drawnRows));
    }
    const seen = new Map<number, ListRow>();
    let last = -1;
    let found: number | undefined;
    let parent: ListRow | undefined;
    for (let k = 0; k < 500 && drawnRows.length; k++) {
      for (const r of drawnRows) {
        const row: ListRow = { level: r.level, text: r.text, name: r.name };
        seen.set(r.i, row);
        if (r.last) last = r.i;
        if (r.level === 1) parent = row;
        if (found === undefined && stopAt?.(row, r.level === 1 ? undefined : parent)) found = r.i;
      }
      if (found !== undefined) break;
      if (last >= 0 && Array.from({ length: last + 1 }, (_, i) => i).every((i) => seen.has(i))) break;
      await this.page.mouse.wheel(0, Math.max(20, box.height * 0.6));
      const next = await drawn(JSON.stringify(drawnRows));
      if (JSON.stringify(next) === JSON.stringify(drawnRows)) break; // at the end (nothing moved): what was read is all
      drawnRows = next;
    }
    await this.page.mouse.move(5, 5);
    const rows = [...seen.entries()].filter(([i]) => last < 0 || i <= last).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    return { rows, found };
  }

  /**
   * The inner frame of a webview panel whose tab title matches. VS Code puts each webview in an
   * iframe (class "webview") that holds the content frame (#active-frame).
   */
  async webview(title: string | RegExp): Promise<FrameLocator> {
    await this.see(this.page.locator('.tabs-container .tab').filter({ hasText: title }), `a "${title}" panel tab`, 20_000);
    // Visible ones only: a panel kept alive while hidden (retainContextWhenHidden) keeps its iframe in the page.
    await this.see(this.page.locator('iframe.webview.ready:visible'), `the "${title}" webview to load`, 20_000);
    const frames = this.page.locator('iframe.webview.ready');
    const n = await frames.count();
    // The visible one is the active panel's.
    for (let i = n - 1; i >= 0; i--) {
      if (await frames.nth(i).isVisible()) return this.page.frameLocator('iframe.webview.ready >> nth=' + i).frameLocator('#active-frame');
    }
    throw new StepFailure(`expected to see the "${title}" webview`);
  }

  /**
   * PG Lens: Add Connection from the keyboard (the list re-renders while it opens and can swallow a click): a
   * connection string, a profile name, the environment "development". The login is tried before the name is asked.
   */
  async addConnection(connectionString: string, name: string, environment: 'development' | 'staging' | 'production' = 'development'): Promise<void> {
    await this.enterConnectionString(connectionString);
    await this.nameConnection(name, environment);
  }

  /** A quick input box by its own title, matched whole and case-sensitively. */
  quickInputTitled(title: string | RegExp) {
    // A text filter matches case-insensitively anywhere, and 'Connection string' matched the first box's own row "Enter a
    // connection string…" before Enter had replaced it, so the string was typed into a box on its way out and "the
    // profile name input" never came (CI, step 54).
    return this.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: typeof title === 'string' ? new RegExp(`^${escapeRe(title)}$`) : title });
  }

  /** Add Connection's first two boxes: "Enter a connection string…", then the string (Enter: the login is tried). */
  async enterConnectionString(connectionString: string): Promise<void> {
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input');
    const row = (text: string | RegExp) => quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: text });
    await this.runCommand('PG Lens: Add Connection');
    await this.see(row('Enter a connection string'), 'the "Enter a connection string…" choice');
    await input.fill('Enter a connection string');
    await this.page.keyboard.press('Enter');
    await this.see(this.quickInputTitled('Connection string'), 'the connection string input (its title)');
    await input.fill(connectionString);
    await this.page.keyboard.press('Enter');
  }

  /** Add Connection's last two boxes, asked once the login works: the profile's name and its environment. */
  async nameConnection(name: string, environment: 'development' | 'staging' | 'production' = 'development'): Promise<void> {
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input');
    const row = (text: string | RegExp) => quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: text });
    await this.see(this.quickInputTitled('Profile name'), 'the profile name input (its title)');
    await input.fill(name);
    await this.page.keyboard.press('Enter');
    await this.see(row(new RegExp(`^${environment}`)), `the environment choice "${environment}"`);
    await input.fill(environment);
    await this.page.keyboard.press('Enter');
  }

  /** PG Lens: Select Connection with `name` picked from the keyboard; waits for the status bar on it. */
  async selectConnection(name: string, timeoutMs = 120_000): Promise<void> {
    const quick = this.page.locator('.quick-input-widget');
    await this.runCommand('PG Lens: Select Connection');
    await this.see(quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }), `"${name}" in Select Connection`);
    await quick.locator('.quick-input-box input').fill(name);
    await this.page.keyboard.press('Enter');
    await this.see(this.profileStatus(name), `the status bar on "${name}"`, timeoutMs);
  }

  /**
   * PG Lens: Remove Connection with `name` picked and the removal confirmed (its dialog names the profile and, when
   * given, where it is removed from: `from`, e.g. "workspace settings"); returns the dialog's text.
   */
  async removeConnection(name: string, from?: string): Promise<string> {
    const quick = this.page.locator('.quick-input-widget');
    await this.runCommand('PG Lens: Remove Connection');
    await this.see(quick.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }), `"${name}" in Remove Connection`);
    await quick.locator('.quick-input-box input').fill(name);
    await this.page.keyboard.press('Enter');
    return this.confirmDialog(new RegExp(`Remove the connection "${escapeRe(name)}"${from ? ` from ${escapeRe(from)}` : ''}`), /^Remove Connection$/);
  }

  /** A modal dialog (confirmations of destructive actions) and its button. */
  async confirmDialog(message: RegExp | string, button: string | RegExp): Promise<string> {
    const dialog = await this.see(this.page.locator('.monaco-dialog-box').filter({ hasText: message }), `a confirmation dialog saying ${String(message)}`);
    const text = (await dialog.textContent()) ?? '';
    const b = dialog.locator('.dialog-buttons a.monaco-button, .dialog-buttons .monaco-button').filter({ hasText: button });
    await this.see(b, `a "${String(button)}" button in the confirmation dialog`);
    await b.first().click();
    return text;
  }

  /**
   * A document PG Lens opened for reading (a report, a statement, a rewrite): its tab is not dirty, and View: Close
   * Editor closes it without a "Save changes?" prompt (an Untitled document with content asked to save).
   */
  async closeReadOnlyTab(title: RegExp, what: string): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab.active').filter({ hasText: title });
    await this.see(tab, `${what} as the active tab`);
    if (await tab.evaluate((t) => t.classList.contains('dirty'))) throw new StepFailure(`expected ${what} not to be an unsaved (dirty) document`);
    await this.runCommand('View: Close Editor');
    await this.until(async () => (await this.page.locator('.tabs-container .tab').filter({ hasText: title }).count()) === 0, `${what} closed without a "Save changes?" prompt`, 10_000);
    if (await this.page.locator('.monaco-dialog-box').count()) throw new StepFailure(`closing ${what} asked something (a save prompt?)`);
  }

  /** The text of the notifications currently shown (errors from the extension show up here). */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allTextContents();
  }
}

/** A row of a list or tree: its text (whitespace folded) and its tree level (1: top; the Problems panel's file rows). */
export interface ListRow {
  level: number;
  text: string;
  /** A resource label's name (a file row's base name), when the row has one. */
  name?: string;
}

/** A Problems file row is for the file of that base name (its label's name). */
function fileIs(fileRow: ListRow | undefined, base: string): boolean {
  return !!fileRow && (fileRow.name !== undefined ? fileRow.name === base : fileRow.text.startsWith(base));
}

/** The problems (level 2 and below: a problem's related information too) of a scanned Problems list, of one file when given. */
/**
 * A row a Monaco list or tree draws in its place — not the copy of a parent row its sticky scroll pins above the rows
 * (class monaco-tree-sticky-row, with the parent's data-index): taken for the list's first row, it made scanList stop
 * scrolling up while the list was scrolled down, and read 3 of budget-87.sql's 16 problems in the full suite (CI on
 * 516eeba6, step 87: the screenshot shows all 16, the file's row pinned on top).
 */
const LIST_ROW = '.monaco-list-row:not(.monaco-tree-sticky-row)';

function problemsOf(rows: ListRow[], file?: string): ListRow[] {
  const out: ListRow[] = [];
  let current: ListRow | undefined;
  for (const r of rows) {
    if (r.level === 1) current = r;
    else if (!file || fileIs(current, file)) out.push(r);
  }
  return out;
}

/** A text as a regular expression matching it literally. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

