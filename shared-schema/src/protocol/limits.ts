/** Explicit limits of the sync protocol (rule R6). The server enforces them; the client stays within them. */
export const PROTOCOL_LIMITS = {
  /** Socket.IO `maxHttpBufferSize`: larger frames close that one connection at the transport. */
  maxMessageBytes: 256 * 1024,
  /** Largest push the client sends in one event; leaves headroom under `maxMessageBytes`. */
  maxPushChunkBytes: 192 * 1024,
  /**
   * Largest single serialized document (UTF-8). The field limits keep every schema-valid document
   * below it (worst case about 96 KB), so a merged document can always be pushed again.
   */
  maxDocBytes: 128 * 1024,
  maxPushRows: 500,
  maxPullBatch: 1000,
  defaultPullBatch: 500,
  /** Sustained socket events per second per connection, with a burst of `eventBurst`. */
  eventsPerSecond: 100,
  eventBurst: 300,
  /** Live change messages carry documents only up to this count; larger batches are a pull hint. */
  maxStreamDocs: 100,
} as const;
