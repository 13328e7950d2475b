import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, eventually, registerAccount, type Device } from '../helpers/device.js';
import {
  CLUSTER_STORES,
  connectionsPerInstance,
  MONGO_TRANSACTION_LIFETIME_S,
  expectConverged,
  onlineDevice,
  stage,
  startCluster,
  writeTasks,
  type Cluster,
} from './helpers/cluster.js';
import type { Instance } from './helpers/instance.js';
import { missingBinaries, waitForLine } from './helpers/processes.js';

const skip = missingBinaries('redis-server', 'nginx');

/** The instance holding the most device connections (the one whose loss hurts). */
async function busiest(cluster: Cluster): Promise<{ victim: Instance; connections: number }> {
  const counts = await connectionsPerInstance(cluster.instances);
  const index = counts.indexOf(Math.max(...counts));
  return { victim: cluster.instances[index]!, connections: counts[index]! };
}

/** Every one of `devices` holds at least the tasks `ids`. */
async function expectHas(devices: Device[], ids: string[], timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    for (const device of devices) expect((await device.tasks()).map((t) => t.id)).toEqual(expect.arrayContaining(ids));
  }, timeoutMs);
}

/** A fresh device that pulls everything through `url`: what the server really holds. */
async function serverTaskIds(
  cluster: Cluster,
  url: string,
  account: Parameters<typeof createDevice>[1],
): Promise<string[]> {
  const probe = await onlineDevice(cluster, url, account, 'probe');
  return (await probe.tasks()).map((t) => t.id).sort();
}

/** A fresh account and devices a-d, each online through `url` and in sync. */
async function fourDevicesOnline(cluster: Cluster, url: string) {
  const account = await registerAccount(url);
  const devices: Device[] = [];
  for (const name of ['a', 'b', 'c', 'd']) devices.push(await onlineDevice(cluster, url, account, name));
  return { account, devices };
}

// Real processes on a shared 2-core machine: starting a cluster alone can take 10 s under load.
// Each stage has its own deadline (see `stage`); the test timeout only has to cover their sum.
describe.skipIf(skip).each(CLUSTER_STORES)(
  'cluster faults on $label (real processes, own redis-server and nginx)',
  { timeout: 240_000 },
  ({ store }) => {
    let cluster: Cluster | undefined;
    afterEach(async () => {
      await cluster?.dispose();
      cluster = undefined;
    });

    it('[R1] an instance SIGKILLed while devices push: they reconnect through nginx to another instance and lose nothing', async () => {
      const c = (cluster = await stage('start 3 instances and nginx', 60_000, () =>
        startCluster({ instances: 3, nginx: true, store }),
      ));
      const url = c.nginx!.url;
      const { account, devices } = await stage('4 devices online', 30_000, () => fourDevicesOnline(c, url), c);
      const { victim, connections } = await busiest(c);
      expect(connections).toBeGreaterThanOrEqual(2);

      const writing = Promise.all(devices.map((d) => writeTasks(d, 25, `${d.name} while killing`, 15)));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const exit = await stage('SIGKILL exit', 20_000, () => victim.signal('SIGKILL'), c);
      expect(exit.signal).toBe('SIGKILL');
      const ids = (await stage('local writes', 30_000, () => writing, c)).flat();
      // On MongoDB, a push the victim had in flight leaves its transaction open, holding the scope,
      // until the transaction lifetime limit aborts it; the devices' retries then go through.
      await expectConverged(devices, ids, 45_000 + MONGO_TRANSACTION_LIFETIME_S * 1000);
      expect(await stage('probe device pulls', 30_000, () => serverTaskIds(c, url, account), c)).toEqual(
        [...ids].sort(),
      );
      const survivors = c.instances.filter((i) => i !== victim);
      const counts = await connectionsPerInstance(survivors);
      expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(devices.length);
    });

    it('[R1][R3] Redis down for a while: instances keep serving their own devices; when it is back every device converges', async () => {
      cluster = await startCluster({ instances: 2, store, env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
      const [one, two] = cluster.instances as [Instance, Instance];
      const account = await registerAccount(one.url);
      const a1 = await onlineDevice(cluster, one.url, account, 'a1@1');
      const a2 = await onlineDevice(cluster, one.url, account, 'a2@1');
      const b1 = await onlineDevice(cluster, two.url, account, 'b1@2');
      const before = await writeTasks(a1, 2, 'before outage', 10);
      await expectConverged([a1, a2, b1], before, 10_000);

      await cluster.redis.stop();
      // Each instance still serves its own devices: a1's writes reach a2 (same instance) live, the
      // Redis-backed limiters fall back to memory, and REST sign-in still works.
      const duringOne = await writeTasks(a1, 5, 'outage on instance 1', 10);
      await a1.sync!.awaitInSync();
      await expectHas([a2], duringOne);
      const duringTwo = await writeTasks(b1, 5, 'outage on instance 2', 10);
      await b1.sync!.awaitInSync();
      const late = await createDevice(two.url, account, 'signed-in-during-outage');
      cluster.devices.push(late);
      expect((await fetch(`${one.url}/readyz`)).status).toBe(200);

      // Nothing reached instance 1 from instance 2 (b1's push also made b1 pull a1's changes itself).
      expect((await a1.tasks()).filter((t) => duringTwo.includes(t.id))).toEqual([]);

      await cluster.redis.restart();
      // No further writes: the instances notice Redis is back and hint their devices to pull (rule R3).
      const all = [...before, ...duringOne, ...duringTwo];
      await expectConverged([a1, a2, b1], all, 20_000);
      // And live fan-out across instances works again.
      const after = await writeTasks(b1, 2, 'after outage', 10);
      await expectConverged([a1, a2, b1], [...all, ...after], 10_000);
    });

    it('[R1] SIGTERM: stops accepting connections, finishes pushes, tells devices to reconnect; they continue elsewhere', async () => {
      const c = (cluster = await stage('start 3 instances and nginx', 60_000, () =>
        startCluster({ instances: 3, nginx: true, store }),
      ));
      const url = c.nginx!.url;
      const { account, devices } = await stage('4 devices online', 30_000, () => fourDevicesOnline(c, url), c);
      let reconnectHints = 0;
      for (const device of devices) (await device.sync!.transport).on('sync:reconnect', () => (reconnectHints += 1));
      const { victim, connections } = await busiest(c);

      const writing = Promise.all(devices.map((d) => writeTasks(d, 25, `${d.name} during shutdown`, 15)));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const exited = victim.signal('SIGTERM');
      await waitForLine(victim.child, (line) => line.includes('signal received'), 10_000, 'SIGTERM handling');
      // A new connection straight to the draining instance is refused (at the handshake or the TCP port),
      // or closed before its handshake is answered.
      const refused = await stage(
        'direct connection to the draining instance',
        15_000,
        () =>
          new Promise<string>((resolve) => {
            const socket = connectSocket(victim.url, {
              transports: ['websocket'],
              reconnection: false,
              timeout: 10_000,
              auth: { token: account.tokens.accessToken },
            });
            socket.on('connect', () => {
              socket.close();
              resolve('connected');
            });
            socket.on('connect_error', (error: Error) => {
              socket.close();
              resolve(error.message);
            });
            // Inside the instance's last milliseconds the WebSocket can open and then be closed with
            // the rest before the handshake is answered: Socket.IO reports that as a disconnect, not
            // a connect_error (seen under load: the test then waited forever).
            socket.on('disconnect', (reason: string) => {
              socket.close();
              resolve(`closed during the handshake (${reason})`);
            });
          }),
        c,
      );
      expect(refused).not.toBe('connected');
      const exit = await stage('SIGTERM exit', 20_000, () => exited, c);
      expect(exit.code).toBe(0);
      expect(victim.logs().some((line) => line.includes('"msg":"shut down"'))).toBe(true);
      // The hints were sent before the exit, but this process may read the exit before the sockets' data.
      await eventually(() => expect(reconnectHints).toBe(connections), 10_000);

      const ids = (await stage('local writes', 30_000, () => writing, c)).flat();
      await expectConverged(devices, ids, 45_000);
      expect(await stage('probe device pulls', 30_000, () => serverTaskIds(c, url, account), c)).toEqual(
        [...ids].sort(),
      );
    });
  },
);
