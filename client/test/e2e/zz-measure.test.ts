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
it('measure', async () => {
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
    for (let run = 0; run < 6; run += 1) {
      await page.reload();
      await taskItem(page, 'Benchmark task 99').waitFor();
      console.log(
        JSON.stringify(
          await page.evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
            const marks = Object.fromEntries(
              performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
            );
            const res = performance
              .getEntriesByType('resource')
              .map((r) => `${r.name.split('/').pop()}:${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`);
            return {
              responseEnd: Math.round(nav.responseEnd),
              dcl: Math.round(nav.domContentLoadedEventEnd),
              ...marks,
              res,
            };
          }),
        ),
      );
    }
  } finally {
    await browser.close();
    await server.dispose();
  }
}, 240_000);
