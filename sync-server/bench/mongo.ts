import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startMongoDouble } from '../test/mongo-double/index.js';
import { measurePropagation, measurePush } from './core.js';
import { startServerProcess } from './server-process.js';

/**
 * The MongoDB store's figures: push throughput (5,000 offline changes, durable) and propagation
 * A -> B p50, through one server process on MONGODB_URI. Without MONGODB_URI the store is our
 * wire-protocol double in this process, so the keys say `_emulated`: they measure the adapter and
 * the driver over loopback, not MongoDB's speed. With MONGODB_URI, the same keys without `_emulated`.
 */
export async function runMongoBench(): Promise<Record<string, number>> {
  const real = process.env.MONGODB_URI;
  const double = real ? undefined : await startMongoDouble();
  const dbName = `taskmaster_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const uri = (real ?? double!.uri).replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${dbName}`);
  // No fixed metrics port: several benches or servers may run on this machine at once.
  const server = await startServerProcess({ MONGODB_URI: uri, MONGODB_MIN_POOL_SIZE: '2', METRICS_PORT: 'off' });
  try {
    const propagation = await measurePropagation(server.url, 100);
    const push = await measurePush(server.url);
    const prefix = real ? 'mongo' : 'mongo_emulated';
    return { [`${prefix}_push_throughput_per_s`]: push, [`${prefix}_propagation_p50_ms`]: propagation.p50 };
  } finally {
    await server.stop();
    await double?.close();
    if (real) {
      const client = new MongoClient(uri);
      await client
        .db()
        .dropDatabase()
        .finally(() => client.close());
    }
  }
}
