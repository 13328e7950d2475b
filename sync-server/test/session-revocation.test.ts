import type { TokenPair } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAccount } from './helpers/device.js';
import { connectRaw, emitRaw } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

describe('refresh-token reuse', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.dispose();
  });

  it('[R5] reusing a rotated refresh token revokes that device everywhere, live connections included', async () => {
    server = await startTestServer();
    const account = await registerAccount(server.url);
    const stolen = (await post(server.url, 'login', { email: account.email, password: account.password }))
      .body as TokenPair;
    const victim = await connectRaw(server.url, stolen.accessToken);
    const otherDevice = await connectRaw(server.url, account.tokens.accessToken);

    const rotated = await post(server.url, 'refresh', { refreshToken: stolen.refreshToken });
    expect(rotated.status).toBe(200);
    const told = new Promise((resolve) => victim.once('auth:expired', resolve));
    const closed = new Promise((resolve) => victim.once('disconnect', resolve));
    const reuse = await post(server.url, 'refresh', { refreshToken: stolen.refreshToken });
    expect(reuse).toMatchObject({ status: 401, body: { error: { reason: 'token-revoked' } } });
    await told;
    await closed;
    // The rotated successor is dead too: the whole family is revoked.
    const successor = (rotated.body as TokenPair).refreshToken;
    expect(await post(server.url, 'refresh', { refreshToken: successor })).toMatchObject({
      status: 401,
      body: { error: { reason: 'token-revoked' } },
    });
    // The user's other device (another family) is untouched.
    expect(otherDevice.connected).toBe(true);
    expect(
      await emitRaw(otherDevice, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 }),
    ).toMatchObject({ documents: [] });
    otherDevice.disconnect();
  });
});
