import {
  COLLECTION_NAMES,
  type CollectionName,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  PROTOCOL_VERSION,
  type HybridLogicalClock,
} from '@taskmaster/shared-schema';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { TaskmasterDatabase } from '../db/database.js';
import { clearPending, pendingCount$ } from '../db/pending.js';
import {
  CollectionReplication,
  type CollectionReplicationOptions,
  type VerifyOutcome,
} from './collection-replication.js';
import type { Session } from './session.js';
import { createSocketIoTransport } from './socket-io-transport.js';
import type { SyncTransport, TokenSource } from './transport.js';

export * from './session.js';
export * from './transport.js';
export * from './memory-transport.js';
export { createSocketIoTransport, socketOf, type SocketIoTransport, type SyncSocket } from './socket-io-transport.js';
export { SyncRequestError } from './requests.js';
export type { VerifyOutcome } from './collection-replication.js';

export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'idle' | 'error';

export interface SyncState {
  status: SyncStatus;
  /** Local changes not yet acknowledged by the server (persisted; the same in every tab). */
  pending: number;
  lastSyncedAt: number | null;
  error?: string;
  /**
   * The server no longer serves this build (`upgrade-required`): sync stops, nothing is lost (local
   * writes stay pending), and the app asks the user to update (SPEC, "Versions").
   */
  upgradeRequired?: { message: string; minProtocol?: number };
  /**
   * The server ended this device's access for good: `account-erased` (the account and its data are
   * gone; the app wipes the local copy) or `session-ended` (signed out elsewhere, or the refresh
   * failed). Sync has stopped.
   */
  ended?: 'account-erased' | 'session-ended';
}

export interface SyncOptions {
  db: TaskmasterDatabase;
  /** Sync server origin, e.g. `http://127.0.0.1:3000`; '' or undefined for the page's own origin. */
  url?: string;
  /** Where access tokens come from (the REST session, or a test's token source). */
  session: TokenSource & { readonly user?: Session['user'] };
  clock: HybridLogicalClock;
  /** The connection to use; default: Socket.IO to `url`, authenticated by `session`. */
  transport?: SyncTransport;
  /** Jitter for reconnect delays; a seeded source makes a simulation replay exactly. */
  random?: () => number;
  /** Browser tabs: only the elected leader opens the transport. */
  waitForLeadership?: boolean;
  /** Safety net pull interval while connected (rule R3); 0 disables. */
  resyncIntervalMs?: number;
  pullBatchSize?: number;
  /** RxDB's delay before it retries a failed request (default 1 s). */
  retryTimeMs?: number;
  /** How often a connected device verifies its collections against the server's digest (R9); 0 disables. */
  verifyIntervalMs?: number;
  /** Delay of the verify after each (re)connect (default 10 s). */
  verifyAfterConnectMs?: number;
  /** Called for every repair a verify makes (a repair means a bug somewhere: count it, log it). */
  onRepair?: CollectionReplicationOptions['onRepair'];
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface SyncHandle {
  readonly state$: Observable<SyncState>;
  /** The connection, once leadership (in browsers) is settled and replication is wired to it. */
  readonly transport: Promise<SyncTransport>;
  /** Resolves when every local change is pushed and the server's changes are pulled. */
  awaitInSync(): Promise<void>;
  /** Forces a pull from the checkpoint on every collection. */
  resync(): void;
  /**
   * Compares every collection with the server's digest and repairs what differs (rule R9). Runs by
   * itself after every (re)connect, every `verifyIntervalMs`, and on the server's `sync:resync`.
   */
  verify(): Promise<VerifyOutcome[]>;
  /** Diagnostics: a document's local copy and RxDB's assumed master state for it. */
  inspect(collection: CollectionName, id: string): Promise<{ fork: unknown; assumedMaster: unknown }>;
  stop(): Promise<void>;
}

const RETRYABLE_HANDSHAKE = new Set(['server-shutting-down', 'internal', 'server-outdated']);

/**
 * Live two-way replication of every collection over one Socket.IO connection. Replication runs only
 * while the socket is connected: it is paused on disconnect and started on connect, so queued
 * offline writes go out as soon as the connection is back instead of after RxDB's retry delay (R7).
 */
export function startSync(options: SyncOptions): SyncHandle {
  const { db, session, clock } = options;
  const random = options.random ?? Math.random;
  const state$ = new BehaviorSubject<SyncState>({ status: 'connecting', pending: 0, lastSyncedAt: null });
  let stopped = false;
  const replications: CollectionReplication[] = [];
  let resyncTimer: ReturnType<typeof setInterval> | undefined;
  let verifyTimer: ReturnType<typeof setInterval> | undefined;
  let connectVerifyTimer: ReturnType<typeof setTimeout> | undefined;
  let verifying: Promise<VerifyOutcome[]> | undefined;
  /** One verify at a time; a verify that fails (offline, timeout) is simply tried again later. */
  const verifyAll = (): Promise<VerifyOutcome[]> =>
    (verifying ??= Promise.all(replications.map((r) => r.verify())).finally(() => {
      verifying = undefined;
    }));
  const verifySoon = () => void verifyAll().catch(() => undefined);

  const update = (patch: Partial<SyncState>) => {
    state$.next({ ...state$.value, ...patch });
  };
  const pendingSubscription = pendingCount$(db).subscribe((pending) => update({ pending }));

  const transportPromise = (async () => {
    if (options.waitForLeadership && db.multiInstance) await db.waitForLeadership();
    const userId = session.user?.id ?? 'anonymous';
    const transport: SyncTransport =
      options.transport ??
      createSocketIoTransport({
        url: options.url,
        tokens: session,
        socketOptions: options.socketOptions,
        handshake: () => ({ protocol: PROTOCOL_VERSION }),
      });
    /** No reconnecting: this device's access is over (the app signs out or wipes local data). */
    const endAccess = (ended: 'account-erased' | 'session-ended') => {
      update({ status: 'error', error: ended === 'account-erased' ? 'account erased' : 'signed out', ended });
      transport.disconnect();
    };
    transport.on('account:erased', () => endAccess('account-erased'));
    // From `sync:hello` (rule R8); the default until a server says otherwise.
    let maxClockSkewMs = DEFAULT_MAX_CLOCK_SKEW_MS;
    const upgradeRequired = (info: { message: string; minProtocol?: number }) => {
      // Never reconnect in a loop: this build cannot sync until the app is updated.
      update({ status: 'error', error: 'upgrade-required', upgradeRequired: info });
      transport.disconnect();
    };
    for (const name of COLLECTION_NAMES) {
      const replication = new CollectionReplication({
        collection: db[name],
        name,
        transport,
        clock,
        identifier: `taskmaster-${name}-${userId}`,
        pullBatchSize: options.pullBatchSize,
        retryTimeMs: options.retryTimeMs,
        onRepair: options.onRepair,
        onPushed: (docs) => clearPending(db, name, docs),
        maxClockSkewMs: () => maxClockSkewMs,
        onUpgradeRequired: (message) => upgradeRequired({ message }),
      });
      replications.push(replication);
      replication.state.error$.subscribe((error) => update({ status: 'error', error: error.message }));
      replication.state.active$.subscribe((active) => {
        if (!transport.connected) return;
        if (active) update({ status: 'syncing', error: undefined });
        else if (replications.every((r) => !r.state.subjects.active.getValue()))
          update({ status: 'idle', lastSyncedAt: Date.now() });
      });
    }

    transport.on('connect', () => {
      update({ status: 'syncing', error: undefined });
      for (const replication of replications) {
        replication.markResync();
        void replication.state.start();
      }
      // After every (re)connect, once caught up and settled: does this device still hold what the
      // server holds? Delayed, because the local digest reads every document, and right after
      // sign-in or an initial sync that would compete with the list for the database.
      clearTimeout(connectVerifyTimer);
      connectVerifyTimer = setTimeout(() => {
        if (transport.connected && !stopped) verifySoon();
      }, options.verifyAfterConnectMs ?? 10_000);
    });
    transport.on('disconnect', () => {
      for (const replication of replications) void replication.state.pause();
      update({ status: 'offline' });
    });
    transport.on('sync:hello', (hello) => {
      // The first message on a connection, before any acknowledgement: later stamps, and the
      // judgement of stamps received, follow the server's clock (rule R8).
      maxClockSkewMs = hello.maxClockSkewMs;
      clock.syncTo(hello.serverTime, hello.maxClockSkewMs);
    });
    transport.on('connect_error', ({ reason, message, data }) => {
      if (stopped) return;
      if (reason === 'upgrade-required') {
        const minProtocol = typeof data?.minProtocol === 'number' ? data.minProtocol : undefined;
        upgradeRequired({ message, minProtocol });
        return;
      }
      if (reason === 'account-erased') {
        endAccess('account-erased');
        return;
      }
      if (reason === 'token-expired' || reason === 'unauthorized' || reason === 'token-revoked') {
        // Handshake refused for the token: refresh it, then connect again (Socket.IO does not retry
        // middleware errors by itself).
        session.refresh().then(
          (token) => {
            if (token && !stopped) transport.connect();
            else endAccess('session-ended');
          },
          () => setTimeout(() => !stopped && transport.connect(), 2000),
        );
        return;
      }
      update({ status: 'offline', error: reason });
      // An instance older than this build (rolling deploy) stays old for a while: retry it slowly.
      const delay = reason === 'server-outdated' ? 2000 + random() * 3000 : 250 + random() * 500;
      if (RETRYABLE_HANDSHAKE.has(reason)) setTimeout(() => !stopped && transport.connect(), delay);
    });
    transport.on('auth:expired', () => {
      void session.refresh().finally(() => {
        if (stopped) return;
        transport.disconnect();
        transport.connect();
      });
    });
    transport.on('sync:reconnect', () => {
      // Graceful shutdown of this instance: reconnect, through the load balancer, elsewhere.
      transport.disconnect();
      setTimeout(() => !stopped && transport.connect(), 100 + random() * 400);
    });
    transport.on('sync:changes', (event) => {
      replications.find((r) => r.name === event.collection)?.onChange(event);
    });
    transport.on('sync:resync', () => {
      replications.forEach((r) => r.resync());
      verifySoon();
    });
    if (options.verifyIntervalMs !== 0) {
      verifyTimer = setInterval(
        () => {
          if (transport.connected) verifySoon();
        },
        options.verifyIntervalMs ?? 5 * 60_000,
      );
    }
    if (options.resyncIntervalMs !== 0) {
      resyncTimer = setInterval(() => {
        if (transport.connected) replications.forEach((r) => r.resync());
      }, options.resyncIntervalMs ?? 30_000);
    }
    if (!stopped) transport.connect();
    return transport;
  })();

  return {
    state$: state$.asObservable(),
    transport: transportPromise,
    async awaitInSync() {
      await transportPromise;
      await Promise.all(replications.map((r) => r.state.awaitInSync()));
    },
    resync() {
      replications.forEach((r) => r.resync());
    },
    async verify() {
      await transportPromise;
      return verifyAll();
    },
    async inspect(collection, id) {
      await transportPromise;
      return replications.find((r) => r.name === collection)!.inspect(id);
    },
    async stop() {
      stopped = true;
      pendingSubscription.unsubscribe();
      const transport = await transportPromise.catch(() => undefined);
      // After the socket is set up, so a timer created while stopping is cleared too.
      clearInterval(resyncTimer);
      clearInterval(verifyTimer);
      clearTimeout(connectVerifyTimer);
      await Promise.all(replications.map((r) => r.state.cancel()));
      transport?.disconnect();
      update({ status: 'offline' });
    },
  };
}
