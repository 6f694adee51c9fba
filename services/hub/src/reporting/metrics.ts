import type { Channel, Segment } from '@sentral/contract';

/**
 * The contact-centre figures, defined once and computed from stored contact timelines. The live
 * wallboard, the KPI progress and the historical reports all go through these functions, so a
 * figure means the same wherever it is shown.
 *
 * Definitions (the contact counts in the interval in which it entered its queue):
 * - offered: contacts that entered a queue (were queued, or left while waiting);
 * - answered: offered contacts an agent accepted; abandoned: the customer left while waiting;
 * - service level: answered within the threshold ÷ (answered + abandoned); the threshold is the
 *   queue's (e.g. 20 s), or for a contact with a response due time (email, fax) that due time;
 * - abandonment rate: abandoned ÷ (answered + abandoned);
 * - speed of answer: accepted − queued, averaged over answered contacts (ASA);
 * - handling time: accepted → ended plus the wrap-up after it, averaged over ended contacts (AHT);
 * - satisfaction: the mean of the 1–10 ratings given.
 * Contacts still waiting count as offered but in none of the ratios until they are answered or leave.
 *
 * Self-service (IVR, chat bot), counted in the interval the contact arrived in:
 * - self-service contacts: contacts that started in self-service;
 * - self-served: ended there with an answer; transferred: handed to an agent's queue; abandoned in
 *   self-service: left there without one (not a queue abandonment);
 * - containment rate: self-served ÷ (self-served + transferred + abandoned in self-service);
 * - actions: how many contacts used each self-service action; exits: where abandoned ones left.
 * A self-served or abandoned-in-self-service contact never entered a queue, so it is not offered and
 * changes none of the queue figures above; a transferred one counts there from the moment it is queued.
 */
export interface ContactFacts {
  id: string;
  queueId: string;
  channel: Channel;
  /** The agent who answered it (null when nobody did). */
  agentId: string | null;
  /** The customer's segment; null for unidentified customers. */
  segment: Segment | null;
  status: string;
  createdAt: Date;
  queuedAt: Date | null;
  acceptedAt: Date | null;
  endedAt: Date | null;
  /** After-contact work in seconds (ended → wrapped up); 0 when none was recorded. */
  wrapUpSeconds: number;
  /** Seconds from entering the queue to the promised first response (email, fax); null: the queue's threshold applies. */
  dueSeconds: number | null;
  transfers: number;
  rating: number | null;
  /** Set when the contact started in self-service. */
  selfService?: SelfServiceFacts | null;
}

export interface SelfServiceFacts {
  /** `voice:<dialled number>` or `chat:<queue>`. */
  entryPoint: string;
  /** The self-service actions the customer used (each once). */
  actions: string[];
  /** Where a customer who left mid-flow was (e.g. `verify-secret`). */
  leftAt: string | null;
}

/** Sums from which every rate follows; tallies add up, so intervals and groups merge exactly. */
export interface Tally {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  waitSeconds: number;
  handled: number;
  handleSeconds: number;
  transfers: number;
  ratings: number;
  ratingSum: number;
  selfService: number;
  selfServed: number;
  selfServiceTransferred: number;
  selfServiceAbandoned: number;
  /** Contacts per self-service action, and abandoned ones per step left at. */
  selfServiceActions: Record<string, number>;
  selfServiceExits: Record<string, number>;
}

export interface Rates {
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
  satisfaction: number | null;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** When the contact started waiting: queued, or created when it left before it was queued. */
export function enteredAt(contact: Pick<ContactFacts, 'queuedAt' | 'createdAt'>): Date {
  return contact.queuedAt ?? contact.createdAt;
}

export function isOffered(contact: ContactFacts): boolean {
  return contact.queuedAt !== null || contact.status === 'abandoned';
}

export function isWaiting(contact: Pick<ContactFacts, 'status'>): boolean {
  return contact.status === 'queued' || contact.status === 'offered';
}

export function emptyTally(): Tally {
  return {
    offered: 0,
    answered: 0,
    answeredWithinThreshold: 0,
    abandoned: 0,
    waitSeconds: 0,
    handled: 0,
    handleSeconds: 0,
    transfers: 0,
    ratings: 0,
    ratingSum: 0,
    selfService: 0,
    selfServed: 0,
    selfServiceTransferred: 0,
    selfServiceAbandoned: 0,
    selfServiceActions: {},
    selfServiceExits: {},
  };
}

/** Whether a contact counts in any figure: it entered a queue, or it started in self-service. */
export function isCounted(contact: ContactFacts): boolean {
  return isOffered(contact) || Boolean(contact.selfService);
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

function addSelfService(tally: Tally, contact: ContactFacts, facts: SelfServiceFacts): void {
  tally.selfService += 1;
  for (const action of new Set(facts.actions)) bump(tally.selfServiceActions, action);
  if (contact.status === 'self-served') tally.selfServed += 1;
  else if (contact.status === 'abandoned-in-self-service') {
    tally.selfServiceAbandoned += 1;
    bump(tally.selfServiceExits, facts.leftAt ?? 'unknown');
  } else if (contact.status !== 'self-service') tally.selfServiceTransferred += 1;
}

/** Adds one contact to a tally in place; `thresholdSeconds` is its queue's service-level threshold. */
export function addContact(tally: Tally, contact: ContactFacts, thresholdSeconds: number): Tally {
  if (contact.selfService) addSelfService(tally, contact, contact.selfService);
  if (!isOffered(contact)) return tally;
  tally.offered += 1;
  tally.transfers += contact.transfers;
  if (contact.rating !== null) {
    tally.ratings += 1;
    tally.ratingSum += contact.rating;
  }
  if (contact.acceptedAt) {
    const wait = Math.max(0, seconds(enteredAt(contact), contact.acceptedAt));
    tally.answered += 1;
    tally.waitSeconds += wait;
    if (wait <= (contact.dueSeconds ?? thresholdSeconds)) tally.answeredWithinThreshold += 1;
    if (contact.endedAt && contact.status === 'ended') {
      tally.handled += 1;
      tally.handleSeconds += Math.max(0, seconds(contact.acceptedAt, contact.endedAt)) + contact.wrapUpSeconds;
    }
  } else if (contact.status === 'abandoned') {
    tally.abandoned += 1;
  }
  return tally;
}

type CountKey = { [K in keyof Tally]: Tally[K] extends number ? K : never }[keyof Tally];

export function mergeTallies(into: Tally, other: Tally): Tally {
  for (const key of Object.keys(into) as Array<keyof Tally>) {
    const value = other[key];
    if (typeof value === 'number') into[key as CountKey] += value;
  }
  for (const [action, count] of Object.entries(other.selfServiceActions)) into.selfServiceActions[action] = (into.selfServiceActions[action] ?? 0) + count;
  for (const [step, count] of Object.entries(other.selfServiceExits)) into.selfServiceExits[step] = (into.selfServiceExits[step] ?? 0) + count;
  return into;
}

/** The most frequent keys of a count table, most first (ties by name). */
export function topCounts(counts: Record<string, number>, limit = 5): Array<{ key: string; count: number }> {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([key, count]) => ({ key, count }));
}

export function ratesOf(tally: Tally): Rates {
  const finished = tally.answered + tally.abandoned;
  return {
    serviceLevel: finished ? tally.answeredWithinThreshold / finished : null,
    asaSeconds: tally.answered ? tally.waitSeconds / tally.answered : null,
    ahtSeconds: tally.handled ? tally.handleSeconds / tally.handled : null,
    abandonRate: finished ? tally.abandoned / finished : null,
    satisfaction: tally.ratings ? tally.ratingSum / tally.ratings : null,
  };
}

/** Self-served ÷ every self-service contact that has finished there or been handed over; null when none. */
export function containmentRate(tally: Tally): number | null {
  const finished = tally.selfServed + tally.selfServiceTransferred + tally.selfServiceAbandoned;
  return finished ? tally.selfServed / finished : null;
}

/** The current queue: how many wait now and how long the longest has waited (seconds). */
export function queueNow(contacts: Iterable<ContactFacts>, now: Date): { waiting: number; longestWaitSeconds: number } {
  let waiting = 0;
  let oldest: Date | null = null;
  for (const contact of contacts) {
    if (!isWaiting(contact)) continue;
    waiting += 1;
    const since = enteredAt(contact);
    if (!oldest || since < oldest) oldest = since;
  }
  return { waiting, longestWaitSeconds: oldest ? Math.max(0, seconds(oldest, now)) : 0 };
}
