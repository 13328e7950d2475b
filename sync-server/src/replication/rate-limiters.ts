import { PROTOCOL_LIMITS } from '@taskmaster/shared-schema';
import type { Redis } from 'ioredis';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AuthRateLimiter } from '../auth/auth-router.js';

/**
 * Redis-backed limiters for the scaled mode: counters live in Redis, so every instance sees the
 * same counts. Each has an in-memory insurance limiter with the same limits, used while Redis is
 * unreachable (`rejectIfRedisNotReady`), so an outage degrades to per-instance limits instead of
 * rejecting every event (an instance keeps serving its own devices, issue 4).
 */
function redisLimiter(client: Redis, keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    keyPrefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}-insurance`, points, duration }),
  });
}

/** The socket event limiter of `createEventRateLimiter`, with its counters in Redis (rule R6). */
export function createRedisEventRateLimiter(client: Redis, keyPrefix = 'taskmaster:events'): RateLimiterAbstract {
  return new BurstyRateLimiter(
    redisLimiter(client, keyPrefix, PROTOCOL_LIMITS.eventsPerSecond, 1),
    redisLimiter(client, `${keyPrefix}:burst`, PROTOCOL_LIMITS.eventBurst, 10),
  ) as unknown as RateLimiterAbstract;
}

/**
 * The auth REST limiter (login, register, refresh per client IP) with its counters in Redis, so a
 * client cannot multiply its attempts by the number of instances behind the load balancer.
 */
export function createRedisAuthRateLimiter(
  client: Redis,
  pointsPerMinute: number,
  keyPrefix = 'taskmaster:auth',
): AuthRateLimiter {
  return redisLimiter(client, keyPrefix, pointsPerMinute, 60);
}
