export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs `measure` `runs` times and returns every result plus the median of each numeric key. */
export async function medianOfRuns<T extends Record<string, number>>(
  runs: number,
  measure: (run: number) => Promise<T>,
): Promise<{ median: T; runs: T[] }> {
  const results: T[] = [];
  for (let run = 0; run < runs; run++) results.push(await measure(run));
  const keys = Object.keys(results[0]!) as (keyof T)[];
  const med = Object.fromEntries(keys.map((key) => [key, round(median(results.map((r) => r[key] as number)))])) as T;
  return { median: med, runs: results };
}
