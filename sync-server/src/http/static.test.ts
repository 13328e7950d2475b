import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiNotFound, createErrorHandler } from './errors.js';
import { serveClient } from './static.js';

const logger = pino({ level: 'silent' });
const IMMUTABLE = 'public, max-age=31536000, immutable';

async function start(dir: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.get('/api/ping', (_req, res) => {
    res.json({ pong: true });
  });
  app.use('/api', apiNotFound);
  serveClient(app, dir, logger);
  app.use(createErrorHandler(logger));
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(server: Server) {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serveClient with a built client', () => {
  let dir: string;
  let url: string;
  let server: Server;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tm-client-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>TaskMaster</title><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'index-3f2a1b.js'), 'console.info("app")');
    await writeFile(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
    await writeFile(path.join(dir, 'registerSW.js'), '/* register */');
    await writeFile(path.join(dir, 'manifest.webmanifest'), '{"name":"TaskMaster"}');
    await writeFile(path.join(dir, 'icon-192.png'), 'png');
    ({ url, server } = await start(dir));
  });
  afterAll(async () => {
    await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await fetch(`${url}/assets/index-3f2a1b.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
  });

  it.each(['/', '/sw.js', '/registerSW.js', '/manifest.webmanifest', '/icon-192.png'])(
    'serves %s with no-cache',
    async (file) => {
      const res = await fetch(`${url}${file}`, { headers: html });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    },
  );

  it('answers client-side routes with index.html', async () => {
    const res = await fetch(`${url}/lists/inbox/tasks`, { headers: html });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('does not answer API, socket or missing asset paths with the SPA shell', async () => {
    expect((await fetch(`${url}/api/ping`)).status).toBe(200);
    const api = await fetch(`${url}/api/unknown`, { headers: html });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { reason: 'not-found' } });
    expect((await fetch(`${url}/socket.io/?EIO=4`, { headers: html })).status).toBe(404);
    expect((await fetch(`${url}/assets/missing-123.js`, { headers: html })).status).toBe(404);
    expect((await fetch(`${url}/missing.js`, { headers: html })).status).toBe(404);
  });

  it('does not serve files outside the client directory', async () => {
    const res = await fetch(`${url}/..%2f..%2fetc%2fpasswd`, { headers: html });
    expect(await res.text()).not.toContain('root:');
  });
});

describe('serveClient without a build', () => {
  it('serves a placeholder page at / explaining how to build', async () => {
    const { url, server } = await start(path.join(tmpdir(), 'tm-client-does-not-exist'));
    try {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/client is not built/i);
      expect((await fetch(`${url}/api/ping`)).status).toBe(200);
    } finally {
      await stop(server);
    }
  });
});
