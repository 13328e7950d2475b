import { afterEach, describe, expect, it, vi } from 'vitest';

const callbacks: Record<string, (metric: { name: string; value: number; rating: string }) => void> = {};
vi.mock('web-vitals', () => ({
  onLCP: (fn: (typeof callbacks)[string]) => (callbacks.LCP = fn),
  onINP: (fn: (typeof callbacks)[string]) => (callbacks.INP = fn),
  onCLS: (fn: (typeof callbacks)[string]) => (callbacks.CLS = fn),
}));

describe('reportVitals', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends LCP, INP and CLS in the shape POST /api/vitals accepts when the page is hidden', async () => {
    const sent: { url: string; body: string }[] = [];
    vi.stubGlobal('navigator', {
      sendBeacon: (url: string, blob: Blob) => {
        void blob.text().then((body) => sent.push({ url, body }));
        return true;
      },
    });
    const { reportVitals } = await import('./report-vitals');
    reportVitals();
    callbacks.LCP!({ name: 'LCP', value: 812.4, rating: 'good' });
    callbacks.INP!({ name: 'INP', value: 120_000, rating: 'poor' });
    callbacks.CLS!({ name: 'CLS', value: 0.03, rating: 'good' });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.url).toBe('/api/vitals');
    expect(JSON.parse(sent[0]!.body)).toEqual({
      metrics: [
        { name: 'LCP', value: 812.4, rating: 'good' },
        { name: 'INP', value: 60_000, rating: 'poor' },
        { name: 'CLS', value: 0.03, rating: 'good' },
      ],
    });
  });
});
