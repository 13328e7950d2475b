import { performance } from 'node:perf_hooks';
import { benchTask } from '@taskmaster/shared-schema/testing';
import { createDevice, registerAccount } from '@taskmaster/sync-server/testing';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { launchBrowser, waitForSyncStatus } from './browser.js';

export interface InitialSyncInBrowserResult {
  /** Median over `runs` fresh contexts: sign-in submitted -> all `tasks` in IndexedDB, counted by the list. */
  medianMs: number;
  samplesMs: number[];
  tasks: number;
}

/**
 * Measures `initial_sync_10k_browser_ms`: an account gets `tasks` tasks from a Node device through the
 * real protocol; then a fresh Chromium context (empty IndexedDB) signs in. The clock runs from the
 * click on "Sign in" until the list, which reads only the local database, counts all of them open
 * (the seeded tasks are all open, and the default view is "All tasks"). Each of the `runs` sign-ins
 * is a new browser context, so a new device with an empty IndexedDB.
 */
export async function measureInitialSyncInBrowser(
  server: TestServer,
  { tasks = 10_000, runs = 3, timeoutMs = 60_000 } = {},
): Promise<InitialSyncInBrowserResult> {
  const account = await registerAccount(server.url);
  const seeder = await createDevice(server.url, account, 'browser-seed');
  try {
    await seeder.db.tasks.bulkInsert(
      Array.from({ length: tasks }, (_, i) => benchTask(`seed-${i}`, seeder.clock.now(), i)),
    );
    await seeder.goOnline();
    await seeder.sync!.awaitInSync();
  } finally {
    await seeder.close();
  }

  const browser = await launchBrowser();
  try {
    const samplesMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(server.url);
        await page.getByLabel('Email').fill(account.email);
        await page.getByLabel('Password').fill(account.password);
        const submit = page.getByRole('button', { name: 'Sign in' });
        await submit.waitFor();
        const started = performance.now();
        await submit.click();
        await page.waitForFunction(
          (text) =>
            Array.from(document.querySelectorAll('.main .muted')).some((element) => element.textContent === text),
          `${tasks} open`,
          { polling: 20, timeout: timeoutMs },
        );
        samplesMs.push(Math.round(performance.now() - started));
        // Not timed: the replication also reports itself in sync.
        await waitForSyncStatus(page, 'idle', timeoutMs);
      } finally {
        await context.close();
      }
    }
    const sorted = [...samplesMs].sort((a, b) => a - b);
    return { medianMs: sorted[Math.floor(sorted.length / 2)]!, samplesMs, tasks };
  } finally {
    await browser.close();
  }
}
