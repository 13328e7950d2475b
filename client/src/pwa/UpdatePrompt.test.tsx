import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { updateStore } from './update-store';
import { UpdatePrompt } from './UpdatePrompt';

describe('UpdatePrompt', () => {
  afterEach(() => {
    cleanup();
    updateStore.set({ needRefresh: false, offlineReady: false });
  });

  it('appears when a new version is waiting and activates it on Reload', async () => {
    const activate = vi.fn(async () => undefined);
    updateStore.setActivate(activate);
    render(<UpdatePrompt />);
    expect(screen.queryByRole('alert')).toBeNull();
    act(() => updateStore.set({ needRefresh: true }));
    expect(screen.getByRole('alert').textContent).toContain('A new version of TaskMaster is ready');
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(activate).toHaveBeenCalledOnce();
  });

  it('can be postponed', () => {
    render(<UpdatePrompt />);
    act(() => updateStore.set({ needRefresh: true }));
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
