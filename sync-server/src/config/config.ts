import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  REFRESH_TOKEN_TTL_SECONDS,
} from '@taskmaster/shared-schema';

/**
 * Used when `JWT_SECRET` is unset outside production, so `npm start` works with no setup.
 * Production refuses it (DESIGN: "refuses to start with a missing or default JWT secret").
 */
export const DEV_JWT_SECRET = 'taskmaster-dev-secret-not-for-production-use';
const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** Origins allowed by default outside production: any port on the loopback names (Vite dev server, tests). */
export const DEV_DEFAULT_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'] as const;

/**
 * `client/dist` at the repository root. This file sits three levels below the root both as source
 * (`sync-server/src/config/config.ts`) and compiled (`sync-server/dist/config/config.js`), so the
 * same relative URL works for tsx, vitest and `node dist/main.js`, whatever the working directory.
 */
export const DEFAULT_CLIENT_DIST_DIR = fileURLToPath(new URL('../../../client/dist', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  dataDir: string;
  jwtSecret: string;
  /** True when `jwtSecret` is the built-in development secret (never in production). */
  usingDevJwtSecret: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Allowed browser origins besides the server's own; entries may end in `:*` for any port. */
  corsOrigins: string[];
  mongodbUri: string | undefined;
  /** MongoDB driver pool settings (used with `mongodbUri`). */
  mongo: { maxPoolSize: number; minPoolSize: number; socketTimeoutMS: number };
  redisUrl: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  clientDistDir: string;
  shutdownGraceMs: number;
  /** Express `trust proxy` setting; needed behind nginx so rate limits key on the real client IP. */
  trustProxy: boolean | number | string;
  /** Login/register/refresh attempts allowed per client IP per minute (0 disables the limit). */
  authRateLimitPerMinute: number;
  /** Where `/metrics` is served, apart from the app port; `undefined` port turns that listener off. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** When set, `/metrics` is also served on the app port to callers presenting this bearer token. */
  metricsToken: string | undefined;
  /** Open Socket.IO connections allowed per user on one instance. */
  maxSocketsPerUser: number;
  /** How far past this server's clock a pushed clock stamp may be; later ones get `clock-skew` (R8). */
  maxClockSkewMs: number;
  /** Error-tracking endpoint (Sentry-style DSN); unset means no error reporter is loaded. */
  errorReportingDsn: string | undefined;
}

/** A configuration problem; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

// Docker/compose often pass unset variables as empty strings; treat them as unset so defaults apply.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const intString = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be ${what}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be ${what}` });

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const originPattern = /^https?:\/\/[a-z0-9.-]+(:(\d{1,5}|\*))?$/i;

const envSchema = z
  .object({
    NODE_ENV: optional(
      z
        .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
        .default('development'),
    ),
    PORT: optional(intString(0, 65535, 'an integer between 0 and 65535').default(3000)),
    HOST: optional(z.string().trim().optional()),
    DATA_DIR: optional(z.string().default('./data')),
    JWT_SECRET: optional(z.string().optional()),
    ACCESS_TOKEN_TTL_SECONDS: optional(
      intString(
        10,
        ACCESS_TOKEN_TTL_SECONDS,
        `an integer number of seconds between 10 and ${ACCESS_TOKEN_TTL_SECONDS}`,
      ).default(ACCESS_TOKEN_TTL_SECONDS),
    ),
    REFRESH_TOKEN_TTL_SECONDS: optional(
      intString(60, 365 * 24 * 3600, 'an integer number of seconds between 60 and 31536000').default(
        REFRESH_TOKEN_TTL_SECONDS,
      ),
    ),
    CORS_ORIGINS: optional(
      list
        .refine((origins) => origins.every((o) => originPattern.test(o)), {
          error: 'must be a comma-separated list of origins like https://app.example.com or http://localhost:*',
        })
        .optional(),
    ),
    MONGODB_URI: optional(
      z
        .string()
        .trim()
        .regex(/^mongodb(\+srv)?:\/\//, { error: 'must start with mongodb:// or mongodb+srv://' })
        .optional(),
    ),
    MONGODB_MAX_POOL_SIZE: optional(intString(1, 10_000, 'an integer between 1 and 10000').default(50)),
    MONGODB_MIN_POOL_SIZE: optional(intString(0, 10_000, 'an integer between 0 and 10000').default(10)),
    MONGODB_SOCKET_TIMEOUT_MS: optional(
      intString(0, 3_600_000, 'an integer number of milliseconds between 0 and 3600000').default(45_000),
    ),
    REDIS_URL: optional(
      z
        .string()
        .trim()
        .regex(/^(rediss?:\/\/|unix:\/\/|\/)/, { error: 'must be a redis://, rediss:// or unix socket URL' })
        .optional(),
    ),
    LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional()),
    CLIENT_DIST_DIR: optional(z.string().default(DEFAULT_CLIENT_DIST_DIR)),
    ADMIN_EMAILS: optional(
      z
        .string()
        .refine(() => false, {
          error:
            'is no longer supported (anyone registering first with a listed email became admin); use `npm run admin -- grant <email>`',
        })
        .optional(),
    ),
    METRICS_PORT: optional(
      z.union([z.literal('off'), intString(0, 65535, 'an integer between 0 and 65535, or off')]).default(9464),
    ),
    METRICS_HOST: optional(z.string().trim().default('127.0.0.1')),
    METRICS_TOKEN: optional(z.string().min(16, { error: 'must be at least 16 characters' }).optional()),
    MAX_SOCKETS_PER_USER: optional(intString(1, 10_000, 'an integer between 1 and 10000').default(20)),
    MAX_CLOCK_SKEW_MS: optional(
      intString(1000, 86_400_000, 'an integer number of milliseconds between 1000 and 86400000').default(
        DEFAULT_MAX_CLOCK_SKEW_MS,
      ),
    ),
    SENTRY_DSN: optional(z.url({ error: 'must be a URL' }).optional()),
    SHUTDOWN_GRACE_MS: optional(
      intString(0, 600_000, 'an integer number of milliseconds between 0 and 600000').default(10_000),
    ),
    TRUST_PROXY: optional(z.string().trim().default('false')),
    AUTH_RATE_LIMIT_PER_MINUTE: optional(intString(0, 100_000, 'an integer between 0 and 100000').default(20)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const secret = env.JWT_SECRET;
    if (secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    } else if (secret === DEV_JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'must not be the development default in production',
      });
    } else if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
      });
    }
  });

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // e.g. "loopback" or a comma-separated list of subnets, as Express accepts
}

/**
 * Validates the environment once at start-up. Throws a {@link ConfigError} naming every bad
 * variable, e.g. `Invalid configuration: PORT: must be an integer between 0 and 65535`.
 * This is the only place that interprets environment variables; `main.ts` passes `process.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const jwtSecret = e.JWT_SECRET ?? DEV_JWT_SECRET;
  return {
    port: e.PORT,
    // Development binds to loopback unless told otherwise: the dev JWT secret must not face a LAN.
    host: e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
    nodeEnv: e.NODE_ENV,
    isProduction,
    dataDir: path.resolve(e.DATA_DIR),
    jwtSecret,
    usingDevJwtSecret: jwtSecret === DEV_JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    corsOrigins: e.CORS_ORIGINS ?? (isProduction ? [] : [...DEV_DEFAULT_ORIGINS]),
    mongodbUri: e.MONGODB_URI,
    mongo: {
      maxPoolSize: e.MONGODB_MAX_POOL_SIZE,
      minPoolSize: Math.min(e.MONGODB_MIN_POOL_SIZE, e.MONGODB_MAX_POOL_SIZE),
      socketTimeoutMS: e.MONGODB_SOCKET_TIMEOUT_MS,
    },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    clientDistDir: path.resolve(e.CLIENT_DIST_DIR),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    metricsPort: e.METRICS_PORT === 'off' ? undefined : e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    metricsToken: e.METRICS_TOKEN,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    maxClockSkewMs: e.MAX_CLOCK_SKEW_MS,
    errorReportingDsn: e.SENTRY_DSN,
  };
}

/** Hides the password part of a connection URL (`mongodb://user:secret@host` → `mongodb://user:***@host`). */
function maskUrl(url: string | undefined): string | undefined {
  return url?.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** The configuration with secrets masked, for the start-up log line. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    jwtSecret: config.usingDevJwtSecret ? '*** (development default)' : '***',
    mongodbUri: maskUrl(config.mongodbUri),
    redisUrl: maskUrl(config.redisUrl),
    metricsToken: config.metricsToken === undefined ? undefined : '***',
    errorReportingDsn: maskUrl(config.errorReportingDsn),
  };
}
