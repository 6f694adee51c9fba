import { setMaxListeners } from 'node:events';
import type { Channel } from '@sentral/contract';
import { SimulatedAgent, type AgentBehaviour, type AgentLogin } from './agents.ts';
import { driverFor, type ChannelDriver, type ChannelRun } from './channels/index.ts';
import { createHubClient, type HubClient, type ListedCustomer } from './hub-client.ts';
import { Population } from './population.ts';
import { Recorder, summariseLatencies, type LatencySummary, type SimulationCounts, type StatusSnapshot } from './recorder.ts';
import { chooseAgents, DEMO_SUPERVISOR } from './roster.ts';
import { textsFor } from './texts.ts';

export interface SimulationOptions {
  /** The hub's base URL. */
  url: string;
  /** New contacts per second (Poisson arrivals). */
  rate: number;
  /** How long new contacts arrive (seconds); open contacts are then given time to finish. */
  durationSeconds: number;
  /** How many agents to sign in. */
  agents: number;
  /** Accounts to sign in besides the simulated agents (the README's demo accounts are used only when named here). */
  include?: AgentLogin[];
  channels: Channel[];
  acceptRatio: number;
  /** Mean handling time of an accepted contact (seconds). */
  handleTimeSeconds: number;
  /** Share of contacts from seeded customers; the rest are unknown visitors. */
  knownRatio: number;
  /** How long a customer waits for an agent before leaving (seconds). */
  patienceSeconds: number;
  /** How long open contacts may take to finish after the last arrival before everyone leaves (seconds). */
  drainSeconds?: number;
  random?: () => number;
  /** Where channels read their provider settings (voice: TWILIO_*); the process environment unless given. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SimulationHooks {
  /** Called every `statusEveryMs` with what happened so far. */
  onStatus?: (status: StatusSnapshot) => void;
  statusEveryMs?: number;
  /** Things a person should know (fewer agents than asked for, a hub without the agent list). */
  onNote?: (note: string) => void;
  /** Stops arrivals and winds down at once (e.g. Ctrl-C). */
  signal?: AbortSignal;
}

export interface ChannelSummary {
  contacts: number;
  ended: number;
  abandoned: number;
  offerLatency: LatencySummary;
}

export interface SimulationSummary {
  url: string;
  channels: Channel[];
  agents: number;
  knownCustomers: number;
  /** How long contacts arrived, and the whole run including winding down (seconds). */
  arrivalSeconds: number;
  elapsedSeconds: number;
  counts: SimulationCounts;
  /** Contacts stored per second of arrival time. */
  contactsPerSecond: number;
  /** Contacts offered per second, from the first customer's message to the last first offer: what the hub kept up with. */
  offeredPerSecond: number | null;
  /** Customer's first message → the offer at the agent's socket. */
  offerLatency: LatencySummary;
  byChannel: Partial<Record<Channel, ChannelSummary>>;
  errors: Array<{ reason: string; count: number }>;
  contactIds: string[];
}

// For a hub that does not say which dispositions it accepts.
const FALLBACK_DISPOSITIONS = ['resolved', 'follow-up'] as const;
const SETTLE_MS = 15_000;

/** Runs simulated customers and agents against a running hub, through its public endpoints only. */
export async function runSimulation(options: SimulationOptions, hooks: SimulationHooks = {}): Promise<SimulationSummary> {
  const random = options.random ?? Math.random;
  const note = hooks.onNote ?? (() => undefined);
  const drivers = options.channels.map((channel) => {
    const driver = driverFor(channel);
    if (!driver) throw new Error(`the simulator has no driver for the ${channel} channel yet`);
    return driver;
  });
  const hub = createHubClient(options.url);
  const recorder = new Recorder();

  const { agents, population } = await prepare(hub, options, drivers, recorder, random, note);
  const windDown = new AbortController();
  // Every waiting customer listens for the wind-down.
  setMaxListeners(0, windDown.signal);
  const stopNow = () => windDown.abort();
  hooks.signal?.addEventListener('abort', stopNow);
  const status = hooks.onStatus ? setInterval(() => hooks.onStatus?.(recorder.snapshot()), hooks.statusEveryMs ?? 2000) : null;

  const visits = new Set<Promise<void>>();
  const channelRuns = new Map<ChannelDriver, ChannelRun>();
  let signedOut: Promise<void> | null = null;
  const signOut = () => (signedOut ??= Promise.all(agents.map((agent) => agent.signOut())).then(() => undefined));
  try {
    for (const driver of drivers) {
      const started = await driver.start?.({ url: hub.url, env: options.env ?? process.env, note, failed: (reason) => recorder.failed(reason) });
      if (started) channelRuns.set(driver, started);
    }
    recorder.start();
    const startedAt = performance.now();
    await arrivals(options.rate, options.durationSeconds * 1000, windDown.signal, random, () => {
      const driver = drivers[Math.floor(random() * drivers.length)]!;
      const customer = population.next(driver.channel);
      const visit = driver.visit(customer, {
        url: hub.url,
        texts: textsFor(customer.language),
        patienceMs: options.patienceSeconds * 1000,
        signal: windDown.signal,
        random,
        arrived: (contactId, sentAt) => recorder.arrived(driver.channel, contactId, sentAt),
        closed: (contactId, outcome) => recorder.closed(contactId, outcome),
        failed: (reason) => recorder.failed(reason),
        channelState: channelRuns.get(driver)?.state,
      });
      visits.add(visit);
      void visit.finally(() => visits.delete(visit));
    });
    const arrivalSeconds = (performance.now() - startedAt) / 1000;

    const drainMs = (options.drainSeconds ?? Math.min(120, 3 * options.handleTimeSeconds + 30)) * 1000;
    await until(() => visits.size === 0, drainMs, windDown.signal);
    windDown.abort();
    await until(() => visits.size === 0, SETTLE_MS);
    if (visits.size > 0) note(`${visits.size} customers did not finish within ${SETTLE_MS / 1000} s of winding down`);
    // After the agents have answered everything still in flight, so the counts are final.
    await signOut();
    return summarise(options, hub, agents.length, population, recorder, arrivalSeconds);
  } finally {
    windDown.abort();
    hooks.signal?.removeEventListener('abort', stopNow);
    if (status) clearInterval(status);
    await signOut();
    for (const run of channelRuns.values()) await run.stop();
    hooks.onStatus?.(recorder.snapshot());
  }
}

async function prepare(
  hub: HubClient,
  options: SimulationOptions,
  drivers: ChannelDriver[],
  recorder: Recorder,
  random: () => number,
  note: (text: string) => void,
): Promise<{ agents: SimulatedAgent[]; population: Population }> {
  // Read with the supervisor's login: the agents' accounts are not touched before they are signed in.
  const { token } = await hub.login(DEMO_SUPERVISOR.email, DEMO_SUPERVISOR.password);
  const queues = await hub.queues(token);
  const dispositions = await hub.dispositions(token);
  const writes = new Set(drivers.filter((driver) => driver.agentWrites).map((driver) => driver.channel));
  const behaviour: AgentBehaviour = {
    acceptRatio: options.acceptRatio,
    handleTimeMs: options.handleTimeSeconds * 1000,
    writesOn: (channel) => writes.has(channel),
    dispositions: dispositions?.length ? dispositions : FALLBACK_DISPOSITIONS,
    random,
  };

  const roster = await chooseAgents(hub, options.agents, options.channels, queues, options.include ?? []);
  roster.notes.forEach(note);

  const agents: SimulatedAgent[] = [];
  const signedIn = await Promise.allSettled(roster.agents.map((login) => SimulatedAgent.signIn(hub, login, behaviour, recorder)));
  for (const [index, result] of signedIn.entries()) {
    if (result.status === 'fulfilled') agents.push(result.value);
    else note(`${roster.agents[index]?.email} could not sign in: ${(result.reason as Error).message}`);
  }
  if (agents.length === 0) throw new Error('no agent could sign in');
  try {
    await Promise.all(agents.map((agent) => agent.available()));
  } catch (error) {
    await Promise.all(agents.map((agent) => agent.signOut()));
    throw error;
  }

  const customers = await knownCustomers(hub, token);
  if (customers.length === 0) note('no seeded customers found; every contact is an unknown visitor');
  const population = new Population(customers, roster.agents.filter((_, index) => signedIn[index]?.status === 'fulfilled'), queues, options.knownRatio, random);
  return { agents, population };
}

/**
 * Seeded customers to play, found the way an agent finds them: a few searches for common Norwegian and Danish
 * name parts (the hub limits searches per user, so a handful, not a crawl).
 */
async function knownCustomers(hub: HubClient, token: string): Promise<ListedCustomer[]> {
  const found = new Map<string, ListedCustomer>();
  for (const part of ['sen', 'son', 'ber', 'and', 'han']) {
    const page = (await hub.customers(token, part, 50).catch(() => null)) ?? [];
    for (const customer of page) found.set(customer.id, customer);
    if (found.size >= 100) break;
  }
  return [...found.values()];
}

/** Open-loop Poisson arrivals: a slow hub does not slow the customers down, it makes them wait. */
async function arrivals(rate: number, windowMs: number, signal: AbortSignal, random: () => number, arrive: () => void): Promise<void> {
  const start = performance.now();
  let at = 0;
  for (;;) {
    at += (-Math.log(1 - random()) * 1000) / rate;
    if (signal.aborted) return;
    if (at >= windowMs) {
      // The window is the same length whether or not a customer happens to arrive at its end.
      await sleep(start + windowMs - performance.now(), signal);
      return;
    }
    const wait = start + at - performance.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) return;
    arrive();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

async function until(condition: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline && !signal?.aborted) await sleep(50, signal);
}

function summarise(
  options: SimulationOptions,
  hub: HubClient,
  agents: number,
  population: Population,
  recorder: Recorder,
  arrivalSeconds: number,
): SimulationSummary {
  const byChannel: Partial<Record<Channel, ChannelSummary>> = {};
  for (const [channel, stats] of recorder.byChannel) {
    byChannel[channel] = { contacts: stats.contacts, ended: stats.ended, abandoned: stats.abandoned, offerLatency: summariseLatencies(stats.latenciesMs) };
  }
  return {
    url: hub.url,
    channels: options.channels,
    agents,
    knownCustomers: population.knownCustomers(),
    arrivalSeconds,
    elapsedSeconds: recorder.elapsedSeconds(),
    counts: { ...recorder.counts },
    contactsPerSecond: arrivalSeconds > 0 ? recorder.counts.contacts / arrivalSeconds : 0,
    offeredPerSecond: recorder.offeredPerSecond(),
    offerLatency: summariseLatencies(recorder.latencySamples()),
    byChannel,
    errors: recorder.topErrors(),
    contactIds: [...recorder.contactIds],
  };
}
