import { z } from 'zod';
import { agentClientSchemas, languages, roles, SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { hashPassword } from '../auth/passwords.ts';
import type { AgentWork } from '../contacts/service.ts';
import { transcript } from '../contacts/messages.ts';
import { internalNotesOf } from '../contacts/notes.ts';
import { agentLanguage } from '../contacts/screen-pop.ts';
import { publicStatus } from '../contacts/statuses.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import { customerInput, customerSearchQuery, customerView, searchCustomers, upsertCustomer } from './customers.ts';
import { defineRoute, type RouteDefinition } from './route.ts';
import { routingRoutes } from './routing-routes.ts';
import { deskRoutes } from './desk-routes.ts';

const uuidParam = z.object({ id: z.string().uuid('must be a UUID') });
const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };

export function apiRoutes(deps: {
  db: Database;
  work: AgentWork;
  dispatcher: Dispatcher;
  limits: RateLimits;
  defaultCountry: string;
  wrapUp?: { dispositions: readonly string[]; seconds: number };
}): RouteDefinition[] {
  const { db, work, dispatcher, limits, defaultCountry } = deps;
  return [
    ...deskRoutes({ db, defaultCountry, wrapUp: deps.wrapUp ?? { dispositions: [], seconds: 0 } }),
    defineRoute({
      method: 'get',
      path: '/api/queues',
      summary: 'The queues, the channels each serves, and their display names per language (`displayNames`: {"nb","da","en"}, any may be missing)',
      access: 'agent',
      responses: { 200: '[{"id","name","channels","displayNames"}]' },
      async handler() {
        const queues = await db.queue.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, channels: true, displayNames: true } });
        return { body: queues };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/queues/:id/display-names',
      summary: 'Set the names a queue is shown by per language: {"nb","da","en"} (each optional; a missing one shows `name`)',
      access: { roles: ['admin'] },
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.object({ nb: z.string().trim().min(1).max(100), da: z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) }).partial().strict(),
      responses: { 200: '{"id","name","channels","displayNames"}', 403: 'Not an admin', 404: 'No such queue' },
      async handler({ params, body, caller }) {
        if (!(await db.queue.findUnique({ where: { id: params.id }, select: { id: true } }))) throw new SentralError('NOT_FOUND', `no such queue "${params.id}"`);
        const [queue] = await db.$transaction([
          db.queue.update({ where: { id: params.id }, data: { displayNames: body }, select: { id: true, name: true, channels: true, displayNames: true } }),
          db.auditLog.create({
            data: { actorId: caller?.kind === 'agent' ? caller.agent.id : null, action: 'queue.display-names', entity: 'queue', entityId: params.id, data: body },
          }),
        ]);
        return { body: queue };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/agents',
      summary: 'Create an agent, supervisor or admin',
      access: { roles: ['admin'] },
      body: z
        .object({
          email: z.string().trim().email().max(320),
          name: z.string().trim().min(1).max(200),
          password: z.string().min(8, 'must be at least 8 characters').max(200),
          role: z.enum(roles),
          queues: z.array(z.string().min(1).max(64)).max(100),
          skills: z.record(z.string().min(1).max(50), z.number().int().min(1).max(5)).optional(),
          languages: z.array(z.enum(languages)).max(10).optional(),
          capacity: z
            .object({ voice: z.number().int().min(0).max(1), chat: z.number().int().min(0).max(10), email: z.number().int().min(0).max(20), fax: z.number().int().min(0).max(20) })
            .partial()
            .strict()
            .optional(),
        })
        .strict(),
      responses: { 201: '{"id", ...}', 403: 'Not an admin', 409: 'Email already in use' },
      async handler({ body, caller }) {
        const known = await db.queue.findMany({ where: { id: { in: body.queues } }, select: { id: true } });
        const unknown = body.queues.find((id) => !known.some((queue) => queue.id === id));
        if (unknown) throw new SentralError('VALIDATION_FAILED', `queues: unknown queue "${unknown}"`, { field: 'queues' });
        const email = body.email.toLowerCase();
        if (await db.agent.findUnique({ where: { email }, select: { id: true } })) throw new SentralError('CONFLICT', 'email: already in use');
        const agent = await db.agent.create({
          data: {
            email,
            name: body.name,
            role: body.role,
            passwordHash: await hashPassword(body.password),
            skills: body.skills ?? {},
            languages: body.languages ?? [],
            ...(body.capacity?.voice !== undefined ? { capacityVoice: body.capacity.voice } : {}),
            ...(body.capacity?.chat !== undefined ? { capacityChat: body.capacity.chat } : {}),
            ...(body.capacity?.email !== undefined ? { capacityEmail: body.capacity.email } : {}),
            ...(body.capacity?.fax !== undefined ? { capacityFax: body.capacity.fax } : {}),
            queues: { create: body.queues.map((queueId) => ({ queueId })) },
          },
          select: { id: true, email: true, name: true, role: true, languages: true, skills: true, state: true },
        });
        await db.auditLog.create({
          data: { actorId: caller?.kind === 'agent' ? caller.agent.id : null, action: 'agent.create', entity: 'agent', entityId: agent.id, data: { role: body.role } },
        });
        return { status: 201, body: { ...agent, queues: body.queues } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/agents',
      summary: 'Every agent, supervisor and admin with state, queues, languages and capacity',
      access: staff,
      responses: { 200: '[{"id","email","name","role","state","enabled","queues","languages","capacity"}]', 403: 'Not a supervisor or admin' },
      async handler() {
        const agents = await db.agent.findMany({
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          select: {
            id: true,
            email: true,
            name: true,
            role: true,
            state: true,
            stateSince: true,
            languages: true,
            capacityVoice: true,
            capacityChat: true,
            capacityEmail: true,
            capacityFax: true,
            disabledAt: true,
            queues: { select: { queueId: true }, orderBy: { queueId: 'asc' } },
          },
        });
        return {
          body: agents.map(({ queues, capacityVoice, capacityChat, capacityEmail, capacityFax, disabledAt, ...agent }) => ({
            ...agent,
            enabled: disabledAt === null,
            queues: queues.map((queue) => queue.queueId),
            capacity: { voice: capacityVoice, chat: capacityChat, email: capacityEmail, fax: capacityFax },
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me',
      summary: "The signed-in agent, their state, open contacts and pending offers (re-fetched after every reconnect)",
      access: 'agent',
      responses: { 200: '{"agent","contacts","offers","wrapUps"}' },
      async handler({ caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        const agent = await db.agent.findUnique({
          where: { id: caller.agent.id },
          select: {
            id: true,
            name: true,
            email: true,
            role: true,
            state: true,
            stateSince: true,
            awayReason: true,
            languages: true,
            queues: { select: { queueId: true } },
            capacityVoice: true,
            capacityChat: true,
            capacityEmail: true,
            capacityFax: true,
          },
        });
        // Removed after the token was checked: the same answer as for any other dead token.
        if (!agent) throw new SentralError('UNAUTHENTICATED', 'this sign-in is no longer valid; sign in again');
        const { capacityVoice, capacityChat, capacityEmail, capacityFax, ...profile } = agent;
        const capacity = { voice: capacityVoice, chat: capacityChat, email: capacityEmail, fax: capacityFax };
        const [contacts, offers, wrapUps] = await Promise.all([
          work.openContacts(caller.agent),
          dispatcher.pendingOffersFor(caller.agent.id),
          work.pendingWrapUps(caller.agent),
        ]);
        return { body: { agent: { ...profile, capacity, queues: agent.queues.map((q) => q.queueId) }, contacts, offers, wrapUps } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/customers',
      summary: 'Create or update (by externalId) a customer with identities and back-office facts',
      access: { ...staff, scopes: ['customers:write'] },
      body: customerInput,
      responses: { 200: 'Updated: {"id", ...}', 201: 'Created: {"id", ...}', 403: 'Not a supervisor, admin or a key with customers:write' },
      async handler({ body }) {
        const { id, created } = await upsertCustomer(db, body, defaultCountry);
        return { status: created ? 201 : 200, body: await customerView(db, id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/customers',
      summary: 'Find customers by part of name or email (3 characters or more), phone number or external id (at most `limit`, default 20); rate-limited per user and audited',
      access: { roles: [...roles], scopes: ['customers:read'] },
      query: customerSearchQuery,
      responses: { 200: '[{"id","externalId","name","language","segment","emails","phones","faxNumbers"}]', 429: 'Too many searches (Retry-After)' },
      async handler({ query, caller }) {
        const actorId = caller?.kind === 'agent' ? caller.agent.id : null;
        if (actorId) await limits.consume('customers:search', actorId);
        const found = await searchCustomers(db, query, defaultCountry);
        // Who looked for whom. The search text is itself personal data (a name, an address) that an erasure could
        // not find again, so only its kind is kept; the customers it found say what was looked at.
        const kind = query.query.includes('@') ? 'email' : /^[+\d\s()-]+$/.test(query.query) ? 'phone' : 'text';
        await db.auditLog.create({
          data: { actorId, action: 'customer.search', entity: 'customer', data: { kind, length: query.query.length, results: found.length, customerIds: found.map((customer) => customer.id) } },
        });
        return { body: found };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/customers/:id',
      summary: 'The 360 view of one customer: identities, facts, segment, and contacts on every channel',
      access: { roles: [...roles], scopes: ['customers:read'] },
      params: uuidParam,
      responses: { 200: 'The customer', 404: 'No such customer' },
      async handler({ params, caller }) {
        // Summaries of self-service contacts are written in the reader's language.
        const language = caller?.kind === 'agent' ? await agentLanguage(db, caller.agent.id) : 'nb';
        return { body: await customerView(db, params.id, language) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/contacts/:id',
      summary: 'One contact with its state timeline and messages (its agent, supervisors and admins, or a key with contacts:read)',
      access: { roles: [...roles], scopes: ['contacts:read'] },
      params: uuidParam,
      responses: { 200: 'The contact', 403: 'Not your contact', 404: 'No such contact' },
      async handler({ params, caller }) {
        const contact = await db.contact.findUnique({
          where: { id: params.id },
          include: { events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, offers: { orderBy: { createdAt: 'asc' }, omit: { screenPop: true } } },
        });
        if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
        if (caller?.kind === 'agent' && caller.agent.role === 'agent' && contact.agentId !== caller.agent.id) {
          throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        }
        const notes = await internalNotesOf(db, [contact.id]);
        return {
          body: {
            ...contact,
            status: publicStatus(contact.status),
            events: contact.events.map((event) => ({ ...event, id: Number(event.id) })),
            messages: await transcript(db, contact.id),
            internalNotes: notes.get(contact.id) ?? [],
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/contacts/:id/notes',
      summary: "A contact's internal notes, oldest first (its agent, supervisors and admins only)",
      access: 'agent',
      params: uuidParam,
      responses: { 200: '[{"id","contactId","at","author":{"id","name"},"text"}]', 403: 'Not your contact', 404: 'No such contact' },
      async handler({ params, caller }) {
        const contact = await db.contact.findUnique({ where: { id: params.id }, select: { agentId: true } });
        if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
        if (caller?.kind === 'agent' && caller.agent.role === 'agent' && contact.agentId !== caller.agent.id) {
          throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        }
        return { body: (await internalNotesOf(db, [params.id])).get(params.id) ?? [] };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/contacts/:id/notes',
      summary: 'Add an internal note {"text"} to a contact (its agent during the conversation or wrap-up, or a supervisor or admin); never sent to the customer',
      access: 'agent',
      params: uuidParam,
      body: agentClientSchemas['contact:note'].pick({ text: true }),
      responses: { 201: '{"id","contactId","at","author","text"}', 403: 'Not your contact', 404: 'No such contact', 409: 'The contact is not in conversation or wrap-up' },
      async handler({ params, body, caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        return { status: 201, body: await work.addNote(caller.agent, params.id, body.text) };
      },
    }),
    ...routingRoutes({ db, work, dispatcher }),
  ];
}

