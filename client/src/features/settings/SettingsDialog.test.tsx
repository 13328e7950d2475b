import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatBytes } from './storage';
import { SettingsDialog } from './SettingsDialog';

describe('SettingsDialog', () => {
  let persisted = false;
  const persist = vi.fn(async () => {
    persisted = true;
    return true;
  });

  beforeEach(() => {
    persisted = false;
    Object.defineProperty(navigator, 'storage', {
      configurable: true,
      value: {
        estimate: async () => ({ usage: 5 * 1024 * 1024, quota: 2 * 1024 ** 3 }),
        persisted: async () => persisted,
        persist,
      },
    });
  });
  afterEach(cleanup);

  it('shows storage usage and quota, and asks for persistent storage', async () => {
    render(
      <SettingsDialog email="me@example.com" taskCount={3} onSignOut={() => undefined} onClose={() => undefined} />,
    );
    expect((await screen.findByTestId('storage-usage')).textContent).toBe('5.0 MB');
    expect(screen.getByTestId('storage-quota').textContent).toBe('2.0 GB');
    expect(screen.getByText('not granted')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Keep my data on this device' }));
    expect(await screen.findByText(/granted — the browser will not evict/)).toBeTruthy();
    expect(persist).toHaveBeenCalled();
  });

  it('signs out after confirmation', () => {
    const onSignOut = vi.fn();
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    render(<SettingsDialog email="me@example.com" taskCount={0} onSignOut={onSignOut} onClose={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(onSignOut).toHaveBeenCalled();
  });
});

describe('formatBytes', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(null)).toBe('unknown');
  });
});
