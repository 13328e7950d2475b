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
  signUp,
  taskItem,
  uniqueEmail,
  waitForSyncStatus,
} from './support/browser.js';

const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'taskmaster-e2e-screenshots');
const box = (page: Page) => page.getByRole('textbox', { name: 'New task' });

/** The browser's local day `days` from today, `YYYY-MM-DD`. */
const localDayIn = (page: Page, days: number) =>
  page.evaluate((n) => {
    const d = new Date();
    d.setDate(d.getDate() + n);
    const pad = (v: number) => String(v).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }, days);

/** The Upcoming section of a day (its heading holds the long date, e.g. "Friday, 4 December"). */
const daySection = (page: Page, day: string) => page.locator(`section[aria-labelledby="upcoming-${day}"]`);

describe.skipIf(!hasChromium)('e2e: Upcoming repeats and start dates', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
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

  it('Upcoming shows the next occurrences of a repeating task, marked as repeats, without writing them', async () => {
    const page = await newPage();
    await signUp(page, server.url, uniqueEmail('repeats'));
    await box(page).click();
    await box(page).fill('Water plants every day');
    await page
      .getByRole('group', { name: 'Will be added as' })
      .getByRole('button', { name: /^Remove Every day/ })
      .waitFor();
    await box(page).press('Enter');
    await taskItem(page, 'Water plants').waitFor();
    await waitForSyncStatus(page, 'idle');

    await page.getByRole('link', { name: 'Upcoming' }).click();
    const today = await localDayIn(page, 0);
    const tomorrow = await localDayIn(page, 1);
    const last = await localDayIn(page, 13);
    // The task itself today (with its checkbox); one projected row on each of the next 13 days.
    await expect.poll(() => page.locator('[data-projected-date]').count()).toBe(13);
    expect(await daySection(page, today).getByRole('checkbox', { name: 'Water plants' }).count()).toBe(1);
    const projected = daySection(page, tomorrow).getByRole('listitem').filter({ hasText: 'Water plants' });
    expect(await projected.count()).toBe(1);
    expect(await projected.getByRole('checkbox').count()).toBe(0);
    expect(await projected.textContent()).toContain('Repeats');
    expect(await daySection(page, last).locator('[data-projected-date]').count()).toBe(1);
    expect(await seriousFindings(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'upcoming-repeats.png') });

    // Display only: the device and the server still hold one task.
    const userId = await page.evaluate(
      () => (JSON.parse(localStorage.getItem('taskmaster.session') ?? '{}') as { user?: { id?: string } }).user?.id,
    );
    expect((await server.store.pull(userId!, 'tasks', 0, 100)).length).toBe(1);
    // A projected row opens the repeating task.
    await projected.getByRole('button', { name: 'Water plants' }).click();
    await page.getByRole('region', { name: 'Edit task' }).waitFor();
  });

  it('a task whose start date is ahead leaves All tasks, shows in Upcoming on its start day and in its list as "Starts …", and search finds it', async () => {
    const page = await newPage();
    await signUp(page, server.url, uniqueEmail('start'));
    const newList = page.getByRole('textbox', { name: 'New list' });
    await newList.fill('Travel');
    await newList.press('Enter');
    await page.getByRole('heading', { name: 'Travel' }).waitFor();
    await addTask(page, 'Plan the trip');
    await addTask(page, 'Book the hotel');
    const start = await localDayIn(page, 3);

    await taskItem(page, 'Plan the trip').getByRole('button', { name: 'Plan the trip', exact: true }).click();
    const editor = page.getByRole('region', { name: 'Edit task' });
    await editor.getByLabel('Start date').fill(start);
    await editor.screenshot({ path: join(SCREENSHOT_DIR, 'editor-start-date.png') });
    await editor.getByRole('button', { name: 'Close editor' }).click();

    // In its list: after the started task, marked with its start day.
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: 'Tasks' })
          .getByRole('checkbox')
          .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label'))),
      )
      .toEqual(['Book the hotel', 'Plan the trip']);
    expect(await taskItem(page, 'Plan the trip').textContent()).toMatch(/Starts /);

    // All tasks (the default view) leaves it out until it starts.
    await page.getByRole('link', { name: /^All tasks/ }).click();
    await taskItem(page, 'Book the hotel').waitFor();
    await expect.poll(() => taskItem(page, 'Plan the trip').count()).toBe(0);

    // Search finds it anyway.
    await page.getByRole('searchbox').fill('trip');
    await taskItem(page, 'Plan the trip').waitFor();
    await page.getByRole('searchbox').fill('');

    // Upcoming lists it on its start day.
    await page.getByRole('link', { name: 'Upcoming' }).click();
    await daySection(page, start).getByRole('checkbox', { name: 'Plan the trip' }).waitFor();
  });
});
