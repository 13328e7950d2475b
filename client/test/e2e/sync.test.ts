import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import {
  addTask,
  editTask,
  hasChromium,
  launchBrowser,
  PASSWORD,
  signIn,
  signUp,
  taskItem,
  uniqueEmail,
  waitForServiceWorker,
  waitForSyncStatus,
} from './support/browser.js';

/** Two "devices" of one user: separate browser contexts (separate IndexedDB, service worker, socket). */
describe.skipIf(!hasChromium)('e2e: sync between devices in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function twoDevices(): Promise<[Page, Page, BrowserContext, BrowserContext]> {
    const email = uniqueEmail('devices');
    const a = await browser.newContext();
    const b = await browser.newContext();
    contexts.push(a, b);
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await signUp(pageA, server.url, email);
    await signIn(pageB, server.url, email);
    await Promise.all([waitForSyncStatus(pageA, 'idle'), waitForSyncStatus(pageB, 'idle')]);
    return [pageA, pageB, a, b];
  }

  it('a task added on one device appears live on the other', async () => {
    const [pageA, pageB] = await twoDevices();
    await addTask(pageA, 'Buy oat milk');
    await taskItem(pageB, 'Buy oat milk').waitFor({ timeout: 5_000 });
    await taskItem(pageB, 'Buy oat milk').getByRole('checkbox').check();
    await expect
      .poll(() => taskItem(pageA, 'Buy oat milk').getByRole('checkbox').isChecked(), { timeout: 5_000 })
      .toBe(true);
  });

  it('works offline, survives an offline reload, and syncs when back online', async () => {
    const [pageA, pageB, contextA] = await twoDevices();
    await addTask(pageA, 'Existing task');
    await taskItem(pageB, 'Existing task').waitFor();
    await waitForServiceWorker(pageA);

    await contextA.setOffline(true);
    await waitForSyncStatus(pageA, 'offline');
    await addTask(pageA, 'Written offline');
    await editTask(pageA, 'Existing task', (editor) =>
      editor.getByLabel('Title').fill('Existing task, edited offline'),
    );
    await taskItem(pageA, 'Existing task, edited offline').waitFor();
    await expect.poll(() => pageA.getByRole('status').first().getAttribute('aria-label')).toMatch(/not synced/);

    // Still offline: the service worker serves the shell and IndexedDB still has the tasks.
    await pageA.reload();
    await taskItem(pageA, 'Written offline').waitFor();
    await taskItem(pageA, 'Existing task, edited offline').waitFor();
    await waitForSyncStatus(pageA, 'offline');
    expect(await taskItem(pageB, 'Written offline').count()).toBe(0);

    await contextA.setOffline(false);
    await taskItem(pageB, 'Written offline').waitFor({ timeout: 15_000 });
    await taskItem(pageB, 'Existing task, edited offline').waitFor({ timeout: 15_000 });
    await waitForSyncStatus(pageA, 'idle');
  });

  it('concurrent offline edits to different fields of one task both survive on both devices', async () => {
    const [pageA, pageB, contextA, contextB] = await twoDevices();
    await addTask(pageA, 'Shared task');
    await taskItem(pageB, 'Shared task').waitFor();
    await Promise.all([waitForSyncStatus(pageA, 'idle'), waitForSyncStatus(pageB, 'idle')]);

    await Promise.all([contextA.setOffline(true), contextB.setOffline(true)]);
    await Promise.all([waitForSyncStatus(pageA, 'offline'), waitForSyncStatus(pageB, 'offline')]);
    await editTask(pageA, 'Shared task', (editor) => editor.getByLabel('Title').fill('Shared task, renamed on A'));
    await editTask(pageB, 'Shared task', async (editor) => {
      await editor.getByLabel('Priority').selectOption('urgent');
    });
    await taskItem(pageB, 'Shared task').getByText('Urgent').waitFor();

    await Promise.all([contextA.setOffline(false), contextB.setOffline(false)]);
    for (const page of [pageA, pageB]) {
      await taskItem(page, 'Shared task, renamed on A').getByText('Urgent').waitFor({ timeout: 15_000 });
    }
  });

  it('sign-out removes the local data; signing in again rebuilds it from the server', async () => {
    const email = uniqueEmail('signout');
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signUp(page, server.url, email);
    await addTask(page, 'Kept on the server');
    await waitForSyncStatus(page, 'idle');
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    expect((await databases()).some((name) => name.includes('taskmaster-'))).toBe(true);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').waitFor();
    await expect.poll(async () => (await databases()).some((name) => name.includes('taskmaster-'))).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem('taskmaster.session'))).toBeNull();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await taskItem(page, 'Kept on the server').waitFor({ timeout: 15_000 });
  });
});
