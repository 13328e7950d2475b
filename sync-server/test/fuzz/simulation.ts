import { HybridLogicalClock, type ChangeEvent, type Task } from '@taskmaster/shared-schema';
import { Prng } from '@taskmaster/shared-schema/testing';
import { createTask, deleteTask, restoreTask, socketOf, updateTask, type SyncSocket } from '@taskmaster/sync-client';
import { createLocalFanout, type Fanout } from '../../src/fanout/fanout.js';
import { createDevice, registerAccount, type Device } from '../helpers/device.js';
import { describeDoc, normalize, randomPatch, stable, TITLES, type SimDoc as Comparable } from '../helpers/sim-docs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The seeded sync simulation (DESIGN "How correctness is tested"; models: tldraw's sync fuzz test,
 * Yjs's random tests). Several devices of one user and a real server run a random schedule of edits,
 * deletes, restores, disconnects, reconnects, server restarts, and dropped, duplicated, delayed and
 * reordered fan-out messages. Invariants are checked at sync barriers during the run and at the end,
 * when every device and the server must hold identical documents.
 *
 * The schedule is a pure function of the seed; network timing is not, so a seed replays the same
 * operations but not always the same interleaving (run a failing seed a few times).
 */
export interface SimulationOptions {
  /** Operations in the schedule. */
  steps?: number;
  devices?: number;
  /** Creates stop at this many live tasks, so edits pile onto the same documents. */
  maxLiveTasks?: number;
  /** Allow server restarts in the schedule. */
  restarts?: boolean;
  /** Probability per published change event of each fan-out fault. */
  faults?: { drop: number; duplicate: number; delay: number };
  /** Wall-clock budget of one run; exceeding it is a failure (a device never converged). */
  timeoutMs?: number;
  /** Called with each log line as it happens (for watching a long run). */
  onLog?: (line: string) => void;
}

export interface SimulationResult {
  seed: number;
  log: string[];
  stats: Record<string, number>;
  elapsedMs: number;
}

const DEFAULTS = {
  steps: 40,
  devices: 3,
  maxLiveTasks: 6,
  restarts: true,
  faults: { drop: 0.15, duplicate: 0.1, delay: 0.2 },
  timeoutMs: 30_000,
};

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(
    readonly seed: number,
    readonly log: string[],
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    super(
      `sync simulation failed for seed ${seed}: ${cause instanceof Error ? cause.message : String(cause)}\n` +
        `replay: FUZZ_SEED=${seed} npx vitest run sync-server/test/fuzz\n` +
        `--- operation log (seed ${seed}) ---\n${log.join('\n')}\n--- cause ---\n${reason}`,
    );
  }
}

class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

// ----- fan-out with faults ------------------------------------------------------------------------

/**
 * Wraps the local fan-out so `publish` drops, duplicates or holds messages back. Held messages are
 * released later, in random order, when the schedule calls `release` (rule R3: fan-out is a hint).
 * Uses its own random stream, so the number of publishes (timing-dependent) cannot perturb the
 * schedule drawn from the main stream.
 */
class FaultyFanout implements Fanout {
  readonly kind = 'local' as const;
  private readonly inner = createLocalFanout();
  private held: [string, ChangeEvent][] = [];
  enabled = true;

  constructor(
    private readonly random: Prng,
    private readonly rates: { drop: number; duplicate: number; delay: number },
    private readonly stats: Record<string, number>,
  ) {}

  attach(io: Parameters<Fanout['attach']>[0]): void {
    this.inner.attach(io);
  }

  publish(userId: string, event: ChangeEvent): void {
    this.stats.published = (this.stats.published ?? 0) + 1;
    if (!this.enabled) return this.inner.publish(userId, event);
    const roll = this.random.next();
    const { drop, duplicate, delay } = this.rates;
    if (roll < drop) {
      this.stats.dropped = (this.stats.dropped ?? 0) + 1;
    } else if (roll < drop + duplicate) {
      this.stats.duplicated = (this.stats.duplicated ?? 0) + 1;
      this.inner.publish(userId, event);
      this.held.push([userId, event]);
    } else if (roll < drop + duplicate + delay) {
      this.stats.delayed = (this.stats.delayed ?? 0) + 1;
      const item: [string, ChangeEvent] = [userId, event];
      this.held.push(item);
      // Half of the delayed messages arrive on their own a little later, while the schedule runs on.
      if (this.random.chance(0.5)) {
        setTimeout(
          () => {
            if (!this.held.includes(item)) return;
            this.held = this.held.filter((other) => other !== item);
            this.inner.publish(userId, event);
          },
          this.random.int(1, 30),
        );
      }
    } else {
      this.inner.publish(userId, event);
    }
  }

  /** Delivers some (or all) held messages, shuffled. */
  release(all = false): number {
    const out = all ? this.held : this.random.subset(this.held, 0.6);
    this.held = this.held.filter((item) => !out.includes(item));
    for (const [userId, event] of this.random.shuffle(out)) this.inner.publish(userId, event);
    return out.length;
  }

  async close(): Promise<void> {
    this.held = [];
    await this.inner.close();
  }
}

// ----- documents --------------------------------------------------------------------------------

/** Every task a device holds, tombstones included (RxDB queries hide deleted documents). */
async function deviceDocs(device: Device, ids: Iterable<string>): Promise<Map<string, Comparable>> {
  const found = await device.db.tasks.storageInstance.findDocumentsById([...new Set(ids)], true);
  return new Map(found.map((doc) => [doc.id, normalize(doc as unknown as Record<string, unknown>)]));
}

async function serverDocs(server: TestServer, userId: string): Promise<Map<string, { seq: number; doc: Comparable }>> {
  const rows = await server.store.pull(userId, 'tasks', 0, 100_000);
  return new Map(
    rows.map((row) => [row.doc.id, { seq: row.seq, doc: normalize(row.doc as unknown as Record<string, unknown>) }]),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvariantViolation(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** FUZZ_TRACE=1: every sync event of a device, in and out, in the operation log (diagnostics). */
function traceSocket(name: string, socket: SyncSocket, note: (line: string) => void) {
  const brief = (value: unknown) => {
    const v = value as {
      collection?: string;
      checkpoint?: { seq: number } | null;
      rows?: { newDocumentState: { id: string } }[];
      fromSeq?: number;
      toSeq?: number;
      documents?: { id: string; clocks: Record<string, string> }[];
    };
    const docs = v?.documents?.map((d) => `${d.id}:${Object.values(d.clocks).sort().at(-1)}`).join(',');
    return `${v?.collection ?? ''} cp=${v?.checkpoint?.seq ?? '-'} ${v?.fromSeq ?? ''}->${v?.toSeq ?? ''} rows=${v?.rows?.map((r) => r.newDocumentState.id).join(',') ?? ''} docs=${docs ?? ''}`;
  };
  socket.onAnyOutgoing((event, payload) => note(`    ${name} >> ${event} ${brief(payload)}`));
  socket.onAny((event, payload) => note(`    ${name} << ${event} ${brief(payload)}`));
  socket.on('connect', () => note(`    ${name} connected ${socket.id}`));
  socket.on('disconnect', (reason) => note(`    ${name} disconnected ${reason}`));
}

// ----- the simulation ---------------------------------------------------------------------------

interface SimDevice {
  index: number;
  name: string;
  device: Device;
  clock: HybridLogicalClock;
  /** Logically connected (not disconnected by the schedule). */
  connected: boolean;
  /** Snapshots of tasks this device deleted, for undo (restore). */
  trash: Task[];
}

/** Runs one seeded simulation; throws a SimulationError (with seed and operation log) on failure. */
export async function runSimulation(seed: number, options: SimulationOptions = {}): Promise<SimulationResult> {
  const opts = { ...DEFAULTS, ...options, faults: { ...DEFAULTS.faults, ...options.faults } };
  const random = new Prng(seed);
  const stats: Record<string, number> = {};
  const log: string[] = [];
  const started = Date.now();
  const note = (line: string) => {
    const entry = `${String(Date.now() - started).padStart(6)}ms ${line}`;
    log.push(entry);
    opts.onLog?.(entry);
  };
  const count = (key: string) => (stats[key] = (stats[key] ?? 0) + 1);

  let server: TestServer | undefined;
  let fanout: FaultyFanout | undefined;
  const sims: SimDevice[] = [];
  /** Every field stamp a device wrote locally: id -> field -> greatest clock. */
  const written = new Map<string, Map<string, string>>();
  /** Every field stamp the server committed (R1: durable once accepted): id -> field -> clock. */
  const accepted = new Map<string, Map<string, string>>();
  let userId = '';
  let nextTask = 0;

  const remember = (into: Map<string, Map<string, string>>, id: string, clocks: Record<string, string | undefined>) => {
    const fields = into.get(id) ?? new Map<string, string>();
    for (const [field, clock] of Object.entries(clocks))
      if (clock && clock > (fields.get(field) ?? '')) fields.set(field, clock);
    into.set(id, fields);
  };

  const startServer = async (dataDir?: string) => {
    fanout = new FaultyFanout(new Prng((seed ^ 0x5bd1e995) >>> 0), opts.faults, stats);
    const next = await startTestServer({ dataDir, fanout });
    // Record what the store commits: from then on it must never be lost (rule R1).
    const applyPush = next.store.applyPush.bind(next.store);
    next.store.applyPush = async (user, collection, rows, merge) => {
      const outcome = await applyPush(user, collection, rows, merge);
      if (collection === 'tasks')
        for (const row of rows) remember(accepted, row.newDocumentState.id, row.newDocumentState.clocks);
      return outcome;
    };
    return next;
  };

  const online = async (sim: SimDevice) => {
    await sim.device.goOnline({ url: server!.url, clock: sim.clock });
    if (process.env.FUZZ_TRACE) traceSocket(sim.name, socketOf(await sim.device.sync!.transport), note);
    if (!sim.connected) await sim.device.disconnect();
  };

  const localWrite = async (sim: SimDevice, id: string, before: Record<string, string | undefined>) => {
    const after = await sim.device.db.tasks.storageInstance.findDocumentsById([id], true);
    const clocks = (after[0] as unknown as Task | undefined)?.clocks ?? {};
    const stamped = Object.fromEntries(Object.entries(clocks).filter(([field, clock]) => clock !== before[field]));
    remember(written, id, stamped);
  };

  /** Checks R1 on the server: every committed field stamp is still there (or superseded). */
  const checkAccepted = async (when: string) => {
    const docs = await serverDocs(server!, userId);
    for (const [id, fields] of accepted) {
      const doc = docs.get(id)?.doc;
      for (const [field, clock] of fields) {
        const stored = doc?.clocks[field as keyof Task['clocks']] ?? '';
        if (stored < clock) {
          throw new InvariantViolation(
            `[R1] ${when}: server lost accepted ${id}.${field}@${clock} (has ${stored || 'nothing'})`,
          );
        }
      }
    }
  };

  /**
   * Sync barrier: held notifications are delivered, every connected device pulls from its
   * checkpoint (the safety-net pull of R3) and pushes, until they all hold exactly the server's
   * documents. A device whose checkpoint skipped a change never gets it back, so this fails.
   */
  const barrier = async (participants: SimDevice[], what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let lastDiff = '';
    for (let round = 0; ; round++) {
      fanout!.release(true);
      for (const sim of participants) sim.device.sync!.resync();
      try {
        await within(
          Math.max(500, deadline - Date.now()),
          `${what}: awaitInSync`,
          Promise.all(participants.map((s) => s.device.sync!.awaitInSync())),
        );
      } catch (error) {
        throw new InvariantViolation(
          `[R2][R3] ${what}: devices never got in sync (${(error as Error).message}); last difference:${lastDiff || ' none yet'}`,
        );
      }
      const docs = await serverDocs(server!, userId);
      const ids = new Set([...docs.keys(), ...written.keys()]);
      lastDiff = '';
      for (const sim of participants) {
        const local = await deviceDocs(sim.device, ids);
        for (const id of ids) {
          const mine = local.get(id);
          const theirs = docs.get(id)?.doc;
          if (!mine && !theirs) continue;
          if (stable(mine) !== stable(theirs)) {
            lastDiff += `\n  ${sim.name} ${id} (server seq ${docs.get(id)?.seq ?? '-'}):\n    device: ${describeDoc(mine)}\n    server: ${describeDoc(theirs)}`;
            if (process.env.FUZZ_TRACE) {
              const seen = await sim.device.sync!.inspect('tasks', id);
              lastDiff += `\n    rxdb assumed master: ${describeDoc(seen.assumedMaster ? normalize(seen.assumedMaster as Record<string, unknown>) : undefined)}`;
            }
          }
        }
      }
      if (!lastDiff) {
        note(
          `${what}: ${participants.map((s) => s.name).join(',')} identical to server (${docs.size} docs, round ${round})`,
        );
        return;
      }
      if (Date.now() > deadline)
        throw new InvariantViolation(`[R2][R3] ${what}: devices differ from the server:${lastDiff}`);
      await sleep(round < 5 ? 20 : 100);
    }
  };

  try {
    return await within(
      opts.timeoutMs,
      'whole simulation',
      (async () => {
        server = await startServer();
        const account = await registerAccount(server.url);
        for (let i = 0; i < opts.devices; i++) {
          const device = await createDevice(server.url, account, `s${seed}d${i}`);
          // Device wall clocks disagree by up to a few seconds: the HLC, not wall time, must decide.
          const skew = random.int(-3000, 3000);
          const clock = new HybridLogicalClock(`d${i}`, () => Date.now() + skew);
          sims.push({ index: i, name: `d${i}`, device, clock, connected: true, trash: [] });
          note(`d${i} created, clock skew ${skew} ms`);
        }
        userId = sims[0]!.device.session.user!.id;
        for (const sim of sims) await online(sim);
        note(`seed ${seed}: ${opts.devices} devices online, ${opts.steps} steps`);

        for (let step = 0; step < opts.steps; step++) {
          const sim = random.pick(sims);
          const { db } = sim.device;
          const roll = random.next();
          const live = await db.tasks.find({ sort: [{ id: 'asc' }] }).exec();
          const prefix = `#${step} ${sim.name}`;
          if ((roll < 0.2 && live.length < opts.maxLiveTasks) || live.length === 0) {
            const id = `t${nextTask++}`;
            const patch = randomPatch(random);
            const title = patch.title ?? `${random.pick(TITLES)}`;
            await createTask(db, sim.clock, { ...patch, title, id });
            await localWrite(sim, id, {});
            note(`${prefix} create ${id} ${JSON.stringify({ ...patch, title })}`);
            count('create');
          } else if (roll < 0.25) {
            // The same task edited on several devices at once, while replication runs.
            const target = random.pick(live).id;
            const editors = random.subset(sims, 0.7);
            const patches = editors.map(() => randomPatch(random));
            const results = await Promise.allSettled(
              editors.map(async (editor, i) => {
                const [current] = await editor.device.db.tasks.storageInstance.findDocumentsById([target], true);
                if (!current || current._deleted) throw new Error('not live here');
                const before = { ...(current as unknown as Task).clocks };
                await updateTask(editor.device.db, editor.clock, target, patches[i]!);
                await localWrite(editor, target, before);
              }),
            );
            note(
              `#${step} burst on ${target}: ${editors
                .map(
                  (e, i) =>
                    `${e.name}${results[i]!.status === 'fulfilled' ? '' : '(skipped)'} ${JSON.stringify(patches[i])}`,
                )
                .join('; ')}`,
            );
            count('burst');
          } else if (roll < 0.55) {
            const target = random.pick(live);
            const patch = randomPatch(random);
            const before = { ...target.clocks };
            try {
              await updateTask(db, sim.clock, target.id, patch);
              await localWrite(sim, target.id, before);
              note(`${prefix} edit ${target.id} ${JSON.stringify(patch)}`);
              count('edit');
            } catch (error) {
              note(`${prefix} edit ${target.id} skipped: ${(error as Error).message}`);
            }
          } else if (roll < 0.63) {
            const target = random.pick(live);
            const snapshot = target.toMutableJSON() as Task;
            await deleteTask(db, sim.clock, target.id);
            await localWrite(sim, target.id, snapshot.clocks);
            sim.trash.push(snapshot);
            note(`${prefix} delete ${target.id}`);
            count('delete');
          } else if (roll < 0.68) {
            if (sim.trash.length === 0) {
              note(`${prefix} restore: nothing in trash`);
            } else {
              const snapshot = sim.trash.splice(random.int(0, sim.trash.length - 1), 1)[0]!;
              const [current] = await db.tasks.storageInstance.findDocumentsById([snapshot.id], true);
              await restoreTask(db, sim.clock, snapshot);
              await localWrite(sim, snapshot.id, (current as unknown as Task | undefined)?.clocks ?? {});
              note(`${prefix} restore ${snapshot.id} (undo of its delete)`);
              count('restore');
            }
          } else if (roll < 0.76) {
            if (sim.connected) {
              sim.connected = false;
              await sim.device.disconnect();
              note(`${prefix} disconnect`);
              count('disconnect');
            } else {
              sim.connected = true;
              await sim.device.reconnect();
              note(`${prefix} reconnect`);
              count('reconnect');
            }
          } else if (roll < 0.79) {
            // An app reload: replication stops and starts again from the stored checkpoints.
            await sim.device.goOffline();
            await online(sim);
            note(`${prefix} reload (replication restarted${sim.connected ? '' : ', still disconnected'})`);
            count('reload');
          } else if (roll < 0.86) {
            const released = fanout!.release();
            const wait = random.int(0, 40);
            await sleep(wait);
            note(`#${step} settle ${wait} ms, released ${released} held notifications`);
          } else if (roll < 0.9 && opts.restarts) {
            const dataDir = server.dataDir;
            note(`#${step} server restart (begin)`);
            await server.stop();
            server = await startServer(dataDir);
            for (const s of sims) {
              await s.device.goOffline();
              await online(s);
            }
            await checkAccepted('after restart');
            note(`#${step} server restart (done), ${server.url}`);
            count('restart');
          } else if (roll < 0.95) {
            const participants = sims.filter((s) => s.connected);
            if (participants.length > 0) await barrier(participants, `#${step} barrier`, 10_000);
            await checkAccepted(`#${step} barrier`);
            count('barrier');
          } else {
            note(`#${step} yield`);
            await sleep(0);
          }
          // Jitter: let replication, acks and delayed notifications interleave with the next operation.
          if (random.chance(0.3)) await sleep(random.int(0, 8));
        }

        // Final phase: everyone reconnects, notifications are reliable again, everyone syncs.
        note('final: everyone reconnects');
        fanout!.enabled = false;
        for (const sim of sims) {
          if (!sim.connected) {
            sim.connected = true;
            await sim.device.reconnect();
          }
        }
        await barrier(sims, 'final', 15_000);
        await checkAccepted('final');

        // R1 end to end: every field a device ever wrote is reflected in the final state (its clock
        // is at most the final clock of that field): no local write was dropped on the way.
        const final = await serverDocs(server, userId);
        for (const [id, fields] of written) {
          const doc = final.get(id)?.doc;
          if (!doc) throw new InvariantViolation(`[R1] ${id} was written on a device but never reached the server`);
          for (const [field, clock] of fields) {
            const got = doc.clocks[field as keyof Task['clocks']] ?? '';
            if (got < clock)
              throw new InvariantViolation(
                `[R1] local write ${id}.${field}@${clock} lost (final clock ${got || 'none'})`,
              );
          }
        }
        // A fresh device pulling from 0 gets exactly the same documents (R2: nothing hidden behind a checkpoint).
        const fresh = await createDevice(server.url, account, `s${seed}fresh`);
        try {
          await fresh.goOnline();
          const sim: SimDevice = {
            index: -1,
            name: 'fresh',
            device: fresh,
            clock: fresh.clock,
            connected: true,
            trash: [],
          };
          await barrier([sim], 'fresh device', 10_000);
        } finally {
          await fresh.close();
        }
        stats.docs = final.size;
        stats.tombstones = [...final.values()].filter((d) => d.doc._deleted).length;
        stats.conflictsLogged = [...final.values()].reduce((sum, d) => sum + d.doc.conflicts.length, 0);
        note(`done: ${JSON.stringify(stats)}`);
        return { seed, log, stats, elapsedMs: Date.now() - started };
      })(),
    );
  } catch (error) {
    throw new SimulationError(seed, log, error);
  } finally {
    await Promise.allSettled(sims.map((s) => s.device.close()));
    await server?.dispose().catch(() => undefined);
  }
}
