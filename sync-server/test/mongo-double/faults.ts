import type { Doc } from './engine.js';

export type FaultAction =
  /** Answer with this command error instead of running the command. */
  | { kind: 'error'; code: number; codeName: string; errorLabels?: string[]; message?: string }
  /** Close the connection without running the command (the request is lost). */
  | { kind: 'drop-before' }
  /** Run the command, then close the connection without replying (the reply is lost). */
  | { kind: 'drop-after' };

export interface FaultRule {
  /** The command name it applies to, e.g. `commitTransaction`, `update`, `findAndModify`. */
  command: string;
  /** Further condition on the command body (e.g. only inside a transaction, only one collection). */
  when?: (body: Doc) => boolean;
  /** How many matching commands it fires on (default 1); later ones run normally. */
  times?: number;
  action: FaultAction;
}

export interface FaultHandle {
  /** How many times it has fired so far. */
  fired(): number;
  remove(): void;
}

/**
 * Fault injection for tests, in the spirit of the server's `failCommand` fail point: rules match
 * commands by name (and a predicate), fire a bounded number of times, and either fail the command
 * with a chosen error and labels or drop the connection before or after running it.
 */
export class Faults {
  private readonly rules = new Set<{ rule: FaultRule; fired: number }>();

  add(rule: FaultRule): FaultHandle {
    const entry = { rule, fired: 0 };
    this.rules.add(entry);
    return { fired: () => entry.fired, remove: () => this.rules.delete(entry) };
  }

  clear(): void {
    this.rules.clear();
  }

  /** The action for this command, if a rule fires (and counts it). */
  match(command: string, body: Doc): FaultAction | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.command !== command || entry.fired >= (rule.times ?? 1)) continue;
      if (rule.when && !rule.when(body)) continue;
      entry.fired += 1;
      return rule.action;
    }
    return undefined;
  }
}

/** Matches statements that are part of a transaction. */
export const inTransaction = (body: Doc): boolean => body.autocommit === false;
/** Matches commands on one collection (the value of the command's first field). */
export const onCollection =
  (collection: string) =>
  (body: Doc): boolean =>
    Object.values(body)[0] === collection;
