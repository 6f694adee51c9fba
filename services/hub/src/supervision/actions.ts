import { SentralError, type AgentState, type Channel, type ChannelConnector, type MonitorRequest } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import type { AgentWork } from '../contacts/service.ts';
import { recordEvent } from '../contacts/messages.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { recordDecisions } from '../routing/claim.ts';
import { plainStep, withOverflow, type PlanStep } from '../routing/rules.ts';
import { requeueWithPlan } from '../routing/transfer.ts';

/** What a supervisor does about what the wallboard shows; every action is written to the audit log. */
export interface SupervisorActions {
  /**
   * Gives a waiting contact (queued, or offered and not yet accepted) a new routing plan: another
   * queue (with that queue's overflow after it), or one agent first and its own queue after that.
   * A pending offer is withdrawn; the router makes the next offer within the agent's capacity.
   */
  reassign(supervisor: AgentPrincipal, contactId: string, to: { queueId: string } | { agentId: string }, note?: string): Promise<void>;
  setAgentState(supervisor: AgentPrincipal, agentId: string, state: AgentState, reason?: string): Promise<{ state: AgentState; since: string; reason: string | null }>;
  /** Joins a live call as listener, whisperer or third party, through the channel's conference. */
  monitor(supervisor: AgentPrincipal, contactId: string, mode: MonitorRequest['mode']): Promise<{ participantId: string }>;
}

/** How long a contact handed to one agent waits for that agent before its queue takes it back. */
export const REASSIGNED_AGENT_SECONDS = 120;

const supervisorActor = (supervisor: AgentPrincipal) => `supervisor:${supervisor.id}`;

type Tx = Prisma.TransactionClient;

/** Locks a contact that must still be waiting and withdraws its pending offer, if any. */
async function takeWaiting(tx: Tx, contactId: string) {
  const [contact] = await tx.$queryRaw<Array<{ status: string; queueId: string; channel: Channel; priority: number }>>`
    SELECT status::text AS status, "queueId", channel::text AS channel, priority FROM "Contact" WHERE id = ${contactId}::uuid FOR UPDATE`;
  if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
  if (contact.status !== 'queued' && contact.status !== 'offered') {
    throw new SentralError('CONFLICT', `the contact is ${contact.status}; only a waiting contact can be reassigned`);
  }
  const withdrawn = await tx.offer.findFirst({ where: { contactId, status: 'pending' }, select: { id: true, agentId: true } });
  if (withdrawn) await tx.offer.update({ where: { id: withdrawn.id }, data: { status: 'cancelled', pendingKey: null, respondedAt: new Date() } });
  return { ...contact, withdrawn };
}

export function createSupervisorActions(deps: {
  db: Database;
  work: AgentWork;
  dispatcher: Dispatcher;
  notifier: Notifier;
  connectorFor: (channel: Channel) => ChannelConnector | undefined;
}): SupervisorActions {
  const { db, work, dispatcher, notifier } = deps;

  return {
    async reassign(supervisor, contactId, to, note) {
      const { ruleSet } = await dispatcher.rules.current();
      const moved = await db.$transaction(async (tx) => {
        const contact = await takeWaiting(tx, contactId);
        const by = `reassigned by ${supervisor.name}`;
        let steps: PlanStep[];
        let target: Record<string, string>;
        if ('queueId' in to) {
          const queue = await tx.queue.findUnique({ where: { id: to.queueId }, select: { id: true, channels: true } });
          if (!queue) throw new SentralError('NOT_FOUND', `no such queue "${to.queueId}"`);
          if (!queue.channels.includes(contact.channel)) throw new SentralError('CONFLICT', `queue "${queue.id}" does not serve ${contact.channel}`);
          steps = withOverflow([plainStep(queue.id, by)], ruleSet.overflow);
          target = { toQueue: queue.id };
        } else {
          const agent = await tx.agent.findUnique({
            where: { id: to.agentId },
            select: { id: true, name: true, state: true, capacityVoice: true, capacityChat: true, capacityEmail: true, capacityFax: true },
          });
          if (!agent) throw new SentralError('NOT_FOUND', 'no such agent');
          const capacity = { voice: agent.capacityVoice, chat: agent.capacityChat, email: agent.capacityEmail, fax: agent.capacityFax }[contact.channel];
          if (capacity <= 0) throw new SentralError('CONFLICT', `${agent.name} takes no ${contact.channel}`);
          if (agent.state === 'offline') throw new SentralError('CONFLICT', `${agent.name} is offline`);
          steps = [
            { ...plainStep(contact.queueId, `${by} to ${agent.name}`), agent: agent.id, timeoutSeconds: REASSIGNED_AGENT_SECONDS },
            ...withOverflow([plainStep(contact.queueId, `back to ${contact.queueId}: ${agent.name} did not take it`)], ruleSet.overflow),
          ];
          target = { toAgentId: agent.id, toAgentName: agent.name };
        }
        const routing = await tx.contactRouting.findUnique({ where: { contactId }, select: { basePriority: true, excludedAgents: true } });
        // The wait goes on (queuedAt stays), and the supervisor's choice overrides an earlier refusal by the same agent.
        const first = await requeueWithPlan(tx, contactId, {
          steps,
          basePriority: routing?.basePriority ?? contact.priority,
          excludedAgents: (routing?.excludedAgents ?? []).filter((id) => !('agentId' in to) || id !== to.agentId),
        });
        const data = { fromQueue: contact.queueId, ...target, by: supervisor.id, byName: supervisor.name, note: note ?? null };
        await recordEvent(tx, contactId, 'reassigned', supervisorActor(supervisor), data);
        await recordDecisions(tx, [{ contactId, kind: 'reassigned', step: 0, agentId: null, data: { ...data, steps } }]);
        await tx.auditLog.create({ data: { actorId: supervisor.id, action: 'contact.reassign', entity: 'contact', entityId: contactId, data } });
        return { from: contact.queueId, to: first.queue, withdrawn: contact.withdrawn };
      });
      if (moved.withdrawn) {
        notifier.toAgent(moved.withdrawn.agentId, 'contact:offer-withdrawn', { offerId: moved.withdrawn.id, contactId, reason: 'reassigned' });
      }
      await dispatcher.kick();
      await Promise.all([...new Set([moved.from, moved.to])].map((queueId) => dispatcher.announceQueue(queueId)));
    },

    async setAgentState(supervisor, agentId, state, reason) {
      const agent = await db.agent.findUnique({ where: { id: agentId }, select: { id: true, name: true, role: true, state: true } });
      if (!agent) throw new SentralError('NOT_FOUND', 'no such agent');
      const result = await work.setState({ id: agent.id, name: agent.name, role: agent.role }, state, supervisorActor(supervisor), reason);
      await db.auditLog.create({
        data: { actorId: supervisor.id, action: 'agent.state.set', entity: 'agent', entityId: agentId, data: { from: agent.state, to: state, ...(reason ? { reason } : {}) } },
      });
      return result;
    },

    async monitor(supervisor, contactId, mode) {
      const contact = await db.contact.findUnique({ where: { id: contactId }, select: { channel: true, status: true } });
      if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
      if (contact.channel !== 'voice') throw new SentralError('CONFLICT', 'only calls can be listened to');
      if (contact.status !== 'accepted') throw new SentralError('CONFLICT', `the call is ${contact.status}, not connected to an agent`);
      const connector = deps.connectorFor('voice');
      if (!connector?.monitor) throw new SentralError('CHANNEL_DISABLED', 'voice is not configured on this hub');
      const joined = await connector.monitor({ contactId, mode, supervisor: { id: supervisor.id, name: supervisor.name } });
      await db.auditLog.create({
        data: { actorId: supervisor.id, action: `contact.monitor.${mode}`, entity: 'contact', entityId: contactId, data: { participantId: joined.participantId } },
      });
      return joined;
    },
  };
}
