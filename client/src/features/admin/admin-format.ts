/** A time for the admin tables: local date and time, or a dash when there is none. */
export const formatTime = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : '—');

/** The message of a failed admin request, for display. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
