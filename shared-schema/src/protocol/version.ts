/**
 * The sync protocol's version, sent by every device in the handshake (`auth.protocol`). The server
 * serves devices from `MIN_PROTOCOL_VERSION` up; an older one is refused with `upgrade-required`
 * (SPEC, "Versions").
 *
 * 1: the protocol before versioning (no `protocol` in the handshake; the server assumes 1).
 * 2: `sync:hello` after the handshake, clock correction and `clock-skew` (rule R8), `schemaVersion`
 *    in pushes.
 * 3: a push may name itself (`echoId`); the writer's echo of it then lists the documents stored as
 *    sent by id (`ChangeEvent.echo`) instead of carrying them again.
 */
export const PROTOCOL_VERSION = 3;
/**
 * The oldest protocol a server still serves: at least N-1, so devices offline across a deploy keep
 * syncing; 1 while every version since has only added optional fields.
 */
export const MIN_PROTOCOL_VERSION = 1;
/** What the server assumes when a handshake names no protocol (devices built before versioning). */
export const LEGACY_PROTOCOL_VERSION = 1;

/**
 * How far past the server's clock a pushed stamp may be (rule R8) unless the server is configured
 * otherwise (`MAX_CLOCK_SKEW_MS`): generous for honest clocks, far too short to pin a field.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** `sync:hello`, sent by the server as soon as it accepted a connection. */
export interface HelloEvent {
  /** The server's clock (epoch ms) when it sent this; devices correct their clock by it (R8). */
  serverTime: number;
  /** The server's own protocol version, and the oldest it serves. */
  protocol: number;
  minProtocol: number;
  /** Stamps further than this past `serverTime` are refused with `clock-skew` (R8). */
  maxClockSkewMs: number;
}

/** A handshake's protocol version (absent before versioning), or undefined when it is not a version. */
export function readProtocolVersion(value: unknown): number | undefined {
  if (value === undefined) return LEGACY_PROTOCOL_VERSION;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e6 ? value : undefined;
}
