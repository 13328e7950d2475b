import { ACCESS_TOKEN_TTL_SECONDS } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createTask } from '@taskmaster/sync-client';
import { createDevice, eventually, registerAccount, type Device } from './helpers/device.js';
import { connectRaw, emitRaw } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('access token expiry on a live connection', () => {
  let server: TestServer;
  const devices: Device[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  it('an expired token gets a clear reason; the device refreshes, reconnects and its write lands', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    server = await startTestServer({ now });
    const account = await registerAccount(server.url);
    const device = await createDevice(server.url, account, 'a');
    devices.push(device);
    // The device's session sees the same (shifted) time, as a real device would after 16 minutes.
    await device.goOnline();
    await device.sync!.awaitInSync();
    const firstSocketId = (await device.sync!.transport).id;

    const raw = await connectRaw(server.url, account.tokens.accessToken);
    offset = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    const expiredNotice = new Promise((resolve) => raw.once('auth:expired', resolve));
    expect(await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 })).toMatchObject({
      error: { reason: 'token-expired' },
    });
    expect(await expiredNotice).toEqual({ reason: 'token-expired' });
    raw.disconnect();
    await expect(connectRaw(server.url, account.tokens.accessToken)).rejects.toMatchObject({
      message: 'token-expired',
    });

    const task = await createTask(device.db, device.clock, { title: 'written after expiry' });
    await eventually(async () => {
      expect((await server.store.getDoc(account.tokens.user.id, 'tasks', task.id))?.doc.title).toBe(
        'written after expiry',
      );
    });
    // It went through a refreshed token on a new connection.
    expect((await device.sync!.transport).id).not.toBe(firstSocketId);
  });
});
