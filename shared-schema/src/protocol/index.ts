export * from './auth.js';
export * from './digest.js';
export * from './errors.js';
export * from './limits.js';
export * from './sync.js';
export * from './version.js';
