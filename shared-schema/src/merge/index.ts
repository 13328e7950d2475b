export * from './hlc.js';
export * from './merge.js';
