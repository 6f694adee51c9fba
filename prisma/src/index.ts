export * from './client.ts';
export * from './migrate.ts';
export * from './embedded.ts';
export * from './locks.ts';
