import type { TokenPair } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRaw, emitRaw } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refusal, register, request } from './helpers.js';

const pull = { collection: 'tasks', checkpoint: null, batchSize: 10 };

/** The `sid` claim of an access token (the session id), read without verifying. */
function sessionIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}

describe('[S1] a session that ends loses access at once', () => {
  let server: TestServer;
  let restarted: TestServer | undefined;
  afterEach(async () => {
    await restarted?.dispose();
    restarted = undefined;
    await server.dispose();
  });

  it('[S1] logout closes the device’s open socket, and its access token opens no new socket', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const device = await login(server.url, account);
    const socket = await connectRaw(server.url, device.accessToken);
    const other = await connectRaw(server.url, account.tokens.accessToken);
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));

    const logout = await request(server.url, 'POST', '/api/auth/logout', {
      body: { refreshToken: device.refreshToken },
    });
    expect(logout.status).toBe(204);
    await closed;

    const error = await refusal(connectRaw(server.url, device.accessToken));
    expect(error.message).toBe('token-revoked');
    // The user's other device is another session and keeps syncing.
    expect(other.connected).toBe(true);
    expect(await emitRaw(other, 'sync:pull', pull)).toMatchObject({ documents: [] });
    other.disconnect();
  });

  it('[S1] after refresh-token reuse revokes a family, the stolen access token cannot reconnect', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const stolen = await login(server.url, account);
    const rotated = await request(server.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: stolen.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const reuse = await request(server.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: stolen.refreshToken },
    });
    expect(reuse).toMatchObject({ status: 401, body: { error: { reason: 'token-revoked' } } });

    for (const token of [stolen.accessToken, (rotated.body as TokenPair).accessToken]) {
      expect((await refusal(connectRaw(server.url, token))).message).toBe('token-revoked');
    }
  });

  it('[S1] every event re-checks the session: a socket that missed its disconnect is refused and closed', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const socket = await connectRaw(server.url, account.tokens.accessToken);
    const told = new Promise((resolve) => socket.once('auth:expired', resolve));
    // As if the revocation came from another instance whose disconnect never reached this one.
    server.server.revocations.remember(sessionIdOf(account.tokens.accessToken));
    expect(await emitRaw(socket, 'sync:pull', pull)).toMatchObject({ error: { reason: 'token-revoked' } });
    await told;
    await expect.poll(() => socket.connected).toBe(false);
  });

  it('[S1] the revocation survives a restart: the store answers for a session this process never saw revoked', async () => {
    server = await startTestServer();
    const account = await register(server.url);
    const device = await login(server.url, account);
    await request(server.url, 'POST', '/api/auth/logout', { body: { refreshToken: device.refreshToken } });
    await server.stop();
    restarted = await startTestServer({ dataDir: server.dataDir });
    expect((await refusal(connectRaw(restarted.url, device.accessToken))).message).toBe('token-revoked');
    const live = await connectRaw(restarted.url, account.tokens.accessToken);
    expect(await emitRaw(live, 'sync:pull', pull)).toMatchObject({ documents: [] });
    live.disconnect();
  });
});
