export * from './errors.ts';
export * from './domain.ts';
export * from './connector.ts';
export * from './realtime.ts';
export * from './fax.ts';
export * from './self-service.ts';
export * from './supervision.ts';
export * from './integration.ts';
