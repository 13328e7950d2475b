import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createErrorReporter } from '../../src/observability/error-reporting.js';
import { connectRaw, emitRaw } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { register, request } from '../security/helpers.js';

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { lines, logger };
}

async function scrape(server: TestServer): Promise<string> {
  const metrics = createHttpServer(server.server.metricsListener);
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  try {
    const answer = await request(`http://127.0.0.1:${(metrics.address() as AddressInfo).port}`, 'GET', '/metrics');
    return String(answer.body);
  } finally {
    await new Promise((resolve) => metrics.close(resolve));
  }
}

describe('observability', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.dispose();
  });

  it('every REST answer carries an X-Request-Id, and its log line the same id', async () => {
    const { lines, logger } = captureLogs();
    server = await startTestServer({ deps: { logger } });
    const fresh = await request(server.url, 'GET', '/api/nope');
    const id = fresh.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => lines.some((l) => (l.req as { id?: string } | undefined)?.id === id)).toBe(true);
    // A well-formed id from a proxy is kept, so its logs and ours line up; anything else is replaced.
    const given = await request(server.url, 'GET', '/healthz', { headers: { 'x-request-id': 'nginx-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('nginx-abc.123');
    const hostile = await request(server.url, 'GET', '/healthz', { headers: { 'x-request-id': 'a b\u00e9{"x":1}' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('every socket event logs with its own request id (socket id and event number)', async () => {
    const { lines, logger } = captureLogs();
    server = await startTestServer({ deps: { logger } });
    const account = await register(server.url);
    const socket = await connectRaw(server.url, account.tokens.accessToken);
    await emitRaw(socket, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 });
    await emitRaw(socket, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: -1 });
    const ids = lines.filter((l) => l.msg === 'socket event' || l.msg === 'sync event rejected').map((l) => l.reqId);
    expect(ids).toEqual([`${socket.id}:1`, `${socket.id}:2`, `${socket.id}:2`]);
    socket.disconnect();
  });

  it('POST /api/vitals validates the report, feeds the histogram, and is rate-limited per IP', async () => {
    server = await startTestServer();
    const ok = await request(server.url, 'POST', '/api/vitals', {
      body: {
        metrics: [
          { name: 'LCP', value: 812, rating: 'good' },
          { name: 'INP', value: 96, rating: 'good' },
          { name: 'CLS', value: 0.02, rating: 'good' },
        ],
      },
    });
    expect(ok.status).toBe(204);
    for (const bad of [
      { metrics: [{ name: 'FID', value: 1, rating: 'good' }] },
      { metrics: [{ name: 'LCP', value: -1, rating: 'good' }] },
      { metrics: [{ name: 'LCP', value: 1, rating: 'good', url: 'https://x' }] },
      { metrics: [] },
      { metrics: Array.from({ length: 11 }, () => ({ name: 'CLS', value: 0, rating: 'good' })) },
    ]) {
      expect(await request(server.url, 'POST', '/api/vitals', { body: bad })).toMatchObject({
        status: 400,
        body: { error: { reason: 'invalid-payload' } },
      });
    }
    const text = await scrape(server);
    expect(text).toMatch(/taskmaster_web_vitals_count\{name="LCP",rating="good"\} 1/);
    expect(text).toMatch(/taskmaster_web_vitals_sum\{name="LCP",rating="good"\} 0\.812/);
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) {
      status = (
        await request(server.url, 'POST', '/api/vitals', {
          body: { metrics: [{ name: 'CLS', value: 0, rating: 'good' }] },
        })
      ).status;
    }
    expect(status).toBe(429);
    expect(await scrape(server)).toMatch(/taskmaster_rate_limited_total\{scope="vitals"\} [1-9]/);
  });

  it('REST requests are counted by route pattern and status class', async () => {
    server = await startTestServer();
    await request(server.url, 'GET', '/api/admin/v1/users/some-id');
    await request(server.url, 'POST', '/api/auth/login', {
      body: { email: 'no@example.test', password: 'not the one' },
    });
    const text = await scrape(server);
    expect(text).toContain('taskmaster_http_requests_total{method="GET",route="/api/admin/v1/*",status="4xx"} 1');
    expect(text).toContain('taskmaster_http_requests_total{method="POST",route="/api/auth/login",status="4xx"} 1');
    expect(text).not.toContain('some-id');
  });

  it('the error reporter is off without a DSN, and with one it posts unexpected errors to its store endpoint', async () => {
    const logger = pino({ level: 'silent' });
    expect((await createErrorReporter(undefined, logger)).enabled).toBe(false);
    const received: { url: string | undefined; auth: string | undefined; body: string }[] = [];
    const sink = createHttpServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url, auth: req.headers['x-sentry-auth'] as string | undefined, body });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const port = (sink.address() as AddressInfo).port;
    const reporter = await createErrorReporter(`http://publickey@127.0.0.1:${port}/42`, logger);
    reporter.capture(new Error('boom'), { route: '/x' });
    await reporter.flush();
    await new Promise((resolve) => sink.close(resolve));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: '/api/42/store/', auth: expect.stringContaining('sentry_key=publickey') });
    expect(JSON.parse(received[0]!.body)).toMatchObject({ exception: { values: [{ type: 'Error', value: 'boom' }] } });
    server = await startTestServer();
  });
});
