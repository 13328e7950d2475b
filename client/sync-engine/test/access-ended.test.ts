import { HybridLogicalClock } from '@taskmaster/shared-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryTransport,
  createTaskmasterDatabase,
  startSync,
  type MemoryClientEnd,
  type SyncHandle,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client';

/** A server that accepts (or refuses) every handshake and answers pulls with nothing new. */
function endpoint(refuse?: string) {
  const state: { client?: MemoryClientEnd; opens: number } = { opens: 0 };
  return {
    state,
    endpoint: {
      open(client: MemoryClientEnd) {
        state.opens += 1;
        state.client = client;
        if (refuse) queueMicrotask(() => client.refuse({ reason: refuse, message: refuse }));
        else queueMicrotask(() => client.accept(`c${state.opens}`));
        return {
          request: async (event: string) =>
            event === 'sync:pull' ? { documents: [], checkpoint: null } : { conflicts: [], seq: 0 },
          close() {},
        };
      },
    },
  };
}

describe('the server ends a device’s access (R5)', () => {
  const dbs: TaskmasterDatabase[] = [];
  const syncs: SyncHandle[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
    await Promise.all(dbs.splice(0).map((db) => db.remove()));
  });

  const start = async (server: ReturnType<typeof endpoint>, refresh: () => Promise<string | null>) => {
    const db = await createTaskmasterDatabase({
      name: `ended-${dbs.length}-${Date.now()}`,
      storage: getRxStorageMemory(),
    });
    dbs.push(db);
    const tokens = { getAccessToken: async () => 't', refresh };
    const transport = createMemoryTransport({ endpoint: server.endpoint, tokens });
    const sync = startSync({
      db,
      clock: new HybridLogicalClock('d0'),
      session: tokens,
      transport,
      resyncIntervalMs: 0,
      verifyIntervalMs: 0,
    });
    syncs.push(sync);
    return { sync, transport };
  };

  it('[R5] account:erased stops sync for good and tells the app to wipe the local copy', async () => {
    const server = endpoint();
    const { sync, transport } = await start(server, async () => 't');
    await firstValueFrom(sync.state$.pipe(filter((s) => s.status === 'idle' || s.status === 'syncing')));
    server.state.client!.deliver('account:erased', { reason: 'account-erased' });
    const ended = await firstValueFrom(sync.state$.pipe(filter((s) => s.ended !== undefined)));
    expect(ended.ended).toBe('account-erased');
    expect(transport.connected).toBe(false);
  });

  it('[R5] a refused handshake for an erased account ends access without reconnecting', async () => {
    const server = endpoint('account-erased');
    const { sync } = await start(server, async () => 't');
    const ended = await firstValueFrom(sync.state$.pipe(filter((s) => s.ended !== undefined)));
    expect(ended.ended).toBe('account-erased');
    expect(server.state.opens).toBe(1);
  });

  it('[R5] a revoked session whose refresh fails ends as signed out', async () => {
    const server = endpoint('token-revoked');
    const { sync } = await start(server, async () => null);
    const ended = await firstValueFrom(sync.state$.pipe(filter((s) => s.ended !== undefined)));
    expect(ended.ended).toBe('session-ended');
  });
});
