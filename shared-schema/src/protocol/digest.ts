import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName, type SyncDoc } from '../collections/index.js';

/**
 * Divergence detection (SPEC R9). A scope's digest splits its documents into `DIGEST_BUCKETS`
 * buckets by id; per bucket it keeps the number of documents and a sum of per-document hashes over
 * (id, every field clock, tombstone clock, the conflict log). Field values are decided by their clocks (R4), so equal
 * clocks mean equal documents; the sum is order-independent, so server and device compute the same
 * digest from the same documents however they hold them. A mismatch names the buckets to re-fetch.
 */
export const DIGEST_BUCKETS = 64;

/** FNV-1a over UTF-16 code units: tiny, fast, the same in every JS runtime. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function digestBucketOf(id: string): number {
  return fnv1a(id) % DIGEST_BUCKETS;
}

/**
 * A document's contribution: its id, its clocks in a fixed order, and its conflict log (which a
 * merge can change without changing any clock, so clocks alone would not show it).
 */
export function documentDigestHash(doc: Pick<SyncDoc, 'id' | 'clocks'> & { conflicts?: SyncDoc['conflicts'] }): number {
  const clocks = doc.clocks as Record<string, string | undefined>;
  let text = doc.id;
  for (const field of Object.keys(clocks).sort()) {
    const stamp = clocks[field];
    if (stamp) text += `|${field}=${stamp}`;
  }
  for (const entry of doc.conflicts ?? []) text += `|!${entry.field}:${entry.lostClock}>${entry.winnerClock}`;
  return fnv1a(text);
}

/** `[count, hash]` per bucket. */
export type ScopeDigest = [count: number, hash: number][];

/** Computes the digest of a collection's documents (tombstones included). */
export function computeDigest(docs: Iterable<Pick<SyncDoc, 'id' | 'clocks' | 'conflicts'>>): ScopeDigest {
  const buckets: ScopeDigest = Array.from({ length: DIGEST_BUCKETS }, () => [0, 0]);
  for (const doc of docs) {
    const bucket = buckets[digestBucketOf(doc.id)]!;
    bucket[0] += 1;
    bucket[1] = (bucket[1] + documentDigestHash(doc)) >>> 0;
  }
  return buckets;
}

/** The bucket numbers where two digests differ. */
export function differingBuckets(a: ScopeDigest, b: ScopeDigest): number[] {
  const out: number[] = [];
  for (let i = 0; i < DIGEST_BUCKETS; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x[0] !== y[0] || x[1] !== y[1]) out.push(i);
  }
  return out;
}

const collectionSchema = z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]);

/** `sync:digest`: the server's digest of one collection, with the sequence it was computed at. */
export const digestRequestSchema = z.object({ collection: collectionSchema }).strict();
export type DigestRequest = z.infer<typeof digestRequestSchema>;
export interface DigestResponse {
  seq: number;
  buckets: ScopeDigest;
}

/** `sync:bucket`: every document (tombstones included) in the given buckets. */
export const bucketRequestSchema = z
  .object({
    collection: collectionSchema,
    buckets: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(DIGEST_BUCKETS - 1),
      )
      .min(1)
      .max(DIGEST_BUCKETS),
  })
  .strict();
export type BucketRequest = z.infer<typeof bucketRequestSchema>;
export interface BucketResponse<C extends CollectionName = CollectionName> {
  seq: number;
  documents: SyncDoc<C>[];
}
