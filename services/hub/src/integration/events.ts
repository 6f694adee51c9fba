import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SentralError, type ContactIntake, type JourneyStep, type Language } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import { inboundEventJobs, queueNames, type InboundEventJobData, type JobConsumer, type QueueBackend } from '@sentral/queues';
import type { Logger } from '../logger.ts';
import type { OutboundSender } from '../contacts/service.ts';
import { isUniqueViolation } from '../contacts/messages.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { audit } from './audit.ts';
import { matchingRules, parseWorkflowRules, render, WorkflowRuleError, type EventFacts, type WorkflowAction, type WorkflowRuleSet } from './workflow-rules.ts';

/** A pending event with no finished run this long after it arrived gets a new job (lost, or its worker died). */
const STUCK_AFTER_MS = 10_000;

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

const eventBody = z
  .object({
    id: z.string().trim().min(1).max(200),
    type: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'must be an event type such as order.delayed'),
    customer: z.object({ externalId: z.string().trim().min(1).max(100) }).strict().optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

interface ActionResult {
  rule: string;
  action: WorkflowAction['type'];
  contactId?: string;
  attributes?: string[];
  skipped?: string;
}

/**
 * Inbound events that start work: `POST /api/events` stores the event once (its id is the key) and a
 * worker runs it through the workflow rules in force. Every action is idempotent (a callback task's
 * contact id derives from the event, facts are set, not added), so a rerun after a crash does nothing twice.
 */
export function createInboundEvents(deps: { db: Database; queues: QueueBackend; intake: ContactIntake; outbound: OutboundSender; logger: Logger }) {
  const { db, logger } = deps;
  const jobs = deps.queues.producer<InboundEventJobData>(queueNames.events);

  async function knownQueues(): Promise<Set<string>> {
    return new Set((await db.queue.findMany({ select: { id: true } })).map((queue) => queue.id));
  }

  async function current(): Promise<{ version: number; rules: WorkflowRuleSet }> {
    const row = await db.workflowRuleSet.findFirst({ orderBy: { version: 'desc' } });
    return row ? { version: row.version, rules: row.definition as unknown as WorkflowRuleSet } : { version: 0, rules: { rules: [] } };
  }

  async function enqueue(eventId: string, suffix = ''): Promise<void> {
    await jobs.add(inboundEventJobs.run.name, { eventId }, { jobId: inboundEventJobs.run.jobId(digest(eventId)) + suffix });
  }

  /**
   * A templated email to the customer, sent like an agent's reply: stored as an ended email contact with one
   * pending system message that the outbound worker delivers (and retries) through the first email mailbox.
   */
  async function sendEmail(event: { id: string }, facts: EventFacts, customer: { id: string; language: string; email: string | null }, rule: string, index: number, action: Extract<WorkflowAction, { type: 'email' }>): Promise<ActionResult> {
    if (!customer.email) return { rule, action: 'email', skipped: 'the customer has no email address' };
    const mailbox = await db.mailbox.findFirst({ where: { kind: 'email', enabled: true }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    if (!mailbox) return { rule, action: 'email', skipped: 'no email mailbox is configured' };
    const queue = await db.queue.findFirst({ where: { channels: { has: 'email' } }, orderBy: { id: 'asc' }, select: { id: true } });
    if (!queue) return { rule, action: 'email', skipped: 'no queue serves email' };
    const language = customer.language as Language;
    const externalId = `workflow:${digest(event.id)}:${rule}:${index}`;
    try {
      const { contactId, messageId } = await db.$transaction(async (tx) => {
        const now = new Date();
        const contact = await tx.contact.create({
          data: {
            channel: 'email',
            status: 'ended',
            externalId,
            fromAddress: customer.email,
            subject: render(action.subject[language] ?? action.subject.nb, facts),
            language,
            queueId: queue.id,
            customerId: customer.id,
            identMethod: 'verified',
            identConfidence: 1,
            accountId: mailbox.id,
            messageCount: 1,
            endedAt: now,
            attributes: { workflow: rule },
          },
          select: { id: true },
        });
        const message = await tx.message.create({
          data: { contactId: contact.id, seq: 1, author: 'system', text: render(action.body[language] ?? action.body.nb, facts), meta: { automatic: true, workflow: rule }, delivery: 'pending' },
          select: { id: true },
        });
        return { contactId: contact.id, messageId: message.id };
      });
      await deps.outbound.replied(contactId, messageId);
      return { rule, action: 'email', contactId };
    } catch (error) {
      // Stored on an earlier run: the outbound worker (or its sweep) sends it.
      if (isUniqueViolation(error)) return { rule, action: 'email', skipped: 'already sent' };
      throw error;
    }
  }

  async function runAction(event: { id: string; type: string }, facts: EventFacts, customer: { id: string; language: string; phone: string | null; email: string | null } | null, rule: string, index: number, action: WorkflowAction): Promise<ActionResult> {
    if (!customer) return { rule, action: action.type, skipped: 'no customer with that externalId' };
    if (action.type === 'email') return sendEmail(event, facts, customer, rule, index, action);
    const language = (customer.language as Language) ?? 'nb';
    if (action.type === 'callback') {
      const subject = render(action.subject[language] ?? action.subject.nb, facts);
      const at = new Date().toISOString();
      const journey: JourneyStep[] = [
        { at, step: 'callback', result: subject },
        { at, step: `event ${event.type}`, result: JSON.stringify(facts.data).slice(0, 2000) },
      ];
      const opened = await deps.intake.open({
        channel: 'voice',
        // Derived from the event and the rule: a rerun finds the task it opened before.
        externalId: `workflow:${digest(event.id)}:${rule}:${index}`,
        from: customer.phone,
        subject,
        language,
        queueId: action.queue,
        journey,
        identified: { customerId: customer.id, method: 'verified', confidence: 1 },
      });
      return { rule, action: 'callback', contactId: opened.contactId };
    }
    const patch = Object.fromEntries(Object.entries(action.attributes).map(([name, value]) => [name, typeof value === 'string' ? render(value, facts) : value]));
    await db.$executeRaw`UPDATE "Customer" SET attributes = attributes || ${JSON.stringify(patch)}::jsonb, "updatedAt" = now() WHERE id = ${customer.id}::uuid`;
    return { rule, action: 'facts', attributes: Object.keys(patch) };
  }

  async function run(eventId: string): Promise<void> {
    const event = await db.inboundEvent.findUnique({ where: { id: eventId } });
    if (!event || event.status !== 'pending') return;
    const customer = event.externalId
      ? await db.customer.findUnique({
          where: { externalId: event.externalId },
          include: { identities: { where: { kind: { in: ['phone', 'email'] } }, orderBy: { createdAt: 'asc' } } },
        })
      : null;
    const data = (event.data ?? {}) as Record<string, unknown>;
    const facts: EventFacts = {
      type: event.type,
      data,
      customer: customer
        ? { name: customer.name, externalId: customer.externalId, language: customer.language, segment: customer.segment, lifetimeValue: Number(customer.lifetimeValue), attributes: (customer.attributes ?? {}) as Record<string, unknown> }
        : null,
    };
    const { rules, version } = await current();
    const results: ActionResult[] = [];
    for (const rule of matchingRules(rules, facts)) {
      for (const [index, action] of rule.actions.entries()) {
        const subject = customer
          ? {
              id: customer.id,
              language: customer.language,
              phone: customer.identities.find((identity) => identity.kind === 'phone')?.value ?? null,
              email: customer.identities.find((identity) => identity.kind === 'email')?.value ?? null,
            }
          : null;
        results.push(await runAction(event, facts, subject, rule.name, index, action));
      }
    }
    await db.inboundEvent.update({
      where: { id: event.id },
      data: { status: 'done', customerId: customer?.id ?? null, result: { ruleVersion: version, actions: results } as unknown as Prisma.InputJsonValue, processedAt: new Date() },
    });
    logger.info({ eventId: digest(event.id), type: event.type, actions: results.length }, 'inbound event handled');
  }

  function startWorker(tuning: { concurrency: number; lockDurationMs: number }): { stop(): Promise<void> } {
    const consumer: JobConsumer = deps.queues.consumer<InboundEventJobData>(queueNames.events, (job) => run(job.data.eventId), {
      concurrency: tuning.concurrency,
      lockDurationMs: tuning.lockDurationMs,
      stalledIntervalMs: Math.max(500, Math.floor(tuning.lockDurationMs / 2)),
    });
    consumer.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id }, 'inbound event job failed'));
    const sweep = async () => {
      const stuck = await db.inboundEvent.findMany({ where: { status: 'pending', receivedAt: { lt: new Date(Date.now() - STUCK_AFTER_MS) } }, select: { id: true }, take: 200 });
      // A new job id per sweep: the first job may have finished or failed for good without finishing the event.
      for (const { id } of stuck) await enqueue(id, `-${Math.floor(Date.now() / STUCK_AFTER_MS)}`);
    };
    const timer = setInterval(() => void sweep().catch((error: unknown) => logger.warn({ err: error }, 'inbound event sweep failed')), STUCK_AFTER_MS / 2);
    return {
      async stop() {
        clearInterval(timer);
        await consumer.close();
      },
    };
  }

  async function store(body: unknown, caller: Parameters<typeof audit>[1]): Promise<number> {
    let parsed: WorkflowRuleSet;
    try {
      parsed = parseWorkflowRules(body, { queues: await knownQueues() });
    } catch (error) {
      if (error instanceof WorkflowRuleError) throw new SentralError('VALIDATION_FAILED', error.message, { field: error.path });
      throw error;
    }
    const row = await db.workflowRuleSet.create({
      data: { definition: parsed as unknown as Prisma.InputJsonValue, createdBy: caller?.kind === 'agent' ? caller.agent.id : null },
    });
    await audit(db, caller, 'workflow.rules.update', 'workflow-rules', String(row.version), { rules: parsed.rules.map((rule) => rule.name) });
    return row.version;
  }

  function routes(): RouteDefinition[] {
    return [
      defineRoute({
        method: 'post',
        path: '/api/events',
        summary: 'An event from a back-office system; workflow rules decide what it starts. A repeated id does nothing twice',
        access: { roles: ['admin'], scopes: ['events:write'] },
        body: eventBody,
        responses: { 202: '{"id","duplicate"}', 403: 'Not a key with events:write' },
        async handler({ body, caller }) {
          const inserted = await db.$executeRaw`
            INSERT INTO "InboundEvent" (id, type, "externalId", data, "apiKeyId")
            VALUES (${body.id}, ${body.type}, ${body.customer?.externalId ?? null}, ${JSON.stringify(body.data)}::jsonb, ${caller?.kind === 'integration' ? caller.keyId : null}::uuid)
            ON CONFLICT (id) DO NOTHING`;
          if (inserted) {
            await enqueue(body.id).catch((error: unknown) => logger.warn({ err: error }, 'could not enqueue an inbound event; the sweep retries'));
          }
          return { status: 202, body: { id: body.id, duplicate: inserted === 0 } };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/events/:id',
        summary: 'One inbound event: whether it was handled, and what each matching rule did',
        access: { roles: ['admin'], scopes: ['events:write'] },
        params: z.object({ id: z.string().min(1).max(200) }),
        responses: { 200: '{"id","type","status","result","receivedAt","processedAt"}', 404: 'No such event' },
        async handler({ params }) {
          const event = await db.inboundEvent.findUnique({ where: { id: params.id }, omit: { data: true } });
          if (!event) throw new SentralError('NOT_FOUND', 'no such event');
          return { body: { id: event.id, type: event.type, status: event.status, customerId: event.customerId, result: event.result, receivedAt: event.receivedAt, processedAt: event.processedAt } };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/workflows/rules',
        summary: 'The workflow rules in force and their version',
        access: { roles: ['admin'] },
        responses: { 200: '{"version","rules":[..]}' },
        async handler() {
          const { version, rules } = await current();
          return { body: { version, ...rules } };
        },
      }),
      defineRoute({
        method: 'put',
        path: '/api/workflows/rules',
        summary: 'Replace the workflow rules: the whole set is checked and stored as the next version, or refused naming the problem',
        access: { roles: ['admin'] },
        body: z.unknown(),
        responses: { 200: '{"version"}', 400: 'The set is invalid; the message names the part' },
        async handler({ body, caller }) {
          return { body: { version: await store(body, caller) } };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/api/workflows/rules/versions',
        summary: 'Earlier workflow rule sets, newest first',
        access: { roles: ['admin'] },
        responses: { 200: '[{"version","createdAt","createdBy","rules"}]' },
        async handler() {
          const rows = await db.workflowRuleSet.findMany({ orderBy: { version: 'desc' }, take: 50 });
          return { body: rows.map((row) => ({ version: row.version, createdAt: row.createdAt, createdBy: row.createdBy, ...(row.definition as object) })) };
        },
      }),
    ];
  }

  return { routes, startWorker, run, close: () => jobs.close() };
}
