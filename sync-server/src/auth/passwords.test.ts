import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, type ScryptParams } from './passwords.js';

// Cheap parameters keep the suite fast; one test exercises the production defaults.
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('passwords', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('uses a fresh salt per password and stores its parameters', async () => {
    const a = await hashPassword('same password', FAST);
    const b = await hashPassword('same password', FAST);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toContain('same password');
  });

  it('works with the production default parameters', async () => {
    const stored = await hashPassword('production grade');
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('production grade', stored)).toBe(true);
  });

  it('returns false for malformed or hostile stored hashes instead of throwing', async () => {
    const good = await hashPassword('pw-123456', FAST);
    const [, , , , salt, key] = good.split('$');
    for (const stored of [
      '',
      'plain-text',
      'bcrypt$10$abc',
      `scrypt$1000$8$1$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 30}$8$1$${salt}$${key}`, // N large enough to exhaust memory
      `scrypt$1024$0$1$${salt}$${key}`,
      `scrypt$1024$8$1$$${key}`,
    ]) {
      expect(await verifyPassword('pw-123456', stored)).toBe(false);
    }
  });
});
