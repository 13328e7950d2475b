import { TaskmasterError } from '@taskmaster/shared-schema';
import type { z } from 'zod';

/** Turns a zod failure into one readable sentence naming the offending fields. */
export function describeZodError(error: z.ZodError, what = 'body'): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    return issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid ${what}: ${parts.join('; ')}${more}`;
}

/**
 * Parses an untrusted value (REST body, query or params; socket event payload) or throws
 * TaskmasterError `invalid-payload` whose message names the field. Everything from a peer goes
 * through this before use, so only schema-shaped values reach services and stores.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, what = 'body'): z.output<T> {
  if (value === undefined && what === 'body') {
    throw new TaskmasterError('invalid-payload', 'Request body must be JSON (Content-Type: application/json)', 400);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new TaskmasterError('invalid-payload', describeZodError(result.error, what), 400);
  return result.data;
}
