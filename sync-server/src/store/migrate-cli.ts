/**
 * Entry point of `npm run migrate -- up | down [--store documents|accounts] [--steps N] | status`
 * (see migrate-command.ts). A second composition root beside main.ts: it reads the environment.
 */
import { ConfigError } from '../config/config.js';
import { runMigrateCli, USAGE } from './migrate-command.js';
import { MongoReplicaSetRequiredError } from './store-errors.js';

runMigrateCli(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).catch((error: unknown) => {
  const expected =
    error instanceof ConfigError ||
    error instanceof MongoReplicaSetRequiredError ||
    (error instanceof Error && error.message.endsWith(USAGE));
  process.stderr.write(`${expected ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
