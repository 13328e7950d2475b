import type { ChangeEvent } from '@taskmaster/shared-schema';
import type { Prng } from '@taskmaster/shared-schema/testing';
import type { MemoryClientEnd, MemoryEndpoint, MemoryServerEnd } from '@taskmaster/sync-client';

/** One message in flight; `run` delivers it. */
interface Delivery {
  what: string;
  run(): void;
}

/** What the simulated network asks of the server it connects devices to. */
export interface SimServerSide {
  /** The handshake reached the server: the user id, or a refusal reason. */
  authenticate(auth: Readonly<Record<string, unknown>>): { userId: string } | { refuse: string };
  /** `connection` is the requesting connection's id: a push's writer hears its own change differently. */
  handle(userId: string, event: string, payload: unknown, connection: string): Promise<unknown>;
}

export interface FaultRates {
  /** Per published change hint: dropped. */
  drop: number;
  /** Per published change hint: delivered twice. */
  duplicate: number;
  /**
   * Per published change hint: its documents are emptied while its sequence range is kept, as a
   * server bug would; a device that applies it skips those changes behind its checkpoint (R9).
   */
  corrupt?: number;
}

/**
 * One device's connection. Requests up and answers down are each delivered in order (one
 * WebSocket); change hints travel apart from them and may arrive late, out of order, twice or
 * never (they cross instances through Redis in production, rule R3).
 */
class SimConnection {
  readonly up: Delivery[] = [];
  readonly down: Delivery[] = [];
  userId: string | undefined;
  open = true;

  constructor(
    readonly id: string,
    readonly device: string,
    readonly client: MemoryClientEnd,
  ) {}
}

/**
 * The simulated network between devices and the server. It delivers nothing by itself: `step`
 * picks, from the seeded generator, which pending message moves next, so a seed fixes the whole
 * interleaving of requests, answers and change hints on every machine.
 */
export class SimNetwork {
  private readonly connections: SimConnection[] = [];
  private hints: (Delivery & { conn: SimConnection })[] = [];
  private nextId = 0;
  server: SimServerSide | undefined;
  /** Fault rates for change hints; set to zero for the final, reliable phase. */
  faults: FaultRates;

  constructor(
    private readonly random: Prng,
    faults: FaultRates,
    private readonly note: (line: string) => void,
    readonly stats: Record<string, number>,
  ) {
    this.faults = { ...faults };
  }

  private count(key: string) {
    this.stats[key] = (this.stats[key] ?? 0) + 1;
  }

  /** The endpoint for one device's in-memory transport. */
  endpoint(device: string): MemoryEndpoint {
    return {
      open: (client): MemoryServerEnd => {
        const conn = new SimConnection(`c${this.nextId++}`, device, client);
        this.connections.push(conn);
        conn.up.push({
          what: `${device} handshake ${conn.id}`,
          run: () => {
            const server = this.server;
            if (!server) {
              this.closeFromServer(conn, 'transport error');
              return;
            }
            const outcome = server.authenticate(client.auth);
            if ('refuse' in outcome) {
              conn.down.push({
                what: `${device} refused ${outcome.refuse}`,
                run: () => this.refuse(conn, outcome.refuse),
              });
              return;
            }
            conn.userId = outcome.userId;
            conn.down.push({ what: `${device} accepted ${conn.id}`, run: () => client.accept(conn.id) });
          },
        });
        return {
          request: (event, payload) =>
            new Promise((resolve, reject) => {
              conn.up.push({
                what: `${device} ${event} ${describePayload(payload)}`,
                run: () => {
                  const server = this.server;
                  if (!server || !conn.userId) {
                    reject(new Error('no server'));
                    return;
                  }
                  server.handle(conn.userId, event, payload, conn.id).then(
                    (response) => {
                      if (!conn.open) return;
                      conn.down.push({
                        what: `${device} ack ${event} ${describeAck(response)}`,
                        run: () => resolve(response),
                      });
                    },
                    (error: unknown) => reject(error as Error),
                  );
                },
              });
            }),
          close: () => this.forget(conn),
        };
      },
    };
  }

  private refuse(conn: SimConnection, reason: string) {
    this.forget(conn);
    conn.client.refuse({ reason, message: reason });
  }

  private forget(conn: SimConnection) {
    conn.open = false;
    conn.up.length = 0;
    conn.down.length = 0;
    this.hints = this.hints.filter((hint) => hint.conn !== conn);
    const index = this.connections.indexOf(conn);
    if (index >= 0) this.connections.splice(index, 1);
  }

  /** The server side drops a connection (network failure, server restart): in-flight messages are lost. */
  closeFromServer(conn: SimConnection, reason: string) {
    if (!conn.open) return;
    this.forget(conn);
    conn.client.close(reason);
  }

  /** Drops every connection (a server restart). */
  dropAll(reason: string) {
    for (const conn of [...this.connections]) this.closeFromServer(conn, reason);
  }

  /** Drops one device's connection, if it has one. */
  dropDevice(device: string, reason: string): boolean {
    const conn = this.connections.find((c) => c.device === device && c.userId);
    if (!conn) return false;
    this.closeFromServer(conn, reason);
    return true;
  }

  /**
   * Fan-out: the change hint goes to every open connection of the user, with faults. The writer's
   * connection (`origin`) gets its own event, as `emitChange` sends it. Deliveries are interleaved
   * by the seed anyway, so the writer is not moved last: the draws, and so old seeds, stay as they were.
   */
  publish(userId: string, published: ChangeEvent, origin?: { connection: string; event: ChangeEvent }) {
    for (const conn of this.connections) {
      if (conn.userId !== userId || !conn.open) continue;
      const event = conn.id === origin?.connection ? origin.event : published;
      const roll = this.random.next();
      if (roll < this.faults.drop) {
        this.count('hintsDropped');
        continue;
      }
      const copies = roll < this.faults.drop + this.faults.duplicate ? 2 : 1;
      if (copies === 2) this.count('hintsDuplicated');
      let sent = event;
      if (event.documents && this.random.chance(this.faults.corrupt ?? 0)) {
        this.count('hintsCorrupted');
        sent = { ...event, documents: [] };
      }
      for (let i = 0; i < copies; i++) {
        this.hints.push({
          conn,
          what: `${conn.device} changes ${event.collection} ${event.fromSeq}->${event.toSeq}${sent.documents ? (sent === event ? '' : ' (corrupted: no docs)') : ' (no docs)'}`,
          run: () => conn.client.deliver('sync:changes', sent),
        });
      }
    }
  }

  /** A server event to every open connection of the user (e.g. `sync:resync`). */
  sendEvent(userId: string, event: string, payload: unknown) {
    for (const conn of this.connections) {
      if (conn.userId !== userId || !conn.open) continue;
      conn.down.push({ what: `${conn.device} ${event}`, run: () => conn.client.deliver(event, payload) });
    }
  }

  pending(): number {
    return this.hints.length + this.connections.reduce((sum, c) => sum + c.up.length + c.down.length, 0);
  }

  /**
   * Delivers one pending message chosen by the seed: the head of some connection's up or down
   * queue, or any change hint (hints overtake each other). Returns false when nothing is pending.
   */
  step(): boolean {
    const queues: { list: Delivery[]; hint: boolean }[] = [];
    for (const conn of this.connections) {
      if (conn.up.length > 0) queues.push({ list: conn.up, hint: false });
      if (conn.down.length > 0) queues.push({ list: conn.down, hint: false });
    }
    if (this.hints.length > 0) queues.push({ list: this.hints, hint: true });
    if (queues.length === 0) return false;
    const queue = this.random.pick(queues);
    const index = queue.hint ? this.random.int(0, queue.list.length - 1) : 0;
    const [delivery] = queue.list.splice(index, 1);
    this.note(`  > ${delivery!.what}`);
    delivery!.run();
    return true;
  }
}

function describePayload(payload: unknown): string {
  const p = payload as {
    collection?: string;
    checkpoint?: { seq: number } | null;
    rows?: { newDocumentState: { id: string } }[];
  };
  if (p?.rows) return `${p.collection} [${p.rows.map((r) => r.newDocumentState.id).join(',')}]`;
  if (p && 'checkpoint' in p) return `${p.collection} after ${p.checkpoint?.seq ?? 'start'}`;
  return p?.collection ?? '';
}

function describeAck(response: unknown): string {
  const r = response as {
    error?: { reason: string };
    documents?: unknown[];
    checkpoint?: { seq: number } | null;
    seq?: number;
  };
  if (r?.error) return `error ${r.error.reason}`;
  if (r?.documents) return `${r.documents.length} docs to ${r.checkpoint?.seq ?? '-'}`;
  if (typeof r?.seq === 'number') return `seq ${r.seq}`;
  return '';
}
