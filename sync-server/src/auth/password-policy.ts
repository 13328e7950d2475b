import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { TaskmasterError } from '@taskmaster/shared-schema';

/**
 * zxcvbn score a new password needs (0–4). 2 means "somewhat guessable" (about 10^6 guesses or
 * more): it rejects the common-password list, keyboard walks, repeats, sequences, dates and the
 * user's own email, and still lets people pick a passphrase they remember. The length rule
 * (8 characters or more) is in the shared schema.
 */
export const MIN_PASSWORD_SCORE = 2;

/**
 * zxcvbn's repeat matcher is superlinear in the input: a 256-character repeat takes ~80 ms of CPU.
 * Only this prefix is scored, which bounds the cost of a request; a weak prefix is a weak password.
 */
const SCORED_PREFIX = 64;

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  // Built on first use: the dictionary takes a few MB, and most server processes never register anyone.
  factory ??= new ZxcvbnFactory({
    dictionary: { 'passwords-common': dictionary['passwords-common'] },
    graphs: adjacencyGraphs,
  });
  return factory;
}

const WARNINGS: Record<string, string> = {
  topTen: 'it is one of the ten most common passwords',
  topHundred: 'it is one of the hundred most common passwords',
  common: 'it is a very common password',
  similarToCommon: 'it is very similar to a common password',
  simpleRepeat: 'it repeats the same characters',
  extendedRepeat: 'it repeats the same pattern',
  sequences: 'it is a simple sequence such as abc or 123',
  straightRow: 'it is a row of keys on the keyboard',
  keyPattern: 'it is a short keyboard pattern',
  dates: 'it is a date',
  recentYears: 'it is a recent year',
  userInputs: 'it contains your email address or the app name',
};

/**
 * Throws 400 `weak-password` with a sentence a person can act on when `password` is trivial or
 * common. `userInputs` (the email and its local part) count as known to an attacker.
 */
export function assertStrongPassword(password: string, userInputs: readonly string[] = []): void {
  const inputs = [...userInputs, ...userInputs.map((s) => s.split('@')[0] ?? ''), 'taskmaster'].filter(Boolean);
  const result = estimator().check(password.slice(0, SCORED_PREFIX), inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const why = (result.feedback.warning && WARNINGS[result.feedback.warning]) || 'it is too easy to guess';
  throw new TaskmasterError(
    'weak-password',
    `This password is too easy to guess: ${why}. Use a longer phrase of unrelated words.`,
    400,
  );
}
