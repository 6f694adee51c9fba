import {
  kpiHigherIsBetter,
  type AgentStatus,
  type KpiMetric,
  type KpiPeriod,
  type KpiProgress,
  type QueueStats,
  type StaffingAdvice,
  type SupervisorStats,
  type TodaySeries,
} from '@sentral/contract';
import type { Database } from '@sentral/db';
import { intervalStarts, nextStart, startOf } from './calendar.ts';
import { agentsRequired, serviceLevel as erlangServiceLevel } from './erlang.ts';
import {
  addContact,
  containmentRate,
  emptyTally,
  enteredAt,
  isOffered,
  isWaiting,
  mergeTallies,
  queueNow,
  ratesOf,
  topCounts,
  type ContactFacts,
  type Rates,
  type Tally,
} from './metrics.ts';
import { eventsAfter, loadAgentsNow, loadContactFacts, loadWaitingContacts, timelineVersion, type AgentNow } from './store.ts';

/** The default service-level goal when the business set none: 80 % answered within the queue's threshold. */
export const DEFAULT_SERVICE_LEVEL_TARGET = 0.8;
/** Handling time assumed for staffing until the queue has handled contacts today. */
export const DEFAULT_AHT_SECONDS = 180;
/** The arrival rate behind the staffing advice is measured over this window. */
export const ARRIVAL_WINDOW_SECONDS = 30 * 60;
/** How many waiting contacts the wallboard lists. */
const WAITING_LISTED = 100;
/**
 * Today's facts are read whole at midnight and then at most this often, as a backstop for changes no
 * timeline event marks; in between only the contacts whose timelines changed are read again.
 */
const FULL_RELOAD_MS = 30 * 60_000;
// Event ids are handed out before their transactions commit, so a slow transaction can make a lower
// id visible after a higher one: the ids this far below the newest seen are looked at again.
const EVENT_LOOKBACK = 1_000n;
/** More changed contacts than this at once are cheaper to read as a whole day. */
const MAX_INCREMENTAL = 5_000;
// Closed days of longer KPI periods change rarely (a late rating); they are re-read this often.
const HISTORY_TTL_MS = 5 * 60_000;

interface QueueDay {
  /** Today's figures (contacts that entered the queue today). */
  tally: Tally;
  waiting: ContactFacts[];
  /** When each loaded contact entered the queue (ms), ascending: the staffing advice counts the last half hour. */
  arrivals: number[];
  contacts: ContactFacts[];
}

interface Day {
  start: number;
  loadedAt: number;
  /** The newest timeline event the facts reflect, and the event ids seen just below it. */
  version: bigint;
  seen: Set<bigint>;
  facts: Map<string, ContactFacts>;
  derived: { signature: string; queues: Map<string, QueueDay> } | null;
}

interface QueueRow {
  id: string;
  name: string;
  serviceLevelSeconds: number;
}

export interface Wallboard {
  /** The live figures of every queue and agent. */
  snapshot(now?: Date): Promise<SupervisorStats>;
  /** Today's charts per queue: offered, peak waiting and service level per 15 minutes. */
  today(now?: Date): Promise<TodaySeries[]>;
}

export function createWallboard(deps: { db: Database; timeZone: string; wrapUpSeconds: number }): Wallboard {
  const { db, timeZone, wrapUpSeconds } = deps;
  let day: Day | null = null;
  const history = new Map<string, { loadedAt: number; tallies: Map<string, Tally> }>();

  /**
   * Today's contacts, the last half hour's and every one still waiting. Read whole once (again at
   * midnight and every few minutes, for changes no timeline event marks); in between only the
   * contacts whose timelines gained events are read again.
   */
  async function liveDay(now: Date): Promise<Day> {
    const dayStart = startOf('day', now, timeZone).getTime();
    if (day && day.start === dayStart && now.getTime() - day.loadedAt < FULL_RELOAD_MS) {
      const events = await eventsAfter(db, day.version - EVENT_LOOKBACK);
      const current = day;
      const fresh = events.filter((event) => !current.seen.has(event.id));
      if (fresh.length === 0) return current;
      const changed = [...new Set(fresh.map((event) => event.contactId))];
      if (changed.length <= MAX_INCREMENTAL) {
        for (const contact of await loadContactFacts(db, { ids: changed, wrapUpCapSeconds: wrapUpSeconds })) current.facts.set(contact.id, contact);
        remember(current, events);
        current.derived = null;
        return current;
      }
    }
    const version = await timelineVersion(db);
    const from = new Date(Math.min(dayStart, now.getTime() - ARRIVAL_WINDOW_SECONDS * 1000));
    const [contacts, events] = await Promise.all([
      loadContactFacts(db, { from, to: new Date(now.getTime() + 60_000), includeWaiting: true, wrapUpCapSeconds: wrapUpSeconds }),
      eventsAfter(db, version - EVENT_LOOKBACK),
    ]);
    day = { start: dayStart, loadedAt: now.getTime(), version, seen: new Set(), facts: new Map(contacts.map((contact) => [contact.id, contact])), derived: null };
    remember(day, events);
    return day;
  }

  /** The newest event id and the ids within the look-back window below it, to tell the next round what is new. */
  function remember(current: Day, events: Array<{ id: bigint }>): void {
    for (const event of events) if (event.id > current.version) current.version = event.id;
    current.seen = new Set(events.filter((event) => event.id > current.version - EVENT_LOOKBACK).map((event) => event.id));
  }

  /** Per-queue figures of the day's facts, worked out once per change of the facts or the thresholds. */
  function derive(current: Day, queues: QueueRow[]): Map<string, QueueDay> {
    const signature = queues.map((queue) => `${queue.id}:${queue.serviceLevelSeconds}`).join(',');
    if (current.derived?.signature === signature) return current.derived.queues;
    const thresholdOf = thresholdLookup(queues);
    const perQueue = new Map<string, QueueDay>();
    for (const contact of current.facts.values()) {
      let entry = perQueue.get(contact.queueId);
      if (!entry) perQueue.set(contact.queueId, (entry = { tally: emptyTally(), waiting: [], arrivals: [], contacts: [] }));
      entry.contacts.push(contact);
      if (isWaiting(contact)) entry.waiting.push(contact);
      if (!isOffered(contact)) {
        // Self-service that never reached a queue: counted in its own figures, none of the queue's.
        if (contact.selfService && contact.createdAt.getTime() >= current.start) addContact(entry.tally, contact, thresholdOf(contact.queueId));
        continue;
      }
      const entered = enteredAt(contact).getTime();
      entry.arrivals.push(entered);
      if (entered >= current.start) addContact(entry.tally, contact, thresholdOf(contact.queueId));
    }
    for (const entry of perQueue.values()) entry.arrivals.sort((a, b) => a - b);
    current.derived = { signature, queues: perQueue };
    return perQueue;
  }

  /** Per-queue tallies of a longer period's days before today. */
  async function closedDays(period: KpiPeriod, now: Date, thresholdOf: (queueId: string) => number): Promise<Map<string, Tally>> {
    const from = startOf(period, now, timeZone);
    const to = startOf('day', now, timeZone);
    const key = `${period}:${from.toISOString()}:${to.toISOString()}`;
    const cached = history.get(key);
    if (cached && now.getTime() - cached.loadedAt < HISTORY_TTL_MS) return cached.tallies;
    const tallies = new Map<string, Tally>();
    if (from < to) {
      for (const contact of await loadContactFacts(db, { from, to, wrapUpCapSeconds: wrapUpSeconds })) {
        let tally = tallies.get(contact.queueId);
        if (!tally) tallies.set(contact.queueId, (tally = emptyTally()));
        addContact(tally, contact, thresholdOf(contact.queueId));
      }
    }
    for (const old of history.keys()) if (old.startsWith(`${period}:`)) history.delete(old);
    history.set(key, { loadedAt: now.getTime(), tallies });
    return tallies;
  }

  async function snapshot(now = new Date()): Promise<SupervisorStats> {
    const [queues, targets, agents, current, waiting, overdue] = await Promise.all([
      db.queue.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, serviceLevelSeconds: true } }),
      db.kpiTarget.findMany({ orderBy: [{ queueId: 'asc' }, { period: 'asc' }, { metric: 'asc' }] }),
      loadAgentsNow(db, now, wrapUpSeconds),
      liveDay(now),
      loadWaitingContacts(db, WAITING_LISTED),
      overduePerQueue(db, now),
    ]);
    const thresholdOf = thresholdLookup(queues);
    const perQueue = derive(current, queues);
    const longer = new Map<KpiPeriod, Map<string, Tally>>();
    for (const period of new Set(targets.map((target) => target.period))) {
      if (period !== 'day') longer.set(period, await closedDays(period, now, thresholdOf));
    }

    const stats = queues.map((queue): QueueStats => {
      const entry = perQueue.get(queue.id) ?? { tally: emptyTally(), waiting: [], arrivals: [], contacts: [] };
      const tally = entry.tally;
      const rates = ratesOf(tally);
      const ownTargets = targets.filter((target) => target.queueId === queue.id);
      const slTarget = ownTargets.find((target) => target.period === 'day' && target.metric === 'serviceLevel')?.target ?? DEFAULT_SERVICE_LEVEL_TARGET;
      const members = agents.filter((agent) => agent.queues.includes(queue.id));
      const count = (activity: AgentNow['activity']) => members.filter((agent) => agent.activity === activity).length;
      const byActivity = { available: count('available'), busy: count('busy'), away: count('away'), wrapup: count('wrapup'), offline: count('offline') };
      const staffed = byActivity.available + byActivity.busy + byActivity.wrapup;
      const queueState = queueNow(entry.waiting, now);
      return {
        id: queue.id,
        name: queue.name,
        waiting: queueState.waiting,
        // Whole seconds: the push goes out when a figure changes, not on every millisecond.
        longestWaitSeconds: Math.floor(queueState.longestWaitSeconds),
        overdue: overdue.get(queue.id) ?? 0,
        serviceLevel: rates.serviceLevel,
        asaSeconds: rates.asaSeconds,
        ahtSeconds: rates.ahtSeconds,
        abandonRate: rates.abandonRate,
        agents: byActivity,
        serviceLevelSeconds: queue.serviceLevelSeconds,
        serviceLevelTarget: slTarget,
        offered: tally.offered,
        answered: tally.answered,
        abandoned: tally.abandoned,
        satisfaction: rates.satisfaction,
        occupancy: staffed ? (byActivity.busy + byActivity.wrapup) / staffed : null,
        staffing: staffingAdvice({
          arrivalsPerSecond: arrivalsWithin(entry.arrivals, now, ARRIVAL_WINDOW_SECONDS) / ARRIVAL_WINDOW_SECONDS,
          ahtSeconds: rates.ahtSeconds ?? DEFAULT_AHT_SECONDS,
          targetServiceLevel: slTarget,
          thresholdSeconds: queue.serviceLevelSeconds,
          staffed,
        }),
        selfService: {
          contacts: tally.selfService,
          selfServed: tally.selfServed,
          transferred: tally.selfServiceTransferred,
          abandoned: tally.selfServiceAbandoned,
          containmentRate: containmentRate(tally),
          topActions: topCounts(tally.selfServiceActions).map(({ key, count }) => ({ action: key, contacts: count })),
          exits: topCounts(tally.selfServiceExits).map(({ key, count }) => ({ step: key, contacts: count })),
        },
        targets: ownTargets.map((target) => {
          const periodTally = target.period === 'day' ? tally : mergeTallies(mergeTallies(emptyTally(), longer.get(target.period)?.get(queue.id) ?? emptyTally()), tally);
          return kpiProgress(target, ratesOf(periodTally), startOf(target.period, now, timeZone));
        }),
      };
    });
    return { at: now.toISOString(), queues: stats, agents: agents.map(toAgentStatus), waiting };
  }

  async function today(now = new Date()): Promise<TodaySeries[]> {
    const [queues, current] = await Promise.all([
      db.queue.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, serviceLevelSeconds: true } }),
      liveDay(now),
    ]);
    const thresholdOf = thresholdLookup(queues);
    const perQueue = derive(current, queues);
    const starts = intervalStarts('15m', new Date(current.start), now, timeZone);
    return queues.map((queue) => {
      const inQueue = (perQueue.get(queue.id)?.contacts ?? []).filter(isOffered);
      return {
        queueId: queue.id,
        points: starts.map((start) => {
          const end = new Date(Math.min(nextStart('15m', start, timeZone).getTime(), now.getTime()));
          const tally = emptyTally();
          for (const contact of inQueue) {
            const entered = enteredAt(contact);
            if (entered >= start && entered < end) addContact(tally, contact, thresholdOf(queue.id));
          }
          return { start: start.toISOString(), offered: tally.offered, peakWaiting: peakWaiting(inQueue, start, end), serviceLevel: ratesOf(tally).serviceLevel };
        }),
      };
    });
  }

  return { snapshot, today };
}

function thresholdLookup(queues: QueueRow[]): (queueId: string) => number {
  const thresholds = new Map(queues.map((queue) => [queue.id, queue.serviceLevelSeconds]));
  return (queueId) => thresholds.get(queueId) ?? 20;
}

/** How many of the ascending `times` (ms) fall in the `windowSeconds` before `now`. */
export function arrivalsWithin(times: readonly number[], now: Date, windowSeconds: number): number {
  const after = now.getTime() - windowSeconds * 1000;
  return upperBound(times, now.getTime()) - upperBound(times, after);
}

/** The index of the first element greater than `value` in an ascending array. */
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Open contacts per queue whose first answer is overdue (waiting, offered, or accepted and not yet
 * answered). The open states are few next to the day's contacts, and the status index finds them.
 */
async function overduePerQueue(db: Database, now: Date): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<Array<{ queueId: string; n: number }>>`
    SELECT "queueId", count(*)::int AS n FROM "Contact"
    WHERE status IN ('queued', 'offered', 'accepted') AND "firstResponseDueAt" <= ${now}::timestamp AND "firstRespondedAt" IS NULL
    GROUP BY 1`;
  return new Map(rows.map((row) => [row.queueId, row.n]));
}

/** The most contacts waiting at the same moment within [start, end): a sweep over entries and departures. */
export function peakWaiting(contacts: ContactFacts[], start: Date, end: Date): number {
  const changes: Array<[number, number]> = [];
  let waiting = 0;
  for (const contact of contacts) {
    const entered = enteredAt(contact).getTime();
    const left = (contact.acceptedAt ?? contact.endedAt)?.getTime() ?? Number.POSITIVE_INFINITY;
    if (entered >= end.getTime() || left <= start.getTime()) continue;
    if (entered <= start.getTime()) waiting += 1;
    else changes.push([entered, +1]);
    if (left < end.getTime()) changes.push([left, -1]);
  }
  // Departures before arrivals at the same instant: a contact answered as another arrives is not two waiting.
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let peak = waiting;
  for (const [, change] of changes) {
    waiting += change;
    peak = Math.max(peak, waiting);
  }
  return peak;
}

export function staffingAdvice(input: {
  arrivalsPerSecond: number;
  ahtSeconds: number;
  targetServiceLevel: number;
  thresholdSeconds: number;
  staffed: number;
}): StaffingAdvice {
  const trafficErlangs = input.arrivalsPerSecond * input.ahtSeconds;
  // A target of 100 % cannot be reached by any finite number of agents; staff for 99.9 %.
  const target = Math.min(input.targetServiceLevel, 0.999);
  return {
    required: agentsRequired({ ...input, targetServiceLevel: target }),
    staffed: input.staffed,
    arrivalsPerHour: input.arrivalsPerSecond * 3600,
    ahtSeconds: input.ahtSeconds,
    trafficErlangs,
    targetServiceLevel: input.targetServiceLevel,
    expectedServiceLevel:
      trafficErlangs > 0
        ? erlangServiceLevel({ trafficErlangs, agents: input.staffed, ahtSeconds: input.ahtSeconds, thresholdSeconds: input.thresholdSeconds })
        : null,
  };
}

export function kpiProgress(target: { period: KpiPeriod; metric: KpiMetric; target: number }, rates: Rates, since: Date): KpiProgress {
  const actual = rates[target.metric];
  const met = actual === null ? null : kpiHigherIsBetter[target.metric] ? actual >= target.target : actual <= target.target;
  return { period: target.period, metric: target.metric, target: target.target, actual, met, since: since.toISOString() };
}

function toAgentStatus(agent: AgentNow): AgentStatus {
  return {
    id: agent.id,
    name: agent.name,
    activity: agent.activity,
    since: agent.since.toISOString(),
    reason: agent.reason,
    queues: agent.queues,
    contacts: agent.contacts.map((contact) => ({ id: contact.id, channel: contact.channel, queue: contact.queueId, status: contact.status, since: contact.since.toISOString() })),
  };
}
