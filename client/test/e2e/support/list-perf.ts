import { benchTask } from '@taskmaster/shared-schema/testing';
import { createDevice, registerAccount, type TestServer } from '@taskmaster/sync-server/testing';
import type { Page } from 'playwright-core';
import { launchBrowser, waitForSyncStatus } from './browser.js';

/** An account whose `tasks` tasks were pushed by a Node device; returns its credentials. */
export async function seedAccount(server: TestServer, tasks: number): Promise<{ email: string; password: string }> {
  const account = await registerAccount(server.url);
  const seeder = await createDevice(server.url, account, 'list-seed');
  try {
    // One open task per index; every tenth is in progress, so the list has more than one state.
    await seeder.db.tasks.bulkInsert(
      Array.from({ length: tasks }, (_, i) => ({
        ...benchTask(`seed-${i}`, seeder.clock.now(), i),
        ...(i % 10 === 0 ? { status: 'in-progress' as const } : {}),
      })),
    );
    await seeder.goOnline();
    await seeder.sync!.awaitInSync();
  } finally {
    await seeder.close();
  }
  return account;
}

/** Signs in on a fresh page and waits until the list counts all `tasks` open and sync is idle. */
export async function signInAndWaitForTasks(
  page: Page,
  url: string,
  account: { email: string; password: string },
  tasks: number,
  timeoutMs = 90_000,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForOpenCount(page, tasks, timeoutMs);
  await waitForSyncStatus(page, 'idle', timeoutMs);
}

export async function waitForOpenCount(page: Page, count: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (text) => Array.from(document.querySelectorAll('.main .muted')).some((el) => el.textContent === text),
    `${count} open`,
    { polling: 20, timeout },
  );
}

/**
 * Resolves once the page's main thread has had no long task (over 50 ms) for `quietMs`: after
 * sign-in the sync engine pulls and then verifies every document against the server's digest, which
 * reads all of them from IndexedDB; the list figures are about the list, measured when that is over.
 */
export async function waitForQuiet(page: Page, quietMs = 1_500, timeoutMs = 60_000): Promise<void> {
  await page.evaluate(
    `new Promise((resolve, reject) => {
      let timer = setTimeout(done, ${quietMs});
      const giveUp = setTimeout(() => { observer.disconnect(); reject(new Error('never quiet')); }, ${timeoutMs});
      const observer = new PerformanceObserver(() => { clearTimeout(timer); timer = setTimeout(done, ${quietMs}); });
      observer.observe({ type: 'longtask' });
      function done() { observer.disconnect(); clearTimeout(giveUp); resolve(undefined); }
    })`,
  );
}

/** Every element in the document (the figure the DOM-size target is about). */
export function domNodeCount(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}

/**
 * In-page timer: resolves with the milliseconds from the first `startEvent` (a capturing window
 * listener, so before the app sees it) to the first animation frame after `settledExpression` holds
 * on a DOM mutation, which is the frame that paints the result. A string, because the test runner's
 * transform renames functions in a way the page cannot run.
 */
function pageTimer(startEvent: string, settledExpression: string): string {
  return `new Promise((resolve) => {
    let started = 0;
    window.addEventListener(${JSON.stringify(startEvent)}, (event) => {
      if (${JSON.stringify(startEvent)} !== 'keydown' || event.key === 'Enter') started = performance.now();
    }, { capture: true });
    const observer = new MutationObserver(() => {
      if (!started || !(${settledExpression})) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  })`;
}

const rowPresent = (title: string) =>
  `Array.from(document.querySelectorAll('li input[type="checkbox"]')).some((el) => el.getAttribute('aria-label') === ${JSON.stringify(title)})`;
const openCountIs = (count: number) =>
  `Array.from(document.querySelectorAll('.main .muted')).some((el) => el.textContent === ${JSON.stringify(`${count} open`)})`;

/** Enter in the quick-add box to the new task's row (its checkbox named by the title) painted. */
export async function timeAddToVisible(page: Page, title: string): Promise<number> {
  const box = page.getByRole('textbox', { name: 'New task' });
  await box.fill(title);
  const done = page.evaluate<number>(pageTimer('keydown', rowPresent(title)));
  done.catch(() => undefined); // reported by the await below; a failing press must not leave it unhandled
  await box.press('Enter');
  return Math.round(await done);
}

/**
 * Click on a task's checkbox to the list showing the write: the toolbar's open count one lower, which
 * needs the change written to and read back from IndexedDB (the checkbox itself flips at once), painted.
 * The done task then sinks below the open ones.
 */
export async function timeToggle(page: Page, title: string, openBefore: number): Promise<number> {
  const checkbox = page.getByRole('checkbox', { name: title, exact: true });
  await checkbox.scrollIntoViewIfNeeded();
  const done = page.evaluate<number>(pageTimer('pointerdown', openCountIs(openBefore - 1)));
  done.catch(() => undefined);
  await checkbox.click();
  return Math.round(await done);
}

/**
 * Reload to the list's first rows rendered from IndexedDB (the app's `taskmaster:tasks-visible` mark:
 * the saved first screen when there is one, first-screen.ts), and to every task read and counted
 * (`taskmaster:tasks-complete`).
 */
export async function timeReload(page: Page, tasks: number): Promise<{ visible: number; complete: number }> {
  await page.reload();
  await waitForOpenCount(page, tasks);
  const marks = await page.evaluate(() => ({
    visible: performance.getEntriesByName('taskmaster:tasks-visible')[0]?.startTime ?? NaN,
    complete: performance.getEntriesByName('taskmaster:tasks-complete')[0]?.startTime ?? NaN,
  }));
  return { visible: Math.round(marks.visible), complete: Math.round(marks.complete) };
}

export interface ListPerfResult {
  tasks: number;
  /** Medians over `runs` samples each. */
  addToVisibleMs: number;
  toggleMs: number;
  reloadToTasksMs: number;
  /** Reload to every task read and counted. */
  reloadToAllMs: number;
  /** Largest element count seen: after the list settled, and scrolled to its middle. */
  domNodes: number;
  samples: {
    addToVisibleMs: number[];
    toggleMs: number[];
    reloadToTasksMs: number[];
    reloadToAllMs: number[];
    domNodes: number[];
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures the list with `tasks` tasks on the device, in Chromium: `list_add_to_visible_ms`,
 * `list_toggle_ms`, `list_reload_to_tasks_ms` and the DOM size. The tasks come from a Node device
 * through the real protocol; the browser signs in and pulls them into IndexedDB first, and adds one
 * task (both not timed).
 */
export async function measureListPerf(server: TestServer, { tasks = 10_000, runs = 3 } = {}): Promise<ListPerfResult> {
  const account = await seedAccount(server, tasks);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAndWaitForTasks(page, server.url, account, tasks);
    const samples: ListPerfResult['samples'] = {
      addToVisibleMs: [],
      toggleMs: [],
      reloadToTasksMs: [],
      reloadToAllMs: [],
      domNodes: [],
    };
    // Not timed: the first add of a page loads the quick-add parser's chunk; the figures are steady state.
    await timeAddToVisible(page, 'Warm-up add');
    let open = tasks + 1;
    await waitForOpenCount(page, open);
    await waitForQuiet(page);
    for (let run = 0; run < runs; run += 1) {
      const title = `Measured add ${run}`;
      samples.addToVisibleMs.push(await timeAddToVisible(page, title));
      open += 1;
      await waitForOpenCount(page, open);
      samples.toggleMs.push(await timeToggle(page, title, open));
      open -= 1;
      await waitForOpenCount(page, open);
      await waitForQuiet(page, 500);
    }
    for (let run = 0; run < runs; run += 1) {
      const reload = await timeReload(page, open);
      samples.reloadToTasksMs.push(reload.visible);
      samples.reloadToAllMs.push(reload.complete);
      await page.locator('.tasks--virtual').waitFor();
      await waitForQuiet(page, 500);
      samples.domNodes.push(await domNodeCount(page));
    }
    await page.evaluate(() => {
      const main = document.querySelector('.main');
      if (main) main.scrollTop = main.scrollHeight / 2;
    });
    await page.waitForFunction(() => !document.querySelector('li[data-index="0"]'));
    samples.domNodes.push(await domNodeCount(page));
    await context.close();
    return {
      tasks,
      addToVisibleMs: median(samples.addToVisibleMs),
      toggleMs: median(samples.toggleMs),
      reloadToTasksMs: median(samples.reloadToTasksMs),
      reloadToAllMs: median(samples.reloadToAllMs),
      domNodes: Math.max(...samples.domNodes),
      samples,
    };
  } finally {
    await browser.close();
  }
}
