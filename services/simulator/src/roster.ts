import type { Channel } from '@sentral/contract';
import type { AgentLogin } from './agents.ts';
import { HubRequestError, type HubClient, type HubQueue, type ListedAgent } from './hub-client.ts';

// The seeded demo tenant's logins (services/hub/src/seed/demo-tenant.ts; listed in the README).
export const DEMO_AGENT = { email: 'agent@demo.test', password: 'agent' } as const;
export const DEMO_SUPERVISOR = { email: 'supervisor@demo.test', password: 'supervisor' } as const;
/** Every generated demo agent's password. */
export const DEMO_AGENT_PASSWORD = 'demo';

/** The README's demo logins: a person follows the README with them, so the simulator leaves them alone unless asked. */
export const README_ACCOUNTS: readonly string[] = [DEMO_AGENT.email, DEMO_SUPERVISOR.email, 'admin@demo.test'];

export type AgentState = 'available' | 'away' | 'offline';

export interface RosterEntry extends AgentLogin {
  /** The queues the agent serves, when the hub told us. */
  queues: string[] | null;
  /** The state to leave the account in: offline for an account nobody was signed in to, else the state it had. */
  leaveIn: AgentState;
}

export interface Roster {
  agents: RosterEntry[];
  notes: string[];
}

/** An account to sign in on request (`--include email[:password]`); the demo tenant's passwords are known. */
export function includedLogin(spec: string): AgentLogin {
  const at = spec.indexOf(':');
  const email = (at < 0 ? spec : spec.slice(0, at)).trim().toLowerCase();
  const password = at < 0 ? (email === DEMO_AGENT.email ? DEMO_AGENT.password : DEMO_AGENT_PASSWORD) : spec.slice(at + 1);
  return { email, password };
}

/**
 * Picks the agents to sign in: the accounts asked for with --include first, then the demo tenant's
 * simulated agents who serve at least one of the simulated channels, as listed by a supervisor. The
 * README's demo accounts and anyone already signed in (a person at that desk) are never picked on
 * their own; an included account that was signed in is left in the state it had, not signed out.
 */
export async function chooseAgents(
  hub: HubClient,
  wanted: number,
  channels: readonly Channel[],
  queues: readonly HubQueue[],
  include: readonly AgentLogin[] = [],
): Promise<Roster> {
  const notes: string[] = [];
  let listed: ListedAgent[] | null;
  try {
    const { token } = await hub.login(DEMO_SUPERVISOR.email, DEMO_SUPERVISOR.password);
    listed = await hub.agents(token);
  } catch (error) {
    if (!(error instanceof HubRequestError && error.status === 401)) throw error;
    notes.push(`${DEMO_SUPERVISOR.email} cannot sign in, so the simulated agents cannot be listed`);
    listed = null;
  }
  if (!listed && include.length === 0) notes.push('no simulated agents found; name accounts to use with --include');
  const byEmail = new Map((listed ?? []).map((agent) => [agent.email.toLowerCase(), agent]));
  const included: RosterEntry[] = include.map((login) => {
    const agent = byEmail.get(login.email);
    return { ...login, queues: agent?.queues ?? null, leaveIn: agent?.state ?? 'offline' };
  });

  const channelsOf = new Map(queues.map((queue) => [queue.id, queue.channels]));
  const serves = (agent: ListedAgent) =>
    channels.some((channel) => (agent.capacity?.[channel] ?? 1) > 0 && agent.queues.some((queueId) => channelsOf.get(queueId)?.includes(channel)));
  const taken = new Set(included.map((entry) => entry.email));
  const candidates = (listed ?? []).filter((agent) => agent.role === 'agent' && serves(agent) && !README_ACCOUNTS.includes(agent.email.toLowerCase()) && !taken.has(agent.email.toLowerCase()));
  const busy = candidates.filter((agent) => (agent.state ?? 'offline') !== 'offline');
  if (busy.length) notes.push(`${busy.length} agents already signed in were left alone`);
  const simulated = candidates.filter((agent) => (agent.state ?? 'offline') === 'offline').slice(0, Math.max(0, wanted - included.length));
  if (listed && included.length + simulated.length < wanted) notes.push(`${wanted} agents asked for, ${included.length + simulated.length} free to simulate serve ${channels.join(', ')}`);
  return {
    agents: [...included, ...simulated.map((agent) => ({ email: agent.email, password: DEMO_AGENT_PASSWORD, queues: agent.queues, leaveIn: 'offline' as const }))],
    notes,
  };
}
