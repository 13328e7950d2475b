import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TaskmasterError } from '@taskmaster/shared-schema';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, createTokenService } from './tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);
const T0 = Date.UTC(2030, 0, 1);

function service(now = () => T0) {
  return createTokenService({ secret: SECRET, ttlSeconds: 900, now });
}

async function expectReason(promise: Promise<unknown>, reason: string) {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TaskmasterError);
  expect((error as TaskmasterError).reason).toBe(reason);
  expect((error as TaskmasterError).status).toBe(401);
}

/** A token with the right claims, signed however the test wants. */
function forged(alg: string, claims: Record<string, unknown> = { role: 'admin' }, subject: string | null = 'user-1') {
  const nowSeconds = Math.floor(T0 / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg });
  if (subject !== null) jwt.setSubject(subject);
  return jwt
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 600);
}

describe('access tokens', () => {
  it('round-trips user id, role and expiry', async () => {
    const tokens = service();
    const { token, expiresAt } = await tokens.signAccessToken({ id: 'user-1', role: 'admin' });
    expect(expiresAt).toBe(T0 + 900_000);
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual({ userId: 'user-1', role: 'admin', expiresAt });
  });

  it('rejects an expired token with token-expired', async () => {
    let now = T0;
    const tokens = service(() => now);
    const { token } = await tokens.signAccessToken({ id: 'user-1', role: 'user' });
    now = T0 + 900_000 + 10_000;
    await expectReason(tokens.verifyAccessToken(token), 'token-expired');
  });

  it('a token verified before still expires on time, and its claims are a fresh copy each time', async () => {
    let now = T0;
    const tokens = service(() => now);
    const { token } = await tokens.signAccessToken({ id: 'user-1', role: 'user', sessionId: 's1' });
    const first = await tokens.verifyAccessToken(token);
    (first as { lastSyncAt?: number }).lastSyncAt = 1;
    expect(await tokens.verifyAccessToken(token)).toEqual({
      userId: 'user-1',
      role: 'user',
      sessionId: 's1',
      expiresAt: T0 + 900_000,
    });
    now = T0 + 900_000 + 10_000;
    await expectReason(tokens.verifyAccessToken(token), 'token-expired');
  });

  it('rejects alg "none" (unsecured) tokens', async () => {
    const nowSeconds = Math.floor(T0 / 1000);
    const unsecured = new UnsecuredJWT({ role: 'admin' })
      .setSubject('user-1')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 600)
      .encode();
    await expectReason(service().verifyAccessToken(unsecured), 'unauthorized');
    // Also with a dangling signature segment, as some attacks send it.
    await expectReason(service().verifyAccessToken(`${unsecured}c2ln`), 'unauthorized');
  });

  it('rejects a token signed with another key', async () => {
    const other = await forged('HS256').sign(new TextEncoder().encode('another-secret-of-sufficient-length-000'));
    await expectReason(service().verifyAccessToken(other), 'unauthorized');
  });

  it('rejects an HS512 token even with the right secret (algorithm is pinned)', async () => {
    const hs512 = await forged('HS512').sign(key);
    await expectReason(service().verifyAccessToken(hs512), 'unauthorized');
  });

  it('rejects a correctly signed HS256 token from the wrong issuer or audience', async () => {
    const nowSeconds = Math.floor(T0 / 1000);
    const base = () =>
      new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + 600);
    const wrongIssuer = await base().setIssuer('someone-else').setAudience(TOKEN_AUDIENCE).sign(key);
    const wrongAudience = await base().setIssuer(TOKEN_ISSUER).setAudience('other-app').sign(key);
    await expectReason(service().verifyAccessToken(wrongIssuer), 'unauthorized');
    await expectReason(service().verifyAccessToken(wrongAudience), 'unauthorized');
  });

  it('rejects tokens with a bad role, no subject, or garbage', async () => {
    const badRole = await forged('HS256', { role: 'root' }).sign(key);
    const noSubject = await forged('HS256', { role: 'user' }, null).sign(key);
    for (const token of [badRole, noSubject, 'not.a.jwt', '', 'x'.repeat(10_000)]) {
      await expectReason(service().verifyAccessToken(token), 'unauthorized');
    }
  });
});
