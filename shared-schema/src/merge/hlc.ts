/**
 * Hybrid logical clock (Kulkarni et al.): timestamps that follow wall-clock time when clocks are sane,
 * but never go backwards and always sort after every stamp this node has seen, so a device with a slow
 * clock still orders its edit after the one it just received. Encoded as fixed-width base36 so plain
 * string comparison is clock order; the node id breaks ties deterministically.
 */
export interface HlcState {
  ms: number;
  counter: number;
}

const MS_WIDTH = 9;
const COUNTER_WIDTH = 4;
const MAX_COUNTER = 36 ** COUNTER_WIDTH - 1;
/** Largest forward jump accepted from a remote stamp, so one broken clock cannot poison every device. */
export const MAX_CLOCK_DRIFT_MS = 24 * 60 * 60 * 1000;

export function encodeHlc(state: HlcState, node: string): string {
  return `${state.ms.toString(36).padStart(MS_WIDTH, '0')}-${state.counter.toString(36).padStart(COUNTER_WIDTH, '0')}-${node}`;
}

export function decodeHlc(stamp: string): HlcState & { node: string } {
  const [ms, counter, node] = stamp.split('-', 3) as [string, string, string];
  return { ms: parseInt(ms, 36), counter: parseInt(counter, 36), node };
}

/** The wall-clock part of a stamp, in epoch ms (NaN for a malformed stamp). */
export function stampMs(stamp: string): number {
  return parseInt(stamp.slice(0, MS_WIDTH), 36);
}

/**
 * The first stamp in `clocks` later than `limitMs` (rule R8), or undefined. The server refuses a
 * push carrying one; the device re-stamps it.
 */
export function findStampAfter(
  clocks: Partial<Record<string, string>>,
  limitMs: number,
): { field: string; stamp: string } | undefined {
  // Runs on every pushed document: compare strings (fixed-width base36 sorts as numbers) instead of
  // decoding each stamp. A stamp whose time equals the limit continues with '-', which sorts below '.'.
  const after = `${Math.floor(limitMs).toString(36).padStart(MS_WIDTH, '0')}.`;
  for (const field in clocks) {
    const stamp = clocks[field];
    if (stamp !== undefined && stamp >= after) return { field, stamp };
  }
  return undefined;
}

/**
 * `clocks` with every stamp later than `limitMs` replaced by one fresh stamp (rule R8), or the same
 * object when there is none. The value of each field stays: only when it was written moves, to now.
 */
export function restampAfter<C extends Partial<Record<string, string>>>(
  clocks: C,
  limitMs: number,
  fresh: () => string,
): C {
  if (!findStampAfter(clocks, limitMs)) return clocks;
  const at = fresh();
  const after = `${Math.floor(limitMs).toString(36).padStart(MS_WIDTH, '0')}.`;
  const next: Partial<Record<string, string>> = { ...clocks };
  for (const field in clocks) {
    const stamp = clocks[field];
    if (stamp !== undefined && stamp >= after) next[field] = at;
  }
  return next as C;
}

/**
 * A node's clock. `now()` stamps a local event; `receive()` folds in a stamp seen from elsewhere;
 * `syncTo()` corrects the wall clock by the server's time (rule R8).
 */
export class HybridLogicalClock {
  private state: HlcState = { ms: 0, counter: 0 };
  /** Added to the wall clock: the server's time minus this device's, from the last `syncTo()`. */
  private offsetMs = 0;

  constructor(
    readonly node: string,
    private readonly wallClock: () => number = Date.now,
  ) {
    if (!/^[0-9a-zA-Z_]{1,32}$/.test(node)) throw new Error(`invalid clock node id: ${node}`);
  }

  /** This device's wall clock corrected by the server's time: what `now()` stamps from. */
  time(): number {
    return this.wallClock() + this.offsetMs;
  }

  /** The correction `syncTo()` last applied, in ms (positive: the device's clock is behind). */
  get offset(): number {
    return this.offsetMs;
  }

  /**
   * Corrects the clock by the server's time, sent in `sync:hello` and in `clock-skew` refusals
   * (rule R8). If this clock already stamped further ahead than `maxAheadMs` past the server's time
   * (the device's wall clock was ahead before it was corrected), it starts again from the corrected
   * time: those stamps would be refused, and keeping them would pin every later edit in the future.
   * Returns true when it started again.
   */
  syncTo(serverTime: number, maxAheadMs: number): boolean {
    if (!Number.isFinite(serverTime)) return false;
    this.offsetMs = Math.round(serverTime - this.wallClock());
    if (this.state.ms <= serverTime + maxAheadMs) return false;
    this.state = { ms: 0, counter: 0 };
    return true;
  }

  now(): string {
    const wall = this.time();
    if (wall > this.state.ms) this.state = { ms: wall, counter: 0 };
    else this.bump();
    return encodeHlc(this.state, this.node);
  }

  /**
   * Folds in a stamp seen elsewhere. `maxDriftMs` bounds how far ahead of this clock's time a stamp
   * may pull it; the write path passes Infinity for the stamps of the document it edits, so an edit
   * on a clock far behind still sorts after the state it was made on (those stamps were bounded by
   * the server, or are this device's own, which the push re-stamps if they are too far ahead, R8).
   */
  receive(stamp: string | undefined, maxDriftMs = MAX_CLOCK_DRIFT_MS): void {
    if (!stamp) return;
    const remote = decodeHlc(stamp);
    if (!Number.isFinite(remote.ms) || remote.ms > this.time() + maxDriftMs) return;
    if (remote.ms > this.state.ms) this.state = { ms: remote.ms, counter: remote.counter };
    else if (remote.ms === this.state.ms && remote.counter > this.state.counter) this.state.counter = remote.counter;
  }

  /**
   * `receive` for every stamp of many documents' clocks at once (a pulled batch), ending in the same
   * state as receiving each: only the greatest stamp not further ahead than `maxDriftMs` can move
   * the clock, and fixed-width stamps compare as strings, so only that one is decoded.
   */
  receiveClocks(clocks: Iterable<Partial<Record<string, string>>>, maxDriftMs = MAX_CLOCK_DRIFT_MS): void {
    // A stamp whose time equals the limit continues with '-', which sorts below '.'.
    const after = `${Math.floor(this.time() + maxDriftMs)
      .toString(36)
      .padStart(MS_WIDTH, '0')}.`;
    let best: string | undefined;
    for (const map of clocks) {
      for (const field in map) {
        const stamp = map[field];
        if (stamp !== undefined && stamp < after && (best === undefined || stamp > best)) best = stamp;
      }
    }
    this.receive(best, maxDriftMs);
  }

  private bump(): void {
    if (this.state.counter >= MAX_COUNTER) this.state = { ms: this.state.ms + 1, counter: 0 };
    else this.state.counter += 1;
  }
}
