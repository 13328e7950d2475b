import { TaskmasterError } from '@taskmaster/shared-schema';
import { ConfigError, loadConfig } from '../config/config.js';
import { openStores } from '../store/open-stores.js';
import { CliUsageError, readStdin, runAdminCommand } from './admin-cli.js';

/**
 * `npm run admin -- create-admin|grant|revoke <email>`: a second composition root, for operators.
 * It reads the same environment as the server (DATA_DIR or MONGODB_URI) and talks to the store
 * directly, so it works with the server stopped and needs no admin to exist yet.
 */
async function cli(): Promise<number> {
  const args = process.argv.slice(2);
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const stores = await openStores(config);
  try {
    await stores.accounts.ready();
    if (args[0] === 'create-admin' && process.stdin.isTTY) {
      process.stderr.write('Password (then Enter and Ctrl-D): ');
    }
    const line = await runAdminCommand(stores.accounts, args, () => readStdin());
    process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof TaskmasterError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await stores.close();
  }
}

cli().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
