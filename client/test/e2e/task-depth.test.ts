import { seriousFindings } from './support/axe.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  waitForServiceWorker,
  waitForSyncStatus,
} from './support/browser.js';

const box = (page: Page) => page.getByRole('textbox', { name: 'New task' });
const preview = (page: Page) => page.getByRole('group', { name: 'Will be added as' });
const editor = (page: Page) => page.getByRole('region', { name: 'Edit task' });

async function openEditor(page: Page, title: string) {
  await taskItem(page, title).getByRole('button', { name: title, exact: true }).click();
  await editor(page).waitFor();
  return editor(page);
}

describe.skipIf(!hasChromium)('e2e: task depth (quick add preview, repeats, subtasks, reminders)', () => {
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

  async function device(email: string, options: { signUp?: boolean; notifications?: boolean } = {}) {
    const context = await browser.newContext(options.notifications ? { permissions: ['notifications'] } : {});
    contexts.push(context);
    const page = await context.newPage();
    if (options.signUp) await signUp(page, server.url, email);
    else await signIn(page, server.url, email);
    await waitForSyncStatus(page, 'idle');
    return { context, page };
  }

  it('quick add shows what it understood as chips; removing one keeps its text in the title', async () => {
    const { page } = await device(uniqueEmail('quickadd'), { signUp: true });
    await box(page).click();
    await box(page).fill('Pay rent tomorrow at 3pm every month !high #home');
    const chips = preview(page);
    await chips.waitFor();
    for (const name of [
      'Remove Tomorrow',
      'Remove 3:00 PM',
      'Remove Every month',
      'Remove High priority',
      'Remove #home',
    ])
      await chips.getByRole('button', { name }).waitFor();

    await chips.getByRole('button', { name: 'Remove High priority' }).click();
    await expect.poll(() => chips.getByRole('button', { name: 'Remove High priority' }).count()).toBe(0);
    await box(page).press('Enter');
    await taskItem(page, 'Pay rent !high').waitFor();
    await expect.poll(() => box(page).inputValue()).toBe('');

    const panel = await openEditor(page, 'Pay rent !high');
    expect(await panel.getByRole('textbox', { name: 'Due time', exact: true }).inputValue()).toBe('15:00');
    expect(await panel.getByRole('combobox', { name: 'Priority' }).inputValue()).toBe('none');
    expect(await panel.getByRole('combobox', { name: 'Repeat' }).locator('option:checked').textContent()).toMatch(
      /Every month/,
    );
    await panel.getByRole('button', { name: 'Close editor' }).click();

    // A line that is only shorthand is refused with a hint, and the text stays.
    await box(page).fill('!high');
    await box(page).press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Add a title' }).waitFor();
    expect(await box(page).inputValue()).toBe('!high');
    // "#142" stays in the title.
    await box(page).fill('Fix bug #142');
    await box(page).press('Enter');
    await taskItem(page, 'Fix bug #142').waitFor();
  });

  it('a repeating task completed on two offline devices leaves one next occurrence on both', async () => {
    const email = uniqueEmail('repeat');
    const a = await device(email, { signUp: true });
    const b = await device(email);
    await box(a.page).click();
    await box(a.page).fill('Water plants every day');
    await preview(a.page)
      .getByRole('button', { name: /^Remove Every day/ })
      .waitFor();
    await box(a.page).press('Enter');
    await taskItem(a.page, 'Water plants').waitFor();
    await taskItem(b.page, 'Water plants').waitFor({ timeout: 10_000 });
    await Promise.all([waitForSyncStatus(a.page, 'idle'), waitForSyncStatus(b.page, 'idle')]);

    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await Promise.all([waitForSyncStatus(a.page, 'offline'), waitForSyncStatus(b.page, 'offline')]);
    for (const { page } of [a, b]) {
      await taskItem(page, 'Water plants').getByRole('checkbox').check();
      // Locally: the completed occurrence and the next one.
      await expect.poll(() => taskItem(page, 'Water plants').count()).toBe(2);
    }
    await a.context.setOffline(false);
    await b.context.setOffline(false);
    await Promise.all([waitForSyncStatus(a.page, 'idle', 30_000), waitForSyncStatus(b.page, 'idle', 30_000)]);

    for (const { page } of [a, b]) {
      const rows = taskItem(page, 'Water plants');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
      const checked = await Promise.all((await rows.all()).map((row) => row.getByRole('checkbox').isChecked()));
      expect(checked.sort()).toEqual([false, true]);
    }
    // The open one is due tomorrow: it is in Upcoming, under tomorrow.
    await a.page.getByRole('link', { name: 'Upcoming' }).click();
    await a.page.getByRole('heading', { name: /^Tomorrow/ }).waitFor();
    const tomorrow = a.page.getByRole('region', { name: /^Tomorrow/ });
    await taskItem(a.page, 'Water plants').first().waitFor();
    expect(await tomorrow.getByRole('checkbox', { name: 'Water plants' }).count()).toBe(1);
  });

  it('subtasks: add, tick, and the row shows progress', async () => {
    const { page } = await device(uniqueEmail('subtasks'), { signUp: true });
    await addTask(page, 'Pack for the trip');
    const panel = await openEditor(page, 'Pack for the trip');
    for (const title of ['Passport', 'Charger', 'Socks']) {
      await panel.getByRole('textbox', { name: 'Add subtask' }).fill(title);
      await panel.getByRole('textbox', { name: 'Add subtask' }).press('Enter');
      await panel.getByRole('checkbox', { name: title }).waitFor();
    }
    await panel.getByRole('checkbox', { name: 'Passport' }).check();
    await panel.getByRole('button', { name: 'Remove subtask Socks' }).click();
    await expect.poll(() => panel.getByRole('checkbox', { name: 'Socks' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Close editor' }).click();
    await taskItem(page, 'Pack for the trip').getByText('1 of 2 subtasks done').waitFor();
    await page.reload();
    await taskItem(page, 'Pack for the trip').getByText('1 of 2 subtasks done').waitFor();
  });

  it('reminders: a system notification through the service worker when permitted, shown once across devices; in the app otherwise', async () => {
    const email = uniqueEmail('remind');
    const a = await device(email, { signUp: true, notifications: true });
    await waitForServiceWorker(a.page);
    await addTask(a.page, 'Call the plumber');
    const panel = await openEditor(a.page, 'Call the plumber');
    await panel.getByRole('combobox', { name: 'Remind me' }).selectOption('at');
    // Now (to the minute): due at once.
    const now = await a.page.evaluate(() => {
      const d = new Date();
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    });
    await panel.getByLabel('Remind me at').fill(now);
    await panel.getByRole('button', { name: 'Close editor' }).click();
    await expect
      .poll(
        () =>
          a.page.evaluate(async () =>
            (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title),
          ),
        { timeout: 15_000 },
      )
      .toEqual(['Call the plumber']);
    expect(await a.page.getByRole('alert').filter({ hasText: 'Reminder:' }).count()).toBe(0);
    await waitForSyncStatus(a.page, 'idle');

    // Another device of the user, without the permission: the mark synced, so it does not remind again.
    const b = await device(email);
    await taskItem(b.page, 'Call the plumber').waitFor({ timeout: 10_000 });
    await b.page.locator('[data-reminders="holder"]').waitFor({ state: 'attached' });
    expect(await b.page.getByRole('alert').filter({ hasText: 'Reminder:' }).count()).toBe(0);

    // A new reminder on the device without the permission is shown in the app. (The first device
    // closes first: open, it could deliver the reminder before this one, and its mark would sync.)
    await a.context.close();
    await addTask(b.page, 'Feed the cat');
    const other = await openEditor(b.page, 'Feed the cat');
    await other.getByRole('combobox', { name: 'Remind me' }).selectOption('at');
    await other.getByLabel('Remind me at').fill(now);
    await other.getByRole('button', { name: 'Close editor' }).click();
    await b.page.getByRole('alert').filter({ hasText: 'Reminder: Feed the cat' }).waitFor({ timeout: 15_000 });
  });

  it('lists: rename (with colour and icon) and delete in dialogs; delete moves tasks to the Inbox and can be undone', async () => {
    const { page } = await device(uniqueEmail('lists'), { signUp: true });
    const newList = page.getByRole('textbox', { name: 'New list' });
    await newList.fill('Groceries');
    await newList.press('Enter');
    await page.getByRole('heading', { name: 'Groceries' }).waitFor();
    await box(page).click();
    await box(page).fill('Buy eggs @groceries');
    await preview(page).getByRole('button', { name: 'Remove Groceries' }).waitFor();
    await box(page).press('Enter');
    await taskItem(page, 'Buy eggs').waitFor();

    // The row's buttons show on hover or keyboard focus.
    await page.getByRole('link', { name: /Groceries/ }).hover();
    await page.getByRole('button', { name: 'Rename list Groceries' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename list' });
    await rename.getByRole('textbox', { name: 'Name' }).fill('Shopping');
    await rename.getByRole('radio', { name: 'Green' }).check();
    await rename.getByRole('radio', { name: 'Cart' }).check();
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: /Shopping/ }).waitFor();
    expect(await page.getByRole('link', { name: /Shopping/ }).textContent()).toContain('🛒');

    await page.getByRole('link', { name: /Shopping/ }).hover();
    await page.getByRole('button', { name: 'Delete list Shopping' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete list' });
    await remove.getByText('move to the Inbox').waitFor();
    await remove.getByRole('button', { name: 'Delete list' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await taskItem(page, 'Buy eggs').waitFor();
    // The sidebar drops the list when the lists query emits, which can come a frame after the Inbox.
    await expect.poll(() => page.getByRole('link', { name: /Shopping/ }).count(), { timeout: 5_000 }).toBe(0);

    await page
      .getByRole('status')
      .filter({ hasText: 'Deleted list “Shopping”' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await page.getByRole('link', { name: /Shopping/ }).click();
    await page.getByRole('heading', { name: 'Shopping' }).waitFor();
    await taskItem(page, 'Buy eggs').waitFor();
  });

  it('axe: the quick-add preview, Upcoming, the editor schedule and checklist, and the list dialogs have no serious or critical findings', async () => {
    const { page } = await device(uniqueEmail('axe-depth'), { signUp: true });
    const newList = page.getByRole('textbox', { name: 'New list' });
    await newList.fill('Home');
    await newList.press('Enter');
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await box(page).click();
    await box(page).fill('Pay rent tomorrow at 9am every month !high #bills @home');
    await preview(page).getByRole('button', { name: 'Remove #bills' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await box(page).press('Enter');
    await taskItem(page, 'Pay rent').waitFor();

    const panel = await openEditor(page, 'Pay rent');
    await panel.getByRole('textbox', { name: 'Add subtask' }).fill('Transfer');
    await panel.getByRole('textbox', { name: 'Add subtask' }).press('Enter');
    await panel.getByRole('checkbox', { name: 'Transfer' }).waitFor();
    await panel.getByRole('combobox', { name: 'Remind me' }).selectOption('before:15');
    expect(await seriousFindings(page)).toEqual([]);
    await panel.getByRole('button', { name: 'Close editor' }).click();

    await page.getByRole('link', { name: 'Upcoming' }).click();
    await page.getByRole('heading', { name: /^Tomorrow/ }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);

    await page.getByRole('link', { name: /Home/ }).hover();
    await page.getByRole('button', { name: 'Rename list Home' }).click();
    await page.getByRole('dialog', { name: 'Rename list' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await page.getByRole('dialog', { name: 'Rename list' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: /Home/ }).hover();
    await page.getByRole('button', { name: 'Delete list Home' }).click();
    await page.getByRole('dialog', { name: 'Delete list' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
  });
});
