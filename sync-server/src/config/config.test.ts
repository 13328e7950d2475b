import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, describeConfig, loadConfig } from './config.js';

const STRONG_SECRET = 'x'.repeat(40);

describe('loadConfig', () => {
  it('applies development defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    // [S8] development binds to loopback by default, so the dev JWT secret never faces a LAN.
    expect(config.host).toBe('127.0.0.1');
    expect(config.nodeEnv).toBe('development');
    expect(config.jwtSecret).toBe(DEV_JWT_SECRET);
    expect(config.usingDevJwtSecret).toBe(true);
    expect(config.accessTokenTtlSeconds).toBeLessThanOrEqual(900);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.metricsPort).toBe(9464);
    expect(config.metricsHost).toBe('127.0.0.1');
    expect(config.metricsToken).toBeUndefined();
    expect(config.maxSocketsPerUser).toBe(20);
    expect(config.errorReportingDsn).toBeUndefined();
  });

  it('[S8] production listens on every interface by default (it runs behind a proxy)', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET }).host).toBe('0.0.0.0');
  });

  it('[S7] refuses ADMIN_EMAILS: registering with a listed email no longer makes anyone admin', () => {
    expect(() => loadConfig({ ADMIN_EMAILS: 'boss@example.com' })).toThrow(/ADMIN_EMAILS: is no longer supported/);
    expect(() => loadConfig({ ADMIN_EMAILS: '' })).not.toThrow();
  });

  it('turns the metrics listener off with METRICS_PORT=off', () => {
    expect(loadConfig({ METRICS_PORT: 'off' }).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
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
      MAX_SOCKETS_PER_USER: '3',
      METRICS_TOKEN: 'metrics-token-0123456789',
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
      maxSocketsPerUser: 3,
      metricsToken: 'metrics-token-0123456789',
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
    ['METRICS_PORT', 'on'],
    ['METRICS_TOKEN', 'short'],
    ['MAX_SOCKETS_PER_USER', '0'],
    ['SENTRY_DSN', 'not a url'],
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
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain(STRONG_SECRET);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('metrics-token-0123456789');
    expect(describeConfig(config)).toMatchObject({
      mongodbUri: 'mongodb://app:***@db:27017/tm',
      redisUrl: 'redis://:***@redis:6379',
    });
  });
});
