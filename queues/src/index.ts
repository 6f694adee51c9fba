export * from './topology.ts';
export * from './backend.ts';
