import { afterEach, describe, expect, it } from 'vitest';
import { registerAccount } from './helpers/device.js';
import { connectRaw, emitRaw } from './helpers/raw-socket.js';
import { taskDoc } from './store/doc-fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const task = (id: string) => taskDoc(id, { title: 'in flight' });

describe('graceful shutdown', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.dispose();
  });

  it('[R1] finishes the in-flight push, refuses new connections and tells devices to reconnect', async () => {
    server = await startTestServer();
    const account = await registerAccount(server.url);
    const socket = await connectRaw(server.url, account.tokens.accessToken);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const applyPush = server.store.applyPush.bind(server.store);
    let entered!: () => void;
    const inStore = new Promise<void>((resolve) => (entered = resolve));
    server.store.applyPush = async (...args) => {
      entered();
      await gate;
      return applyPush(...args);
    };
    const told = new Promise((resolve) => socket.once('sync:reconnect', resolve));
    const ack = emitRaw(socket, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: task('t1') }] });
    await inStore;
    const closing = server.server.close();
    await expect(connectRaw(server.url, account.tokens.accessToken)).rejects.toMatchObject({
      message: 'server-shutting-down',
    });
    release();
    expect(await ack).toMatchObject({ conflicts: [], seq: 1 });
    expect(await told).toEqual({ reason: 'server-shutdown' });
    await closing;
    expect((await server.store.getDoc(account.tokens.user.id, 'tasks', 't1'))?.doc.title).toBe('in flight');
  });
});
