/**
 * Decides whether a browser `Origin` may talk to this server, for CORS and for the Socket.IO
 * WebSocket upgrade (`allowRequest`), where `cors` alone does not apply.
 */
export type OriginPolicy = (origin: string | undefined, host: string | undefined) => boolean;

/**
 * Builds an {@link OriginPolicy} from `config.corsOrigins`. Allowed are: requests without an
 * `Origin` header (non-browser clients such as the Node replication client; a browser always sends
 * one on cross-site WebSocket and CORS requests, so cross-site hijacking is still blocked), the
 * server's own origin (`Origin` host equals the `Host` header), and listed origins, where an entry
 * ending in `:*` matches any port.
 */
export function createOriginPolicy(allowed: readonly string[]): OriginPolicy {
  const exact = new Set<string>();
  const anyPort: string[] = [];
  for (const entry of allowed) {
    const normalized = entry.toLowerCase().replace(/\/+$/, '');
    if (normalized.endsWith(':*')) anyPort.push(normalized.slice(0, -2));
    else exact.add(normalized);
  }
  return (origin, host) => {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // includes the literal "null" origin of sandboxed frames and file:// pages
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    const normalized = `${url.protocol}//${url.host}`;
    if (exact.has(normalized)) return true;
    const withoutPort = `${url.protocol}//${url.hostname}`;
    return anyPort.includes(withoutPort);
  };
}
