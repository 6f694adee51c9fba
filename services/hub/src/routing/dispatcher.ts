import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { createRoutingEngine, type RoutingEngine } from './engine.ts';

/** The routing engine under the name the rest of the hub knows it by (see engine.ts and docs/ARCHITECTURE.md). */
export type Dispatcher = RoutingEngine;

export function createDispatcher(deps: { db: Database; databaseUrl: string; notifier: Notifier; logger: Logger; metrics: Metrics; sweepMs: number }): Dispatcher {
  return createRoutingEngine(deps);
}
