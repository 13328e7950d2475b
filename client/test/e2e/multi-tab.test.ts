import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import {
  addTask,
  hasChromium,
  launchBrowser,
  signIn,
  signUp,
  taskItem,
  uniqueEmail,
  waitForSyncStatus,
} from './support/browser.js';

function countSockets(page: Page): { opened: number } {
  const counter = { opened: 0 };
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) counter.opened += 1;
  });
  return counter;
}

/** Tabs of one browser profile share one database and elect one leader that holds the only socket. */
describe.skipIf(!hasChromium)('e2e: several tabs of one browser', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.dispose();
  });

  it('only the leader tab holds a socket, every tab updates live, and another tab takes over when the leader closes', async () => {
    const email = uniqueEmail('tabs');
    const context = await browser.newContext();
    const otherDevice = await browser.newContext();
    contexts.push(context, otherDevice);

    const tab1 = await context.newPage();
    const sockets1 = countSockets(tab1);
    await signUp(tab1, server.url, email);
    await waitForSyncStatus(tab1, 'idle');

    const tab2 = await context.newPage();
    const sockets2 = countSockets(tab2);
    await tab2.goto(server.url);
    await tab2.getByRole('textbox', { name: 'New task' }).waitFor();
    // The follower shows the leader's sync state.
    await waitForSyncStatus(tab2, 'idle');

    await addTask(tab1, 'Added in tab 1');
    await taskItem(tab2, 'Added in tab 1').waitFor({ timeout: 5_000 });
    await addTask(tab2, 'Added in tab 2');
    await taskItem(tab1, 'Added in tab 2').waitFor({ timeout: 5_000 });

    // Tab 2's write leaves the browser through tab 1's socket and reaches another device.
    const device = await otherDevice.newPage();
    await signIn(device, server.url, email);
    await taskItem(device, 'Added in tab 2').waitFor({ timeout: 10_000 });
    expect(sockets1.opened).toBeGreaterThanOrEqual(1);
    expect(sockets2.opened).toBe(0);

    // The leader goes away: tab 2 is elected, opens the socket and keeps receiving changes.
    const takeover = tab2.waitForEvent('websocket', { timeout: 20_000 });
    await tab1.close();
    await takeover;
    await waitForSyncStatus(tab2, 'idle', 20_000);
    await addTask(device, 'After the handover');
    await taskItem(tab2, 'After the handover').waitFor({ timeout: 10_000 });
  });
});
