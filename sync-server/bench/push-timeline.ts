/**
 * Diagnostic, not a figure: the push bench's timeline (every push/pull request with send and ack
 * times, every sync:changes received, connect time) for one device pushing 5,000 offline changes.
 * `CPROF=<dir>` writes a CPU profile of the bench process covering only the timed window;
 * `QUIET=1` prints only the result line; `REPS` (default 2) devices in turn on one server.
 */
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createDevice, registerAccount } from '../test/helpers/device.js';
import { startServerProcess } from './server-process.js';
import { socketOf } from '@taskmaster/sync-client';
import { makeTasks } from './core.js';

async function main() {
  const server = await startServerProcess();
  for (let rep = 0; rep < Number(process.env.REPS ?? 2); rep++) {
    const account = await registerAccount(server.url);
    const device = await createDevice(server.url, account, 'push');
    await device.goOnline();
    await device.sync!.awaitInSync();
    const socket = socketOf(await device.sync!.transport);
    const log: string[] = [];
    let t0 = 0;
    const orig = (socket.emitWithAck as unknown as (ev: string, p: unknown) => Promise<unknown>).bind(socket);
    (socket as unknown as { emitWithAck: unknown }).emitWithAck = async (ev: string, p: { rows?: unknown[] }) => {
      const s = performance.now() - t0;
      const r = await orig(ev, p);
      log.push(
        `${ev} rows=${p.rows?.length ?? ''} docs=${(r as { documents?: unknown[] }).documents?.length ?? ''} ${s.toFixed(1)} -> ${(performance.now() - t0).toFixed(1)}`,
      );
      return r;
    };
    socket.onAny((ev, p) =>
      log.push(
        `  <- ${ev} ${p.fromSeq}-${p.toSeq} docs=${p.documents?.length ?? '-'} at ${(performance.now() - t0).toFixed(1)}`,
      ),
    );
    socket.on('connect', () => log.push(`connect at ${(performance.now() - t0).toFixed(1)}`));
    socket.io.on('open', () => log.push(`engine open at ${(performance.now() - t0).toFixed(1)}`));
    await device.disconnect();
    await device.db.tasks.bulkInsert(makeTasks(device, 5000, 'push'));
    {
      await device.db.requestIdlePromise();
      const t = performance.now();
      await new Promise((r) => setTimeout(r, 0));
      log.push(`settle took ${(performance.now() - t).toFixed(1)}`);
    }
    const session = new Session();
    session.connect();
    if (process.env.CPROF) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    t0 = performance.now();
    setImmediate(() => log.push(`immediate at ${(performance.now() - t0).toFixed(1)}`));
    setTimeout(() => log.push(`timeout0 at ${(performance.now() - t0).toFixed(1)}`), 0);
    const acked = new Promise<void>((resolve) =>
      socket.on('sync:changes', (event) => event.toSeq >= 5000 && resolve()),
    );
    await device.reconnect();
    await acked;
    const el = performance.now() - t0;
    if (process.env.CPROF) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${process.env.CPROF}/push-${rep}.cpuprofile`, JSON.stringify(profile));
    }
    await device.sync!.awaitInSync();
    log.push(
      `acked ${el.toFixed(1)} insync ${(performance.now() - t0).toFixed(1)} => ${((5000 / el) * 1000).toFixed(0)}/s`,
    );
    console.log(process.env.QUIET ? log.slice(-1).join('\n') : log.join('\n'));
    await device.close();
  }
  await server.stop();
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
