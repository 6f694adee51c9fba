/**
 * Erlang C for staffing a queue: how many agents are needed so that a target share of contacts
 * is answered within a threshold. Erlang C is computed from Erlang B, whose recursion
 * B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)) never forms factorials or powers, so it stays
 * exact and finite for thousands of agents where the textbook formula overflows.
 */

export interface ErlangInput {
  /** Offered traffic in Erlangs: arrivals per second × average handling time in seconds. */
  trafficErlangs: number;
  agents: number;
}

/** Blocking probability of an M/M/N/N system (Erlang B). */
export function erlangB({ trafficErlangs: a, agents }: ErlangInput): number {
  assertInput(a, agents);
  let blocking = 1;
  for (let n = 1; n <= agents; n += 1) blocking = (a * blocking) / (n + a * blocking);
  return blocking;
}

/** Probability that a contact has to wait (Erlang C); 1 when the agents cannot keep up with the traffic. */
export function probabilityOfWaiting(input: ErlangInput): number {
  const { trafficErlangs: a, agents: n } = input;
  assertInput(a, n);
  if (a === 0) return 0;
  if (n <= a) return 1;
  const blocking = erlangB(input);
  return (n * blocking) / (n - a * (1 - blocking));
}

/** Share of contacts answered within `thresholdSeconds`. */
export function serviceLevel(input: ErlangInput & { ahtSeconds: number; thresholdSeconds: number }): number {
  const { trafficErlangs: a, agents: n, ahtSeconds, thresholdSeconds } = input;
  assertInput(a, n);
  assertDuration(ahtSeconds, thresholdSeconds);
  if (a === 0) return 1;
  if (n <= a) return 0;
  return 1 - probabilityOfWaiting(input) * Math.exp((-(n - a) * thresholdSeconds) / ahtSeconds);
}

/** Average speed of answer in seconds, over all contacts (those answered at once count as 0). */
export function averageSpeedOfAnswer(input: ErlangInput & { ahtSeconds: number }): number {
  const { trafficErlangs: a, agents: n, ahtSeconds } = input;
  assertInput(a, n);
  assertDuration(ahtSeconds, 0);
  if (a === 0) return 0;
  if (n <= a) return Number.POSITIVE_INFINITY;
  return (probabilityOfWaiting(input) * ahtSeconds) / (n - a);
}

export interface StaffingInput {
  arrivalsPerSecond: number;
  ahtSeconds: number;
  /** Target share answered within the threshold, e.g. 0.8. */
  targetServiceLevel: number;
  thresholdSeconds: number;
}

/** Beyond this many agents the advice is no longer useful; it also bounds the search. */
const MAX_AGENTS = 100_000;

/**
 * The fewest agents that reach the target service level. Service level grows with every agent
 * added above the traffic, so the first N that reaches the target is the answer.
 */
export function agentsRequired(input: StaffingInput): number {
  const { arrivalsPerSecond, ahtSeconds, targetServiceLevel, thresholdSeconds } = input;
  if (!(arrivalsPerSecond >= 0) || !Number.isFinite(arrivalsPerSecond)) throw new RangeError('arrivalsPerSecond must be a finite number >= 0');
  if (!(targetServiceLevel >= 0 && targetServiceLevel < 1)) throw new RangeError('targetServiceLevel must be in [0, 1)');
  assertDuration(ahtSeconds, thresholdSeconds);
  const trafficErlangs = arrivalsPerSecond * ahtSeconds;
  if (trafficErlangs === 0) return 0;
  for (let agents = Math.floor(trafficErlangs) + 1; agents <= MAX_AGENTS; agents += 1) {
    if (serviceLevel({ trafficErlangs, agents, ahtSeconds, thresholdSeconds }) >= targetServiceLevel) return agents;
  }
  throw new RangeError(`more than ${MAX_AGENTS} agents would be needed`);
}

function assertInput(trafficErlangs: number, agents: number): void {
  if (!(trafficErlangs >= 0) || !Number.isFinite(trafficErlangs)) throw new RangeError('trafficErlangs must be a finite number >= 0');
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError('agents must be a whole number >= 0');
}

function assertDuration(ahtSeconds: number, thresholdSeconds: number): void {
  if (!(ahtSeconds > 0) || !Number.isFinite(ahtSeconds)) throw new RangeError('ahtSeconds must be a finite number > 0');
  if (!(thresholdSeconds >= 0) || !Number.isFinite(thresholdSeconds)) throw new RangeError('thresholdSeconds must be a finite number >= 0');
}
