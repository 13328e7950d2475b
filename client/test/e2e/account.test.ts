import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousFindings } from './support/axe.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import {
  addTask,
  hasChromium,
  launchBrowser,
  PASSWORD,
  signIn,
  signUp,
  taskItem,
  uniqueEmail,
  waitForSyncStatus,
} from './support/browser.js';

/** Where the screenshots of the account settings go (`E2E_SCREENSHOT_DIR` to keep them elsewhere). */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'taskmaster-e2e-screenshots');
const NEW_PASSWORD = 'violet kettle drums at midnight';

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.waitFor();
  return dialog;
}

/** The sign-in screen, as a signed-out device shows it. */
async function signedOut(page: Page, timeout = 30_000) {
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout });
}

async function trySignIn(page: Page, url: string, email: string, password: string) {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Names of this origin's IndexedDB databases that hold a user's local copy (RxDB on Dexie). */
const localDatabases = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.includes('rxdb')));

describe.skipIf(!hasChromium)('e2e: account settings', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const device = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('changes the password: a wrong current one is refused with a message, the other device is signed out, this one stays signed in', async () => {
    const email = uniqueEmail('password');
    const laptop = await device();
    await signUp(laptop, server.url, email);
    await addTask(laptop, 'Water the plants');
    const phone = await device();
    await signIn(phone, server.url, email);
    await taskItem(phone, 'Water the plants').waitFor();
    await waitForSyncStatus(phone, 'idle');

    const settings = await openSettings(laptop);
    const toggle = settings.getByRole('button', { name: 'Change password' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const form = settings.getByRole('form', { name: 'Change password' });
    // The form opens with the focus in its first field, and is filled from the keyboard.
    await expect
      .poll(() => laptop.evaluate(() => document.activeElement?.getAttribute('autocomplete')))
      .toBe('current-password');
    await laptop.keyboard.type('not my password');
    await laptop.keyboard.press('Tab');
    await laptop.keyboard.type(NEW_PASSWORD);
    await laptop.keyboard.press('Tab');
    await laptop.keyboard.type(NEW_PASSWORD);
    await laptop.screenshot({ path: join(SCREENSHOT_DIR, 'settings-change-password.png') });
    await laptop.keyboard.press('Enter');
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('Your current password is not correct.');
    expect(await seriousFindings(laptop)).toEqual([]);

    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Save new password' }).click();
    await expect
      .poll(() => settings.getByRole('status').textContent())
      .toBe('Your password was changed. 1 other device was signed out; this one stays signed in.');
    await settings.screenshot({ path: join(SCREENSHOT_DIR, 'settings-password-changed.png') });

    // The phone's session was revoked: it ends up at the sign-in screen, its local copy removed.
    await signedOut(phone);
    // The laptop stays signed in, also after a reload, and keeps syncing.
    await laptop.reload();
    await taskItem(laptop, 'Water the plants').waitFor();
    await waitForSyncStatus(laptop, 'idle');
    await addTask(laptop, 'After the change');
    await expect.poll(async () => (await server.store.pull(await userIdOf(laptop), 'tasks', 0, 100)).length).toBe(2);

    // The old password no longer signs in; the new one does.
    await trySignIn(phone, server.url, email, PASSWORD);
    await expect.poll(() => phone.getByRole('alert').textContent()).toMatch(/do not match an account/);
    await trySignIn(phone, server.url, email, NEW_PASSWORD);
    await taskItem(phone, 'After the change').waitFor();
  });

  it('deletes the account: a confirm step with the password, the server erases everything, both devices end at sign-in with no local data', async () => {
    const email = uniqueEmail('erase');
    const laptop = await device();
    await signUp(laptop, server.url, email);
    await addTask(laptop, 'Secret plans');
    const phone = await device();
    await signIn(phone, server.url, email);
    await taskItem(phone, 'Secret plans').waitFor();
    await waitForSyncStatus(phone, 'idle');
    const userId = await userIdOf(laptop);
    await expect.poll(async () => (await server.store.pull(userId, 'tasks', 0, 100)).length).toBe(1);
    expect(await localDatabases(laptop)).not.toEqual([]);

    const settings = await openSettings(laptop);
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    const confirm = settings.getByRole('form', { name: 'Delete my account' });
    await confirm.getByLabel('Type your password to confirm').fill('not my password');
    await laptop.screenshot({ path: join(SCREENSHOT_DIR, 'settings-delete-account.png') });
    await laptop.keyboard.press('Enter');
    await expect.poll(() => confirm.getByRole('alert').textContent()).toBe('That password is not correct.');
    expect(await seriousFindings(laptop)).toEqual([]);
    expect(await server.accounts.findUserById(userId)).toBeDefined();

    // Escape closes the confirm step only; the dialog stays, and nothing was erased.
    await laptop.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await settings.waitFor();
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    await confirm.getByLabel('Type your password to confirm').fill(PASSWORD);
    await confirm.getByRole('button', { name: 'Delete my account forever' }).click();

    await signedOut(laptop);
    await signedOut(phone);
    expect(await server.accounts.findUserById(userId)).toBeUndefined();
    expect(await server.store.pull(userId, 'tasks', 0, 100)).toEqual([]);
    expect(await server.accounts.listSessions(userId)).toEqual([]);
    await expect.poll(() => localDatabases(laptop)).toEqual([]);
    await expect.poll(() => localDatabases(phone)).toEqual([]);
    expect(await laptop.evaluate(() => localStorage.getItem('taskmaster.session'))).toBeNull();

    await trySignIn(laptop, server.url, email, PASSWORD);
    await expect.poll(() => laptop.getByRole('alert').textContent()).toMatch(/do not match an account/);
  });
});

async function userIdOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => localStorage.getItem('taskmaster.session'));
  return (JSON.parse(raw ?? '{}') as { user?: { id?: string } }).user?.id ?? '';
}
