import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncIndicator } from './SyncIndicator';

describe('SyncIndicator', () => {
  afterEach(cleanup);

  it.each([
    ['idle', 'Synced'],
    ['offline', 'Offline'],
    ['syncing', 'Syncing…'],
    ['connecting', 'Connecting…'],
    ['error', 'Sync error'],
  ] as const)('shows %s as "%s"', (status, label) => {
    render(<SyncIndicator state={{ status, pending: 0, lastSyncedAt: null }} />);
    expect(screen.getByRole('status').getAttribute('aria-label')).toMatch(new RegExp(`^${label}`));
    expect(screen.getByText(label)).toBeTruthy();
  });

  it('shows the count of changes not yet pushed and the last sync time', () => {
    render(<SyncIndicator state={{ status: 'offline', pending: 3, lastSyncedAt: Date.now() - 5 * 60_000 }} />);
    const label = screen.getByRole('status').getAttribute('aria-label')!;
    expect(label).toContain('3 changes not synced');
    expect(label).toContain('last synced 5 minutes ago');
    expect(screen.getByText('3')).toBeTruthy();
  });

  it('says "Can\'t reach server", not "Offline", when the browser is online but the connection failed', () => {
    render(<SyncIndicator state={{ status: 'offline', pending: 2, lastSyncedAt: null, error: 'websocket error' }} />);
    expect(screen.getByRole('status').getAttribute('aria-label')).toBe(
      "Can't reach server · 2 changes not synced · never synced",
    );
    expect(screen.getByText("Can't reach server")).toBeTruthy();
    expect(screen.queryByText('Offline')).toBeNull();
  });

  it('includes the error message', () => {
    render(<SyncIndicator state={{ status: 'error', pending: 1, lastSyncedAt: null, error: 'schema-invalid' }} />);
    expect(screen.getByRole('status').getAttribute('aria-label')).toBe(
      'Sync error · 1 change not synced · never synced · schema-invalid',
    );
  });
});
