/**
 * The three systems under test, each as a fresh server process on 127.0.0.1 and an ephemeral port:
 * TaskMaster (the built sync server, SQLite, synchronous = FULL), RxDB's websocket replication
 * server (storage-memory) and express-pouchdb (PouchDB in memory).
 */
import { HybridLogicalClock } from '@taskmaster/shared-schema';
import { benchTask } from '@taskmaster/shared-schema/testing';
import { registerAccount, startServerProcess, type Account } from '@taskmaster/sync-server/bench';
import { io } from 'socket.io-client';
import { cpuMs, peerTask, rssMb } from './docs.js';
import { startChild, type Json } from './ipc.js';

export const SYSTEMS = ['taskmaster', 'rxdb', 'pouchdb'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface SystemServer {
  system: SystemName;
  /** What that system's clients connect to. */
  url: string;
  pid: number;
  rssMb(): Promise<number>;
  /** CPU time the server process has used so far (ms). */
  cpuMs(): Promise<number>;
  /** A TaskMaster account (fresh per call); peers have no auth. */
  account(): Promise<Account | undefined>;
  /** Puts `count` documents on the server without timing it (for the initial-sync figure). */
  preload(count: number, account: Account | undefined): Promise<void>;
  stop(): Promise<void>;
}

/** The client process script of each system's device. */
export const CLIENT_SCRIPT: Record<SystemName, string> = {
  taskmaster: './taskmaster-client.ts',
  rxdb: './rxdb-client.ts',
  pouchdb: './pouchdb-client.ts',
};

/** Extra node flags for the TaskMaster server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`. */
const TASKMASTER_NODE_ARGS = (process.env.PEERS_TASKMASTER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** TaskMaster's ceiling on live connections of one user (config `MAX_SOCKETS_PER_USER`). */
export const TASKMASTER_SOCKETS_PER_USER = 10_000;

async function startTaskmaster(): Promise<SystemServer> {
  // MAX_SOCKETS_PER_USER at its ceiling (10,000): the idle-connection figure holds many devices per user.
  const server = await startServerProcess(
    { AUTH_RATE_LIMIT_PER_MINUTE: '0', MAX_SOCKETS_PER_USER: String(TASKMASTER_SOCKETS_PER_USER) },
    TASKMASTER_NODE_ARGS,
  );
  const pid = server.child.pid!;
  return {
    system: 'taskmaster',
    url: server.url,
    pid,
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    account: () => registerAccount(server.url),
    async preload(count, account) {
      if (!account) throw new Error('TaskMaster preload needs an account');
      // Through the server's own push path, 200 rows an event (under the 256 KB message limit).
      const socket = io(server.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: account.tokens.accessToken },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const clock = new HybridLogicalClock('preload');
      try {
        for (let start = 0; start < count; start += 200) {
          const rows = Array.from({ length: Math.min(200, count - start) }, (_, k) => ({
            newDocumentState: { ...benchTask(`seed-${start + k}`, clock.now(), start + k), _deleted: false },
            assumedMasterState: null,
          }));
          const ack: unknown = await socket.timeout(30_000).emitWithAck('sync:push', { collection: 'tasks', rows });
          if (ack && typeof ack === 'object' && 'error' in ack) throw new Error(`preload: ${JSON.stringify(ack)}`);
        }
      } finally {
        socket.close();
      }
    },
    stop: () => server.stop(),
  };
}

async function startPeer(system: 'rxdb' | 'pouchdb'): Promise<SystemServer> {
  // The peers' servers run compiled (plain node, no TypeScript loader), like TaskMaster's built server.
  const child = await startChild(system === 'rxdb' ? '../dist/rxdb-server.js' : '../dist/pouchdb-server.js');
  const url = await child.request<string>('address');
  return {
    system,
    url,
    pid: child.pid,
    rssMb: () => rssMb(child.pid),
    cpuMs: () => cpuMs(child.pid),
    account: () => Promise.resolve(undefined),
    async preload(count) {
      let stored = 0;
      for (let start = 0; start < count; start += 1000) {
        const docs = Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
          const task = peerTask(`seed-${start + k}`, start + k);
          if (system === 'rxdb') return { ...task };
          const { id, ...rest } = task;
          return { _id: id, ...rest };
        });
        stored = await child.request<number>('preload', { docs: docs as unknown as Json }, 120_000);
      }
      if (stored !== count) throw new Error(`${system} preload stored ${stored} of ${count}`);
    },
    stop: () => child.stop(),
  };
}

export function startSystem(system: SystemName): Promise<SystemServer> {
  return system === 'taskmaster' ? startTaskmaster() : startPeer(system);
}
