import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import {
  addTask,
  hasChromium,
  launchBrowser,
  shortcutsReady,
  signUp,
  taskItem,
  uniqueEmail,
} from './support/browser.js';

const titles = (page: Page) =>
  page
    .getByRole('list', { name: 'Tasks' })
    .getByRole('checkbox')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));

describe.skipIf(!hasChromium)('e2e: working with tasks', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('reorders by dragging the handle and with Alt+arrows, and the order persists', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    await signUp(page, server.url, uniqueEmail('order'));
    for (const title of ['Third', 'Second', 'First']) await addTask(page, title);
    expect(await titles(page)).toEqual(['First', 'Second', 'Third']);

    // Drag "Third" above "First".
    const handle = taskItem(page, 'Third').getByRole('button', { name: 'Reorder Third' });
    const target = await taskItem(page, 'First').boundingBox();
    const from = await handle.boundingBox();
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(from!.x + 5, target!.y + 4, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => titles(page)).toEqual(['Third', 'First', 'Second']);

    // Keyboard: focus "Third" and move it down twice.
    await shortcutsReady(page);
    await taskItem(page, 'Third').getByRole('checkbox').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => titles(page)).toEqual(['First', 'Third', 'Second']);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => titles(page)).toEqual(['First', 'Second', 'Third']);

    await page.reload();
    await taskItem(page, 'Third').waitFor();
    expect(await titles(page)).toEqual(['First', 'Second', 'Third']);
  });

  it('deletes with undo from the keyboard, and searches offline', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await shortcutsReady(page);
    await taskItem(page, 'First').getByRole('checkbox').focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => titles(page)).toEqual(['Second', 'Third']);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => titles(page)).toEqual(['First', 'Second', 'Third']);

    await context.setOffline(true);
    await page.keyboard.press('/');
    await page.keyboard.type('sec');
    await expect.poll(() => titles(page)).toEqual(['Second']);
    await context.setOffline(false);
  });
});
