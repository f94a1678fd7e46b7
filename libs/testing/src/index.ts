export * from './fixtures.js';
export * from './stores.js';
