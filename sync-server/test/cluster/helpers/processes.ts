import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (plus the sbin directories, where Debian puts nginx), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The reason a cluster test cannot run here, or undefined. Tests call `describe.skipIf(reason)` and
 * this prints the reason, so a missing binary shows up as a visible skip, never as a pass.
 */
export function missingBinaries(...names: string[]): string | undefined {
  const missing = names.filter((name) => !findBinary(name));
  if (missing.length === 0) return undefined;
  const reason = `cluster tests skipped: ${missing.join(', ')} not installed (apt-get install -y ${missing.join(' ')}; .ci/run does this)`;
  console.warn(`\n[SKIP] ${reason}\n`);
  return reason;
}

/** A free TCP port on 127.0.0.1 (bound, then released; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process we started: its output (last lines kept), its exit, and a way to stop it by PID. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<Exit>;
  isRunning(): boolean;
  /** Sends `signal` to this one process and waits for it to exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/** Every child still running; killed by PID if this test process exits without stopping them. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function spawnChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void; keepLines?: number } = {},
): Child {
  const proc = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = options.keepLines ?? 400;
  let running = true;
  const exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => {
      running = false;
      if (proc.pid !== undefined) live.delete(proc.pid);
      resolve({ code, signal });
    });
  });
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let buffer = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        output.push(line);
        if (output.length > keep) output.splice(0, output.length - keep);
        options.onLine?.(line);
      }
    });
  };
  collect(proc.stdout);
  collect(proc.stderr);
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = proc.pid;
  live.add(pid);
  return {
    proc,
    pid,
    output,
    exited,
    isRunning: () => running,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (!running) return exited;
      process.kill(pid, signal);
      const timer = setTimeout(() => running && process.kill(pid, 'SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/** Resolves when `predicate` passes on a line of the child's output; rejects on exit or timeout. */
export function waitForLine(
  child: Child,
  predicate: (line: string) => boolean,
  timeoutMs: number,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = child.output.find(predicate);
    if (found !== undefined) return resolve(found);
    const onData = () => {
      const line = child.output.find(predicate);
      if (line !== undefined) finish(() => resolve(line));
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; output:\n${child.output.slice(-30).join('\n')}`,
            ),
          ),
        ),
      timeoutMs,
    );
    void child.exited.then((exit) =>
      finish(() =>
        reject(
          new Error(
            `${what}: process exited (${exit.code ?? exit.signal}); output:\n${child.output.slice(-30).join('\n')}`,
          ),
        ),
      ),
    );
    const finish = (then: () => void) => {
      clearTimeout(timer);
      child.proc.stdout?.off('data', onData);
      child.proc.stderr?.off('data', onData);
      then();
    };
    // Lines are appended by spawnChild's own data listener, which was registered first.
    child.proc.stdout?.on('data', onData);
    child.proc.stderr?.on('data', onData);
  });
}
