/** Every reason the server can give in `{ error: { reason, message } }`, on REST and in socket acks. */
export const ERROR_REASONS = [
  'invalid-payload',
  'schema-invalid',
  'unknown-collection',
  'batch-too-large',
  'payload-too-large',
  'duplicate-id',
  'rate-limited',
  'unauthorized',
  'token-expired',
  'token-revoked',
  'forbidden',
  'invalid-credentials',
  'email-taken',
  'weak-password',
  'too-many-connections',
  'not-found',
  'server-shutting-down',
  'internal',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface ErrorBody {
  error: { reason: ErrorReason; message: string };
}

/** A failure with a machine-readable kebab-case reason, mapped to the one error shape by REST and socket layers. */
export class TaskmasterError extends Error {
  override readonly name = 'TaskmasterError';
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { reason: this.reason, message: this.message } };
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    'error' in value &&
    typeof (value as ErrorBody).error?.reason === 'string'
  );
}
