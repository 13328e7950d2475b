import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeHlc } from '@taskmaster/shared-schema';
import { createTask } from '@taskmaster/sync-client';
import { createDevice, eventually, registerAccount, type Device } from './helpers/device.js';
import { connectRaw, emitRaw } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('[R5] isolation between users', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.dispose();
  });

  it("[R5] a device never pulls, hears about, or overwrites another user's documents, even with forged ids and owners", async () => {
    const alice = await registerAccount(server.url);
    const mallory = await registerAccount(server.url);
    const aliceDevice = await createDevice(server.url, alice, 'alice');
    const malloryDevice = await createDevice(server.url, mallory, 'mallory');
    devices.push(aliceDevice, malloryDevice);
    await aliceDevice.goOnline();
    await malloryDevice.goOnline();
    await malloryDevice.sync!.awaitInSync();

    const secret = await createTask(aliceDevice.db, aliceDevice.clock, { title: 'Alice secret' });
    await aliceDevice.sync!.awaitInSync();

    // Mallory hears nothing and pulls nothing of Alice's.
    const raw = await connectRaw(server.url, mallory.tokens.accessToken);
    const heard: unknown[] = [];
    raw.on('sync:changes', (event) => heard.push(event));
    const pulled = (await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 100 })) as {
      documents: unknown[];
    };
    expect(pulled.documents).toEqual([]);

    // A push with Alice's document id is stored as Mallory's own document; Alice's stays untouched.
    const forged = {
      ...secret,
      title: 'overwritten by mallory',
      // Newer than Alice's stamp, yet within what the server accepts (rule R8).
      clocks: { ...secret.clocks, title: encodeHlc({ ms: Date.now() + 60_000, counter: 0 }, 'mallory') },
      _deleted: false,
    };
    const ack = (await emitRaw(raw, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: forged }] })) as {
      conflicts: unknown[];
    };
    expect(ack).toHaveProperty('conflicts');
    // A forged owner field is rejected as schema-invalid and changes nothing.
    const withOwner = await emitRaw(raw, 'sync:push', {
      collection: 'tasks',
      rows: [{ newDocumentState: { ...forged, id: 'other', ownerId: alice.tokens.user.id } }],
    });
    expect(withOwner).toMatchObject({ error: { reason: 'schema-invalid' } });
    // A forged userId in the envelope is rejected too.
    const withUser = await emitRaw(raw, 'sync:push', {
      collection: 'tasks',
      userId: alice.tokens.user.id,
      rows: [{ newDocumentState: forged }],
    });
    expect(withUser).toMatchObject({ error: { reason: 'invalid-payload' } });

    const aliceStored = await server.store.getDoc(alice.tokens.user.id, 'tasks', secret.id);
    expect(aliceStored?.doc.title).toBe('Alice secret');
    expect((await server.store.getDoc(mallory.tokens.user.id, 'tasks', secret.id))?.doc.title).toBe(
      'overwritten by mallory',
    );
    expect(await server.store.getDoc(alice.tokens.user.id, 'tasks', 'other')).toBeUndefined();
    await eventually(async () => expect(await malloryDevice.db.tasks.count().exec()).toBe(1));
    expect((await aliceDevice.db.tasks.findOne(secret.id).exec())?.title).toBe('Alice secret');
    expect(heard.length).toBeGreaterThan(0);
    expect(JSON.stringify(heard)).not.toContain('Alice secret');
    raw.disconnect();
  });

  it('[R5] the handshake refuses missing, forged and foreign-signed tokens', async () => {
    await expect(connectRaw(server.url, '')).rejects.toMatchObject({ message: 'unauthorized' });
    await expect(connectRaw(server.url, 'not.a.jwt')).rejects.toMatchObject({ message: 'unauthorized' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'someone', exp: Math.floor(Date.now() / 1000) + 600 })).toString(
      'base64url',
    );
    await expect(connectRaw(server.url, `${header}.${body}.`)).rejects.toMatchObject({ message: 'unauthorized' });
  });

  it('[R5] the WebSocket upgrade is refused for a browser origin that is not allowed', async () => {
    const account = await registerAccount(server.url);
    await expect(
      connectRaw(server.url, account.tokens.accessToken, { extraHeaders: { origin: 'https://evil.example' } }),
    ).rejects.toBeTruthy();
    const ok = await connectRaw(server.url, account.tokens.accessToken, { extraHeaders: { origin: server.url } });
    expect(ok.connected).toBe(true);
    ok.disconnect();
  });
});
