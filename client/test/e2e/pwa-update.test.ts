import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@taskmaster/sync-server/testing';
import { buildClient } from './support/client-build.js';
import { hasChromium, launchBrowser, PASSWORD, uniqueEmail, waitForServiceWorker } from './support/browser.js';

/**
 * "Deploys" a new version into the directory the server serves: index.html carries the build's name,
 * and sw.js precaches that index.html under a new revision, so the browser finds a new service
 * worker whose shell differs from the running one.
 */
function deploy(dir: string, build: string): void {
  const indexFile = join(dir, 'index.html');
  const index = readFileSync(indexFile, 'utf8').replace(/<meta name="taskmaster-build"[^>]*>/, '');
  writeFileSync(indexFile, index.replace('<head>', `<head><meta name="taskmaster-build" content="${build}">`));
  const swFile = join(dir, 'sw.js');
  const sw = readFileSync(swFile, 'utf8');
  const next = sw.replace(/(\{url:"index\.html",revision:")[^"]*(")/, `$1build-${build}$2`);
  if (next === sw) throw new Error('sw.js has no precache entry for index.html');
  writeFileSync(swFile, next);
}

const buildOf = (page: Page) =>
  page.evaluate(() => document.querySelector('meta[name="taskmaster-build"]')?.getAttribute('content') ?? null);

/** The app looks for a new version (hourly by itself), the prompt offers it, and Reload loads it. */
async function updateWithPrompt(page: Page, build: string): Promise<void> {
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
  const prompt = page.getByRole('alert').filter({ hasText: 'A new version of TaskMaster is ready' });
  await prompt.waitFor();
  const reloaded = page.waitForEvent('load', { timeout: 15_000 });
  await prompt.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await page.getByRole('textbox', { name: 'New task' }).waitFor();
  expect(await buildOf(page)).toBe(build);
}

describe.skipIf(!hasChromium)('e2e: updating the installed app', () => {
  let server: TestServer;
  let browser: Browser;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'taskmaster-dist-'));
    cpSync(buildClient(), dist, { recursive: true });
    server = await startTestServer({ env: { CLIENT_DIST_DIR: dist } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('says "ready to work offline" with the tasks, not at sign-in, and Reload loads the new version every time, from the first session after install on', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByLabel('Email').waitFor();
      // The service worker installs during this first visit, at the sign-in screen.
      await waitForServiceWorker(page);
      // The old build showed the toast here within half a second of the install, for 5 s; nothing
      // can be awaited for its absence, so give it a generous window.
      const offlineToast = page.getByText('TaskMaster is ready to work offline.');
      await expect(offlineToast.waitFor({ timeout: 3_000 })).rejects.toThrow(/Timeout/);
      // Sign up on this same page (the helper's fresh navigation would start another page).
      await page.getByRole('tab', { name: 'Sign up' }).click();
      await page.getByLabel('Email').fill(uniqueEmail('update'));
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('textbox', { name: 'New task' }).waitFor();
      await offlineToast.waitFor();

      // First session after install: no service worker controls this page (the first one does not
      // claim it), which is where Reload used to do nothing.
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
      deploy(dist, 'B');
      await updateWithPrompt(page, 'B');

      // Later sessions: the page is controlled by now, and the next version comes the same way.
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      deploy(dist, 'C');
      await updateWithPrompt(page, 'C');
    } finally {
      await context.close();
    }
  });
});
