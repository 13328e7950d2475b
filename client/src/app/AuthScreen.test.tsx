import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthRequestError, type Session } from '@taskmaster/sync-client/session';
import { AuthScreen } from './AuthScreen';

function fakeSession(overrides: Partial<Session> = {}): Session {
  return {
    user: null,
    subscribe: () => () => undefined,
    signUp: vi.fn(async (email: string) => ({ id: 'u1', email, role: 'user' as const })),
    signIn: vi.fn(async (email: string) => ({ id: 'u1', email, role: 'user' as const })),
    signOut: vi.fn(async () => undefined),
    getAccessToken: vi.fn(async () => null),
    refresh: vi.fn(async () => null),
    ...overrides,
  };
}

function fill(email: string, password: string) {
  fireEvent.input(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
}

describe('AuthScreen', () => {
  afterEach(cleanup);

  it('says in plain words that an email is not valid, before asking the server and when the server says so', async () => {
    const session = fakeSession({
      signUp: vi.fn(async () => {
        throw new AuthRequestError('invalid-payload', 'Invalid body: email: Invalid email address', 400);
      }),
    });
    render(<AuthScreen session={session} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Sign up' }));
    fill('me@example', 'a long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert').textContent).toBe('Enter a valid email address, like name@example.com.');
    expect(session.signUp).not.toHaveBeenCalled();

    // An address only the server's stricter check refuses.
    fill('me@example.c', 'a long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await vi.waitFor(() => expect(session.signUp).toHaveBeenCalled());
    await vi.waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Enter a valid email address, like name@example.com.'),
    );
    expect(screen.queryByText(/Invalid body/)).toBeNull();
  });

  it('signs in with fields labelled Email and Password', async () => {
    const session = fakeSession();
    render(<AuthScreen session={session} />);
    fill('me@example.com', 'secret-password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => expect(session.signIn).toHaveBeenCalledWith('me@example.com', 'secret-password'));
  });

  it('signs up, and checks the password length before asking the server', async () => {
    const session = fakeSession();
    render(<AuthScreen session={session} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Sign up' }));
    fill('new@example.com', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert').textContent).toContain('at least 8 characters');
    expect(session.signUp).not.toHaveBeenCalled();
    fill('new@example.com', 'long enough password');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await vi.waitFor(() => expect(session.signUp).toHaveBeenCalledWith('new@example.com', 'long enough password'));
  });

  it('[S6] shows why the server refused a trivial password, in the form', async () => {
    const session = fakeSession({
      signUp: vi.fn(async () => {
        throw new AuthRequestError(
          'weak-password',
          'This password is too easy to guess: it is one of the ten most common passwords. Use a longer phrase of unrelated words.',
          400,
        );
      }),
    });
    render(<AuthScreen session={session} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Sign up' }));
    fill('new@example.com', '12345678');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toContain('one of the ten most common passwords');
    expect(screen.getByLabelText('Password').getAttribute('aria-describedby')).toBeTruthy();
  });

  it("explains the server's refusal", async () => {
    const session = fakeSession({
      signIn: vi.fn(async () => {
        throw new AuthRequestError('invalid-credentials', 'invalid email or password', 401);
      }),
    });
    render(<AuthScreen session={session} />);
    fill('me@example.com', 'wrong-password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('do not match an account');
  });
});
