/**
 * Disconnect, then Reconnect from the status bar: the "disconnected" notice goes when the connection
 * comes back — no "disconnected" left beside "connected", neither as a toast nor in the notification
 * centre (VS Code cannot take a shown message back, so the notice must be one that ends).
 */
import { StepFailure } from '../lib/workbench';
import type { Step } from '../lib/types';

export const step: Step = {
  title: 'after Disconnect and Reconnect from the status bar, no "disconnected" notification is left',
  async run({ wb, scenario, profileName, screenshot, log }) {
    const page = wb.page;
    await wb.openFile(scenario.queryFile); // PG Lens activates on a code file, as for a person
    const connected = wb.statusBarItem(new RegExp(`${profileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · (PG|PostgreSQL)`));
    await wb.see(connected, `the status bar on "${profileName}"`, 60_000);
    await wb.runCommand('PG Lens: Disconnect');
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /PG Lens: disconnected from/ });
    await wb.see(toast, 'a "PG Lens: disconnected from …" notification', 20_000);
    const item = await wb.see(wb.statusBarItem(/PG Lens: disconnected/), 'the status bar saying "PG Lens: disconnected"');
    await screenshot('disconnected');
    await item.click(); // the status bar item reconnects
    await wb.see(connected, `the status bar on "${profileName}" again after Reconnect from the status bar`, 60_000);
    await wb.until(async () => (await toast.count()) === 0, 'the "disconnected" notification to go once connected again', 10_000);
    await wb.runCommand('Notifications: Show Notifications');
    const centre = page.locator('.notifications-center');
    await wb.see(centre, 'the notification centre');
    const messages = (await centre.locator('.notification-list-item-message').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
    log(`notification centre after reconnect: ${messages.join(' | ') || '(empty)'}`);
    await screenshot('reconnected');
    const stale = messages.filter((m) => /disconnected/i.test(m));
    if (stale.length) throw new StepFailure(`expected no "disconnected" notification after reconnecting; the notification centre holds: ${stale.join(' | ')}`);
    await wb.runCommand('Notifications: Hide Notifications');
  },
};
