import type { Channel, Language } from '@sentral/contract';
import type { Outcome } from '../recorder.ts';
import type { SampleTexts } from '../texts.ts';

/** Who reaches the hub: a seeded customer (so the screen pop shows real data) or an unknown visitor. */
export interface SimulatedCustomer {
  name: string | null;
  email: string | null;
  phone: string | null;
  language: Language;
  /** The queue the customer asks for, when the channel lets them choose. */
  queue: string | null;
  known: boolean;
}

/** What a customer's side of one contact may use and must report. */
export interface CustomerContext {
  url: string;
  texts: SampleTexts;
  /** How long the customer waits for an agent before leaving (ms). */
  patienceMs: number;
  /** Aborted when the simulation winds down: a waiting customer leaves, a served one says goodbye. */
  signal: AbortSignal;
  random: () => number;
  /** The hub stored the contact; `sentAt` is the `performance.now()` just before it was sent. */
  arrived(contactId: string, sentAt: number): void;
  /** The contact is over: `ended` by the hub (the agent), or the customer `left`. */
  closed(contactId: string, outcome: Outcome): void;
  failed(reason: string): void;
  /** What the channel's `start` set up for this run (e.g. a simulated telephone network); absent for channels without one. */
  channelState?: unknown;
}

/** What a channel set up for one run, and how to take it down. */
export interface ChannelRun {
  state: unknown;
  stop(): Promise<void>;
}

/**
 * One channel's simulated customers. To add a channel, write a driver in this folder and list it
 * in `channels/index.ts`; `--channels` and `--help` pick it up from there.
 */
export interface ChannelDriver {
  readonly channel: Channel;
  /** One line for `--help`. */
  readonly description: string;
  /** Whether a simulated agent answers in writing (`contact:send`) while handling the contact. */
  readonly agentWrites: boolean;
  /** Sets up what the channel's customers need for the whole run (e.g. a stand-in for a provider's cloud). */
  start?(hub: { url: string; env: Readonly<Record<string, string | undefined>>; note(text: string): void; failed(reason: string): void }): Promise<ChannelRun>;
  /** Runs one customer's contact from first touch to its end; never rejects (failures go to `context.failed`). */
  visit(customer: SimulatedCustomer, context: CustomerContext): Promise<void>;
}
