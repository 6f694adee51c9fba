import { z } from 'zod';
import { SentralError, transferSchema } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { AgentWork } from '../contacts/service.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import { loadQueueSettings, queueSettingsInput, saveQueueSettings, settingsView } from '../routing/queue-settings.ts';
import type { ActiveRules } from '../routing/rule-store.ts';
import { defineRoute, type Caller, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const admin = { roles: ['admin'] as 'admin'[] };
const idParam = z.object({ id: z.string().uuid('must be a UUID') });
const queueParam = z.object({ id: z.string().min(1).max(64) });
const filterParam = z.object({ name: z.string().min(1).max(100) });
// The rule set's own validator names the problem precisely; here it only has to be an object.
const anyObject = z.record(z.string(), z.unknown());

const agentProfileInput = z
  .object({
    skills: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'must be a skill name (letters, digits, _ and -)'), z.number().int().min(1).max(5)),
    capacity: z
      .object({ voice: z.number().int().min(0).max(1), chat: z.number().int().min(0).max(10), email: z.number().int().min(0).max(20), fax: z.number().int().min(0).max(20) })
      .partial()
      .strict(),
    queues: z.array(z.string().min(1).max(64)).max(100),
  })
  .partial()
  .strict();

async function agentProfile(db: Database, id: string) {
  const agent = await db.agent.findUnique({
    where: { id },
    select: { id: true, name: true, skills: true, capacityVoice: true, capacityChat: true, capacityEmail: true, capacityFax: true, queues: { select: { queueId: true } } },
  });
  if (!agent) throw new SentralError('NOT_FOUND', 'no such agent');
  return {
    id: agent.id,
    name: agent.name,
    skills: agent.skills,
    capacity: { voice: agent.capacityVoice, chat: agent.capacityChat, email: agent.capacityEmail, fax: agent.capacityFax },
    queues: agent.queues.map((queue) => queue.queueId).sort(),
  };
}

const actorOf = (caller: Caller | null) => (caller?.kind === 'agent' ? caller.agent.id : null);
const rulesView = (active: ActiveRules) => ({ version: active.version, createdAt: active.createdAt, ...active.ruleSet });

/** Routing: rules as data (versioned, validated whole), queue settings, transfers and the decision trace. */
export function routingRoutes(deps: { db: Database; work: AgentWork; dispatcher: Dispatcher }): RouteDefinition[] {
  const { db, work, dispatcher } = deps;
  const { rules } = dispatcher;
  return [
    defineRoute({
      method: 'get',
      path: '/api/routing/rules',
      summary: 'The routing rule set in force: ordered filters with targets, default queue, overflow, settings (version 0: none stored yet)',
      access: staff,
      responses: { 200: '{"version","createdAt","filters","defaultQueue","overflow","settings"}' },
      async handler() {
        return { body: rulesView(await rules.current()) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/routing/rules',
      summary: 'Replace the routing rule set; it is validated whole and takes effect for contacts arriving from now on',
      access: admin,
      body: anyObject,
      responses: { 200: 'The stored rule set with its new version', 400: 'The rule set is invalid; the message names the problem and nothing changed' },
      async handler({ body, caller }) {
        return { body: rulesView(await rules.save(body, actorOf(caller))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/routing/rules/versions',
      summary: 'Earlier rule sets, newest first (re-apply one by PUT of its definition)',
      access: staff,
      responses: { 200: '[{"version","createdAt","createdBy","filters"}]' },
      async handler() {
        return { body: await rules.versions() };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/routing/rules/filters/:name',
      summary: 'Add or replace one filter (at `position`, or where it was, or last); the whole new set is validated',
      access: admin,
      params: filterParam,
      body: anyObject,
      responses: { 200: 'The stored rule set with its new version', 400: 'The resulting rule set is invalid; nothing changed' },
      async handler({ params, body, caller }) {
        const { position, ...filter } = body;
        if (position !== undefined && (typeof position !== 'number' || !Number.isInteger(position) || position < 0)) {
          throw new SentralError('VALIDATION_FAILED', 'position: must be a whole number from 0', { field: 'position' });
        }
        return { body: rulesView(await rules.putFilter({ ...filter, name: params.name }, position as number | undefined, actorOf(caller))) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/routing/rules/filters/:name',
      summary: 'Remove one filter; stores the remaining set as a new version',
      access: admin,
      params: filterParam,
      responses: { 200: 'The stored rule set with its new version', 404: 'No filter has this name' },
      async handler({ params, caller }) {
        return { body: rulesView(await rules.deleteFilter(params.name, actorOf(caller))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/queues/:id/routing',
      summary: "A queue's routing settings: offer timeout, wrap-up, maximum wait and aging weight, opening hours with time zone and holidays, what happens when closed",
      access: staff,
      params: queueParam,
      responses: { 200: 'The settings', 404: 'No such queue' },
      async handler({ params }) {
        const settings = (await loadQueueSettings(db, [params.id])).get(params.id);
        if (!settings) throw new SentralError('NOT_FOUND', `no such queue "${params.id}"`);
        return { body: settingsView(settings) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/queues/:id/routing',
      summary: "Change any of a queue's routing settings (fields left out keep their value)",
      access: admin,
      params: queueParam,
      body: queueSettingsInput,
      responses: { 200: 'The settings now in force', 404: 'No such queue' },
      async handler({ params, body, caller }) {
        return { body: settingsView(await saveQueueSettings(db, params.id, body, actorOf(caller))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/agents/:id/routing',
      summary: "An agent's routing profile: skills with levels, capacity per channel, queues",
      access: staff,
      params: idParam,
      responses: { 200: '{"id","skills","capacity","queues"}', 404: 'No such agent' },
      async handler({ params }) {
        return { body: await agentProfile(db, params.id) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/agents/:id/routing',
      summary: "Change an agent's skills, capacity per channel or queues (fields left out keep their value); routing uses them at once",
      access: admin,
      params: idParam,
      body: agentProfileInput,
      responses: { 200: '{"id","skills","capacity","queues"}', 404: 'No such agent' },
      async handler({ params, body, caller }) {
        await db.$transaction(async (tx) => {
          const agent = await tx.agent.findUnique({ where: { id: params.id }, select: { id: true } });
          if (!agent) throw new SentralError('NOT_FOUND', 'no such agent');
          if (body.queues) {
            const known = await tx.queue.findMany({ where: { id: { in: body.queues } }, select: { id: true } });
            const unknown = body.queues.find((id) => !known.some((queue) => queue.id === id));
            if (unknown) throw new SentralError('VALIDATION_FAILED', `queues: unknown queue "${unknown}"`, { field: 'queues' });
            await tx.agentQueue.deleteMany({ where: { agentId: params.id, queueId: { notIn: body.queues } } });
            await tx.agentQueue.createMany({ data: body.queues.map((queueId) => ({ agentId: params.id, queueId })), skipDuplicates: true });
          }
          await tx.agent.update({
            where: { id: params.id },
            data: {
              ...(body.skills ? { skills: body.skills } : {}),
              ...(body.capacity?.voice !== undefined ? { capacityVoice: body.capacity.voice } : {}),
              ...(body.capacity?.chat !== undefined ? { capacityChat: body.capacity.chat } : {}),
              ...(body.capacity?.email !== undefined ? { capacityEmail: body.capacity.email } : {}),
              ...(body.capacity?.fax !== undefined ? { capacityFax: body.capacity.fax } : {}),
            },
          });
          await tx.auditLog.create({ data: { actorId: actorOf(caller), action: 'agent.routing', entity: 'agent', entityId: params.id, data: body } });
        });
        return { body: await agentProfile(db, params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/contacts/:id/transfer',
      summary: 'Transfer an accepted contact to a queue or to one agent, with a note shown in the next screen pop (its agent only)',
      access: 'agent',
      params: idParam,
      body: transferSchema.omit({ contactId: true }),
      responses: { 200: '{"queueId"}', 403: 'Not your contact', 404: 'No such queue or agent', 409: 'The contact is not in conversation, or the target cannot take it' },
      async handler({ params, body, caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        return { body: await work.transfer(caller.agent, params.id, body.to, body.note) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/contacts/:id/routing',
      summary: 'Why a contact went where it went: its plan, every routing decision with the candidates considered and why each was left out, and its offers',
      access: 'agent',
      params: idParam,
      responses: { 200: '{"contactId","plan","decisions","offers"}', 403: 'Not your contact', 404: 'No such contact' },
      async handler({ params, caller }) {
        const contact = await db.contact.findUnique({
          where: { id: params.id },
          select: { id: true, status: true, channel: true, queueId: true, priority: true, agentId: true, routing: true },
        });
        if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
        if (caller?.kind === 'agent' && caller.agent.role === 'agent' && contact.agentId !== caller.agent.id) {
          throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        }
        const [decisions, offers] = await Promise.all([
          db.routingDecision.findMany({ where: { contactId: params.id }, orderBy: { id: 'asc' }, take: 1000 }),
          db.offer.findMany({ where: { contactId: params.id }, orderBy: { createdAt: 'asc' }, select: { id: true, agentId: true, status: true, createdAt: true, expiresAt: true, respondedAt: true } }),
        ]);
        const plan = contact.routing;
        return {
          body: {
            contactId: contact.id,
            status: contact.status,
            channel: contact.channel,
            queue: contact.queueId,
            priority: contact.priority,
            plan: plan && {
              ruleSetVersion: plan.ruleSetVersion,
              filter: plan.filter,
              steps: plan.plan,
              step: plan.step,
              stepStartedAt: plan.stepStartedAt,
              basePriority: plan.basePriority,
              stickyAgentId: plan.stickyAgentId,
              excludedAgents: plan.excludedAgents,
              heldUntilOpen: plan.heldUntilOpen,
            },
            decisions: decisions.map((decision) => ({
              id: Number(decision.id),
              at: decision.at,
              kind: decision.kind,
              step: decision.step,
              agentId: decision.agentId,
              ...(decision.data as object),
            })),
            offers: offers.map(({ id, ...offer }) => ({ offerId: id, ...offer })),
          },
        };
      },
    }),
  ];
}
