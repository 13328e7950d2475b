import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ImportExportProps } from '../import-export/ImportExport';
import { readStoredUser } from '@taskmaster/sync-client/lazy-session';
import { Dialog } from '../../ui/Dialog';
import { AccountSettings } from './AccountSettings';
import { formatBytes, readStorageInfo, requestPersistence, type StorageInfo } from './storage';

interface SettingsDialogProps {
  email: string;
  taskCount: number;
  /** What "Import and export" reads and writes; without it the section is not shown. */
  data?: ImportExportProps;
  onSignOut: () => void;
  onClose: () => void;
  /**
   * The signed-in session's access token: with it, "Change password" and "Delete my account" are
   * offered (after a deletion, `onSignOut` wipes this device and returns to sign-in).
   */
  getAccessToken?: (() => Promise<string | null>) | undefined;
}

/** Account, import and export, storage usage and quota, persistent-storage status, and sign out. */
// Its own chunk: loaded when Settings opens, not with the list.
const ImportExport = lazy(() => import('../import-export/ImportExport').then((m) => ({ default: m.ImportExport })));

export function SettingsDialog({ email, taskCount, data, onSignOut, onClose, getAccessToken }: SettingsDialogProps) {
  const [info, setInfo] = useState<StorageInfo | null>(null);
  const refresh = useCallback(() => {
    void readStorageInfo().then(setInfo);
  }, []);
  useEffect(refresh, [refresh]);

  const percent = info?.usage != null && info.quota ? Math.min(100, (info.usage / info.quota) * 100) : null;

  return (
    <Dialog title="Settings" onClose={onClose}>
      <section className="settings-section" aria-label="Account">
        <h3>Account</h3>
        <p>
          Signed in as <strong>{email}</strong>
        </p>
        {readStoredUser()?.role === 'admin' && (
          <p>
            <a className="button" href="#/admin" onClick={onClose}>
              Administration
            </a>
          </p>
        )}
        <button
          type="button"
          className="button button--danger"
          onClick={() => {
            if (window.confirm('Sign out? Tasks on this device are removed; they stay on the server.')) onSignOut();
          }}
        >
          Sign out
        </button>
        {getAccessToken && <AccountSettings email={email} api={{ getAccessToken }} onDeleted={onSignOut} />}
      </section>

      {data && (
        <Suspense fallback={<section className="settings-section" aria-busy="true" aria-label="Import and export" />}>
          <ImportExport {...data} />
        </Suspense>
      )}

      <section className="settings-section" aria-label="Storage">
        <h3>Storage on this device</h3>
        <p>
          {taskCount} {taskCount === 1 ? 'task' : 'tasks'} stored offline. Using{' '}
          <strong data-testid="storage-usage">{formatBytes(info?.usage ?? null)}</strong> of{' '}
          <strong data-testid="storage-quota">{formatBytes(info?.quota ?? null)}</strong> available.
        </p>
        {percent !== null && (
          <meter
            className="meter"
            min={0}
            max={100}
            value={percent}
            aria-label="Storage used"
            title={`${percent.toFixed(1)}%`}
          />
        )}
        <p>
          Persistent storage:{' '}
          <strong>
            {info?.persisted == null
              ? 'unknown'
              : info.persisted
                ? 'granted — the browser will not evict your tasks'
                : 'not granted'}
          </strong>
        </p>
        {info?.persisted === false && (
          <button type="button" className="button" onClick={() => void requestPersistence().then(refresh)}>
            Keep my data on this device
          </button>
        )}
      </section>
    </Dialog>
  );
}
