import { useCallback, useEffect, useId, useState } from 'react';
import { createAdminApi, type AdminApi, type AdminUser, type AuditEntry, type Page, type Stats } from './admin-api';
import { errorText, formatTime } from './admin-format';
import { UserDetailView } from './UserDetailView';
import './admin.css';

/**
 * The operator plane in the PWA, for admins only (`#/admin`): stats, a users table with search,
 * a user's detail with its actions, and the audit log. A separate chunk, loaded only when opened.
 */
export function AdminPage({ getAccessToken }: { getAccessToken: () => Promise<string | null> }) {
  const [api] = useState(() => createAdminApi(getAccessToken));
  const [selected, setSelected] = useState<string | null>(null);
  const [auditVersion, setAuditVersion] = useState(0);
  const changed = useCallback(() => setAuditVersion((v) => v + 1), []);

  return (
    <main className="admin">
      <header className="admin__header">
        <h1>Administration</h1>
        <a className="button" href="#/all">
          Back to tasks
        </a>
      </header>
      <StatsPanel api={api} version={auditVersion} />
      {selected ? (
        <UserDetailView api={api} userId={selected} onBack={() => setSelected(null)} onChanged={changed} />
      ) : (
        <UsersPanel api={api} onOpen={setSelected} version={auditVersion} />
      )}
      <AuditPanel api={api} version={auditVersion} />
    </main>
  );
}

function StatsPanel({ api, version }: { api: AdminApi; version: number }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.stats().then(setStats, (e: unknown) => setError(errorText(e)));
  }, [api, version]);
  return (
    <section className="admin__panel" aria-labelledby="admin-stats">
      <h2 id="admin-stats">Stats</h2>
      {error && <p role="alert">{error}</p>}
      {stats && (
        <dl className="admin__stats">
          <div>
            <dt>Users</dt>
            <dd data-testid="stat-users">{stats.users}</dd>
          </div>
          <div>
            <dt>Tasks</dt>
            <dd>{stats.tasks}</dd>
          </div>
          <div>
            <dt>Lists</dt>
            <dd>{stats.lists}</dd>
          </div>
          <div>
            <dt>Devices connected</dt>
            <dd>{stats.devicesConnected}</dd>
          </div>
          <div>
            <dt>Pushes / pulls / conflicts, last hour</dt>
            <dd>
              {stats.lastHour.pushes} / {stats.lastHour.pulls} / {stats.lastHour.conflicts}
            </dd>
          </div>
          <div>
            <dt>Store / fan-out</dt>
            <dd>
              {stats.store} / {stats.fanout}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function UsersPanel({ api, onOpen, version }: { api: AdminApi; onOpen: (id: string) => void; version: number }) {
  const id = useId();
  const [q, setQ] = useState('');
  const [page, setPage] = useState<Page<AdminUser> | null>(null);
  const [cursors, setCursors] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors.at(-1);
  useEffect(() => {
    let live = true;
    api.users(q.trim(), cursor).then(
      (next) => live && (setPage(next), setError(null)),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api, q, cursor, version]);

  return (
    <section className="admin__panel" aria-labelledby={`${id}-users`}>
      <h2 id={`${id}-users`}>Users</h2>
      <div className="field">
        <label htmlFor={`${id}-q`}>Search users by email</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setCursors([]);
          }}
        />
      </div>
      {error && <p role="alert">{error}</p>}
      <table className="admin__table">
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No user matches.
              </td>
            </tr>
          )}
          {page?.items.map((user) => (
            <tr key={user.id}>
              <td>
                <button type="button" className="admin__link" onClick={() => onOpen(user.id)}>
                  {user.email}
                </button>
              </td>
              <td>{user.role}</td>
              <td>{user.disabled ? 'disabled' : 'active'}</td>
              <td>{formatTime(user.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="admin__pager">
        <button
          type="button"
          className="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          className="button"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}
        >
          Next page
        </button>
      </div>
    </section>
  );
}

function AuditPanel({ api, version }: { api: AdminApi; version: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.audit().then(
      (page) => {
        setEntries(page.items);
        setNext(page.nextCursor);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [api, version]);
  return (
    <section className="admin__panel" aria-labelledby="admin-audit">
      <h2 id="admin-audit">Audit log</h2>
      {error && <p role="alert">{error}</p>}
      <table className="admin__table" aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">To whom</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No actions recorded yet.
              </td>
            </tr>
          )}
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{formatTime(entry.at)}</td>
              <td>{entry.actorId}</td>
              <td>{entry.action}</td>
              <td>{entry.targetUserId ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button
          type="button"
          className="button"
          onClick={() =>
            void api.audit(next).then((page) => {
              setEntries((current) => [...current, ...page.items]);
              setNext(page.nextCursor);
            })
          }
        >
          Show older entries
        </button>
      )}
    </section>
  );
}
