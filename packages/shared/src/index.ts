export * from './limits.js';
export * from './site.js';
export * from './event.js';
export * from './stats.js';
export * from './stats-query.js';
export * from './goals.js';
