/** The single entry of shared-schema: documents, validation limits, merge rules and the wire protocol. */
export * from './collections/index.js';
export * from './merge/index.js';
export * from './protocol/index.js';
