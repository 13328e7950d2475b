/**
 * Takes the README screenshots from the real app: `npx tsx client/scripts/take-screenshots.ts`.
 * Starts a sync server serving the production build, drives two devices in headless Chromium, and
 * writes client/docs/screenshots/{task-list,quick-add,upcoming,offline,conflict}.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAppServer } from '../test/e2e/support/app-server.js';
import { CLIENT_DIR } from '../test/e2e/support/client-build.js';
import {
  addTask,
  editTask,
  launchBrowser,
  signIn,
  signUp,
  taskItem,
  uniqueEmail,
  waitForSyncStatus,
} from '../test/e2e/support/browser.js';

const out = (name: string) => join(CLIENT_DIR, 'docs', 'screenshots', name);

async function seed(page: Page) {
  const box = page.getByRole('textbox', { name: 'New task' });
  await page.getByRole('textbox', { name: 'New list' }).fill('Work');
  await page.getByRole('textbox', { name: 'New list' }).press('Enter');
  await page.getByRole('heading', { name: 'Work' }).waitFor();
  for (const title of [
    'Prepare the quarterly review !high',
    'Reply to the design feedback #email',
    'Book a room for the offsite',
  ]) {
    await box.fill(title);
    await box.press('Enter');
  }
  await page.getByRole('link', { name: /All tasks/ }).click();
  for (const title of [
    'Renew passport !urgent',
    'Buy oat milk #groceries',
    'Call the dentist',
    'Plan the weekend hike #outdoors !low',
  ]) {
    await box.fill(title);
    await box.press('Enter');
  }
  await editTask(page, 'Renew passport', async (editor) => {
    await editor.getByRole('button', { name: 'Today' }).click();
  });
  await editTask(page, 'Buy oat milk', async (editor) => {
    await editor.getByRole('button', { name: 'Tomorrow' }).click();
  });
  await taskItem(page, 'Call the dentist').getByRole('checkbox').check();
}

const server = await startAppServer();
const browser = await launchBrowser();
try {
  const email = uniqueEmail('screens');
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  const phone = await browser.newContext({
    viewport: { width: 390, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const a = await laptop.newPage();
  const b = await phone.newPage();
  await signUp(a, server.url, email);
  await seed(a);
  await signIn(b, server.url, email);
  await taskItem(b, 'Plan the weekend hike').waitFor();
  await Promise.all([waitForSyncStatus(a, 'idle'), waitForSyncStatus(b, 'idle')]);
  await a.mouse.move(0, 0);
  // The one-time "ready to work offline" toast would cover the last row.
  await a.getByText('ready to work offline').waitFor({ state: 'hidden', timeout: 10_000 });
  await a.screenshot({ path: out('task-list.png') });

  // Quick add with its preview, then the Upcoming view with repeats and subtask progress.
  const box = a.getByRole('textbox', { name: 'New task' });
  await box.click();
  await box.fill('Pay rent tomorrow at 9am every month !high #home');
  await a.getByRole('group', { name: 'Will be added as' }).getByRole('button', { name: 'Remove #home' }).waitFor();
  await a.screenshot({ path: out('quick-add.png'), clip: { x: 0, y: 0, width: 1280, height: 380 } });
  await box.press('Enter');
  await taskItem(a, 'Pay rent').waitFor();
  for (const line of [
    'Standup weekdays at 9:15',
    'Water the plants every 3 days',
    'Dentist in 3 days at 4pm',
    'Pack for the trip in 5 days',
  ]) {
    await box.fill(line);
    await box.press('Enter');
    await a.waitForFunction(
      (text) => (document.querySelector('input[aria-label="New task"]') as HTMLInputElement).value !== text,
      line,
    );
  }
  await editTask(a, 'Pack for the trip', async (editor) => {
    for (const title of ['Passport', 'Charger', 'Hiking boots']) {
      await editor.getByRole('textbox', { name: 'Add subtask' }).fill(title);
      await editor.getByRole('textbox', { name: 'Add subtask' }).press('Enter');
      await editor.getByRole('checkbox', { name: title }).waitFor();
    }
    await editor.getByRole('checkbox', { name: 'Passport' }).check();
  });
  await a.getByRole('link', { name: 'Upcoming' }).click();
  await a.getByRole('heading', { name: 'Upcoming' }).waitFor();
  await taskItem(a, 'Pack for the trip').getByText('1 of 3 subtasks done').waitFor();
  await a.mouse.move(0, 0);
  await a.screenshot({ path: out('upcoming.png') });
  await a.getByRole('link', { name: /All tasks/ }).click();

  // Both devices edit the same title offline: one value wins everywhere, the other is shown, not lost.
  await Promise.all([laptop.setOffline(true), phone.setOffline(true)]);
  await Promise.all([waitForSyncStatus(a, 'offline'), waitForSyncStatus(b, 'offline')]);
  await editTask(b, 'Buy oat milk', (editor) => editor.getByLabel('Title').fill('Buy oat milk and bread'));
  await addTask(b, 'Pick up the dry cleaning');
  // The one-time "ready to work offline" toast hides itself after a few seconds.
  await b.getByText('ready to work offline').waitFor({ state: 'hidden', timeout: 10_000 });
  await b.screenshot({ path: out('offline.png') });
  await editTask(a, 'Buy oat milk', (editor) => editor.getByLabel('Title').fill('Buy oat milk (2 cartons)'));
  await Promise.all([laptop.setOffline(false), phone.setOffline(false)]);
  const banner = a.locator('.conflict-banner');
  await banner.waitFor({ timeout: 15_000 });
  await banner.getByRole('button', { name: 'Review' }).click();
  await a.getByRole('note', { name: 'Sync conflicts' }).waitFor();
  await a.mouse.move(0, 0);
  await a.screenshot({ path: out('conflict.png') });
} finally {
  await browser.close();
  await server.dispose();
}
