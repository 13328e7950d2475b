import type { CollectionName, SyncDoc } from '@taskmaster/shared-schema';
import type { AuditDetails } from '../account-store.js';

/** A document of `tasks` or `lists`: the synced document under `doc`, keyed by scope, with its owner. */
export interface DocRow {
  /** {@link docKey}(scope, id). */
  _id: string;
  scope: string;
  /** The future shard key (`{ owner: "hashed" }`). */
  owner: string;
  docId: string;
  seq: number;
  deleted: boolean;
  doc: SyncDoc;
}

/** A scope's sequence counter for one collection (rule R2), in `counters`. */
export interface CounterRow {
  _id: string;
  scope?: string;
  owner?: string;
  collection?: CollectionName | 'audit';
  seq: number;
  /** Bumped by every push: the first write of the transaction, so concurrent pushes conflict early. */
  writes?: number;
}

export interface UserRow {
  _id: string;
  email: string;
  passwordHash: string;
  role: 'user' | 'admin';
  createdAt: number;
  disabled: boolean;
}

/** A refresh token, keyed by its SHA-256 hash. */
export interface TokenRow {
  _id: string;
  userId: string;
  familyId: string;
  /** A Date, for the TTL index. */
  expiresAt: Date;
  expiresAtMs: number;
  createdAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

export interface SessionRow {
  _id: string;
  userId: string;
  device: string;
  createdAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
}

export interface AuditRow {
  /** The audit sequence number. */
  _id: number;
  at: number;
  actorId: string;
  action: string;
  targetUserId: string | null;
  details: AuditDetails;
}

export interface MigrationRow {
  _id: string;
  store: string;
  id: string;
  appliedAt: number;
}

export const COLLECTION_NAMES = {
  counters: 'counters',
  users: 'users',
  refreshTokens: 'refresh_tokens',
  sessions: 'sessions',
  audit: 'audit_log',
  migrations: 'migrations',
} as const;
