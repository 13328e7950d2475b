/**
 * The migrate command behind `npm run migrate -- up | down [--store documents|accounts] [--steps N] | status`
 *
 * Applies, reverts or lists the schema migrations of both stores, on the store the environment
 * configures (the SQLite file under DATA_DIR, or MongoDB when MONGODB_URI is set). The server also
 * applies pending migrations at start-up; `down` is for rolling a release back (README, Operations).
 */
import { loadConfig } from '../config/config.js';
import type { MigrationStatus } from './migrations/migrator.js';
import { openStores } from './open-stores.js';

export const USAGE = 'usage: npm run migrate -- up | down [--store documents|accounts] [--steps N] | status\n';
type StoreName = 'documents' | 'accounts';

function parse(args: string[]): { command: 'up' | 'down' | 'status'; stores: StoreName[]; steps: number } {
  const [command, ...rest] = args;
  if (command !== 'up' && command !== 'down' && command !== 'status') throw new Error(USAGE);
  let stores: StoreName[] = ['documents', 'accounts'];
  let steps = 1;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (flag === '--store' && (value === 'documents' || value === 'accounts')) stores = [value];
    else if (flag === '--steps' && value !== undefined && /^\d+$/.test(value) && Number(value) > 0)
      steps = Number(value);
    else throw new Error(`unknown or incomplete option ${flag ?? ''}\n${USAGE}`);
    i += 1;
  }
  return { command, stores, steps };
}

function table(store: string, rows: MigrationStatus[]): string {
  return rows
    .map(
      (m) =>
        `${store.padEnd(10)} ${m.id.padEnd(26)} ${m.appliedAt === null ? 'pending'.padEnd(24) : new Date(m.appliedAt).toISOString().padEnd(24)} ${m.description}`,
    )
    .join('\n');
}

export async function runMigrateCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
): Promise<void> {
  const { command, stores: which, steps } = parse(args);
  const config = loadConfig(env);
  const stores = await openStores(config, { migrate: false });
  try {
    for (const name of which) {
      const store = stores[name];
      if (command === 'up') {
        const applied = await store.migrateUp();
        out(`${stores.kind} ${name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
      } else if (command === 'down') {
        const reverted = await store.migrateDown(steps);
        out(`${stores.kind} ${name}: ${reverted.length ? `reverted ${reverted.join(', ')}` : 'nothing to revert'}\n`);
      } else {
        out(`${table(`${name}`, await store.migrationStatus())}\n`);
      }
    }
  } finally {
    await stores.close();
  }
}
