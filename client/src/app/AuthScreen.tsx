import { useId, useState, type FormEvent } from 'react';
import type { Session } from '@taskmaster/sync-client/session';

type Mode = 'sign-in' | 'sign-up';

const MESSAGES: Record<string, string> = {
  'invalid-credentials': 'That email and password do not match an account.',
  'email-taken': 'An account with this email already exists. Sign in instead.',
  network: 'The server cannot be reached. Check your connection and try again.',
  'rate-limited': 'Too many attempts. Wait a moment and try again.',
};

const EMAIL_HINT = 'Enter a valid email address, like name@example.com.';
/** Loose on purpose (the server has the final say); catches the typos a person makes. */
const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);

function errorMessage(error: unknown): string {
  const reason = typeof error === 'object' && error !== null && 'reason' in error ? String(error.reason) : '';
  if (MESSAGES[reason]) return MESSAGES[reason];
  // The server's validation text ("Invalid body: email: Invalid email address") is for developers.
  if (reason === 'invalid-payload') {
    const about = error instanceof Error ? error.message : '';
    return /email/i.test(about) ? EMAIL_HINT : 'Check your email and password, then try again.';
  }
  // The server says why the password is too easy to guess (a common password, a keyboard row, your email…).
  if (reason === 'weak-password' && error instanceof Error && error.message) return error.message;
  if (reason === 'weak-password') return 'This password is too easy to guess. Use a longer phrase of unrelated words.';
  return error instanceof Error && error.message ? error.message : 'Something went wrong. Try again.';
}

/** Sign in / sign up. The only screen that needs the network; everything after works offline. */
export function AuthScreen({ session }: { session: Session }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const signUp = mode === 'sign-up';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!looksLikeEmail(email.trim())) {
      setError(EMAIL_HINT);
      return;
    }
    if (signUp && password.length < 8) {
      setError('Use at least 8 characters for your password.');
      return;
    }
    setBusy(true);
    try {
      if (signUp) await session.signUp(email.trim(), password);
      else await session.signIn(email.trim(), password);
    } catch (cause) {
      setError(errorMessage(cause));
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand">
          <img src="/icons/icon-192.png" width="48" height="48" alt="" />
          <h1>TaskMaster</h1>
          <p className="muted">Your tasks on every device — even offline.</p>
        </div>
        <div className="tabs" role="tablist" aria-label="Account">
          {(['sign-in', 'sign-up'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              className={mode === m ? 'tabs__tab tabs__tab--on' : 'tabs__tab'}
              onClick={() => {
                setMode(m);
                setError(null);
              }}
            >
              {m === 'sign-in' ? 'Sign in' : 'Sign up'}
            </button>
          ))}
        </div>
        <form
          className="auth__form"
          onSubmit={(e) => void submit(e)}
          aria-label={signUp ? 'Sign up' : 'Sign in'}
          noValidate
        >
          <div className="field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete={signUp ? 'new-password' : 'current-password'}
              required
              minLength={signUp ? 8 : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={signUp ? `${id}-hint` : undefined}
            />
            {signUp && (
              <small id={`${id}-hint`} className="muted">
                At least 8 characters. Common and easily guessed passwords are refused; a phrase of unrelated words is
                strong and easy to remember.
              </small>
            )}
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Please wait…' : signUp ? 'Create account' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
