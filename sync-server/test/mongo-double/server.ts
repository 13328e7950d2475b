import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { deserialize, serialize } from 'bson';
import { Engine, type Doc, type EngineOptions } from './engine.js';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const OP_COMPRESSED = 2012;

export interface MongoDoubleOptions {
  /** Replica-set name (default `rs0`); `null` for a standalone server without transactions. */
  replicaSet?: string | null;
  /** MongoDB's `transactionLifetimeLimitSeconds` (default 60, as on a real server). */
  transactionLifetimeLimitSeconds?: number;
}

export interface MongoDouble {
  /** Connection string for the driver (with `replicaSet=` when it is one). */
  uri: string;
  port: number;
  engine: Engine;
  /** Closes every client connection now (as a crashed or restarted server would). */
  dropConnections(): void;
  close(): Promise<void>;
}

const BSON_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

/**
 * A MongoDB wire-protocol test double on 127.0.0.1 and an ephemeral port, in this process:
 * OP_QUERY (the driver's first handshake) and OP_MSG framing over the {@link Engine}.
 * It proves that our adapter drives the real driver correctly, never that MongoDB behaves the
 * same (see CONTEXT.md in this folder).
 */
export async function startMongoDouble(options: MongoDoubleOptions = {}): Promise<MongoDouble> {
  const replicaSet = options.replicaSet === undefined ? 'rs0' : options.replicaSet;
  let port = 0;
  const engineOptions: EngineOptions = {
    replicaSet,
    me: () => `127.0.0.1:${port}`,
    transactionLifetimeLimitSeconds: options.transactionLifetimeLimitSeconds,
  };
  const engine = new Engine(engineOptions);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    engine.nextConnectionId();
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 16) {
        const length = buffered.readInt32LE(0);
        if (buffered.length < length) break;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        if (!handle(socket, message)) return;
      }
    });
  });

  /** Handles one message; false when the connection was dropped. */
  function handle(socket: Socket, message: Buffer): boolean {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_COMPRESSED) {
      socket.destroy();
      return false;
    }
    let body: Doc;
    if (opCode === OP_QUERY) {
      // flags(4) fullCollectionName(cstring) numberToSkip(4) numberToReturn(4) query(doc)
      let offset = 20;
      const nameEnd = message.indexOf(0, offset);
      const collection = message.toString('utf8', offset, nameEnd);
      offset = nameEnd + 1 + 8;
      body = { ...(deserialize(message.subarray(offset), BSON_OPTIONS) as Doc), $db: collection.split('.')[0] };
    } else if (opCode === OP_MSG) {
      body = parseOpMsg(message);
    } else {
      socket.destroy();
      return false;
    }
    const outcome = engine.run(body);
    if ('drop' in outcome) {
      socket.destroy();
      return false;
    }
    const reply = serialize(outcome.reply);
    socket.write(opCode === OP_QUERY ? opReply(requestId, reply) : opMsg(requestId, reply));
    return true;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const query = replicaSet === null ? '' : `?replicaSet=${encodeURIComponent(replicaSet)}`;
  return {
    uri: `mongodb://127.0.0.1:${port}/taskmaster${query}`,
    port,
    engine,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function parseOpMsg(message: Buffer): Doc {
  const flags = message.readUInt32LE(16);
  const end = flags & 1 ? message.length - 4 : message.length;
  let offset = 20;
  let body: Doc = {};
  const sequences: Record<string, Doc[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = deserialize(message.subarray(offset, offset + size), BSON_OPTIONS) as Doc;
      offset += size;
    } else {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const idEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, idEnd);
      let cursor = idEnd + 1;
      const docs: Doc[] = [];
      while (cursor < sectionEnd) {
        const docSize = message.readInt32LE(cursor);
        docs.push(deserialize(message.subarray(cursor, cursor + docSize), BSON_OPTIONS) as Doc);
        cursor += docSize;
      }
      sequences[identifier] = docs;
      offset = sectionEnd;
    }
  }
  return { ...body, ...sequences };
}

let nextRequestId = 1;
function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextRequestId++, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(responseTo: number, doc: Uint8Array): Buffer {
  const length = 16 + 4 + 1 + doc.length;
  return Buffer.concat([header(length, responseTo, OP_MSG), Buffer.from([0, 0, 0, 0, 0]), doc]);
}

function opReply(responseTo: number, doc: Uint8Array): Buffer {
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(16 + 20 + doc.length, responseTo, OP_REPLY), fields, doc]);
}
