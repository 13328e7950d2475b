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

/** A node's clock. `now()` stamps a local event; `receive()` folds in a stamp seen from elsewhere. */
export class HybridLogicalClock {
  private state: HlcState = { ms: 0, counter: 0 };

  constructor(
    readonly node: string,
    private readonly wallClock: () => number = Date.now,
  ) {
    if (!/^[0-9a-zA-Z_]{1,32}$/.test(node)) throw new Error(`invalid clock node id: ${node}`);
  }

  now(): string {
    const wall = this.wallClock();
    if (wall > this.state.ms) this.state = { ms: wall, counter: 0 };
    else this.bump();
    return encodeHlc(this.state, this.node);
  }

  receive(stamp: string | undefined): void {
    if (!stamp) return;
    const remote = decodeHlc(stamp);
    if (!Number.isFinite(remote.ms) || remote.ms > this.wallClock() + MAX_CLOCK_DRIFT_MS) return;
    if (remote.ms > this.state.ms) this.state = { ms: remote.ms, counter: remote.counter };
    else if (remote.ms === this.state.ms && remote.counter > this.state.counter) this.state.counter = remote.counter;
  }

  private bump(): void {
    if (this.state.counter >= MAX_COUNTER) this.state = { ms: this.state.ms + 1, counter: 0 };
    else this.state.counter += 1;
  }
}
