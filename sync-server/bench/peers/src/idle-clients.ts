/**
 * A pool of idle live connections to one system's server, in its own process (`SYSTEM` env). Each
 * connection does what that system's device does on connect, then waits for live changes:
 * - taskmaster: Socket.IO with the access token in the handshake, then a pull of each collection;
 * - rxdb: a websocket that subscribes to the change stream (`masterChangeStream$`) and pulls once;
 * - pouchdb: an HTTP long-poll on `_changes` (what PouchDB's live replication keeps open).
 * `arm` + `awaitNotified` time one write's arrival at every connection (the fan-out figure).
 */
import { request, type ClientRequest } from 'node:http';
import { COLLECTION_NAMES } from '@taskmaster/shared-schema';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { peerTask } from './docs.js';
import { nowMs, serveRequests } from './ipc.js';

type System = 'taskmaster' | 'rxdb' | 'pouchdb';
const system = process.env.SYSTEM as System;
if (!['taskmaster', 'rxdb', 'pouchdb'].includes(system))
  throw new Error(`SYSTEM must be one of taskmaster, rxdb, pouchdb`);

interface Connection {
  close(): void;
  /** TaskMaster: whose connection this is (its access token). */
  token?: string;
  /** Writes one document through this connection; resolves on the server's acknowledgement. */
  write?: (doc: Record<string, unknown>) => Promise<void>;
}
const connections: Connection[] = [];
let armed = false;
let notified = 0;
let lastNotifiedAt = 0;
let onNotified: (() => void) | undefined;

function notify(): void {
  if (!armed) return;
  notified += 1;
  lastNotifiedAt = nowMs();
  if (notified >= connections.length) onNotified?.();
}

function connectTaskmaster(url: string, token: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    socket.once('connect_error', reject);
    socket.on('sync:changes', notify);
    socket.once('connect', () => {
      Promise.all(
        COLLECTION_NAMES.map((collection) =>
          socket.timeout(60_000).emitWithAck('sync:pull', { collection, checkpoint: null, batchSize: 100 }),
        ),
      ).then(
        () =>
          resolve({
            token,
            close: () => socket.close(),
            async write(doc) {
              const ack: unknown = await socket.timeout(10_000).emitWithAck('sync:push', {
                collection: 'tasks',
                rows: [{ newDocumentState: doc, assumedMasterState: null }],
              });
              if (ack && typeof ack === 'object' && 'error' in ack) throw new Error(JSON.stringify(ack));
            },
          }),
        reject,
      );
    });
  });
}

function connectRxdb(url: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let pulled = false;
    let acked: (() => void) | undefined;
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id: string };
      if (message.id === 'stream') notify();
      else if (message.id === 'write') acked?.();
      else if (message.id === 'pull' && !pulled) {
        pulled = true;
        resolve({
          close: () => ws.close(),
          write: (doc) =>
            new Promise<void>((done) => {
              acked = done;
              ws.send(
                JSON.stringify({
                  id: 'write',
                  collection: 'tasks',
                  method: 'masterWrite',
                  params: [[{ newDocumentState: doc }]],
                }),
              );
            }),
        });
      }
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ id: 'stream', collection: 'tasks', method: 'masterChangeStream$', params: [] }));
      ws.send(JSON.stringify({ id: 'pull', collection: 'tasks', method: 'masterChangesSince', params: [null, 100] }));
    });
  });
}

async function connectPouch(url: string, since: string): Promise<Connection> {
  let current: ClientRequest | undefined;
  let closed = false;
  let seq = since;
  const poll = (onOpen?: (error?: Error) => void) => {
    const target = new URL(`${url}/_changes`);
    target.search = new URLSearchParams({
      feed: 'longpoll',
      heartbeat: '10000',
      since: seq,
      style: 'all_docs',
    }).toString();
    current = request(target, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString().trim();
        if (body) {
          const parsed = JSON.parse(body) as { last_seq: number | string; results: unknown[] };
          seq = String(parsed.last_seq);
          if (parsed.results.length > 0) notify();
        }
        if (!closed) poll();
      });
    });
    // express-pouchdb sends the long-poll's headers only with the first heartbeat or change, so the
    // connection counts as open once the request is on the wire.
    current.once('socket', (socket) => socket.once('connect', () => current?.end(() => onOpen?.())));
    current.on('error', (error) => onOpen?.(error));
    if (!onOpen) current.end();
  };
  await new Promise<void>((resolve, reject) => poll((error) => (error ? reject(error) : resolve())));
  return {
    close: () => {
      closed = true;
      current?.destroy();
    },
  };
}

let target = { url: '', since: '0' };

serveRequests({
  /** Opens `count` more connections, `concurrency` at a time, until `deadlineMs` (monotonic). */
  async connect(args) {
    target = { url: String(args.url), since: String(args.since ?? '0') };
    const token = String(args.token ?? '');
    const count = Number(args.count);
    const concurrency = Number(args.concurrency ?? 200);
    const deadline = Number(args.deadlineMs);
    let opened = 0;
    let failure = '';
    while (opened < count && nowMs() < deadline && !failure) {
      const size = Math.min(concurrency, count - opened);
      const results = await Promise.allSettled(
        Array.from({ length: size }, () =>
          system === 'taskmaster'
            ? connectTaskmaster(target.url, token)
            : system === 'rxdb'
              ? connectRxdb(target.url)
              : connectPouch(target.url, target.since),
        ),
      );
      for (const result of results) {
        if (result.status === 'fulfilled') {
          connections.push(result.value);
          opened += 1;
        } else failure = String(result.reason);
      }
    }
    return { opened, total: connections.length, failure };
  },
  arm() {
    armed = true;
    notified = 0;
    lastNotifiedAt = 0;
    return null;
  },
  /** Resolves when every connection has heard of the write, or at `untilMs` (monotonic). */
  async awaitNotified(args) {
    if (notified < connections.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Number(args.untilMs) - nowMs()));
        onNotified = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    armed = false;
    onNotified = undefined;
    return { notified, of: connections.length, lastNotifiedAt };
  },
  /**
   * One write, as a device would make it: through one of the pool's own connections (TaskMaster: one
   * of `token`'s user; PouchDB: an HTTP PUT). Returns the monotonic time it was sent.
   */
  async write(args) {
    const { id, ...rest } = peerTask(String(args.id), 0);
    if (system === 'pouchdb') {
      const started = nowMs();
      const response = await fetch(`${target.url}/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rest),
      });
      if (!response.ok) throw new Error(`PUT failed: ${response.status}`);
      return started;
    }
    const token = String(args.token ?? '');
    const writer = connections.find((c) => system !== 'taskmaster' || c.token === token);
    if (!writer?.write) throw new Error('no connection to write through');
    const started = nowMs();
    await writer.write({ id, ...rest, _deleted: false });
    return started;
  },
  close() {
    connections.splice(0).forEach((connection) => connection.close());
    return null;
  },
});
