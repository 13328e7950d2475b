import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
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
  if ((method === 'GET' || method === 'HEAD') && options.body !== undefined)
    return requestWithBody(url, method, path, options);
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

/**
 * A Socket.IO client at the frame level (Engine.IO v4 over a bare WebSocket), for payloads the real
 * client library cannot even encode, such as 60,000 nested arrays: the frame text is sent as is.
 */
export async function frameClient(url: string, token: string) {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text === '2') ws.send('3'); // Engine.IO ping → pong
    frames.push(text);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (match: (frame: string) => boolean): Promise<string> => {
    for (;;) {
      const index = frames.findIndex(match);
      if (index >= 0) return frames.splice(index, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        ws.once('close', () => reject(new Error(`closed while waiting; frames: ${frames.join(' | ')}`)));
      });
    }
  };
  await next((f) => f.startsWith('0'));
  ws.send(`40${JSON.stringify({ token })}`);
  const connected = await next((f) => f.startsWith('40') || f.startsWith('44'));
  if (connected.startsWith('44')) throw new Error(`handshake refused: ${connected}`);
  let ackId = 0;
  return {
    /** Sends `42<id>["event",<payloadJson>]` and resolves with the acknowledgement's first argument. */
    async emitRaw(event: string, payloadJson: string): Promise<unknown> {
      const id = ++ackId;
      ws.send(`42${id}[${JSON.stringify(event)},${payloadJson}]`);
      const ack = await next((f) => f.startsWith(`43${id}[`));
      return (JSON.parse(ack.slice(`43${id}`.length)) as unknown[])[0];
    },
    close: () => ws.close(),
  };
}

/** fetch() refuses a body on GET; an attacker does not. node:http sends it. */
function requestWithBody(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      {
        method,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : null;
          } catch {
            // not JSON
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
