import type { TokenPair } from '@taskmaster/shared-schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { hasChromium, launchBrowser, PASSWORD, signIn, uniqueEmail } from './support/browser.js';

async function registerOverRest(url: string, email: string): Promise<TokenPair> {
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status}`);
  return (await response.json()) as TokenPair;
}

describe.skipIf(!hasChromium)('e2e: the admin page', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  const adminEmail = uniqueEmail('root');
  const targetEmail = uniqueEmail('target');

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    const admin = await registerOverRest(server.url, adminEmail);
    await server.accounts.setUserRole(admin.user.id, 'admin');
    await registerOverRest(server.url, targetEmail);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('is a lazy chunk that a regular user never downloads', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await signIn(page, server.url, targetEmail);
    await page.goto(`${server.url}/#/admin`);
    await page.getByRole('textbox', { name: 'New task' }).waitFor();
    expect(requested.filter((url) => /AdminPage/.test(url))).toEqual([]);
    await context.close();
  });

  it('lets an admin find a user, act on them, and see it in the audit log, with labelled controls', async () => {
    context = await browser.newContext();
    const page: Page = await context.newPage();
    await signIn(page, server.url, adminEmail);
    await page.goto(`${server.url}/#/admin`);
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await expect.poll(() => page.getByTestId('stat-users').textContent()).toBe('2');

    await page.getByLabel('Search users by email').fill(targetEmail.slice(0, 12));
    const row = page.getByRole('button', { name: targetEmail });
    await row.click();
    await page.getByRole('heading', { name: targetEmail }).waitFor();

    await page.getByRole('button', { name: 'Re-sync devices' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('re-pull');

    await page.getByRole('button', { name: 'Disable account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Account disabled');
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: targetEmail, password: PASSWORD }),
    });
    expect(login.status).toBe(403);
    await page.getByRole('button', { name: 'Enable account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Account enabled');

    const audit = page.getByRole('table', { name: 'Audit log' });
    await expect.poll(() => audit.textContent()).toContain('user.disable');
    expect(await audit.textContent()).toContain('user.resync');

    // Every control has an accessible name: no unlabelled inputs or buttons.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('main.admin input, main.admin button, main.admin a')]
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label');
          return !labelled && !(el.textContent ?? '').trim();
        })
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });
});
