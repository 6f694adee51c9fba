import type { AgentDirectory, FlowDirectory, SelfServicePorts } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { RateLimits } from '../limits/rate-limits.ts';
import { createSelfService } from './back-office.ts';
import { createSessionStore } from './sessions.ts';

/** Flows by the address the customer reached; "*" is a channel's default. */
export function createFlowDirectory(db: Database): FlowDirectory {
  return {
    async forAddress(channel, address) {
      const flows = await db.selfServiceFlow.findMany({
        where: { channel, address: { in: address ? [address, '*'] : ['*'] } },
        select: { id: true, address: true, definition: true, updatedAt: true },
      });
      const flow = flows.find((f) => f.address === address) ?? flows.find((f) => f.address === '*');
      return flow ? { id: flow.id, definition: flow.definition, updatedAt: flow.updatedAt.toISOString() } : null;
    },
  };
}

export function createAgentDirectory(db: Database): AgentDirectory {
  return {
    async voiceNumber(agentId) {
      const endpoint = await db.agentVoiceEndpoint.findUnique({ where: { agentId }, select: { phoneNumber: true } });
      return endpoint?.phoneNumber ?? null;
    },
  };
}

/** The ports a self-service connector gets; sessions are namespaced by the connector's id. */
export function createSelfServicePorts(db: Database, connectorId: string, defaultCountry: string, limits: RateLimits): SelfServicePorts {
  return {
    selfService: createSelfService(db, defaultCountry, limits),
    sessions: createSessionStore(db, connectorId),
    flows: createFlowDirectory(db),
    agents: createAgentDirectory(db),
  };
}
