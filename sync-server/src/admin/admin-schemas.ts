import { z } from 'zod';

/** The largest page an admin listing returns; asking for more is `invalid-payload`, not a silent clamp. */
export const ADMIN_PAGE_CAP = 100;

/** Ids in paths: users and sessions are UUIDs today; anything but a short plain token is refused. */
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be an id' });

export const userIdParams = z.object({ id }).strict();
export const sessionParams = z.object({ id, sessionId: id }).strict();

const cursor = z.string().min(1).max(512).optional();
const limit = z.coerce
  .number({ error: 'limit must be a number' })
  .int()
  .min(1)
  .max(ADMIN_PAGE_CAP, { error: `limit must be at most ${ADMIN_PAGE_CAP}` })
  .default(50);

export const listUsersQuery = z
  .object({
    q: z.string().trim().toLowerCase().max(254).optional(),
    cursor,
    limit,
  })
  .strict();

export const listAuditQuery = z.object({ cursor, limit }).strict();

/** No query parameters at all. */
export const noQuery = z.object({}).strict();

/**
 * Body of the actions: only an optional reason, kept in the audit log. Strict, so a body that
 * tries to set anything else (`role`, `disabled`, `email`: mass assignment) is refused.
 */
export const actionBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();

export const adminUser = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(['user', 'admin']),
    disabled: z.boolean(),
    createdAt: z.number().int(),
  })
  .meta({ id: 'AdminUser' });

export const adminSession = z
  .object({
    id: z.string().meta({ description: 'The `sid` claim of the access tokens of this sign-in' }),
    device: z.string(),
    createdAt: z.number().int(),
    lastUsedAt: z.number().int(),
    lastSyncAt: z.number().int().nullable(),
    revokedAt: z.number().int().nullable(),
    connected: z.number().int().meta({ description: 'Open connections of this session, cluster-wide' }),
  })
  .meta({ id: 'AdminSession' });

export const userDetail = z
  .object({
    user: adminUser,
    sessions: z.array(adminSession),
    counts: z.object({ tasks: z.number().int(), lists: z.number().int() }),
    connectedDevices: z.number().int(),
  })
  .meta({ id: 'AdminUserDetail' });

const activity = z.object({ pushes: z.number().int(), pulls: z.number().int(), conflicts: z.number().int() });

export const stats = z
  .object({
    users: z.number().int(),
    tasks: z.number().int(),
    lists: z.number().int(),
    devicesConnected: z.number().int(),
    lastMinute: activity,
    lastHour: activity,
    store: z.string(),
    fanout: z.string(),
    generatedAt: z.number().int(),
  })
  .meta({ id: 'AdminStats' });

export const auditEntry = z
  .object({
    id: z.string(),
    at: z.number().int(),
    actorId: z.string(),
    action: z.string(),
    targetUserId: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .meta({ id: 'AuditEntry' });

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id: name });

export const usersPage = page(adminUser, 'AdminUserPage');
export const auditPage = page(auditEntry, 'AuditPage');

export const resyncResult = z.object({ devices: z.number().int() }).meta({ id: 'ResyncResult' });
export const disableResult = z
  .object({ user: adminUser, revokedSessions: z.number().int(), disconnected: z.number().int() })
  .meta({ id: 'DisableResult' });

export const userExport = z
  .object({
    exportedAt: z.number().int(),
    user: adminUser,
    sessions: z.array(adminSession),
    tasks: z.array(z.record(z.string(), z.unknown())),
    lists: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'UserExport' });

export type AdminUser = z.infer<typeof adminUser>;
export type AdminSession = z.infer<typeof adminSession>;
export type UserDetail = z.infer<typeof userDetail>;
export type Stats = z.infer<typeof stats>;
