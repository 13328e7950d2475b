import { useCallback, useEffect, useState } from 'react';
import type { AdminApi, UserDetail } from './admin-api';
import { errorText, formatTime } from './admin-format';

interface Props {
  api: AdminApi;
  userId: string;
  onBack: () => void;
  onChanged: () => void;
}

/** One user: their sessions and counts, and the actions an operator can take on them. */
export function UserDetailView({ api, userId, onBack, onChanged }: Props) {
  const [detail, setDetail] = useState<UserDetail | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.user(userId).then(setDetail, (e: unknown) => setError(errorText(e)));
  }, [api, userId]);
  useEffect(load, [load]);

  const act = async (run: () => Promise<unknown>, done: string, after: 'reload' | 'back' = 'reload') => {
    setBusy(true);
    setError(null);
    try {
      await run();
      setNotice(done);
      onChanged();
      if (after === 'back') onBack();
      else load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!detail)
    return <section className="admin__panel">{error ? <p role="alert">{error}</p> : <p>Loading…</p>}</section>;
  const { user } = detail;
  const download = async () => {
    const blob = await api.exportBlob(user.id);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `taskmaster-export-${user.id}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="admin__panel" aria-labelledby="admin-user">
      <button type="button" className="button" onClick={onBack}>
        All users
      </button>
      <h2 id="admin-user">{user.email}</h2>
      <p>
        {user.role} · {user.disabled ? 'disabled' : 'active'} · {detail.counts.tasks} tasks · {detail.counts.lists}{' '}
        lists · {detail.connectedDevices} connected now
      </p>
      <div role="status">{notice}</div>
      {error && <p role="alert">{error}</p>}
      <div className="admin__actions" role="group" aria-label={`Actions for ${user.email}`}>
        {user.disabled ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void act(() => api.enable(user.id), 'Account enabled.')}
          >
            Enable account
          </button>
        ) : (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void act(() => api.disable(user.id), 'Account disabled; every device was signed out.')}
          >
            Disable account
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void act(() => api.resync(user.id), 'Devices told to verify and re-pull.')}
        >
          Re-sync devices
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void act(download, 'Export downloaded.')}
        >
          Export data
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => {
            if (window.confirm(`Erase ${user.email}? Their tasks, lists, sessions and account are deleted for good.`)) {
              void act(() => api.erase(user.id), 'Account erased.', 'back');
            }
          }}
        >
          Erase account
        </button>
      </div>
      <table className="admin__table" aria-label="Sessions">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last used</th>
            <th scope="col">Last sync</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {detail.sessions.map((session) => (
            <tr key={session.id}>
              <td>{session.device || 'unknown device'}</td>
              <td>{formatTime(session.createdAt)}</td>
              <td>{formatTime(session.lastUsedAt)}</td>
              <td>{formatTime(session.lastSyncAt)}</td>
              <td>{session.revokedAt ? 'signed out' : session.connected > 0 ? 'connected' : 'signed in'}</td>
              <td>
                {!session.revokedAt && (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={`Sign out ${session.device || 'unknown device'} signed in ${formatTime(session.createdAt)}`}
                    onClick={() => void act(() => api.revokeSession(user.id, session.id), 'Device signed out.')}
                  >
                    Sign out device
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
