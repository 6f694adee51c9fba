import type { Channel } from '@sentral/contract';

/** How a contact ended as the customer saw it: the hub ended it, or the customer left. */
export type Outcome = 'ended' | 'left';

export interface SimulationCounts {
  /** Contacts the hub stored (the customer's first message was acknowledged). */
  contacts: number;
  /** Offers the agents received, re-offers after a rejection included. */
  offers: number;
  accepted: number;
  rejected: number;
  /** Offers taken back by the hub before the agent answered (expired, customer left). */
  withdrawn: number;
  ended: number;
  abandoned: number;
  /** Customers or agents whose call to the hub failed. */
  failed: number;
}

export interface LatencySummary {
  n: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface StatusSnapshot extends SimulationCounts {
  elapsedSeconds: number;
  waiting: number;
  talking: number;
  offerLatency: LatencySummary;
}

/** Nearest-rank percentile of ascending samples; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function summariseLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? null };
}

type Phase = 'waiting' | 'talking';

/**
 * What both sides of the simulation saw. Times are `performance.now()` of this process, so the
 * customer's send and the agent's receipt are on one clock: arrival → offer is measured end to end.
 */
export class Recorder {
  readonly counts: SimulationCounts = { contacts: 0, offers: 0, accepted: 0, rejected: 0, withdrawn: 0, ended: 0, abandoned: 0, failed: 0 };
  readonly contactIds: string[] = [];
  readonly byChannel = new Map<Channel, { contacts: number; ended: number; abandoned: number; latenciesMs: number[] }>();
  private readonly latencies: number[] = [];
  private readonly errors = new Map<string, number>();
  private readonly phases = new Map<string, Phase>();
  private readonly channels = new Map<string, Channel>();
  private readonly arrivedAt = new Map<string, number>();
  // The offer can overtake the acknowledgement of the message that created the contact.
  private readonly offeredBeforeArrival = new Map<string, number>();
  private readonly offered = new Set<string>();
  // Customers who left while waiting; an acceptance that crossed their leaving turns them into ended.
  private readonly leftWaiting = new Set<string>();
  private startedAt = performance.now();
  private firstSentAt: number | null = null;
  private lastFirstOfferAt: number | null = null;

  /** Elapsed time counts from here (after signing in, when the first customer may arrive). */
  start(): void {
    this.startedAt = performance.now();
  }

  arrived(channel: Channel, contactId: string, sentAt: number): void {
    if (this.channels.has(contactId)) return;
    this.counts.contacts++;
    this.contactIds.push(contactId);
    this.channels.set(contactId, channel);
    this.phases.set(contactId, 'waiting');
    this.channelStats(channel).contacts++;
    this.arrivedAt.set(contactId, sentAt);
    this.firstSentAt = Math.min(this.firstSentAt ?? sentAt, sentAt);
    const early = this.offeredBeforeArrival.get(contactId);
    if (early !== undefined) {
      this.offeredBeforeArrival.delete(contactId);
      this.observeLatency(contactId, early - sentAt);
    }
  }

  offer(contactId: string, receivedAt: number): void {
    this.counts.offers++;
    if (this.offered.has(contactId)) return;
    this.offered.add(contactId);
    this.lastFirstOfferAt = receivedAt;
    const sentAt = this.arrivedAt.get(contactId);
    if (sentAt === undefined) this.offeredBeforeArrival.set(contactId, receivedAt);
    else this.observeLatency(contactId, receivedAt - sentAt);
  }

  accepted(contactId: string): void {
    this.counts.accepted++;
    if (this.phases.has(contactId)) this.phases.set(contactId, 'talking');
    if (this.leftWaiting.delete(contactId)) {
      this.tally(contactId, 'abandoned', -1);
      this.tally(contactId, 'ended', 1);
    }
  }

  rejected(): void {
    this.counts.rejected++;
  }

  withdrawn(): void {
    this.counts.withdrawn++;
  }

  closed(contactId: string, outcome: Outcome): void {
    const phase = this.phases.get(contactId);
    if (!phase) return;
    this.phases.delete(contactId);
    this.arrivedAt.delete(contactId);
    const abandoned = outcome === 'left' && phase === 'waiting';
    if (abandoned) this.leftWaiting.add(contactId);
    this.tally(contactId, abandoned ? 'abandoned' : 'ended', 1);
  }

  failed(reason: string): void {
    this.counts.failed++;
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  /** Contacts not yet over from the customer's side. */
  open(): number {
    return this.phases.size;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Contacts offered per second, from the first customer's message to the last first offer. */
  offeredPerSecond(): number | null {
    if (this.firstSentAt === null || this.lastFirstOfferAt === null || this.lastFirstOfferAt <= this.firstSentAt) return null;
    return this.offered.size / ((this.lastFirstOfferAt - this.firstSentAt) / 1000);
  }

  latencySamples(): readonly number[] {
    return this.latencies;
  }

  /** The most frequent failure reasons, most frequent first. */
  topErrors(limit = 5): Array<{ reason: string; count: number }> {
    return [...this.errors].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([reason, count]) => ({ reason, count }));
  }

  snapshot(): StatusSnapshot {
    let waiting = 0;
    for (const phase of this.phases.values()) if (phase === 'waiting') waiting++;
    return {
      ...this.counts,
      elapsedSeconds: this.elapsedSeconds(),
      waiting,
      talking: this.phases.size - waiting,
      offerLatency: summariseLatencies(this.latencies),
    };
  }

  private observeLatency(contactId: string, ms: number): void {
    this.latencies.push(ms);
    const channel = this.channels.get(contactId);
    if (channel) this.channelStats(channel).latenciesMs.push(ms);
  }

  private tally(contactId: string, outcome: 'ended' | 'abandoned', change: 1 | -1): void {
    this.counts[outcome] += change;
    const channel = this.channels.get(contactId);
    if (channel) this.channelStats(channel)[outcome] += change;
  }

  private channelStats(channel: Channel) {
    let stats = this.byChannel.get(channel);
    if (!stats) {
      stats = { contacts: 0, ended: 0, abandoned: 0, latenciesMs: [] };
      this.byChannel.set(channel, stats);
    }
    return stats;
  }
}
