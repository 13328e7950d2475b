import { TaskmasterError } from '@taskmaster/shared-schema';
import { assertStrongPassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import type { AccountStore } from '../store/index.js';

export const USAGE = `Usage:
  npm run admin -- create-admin <email>   creates an admin; the password is read from stdin
  npm run admin -- grant <email>          gives an existing account the admin role
  npm run admin -- revoke <email>         takes the admin role away (effective at once)`;

/** The audit actor of everything the CLI does: whoever has shell access to the server. */
const CLI_ACTOR = 'cli';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * The admin CLI's commands, on an account store the caller opened. Returns the line to print.
 * This is the only way an account becomes admin: registration never grants a role.
 */
export async function runAdminCommand(
  accounts: AccountStore,
  args: readonly string[],
  readPassword: () => Promise<string>,
  now: () => number = Date.now,
): Promise<string> {
  const [command, rawEmail, ...rest] = args;
  if (!command || !rawEmail || rest.length > 0) throw new CliUsageError(USAGE);
  const email = rawEmail.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new CliUsageError(`not an email address: ${rawEmail}`);

  switch (command) {
    case 'create-admin': {
      if (await accounts.findUserByEmail(email)) {
        throw new TaskmasterError(
          'email-taken',
          `${email} already has an account; use: npm run admin -- grant ${email}`,
          409,
        );
      }
      const password = await readPassword();
      if (password.length < 8)
        throw new TaskmasterError('weak-password', 'The password must have at least 8 characters', 400);
      assertStrongPassword(password, [email]);
      const user = await accounts.createUser({ email, passwordHash: await hashPassword(password), role: 'admin' });
      await accounts.appendAudit({
        at: now(),
        actorId: CLI_ACTOR,
        action: 'user.create-admin',
        targetUserId: user.id,
        details: {},
      });
      return `created admin ${email} (${user.id})`;
    }
    case 'grant':
    case 'revoke': {
      const user = await accounts.findUserByEmail(email);
      if (!user) throw new TaskmasterError('not-found', `no account for ${email}`, 404);
      const role = command === 'grant' ? 'admin' : 'user';
      await accounts.setUserRole(user.id, role);
      await accounts.appendAudit({
        at: now(),
        actorId: CLI_ACTOR,
        action: `role.${command}`,
        targetUserId: user.id,
        details: { role },
      });
      return `${email} is now ${role === 'admin' ? 'an admin' : 'a regular user'}`;
    }
    default:
      throw new CliUsageError(`unknown command ${command}\n${USAGE}`);
  }
}

/** Reads the whole of stdin (a pipe or a typed line ended by Ctrl-D) and drops one trailing newline. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
