import type { IncomingMessage } from 'node:http';

/**
 * The CSP `connect-src` list: the app's own origin (`'self'`, plus its WebSocket form spelled out,
 * because older Safari does not let `'self'` cover `ws:`/`wss:`), and each configured origin with
 * its WebSocket form. Never a bare `ws:` or `wss:`, which would let an injected script talk to any
 * host.
 */
export function connectSources(corsOrigins: readonly string[]): (req: IncomingMessage) => string {
  const configured = corsOrigins.flatMap((origin) => {
    const normalized = origin.replace(/\/+$/, '');
    return [normalized, normalized.replace(/^http/i, 'ws')];
  });
  const fixed = ["'self'", ...configured].join(' ');
  return (req) => {
    const host = req.headers.host;
    // The Host header only shapes this response's own policy; a value that is not a plain host is ignored.
    if (
      host === undefined ||
      (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host))
    ) {
      return fixed;
    }
    return `${fixed} ws://${host} wss://${host}`;
  };
}
