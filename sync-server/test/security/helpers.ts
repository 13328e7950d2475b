import { randomUUID } from 'node:crypto';
import type { TokenPair } from '@taskmaster/shared-schema';

export const PASSWORD = 'correct horse battery staple';

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One JSON request to the server; the body is parsed when there is one. */
export async function request(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export interface TestAccount {
  email: string;
  password: string;
  tokens: TokenPair;
}

/** Registers a fresh account over REST and returns its first session's tokens. */
export async function register(url: string, email = `user-${randomUUID()}@example.test`): Promise<TestAccount> {
  const answer = await request(url, 'POST', '/api/auth/register', { body: { email, password: PASSWORD } });
  if (answer.status !== 201) throw new Error(`register failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { email, password: PASSWORD, tokens: answer.body as TokenPair };
}

/** Signs the account in again: a second session (another device). */
export async function login(url: string, account: { email: string; password: string }): Promise<TokenPair> {
  const answer = await request(url, 'POST', '/api/auth/login', {
    body: { email: account.email, password: account.password },
  });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as TokenPair;
}

/** The `connect_error` of a refused handshake, or a failure if the socket connected. */
export async function refusal(
  connecting: Promise<{ disconnect(): unknown }>,
): Promise<{ message: string; data?: unknown }> {
  try {
    const socket = await connecting;
    socket.disconnect();
  } catch (error) {
    return error as { message: string; data?: unknown };
  }
  throw new Error('the handshake was accepted');
}
