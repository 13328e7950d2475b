import { describe, expect, it } from 'vitest';
import { formatAgo } from './format';

describe('formatAgo', () => {
  const now = 1_800_000_000_000;
  it('says "just now" for the last few seconds, and for a sync newer than the ticking clock', () => {
    expect(formatAgo(now - 3_000, now)).toBe('just now');
    expect(formatAgo(now + 14_000, now)).toBe('just now');
  });
  it('counts back in seconds, minutes, hours and days', () => {
    expect(formatAgo(now - 30_000, now)).toMatch(/30 seconds ago/);
    expect(formatAgo(now - 5 * 60_000, now)).toMatch(/5 minutes ago/);
    expect(formatAgo(now - 3 * 3_600_000, now)).toMatch(/3 hours ago/);
    expect(formatAgo(now - 2 * 86_400_000, now)).toMatch(/2 days ago/);
  });
});
