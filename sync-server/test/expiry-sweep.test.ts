import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExpirySweep } from '../src/replication/socket-handlers.js';
import { registerAccount } from './helpers/device.js';
import { connectRaw, type RawSocket } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('token expiry of idle connections: one shared sweep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a deadline is never met early, at most two sweeps late, and a removed item never comes due', () => {
    vi.useFakeTimers({ now: 1_000_250 });
    const due: { item: string; at: number }[] = [];
    const sweep = createExpirySweep<string>((item) => due.push({ item, at: Date.now() }));
    const start = Date.now();
    const delays: Record<string, number> = { a: 0, b: 1, c: 999, d: 1000, e: 2500, f: 10_000 };
    for (const [item, delay] of Object.entries(delays)) sweep.add(item, delay);
    sweep.add('gone', 500);
    sweep.remove('gone');
    expect(sweep.size()).toBe(6);
    vi.advanceTimersByTime(13_000);
    expect(due.map((d) => d.item).sort()).toEqual(Object.keys(delays));
    for (const { item, at } of due) {
      const deadline = start + delays[item]!;
      expect(at).toBeGreaterThanOrEqual(deadline);
      expect(at - deadline).toBeLessThanOrEqual(2000);
    }
    expect(sweep.size()).toBe(0);
    // With nothing left to watch the sweep stops its timer.
    expect(vi.getTimerCount()).toBe(0);
  });

  describe('on a live server', () => {
    let server: TestServer | undefined;
    let socket: RawSocket | undefined;
    afterEach(async () => {
      socket?.close();
      await server?.dispose();
    });

    it('an idle connection is told and closed once its access token expires, without any event of its own', async () => {
      server = await startTestServer({ env: { ACCESS_TOKEN_TTL_SECONDS: '10' } });
      const account = await registerAccount(server.url);
      const connectedAt = Date.now();
      socket = await connectRaw(server.url, account.tokens.accessToken);
      const told = new Promise<unknown>((resolve) => socket!.once('auth:expired', resolve));
      const closed = new Promise<number>((resolve) => socket!.once('disconnect', () => resolve(Date.now())));
      expect(await told).toEqual({ reason: 'token-expired' });
      const at = await closed;
      // Issued just before connecting, valid 10 s: closed after that and within the sweep's 2 s.
      expect(at - connectedAt).toBeGreaterThanOrEqual(8_000);
      expect(at - connectedAt).toBeLessThanOrEqual(10_000 + 2000 + 3000);
    }, 30_000);
  });
});
