import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  // Visible, not silent: these suites are reported as skipped, and this says why.
  console.warn(
    `SKIPPING Chromium e2e tests: no browser at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

/** DESIGN.md's flags for Debian's headless Chromium. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A non-incognito profile: installability checks report `in-incognito` in ordinary contexts. */
export async function launchPersistent(): Promise<{ context: BrowserContext; dispose(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'taskmaster-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async dispose() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

let userCounter = 0;
export function uniqueEmail(prefix = 'user'): string {
  userCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${userCounter}@example.com`;
}
export const PASSWORD = 'correct horse battery staple';

export async function signUp(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('textbox', { name: 'New task' }).waitFor();
}

export async function signIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'New task' }).waitFor();
}

export async function addTask(page: Page, title: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'New task' });
  await box.fill(title);
  await box.press('Enter');
  await taskItem(page, title).waitFor();
}

/** The task's row: a list item whose completion checkbox is named by the title. */
/** The keyboard shortcuts load in their own chunk after the list: wait for them before pressing keys. */
export async function shortcutsReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.shortcuts === 'ready');
}

export function taskItem(page: Page, title: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: title, exact: true }) });
}

/** Waits for the sync indicator to report a state (`idle` = connected and nothing pending). */
export async function waitForSyncStatus(
  page: Page,
  status: 'idle' | 'offline' | 'syncing' | 'error',
  timeout = 15_000,
): Promise<void> {
  await page.locator(`[data-status="${status}"]`).waitFor({ timeout });
}

/** Resolves once a service worker controls the page's scope (it then serves the shell offline). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** Edits one field of a task through the editor panel. */
export async function editTask(
  page: Page,
  title: string,
  edit: (editor: ReturnType<Page['getByRole']>) => Promise<void>,
): Promise<void> {
  await taskItem(page, title).getByRole('button', { name: title, exact: true }).click();
  const editor = page.getByRole('region', { name: 'Edit task' });
  await edit(editor);
  await editor.getByRole('button', { name: 'Close editor' }).click();
}
