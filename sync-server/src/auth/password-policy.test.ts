import { TaskmasterError } from '@taskmaster/shared-schema';
import { describe, expect, it } from 'vitest';
import { assertStrongPassword } from './password-policy.js';

function reason(password: string, inputs: string[] = []): string | undefined {
  try {
    assertStrongPassword(password, inputs);
    return undefined;
  } catch (error) {
    return error instanceof TaskmasterError ? `${error.reason}: ${error.message}` : String(error);
  }
}

describe('[S6] password policy', () => {
  it.each(['12345678', 'password', '        ', 'qwertyuiop', 'Password1!', 'aaaaaaaaaaaa', 'taskmaster'])(
    '[S6] rejects the trivial password %j with weak-password and a reason a person can act on',
    (password) => {
      expect(reason(password)).toMatch(/^weak-password: This password is too easy to guess: .+\. Use a longer phrase/);
    },
  );

  it('[S6] rejects a password made of the email address', () => {
    expect(reason('maria.lopez@example.com', ['maria.lopez@example.com'])).toMatch(/your email address/);
  });

  it('[S6] accepts passphrases', () => {
    expect(reason('correct horse battery staple')).toBeUndefined();
    expect(reason('my cat eats tulips on sundays')).toBeUndefined();
  });
});
