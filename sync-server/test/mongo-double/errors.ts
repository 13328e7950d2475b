/** A command failure as the server reports it: `{ ok: 0, code, codeName, errmsg, errorLabels }`. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly errorLabels: string[] = [],
  ) {
    super(message);
  }

  toReply(): Record<string, unknown> {
    return {
      ok: 0,
      code: this.code,
      codeName: this.codeName,
      errmsg: this.message,
      ...(this.errorLabels.length > 0 ? { errorLabels: this.errorLabels } : {}),
    };
  }
}

export const writeConflict = (what: string) =>
  new CommandError(112, 'WriteConflict', `Write conflict during plan execution and yielding is disabled. :: ${what}`, [
    'TransientTransactionError',
  ]);

export const noSuchTransaction = (txnNumber: number) =>
  new CommandError(251, 'NoSuchTransaction', `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, [
    'TransientTransactionError',
  ]);

/** A duplicate key, reported by write commands as a write error (not a command error). */
export class DuplicateKeyError extends Error {
  readonly code = 11000;
  constructor(collection: string, index: string, key: unknown) {
    super(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${JSON.stringify(key)}`);
  }
}
