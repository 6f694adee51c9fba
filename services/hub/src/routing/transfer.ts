import { SentralError, type Channel } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import { recordEvent } from '../contacts/messages.ts';
import { recordDecisions } from './claim.ts';
import type { RuleBook } from './rule-store.ts';
import { plainStep, withOverflow, type PlanStep } from './rules.ts';

export type TransferTarget = { queue: string } | { agentId: string };

// A contact transferred to a busy agent goes back to the queue after this long.
const DIRECT_TRANSFER_SECONDS = 120;

/**
 * Hands an accepted contact on: to a queue (with that queue's overflow after it), or to one
 * agent (then back to its queue if they do not take it). The contact waits again with a new
 * plan; the agent who passed it on is never offered it again, and their note travels with it.
 */
export async function transferContact(
  db: Database,
  rules: RuleBook,
  agent: AgentPrincipal,
  input: { contactId: string; to: TransferTarget; note?: string | undefined },
): Promise<{ channel: Channel; fromQueue: string; queueId: string }> {
  const { ruleSet } = await rules.current();
  return db.$transaction(async (tx) => {
    const [contact] = await tx.$queryRaw<Array<{ status: string; agentId: string | null; channel: Channel; queueId: string; priority: number }>>`
      SELECT status::text AS status, "agentId"::text AS "agentId", channel::text AS channel, "queueId", priority
      FROM "Contact" WHERE id = ${input.contactId}::uuid FOR UPDATE`;
    if (!contact || contact.agentId !== agent.id) throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
    if (contact.status !== 'accepted') throw new SentralError('CONFLICT', `the contact is ${contact.status}, not in conversation`);
    const routing = await tx.contactRouting.findUnique({ where: { contactId: input.contactId }, select: { basePriority: true } });
    const basePriority = routing?.basePriority ?? contact.priority;
    const by = `transferred by ${agent.name}`;

    let steps: PlanStep[];
    let toAgentName: string | null = null;
    if ('queue' in input.to) {
      const queue = await tx.queue.findUnique({ where: { id: input.to.queue }, select: { id: true, channels: true } });
      if (!queue) throw new SentralError('NOT_FOUND', `no such queue "${input.to.queue}"`);
      if (!queue.channels.includes(contact.channel)) throw new SentralError('CONFLICT', `queue "${queue.id}" does not serve ${contact.channel}`);
      steps = withOverflow([plainStep(queue.id, by)], ruleSet.overflow);
    } else {
      if (input.to.agentId === agent.id) throw new SentralError('CONFLICT', 'a contact cannot be transferred to yourself');
      const target = await tx.agent.findUnique({
        where: { id: input.to.agentId },
        select: { id: true, name: true, capacityVoice: true, capacityChat: true, capacityEmail: true, capacityFax: true },
      });
      if (!target) throw new SentralError('NOT_FOUND', 'no such agent');
      const capacity = { voice: target.capacityVoice, chat: target.capacityChat, email: target.capacityEmail, fax: target.capacityFax }[contact.channel];
      if (capacity <= 0) throw new SentralError('CONFLICT', `${target.name} takes no ${contact.channel}`);
      toAgentName = target.name;
      steps = [
        { ...plainStep(contact.queueId, `${by} to ${target.name}`), agent: target.id, timeoutSeconds: DIRECT_TRANSFER_SECONDS },
        ...withOverflow([plainStep(contact.queueId, `back to ${contact.queueId}: ${target.name} did not take it`)], ruleSet.overflow),
      ];
    }
    const first = await requeueWithPlan(tx, input.contactId, { steps, basePriority, excludedAgents: [agent.id] });
    const to = 'queue' in input.to ? { toQueue: first.queue } : { toAgentId: input.to.agentId, toAgentName };
    await recordEvent(tx, input.contactId, 'transferred', `agent:${agent.id}`, { fromAgentId: agent.id, fromAgentName: agent.name, fromQueue: contact.queueId, ...to, note: input.note ?? null });
    await recordDecisions(tx, [{ contactId: input.contactId, kind: 'transferred', step: 0, agentId: agent.id, data: { from: { agentId: agent.id, queue: contact.queueId }, to, steps } }]);
    await tx.auditLog.create({ data: { actorId: agent.id, action: 'contact.transfer', entity: 'contact', entityId: input.contactId, data: to } });
    return { channel: contact.channel, fromQueue: contact.queueId, queueId: first.queue };
  });
}

/**
 * Puts a contact back in line with a new plan, starting at its first step: offers made before
 * now no longer exclude their agents, only `excludedAgents` does. The queued time stays, so the
 * customer keeps the time already waited. For anything that re-routes a contact (a transfer, a
 * supervisor moving it, a reply re-opening an ended conversation); call inside the transaction
 * that holds the contact's row.
 */
export async function requeueWithPlan(
  tx: Prisma.TransactionClient,
  contactId: string,
  plan: { steps: PlanStep[]; basePriority: number; excludedAgents: string[]; stickyAgentId?: string | null },
): Promise<PlanStep> {
  const first = plan.steps[0]!;
  const now = new Date();
  await tx.contact.update({ where: { id: contactId }, data: { status: 'queued', agentId: null, queueId: first.queue, priority: plan.basePriority + first.priority } });
  const routing = {
    plan: plan.steps as unknown as Prisma.InputJsonValue,
    step: 0,
    stepStartedAt: now,
    planStartedAt: now,
    basePriority: plan.basePriority,
    stickyAgentId: plan.stickyAgentId ?? null,
    excludedAgents: plan.excludedAgents,
    heldUntilOpen: false,
  };
  await tx.contactRouting.upsert({ where: { contactId }, create: { contactId, ...routing }, update: routing });
  return first;
}
