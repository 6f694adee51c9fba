import { z } from 'zod';
import { languages, roles, SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { TokenService } from '../auth/tokens.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { AgentWork } from '../contacts/service.ts';
import { transcript } from '../contacts/messages.ts';
import type { Dispatcher } from '../routing/dispatcher.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import { customerInput, customerSearchQuery, customerView, searchCustomers, upsertCustomer } from './customers.ts';
import { defineRoute, type RouteDefinition } from './route.ts';
import { routingRoutes } from './routing-routes.ts';
import { deskRoutes } from './desk-routes.ts';

const uuidParam = z.object({ id: z.string().uuid('must be a UUID') });
const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };

// Verifying against a fixed hash when the email is unknown keeps the response time the same,
// so timing does not reveal which emails have accounts.
const DUMMY_HASH = hashPassword('not-a-real-password');

export function apiRoutes(deps: {
  db: Database;
  tokens: TokenService;
  work: AgentWork;
  dispatcher: Dispatcher;
  limits: RateLimits;
  defaultCountry: string;
  wrapUp?: { dispositions: readonly string[]; seconds: number };
}): RouteDefinition[] {
  const { db, tokens, work, dispatcher, defaultCountry } = deps;
  return [
    ...deskRoutes({ db, defaultCountry, wrapUp: deps.wrapUp ?? { dispositions: [], seconds: 0 } }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with email and password; returns a bearer token for the REST API and the /agent namespace',
      access: 'public',
      body: z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) }).strict(),
      responses: { 200: '{"token","agent":{"id","name","role"}}', 401: 'Wrong email or password' },
      async handler({ body }) {
        const agent = await db.agent.findUnique({ where: { email: body.email.toLowerCase() } });
        const valid = await verifyPassword(agent?.passwordHash ?? (await DUMMY_HASH), body.password);
        if (!agent || !valid) throw new SentralError('UNAUTHENTICATED', 'wrong email or password');
        const principal = { id: agent.id, name: agent.name, role: agent.role };
        await db.auditLog.create({ data: { actorId: agent.id, action: 'auth.login', entity: 'agent', entityId: agent.id } });
        return { body: { token: await tokens.issue(principal), agent: principal } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/queues',
      summary: 'The queues and the channels each serves',
      access: 'agent',
      responses: { 200: '[{"id","name","channels"}]' },
      async handler() {
        const queues = await db.queue.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, channels: true } });
        return { body: queues };
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
      responses: { 200: '[{"id","email","name","role","state","queues","languages","capacity"}]', 403: 'Not a supervisor or admin' },
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
            queues: { select: { queueId: true }, orderBy: { queueId: 'asc' } },
          },
        });
        return {
          body: agents.map(({ queues, capacityVoice, capacityChat, capacityEmail, capacityFax, ...agent }) => ({
            ...agent,
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
        const agent = await db.agent.findUniqueOrThrow({
          where: { id: caller.agent.id },
          select: {
            id: true,
            name: true,
            email: true,
            role: true,
            state: true,
            stateSince: true,
            languages: true,
            queues: { select: { queueId: true } },
            capacityVoice: true,
            capacityChat: true,
            capacityEmail: true,
            capacityFax: true,
          },
        });
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
      summary: 'Find customers by part of name or email, phone number or external id (at most `limit`, default 20)',
      access: { roles: [...roles], scopes: ['customers:read'] },
      query: customerSearchQuery,
      responses: { 200: '[{"id","externalId","name","language","segment","emails","phones","faxNumbers"}]' },
      async handler({ query }) {
        return { body: await searchCustomers(db, query, defaultCountry) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/customers/:id',
      summary: 'The 360 view of one customer: identities, facts, segment, and contacts on every channel',
      access: { roles: [...roles], scopes: ['customers:read'] },
      params: uuidParam,
      responses: { 200: 'The customer', 404: 'No such customer' },
      async handler({ params }) {
        return { body: await customerView(db, params.id) };
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
        return {
          body: {
            ...contact,
            events: contact.events.map((event) => ({ ...event, id: Number(event.id) })),
            messages: await transcript(db, contact.id),
          },
        };
      },
    }),
    ...routingRoutes({ db, work, dispatcher }),
  ];
}

