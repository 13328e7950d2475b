import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRaw, emitRaw, type RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { frameClient, refusal, register, request } from './helpers.js';

const task = (id: string) => ({
  id,
  title: 'a task',
  notes: '',
  status: 'todo',
  priority: 'none',
  tags: [],
});

describe('[S2][S3][S4][S6][S8] the edges an attacker with only the network can reach', () => {
  let server: TestServer;
  const sockets: RawSocket[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.disconnect());
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    await server.dispose();
  });

  const open = async (token: string) => {
    const socket = await connectRaw(server.url, token);
    sockets.push(socket);
    return socket;
  };

  it('[S2] /metrics is not served on the app port', async () => {
    server = await startTestServer();
    const answer = await request(server.url, 'GET', '/metrics');
    expect(answer.status).toBe(404);
    expect(String(answer.body)).not.toContain('nodejs_version_info');
  });

  it('[S2] the metrics listener serves /metrics (main binds it to 127.0.0.1:9464 by default)', async () => {
    server = await startTestServer();
    const metrics = createHttpServer(server.server.metricsListener);
    servers.push(metrics);
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}`;
    const answer = await request(url, 'GET', '/metrics');
    expect(answer.status).toBe(200);
    for (const name of [
      'taskmaster_push_duration_seconds',
      'taskmaster_pull_duration_seconds',
      'taskmaster_store_commit_duration_seconds',
      'taskmaster_conflicts_total',
      'taskmaster_repairs_total',
      'taskmaster_rate_limited_total',
      'taskmaster_connected_sockets',
      'taskmaster_fanout_publish_failures_total',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(String(answer.body)).toContain(name);
    }
    expect((await request(url, 'GET', '/api/auth/login')).status).toBe(404);
  });

  it('[S2] with METRICS_TOKEN, the app port serves /metrics only to that bearer', async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    expect((await request(server.url, 'GET', '/metrics')).status).toBe(404);
    expect((await request(server.url, 'GET', '/metrics', { token: 'wrong-token-0123456789' })).status).toBe(404);
    const scraped = await request(server.url, 'GET', '/metrics', { token: 'scrape-token-0123456789' });
    expect(scraped.status).toBe(200);
    expect(String(scraped.body)).toContain('taskmaster_connected_sockets');
  });

  it('[S3] events without an acknowledgement count against the rate limit, and their log is sampled', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    server = await startTestServer({ deps: { logger } });
    const account = await register(server.url);
    const socket = await open(account.tokens.accessToken);
    const raw = socket as unknown as { emit(event: string, payload: unknown): void };
    for (let i = 0; i < 2000; i++) raw.emit('sync:push', { collection: 'tasks', rows: [] });
    // An acknowledged event after the flood is over the limit too.
    await expect
      .poll(async () => emitRaw(socket, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 }))
      .toMatchObject({ error: { reason: 'rate-limited' } });
    const warnings = lines.join('').length;
    expect(warnings).toBeLessThan(20 * 1024);
    expect(lines.length).toBeLessThan(60);
    expect(socket.connected).toBe(true);
  });

  it('[S4] 60,000 nested arrays in a pushed document are invalid-payload, not internal', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const client = await frameClient(server.url, account.tokens.accessToken);
    const doc = JSON.stringify({ ...task('deep'), notes: '' }).replace(
      '""',
      `${'['.repeat(60_000)}${']'.repeat(60_000)}`,
    );
    const ack = await client.emitRaw('sync:push', `{"collection":"tasks","rows":[{"newDocumentState":${doc}}]}`);
    expect(ack).toMatchObject({ error: { reason: expect.stringMatching(/^(invalid-payload|schema-invalid)$/) } });
    expect(await server.store.currentSeq(account.tokens.user.id, 'tasks')).toBe(0);
    // The connection is still served.
    expect(await client.emitRaw('sync:pull', '{"collection":"tasks","checkpoint":null,"batchSize":1}')).toMatchObject({
      documents: [],
    });
    client.close();
  });

  it('[S4] a deeply nested REST body is invalid-payload', async () => {
    server = await startTestServer();
    const body = `{"email":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`;
    const answer = await request(server.url, 'POST', '/api/auth/login', { body });
    expect(answer).toMatchObject({ status: 400, body: { error: { reason: 'invalid-payload' } } });
  });

  it.each(['12345678', 'password', '        '])(
    '[S6] registering with the trivial password %j is weak-password',
    async (password) => {
      server = await startTestServer();
      const answer = await request(server.url, 'POST', '/api/auth/register', {
        body: { email: 'new@example.test', password },
      });
      expect(answer).toMatchObject({
        status: 400,
        body: { error: { reason: 'weak-password', message: expect.stringContaining('too easy to guess') } },
      });
    },
  );

  it('[S8][R5] a pushed document with a __proto__ key is rejected, not stored with the key dropped', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const socket = await open(account.tokens.accessToken);
    const doc = JSON.parse(`{"id":"p1","title":"x","__proto__":{"isAdmin":true}}`) as Record<string, unknown>;
    const ack = await emitRaw(socket, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: doc }] });
    expect(ack).toMatchObject({ error: { reason: 'invalid-payload', message: expect.stringContaining('__proto__') } });
    const body = '{"email":"a@example.test","password":"long enough pw","__proto__":{"role":"admin"}}';
    expect(await request(server.url, 'POST', '/api/auth/register', { body })).toMatchObject({
      status: 400,
      body: { error: { reason: 'invalid-payload' } },
    });
  });

  it('[S8] only the WebSocket transport is served: long-polling handshakes are refused', async () => {
    server = await startTestServer();
    const answer = await request(server.url, 'GET', '/socket.io/?EIO=4&transport=polling');
    expect(answer.status).toBe(400);
  });

  it('[S8] a user may hold at most MAX_SOCKETS_PER_USER connections on an instance', async () => {
    server = await startTestServer({ env: { MAX_SOCKETS_PER_USER: '2' } });
    const account = await register(server.url);
    const first = await open(account.tokens.accessToken);
    await open(account.tokens.accessToken);
    expect((await refusal(connectRaw(server.url, account.tokens.accessToken))).message).toBe('too-many-connections');
    // Another user is not affected.
    await open((await register(server.url)).tokens.accessToken);
    first.disconnect();
    await expect
      .poll(
        async () =>
          await connectRaw(server.url, account.tokens.accessToken).then(
            (s) => (sockets.push(s), 'ok'),
            (e: Error) => e.message,
          ),
      )
      .toBe('ok');
  });

  it('[S8] an unknown collection is answered unknown-collection', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const socket = await open(account.tokens.accessToken);
    expect(await emitRaw(socket, 'sync:pull', { collection: 'users', checkpoint: null, batchSize: 1 })).toMatchObject({
      error: { reason: 'unknown-collection' },
    });
    expect(
      await emitRaw(socket, 'sync:push', { collection: 'users', rows: [{ newDocumentState: task('u1') }] }),
    ).toMatchObject({ error: { reason: 'unknown-collection' } });
  });

  it('[S8] REST answers CORS for CORS_ORIGINS and for nobody else', async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    const allowed = await request(server.url, 'POST', '/api/auth/login', {
      body: { email: 'x@example.test', password: 'whatever-pw' },
      headers: { origin: 'https://app.example.com' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const preflight = await request(server.url, 'OPTIONS', '/api/auth/login', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const foreign = await request(server.url, 'POST', '/api/auth/login', {
      body: { email: 'x@example.test', password: 'whatever-pw' },
      headers: { origin: 'https://evil.example.net' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const foreignPreflight = await request(server.url, 'OPTIONS', '/api/auth/login', {
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.status).toBe(403);
  });

  it('[S8] the CSP connect-src names the app’s own origin and configured ones, never any ws: or wss: host', async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    const answer = await request(server.url, 'GET', '/healthz');
    const csp = answer.headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(connect).toEqual(
      expect.arrayContaining([
        "'self'",
        'https://app.example.com',
        'wss://app.example.com',
        `ws://127.0.0.1:${server.port}`,
      ]),
    );
    expect(connect).not.toContain('ws:');
    expect(connect).not.toContain('wss:');
  });
});
