import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { startAppServer } from './support/app-server.js';
import {
  launchBrowser,
  signUp,
  taskItem,
  uniqueEmail,
  waitForServiceWorker,
  waitForSyncStatus,
} from './support/browser.js';
it('trace', async () => {
  const server = await startAppServer();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUp(page, server.url, uniqueEmail('bench'));
    await waitForSyncStatus(page, 'idle');
    const box = page.getByRole('textbox', { name: 'New task' });
    for (let i = 0; i < 100; i += 1) {
      await box.fill(`Benchmark task ${i}`);
      await box.press('Enter');
    }
    await taskItem(page, 'Benchmark task 99').waitFor();
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await taskItem(page, 'Benchmark task 99').waitFor();
    await browser.startTracing(page, {
      path: '/tmp/trace.json',
      categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline'],
    });
    await page.reload();
    await taskItem(page, 'Benchmark task 99').waitFor();
    await browser.stopTracing();
    console.log(
      'MARK',
      await page.evaluate(() => performance.getEntriesByName('taskmaster:tasks-visible')[0]?.startTime),
    );
  } finally {
    await browser.close();
    await server.dispose();
  }
}, 240_000);
