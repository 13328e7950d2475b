export * from './hlc.js';
export * from './merge.js';
export * from './equal.js';
