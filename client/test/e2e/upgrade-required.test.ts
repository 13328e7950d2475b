import { PROTOCOL_VERSION } from '@taskmaster/shared-schema';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { addTask, hasChromium, launchBrowser, signUp, uniqueEmail, waitForSyncStatus } from './support/browser.js';

describe.skipIf(!hasChromium)('e2e: a build the server no longer serves (SPEC, "Versions")', () => {
  let server: TestServer;
  let browser: Browser;
  let handshakes = 0;

  beforeAll(async () => {
    server = await startAppServer();
    // Every sync handshake is refused as too old, as by a server whose minimum protocol moved past
    // this build (the server's own checks run first; this one comes after them).
    server.server.io.use((_socket, next) =>
      next(
        Object.assign(new Error('upgrade-required'), {
          data: { reason: 'upgrade-required', message: 'update the app', minProtocol: PROTOCOL_VERSION + 1 },
        }),
      ),
    );
    server.server.io.engine.on('connection', () => (handshakes += 1));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows the update prompt, keeps working locally, and never reconnects in a loop', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signUp(page, server.url, uniqueEmail('upgrade'));
      const prompt = page.getByRole('alert').filter({ hasText: 'can no longer sync' });
      await prompt.waitFor();
      await waitForSyncStatus(page, 'error');
      expect(await prompt.getByRole('button', { name: 'Update' }).isVisible()).toBe(true);
      // Local writes still work; they wait for the update to sync.
      await addTask(page, 'Written while this build cannot sync');
      const refused = handshakes;
      expect(refused).toBeGreaterThanOrEqual(1);
      // Proving that nothing happens takes a wait: many times the engine's reconnect delays.
      await page.waitForTimeout(3000);
      expect(handshakes).toBe(refused);
    } finally {
      await context.close();
    }
  });
});
