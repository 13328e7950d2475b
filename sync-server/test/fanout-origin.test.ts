import { HybridLogicalClock, PROTOCOL_LIMITS, taskSchema, type ChangeEvent } from '@taskmaster/shared-schema';
import { benchTask } from '@taskmaster/shared-schema/testing';
import type { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emitChange } from '../src/fanout/fanout.js';
import { registerAccount } from './helpers/device.js';
import { connectRaw, emitRaw, type RawSocket } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** Collects the `sync:changes` events a socket hears. */
function changesOf(socket: RawSocket): ChangeEvent[] {
  const heard: ChangeEvent[] = [];
  socket.on('sync:changes', (event) => heard.push(event));
  return heard;
}

describe('fan-out of a push: the other devices, then the writer with its echo', () => {
  let server: TestServer;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await server.dispose();
  });

  it('[R3] a push larger than a live hint: the writer hears its own documents (no pull back), the others a hint without them', async () => {
    const account = await registerAccount(server.url);
    const writer = await connectRaw(server.url, account.tokens.accessToken);
    const other = await connectRaw(server.url, account.tokens.accessToken);
    sockets.push(writer, other);
    const heardByWriter = changesOf(writer);
    const heardByOther = changesOf(other);
    const clock = new HybridLogicalClock('origin_test');
    const count = PROTOCOL_LIMITS.maxStreamDocs + 20;
    const rows = Array.from({ length: count }, (_, i) => ({
      newDocumentState: { ...benchTask(`big-${i}`, clock.now(), i), _deleted: false },
      assumedMasterState: null,
    }));
    const ack = (await emitRaw(writer, 'sync:push', { collection: 'tasks', rows })) as { seq: number };
    expect(ack.seq).toBe(count);
    await expect.poll(() => heardByOther.length, { timeout: 10_000 }).toBe(1);
    // The writer's echo was sent before the acknowledgement, so it is here already.
    expect(heardByWriter).toHaveLength(1);
    expect(heardByOther[0]).toEqual({ collection: 'tasks', fromSeq: 0, toSeq: count });
    const echo = heardByWriter[0]!;
    expect({ ...echo, documents: undefined }).toEqual({
      collection: 'tasks',
      fromSeq: 0,
      toSeq: count,
      documents: undefined,
    });
    expect(echo.documents?.map((d) => d.id)).toEqual(rows.map((r) => r.newDocumentState.id));
    // Exactly the stored states, as a pull would have returned them.
    const pulled = (await emitRaw(writer, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1000 })) as {
      documents: unknown[];
    };
    expect(echo.documents).toEqual(pulled.documents);
  });

  it('[R3] a push with an echoId: the writer hears only what the merge changed, and the rest by id; the others every document', async () => {
    const account = await registerAccount(server.url);
    const writer = await connectRaw(server.url, account.tokens.accessToken);
    const other = await connectRaw(server.url, account.tokens.accessToken);
    sockets.push(writer, other);
    const clock = new HybridLogicalClock('echo_test');
    const doc = (id: string, i: number) => ({ ...benchTask(id, clock.now(), i), _deleted: false });
    // The writer's states are stamped first, so another device's later edit of `a` wins its fields.
    const mine = [doc('a', 0), doc('b', 1), doc('c', 2)];
    const newer = { ...doc('a', 0), title: 'newer title from the other device' };
    await emitRaw(other, 'sync:push', {
      collection: 'tasks',
      schemaVersion: taskSchema.version,
      rows: [{ newDocumentState: newer, assumedMasterState: null }],
    });
    const heardByWriter = changesOf(writer);
    const heardByOther = changesOf(other);
    const ack = (await emitRaw(writer, 'sync:push', {
      collection: 'tasks',
      schemaVersion: taskSchema.version,
      echoId: 7,
      rows: mine.map((newDocumentState) => ({ newDocumentState, assumedMasterState: null })),
    })) as { seq: number; conflicts: { id: string; title: string }[] };
    expect(ack.conflicts.map((d) => [d.id, d.title])).toEqual([['a', 'newer title from the other device']]);
    await expect.poll(() => heardByOther.length, { timeout: 10_000 }).toBe(1);
    expect(heardByWriter).toHaveLength(1);
    const echo = heardByWriter[0]!;
    expect(echo.echo).toEqual({ id: 7, stored: ['b', 'c'] });
    expect(echo.documents).toEqual(ack.conflicts);
    expect(heardByOther[0]!.echo).toBeUndefined();
    expect(heardByOther[0]!.documents?.map((d) => d.id)).toEqual(['a', 'b', 'c']);
    expect(heardByOther[0]!.documents?.slice(1)).toEqual(mine.slice(1));
  });

  it('[R3] a small push: every device hears the documents, the writer last', async () => {
    const calls: string[] = [];
    const target = (what: string) => ({
      emit: (_event: string, e: ChangeEvent) => calls.push(`${what}:${e.documents?.length ?? '-'}`),
    });
    const io = {
      to: (room: string) => ({
        ...target(`room ${room}`),
        except: (id: string) => target(`room ${room} except ${id}`),
      }),
      of: () => ({ sockets: new Map([['s1', target('socket s1')]]) }),
    } as unknown as Server;
    const event: ChangeEvent = { collection: 'tasks', fromSeq: 0, toSeq: 1, documents: [] };
    emitChange(io, 'u1', event, { connection: 's1', event: { ...event, documents: [] } });
    emitChange(io, 'u1', { collection: 'tasks', fromSeq: 1, toSeq: 2 });
    expect(calls).toEqual(['room user:u1 except s1:0', 'socket s1:0', 'room user:u1:-']);
  });
});
