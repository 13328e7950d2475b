import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { updateStore } from './update-store';
import { UpdateLayer } from './UpdateLayer';
import { UpdatePrompt } from './UpdatePrompt';

describe('UpdatePrompt', () => {
  afterEach(() => {
    cleanup();
    updateStore.set({ needRefresh: false, offlineReady: false, syncBlocked: false, signedIn: false });
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

  it('upgrade-required: says this version can no longer sync, fetches the update once, then offers it', async () => {
    const check = vi.fn(async () => undefined);
    const activate = vi.fn(async () => undefined);
    updateStore.setCheckForUpdate(check);
    updateStore.setActivate(activate);
    render(<UpdatePrompt />);
    act(() => {
      updateStore.requireUpgrade();
      updateStore.requireUpgrade();
    });
    expect(check).toHaveBeenCalledOnce();
    expect(screen.getByRole('alert').textContent).toContain('can no longer sync');
    expect(screen.getByRole('button', { name: 'Update' })).toBeTruthy();
    // The new service worker finished installing: the usual prompt, saying why it matters.
    act(() => updateStore.set({ needRefresh: true }));
    expect(screen.getByRole('alert').textContent).toContain('A new version of TaskMaster is ready');
    expect(screen.getByRole('alert').textContent).toContain('can no longer sync');
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(activate).toHaveBeenCalledOnce();
  });

  it('says "ready to work offline" only once the tasks are on screen, never on the sign-in screen', async () => {
    render(<UpdateLayer />);
    act(() => updateStore.set({ offlineReady: true })); // the service worker installed at sign-in
    expect(screen.queryByText(/ready to work offline/)).toBeNull();
    act(() => updateStore.set({ signedIn: true }));
    expect(await screen.findByText('TaskMaster is ready to work offline.')).toBeTruthy();
  });

  it('can be postponed', () => {
    render(<UpdatePrompt />);
    act(() => updateStore.set({ needRefresh: true }));
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
