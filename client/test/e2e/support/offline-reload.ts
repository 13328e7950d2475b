import type { TestServer } from '@taskmaster/sync-server/testing';
import { launchBrowser, signUp, taskItem, uniqueEmail, waitForServiceWorker, waitForSyncStatus } from './browser.js';

export interface OfflineReloadResult {
  /** Median over `runs` offline reloads: navigation start to the task list rendered from IndexedDB. */
  medianMs: number;
  samplesMs: number[];
  tasks: number;
}

/**
 * Measures `offline_reload_to_tasks_ms`: a signed-in device with `tasks` tasks goes offline and reloads;
 * the service worker serves the shell and the app renders the list from IndexedDB. The app sets the
 * `taskmaster:tasks-visible` performance mark when the first query result is on screen.
 */
export async function measureOfflineReload(
  server: TestServer,
  { tasks = 100, runs = 5 } = {},
): Promise<OfflineReloadResult> {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signUp(page, server.url, uniqueEmail('bench'));
    await waitForSyncStatus(page, 'idle');
    const box = page.getByRole('textbox', { name: 'New task' });
    for (let i = 0; i < tasks; i += 1) {
      await box.fill(`Benchmark task ${i}`);
      await box.press('Enter');
    }
    await taskItem(page, `Benchmark task ${tasks - 1}`).waitFor();
    await waitForServiceWorker(page);
    await context.setOffline(true);
    const samplesMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      await page.reload();
      await taskItem(page, `Benchmark task ${tasks - 1}`).waitFor();
      const ms = await page.evaluate(
        () => performance.getEntriesByName('taskmaster:tasks-visible')[0]?.startTime ?? NaN,
      );
      samplesMs.push(Math.round(ms));
    }
    const sorted = [...samplesMs].sort((a, b) => a - b);
    return { medianMs: sorted[Math.floor(sorted.length / 2)]!, samplesMs, tasks };
  } finally {
    await browser.close();
  }
}
