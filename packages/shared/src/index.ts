export * from './limits.js';
export * from './site.js';
export * from './event.js';
export * from './stats.js';
