import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { addTask, hasChromium, launchBrowser, signUp, uniqueEmail, waitForSyncStatus } from './support/browser.js';

describe.skipIf(!hasChromium)('e2e: the production console', () => {
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

  it('prints no RxDB upsell banner through sign-up, the first writes and a reload', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const messages: ConsoleMessage[] = [];
      page.on('console', (message) => messages.push(message));
      await signUp(page, server.url, uniqueEmail('console'));
      await addTask(page, 'First write of this page');
      await waitForSyncStatus(page, 'idle');
      await page.reload();
      await addTask(page, 'First write after a reload');
      await waitForSyncStatus(page, 'idle');

      const texts = messages.map((m) => `${m.type()}: ${m.text()}`);
      expect(texts.filter((t) => t.includes('RxDB Open Core') || t.includes('rxdb.info/premium'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
