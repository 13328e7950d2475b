import { HybridLogicalClock, PROTOCOL_LIMITS, type ChangeEvent } from '@taskmaster/shared-schema';
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

describe('fan-out of a push: the other devices, then the writer with what it does not hold', () => {
  let server: TestServer;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await server.dispose();
  });

  it('[R3] a push larger than a live hint: the writer hears its push without the documents it sent (no pull back), the others a hint', async () => {
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
    const ack = (await emitRaw(writer, 'sync:push', { collection: 'tasks', rows })) as {
      seq: number;
      conflicts: unknown[];
    };
    expect(ack).toEqual({ seq: count, conflicts: [] });
    await expect.poll(() => heardByOther.length, { timeout: 10_000 }).toBe(1);
    // The writer's echo was sent before the acknowledgement, so it is here already.
    expect(heardByWriter).toEqual([{ collection: 'tasks', fromSeq: 0, toSeq: count, documents: [] }]);
    expect(heardByOther).toEqual([{ collection: 'tasks', fromSeq: 0, toSeq: count }]);
  });

  it("[R3][R4] the writer's echo carries exactly the documents the merge changed, as stored", async () => {
    const account = await registerAccount(server.url);
    const writer = await connectRaw(server.url, account.tokens.accessToken);
    const other = await connectRaw(server.url, account.tokens.accessToken);
    sockets.push(writer, other);
    const clock = new HybridLogicalClock('origin_merge');
    const task = (id: string, i: number) => ({ ...benchTask(id, clock.now(), i), _deleted: false });
    // The other device stores a newer title for `shared` first.
    const base = task('shared', 0);
    await emitRaw(other, 'sync:push', {
      collection: 'tasks',
      rows: [{ newDocumentState: base, assumedMasterState: null }],
    });
    const newer = { ...base, title: 'newer title', clocks: { ...base.clocks, title: clock.now() } };
    await emitRaw(other, 'sync:push', {
      collection: 'tasks',
      rows: [{ newDocumentState: newer, assumedMasterState: base }],
    });
    const heardByWriter = changesOf(writer);
    // The writer, still assuming `base`, changes the notes of `shared` and adds `fresh`.
    const edited = { ...base, notes: 'edited notes', clocks: { ...base.clocks, notes: clock.now() } };
    const fresh = task('fresh', 1);
    const ack = (await emitRaw(writer, 'sync:push', {
      collection: 'tasks',
      rows: [
        { newDocumentState: edited, assumedMasterState: base },
        { newDocumentState: fresh, assumedMasterState: null },
      ],
    })) as { seq: number; conflicts: { id: string; title: string; notes: string }[] };
    expect(ack.conflicts.map((d) => [d.id, d.title, d.notes])).toEqual([['shared', 'newer title', 'edited notes']]);
    expect(heardByWriter).toHaveLength(1);
    expect(heardByWriter[0]).toMatchObject({ collection: 'tasks', fromSeq: 2, toSeq: 4 });
    // Exactly the stored state of the merged document, as a pull returns it; `fresh` is left out.
    const pulled = (await emitRaw(writer, 'sync:pull', {
      collection: 'tasks',
      checkpoint: { seq: 2 },
      batchSize: 10,
    })) as {
      documents: { id: string }[];
    };
    expect(heardByWriter[0]!.documents).toEqual(pulled.documents.filter((d) => d.id === 'shared'));
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
