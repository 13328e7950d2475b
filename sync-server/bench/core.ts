import { performance } from 'node:perf_hooks';
import type { Task } from '@taskmaster/shared-schema';
import { benchTask } from '@taskmaster/shared-schema/testing';
import { filter, firstValueFrom } from 'rxjs';
import { createTask, socketOf } from '@taskmaster/sync-client';
import { createDevice, registerAccount, type Device } from '../test/helpers/device.js';
import { startServerProcess } from './server-process.js';
import { percentile, round } from './stats.js';

export { benchTask };

export function makeTasks(device: Device, count: number, prefix: string): Task[] {
  return Array.from({ length: count }, (_, i) => benchTask(`${prefix}-${i}`, device.clock.now(), i));
}

/**
 * Write on device A (connected to `urlA`) until visible in device B's local RxDB (connected to
 * `urlB`, the same server by default); spaced single-document writes, `samples` after 10 warm-ups.
 */
export async function measurePropagation(
  urlA: string,
  samples = 200,
  urlB = urlA,
): Promise<{ p50: number; p99: number }> {
  const account = await registerAccount(urlA);
  const a = await createDevice(urlA, account, 'prop-a');
  const b = await createDevice(urlB, account, 'prop-b');
  try {
    await a.goOnline();
    await b.goOnline();
    await a.sync!.awaitInSync();
    await b.sync!.awaitInSync();
    const latencies: number[] = [];
    for (let i = 0; i < samples + 10; i++) {
      const id = `prop-${i}-${Date.now()}`;
      const seen = firstValueFrom(b.db.tasks.insert$.pipe(filter((event) => event.documentId === id)));
      const started = performance.now();
      await createTask(a.db, a.clock, { id, title: `propagation ${i}` });
      await seen;
      if (i >= 10) latencies.push(performance.now() - started); // first 10 warm up JIT and caches
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
  } finally {
    await a.close();
    await b.close();
  }
}

/** One device pushes `count` changes queued offline; timed from reconnect to the last acknowledgement. */
export async function measurePush(url: string, count = 5000): Promise<number> {
  const account = await registerAccount(url);
  const device = await createDevice(url, account, 'push');
  try {
    await device.goOnline();
    await device.sync!.awaitInSync();
    await device.disconnect();
    await device.db.tasks.bulkInsert(makeTasks(device, count, 'push'));
    const socket = socketOf(await device.sync!.transport);
    // The 5,000 offline writes are in the local database and RxDB has finished processing them
    // before the clock starts; otherwise their event handling leaks into the timed window.
    await device.db.requestIdlePromise();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // `awaitInSync()` right after `connect()` can resolve before the paused replication has even
    // resumed, so stop the clock on the server's own word: it announces each committed push to the
    // user's room (this device included) right before acknowledging it, and this fresh account's
    // sequence reaches `count` exactly when the last of the writes is durable.
    const committed = new Promise<void>((resolve) => {
      const onChanges = (event: { collection: string; toSeq: number }) => {
        if (event.collection !== 'tasks' || event.toSeq < count) return;
        socket.off('sync:changes', onChanges);
        resolve();
      };
      socket.on('sync:changes', onChanges);
    });
    const started = performance.now();
    await device.reconnect();
    await committed;
    const elapsed = performance.now() - started;
    await device.sync!.awaitInSync();
    return round(count / (elapsed / 1000), 0);
  } finally {
    await device.close();
  }
}

/** A fresh device pulls `count` tasks. */
export async function measureInitialSync(url: string, count = 10_000): Promise<number> {
  const account = await registerAccount(url);
  const seeder = await createDevice(url, account, 'seed');
  await seeder.db.tasks.bulkInsert(makeTasks(seeder, count, 'seed'));
  await seeder.goOnline();
  await seeder.sync!.awaitInSync();
  await seeder.close();
  const fresh = await createDevice(url, account, 'fresh');
  try {
    const started = performance.now();
    await fresh.goOnline({ pullBatchSize: 1000 });
    await fresh.sync!.awaitInSync();
    const elapsed = performance.now() - started;
    const pulled = await fresh.db.tasks.count().exec();
    if (pulled !== count) throw new Error(`initial sync pulled ${pulled} of ${count}`);
    return round(elapsed, 0);
  } finally {
    await fresh.close();
  }
}

export interface CoreFigures extends Record<string, number> {
  propagation_p50_ms: number;
  propagation_p99_ms: number;
  initial_sync_10k_ms: number;
  push_throughput_per_s: number;
  server_rss_mb: number;
}

/** One run of the issue-2 figures against a fresh server process. */
export async function runCoreBench(): Promise<CoreFigures> {
  const server = await startServerProcess();
  try {
    const propagation = await measurePropagation(server.url);
    const push = await measurePush(server.url);
    const initial = await measureInitialSync(server.url);
    return {
      propagation_p50_ms: propagation.p50,
      propagation_p99_ms: propagation.p99,
      initial_sync_10k_ms: initial,
      push_throughput_per_s: push,
      server_rss_mb: round(server.rssMb(), 1),
    };
  } finally {
    await server.stop();
  }
}
