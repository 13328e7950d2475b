import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHttpLogger, createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes structured JSON and redacts credentials', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ logLevel: 'info', nodeEnv: 'test' }, stream);
    logger.info(
      { password: 'hunter2', body: { refreshToken: 'r-secret' }, req: { headers: { authorization: 'Bearer abc' } } },
      'hello',
    );
    const line = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'hello', service: 'sync-server', password: '[redacted]' });
    expect(lines.join('')).not.toMatch(/hunter2|r-secret|Bearer abc/);
    expect(typeof createHttpLogger(logger)).toBe('function');
  });
});

describe('createMetrics', () => {
  it('exposes default and TaskMaster metrics on its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics(); // a second server in the same process must not collide
    a.pushDocs.inc({ collection: 'tasks' }, 3);
    a.authFailures.inc({ reason: 'invalid-credentials' });
    a.connectedSockets.set(2);
    a.pushDuration.observe({ collection: 'tasks' }, 0.004);
    const text = await a.registry.metrics();
    expect(text).toContain('taskmaster_push_docs_total{collection="tasks"} 3');
    expect(text).toContain('taskmaster_auth_failures_total{reason="invalid-credentials"} 1');
    expect(text).toContain('taskmaster_connected_sockets 2');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(await b.registry.metrics()).not.toContain('taskmaster_push_docs_total{collection="tasks"} 3');
  });
});
