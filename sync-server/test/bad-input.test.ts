import { PROTOCOL_LIMITS } from '@taskmaster/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTask } from '@taskmaster/sync-client';
import { createDevice, eventually, registerAccount, type Account, type Device } from './helpers/device.js';
import { connectRaw, emitRaw, type RawSocket } from './helpers/raw-socket.js';
import { taskDoc } from './store/doc-fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const validTask = (id: string) => taskDoc(id, { title: 'valid' });

describe('[R6] bad input never hurts others', () => {
  let server: TestServer;
  let account: Account;
  let raw: RawSocket;
  let bystander: Device;
  beforeEach(async () => {
    server = await startTestServer();
    account = await registerAccount(server.url);
    raw = await connectRaw(server.url, account.tokens.accessToken);
    bystander = await createDevice(server.url, await registerAccount(server.url), 'bystander');
    await bystander.goOnline();
  });
  afterEach(async () => {
    raw.disconnect();
    await bystander.close();
    await server.dispose();
  });

  const cases: [string, unknown, string][] = [
    ['a non-object payload', 'hello', 'invalid-payload'],
    ['null', null, 'invalid-payload'],
    [
      'an unknown collection',
      { collection: 'users', rows: [{ newDocumentState: validTask('a') }] },
      'unknown-collection',
    ],
    ['rows that are not an array', { collection: 'tasks', rows: 'x' }, 'invalid-payload'],
    ['an empty push', { collection: 'tasks', rows: [] }, 'invalid-payload'],
    ['a document that is a string', { collection: 'tasks', rows: [{ newDocumentState: 'task' }] }, 'invalid-payload'],
    [
      'a document that is an array',
      { collection: 'tasks', rows: [{ newDocumentState: [validTask('a')] }] },
      'invalid-payload',
    ],
    [
      'an assumed master state that is not an object',
      { collection: 'tasks', rows: [{ newDocumentState: validTask('a'), assumedMasterState: 7 }] },
      'invalid-payload',
    ],
    [
      'a title over the limit',
      { collection: 'tasks', rows: [{ newDocumentState: { ...validTask('a'), title: 'x'.repeat(501) } }] },
      'schema-invalid',
    ],
    [
      'a wrong status',
      { collection: 'tasks', rows: [{ newDocumentState: { ...validTask('a'), status: 'someday' } }] },
      'schema-invalid',
    ],
    [
      'a missing field',
      { collection: 'tasks', rows: [{ newDocumentState: { ...validTask('a'), notes: undefined } }] },
      'schema-invalid',
    ],
    [
      'an operator object as id',
      { collection: 'tasks', rows: [{ newDocumentState: { ...validTask('a'), id: { $ne: '' } } }] },
      'schema-invalid',
    ],
    [
      'too many tags',
      {
        collection: 'tasks',
        rows: [{ newDocumentState: { ...validTask('a'), tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }],
      },
      'schema-invalid',
    ],
    [
      'a bad clock',
      { collection: 'tasks', rows: [{ newDocumentState: { ...validTask('a'), clocks: { title: 'yesterday' } } }] },
      'schema-invalid',
    ],
    [
      'a duplicate id in one batch',
      { collection: 'tasks', rows: [{ newDocumentState: validTask('a') }, { newDocumentState: validTask('a') }] },
      'duplicate-id',
    ],
    [
      'too many rows',
      {
        collection: 'tasks',
        // The row count is checked first, so small rows keep the frame under the transport limit.
        rows: Array.from({ length: PROTOCOL_LIMITS.maxPushRows + 1 }, (_, i) => ({
          newDocumentState: { id: `r${i}` },
        })),
      },
      'batch-too-large',
    ],
    [
      'a document over the size limit',
      {
        collection: 'tasks',
        rows: [{ newDocumentState: { ...validTask('a'), notes: 'x'.repeat(PROTOCOL_LIMITS.maxDocBytes + 1) } }],
      },
      'payload-too-large',
    ],
  ];

  it.each(cases)('[R6] a push with %s gets a clear error ack and changes nothing', async (_name, payload, reason) => {
    const ack = await emitRaw(raw, 'sync:push', payload);
    expect(ack).toMatchObject({ error: { reason } });
    expect((ack as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    expect(await server.store.currentSeq(account.tokens.user.id, 'tasks')).toBe(0);
    expect(raw.connected).toBe(true);
  });

  it('[R6] one bad row rejects the whole batch atomically', async () => {
    const ack = await emitRaw(raw, 'sync:push', {
      collection: 'tasks',
      rows: [{ newDocumentState: validTask('good') }, { newDocumentState: { ...validTask('bad'), priority: 'max' } }],
    });
    expect(ack).toMatchObject({ error: { reason: 'schema-invalid', message: expect.stringContaining('rows[1]') } });
    expect(await server.store.getDoc(account.tokens.user.id, 'tasks', 'good')).toBeUndefined();
  });

  it('[R6] malformed pulls get error acks', async () => {
    expect(
      await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: { seq: -1 }, batchSize: 10 }),
    ).toMatchObject({ error: { reason: 'invalid-payload' } });
    expect(await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 100000 })).toMatchObject(
      { error: { reason: 'batch-too-large' } },
    );
    expect(
      await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: { seq: '0' }, batchSize: 10 }),
    ).toMatchObject({ error: { reason: 'invalid-payload' } });
  });

  it('[R6] a frame over the transport limit closes only that connection; other users keep syncing', async () => {
    const closed = new Promise((resolve) => raw.once('disconnect', resolve));
    (raw as unknown as { emit(event: string, payload: unknown): void }).emit('sync:push', {
      collection: 'tasks',
      rows: [{ newDocumentState: { ...validTask('a'), notes: 'x'.repeat(PROTOCOL_LIMITS.maxMessageBytes) } }],
    });
    await closed;
    const task = await createTask(bystander.db, bystander.clock, { title: 'still fine' });
    await bystander.sync!.awaitInSync();
    await eventually(async () =>
      expect((await server.store.getDoc(bystander.session.user!.id, 'tasks', task.id))?.doc.title).toBe('still fine'),
    );
  });

  it('[R6] an event flood is rate limited per connection without disturbing other users', async () => {
    const results = await Promise.all(
      Array.from({ length: PROTOCOL_LIMITS.eventBurst + 150 }, () =>
        emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 }),
      ),
    );
    expect(
      results.filter((r) => (r as { error?: { reason: string } }).error?.reason === 'rate-limited').length,
    ).toBeGreaterThan(0);
    const task = await createTask(bystander.db, bystander.clock, { title: 'unaffected' });
    await bystander.sync!.awaitInSync();
    expect((await server.store.getDoc(bystander.session.user!.id, 'tasks', task.id))?.doc.title).toBe('unaffected');
  });

  it('[R6] an event without an acknowledgement callback is ignored, not fatal', async () => {
    (raw as unknown as { emit(event: string, payload: unknown): void }).emit('sync:push', {
      collection: 'tasks',
      rows: [],
    });
    (raw as unknown as { emit(event: string, payload: unknown): void }).emit('sync:unknown', 1);
    expect(await emitRaw(raw, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 })).toMatchObject({
      documents: [],
    });
  });
});
