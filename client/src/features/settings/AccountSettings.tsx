import { useId, useRef, useState, type FormEvent } from 'react';
import { accountErrorMessage, changePassword, deleteAccount, type AccountApiOptions } from './account-api';
import './account-settings.css';

interface AccountSettingsProps {
  email: string;
  api: AccountApiOptions;
  /** After the server erased the account: wipe this device's copy and go back to sign-in. */
  onDeleted: () => void;
}

type Panel = 'none' | 'password' | 'delete';

/**
 * "Change password" and "Delete my account", each behind a button that opens its form in place
 * (part of the Settings chunk: nothing here is on the list's critical path). Both need the network;
 * the server checks the password in both.
 */
export function AccountSettings({ email, api, onDeleted }: AccountSettingsProps) {
  const [panel, setPanel] = useState<Panel>('none');
  const [done, setDone] = useState<string | null>(null);
  const passwordButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const close = (focus: HTMLButtonElement | null) => {
    setPanel('none');
    // Back to the button that opened the form, so keyboard users keep their place.
    window.setTimeout(() => focus?.focus(), 0);
  };

  return (
    <div className="account-settings">
      <div className="account-settings__actions">
        <button
          type="button"
          className="button"
          ref={passwordButton}
          aria-expanded={panel === 'password'}
          onClick={() => {
            setDone(null);
            setPanel(panel === 'password' ? 'none' : 'password');
          }}
        >
          Change password
        </button>
        <button
          type="button"
          className="button button--danger"
          ref={deleteButton}
          aria-expanded={panel === 'delete'}
          onClick={() => {
            setDone(null);
            setPanel(panel === 'delete' ? 'none' : 'delete');
          }}
        >
          Delete my account
        </button>
      </div>
      {done && (
        <p className="account-settings__done" role="status">
          {done}
        </p>
      )}
      {panel === 'password' && (
        <ChangePasswordForm
          email={email}
          api={api}
          onCancel={() => close(passwordButton.current)}
          onChanged={(others) => {
            setDone(
              others === 0
                ? 'Your password was changed. This device stays signed in.'
                : `Your password was changed. ${others} other ${others === 1 ? 'device was' : 'devices were'} signed out; this one stays signed in.`,
            );
            close(passwordButton.current);
          }}
        />
      )}
      {panel === 'delete' && (
        <DeleteAccountForm api={api} onCancel={() => close(deleteButton.current)} onDeleted={onDeleted} />
      )}
    </div>
  );
}

function ChangePasswordForm({
  email,
  api,
  onCancel,
  onChanged,
}: {
  email: string;
  api: AccountApiOptions;
  onCancel: () => void;
  onChanged: (otherSessions: number) => void;
}) {
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (current === '') return setError('Enter your current password.');
    if (next.length < 8) return setError('Use at least 8 characters for the new password.');
    if (next !== confirm) return setError('The new password and its confirmation do not match.');
    setBusy(true);
    try {
      const { revokedSessions } = await changePassword(api, current, next);
      onChanged(revokedSessions);
    } catch (cause) {
      setError(accountErrorMessage(cause, 'change'));
      setBusy(false);
    }
  };

  return (
    <form
      className="account-settings__form"
      aria-label="Change password"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          // Close this form, not the whole Settings dialog.
          e.stopPropagation();
          onCancel();
        }
      }}
      noValidate
    >
      {/* Lets password managers tie the new password to the account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="field">
        <label htmlFor={`${id}-current`}>Current password</label>
        <input
          id={`${id}-current`}
          type="password"
          autoComplete="current-password"
          autoFocus
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-new`}>New password</label>
        <input
          id={`${id}-new`}
          type="password"
          autoComplete="new-password"
          aria-describedby={`${id}-hint`}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <small id={`${id}-hint`} className="muted">
          At least 8 characters; common passwords are refused. Your other devices will be signed out.
        </small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>Confirm new password</label>
        <input
          id={`${id}-confirm`}
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="account-settings__buttons">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save new password'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteAccountForm({
  api,
  onCancel,
  onDeleted,
}: {
  api: AccountApiOptions;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'busy' | 'deleted'>('idle');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (password === '') return setError('Type your password to confirm.');
    setState('busy');
    try {
      await deleteAccount(api, password);
      setState('deleted');
      onDeleted();
    } catch (cause) {
      setError(accountErrorMessage(cause, 'delete'));
      setState('idle');
    }
  };

  return (
    <form
      className="account-settings__form account-settings__form--danger"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && state !== 'deleted') {
          e.stopPropagation();
          onCancel();
        }
      }}
      noValidate
    >
      <h4 id={`${id}-title`}>Delete my account</h4>
      <p id={`${id}-what`}>
        This erases your account and every task and list in it, on the server and on all your devices. It cannot be
        undone. Export your data first if you want to keep a copy.
      </p>
      <div className="field">
        <label htmlFor={`${id}-password`}>Type your password to confirm</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          disabled={state === 'deleted'}
        />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {state === 'deleted' && (
        <p role="status" className="account-settings__done">
          Your account was deleted. Removing its data from this device…
        </p>
      )}
      <div className="account-settings__buttons">
        <button type="submit" className="button button--danger" disabled={state !== 'idle'}>
          {state === 'busy' ? 'Deleting…' : 'Delete my account forever'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={state === 'deleted'}>
          Cancel
        </button>
      </div>
    </form>
  );
}
