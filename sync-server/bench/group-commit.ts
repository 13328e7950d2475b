/**
 * Diagnostic, not a figure: concurrent single-document pushes from many users into one SQLite file
 * (synchronous = FULL), through SyncService, as a busy instance sees them. `WRITERS` (50) pushes
 * start together, `WAVES` (20) times; prints pushes per second and the per-push latency. `STORE_JS`
 * points at another build of the SQLite document store (to compare with and without group commit).
 *
 *   node --import tsx sync-server/bench/group-commit.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { HybridLogicalClock } from '@taskmaster/shared-schema';
import { SyncService } from '../src/replication/sync-service.js';
import type { DocumentStore } from '../src/store/document-store.js';
import { createSqliteDocumentStore } from '../src/store/sqlite/sqlite-document-store.js';
import { benchTask } from './core.js';
import { percentile, round } from './stats.js';

const WRITERS = Number(process.env.WRITERS ?? 50);
const WAVES = Number(process.env.WAVES ?? 20);

async function main(): Promise<void> {
  const create = process.env.STORE_JS
    ? (
        (await import(pathToFileURL(process.env.STORE_JS).href)) as {
          createSqliteDocumentStore: typeof createSqliteDocumentStore;
        }
      ).createSqliteDocumentStore
    : createSqliteDocumentStore;
  const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  const store: DocumentStore = create({ file: join(dir, 'db.sqlite') });
  await store.ready();
  const service = new SyncService(store, { kind: 'local', attach() {}, publish() {}, async close() {} });
  const clock = new HybridLogicalClock('bench');
  const push = (user: number, i: number) =>
    service.push(`user-${user}`, {
      collection: 'tasks',
      rows: [
        {
          newDocumentState: { ...benchTask(`w-${user}-${i}`, clock.now(), i), _deleted: false },
          assumedMasterState: null,
        },
      ],
    });
  await push(0, -1); // compiles the schemas
  const latencies: number[] = [];
  const started = performance.now();
  for (let wave = 0; wave < WAVES; wave++) {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, user) => {
        const t = performance.now();
        await push(user, wave);
        latencies.push(performance.now() - t);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${WRITERS} writers x ${WAVES} waves: ${round((WRITERS * WAVES) / seconds, 0)} pushes/s, ` +
      `latency p50 ${round(percentile(latencies, 50), 2)} ms, p99 ${round(percentile(latencies, 99), 2)} ms\n`,
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
