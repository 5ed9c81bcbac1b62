/**
 * The dashboard's health findings as a person reads them: each finding is a collapsed
 * <details class="finding"> with the check id and its message in the summary, and "Check now" runs
 * the checks again.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import type { Workbench } from './workbench';

export class DashboardFindings {
  private readonly checkNow: Locator;

  constructor(private readonly wb: Workbench, readonly view: FrameLocator) {
    this.checkNow = view.getByRole('button', { name: 'Check now' });
  }

  /** The findings of one check that mention a text (the object they name). */
  of(checkId: string, naming: string): Locator {
    return this.view.locator('details.finding').filter({ hasText: checkId }).filter({ hasText: naming });
  }

  /** Check until `finding` shows and `ready` (when given) holds; on a timeout the summaries seen are named. */
  async waitFor(finding: Locator, what: string, ready: () => Promise<boolean> = async () => true): Promise<void> {
    await this.wb.until(async () => {
      if (await finding.count()) return ready();
      await this.recheck();
      return false;
    }, what, 90_000, async () => (await this.view.locator('details.finding summary').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).join(' | ').slice(0, 600) || 'no findings');
  }

  /** Check until `finding` is gone. */
  async waitGone(finding: Locator, what: string): Promise<void> {
    await this.wb.until(async () => {
      await this.recheck();
      return (await finding.count()) === 0;
    }, what, 90_000);
  }

  /** "Check now", clicked through the DOM (an editor the workspace opens over the panel would take a pointer click), then a pause for the round. */
  private async recheck(): Promise<void> {
    if (await this.checkNow.count()) await this.checkNow.first().evaluate((b) => (b as HTMLButtonElement).click());
    await this.wb.page.waitForTimeout(2000);
  }
}

/**
 * Top statements' totals, chosen with its mode button. A panel just opened shows them on its own only until a statement
 * runs in its window (person49 L-10; the line `p.statements-mode` says so), then turns to the window: a step that needs
 * the totals (statements run before the panel opened) chooses them — from the window one click, from the totals shown on
 * their own two (the window, then the totals).
 */
export async function chooseTotals(wb: Workbench, view: FrameLocator): Promise<void> {
  const button = view.getByRole('button', { name: /^Showing: / });
  await wb.see(button, 'the Top statements mode button', 60_000);
  await wb.until(async () => {
    const shown = ((await button.first().innerText()) ?? '').trim();
    if (shown === 'Showing: totals' && !(await view.locator('p.statements-mode').count())) return true;
    await button.first().click();
    return undefined;
  }, 'Top statements showing the totals, chosen', 30_000, async () => ((await button.first().innerText()) ?? '').trim());
}
