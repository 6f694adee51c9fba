import type { LatencySummary, StatusSnapshot } from './recorder.ts';
import type { SimulationSummary } from './simulation.ts';

const ms = (value: number | null) => (value === null ? '-' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function latencyText(latency: LatencySummary): string {
  return latency.n === 0 ? 'no offers yet' : `p50 ${ms(latency.p50Ms)}  p99 ${ms(latency.p99Ms)}`;
}

/** The live line: what is happening now, short enough for one terminal line. */
export function statusLine(status: StatusSnapshot): string {
  return [
    `${status.elapsedSeconds.toFixed(0).padStart(4)}s`,
    `contacts ${status.contacts}`,
    `waiting ${status.waiting}`,
    `talking ${status.talking}`,
    `offers ${status.offers}`,
    `accepted ${status.accepted}`,
    `ended ${status.ended}`,
    `abandoned ${status.abandoned}`,
    ...(status.failed ? [`failed ${status.failed}`] : []),
    `offer ${latencyText(status.offerLatency)}`,
  ].join('  ');
}

export function summaryText(summary: SimulationSummary): string {
  const { counts } = summary;
  const rows: Array<[string, string]> = [
    ['contacts', `${counts.contacts} (${summary.contactsPerSecond.toFixed(2)}/s over ${summary.arrivalSeconds.toFixed(1)} s)`],
    ['offers', String(counts.offers)],
    ['accepted', String(counts.accepted)],
    ['rejected', String(counts.rejected)],
    ['withdrawn', String(counts.withdrawn)],
    ['ended', String(counts.ended)],
    ['abandoned', String(counts.abandoned)],
    ['failed', String(counts.failed)],
    ['offer latency', `${latencyText(summary.offerLatency)}  max ${ms(summary.offerLatency.maxMs)}  (customer's first message → offer at the agent, n=${summary.offerLatency.n})`],
  ];
  const channels = Object.entries(summary.byChannel);
  if (channels.length > 1) {
    for (const [channel, stats] of channels) {
      rows.push([`  ${channel}`, `${stats.contacts} contacts, ${stats.ended} ended, ${stats.abandoned} abandoned, offer ${latencyText(stats.offerLatency)}`]);
    }
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Simulated ${summary.channels.join(', ')} against ${summary.url} with ${plural(summary.agents, 'agent')} and ${plural(summary.knownCustomers, 'seeded customer')} for ${summary.elapsedSeconds.toFixed(1)} s`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ...summary.errors.map((error) => `  failure: ${error.reason} (${error.count}x)`),
  ].join('\n');
}
