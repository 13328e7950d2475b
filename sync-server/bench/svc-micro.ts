/**
 * Diagnostic, not a figure: SyncService.push without sockets, on a SQLite file (or `MEM=1` for
 * :memory:), to separate server CPU per pushed document from fsync. `SINGLES` single-row pushes,
 * then 500-row batches.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HybridLogicalClock } from '@taskmaster/shared-schema';
import { SyncService } from '../src/replication/sync-service.js';
import { createSqliteDocumentStore } from '../src/store/sqlite/sqlite-document-store.js';
import { benchTask } from './core.js';
import { percentile, round } from './stats.js';

const doc = (id: string, stamp: string, i: number) => ({ ...benchTask(id, stamp, i), _deleted: false });

async function main() {
  const file = process.env.MEM ? ':memory:' : join(mkdtempSync(join(tmpdir(), 'svc-')), 'db.sqlite');
  const store = createSqliteDocumentStore({ file });
  const user = { id: 'bench-user' };
  const svc = new SyncService(store, { kind: 'local', attach() {}, publish() {}, async close() {} } as never);
  const clock = new HybridLogicalClock('node1');
  const single: number[] = [];
  for (let i = 0; i < Number(process.env.SINGLES ?? 1000); i++) {
    const t = performance.now();
    await svc.push(user.id, {
      collection: 'tasks',
      rows: [{ newDocumentState: doc(`s-${i}`, clock.now(), i), assumedMasterState: null }],
    });
    single.push(performance.now() - t);
  }
  console.log(
    'single p50',
    round(percentile(single.slice(10), 50), 3),
    'p90',
    round(percentile(single.slice(10), 90), 3),
  );
  const batch: number[] = [];
  for (let b = 0; b < 20; b++) {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      newDocumentState: doc(`b-${b}-${i}`, clock.now(), i),
      assumedMasterState: null,
    }));
    const payload = JSON.parse(JSON.stringify({ collection: 'tasks', rows }));
    const t = performance.now();
    await svc.push(user.id, payload);
    batch.push(performance.now() - t);
  }
  const med = percentile(batch.slice(3), 50);
  console.log('batch500 p50 ms', round(med, 2), '=> docs/s', round(500 / (med / 1000), 0));
}
void main();
