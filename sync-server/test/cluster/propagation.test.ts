import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount, type Device } from '../helpers/device.js';
import {
  CLUSTER_STORES,
  connectionsPerInstance,
  expectConverged,
  onlineDevice,
  startCluster,
  writeTasks,
  type Cluster,
} from './helpers/cluster.js';
import { missingBinaries } from './helpers/processes.js';

const skip = missingBinaries('redis-server', 'nginx');

/** One cluster per store for the tests that do not break it: 3 processes, one store, one redis-server, nginx. */
describe.skipIf(skip).each(CLUSTER_STORES)(
  'cluster: 3 sync-server processes on $label and one redis-server, nginx in front',
  { timeout: 90_000 },
  ({ store }) => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster({
        instances: 3,
        nginx: true,
        store,
        env: { CORS_ORIGINS: 'https://app.example.test' },
      });
    }, 120_000);
    afterAll(async () => {
      await cluster?.dispose();
    });
    const closeDevices = async (devices: Device[]) => {
      await Promise.all(devices.map((d) => d.close()));
      cluster.devices = cluster.devices.filter((d) => !devices.includes(d));
    };

    it('[R1][R3] a write on instance 1 appears live on devices connected to instances 2 and 3 (through Redis)', async () => {
      const [one, two, three] = cluster.instances;
      const account = await registerAccount(one!.url);
      const a = await onlineDevice(cluster, one!.url, account, 'a@1');
      const b = await onlineDevice(cluster, two!.url, account, 'b@2');
      const c = await onlineDevice(cluster, three!.url, account, 'c@3');
      const ids = await writeTasks(a, 5, 'from instance 1', 20);
      ids.push(...(await writeTasks(b, 3, 'from instance 2', 20)));
      // Live: the harness turns the periodic resync off, so only fan-out (or a pull it triggers) delivers.
      await expectConverged([a, b, c], ids, 10_000);
      await closeDevices([a, b, c]);
    });

    it('nginx (docker/nginx.conf): proxies REST and the WebSocket upgrade, keeps Host for the Origin check, spreads devices', async () => {
      const nginx = cluster.nginx!;
      const connect = (origin: string) =>
        new Promise<string>((resolve) => {
          const socket = connectSocket(nginx.url, {
            transports: ['websocket'],
            reconnection: false,
            extraHeaders: { origin },
            auth: { token: 'x' },
          });
          socket.on('connect_error', (error: Error) => {
            socket.close();
            resolve(error.message);
          });
        });
      // The public origin (Host forwarded with its port) passes the Origin check and reaches the auth middleware…
      expect(await connect(nginx.url)).toBe('unauthorized');
      // …a foreign origin is refused at the upgrade itself.
      expect(await connect('http://evil.example.test')).not.toBe('unauthorized');

      const before = await connectionsPerInstance(cluster.instances);
      const account = await registerAccount(nginx.url);
      const devices: Device[] = [];
      for (const name of ['a', 'b', 'c'])
        devices.push(await onlineDevice(cluster, nginx.url, account, `${name}@nginx`));
      const after = await connectionsPerInstance(cluster.instances);
      // least_conn: the three sockets land on three different instances.
      expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1]);
      const ids = await writeTasks(devices[0]!, 5, 'via nginx', 10);
      await expectConverged(devices, ids, 10_000);
      await closeDevices(devices);
    });

    it('[R2] three processes writing to one store at once: every change stored, sequence numbers unique and gap-free', async () => {
      const account = await registerAccount(cluster.instances[0]!.url);
      const devices = await Promise.all(
        cluster.instances.map((instance, i) => onlineDevice(cluster, instance.url, account, `w${i}`)),
      );
      const perDevice = 40;
      const ids = (await Promise.all(devices.map((d, i) => writeTasks(d, perDevice, `writer ${i}`)))).flat();
      await expectConverged(devices, ids, 20_000);
      const seqs = await cluster.storedSeqs(account.tokens.user.id, 'tasks');
      // Only creations, so the stored sequences are exactly 1..N: no duplicate, no gap (SQLite: BEGIN
      // IMMEDIATE + busy_timeout; MongoDB: one transaction per push on the scope's counter document).
      expect(seqs).toEqual(Array.from({ length: devices.length * perDevice }, (_, i) => i + 1));
      await closeDevices(devices);
    });
  },
);
