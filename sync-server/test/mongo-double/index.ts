export { startMongoDouble, type MongoDouble, type MongoDoubleOptions } from './server.js';
export { inTransaction, onCollection, type FaultAction, type FaultHandle, type FaultRule } from './faults.js';
export type { Doc, EngineStats } from './engine.js';
