import { isErrorBody } from '@taskmaster/shared-schema';

/** A refused account request, with the server's kebab-case reason (`network` when unreachable). */
export class AccountRequestError extends Error {
  override readonly name = 'AccountRequestError';
  constructor(
    readonly reason: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface AccountApiOptions {
  /** A valid access token of the signed-in session (refreshed by the session when needed). */
  getAccessToken: () => Promise<string | null>;
  /** Origin of the sync server, '' for same origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

async function call(options: AccountApiOptions, method: string, path: string, body: unknown): Promise<unknown> {
  const token = await options.getAccessToken().catch(() => null);
  if (!token) throw new AccountRequestError('unauthorized', 'Not signed in', 401);
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  let response: Response;
  try {
    response = await doFetch(`${options.baseUrl ?? ''}/api/auth/${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AccountRequestError('network', 'The server cannot be reached', 0);
  }
  if (response.status === 204) return null;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = isErrorBody(payload) ? payload.error : { reason: 'internal', message: `HTTP ${response.status}` };
    throw new AccountRequestError(error.reason, error.message, response.status);
  }
  return payload;
}

/**
 * Changes the password (the server checks the current one). Every other device is signed out;
 * this one stays signed in. Resolves with how many other sessions were ended.
 */
export async function changePassword(
  options: AccountApiOptions,
  currentPassword: string,
  newPassword: string,
): Promise<{ revokedSessions: number }> {
  const answer = await call(options, 'POST', 'password', { currentPassword, newPassword });
  const revoked = (answer as { revokedSessions?: unknown } | null)?.revokedSessions;
  return { revokedSessions: typeof revoked === 'number' ? revoked : 0 };
}

/** Erases the account on the server (documents, sessions, account), confirmed by its password. */
export async function deleteAccount(options: AccountApiOptions, password: string): Promise<void> {
  await call(options, 'DELETE', 'account', { password });
}

const MESSAGES: Record<string, string> = {
  'wrong-password': 'Your current password is not correct.',
  'rate-limited': 'Too many attempts. Wait a minute and try again.',
  network: 'The server cannot be reached. This needs a connection; check it and try again.',
  unauthorized: 'Your session has ended. Sign in again, then retry.',
  'token-expired': 'Your session has ended. Sign in again, then retry.',
  'token-revoked': 'This device was signed out. Sign in again, then retry.',
  'account-erased': 'This account no longer exists.',
  'invalid-payload': 'Fill in every field, then try again.',
};

/** A sentence a person can act on, for an error of {@link changePassword} or {@link deleteAccount}. */
export function accountErrorMessage(error: unknown, what: 'change' | 'delete'): string {
  const reason = error instanceof AccountRequestError ? error.reason : '';
  if (reason === 'wrong-password' && what === 'delete') return 'That password is not correct.';
  if (MESSAGES[reason]) return MESSAGES[reason];
  // The server explains what makes the password weak ("it is a very common password…").
  if (reason === 'weak-password' && error instanceof Error && error.message) return error.message;
  if (reason === 'forbidden' && error instanceof Error && error.message) return `${error.message}.`;
  return what === 'change'
    ? 'Your password could not be changed. Try again.'
    : 'Your account could not be deleted. Try again.';
}
