import { onCLS, onINP, onLCP, type Metric } from 'web-vitals';

/** What `POST /api/vitals` accepts: LCP and INP in milliseconds (at most a minute), CLS unitless. */
interface VitalReport {
  name: 'LCP' | 'INP' | 'CLS';
  value: number;
  rating: Metric['rating'];
}

const MAX_MS = 60_000;
const MAX_PER_REPORT = 10;

/**
 * Reports this page's LCP, INP and CLS to the server when the page is hidden (the moment the
 * web-vitals library finalises them), with `sendBeacon` so the report survives the page closing.
 * Loaded by a dynamic import once the page is idle, so it costs the critical path nothing; the
 * observers are buffered, so the LCP of the first render is still seen.
 */
export function reportVitals(endpoint = '/api/vitals'): void {
  const queue: VitalReport[] = [];
  const record = (metric: Metric) => {
    if (metric.name !== 'LCP' && metric.name !== 'INP' && metric.name !== 'CLS') return;
    const value = metric.name === 'CLS' ? metric.value : Math.min(metric.value, MAX_MS);
    queue.push({ name: metric.name, value: Math.max(0, value), rating: metric.rating });
  };
  const flush = () => {
    while (queue.length > 0) {
      const body = JSON.stringify({ metrics: queue.splice(0, MAX_PER_REPORT) });
      const sent = navigator.sendBeacon?.(endpoint, new Blob([body], { type: 'application/json' }));
      if (!sent) {
        void fetch(endpoint, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          keepalive: true,
        }).catch(() => undefined);
      }
    }
  };
  onLCP(record);
  onINP(record);
  onCLS(record);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('pagehide', flush);
}
