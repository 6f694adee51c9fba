import { z } from 'zod';
import { languages, SentralError, type WrapUpSettings } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { linkContactToCustomer } from '../contacts/linking.ts';
import { customerView, upsertCustomer } from './customers.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

const linkBody = z
  .object({
    customerId: z.string().uuid('must be a UUID').optional(),
    customer: z
      .object({
        name: z.string().trim().min(1).max(200),
        email: z.string().trim().email().max(320).optional(),
        phone: z.string().trim().min(1).max(40).optional(),
        language: z.enum(languages).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((body) => (body.customerId === undefined) !== (body.customer === undefined), {
    message: 'give either customerId or customer, not both',
    path: ['customerId'],
  });

/** What the agent desktop needs beyond the spine's routes: wrap-up settings and linking unknown customers. */
export function deskRoutes(deps: { db: Database; defaultCountry: string; wrapUp: { dispositions: readonly string[]; seconds: number } }): RouteDefinition[] {
  const { db, defaultCountry } = deps;
  const settings: WrapUpSettings = { dispositions: [...deps.wrapUp.dispositions], wrapUpSeconds: deps.wrapUp.seconds };
  return [
    defineRoute({
      method: 'get',
      path: '/api/wrap-up',
      summary: 'The disposition codes an agent may choose at wrap-up and the wrap-up time in seconds',
      access: 'agent',
      responses: { 200: '{"dispositions":[..],"wrapUpSeconds"}' },
      async handler() {
        return { body: settings };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/colleagues',
      summary: 'The people an agent can transfer a contact to: id, name, role, status and queues (no contact details)',
      access: 'agent',
      responses: { 200: '[{"id","name","role","state","queues"}]' },
      async handler({ caller }) {
        const self = caller?.kind === 'agent' ? caller.agent.id : null;
        const colleagues = await db.agent.findMany({
          where: self ? { id: { not: self } } : {},
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          select: { id: true, name: true, role: true, state: true, queues: { select: { queueId: true }, orderBy: { queueId: 'asc' } } },
        });
        return { body: colleagues.map(({ queues, ...colleague }) => ({ ...colleague, queues: queues.map((queue) => queue.queueId) })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/contacts/:id/customer',
      summary: "Link an unidentified contact to an existing customer ({customerId}) or a new one ({customer:{name,email?,phone?}}); the contact's addresses become the customer's identities",
      access: 'agent',
      params: z.object({ id: z.string().uuid('must be a UUID') }),
      body: linkBody,
      responses: { 200: 'Linked: the customer 360 view', 201: 'Created and linked: the customer 360 view', 403: 'Not your contact', 404: 'No such contact or customer', 409: 'The contact is not in conversation or wrap-up' },
      async handler({ params, body, caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        // Checked before a new customer is created, so a refused link leaves nothing behind; checked again under lock.
        const owner = await db.contact.findUnique({ where: { id: params.id }, select: { agentId: true, status: true } });
        if (!owner) throw new SentralError('NOT_FOUND', 'no such contact');
        if (caller.agent.role === 'agent' && owner.agentId !== caller.agent.id) throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        if (owner.status !== 'accepted' && owner.status !== 'ended') throw new SentralError('CONFLICT', `the contact is ${owner.status}`);
        let customerId = body.customerId;
        let created = false;
        if (!customerId && body.customer) {
          const { name, email, phone, language } = body.customer;
          const upserted = await upsertCustomer(db, { name, ...(email ? { emails: [email] } : {}), ...(phone ? { phones: [phone] } : {}), ...(language ? { language } : {}) }, defaultCountry);
          customerId = upserted.id;
          created = true;
        }
        await linkContactToCustomer(db, caller.agent, { contactId: params.id, customerId: customerId!, created }, defaultCountry);
        return { status: created ? 201 : 200, body: await customerView(db, customerId!) };
      },
    }),
  ];
}
