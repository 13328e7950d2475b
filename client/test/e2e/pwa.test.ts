import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@taskmaster/sync-server/testing';
import { startAppServer } from './support/app-server.js';
import { hasChromium, launchPersistent, waitForServiceWorker } from './support/browser.js';

interface ManifestIcon {
  src: string;
  sizes: string;
  purpose?: string;
}

describe.skipIf(!hasChromium)('e2e: installable PWA', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startAppServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('has a manifest and a service worker, and passes Chromium installability checks', async () => {
    const { context, dispose } = await launchPersistent();
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(server.url);
      await page.getByLabel('Email').waitFor();
      await waitForServiceWorker(page);

      const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
      expect(manifestHref).toBeTruthy();
      const response = await page.request.get(new URL(manifestHref!, server.url).href);
      const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };
      expect(manifest).toMatchObject({
        name: 'TaskMaster',
        short_name: 'TaskMaster',
        display: 'standalone',
        start_url: '/',
      });
      expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
      const sizes = manifest.icons.map((i) => i.sizes);
      expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
      expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
      for (const icon of manifest.icons)
        expect((await page.request.get(new URL(icon.src, server.url).href)).ok()).toBe(true);

      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
    } finally {
      await dispose();
    }
  });

  it('serves the app shell from the service worker for offline navigations, with cache headers that never pin a stale shell', async () => {
    const { context, dispose } = await launchPersistent();
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(server.url);
      await waitForServiceWorker(page);

      const shell = await page.request.get(`${server.url}/`);
      expect(shell.headers()['cache-control']).toBe('no-cache');
      expect((await page.request.get(`${server.url}/sw.js`)).headers()['cache-control']).toBe('no-cache');
      const asset = await page.locator('script[type="module"]').getAttribute('src');
      expect((await page.request.get(new URL(asset!, server.url).href)).headers()['cache-control']).toContain(
        'immutable',
      );

      await context.setOffline(true);
      await page.goto(`${server.url}/some/deep/link`);
      await page.getByRole('heading', { name: 'TaskMaster' }).waitFor();
      await page.getByLabel('Email').waitFor();
    } finally {
      await dispose();
    }
  });
});
