import type { Channel } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { Notifier } from '../realtime/notifier.ts';
import { recordEvent } from '../contacts/messages.ts';
import { isOpen } from './hours.ts';
import { loadQueueSettings } from './queue-settings.ts';
import type { RuleBook } from './rule-store.ts';
import { planFor, plainStep, type ContactFacts, type PlanStep } from './rules.ts';
import { closedText, type ClosedAction } from './texts.ts';
import { asJourney, recentSelfService } from '../self-service/journey.ts';

const asJourneys = (value: unknown) => (Array.isArray(value) ? value.map(asJourney) : []);

type Tx = Prisma.TransactionClient;

/** Where a newly identified contact goes, decided before it is put in line. */
export interface Placement {
  queueId: string;
  priority: number;
  basePriority: number;
  ruleSetVersion: number;
  filter: string | null;
  steps: PlanStep[];
  stickyAgentId: string | null;
  /** Set when the first target's queue is closed: what happens instead, and what the customer is told. */
  closed: { action: ClosedAction; text: string } | null;
  /** Targets skipped because their queue does not serve the contact's channel, with the reason for the trace. */
  dropped: Array<{ queue: string; via: string; reason: string }>;
  facts: ContactFacts;
}

export interface Planner {
  place(input: { contactId: string; customerId: string | null; identification: { method: string; confidence: number }; basePriority: number }): Promise<Placement>;
  /** Stores the plan with the contact's move into line (call inside that transaction). */
  store(tx: Tx, contactId: string, placement: Placement): Promise<void>;
  /** Carries out a closed queue's action once the contact is stored: tell the customer, and end it or let it wait. */
  closed(contactId: string, placement: Placement): Promise<void>;
}

interface FactsRow {
  channel: Channel;
  language: string | null;
  queueId: string;
  subject: string | null;
  attributes: unknown;
  journey: unknown;
  message: string | null;
  segment: string | null;
  lifetimeValue: number | null;
  creditScore: number | null;
  customerLanguage: string | null;
  customerAttributes: unknown;
  openCases: number | null;
  recentJourneys: unknown;
  rulesVersion: number | null;
}

/** How far back routing reads the customer's self-service (`customer.recentSelfService.<action>`). */
const RECENT_SELF_SERVICE_DAYS = 3;
const RECENT_SELF_SERVICE_CONTACTS = 20;

/** The facts a rule can read, in one query (it runs for every contact), with the rule set version in force. */
async function gatherFacts(
  db: Database,
  contactId: string,
  customerId: string | null,
  identification: ContactFacts['identification'],
): Promise<{ facts: ContactFacts; rulesVersion: number }> {
  const [row] = await db.$queryRaw<FactsRow[]>`
    SELECT c.channel::text AS channel, c.language, c."queueId", c.subject, c.attributes, c.journey,
           (SELECT m.text FROM "Message" m WHERE m."contactId" = c.id AND m.author = 'customer' ORDER BY m.seq LIMIT 1) AS message,
           cu.segment::text AS segment, cu."lifetimeValue"::float8 AS "lifetimeValue", cu."creditScore", cu.language AS "customerLanguage",
           cu.attributes AS "customerAttributes",
           (SELECT count(*)::int FROM "Contact" o WHERE cu.id IS NOT NULL AND o."customerId" = cu.id AND o.id <> c.id
              AND o.status::text NOT IN ('ended', 'abandoned', 'self-service', 'self-served', 'abandoned-in-self-service')) AS "openCases",
           (SELECT coalesce(jsonb_agg(r.journey), '[]'::jsonb) FROM (
              SELECT o.journey FROM "Contact" o
              WHERE cu.id IS NOT NULL AND o."customerId" = cu.id AND o.id <> c.id AND jsonb_array_length(o.journey) > 0
                AND o."createdAt" > now() - make_interval(days => ${RECENT_SELF_SERVICE_DAYS})
              ORDER BY o."createdAt" DESC LIMIT ${RECENT_SELF_SERVICE_CONTACTS}) r) AS "recentJourneys",
           (SELECT r.version FROM "RoutingRuleSet" r ORDER BY r.version DESC LIMIT 1) AS "rulesVersion"
    FROM "Contact" c LEFT JOIN "Customer" cu ON cu.id = ${customerId}::uuid
    WHERE c.id = ${contactId}::uuid`;
  if (!row) throw new Error(`contact ${contactId} does not exist`);
  const journey = Array.isArray(row.journey) ? (row.journey as Array<{ step?: unknown; result?: unknown }>) : [];
  const facts: ContactFacts = {
    channel: row.channel,
    language: row.language,
    queue: row.queueId,
    subject: row.subject,
    message: row.message,
    identification,
    customer:
      row.segment === null
        ? null
        : {
            segment: row.segment,
            lifetimeValue: row.lifetimeValue ?? 0,
            creditScore: row.creditScore,
            language: row.customerLanguage ?? 'nb',
            openCases: row.openCases ?? 0,
            attributes: (row.customerAttributes ?? {}) as Record<string, unknown>,
            recentSelfService: recentSelfService([...asJourneys(row.recentJourneys), asJourney(row.journey)]),
          },
    attributes: (row.attributes ?? {}) as Record<string, unknown>,
    journey: journey.map((step) => ({ step: String(step.step ?? ''), result: String(step.result ?? '') })),
  };
  return { facts, rulesVersion: row.rulesVersion ?? 0 };
}

/** The agent who last talked with this customer on any channel, within the window. */
export async function lastAgentOf(db: Database, customerId: string, exceptContactId: string, windowHours: number): Promise<string | null> {
  if (windowHours <= 0) return null;
  const [row] = await db.$queryRaw<Array<{ agentId: string }>>`
    SELECT "agentId"::text AS "agentId" FROM "Contact"
    WHERE "customerId" = ${customerId}::uuid AND id <> ${exceptContactId}::uuid AND "agentId" IS NOT NULL AND "acceptedAt" IS NOT NULL
      AND "acceptedAt" > now() - make_interval(hours => ${windowHours})
    ORDER BY "acceptedAt" DESC LIMIT 1`;
  return row?.agentId ?? null;
}

export function createPlanner(deps: { db: Database; rules: RuleBook; notifier: Notifier }): Planner {
  const { db, rules, notifier } = deps;
  return {
    async place({ contactId, customerId, identification, basePriority }) {
      const { facts, rulesVersion } = await gatherFacts(db, contactId, customerId, identification);
      const active = await rules.current(rulesVersion);
      const plan = planFor(active.ruleSet, facts);
      const settings = await loadQueueSettings(db, [...new Set([facts.queue, ...plan.steps.map((step) => step.queue)])]);
      const serves = (step: PlanStep) => settings.get(step.queue)?.channels.includes(facts.channel) ?? false;
      let steps = plan.steps.filter(serves);
      const dropped = plan.steps
        .filter((step) => !serves(step))
        .map((step) => ({ queue: step.queue, via: step.via, reason: `skipped: queue ${step.queue} does not take ${facts.channel}` }));
      if (steps.length === 0) steps = [plainStep(facts.queue, 'the queue it arrived for (no target serves this channel)')];
      const first = steps[0]!;
      const queue = settings.get(first.queue);
      const closed = queue && !isOpen(queue.hours, new Date()) ? { action: queue.closedAction, text: closedText(queue.closedAction, facts.language ?? facts.customer?.language, queue.closedMessage) } : null;
      const stickyAgentId = customerId ? await lastAgentOf(db, customerId, contactId, active.ruleSet.settings.stickyWindowHours) : null;
      return {
        queueId: first.queue,
        priority: basePriority + first.priority,
        basePriority,
        ruleSetVersion: active.version,
        filter: plan.filter,
        steps,
        stickyAgentId,
        closed,
        dropped,
        facts,
      };
    },

    async store(tx, contactId, placement) {
      const { facts } = placement;
      const decisions = [
        {
          kind: 'planned',
          data: {
            ruleSetVersion: placement.ruleSetVersion,
            filter: placement.filter,
            steps: placement.steps,
            ...(placement.dropped.length ? { dropped: placement.dropped } : {}),
            stickyAgentId: placement.stickyAgentId,
            priority: { base: placement.basePriority, step: placement.steps[0]!.priority },
            facts: {
              channel: facts.channel,
              language: facts.language,
              queue: facts.queue,
              segment: facts.customer?.segment ?? null,
              lifetimeValue: facts.customer?.lifetimeValue ?? null,
              openCases: facts.customer?.openCases ?? null,
              journey: facts.journey,
            },
          },
        },
        ...(placement.closed ? [{ kind: 'closed', data: { queue: placement.queueId, action: placement.closed.action } }] : []),
      ];
      // One statement (it runs for every contact): the plan, and its decisions only when the plan is new.
      // A closed queue's contact is never routed while closed: it waits for the opening, or (a closed message) is ended just after.
      await tx.$executeRaw`
        WITH routing AS (
          INSERT INTO "ContactRouting" ("contactId", "ruleSetVersion", filter, plan, "basePriority", "stickyAgentId", "heldUntilOpen")
          VALUES (${contactId}::uuid, ${placement.ruleSetVersion || null}::int, ${placement.filter}, ${JSON.stringify(placement.steps)}::jsonb,
                  ${placement.basePriority}, ${placement.stickyAgentId}::uuid, ${placement.closed !== null})
          ON CONFLICT ("contactId") DO NOTHING
          RETURNING "contactId"
        )
        INSERT INTO "RoutingDecision" ("contactId", kind, step, data)
        SELECT routing."contactId", d.kind, 0, d.data FROM routing CROSS JOIN jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) AS d(kind text, data jsonb)`;
    },

    async closed(contactId, placement) {
      if (!placement.closed) return;
      const { channel } = placement.facts;
      const at = new Date();
      await notifier.toCustomer(channel, { kind: 'message', contactId, from: 'system', text: placement.closed.text, at: at.toISOString() });
      if (placement.closed.action !== 'message') return;
      const ended = await db.$transaction(async (tx) => {
        const done = await tx.contact.updateMany({
          where: { id: contactId, status: 'queued' },
          data: { status: 'ended', endedAt: at, openKey: null, disposition: 'closed' },
        });
        if (done.count === 0) return false;
        await recordEvent(tx, contactId, 'ended', 'system', { reason: 'closed', queueId: placement.queueId });
        return true;
      });
      if (ended) await notifier.toCustomer(channel, { kind: 'ended', contactId, by: 'system', at: at.toISOString() });
    },
  };
}
