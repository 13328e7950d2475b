import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { hasChromium, launchBrowser, signUp, taskItem, uniqueEmail, waitForSyncStatus } from './support/browser.js';

const ROWS = 1_200;

/** A Todoist project export: ROWS tasks, every fifth with a subtask, plus a section and a row it cannot read. */
function todoistCsv(): string {
  const lines = ['TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE'];
  lines.push('section,Someday,,,,,,,,');
  for (let i = 0; i < ROWS; i += 1) {
    lines.push(`task,Imported ${i} @todoist,"Line one, with a comma",${(i % 4) + 1},1,,,2026-05-0${(i % 9) + 1},en,`);
    if (i % 5 === 0) lines.push(`task,Step of ${i},,4,2,,,,en,`);
  }
  lines.push('task,Weekly review,,4,1,,,every friday,en,');
  lines.push('meeting,Not a task,,,,,,,,');
  return `${lines.join('\r\n')}\r\n`;
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('region', { name: 'Import and export' }).getByRole('button', { name: 'Export' }).waitFor();
}

/** Records every value the import progress bar shows, from before the file is chosen. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__progress = [];
    const observer = new MutationObserver(() => {
      const bar = document.querySelector('progress[aria-label="Import progress"]');
      if (bar) window.__progress.push([bar.value, bar.max]);
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);
}

describe.skipIf(!hasChromium)('e2e: import and export', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    await signUp(page, server.url, uniqueEmail('import'));
    await waitForSyncStatus(page, 'idle');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('imports a Todoist CSV offline with a progress bar and a summary of what was skipped and why; it syncs afterwards', async () => {
    // Settings and its import code load online (a controlled installed app has them precached).
    await openSettings(page);
    await context.setOffline(true);
    await recordProgress(page);
    await page.getByLabel('Import', { exact: true }).setInputFiles({
      name: 'Garden_Project.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(todoistCsv()),
    });
    const summary = page.getByRole('status', { name: 'Import summary' });
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toContain(`Imported ${(ROWS + 1).toLocaleString('en-US')} tasks and 1 list`);
    const skipped = await summary.getByRole('list', { name: 'Skipped' }).textContent();
    expect(skipped).toContain('Section “Someday”');
    expect(skipped).toContain('every friday');
    expect(skipped).toContain('unknown row type “meeting”');
    expect(await summary.textContent()).toContain('240 subtasks (INDENT 2 and deeper) became checklist items');

    // The bar was shown against the whole file and moved forward (the summary replaces it at the end).
    const progress = (await page.evaluate('window.__progress')) as [number, number][];
    const shown = progress.filter(([, max]) => max === ROWS + 2).map(([value]) => value);
    expect(new Set(shown).size).toBeGreaterThan(1);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));

    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Garden Project' }).click();
    await taskItem(page, 'Imported 0').waitFor();
    expect(await taskItem(page, 'Imported 0').getByText('#todoist').count()).toBe(1);
    expect(await taskItem(page, 'Imported 0').getByText('Urgent').count()).toBe(1);

    await context.setOffline(false);
    await waitForSyncStatus(page, 'idle', 60_000);
  });

  it('exports JSON and imports it again: every task and list is found as a duplicate by id', async () => {
    await openSettings(page);
    const section = page.getByRole('region', { name: 'Import and export' });
    await section.getByLabel('Format').selectOption('json');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('button', { name: 'Export' }).click(),
    ]);
    const path = await download.path();
    const exported = JSON.parse(readFileSync(path, 'utf8')) as { format: string; version: number; tasks: unknown[] };
    expect(exported).toMatchObject({ format: 'taskmaster-export', version: 1 });
    expect(exported.tasks).toHaveLength(ROWS + 1);

    await section.getByLabel('Import', { exact: true }).setInputFiles(path);
    const summary = page.getByRole('status', { name: 'Import summary' });
    await expect.poll(async () => summary.textContent(), { timeout: 60_000 }).toContain('Imported 0 tasks and 0 lists');
    expect(await summary.textContent()).toContain(`skipped ${(ROWS + 2).toLocaleString('en-US')} items`);
    // A long list of skipped items starts folded.
    await summary.getByText(`Skipped (${ROWS + 2})`).click();
    expect(await summary.getByRole('list', { name: 'Skipped' }).textContent()).toContain('already here (same id)');
  });
});
