/** Shapes of `/api/admin/v1` (see the server's OpenAPI document at /api/openapi.json). */
export interface AdminUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  createdAt: number;
}
export interface AdminSession {
  id: string;
  device: string;
  createdAt: number;
  lastUsedAt: number;
  lastSyncAt: number | null;
  revokedAt: number | null;
  connected: number;
}
export interface UserDetail {
  user: AdminUser;
  sessions: AdminSession[];
  counts: { tasks: number; lists: number };
  connectedDevices: number;
}
interface Activity {
  pushes: number;
  pulls: number;
  conflicts: number;
}
export interface Stats {
  users: number;
  tasks: number;
  lists: number;
  devicesConnected: number;
  lastMinute: Activity;
  lastHour: Activity;
  store: string;
  fanout: string;
  generatedAt: number;
}
export interface AuditEntry {
  id: string;
  at: number;
  actorId: string;
  action: string;
  targetUserId: string | null;
  details: Record<string, string | number | boolean | null>;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly reason: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type AdminApi = ReturnType<typeof createAdminApi>;

/** A small client of the admin API; every call carries a fresh access token from the session. */
export function createAdminApi(getToken: () => Promise<string | null>, base = '/api/admin/v1') {
  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await getToken();
    if (!token) throw new AdminApiError('unauthorized', 'You are signed out.', 401);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const error = (await response.json().catch(() => null)) as {
        error?: { reason?: string; message?: string };
      } | null;
      throw new AdminApiError(
        error?.error?.reason ?? 'internal',
        error?.error?.message ?? `Request failed (${response.status})`,
        response.status,
      );
    }
    return response;
  }
  const json = async <T>(method: string, path: string, body?: unknown) =>
    (await send(method, path, body)).json() as Promise<T>;
  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  const user = (id: string) => `/users/${encodeURIComponent(id)}`;
  return {
    stats: () => json<Stats>('GET', '/stats'),
    users: (q: string, cursor?: string) => json<Page<AdminUser>>('GET', `/users${query({ q, cursor, limit: '25' })}`),
    user: (id: string) => json<UserDetail>('GET', user(id)),
    disable: (id: string) => json<unknown>('POST', `${user(id)}/disable`, {}),
    enable: (id: string) => json<unknown>('POST', `${user(id)}/enable`, {}),
    resync: (id: string) => json<{ devices: number }>('POST', `${user(id)}/resync`, {}),
    revokeSession: async (id: string, sessionId: string) => {
      await send('DELETE', `${user(id)}/sessions/${encodeURIComponent(sessionId)}`);
    },
    erase: async (id: string) => {
      await send('DELETE', user(id));
    },
    exportBlob: async (id: string) => (await send('GET', `${user(id)}/export`)).blob(),
    audit: (cursor?: string) => json<Page<AuditEntry>>('GET', `/audit${query({ cursor, limit: '50' })}`),
  };
}
