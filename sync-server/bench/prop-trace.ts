/**
 * Diagnostic, not a figure: splits propagation latency into A's local write, A's push emit, the
 * sync:changes arrival at B and B's RxDB insert$ (p50/p90/p99 from the start of the write), and
 * prints the server's push-duration histogram. `SERVER_PROF=<dir>` profiles the server process.
 */
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom } from 'rxjs';
import { createTask, socketOf } from '@taskmaster/sync-client';
import { createDevice, registerAccount } from '../test/helpers/device.js';
import { startServerProcess } from './server-process.js';
import { percentile, round } from './stats.js';

const execArgv = process.env.SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SERVER_PROF}`] : [];
/** The bench server has no metrics port (METRICS_PORT=off); with a token it serves /metrics on the app port. */
const METRICS_TOKEN = 'prop-trace-metrics-token-0123456789';
async function main() {
  const server = await startServerProcess({ METRICS_TOKEN }, execArgv);
  const url = server.url;
  const account = await registerAccount(url);
  const a = await createDevice(url, account, 'prop-a');
  const b = await createDevice(url, account, 'prop-b');
  await a.goOnline();
  await b.goOnline();
  await a.sync!.awaitInSync();
  await b.sync!.awaitInSync();
  const sa = socketOf(await a.sync!.transport);
  const sb = socketOf(await b.sync!.transport);
  let tEmit = 0,
    tChanges = 0;
  sa.onAnyOutgoing((ev) => {
    if (ev === 'sync:push') tEmit = performance.now();
  });
  sb.onAny((ev) => {
    if (ev === 'sync:changes') tChanges = performance.now();
  });
  const rows: number[][] = [];
  const N = Number(process.env.N ?? 200);
  for (let i = 0; i < N + 10; i++) {
    const id = `prop-${i}-${Date.now()}`;
    const seen = firstValueFrom(b.db.tasks.insert$.pipe(filter((e) => e.documentId === id)));
    const t0 = performance.now();
    await createTask(a.db, a.clock, { id, title: `propagation ${i}` });
    const t1 = performance.now();
    await seen;
    const t4 = performance.now();
    if (i >= 10) rows.push([t1 - t0, tEmit - t0, tChanges - t0, t4 - t0]);
    await new Promise((r) => setTimeout(r, 5));
  }
  const cols = ['write', 'emitPush', 'changesAtB', 'insert$B'];
  cols.forEach((c, k) =>
    console.log(
      c.padEnd(12),
      'p50',
      round(
        percentile(
          rows.map((r) => r[k]!),
          50,
        ),
      ),
      'p90',
      round(
        percentile(
          rows.map((r) => r[k]!),
          90,
        ),
      ),
      'p99',
      round(
        percentile(
          rows.map((r) => r[k]!),
          99,
        ),
      ),
    ),
  );
  const m = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  console.log(
    m
      .split('\n')
      .filter((l) => l.startsWith('taskmaster_sync_push_duration') || l.includes('push_duration'))
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
  );
  await a.close();
  await b.close();
  await server.stop();
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
