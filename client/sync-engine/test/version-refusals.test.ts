import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  stampMs,
  type PushRequest,
  type Task,
} from '@taskmaster/shared-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryTransport,
  createTask,
  createTaskmasterDatabase,
  getDeviceClock,
  startSync,
  type MemoryEndpoint,
  type SyncHandle,
  type SyncState,
  type TaskmasterDatabase,
} from '../src/index.js';

const TEN_YEARS = 10 * 365 * 24 * 60 * 60 * 1000;
const tokens = { getAccessToken: async () => 'token', refresh: async () => 'token' };

/**
 * A scripted server on the in-memory transport: it accepts the handshake, says hello, and answers
 * pushes with `onPush`; everything else gets an empty answer or an error the engine tolerates.
 */
function scriptedServer(onPush: (request: PushRequest) => unknown) {
  const pushes: PushRequest[] = [];
  const handshakes: Record<string, unknown>[] = [];
  const endpoint: MemoryEndpoint = {
    open(client) {
      handshakes.push({ ...client.auth });
      queueMicrotask(() => {
        client.accept(`c${handshakes.length}`);
        client.deliver('sync:hello', {
          serverTime: Date.now(),
          protocol: PROTOCOL_VERSION,
          minProtocol: MIN_PROTOCOL_VERSION,
          maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS,
        });
      });
      return {
        async request(event, payload) {
          if (event === 'sync:pull') return { documents: [], checkpoint: null };
          if (event === 'sync:push') {
            pushes.push(payload as PushRequest);
            return onPush(payload as PushRequest);
          }
          return { error: { reason: 'invalid-payload', message: `not scripted: ${event}` } };
        },
        close() {},
      };
    },
  };
  return { endpoint, pushes, handshakes };
}

let db: TaskmasterDatabase | undefined;
let sync: SyncHandle | undefined;
let counter = 0;
afterEach(async () => {
  await sync?.stop();
  await db?.remove();
  sync = undefined;
  db = undefined;
});

async function device(endpoint: MemoryEndpoint, wallClock?: () => number) {
  db = await createTaskmasterDatabase({ name: `refusals-${Date.now()}-${counter++}`, storage: getRxStorageMemory() });
  const clock = await getDeviceClock(db, { wallClock });
  const transport = createMemoryTransport({ endpoint, tokens, handshake: () => ({ protocol: PROTOCOL_VERSION }) });
  return { db, clock, transport };
}

describe('the engine and the version window (SPEC, "Versions")', () => {
  it('a push refused with upgrade-required stops sync, keeps the write local and is not retried in a loop', async () => {
    const server = scriptedServer(() => ({ error: { reason: 'upgrade-required', message: 'schema too old' } }));
    const { db, clock, transport } = await device(server.endpoint);
    sync = startSync({ db, session: tokens, clock, transport, resyncIntervalMs: 0, verifyIntervalMs: 0 });
    const states: SyncState[] = [];
    sync.state$.subscribe((state) => states.push(state));
    await createTask(db, clock, { id: 'kept', title: 'Kept on the device' });
    await expect.poll(() => states.at(-1)?.upgradeRequired?.message, { timeout: 10_000 }).toBe('schema too old');
    expect(states.at(-1)?.error).toBe('upgrade-required');
    expect(server.handshakes[0]).toMatchObject({ protocol: PROTOCOL_VERSION, token: 'token' });
    // Proving that nothing more happens takes a wait: several times the 250 ms retry delay.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.pushes.length).toBe(1);
    expect(server.handshakes.length).toBe(1);
    expect(transport.connected).toBe(false);
    expect((await db.tasks.findOne('kept').exec())?.title).toBe('Kept on the device');
  });

  it('[R8] a clock-skew refusal re-stamps exactly the refused stamps and the device adopts them', async () => {
    let refused = false;
    const server = scriptedServer((request) => {
      const doc = request.rows[0]!.newDocumentState as Task;
      const ahead = Object.values(doc.clocks).some((stamp) => stampMs(stamp!) > Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
      if (ahead) {
        refused = true;
        return { error: { reason: 'clock-skew', message: 'ahead', serverTime: Date.now() } };
      }
      return { conflicts: [], seq: 1 };
    });
    const { db, clock, transport } = await device(server.endpoint, () => Date.now() + TEN_YEARS);
    // Written before any hello: every stamp is ten years ahead.
    await createTask(db, clock, { id: 'fast', title: 'On a fast clock' });
    sync = startSync({ db, session: tokens, clock, transport, resyncIntervalMs: 0, verifyIntervalMs: 0 });
    await sync.awaitInSync();
    expect(refused).toBe(true);
    const accepted = server.pushes.at(-1)!.rows[0]!.newDocumentState as Task;
    expect(accepted.title).toBe('On a fast clock');
    for (const stamp of Object.values(accepted.clocks)) {
      expect(stampMs(stamp!)).toBeLessThanOrEqual(Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
    }
    await expect
      .poll(async () => (await db.tasks.findOne('fast').exec())?.toMutableJSON().clocks, { timeout: 10_000 })
      .toEqual(accepted.clocks);
    // The clock itself now stamps at the server's time.
    expect(stampMs(clock.now())).toBeLessThan(Date.now() + DEFAULT_MAX_CLOCK_SKEW_MS);
  });
});
