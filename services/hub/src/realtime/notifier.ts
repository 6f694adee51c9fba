import type { Server } from 'socket.io';
import { rooms, type AgentServerEvents, type Channel, type ChannelConnector, type OutboundEvent } from '@sentral/contract';
import type { Logger } from '../logger.ts';

/** Every push leaves through here: to one agent's room, or out through the contact's channel. */
export interface Notifier {
  toAgent<E extends keyof AgentServerEvents>(agentId: string, event: E, ...payload: Parameters<AgentServerEvents[E]>): void;
  toCustomer(channel: Channel, event: OutboundEvent): Promise<void>;
}

export function createNotifier(io: Server, connectorFor: (channel: Channel) => ChannelConnector | undefined, logger: Logger): Notifier {
  const agents = io.of('/agent');
  return {
    toAgent(agentId, event, ...payload) {
      agents.to(rooms.agent(agentId)).emit(event, ...(payload as unknown[]));
    },
    async toCustomer(channel, event) {
      const connector = connectorFor(channel);
      if (!connector?.deliver) {
        logger.debug({ channel, kind: event.kind }, 'channel cannot deliver this event');
        return;
      }
      try {
        await connector.deliver(event);
      } catch (error) {
        logger.warn({ err: error, channel, kind: event.kind, contactId: event.contactId }, 'delivery to customer failed');
      }
    },
  };
}
