import { seriousFindings } from './support/axe.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { addTask, editTask, hasChromium, launchBrowser, signUp, taskItem, uniqueEmail } from './support/browser.js';

describe.skipIf(!hasChromium)('e2e: accessibility (axe-core, WCAG 2.2 AA)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('sign-in screen: no serious or critical findings', async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel('Email').waitFor();
    expect(await seriousFindings(page)).toEqual([]);
  });

  it('task list with every kind of chip (urgent, high, overdue, in progress, tags): none', async () => {
    await signUp(page, server.url, uniqueEmail('a11y'));
    for (const [text, title] of [
      ['Plain one', 'Plain one'],
      ['Fix the roof !urgent #home', 'Fix the roof'],
      ['Call the bank !high', 'Call the bank'],
      ['Water plants #home', 'Water plants'],
    ] as const) {
      const box = page.getByRole('textbox', { name: 'New task' });
      await box.fill(text);
      await box.press('Enter');
      await taskItem(page, title).waitFor();
    }
    await editTask(page, 'Plain one', async (editor) => {
      await editor.getByLabel('Status').selectOption('in-progress');
    });
    await expect.poll(() => taskItem(page, 'Plain one').getByText('In progress').count()).toBe(1);
    await expect.poll(() => taskItem(page, 'Fix the roof').getByText('Urgent').count()).toBe(1);
    expect(await seriousFindings(page)).toEqual([]);
  });

  it('with the editor open: none', async () => {
    await taskItem(page, 'Call the bank').getByRole('button', { name: 'Call the bank', exact: true }).click();
    await page.getByRole('region', { name: 'Edit task' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await page.getByRole('button', { name: 'Close editor' }).click();
  });

  it('settings dialog: none', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog').waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('the first Tab stop is a skip link that moves the focus to the tasks', async () => {
    await page.reload();
    await taskItem(page, 'Plain one').waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to tasks' });
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('on a phone, the checkbox, drag handle and delete button are 44 x 44 px targets', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      const mobile = await phone.newPage();
      await signUp(mobile, server.url, uniqueEmail('phone'));
      await addTask(mobile, 'Tap me');
      const row = taskItem(mobile, 'Tap me');
      for (const target of [
        row.getByRole('checkbox', { name: 'Tap me' }),
        row.getByRole('button', { name: 'Reorder Tap me' }),
        row.getByRole('button', { name: 'Delete Tap me' }),
      ]) {
        const box = await target.boundingBox();
        expect(box!.width).toBeGreaterThanOrEqual(44);
        expect(box!.height).toBeGreaterThanOrEqual(44);
      }
      expect(await seriousFindings(mobile)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
