import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { hasChromium, launchBrowser, signUp, uniqueEmail, waitForSyncStatus } from './support/browser.js';

describe.skipIf(!hasChromium)('e2e: the sync indicator names the right cause', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('says "Can\'t reach server" while the browser is online but the server is down, and "Offline" when the browser is', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signUp(page, server.url, uniqueEmail('indicator'));
      await waitForSyncStatus(page, 'idle');
      const indicator = page.getByRole('status').filter({ has: page.locator('.sync__label') });

      await server.stop();
      await expect.poll(() => indicator.getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/^Can't reach server/);
      expect(await page.evaluate(() => navigator.onLine)).toBe(true);

      await context.setOffline(true);
      await expect.poll(() => indicator.getAttribute('aria-label')).toMatch(/^Offline/);
    } finally {
      await context.close();
    }
  });
});
