/**
 * Orchestrator <-> client-process messages. Each client process (a device of one system, or a pool
 * of idle connections) is a forked Node process that answers numbered requests over the IPC channel
 * and may push unsolicited events (a device saw a document). Times are taken inside the processes
 * with `nowMs()`, the system-wide monotonic clock, so they compare across processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Milliseconds on CLOCK_MONOTONIC (the same clock in every process of this machine). */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Request {
  kind: 'request';
  id: number;
  op: string;
  args: { [key: string]: Json };
}
export interface Reply {
  kind: 'reply';
  id: number;
  result?: Json;
  error?: string;
}
export interface Event {
  kind: 'event';
  name: string;
  data: Json;
}
type Message = Request | Reply | Event;

export type Handlers = Record<string, (args: { [key: string]: Json }) => Promise<Json> | Json>;

/** In a child: answers requests with `handlers` and exits when the parent goes away or says `exit`. */
export function serveRequests(handlers: Handlers): { emit(name: string, data: Json): void } {
  const send = (message: Message) => process.send?.(message);
  process.on('message', (raw: Message) => {
    if (raw.kind !== 'request') return;
    if (raw.op === 'exit') {
      send({ kind: 'reply', id: raw.id, result: null });
      setTimeout(() => process.exit(0), 10);
      return;
    }
    const handler = handlers[raw.op];
    if (!handler) {
      send({ kind: 'reply', id: raw.id, error: `unknown op ${raw.op}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(raw.args))
      .then(
        (result) => send({ kind: 'reply', id: raw.id, result }),
        (error: unknown) =>
          send({
            kind: 'reply',
            id: raw.id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'event', name: 'ready', data: process.pid });
  return { emit: (name, data) => send({ kind: 'event', name, data }) };
}

export interface Child {
  pid: number;
  process: ChildProcess;
  request<T extends Json = Json>(op: string, args?: { [key: string]: Json }, timeoutMs?: number): Promise<T>;
  on(name: string, listener: (data: Json) => void): () => void;
  /** Asks the child to exit; kills it (by its PID) if it has not after 5 s. */
  stop(): Promise<void>;
}

/**
 * Forks `script` (relative to this file) and waits for its `ready`: a `.ts` file runs under tsx, a
 * compiled `.js` file under plain node.
 */
export async function startChild(
  script: string,
  options: { env?: Record<string, string>; execArgv?: string[]; readyTimeoutMs?: number } = {},
): Promise<Child> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = fork(file, [], {
    execArgv: [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: Json) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(data: Json) => void>>();
  let nextId = 1;
  let exited = false;
  child.on('message', (message: Message) => {
    if (message.kind === 'reply') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`${script}: ${message.error}`));
      else waiter?.resolve(message.result ?? null);
    } else if (message.kind === 'event') {
      listeners.get(message.name)?.forEach((listener) => listener(message.data));
    }
  });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (${code ?? signal})`));
      pending.clear();
      resolve();
    }),
  );
  const on = (name: string, listener: (data: Json) => void) => {
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in time`)), options.readyTimeoutMs ?? 30_000);
    const off = on('ready', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
    void exit.then(() => reject(new Error(`${script} exited before it was ready`)));
  });
  return {
    pid: child.pid!,
    process: child,
    on,
    request<T extends Json>(op: string, args: { [key: string]: Json } = {}, timeoutMs = 120_000) {
      if (exited) return Promise.reject(new Error(`${script} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: ${op} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ kind: 'request', id, op, args } satisfies Request);
      });
    },
    async stop() {
      if (exited) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        child.send({ kind: 'request', id: nextId++, op: 'exit', args: {} } satisfies Request);
      } catch {
        child.kill('SIGTERM');
      }
      await exit;
      clearTimeout(killer);
    },
  };
}
