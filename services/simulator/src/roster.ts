import type { Channel } from '@sentral/contract';
import type { AgentLogin } from './agents.ts';
import { HubRequestError, type HubClient, type HubQueue, type ListedAgent } from './hub-client.ts';

// The seeded demo tenant's logins (services/hub/src/seed/demo-tenant.ts; listed in the README).
export const DEMO_AGENT = { email: 'agent@demo.test', password: 'agent' } as const;
export const DEMO_SUPERVISOR = { email: 'supervisor@demo.test', password: 'supervisor' } as const;
/** Every generated demo agent's password. */
export const DEMO_AGENT_PASSWORD = 'demo';

export interface RosterEntry extends AgentLogin {
  /** The queues the agent serves, when the hub told us. */
  queues: string[] | null;
}

export interface Roster {
  agents: RosterEntry[];
  notes: string[];
}

/**
 * Picks the agents to sign in: the demo agent first, then seeded agents who serve at least one of
 * the simulated channels, as listed by a supervisor. A hub without the agent list still gets the
 * demo agent.
 */
export async function chooseAgents(hub: HubClient, wanted: number, channels: readonly Channel[], queues: readonly HubQueue[]): Promise<Roster> {
  const notes: string[] = [];
  const demoOnly = (why: string): Roster => {
    notes.push(`${why}; signing in ${DEMO_AGENT.email} only`);
    return { agents: [{ ...DEMO_AGENT, queues: null }], notes };
  };
  let listed: ListedAgent[] | null;
  try {
    const { token } = await hub.login(DEMO_SUPERVISOR.email, DEMO_SUPERVISOR.password);
    listed = await hub.agents(token);
  } catch (error) {
    if (error instanceof HubRequestError && error.status === 401) return demoOnly(`${DEMO_SUPERVISOR.email} cannot sign in`);
    throw error;
  }
  if (!listed) return demoOnly('this hub does not list agents');

  const channelsOf = new Map(queues.map((queue) => [queue.id, queue.channels]));
  const serves = (agent: ListedAgent) =>
    channels.some((channel) => (agent.capacity?.[channel] ?? 1) > 0 && agent.queues.some((queueId) => channelsOf.get(queueId)?.includes(channel)));
  const eligible = listed
    .filter((agent) => agent.role === 'agent' && serves(agent))
    .sort((a, b) => Number(b.email === DEMO_AGENT.email) - Number(a.email === DEMO_AGENT.email));
  if (eligible.length < wanted) notes.push(`${wanted} agents asked for, ${eligible.length} serve ${channels.join(', ')}`);
  return {
    agents: eligible.slice(0, wanted).map((agent) => ({
      email: agent.email,
      password: agent.email === DEMO_AGENT.email ? DEMO_AGENT.password : DEMO_AGENT_PASSWORD,
      queues: agent.queues,
    })),
    notes,
  };
}
