import { deserialize, Long, ObjectId, serialize } from 'bson';
import { Aggregator, find as mingoFind, update as mingoUpdate } from 'mingo';
import { CommandError, DuplicateKeyError, noSuchTransaction, writeConflict } from './errors.js';
import { Faults, type FaultAction } from './faults.js';

export type Doc = Record<string, unknown>;

interface Version {
  /** Commit timestamp of this version. */
  ts: number;
  doc: Doc | null;
}
interface IndexSpec {
  name: string;
  key: Record<string, number | string>;
  unique?: boolean;
  expireAfterSeconds?: number;
}
interface Collection {
  ns: string;
  /** Versions of each document by `_id` key, oldest first (a tiny MVCC, for snapshot reads). */
  rows: Map<string, Version[]>;
  indexes: IndexSpec[];
  /** Latest committed owner (`_id` key) of every unique index key, per unique index. */
  unique: Map<string, Map<string, string>>;
}
interface Txn {
  lsid: string;
  txnNumber: number;
  snapshotTs: number;
  /** Uncommitted writes by namespace and `_id` key (null = deleted). */
  writes: Map<string, Map<string, Doc | null>>;
  state: 'active' | 'committed' | 'aborted';
  /** When it started (engine clock, ms), for the transaction lifetime limit. */
  startedAt: number;
}
interface SessionState {
  txn?: Txn;
  /** The last retryable write, so a retry after a lost reply is answered without applying it twice. */
  retryable?: { txnNumber: number; reply: Doc };
}

export interface EngineOptions {
  /** Replica-set name reported by `hello`; null makes the double a standalone server (no transactions). */
  replicaSet: string | null;
  /** `host:port` this server answers as. */
  me: () => string;
  /**
   * MongoDB's `transactionLifetimeLimitSeconds` (default 60): an open transaction older than this
   * is aborted. It is what frees the locks of a transaction whose client died mid-way (a SIGKILLed
   * instance never commits nor aborts it), so it matters to the cluster tests.
   */
  transactionLifetimeLimitSeconds?: number;
  /** The engine's clock, in ms (tests may move it). */
  now?: () => number;
}

export interface EngineStats {
  commits: number;
  aborts: number;
  writeConflicts: number;
  commands: number;
  /** Transactions aborted for outliving the transaction lifetime limit. */
  expired: number;
}

/** What a command handler returns: a reply, or a fault's instruction to drop the connection. */
export type Outcome = { reply: Doc } | { drop: 'before' | 'after'; reply?: Doc };

const clone = (doc: Doc): Doc => deserialize(serialize(doc)) as Doc;
const idKey = (id: unknown): string => {
  if (typeof id === 'string') return `s${id}`;
  if (typeof id === 'number') return `n${id}`;
  if (id instanceof ObjectId) return `o${id.toHexString()}`;
  return `j${JSON.stringify(id)}`;
};
const getPath = (doc: Doc, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Doc)[k] : undefined), doc);
const isOperatorDoc = (value: unknown): boolean =>
  !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'));
/** A filter on `_id` alone (a value, or `$in`), which {@link Engine.visible} answers exactly by key. */
const byIdOnly = (filter: Doc): boolean => {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const id = filter._id;
  if (!isOperatorDoc(id)) return true;
  return Object.keys(id as Doc).length === 1 && Array.isArray((id as Doc).$in);
};
const toNumber = (value: unknown): number => (value instanceof Long ? value.toNumber() : Number(value));

/**
 * The storage and command engine of the MongoDB test double: collections with unique indexes,
 * multi-document transactions with snapshot reads, first-writer-wins write conflicts (code 112,
 * TransientTransactionError), commit and abort, retryable writes, and the query language via mingo.
 * Single-threaded: every command runs to completion before the next one starts.
 */
export class Engine {
  readonly faults = new Faults();
  readonly stats: EngineStats = { commits: 0, aborts: 0, writeConflicts: 0, commands: 0, expired: 0 };
  private readonly collections = new Map<string, Collection>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly locks = new Map<string, Txn>();
  private readonly active = new Set<Txn>();
  private ts = 0;
  private connectionIds = 0;

  constructor(private readonly options: EngineOptions) {}

  nextConnectionId(): number {
    return ++this.connectionIds;
  }

  /** Runs one command; never throws (errors become `{ ok: 0 }` replies). */
  run(body: Doc): Outcome {
    this.stats.commands += 1;
    this.abortExpired();
    const name = Object.keys(body)[0] ?? '';
    const fault = this.faults.match(name, body);
    if (fault?.kind === 'drop-before') {
      return { drop: 'before' };
    }
    let reply: Doc;
    try {
      if (fault?.kind === 'error') reply = this.injected(fault, body);
      else reply = this.dispatch(name, body);
    } catch (error) {
      reply = this.failure(error, body);
    }
    if (fault?.kind === 'drop-after') return { drop: 'after', reply };
    return { reply };
  }

  private injected(fault: Extract<FaultAction, { kind: 'error' }>, body: Doc): Doc {
    const error = new CommandError(fault.code, fault.codeName, fault.message ?? 'injected fault', fault.errorLabels);
    const txn = this.currentTxn(body);
    // An error inside a transaction aborts it, as on a real server; an unknown commit result leaves it open.
    if (txn && !(fault.errorLabels ?? []).includes('UnknownTransactionCommitResult')) this.abort(txn);
    return error.toReply();
  }

  private failure(error: unknown, body: Doc): Doc {
    const txn = this.currentTxn(body);
    if (txn && txn.state === 'active') this.abort(txn);
    if (error instanceof CommandError) {
      if (error.code === 112) this.stats.writeConflicts += 1;
      return error.toReply();
    }
    if (error instanceof DuplicateKeyError) {
      return { ok: 0, code: 11000, codeName: 'DuplicateKey', errmsg: error.message };
    }
    return { ok: 0, code: 8, codeName: 'UnknownError', errmsg: String((error as Error)?.message ?? error) };
  }

  // ---- sessions and transactions ----------------------------------------------------------

  private lsidOf(body: Doc): string | undefined {
    const lsid = body.lsid as { id?: { buffer?: Uint8Array; toString(enc: string): string } } | undefined;
    if (!lsid?.id) return undefined;
    return Buffer.from(lsid.id.buffer ?? new Uint8Array()).toString('hex');
  }

  private currentTxn(body: Doc): Txn | undefined {
    if (body.autocommit !== false) return undefined;
    const lsid = this.lsidOf(body);
    const txn = lsid === undefined ? undefined : this.sessions.get(lsid)?.txn;
    return txn && txn.txnNumber === toNumber(body.txnNumber) ? txn : undefined;
  }

  /** The transaction a statement belongs to, starting it on `startTransaction`. */
  private txnFor(body: Doc): Txn | undefined {
    if (body.autocommit !== false) return undefined;
    if (this.options.replicaSet === null) {
      throw new CommandError(
        20,
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    const lsid = this.lsidOf(body);
    if (lsid === undefined) throw new CommandError(50768, 'InvalidOptions', 'transaction without a session');
    const txnNumber = toNumber(body.txnNumber);
    const session = this.sessions.get(lsid) ?? {};
    this.sessions.set(lsid, session);
    if (body.startTransaction === true) {
      // A newer transaction on the session aborts the older one (a driver retrying after an error).
      if (session.txn?.state === 'active') this.abort(session.txn);
      session.txn = {
        lsid,
        txnNumber,
        snapshotTs: this.ts,
        writes: new Map(),
        state: 'active',
        startedAt: this.now(),
      };
      this.active.add(session.txn);
      return session.txn;
    }
    const txn = session.txn;
    if (!txn || txn.txnNumber !== txnNumber || txn.state === 'aborted') throw noSuchTransaction(txnNumber);
    return txn;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** MongoDB's periodic reaper of transactions past their lifetime, run before each command here. */
  private abortExpired(): void {
    if (this.active.size === 0) return;
    const limitMs = (this.options.transactionLifetimeLimitSeconds ?? 60) * 1000;
    const now = this.now();
    for (const txn of [...this.active]) {
      if (now - txn.startedAt > limitMs) {
        this.abort(txn);
        this.stats.expired += 1;
      }
    }
  }

  private abort(txn: Txn): void {
    if (txn.state !== 'active') return;
    txn.state = 'aborted';
    this.active.delete(txn);
    for (const [ns, writes] of txn.writes) {
      for (const key of writes.keys())
        if (this.locks.get(`${ns}\u0000${key}`) === txn) this.locks.delete(`${ns}\u0000${key}`);
    }
    this.stats.aborts += 1;
  }

  private commit(txn: Txn): void {
    // Unique keys committed by someone else since this transaction wrote: a conflict, nothing applied.
    for (const [ns, writes] of txn.writes) {
      const coll = this.collection(ns);
      for (const [key, doc] of writes) if (doc) this.checkUnique(coll, key, doc, undefined, true);
    }
    this.ts += 1;
    const touched: [Collection, string][] = [];
    for (const [ns, writes] of txn.writes) {
      const coll = this.collection(ns);
      for (const [key, doc] of writes) {
        this.apply(coll, key, doc, this.ts);
        this.locks.delete(`${ns}\u0000${key}`);
        touched.push([coll, key]);
      }
    }
    txn.state = 'committed';
    this.active.delete(txn);
    this.stats.commits += 1;
    this.prune(touched);
  }

  /** Drops versions of these documents that no snapshot can see any more. */
  private prune(touched: Iterable<[Collection, string]>): void {
    let oldest = this.ts;
    for (const txn of this.active) oldest = Math.min(oldest, txn.snapshotTs);
    for (const [coll, key] of touched) {
      const versions = coll.rows.get(key);
      if (!versions) continue;
      let keepFrom = 0;
      for (let i = versions.length - 1; i >= 0; i--) {
        if (versions[i]!.ts <= oldest) {
          keepFrom = i;
          break;
        }
      }
      if (keepFrom > 0) versions.splice(0, keepFrom);
      if (versions.length === 1 && versions[0]!.doc === null) coll.rows.delete(key);
    }
  }

  // ---- storage ---------------------------------------------------------------------------

  private collection(ns: string): Collection {
    let coll = this.collections.get(ns);
    if (!coll) {
      coll = { ns, rows: new Map(), indexes: [{ name: '_id_', key: { _id: 1 } }], unique: new Map() };
      this.collections.set(ns, coll);
    }
    return coll;
  }

  private latest(coll: Collection, key: string): Version | undefined {
    return coll.rows.get(key)?.at(-1);
  }

  /** The document with this `_id` key as the reader sees it (own writes, then its snapshot). */
  private read(coll: Collection, key: string, txn: Txn | undefined): Doc | null {
    const own = txn?.writes.get(coll.ns);
    if (own?.has(key)) return own.get(key)!;
    const versions = coll.rows.get(key);
    if (!versions) return null;
    if (!txn) return versions.at(-1)!.doc;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.ts <= txn.snapshotTs) return versions[i]!.doc;
    return null;
  }

  private visible(coll: Collection, txn: Txn | undefined, filter: Doc): Doc[] {
    // `_id` equality and `$in` are answered by key lookups instead of a scan.
    const id = filter._id;
    let keys: Iterable<string>;
    if (id !== undefined && !isOperatorDoc(id)) keys = [idKey(id)];
    else if (isOperatorDoc(id) && Array.isArray((id as Doc).$in) && Object.keys(id as Doc).length === 1) {
      keys = ((id as Doc).$in as unknown[]).map(idKey);
    } else {
      const all = new Set(coll.rows.keys());
      for (const key of txn?.writes.get(coll.ns)?.keys() ?? []) all.add(key);
      keys = all;
    }
    const out: Doc[] = [];
    for (const key of keys) {
      const doc = this.read(coll, key, txn);
      if (doc) out.push(doc);
    }
    return out;
  }

  private uniqueKey(index: IndexSpec, doc: Doc): string {
    return JSON.stringify(Object.keys(index.key).map((path) => getPath(doc, path) ?? null));
  }

  /** Throws on a unique-key clash with another document (committed, or this transaction's own). */
  private checkUnique(coll: Collection, key: string, doc: Doc, txn: Txn | undefined, atCommit = false): void {
    for (const index of coll.indexes) {
      if (!index.unique || index.name === '_id_') continue;
      const value = this.uniqueKey(index, doc);
      const holder = coll.unique.get(index.name)?.get(value);
      const ownWrites = txn?.writes.get(coll.ns);
      // The committed holder no longer holds it if this transaction changed or deleted that document.
      const holderStillThere =
        holder !== undefined &&
        holder !== key &&
        !(
          ownWrites?.has(holder) &&
          (ownWrites.get(holder) === null || this.uniqueKey(index, ownWrites.get(holder)!) !== value)
        );
      let clash = holderStillThere;
      if (!clash && ownWrites) {
        for (const [otherKey, other] of ownWrites) {
          if (otherKey !== key && other && this.uniqueKey(index, other) === value) clash = true;
        }
      }
      if (clash) {
        if (atCommit) throw writeConflict(`unique key ${index.name} taken by a concurrent commit`);
        throw new DuplicateKeyError(coll.ns, index.name, value);
      }
    }
  }

  /** Installs a committed version and maintains the unique-key maps. */
  private apply(coll: Collection, key: string, doc: Doc | null, ts: number): void {
    const previous = this.latest(coll, key)?.doc ?? null;
    for (const index of coll.indexes) {
      if (!index.unique || index.name === '_id_') continue;
      const map = coll.unique.get(index.name) ?? new Map<string, string>();
      coll.unique.set(index.name, map);
      if (previous) {
        const old = this.uniqueKey(index, previous);
        if (map.get(old) === key) map.delete(old);
      }
      if (doc) map.set(this.uniqueKey(index, doc), key);
    }
    const versions = coll.rows.get(key) ?? [];
    versions.push({ ts, doc });
    coll.rows.set(key, versions);
  }

  /** One write (insert, update, delete) by a transaction or on its own. */
  private write(coll: Collection, key: string, doc: Doc | null, txn: Txn | undefined): void {
    const lockKey = `${coll.ns}\u0000${key}`;
    const holder = this.locks.get(lockKey);
    if (txn) {
      if (holder && holder !== txn) throw writeConflict(`${coll.ns} ${key} is written by another transaction`);
      const latest = this.latest(coll, key);
      if (latest && latest.ts > txn.snapshotTs) throw writeConflict(`${coll.ns} ${key} changed after the snapshot`);
      if (doc) this.checkUnique(coll, key, doc, txn);
      this.locks.set(lockKey, txn);
      const writes = txn.writes.get(coll.ns) ?? new Map<string, Doc | null>();
      txn.writes.set(coll.ns, writes);
      writes.set(key, doc);
      return;
    }
    // Limitation: a real server makes a plain write wait for the transaction; the double refuses it.
    if (holder) throw writeConflict(`${coll.ns} ${key} is written by an open transaction`);
    if (doc) this.checkUnique(coll, key, doc, undefined);
    this.ts += 1;
    this.apply(coll, key, doc, this.ts);
    this.prune([[coll, key]]);
  }

  // ---- commands ----------------------------------------------------------------------------

  private ns(body: Doc, name: string): string {
    return `${String(body.$db)}.${String(body[name])}`;
  }

  private dispatch(name: string, body: Doc): Doc {
    switch (name) {
      case 'hello':
      case 'isMaster':
      case 'ismaster':
        return this.hello(name !== 'hello');
      case 'ping':
      case 'endSessions':
      case 'killCursors':
        return { ok: 1 };
      case 'buildInfo':
      case 'buildinfo':
        return { version: '7.0.0-emulated', versionArray: [7, 0, 0, 0], ok: 1 };
      case 'getMore':
        return {
          cursor: { id: Long.fromNumber(0), ns: `${String(body.$db)}.${String(body.collection)}`, nextBatch: [] },
          ok: 1,
        };
      case 'commitTransaction': {
        const txn = this.txnForEnd(body);
        if (txn.state === 'active') this.commit(txn);
        return { ok: 1 };
      }
      case 'abortTransaction': {
        const txn = this.txnForEnd(body);
        if (txn.state === 'committed')
          throw new CommandError(256, 'TransactionCommitted', 'transaction already committed');
        this.abort(txn);
        return { ok: 1 };
      }
      case 'create':
        this.collection(this.ns(body, name));
        return { ok: 1 };
      case 'drop':
        this.collections.delete(this.ns(body, name));
        return { ok: 1 };
      case 'listCollections': {
        const prefix = `${String(body.$db)}.`;
        const names = [...this.collections.keys()]
          .filter((ns) => ns.startsWith(prefix))
          .map((ns) => ns.slice(prefix.length));
        return this.cursor(
          `${String(body.$db)}.$cmd.listCollections`,
          names.map((n) => ({ name: n, type: 'collection' })),
        );
      }
      case 'createIndexes':
        return this.createIndexes(body);
      case 'listIndexes': {
        const coll = this.collection(this.ns(body, name));
        return this.cursor(
          coll.ns,
          coll.indexes.map((i) => ({ v: 2, ...i })),
        );
      }
      case 'dropIndexes': {
        const coll = this.collection(this.ns(body, name));
        const which = body.index;
        coll.indexes = coll.indexes.filter((i) => i.name === '_id_' || (which !== '*' && i.name !== which));
        for (const key of [...coll.unique.keys()])
          if (!coll.indexes.some((i) => i.name === key)) coll.unique.delete(key);
        return { ok: 1 };
      }
      default:
        return this.withRetryableWrites(name, body);
    }
  }

  private txnForEnd(body: Doc): Txn {
    const lsid = this.lsidOf(body);
    const txnNumber = toNumber(body.txnNumber);
    const txn = lsid === undefined ? undefined : this.sessions.get(lsid)?.txn;
    if (!txn || txn.txnNumber !== txnNumber || txn.state === 'aborted') throw noSuchTransaction(txnNumber);
    return txn;
  }

  /** Data commands; a retried retryable write (same session and txnNumber) gets its first reply again. */
  private withRetryableWrites(name: string, body: Doc): Doc {
    const txn = this.txnFor(body);
    const retryable = !txn && body.txnNumber !== undefined ? this.lsidOf(body) : undefined;
    if (retryable !== undefined) {
      const previous = this.sessions.get(retryable)?.retryable;
      if (previous && previous.txnNumber === toNumber(body.txnNumber)) return previous.reply;
    }
    const reply = this.data(name, body, txn);
    if (retryable !== undefined) {
      const session = this.sessions.get(retryable) ?? {};
      session.retryable = { txnNumber: toNumber(body.txnNumber), reply };
      this.sessions.set(retryable, session);
    }
    return reply;
  }

  private data(name: string, body: Doc, txn: Txn | undefined): Doc {
    const coll = this.collection(this.ns(body, name));
    switch (name) {
      case 'find': {
        const filter = (body.filter as Doc | undefined) ?? {};
        if (byIdOnly(filter) && !body.projection && !body.sort && !body.skip && !body.limit) {
          return this.cursor(coll.ns, this.visible(coll, txn, filter).map(clone));
        }
        let cursor = mingoFind(this.visible(coll, txn, filter), filter, body.projection as Doc | undefined);
        if (body.sort) cursor = cursor.sort(body.sort as Doc);
        if (body.skip) cursor = cursor.skip(toNumber(body.skip));
        if (body.limit) cursor = cursor.limit(Math.abs(toNumber(body.limit)));
        return this.cursor(
          coll.ns,
          cursor.all().map((d) => clone(d as Doc)),
        );
      }
      case 'aggregate': {
        const pipeline = (body.pipeline as Doc[]) ?? [];
        const first = pipeline[0]?.$match as Doc | undefined;
        const out = new Aggregator(pipeline).run(this.visible(coll, txn, first ?? {}));
        return this.cursor(coll.ns, (out as Doc[]).map(clone));
      }
      case 'count': {
        const filter = (body.query as Doc | undefined) ?? {};
        return { n: mingoFind(this.visible(coll, txn, filter), filter).all().length, ok: 1 };
      }
      case 'insert':
        return this.insert(coll, (body.documents as Doc[]) ?? [], body.ordered !== false, txn);
      case 'update':
        return this.update(coll, (body.updates as Doc[]) ?? [], body.ordered !== false, txn);
      case 'delete':
        return this.delete(coll, (body.deletes as Doc[]) ?? [], txn);
      case 'findAndModify':
        return this.findAndModify(coll, body, txn);
      default:
        throw new CommandError(59, 'CommandNotFound', `no such command: '${name}' (not emulated)`);
    }
  }

  private cursor(ns: string, docs: Doc[]): Doc {
    return { cursor: { id: Long.fromNumber(0), ns, firstBatch: docs }, ok: 1 };
  }

  private hello(legacy: boolean): Doc {
    const me = this.options.me();
    const set = this.options.replicaSet;
    return {
      ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
      helloOk: true,
      ...(set === null
        ? {}
        : {
            setName: set,
            setVersion: 1,
            electionId: ObjectId.createFromHexString('7fffffff0000000000000001'),
            hosts: [me],
            primary: me,
            me,
            secondary: false,
          }),
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: this.connectionIds,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    };
  }

  private createIndexes(body: Doc): Doc {
    const coll = this.collection(this.ns(body, 'createIndexes'));
    const before = coll.indexes.length;
    for (const spec of (body.indexes as IndexSpec[]) ?? []) {
      if (coll.indexes.some((i) => i.name === spec.name)) continue;
      const index: IndexSpec = {
        name: spec.name,
        key: spec.key,
        ...(spec.unique ? { unique: true } : {}),
        ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
      };
      if (index.unique) {
        const map = new Map<string, string>();
        for (const [key, versions] of coll.rows) {
          const doc = versions.at(-1)!.doc;
          if (!doc) continue;
          const value = this.uniqueKey(index, doc);
          if (map.has(value)) throw new DuplicateKeyError(coll.ns, index.name, value);
          map.set(value, key);
        }
        coll.unique.set(index.name, map);
      }
      coll.indexes.push(index);
    }
    return {
      numIndexesBefore: before,
      numIndexesAfter: coll.indexes.length,
      createdCollectionAutomatically: before === 1,
      ok: 1,
    };
  }

  private insert(coll: Collection, docs: Doc[], ordered: boolean, txn: Txn | undefined): Doc {
    let n = 0;
    const writeErrors: Doc[] = [];
    for (const [index, input] of docs.entries()) {
      const doc = clone(input);
      if (doc._id === undefined) doc._id = new ObjectId();
      const key = idKey(doc._id);
      try {
        if (this.read(coll, key, txn)) throw new DuplicateKeyError(coll.ns, '_id_', doc._id);
        this.write(coll, key, doc, txn);
        n += 1;
      } catch (error) {
        if (!(error instanceof DuplicateKeyError) || txn) throw error;
        writeErrors.push({ index, code: 11000, errmsg: error.message });
        if (ordered) break;
      }
    }
    return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
  }

  /** Applies an update document (operators, or a replacement) to a copy of `doc`. */
  private updated(doc: Doc, update: Doc, inserting: boolean): Doc {
    if (Array.isArray(update)) throw new CommandError(9, 'FailedToParse', 'pipeline updates are not emulated');
    const next = clone(doc);
    if (!isOperatorDoc(update)) return { ...clone(update), _id: doc._id };
    const { $setOnInsert, ...operators } = update as Doc & { $setOnInsert?: Doc };
    if (Object.keys(operators).length > 0) mingoUpdate(next, operators);
    if (inserting && $setOnInsert) mingoUpdate(next, { $set: $setOnInsert });
    return next;
  }

  /** The document an upsert starts from: the equality fields of its filter. */
  private seed(filter: Doc): Doc {
    const doc: Doc = {};
    for (const [path, value] of Object.entries(filter)) {
      if (path.startsWith('$') || isOperatorDoc(value)) continue;
      const parts = path.split('.');
      let target = doc;
      for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Doc;
      target[parts.at(-1)!] = value;
    }
    if (doc._id === undefined) doc._id = new ObjectId();
    return doc;
  }

  private matches(coll: Collection, filter: Doc, txn: Txn | undefined, sort?: Doc): Doc[] {
    if (byIdOnly(filter) && !sort) return this.visible(coll, txn, filter);
    let cursor = mingoFind(this.visible(coll, txn, filter), filter);
    if (sort) cursor = cursor.sort(sort);
    return cursor.all() as Doc[];
  }

  private update(coll: Collection, updates: Doc[], ordered: boolean, txn: Txn | undefined): Doc {
    let n = 0;
    let nModified = 0;
    const upserted: Doc[] = [];
    const writeErrors: Doc[] = [];
    for (const [index, spec] of updates.entries()) {
      const filter = (spec.q as Doc) ?? {};
      const u = spec.u as Doc;
      try {
        const found = this.matches(coll, filter, txn);
        const targets = spec.multi ? found : found.slice(0, 1);
        if (targets.length === 0 && spec.upsert) {
          const doc = this.updated(this.seed(filter), u, true);
          this.write(coll, idKey(doc._id), doc, txn);
          n += 1;
          upserted.push({ index, _id: doc._id });
          continue;
        }
        for (const target of targets) {
          const next = this.updated(target, u, false);
          n += 1;
          if (Buffer.compare(serialize(next), serialize(target)) === 0) continue;
          this.write(coll, idKey(target._id), next, txn);
          nModified += 1;
        }
      } catch (error) {
        if (!(error instanceof DuplicateKeyError) || txn) throw error;
        writeErrors.push({ index, code: 11000, errmsg: error.message });
        if (ordered) break;
      }
    }
    return {
      n,
      nModified,
      ...(upserted.length ? { upserted } : {}),
      ...(writeErrors.length ? { writeErrors } : {}),
      ok: 1,
    };
  }

  private delete(coll: Collection, deletes: Doc[], txn: Txn | undefined): Doc {
    let n = 0;
    for (const spec of deletes) {
      const found = this.matches(coll, (spec.q as Doc) ?? {}, txn);
      for (const doc of toNumber(spec.limit) === 1 ? found.slice(0, 1) : found) {
        this.write(coll, idKey(doc._id), null, txn);
        n += 1;
      }
    }
    return { n, ok: 1 };
  }

  private findAndModify(coll: Collection, body: Doc, txn: Txn | undefined): Doc {
    const filter = (body.query as Doc) ?? {};
    const [target] = this.matches(coll, filter, txn, body.sort as Doc | undefined);
    const returnNew = body.new === true;
    if (body.remove) {
      if (target) this.write(coll, idKey(target._id), null, txn);
      return { lastErrorObject: { n: target ? 1 : 0 }, value: target ? clone(target) : null, ok: 1 };
    }
    const update = body.update as Doc;
    if (!target) {
      if (!body.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = this.updated(this.seed(filter), update, true);
      this.write(coll, idKey(doc._id), doc, txn);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: returnNew ? clone(doc) : null,
        ok: 1,
      };
    }
    const next = this.updated(target, update, false);
    this.write(coll, idKey(target._id), next, txn);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: clone(returnNew ? next : target), ok: 1 };
  }
}
