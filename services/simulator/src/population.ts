import { languages, type Channel, type Language } from '@sentral/contract';
import type { HubQueue, ListedCustomer } from './hub-client.ts';
import type { RosterEntry } from './roster.ts';
import type { SimulatedCustomer } from './channels/driver.ts';
import { pick, sampleTexts } from './texts.ts';

const asLanguage = (value: string | null | undefined): Language => (languages as readonly string[]).includes(value ?? '') ? (value as Language) : 'nb';

// Who visits without being a customer yet: mostly Norwegians and Danes, some in English.
const visitorLanguages: readonly Language[] = ['nb', 'nb', 'nb', 'nb', 'nb', 'da', 'da', 'da', 'en', 'en'];

/**
 * Draws the customers who reach the hub: seeded customers (by the email the hub knows them by, so
 * the screen pop shows their orders and invoices) or visitors the hub has never seen.
 */
export class Population {
  private readonly known: ListedCustomer[];
  private readonly queuesByChannel = new Map<Channel, string[]>();

  constructor(
    customers: readonly ListedCustomer[],
    roster: readonly RosterEntry[],
    queues: readonly HubQueue[],
    private readonly knownRatio: number,
    private readonly random: () => number,
  ) {
    this.known = customers.filter((customer) => customer.emails.length > 0);
    // One entry per signed-in agent and queue: contacts go where the agents are, in proportion.
    for (const queue of queues) {
      for (const channel of queue.channels as Channel[]) {
        const seats = roster.filter((agent) => agent.queues?.includes(queue.id)).length;
        if (seats === 0) continue;
        const list = this.queuesByChannel.get(channel) ?? [];
        for (let seat = 0; seat < seats; seat++) list.push(queue.id);
        this.queuesByChannel.set(channel, list);
      }
    }
  }

  knownCustomers(): number {
    return this.known.length;
  }

  next(channel: Channel): SimulatedCustomer {
    const queues = this.queuesByChannel.get(channel);
    const queue = queues?.length ? pick(queues, this.random) : null;
    if (this.known.length > 0 && this.random() < this.knownRatio) {
      const customer = pick(this.known, this.random);
      return {
        name: customer.name,
        email: pick(customer.emails, this.random),
        phone: customer.phones[0] ?? null,
        language: asLanguage(customer.language),
        queue,
        known: true,
      };
    }
    const language = pick(visitorLanguages, this.random);
    const named = this.random() < 0.6;
    const withEmail = this.random() < 0.3;
    return {
      name: named ? pick(sampleTexts[language].visitorNames, this.random) : null,
      email: withEmail ? `visitor-${Math.floor(this.random() * 1e9).toString(36)}@example.net` : null,
      phone: null,
      language,
      queue,
      known: false,
    };
  }
}
