/**
 * Every PostgreSQL advisory-lock id Sentral takes, in one place so two features never pick the same number.
 * The values are arbitrary but fixed: processes of different versions must agree on them, so never renumber one.
 * (Locks keyed per row, such as the outbound acknowledgement lock on `hashtext('ack:<address>')`, are not listed.)
 */
export const advisoryLocks = {
  /** Session lock around applying migrations: hub processes starting at once wait, one applies, the rest see it done. */
  migrations: 72_190_331,
  /** Transaction lock taken by every routing claim, and by anything else that adds to an agent's load directly, so capacity checks never interleave. */
  dispatch: 72_190_332,
  /** Session lock around the demo seed at start-up: replicas starting together seed once. */
  startupSeed: 72_190_333,
  /** Session lock held by the one process that routes; another takes over when that process goes. */
  router: 72_190_334,
  /** Transaction lock held by the process that recomputes customer segments this round; the others skip it. */
  segmentSchedule: 72_190_340,
  /** Transaction lock inside the demo-tenant seed itself: only the first caller writes the tenant. */
  demoTenantSeed: 40_270_226,
} as const;
