import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, describeConfig, loadConfig } from './config.js';

const STRONG_SECRET = 'x'.repeat(40);

describe('loadConfig', () => {
  it('applies development defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('development');
    expect(config.jwtSecret).toBe(DEV_JWT_SECRET);
    expect(config.usingDevJwtSecret).toBe(true);
    expect(config.accessTokenTtlSeconds).toBeLessThanOrEqual(900);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.adminEmails).toEqual([]);
  });

  it('resolves the client build directory to <repo>/client/dist, independent of the working directory', () => {
    const repoRoot = path.resolve(import.meta.dirname, '../../..');
    expect(loadConfig({}).clientDistDir).toBe(path.join(repoRoot, 'client', 'dist'));
  });

  it('parses explicit values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      CORS_ORIGINS: 'https://tasks.example.com, http://localhost:*',
      ADMIN_EMAILS: 'Boss@Example.com,ops@example.com',
      MONGODB_URI: 'mongodb://db:27017/taskmaster?replicaSet=rs0',
      REDIS_URL: 'redis://redis:6379',
      SHUTDOWN_GRACE_MS: '2500',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: '1',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      accessTokenTtlSeconds: 300,
      corsOrigins: ['https://tasks.example.com', 'http://localhost:*'],
      adminEmails: ['boss@example.com', 'ops@example.com'],
      shutdownGraceMs: 2500,
      logLevel: 'debug',
      trustProxy: 1,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '', JWT_SECRET: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ACCESS_TOKEN_TTL_SECONDS', '3600'],
    ['NODE_ENV', 'staging'],
    ['CORS_ORIGINS', 'not an origin'],
    ['ADMIN_EMAILS', 'not-an-email'],
    ['MONGODB_URI', 'postgres://x'],
    ['REDIS_URL', 'http://redis'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_GRACE_MS', '-1'],
  ])('fails fast naming %s when it is %j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: .*${name}: `));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT: .*LOG_LEVEL: |LOG_LEVEL: .*PORT: /);
  });

  describe('in production', () => {
    it('refuses to start without JWT_SECRET', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required in production/);
    });

    it('refuses the development default secret', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(
        /JWT_SECRET: must not be the development default/,
      );
    });

    it('refuses a secret shorter than 32 characters', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short-secret' })).toThrow(
        /JWT_SECRET: must be at least 32 characters/,
      );
    });

    it('starts with a strong secret and allows only same-origin by default', () => {
      const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET });
      expect(config.isProduction).toBe(true);
      expect(config.usingDevJwtSecret).toBe(false);
      expect(config.corsOrigins).toEqual([]);
    });
  });
});

describe('describeConfig', () => {
  it('masks the JWT secret and connection passwords', () => {
    const config = loadConfig({
      JWT_SECRET: STRONG_SECRET,
      MONGODB_URI: 'mongodb://app:hunter2@db:27017/tm',
      REDIS_URL: 'redis://:s3cret@redis:6379',
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain(STRONG_SECRET);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(describeConfig(config)).toMatchObject({
      mongodbUri: 'mongodb://app:***@db:27017/tm',
      redisUrl: 'redis://:***@redis:6379',
    });
  });
});
