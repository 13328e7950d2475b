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
  'account-erased',
  'forbidden',
  'invalid-credentials',
  'email-taken',
  'weak-password',
  'wrong-password',
  'too-many-connections',
  'not-found',
  'server-shutting-down',
  'clock-skew',
  'upgrade-required',
  'server-outdated',
  'internal',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/** Machine-readable extras some reasons carry next to `reason` and `message`. */
export interface ErrorDetails {
  /** `upgrade-required`: the oldest protocol version the server serves. */
  minProtocol?: number;
  /** `clock-skew`: the server's clock (epoch ms) when it refused, to correct the device's clock by (R8). */
  serverTime?: number;
}

export interface ErrorBody {
  error: { reason: ErrorReason; message: string } & ErrorDetails;
}

/** A failure with a machine-readable kebab-case reason, mapped to the one error shape by REST and socket layers. */
export class TaskmasterError extends Error {
  override readonly name = 'TaskmasterError';
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly status = 400,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { reason: this.reason, message: this.message, ...this.details } };
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
