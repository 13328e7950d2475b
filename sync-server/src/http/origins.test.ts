import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from './origins.js';

describe('createOriginPolicy', () => {
  const allowed = createOriginPolicy(['https://tasks.example.com', 'http://localhost:*']);

  it('allows requests without Origin (non-browser clients)', () => {
    expect(allowed(undefined, 'api.example.com')).toBe(true);
  });

  it('allows the server’s own origin', () => {
    expect(allowed('https://api.example.com', 'api.example.com')).toBe(true);
  });

  it('allows listed origins and port wildcards', () => {
    expect(allowed('https://tasks.example.com', 'api.example.com')).toBe(true);
    expect(allowed('http://localhost:5173', 'api.example.com')).toBe(true);
  });

  it('rejects other origins, look-alikes and opaque origins', () => {
    expect(allowed('https://evil.example', 'api.example.com')).toBe(false);
    expect(allowed('https://tasks.example.com.evil.example', 'api.example.com')).toBe(false);
    expect(allowed('http://tasks.example.com', 'api.example.com')).toBe(false);
    expect(allowed('https://localhost:5173', 'api.example.com')).toBe(false);
    expect(allowed('null', 'api.example.com')).toBe(false);
  });
});
