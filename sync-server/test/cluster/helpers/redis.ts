import { connect } from 'node:net';
import { join } from 'node:path';
import { findBinary, spawnChild, type Child } from './processes.js';

export interface TestRedis {
  /** `unix:///…/redis.sock`, the form REDIS_URL accepts. */
  url: string;
  socketPath: string;
  child: Child;
  /** Stops this redis-server (by PID) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same socket (after `stop`), empty (no persistence). */
  restart(): Promise<void>;
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private redis-server on a unix socket in `dir` (no TCP port at all, so nothing else can reach
 * it or collide with it), without persistence. Started and stopped by the test itself.
 */
export async function startRedis(dir: string): Promise<TestRedis> {
  const binary = findBinary('redis-server');
  if (!binary) throw new Error('redis-server is not installed');
  const socketPath = join(dir, 'redis.sock');
  const launch = async () => {
    const child = spawnChild(binary, [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--unixsocketperm',
      '700',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ]);
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(socketPath))) {
      if (!child.isRunning()) throw new Error(`redis-server exited:\n${child.output.join('\n')}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return child;
  };
  const redis: TestRedis = {
    url: `unix://${socketPath}`,
    socketPath,
    child: await launch(),
    async stop() {
      await redis.child.stop('SIGTERM', 5000);
    },
    async restart() {
      if (redis.child.isRunning()) throw new Error('redis-server is still running');
      redis.child = await launch();
    },
  };
  return redis;
}
