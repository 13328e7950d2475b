import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountSettings } from './AccountSettings';

interface Call {
  url: string;
  method: string;
  body: unknown;
  authorization: string | null;
}

/** A fetch that records calls and answers with `status` and `body`. */
function fakeFetch(status: number, body: unknown) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      body: JSON.parse(String(init?.body ?? 'null')) as unknown,
      authorization: new Headers(init?.headers).get('authorization'),
    });
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

function renderSettings(fetch: typeof globalThis.fetch, onDeleted = vi.fn()) {
  render(
    <AccountSettings
      email="me@example.com"
      api={{ getAccessToken: async () => 'access-token', fetch }}
      onDeleted={onDeleted}
    />,
  );
  return { onDeleted };
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('AccountSettings', () => {
  afterEach(cleanup);

  it('change password: checks the confirmation before asking the server', () => {
    const { fetch } = fakeFetch(200, { revokedSessions: 0 });
    renderSettings(fetch);
    const toggle = screen.getByRole('button', { name: 'Change password' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Current password'));
    type('Current password', 'old password here');
    type('New password', 'violet kettle drums');
    type('Confirm new password', 'violet kettle drum');
    fireEvent.click(screen.getByRole('button', { name: 'Save new password' }));
    expect(screen.getByRole('alert').textContent).toBe('The new password and its confirmation do not match.');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('change password: shows the reason of a refusal as a sentence (wrong-password)', async () => {
    const { fetch } = fakeFetch(403, {
      error: { reason: 'wrong-password', message: 'The current password is incorrect' },
    });
    renderSettings(fetch);
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    type('Current password', 'not it');
    type('New password', 'violet kettle drums');
    type('Confirm new password', 'violet kettle drums');
    fireEvent.click(screen.getByRole('button', { name: 'Save new password' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Your current password is not correct.');
  });

  it('change password: sends both passwords with the bearer token and says how many devices were signed out', async () => {
    const { fetch, calls } = fakeFetch(200, { revokedSessions: 2 });
    renderSettings(fetch);
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    type('Current password', 'old password here');
    type('New password', 'violet kettle drums');
    type('Confirm new password', 'violet kettle drums');
    fireEvent.submit(screen.getByRole('form', { name: 'Change password' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Your password was changed. 2 other devices were signed out; this one stays signed in.',
    );
    expect(calls).toEqual([
      {
        url: '/api/auth/password',
        method: 'POST',
        body: { currentPassword: 'old password here', newPassword: 'violet kettle drums' },
        authorization: 'Bearer access-token',
      },
    ]);
    expect(screen.queryByLabelText('Current password')).toBeNull();
  });

  it('Escape closes an open form and stops there (the Settings dialog stays open)', () => {
    const { fetch } = fakeFetch(200, {});
    const outer = vi.fn();
    render(
      <div onKeyDown={outer}>
        <AccountSettings email="me@example.com" api={{ getAccessToken: async () => 't', fetch }} onDeleted={vi.fn()} />
      </div>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account' }));
    fireEvent.keyDown(screen.getByLabelText('Type your password to confirm'), { key: 'Escape' });
    expect(screen.queryByLabelText('Type your password to confirm')).toBeNull();
    expect(outer).not.toHaveBeenCalled();
  });

  it('delete my account: needs the password, then erases and hands over to the sign-out', async () => {
    const { fetch, calls } = fakeFetch(204, null);
    const { onDeleted } = renderSettings(fetch);
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account forever' }));
    expect(screen.getByRole('alert').textContent).toBe('Type your password to confirm.');
    type('Type your password to confirm', 'my password');
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account forever' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([
      {
        url: '/api/auth/account',
        method: 'DELETE',
        body: { password: 'my password' },
        authorization: 'Bearer access-token',
      },
    ]);
    expect(screen.getByRole('status').textContent).toMatch(/Your account was deleted/);
  });

  it('delete my account: a wrong password keeps everything and says so', async () => {
    const { fetch } = fakeFetch(403, {
      error: { reason: 'wrong-password', message: 'The current password is incorrect' },
    });
    const { onDeleted } = renderSettings(fetch);
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account' }));
    type('Type your password to confirm', 'nope');
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account forever' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That password is not correct.');
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('says plainly when the server cannot be reached', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    renderSettings(fetch);
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account' }));
    type('Type your password to confirm', 'my password');
    fireEvent.click(screen.getByRole('button', { name: 'Delete my account forever' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be reached/);
  });
});
