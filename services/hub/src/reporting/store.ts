import type { Channel, Segment, WaitingContact } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import type { ContactFacts } from './metrics.ts';

/** Timeline event types that mean the contact was handed on to another queue or agent. */
export const TRANSFER_EVENTS = ['transferred'] as const;
/** The timeline event that records the agent's wrap-up after the conversation ended. */
export const WRAP_UP_EVENT = 'wrapped-up';

// A contact is normally queued within seconds of being created; this slack lets the range filter
// use the creation time while still finding contacts that spent long in self-service first.
const SELF_SERVICE_SLACK = Prisma.sql`interval '1 day'`;

// Times come as epoch milliseconds: a large day reads several times faster than as timestamps.
interface FactsRow {
  id: string;
  queueId: string;
  channel: Channel;
  agentId: string | null;
  segment: Segment | null;
  status: string;
  createdAt: number;
  queuedAt: number | null;
  acceptedAt: number | null;
  endedAt: number | null;
  firstResponseDueAt: number | null;
  wrappedUpAt: number | null;
  transfers: number;
  rating: number | null;
  entryPoint: string | null;
  leftAt: string | null;
  actions: string[] | null;
}

export type FactsQuery = {
  /** After-contact work counts up to this many seconds: the time the desktop gives for it. */
  wrapUpCapSeconds: number;
} & (
  | {
      /** Contacts that entered their queue in [from, to). */
      from: Date;
      to: Date;
      /** Also every contact waiting right now, whenever it arrived (the live wallboard). */
      includeWaiting?: boolean;
    }
  | { /** These contacts (whose timelines changed). */ ids: string[] }
);

/** Reads the stored timelines of a range of contacts as the facts the metrics are computed from. */
export async function loadContactFacts(db: Database, query: FactsQuery): Promise<ContactFacts[]> {
  let where: Prisma.Sql;
  if ('ids' in query) {
    if (query.ids.length === 0) return [];
    where = Prisma.sql`c.id = ANY(${query.ids}::uuid[])`;
  } else {
    const entered = Prisma.sql`coalesce(c."queuedAt", c."createdAt")`;
    const inRange = Prisma.sql`(c."createdAt" >= ${query.from}::timestamp - ${SELF_SERVICE_SLACK} AND c."createdAt" < ${query.to}::timestamp
      AND ${entered} >= ${query.from}::timestamp AND ${entered} < ${query.to}::timestamp)`;
    where = query.includeWaiting ? Prisma.sql`(${inRange} OR c.status IN ('queued', 'offered'))` : inRange;
  }
  const ms = (column: Prisma.Sql) => Prisma.sql`(extract(epoch FROM ${column}) * 1000)::float8`;
  const timelineTypes = Prisma.join([WRAP_UP_EVENT, ...TRANSFER_EVENTS]);
  // The events are aggregated once for all picked contacts (a hash join), not looked up per contact.
  const rows = await db.$queryRaw<FactsRow[]>`
    WITH picked AS (SELECT c.* FROM "Contact" c WHERE ${where}),
    timeline AS (
      SELECT e."contactId", min(e.at) FILTER (WHERE e.type = ${WRAP_UP_EVENT}) AS wrapped,
             count(*) FILTER (WHERE e.type IN (${Prisma.join([...TRANSFER_EVENTS])}))::int AS transfers
      FROM "ContactEvent" e WHERE e."contactId" IN (SELECT id FROM picked) AND e.type IN (${timelineTypes})
      GROUP BY e."contactId"
    )
    SELECT p.id, p."queueId", p.channel::text AS channel, p."agentId", cu.segment::text AS segment, p.status::text AS status,
           ${ms(Prisma.sql`p."createdAt"`)} AS "createdAt", ${ms(Prisma.sql`p."queuedAt"`)} AS "queuedAt",
           ${ms(Prisma.sql`p."acceptedAt"`)} AS "acceptedAt", ${ms(Prisma.sql`p."endedAt"`)} AS "endedAt",
           ${ms(Prisma.sql`p."firstResponseDueAt"`)} AS "firstResponseDueAt", ${ms(Prisma.sql`t.wrapped`)} AS "wrappedUpAt",
           coalesce(t.transfers, 0) AS transfers, r.score AS rating,
           p.attributes->>'entryPoint' AS "entryPoint", p.attributes->'selfService'->>'leftAt' AS "leftAt",
           CASE WHEN p.attributes ? 'entryPoint' AND jsonb_typeof(p.journey) = 'array' THEN
             (SELECT array_agg(DISTINCT s->'data'->>'action') FROM jsonb_array_elements(p.journey) s WHERE s->'data' ? 'action')
           END AS actions
    FROM picked p
    LEFT JOIN "Customer" cu ON cu.id = p."customerId"
    LEFT JOIN "ContactRating" r ON r."contactId" = p.id
    LEFT JOIN timeline t ON t."contactId" = p.id`;
  return rows.map((row) => toFacts(row, query.wrapUpCapSeconds));
}

function toFacts(row: FactsRow, wrapUpCapSeconds: number): ContactFacts {
  const date = (value: number | null) => (value === null ? null : new Date(value));
  const entered = row.queuedAt ?? row.createdAt;
  const wrapUp = row.wrappedUpAt !== null && row.endedAt !== null ? (row.wrappedUpAt - row.endedAt) / 1000 : 0;
  return {
    id: row.id,
    queueId: row.queueId,
    channel: row.channel,
    agentId: row.acceptedAt !== null ? row.agentId : null,
    segment: row.segment,
    status: row.status,
    createdAt: new Date(row.createdAt),
    queuedAt: date(row.queuedAt),
    acceptedAt: date(row.acceptedAt),
    endedAt: date(row.endedAt),
    wrapUpSeconds: Math.min(Math.max(0, wrapUp), wrapUpCapSeconds),
    dueSeconds: row.firstResponseDueAt !== null ? Math.max(0, (row.firstResponseDueAt - entered) / 1000) : null,
    transfers: row.transfers,
    rating: row.rating,
    selfService: row.entryPoint ? { entryPoint: row.entryPoint, actions: row.actions ?? [], leftAt: row.leftAt } : null,
  };
}

/** What an agent is doing now, as the wallboard shows it. */
export type AgentActivity = 'available' | 'busy' | 'wrapup' | 'away' | 'offline';

export interface AgentNow {
  id: string;
  name: string;
  activity: AgentActivity;
  since: Date;
  /** The away reason code while away. */
  reason: string | null;
  queues: string[];
  contacts: Array<{ id: string; channel: Channel; queueId: string; status: 'offered' | 'accepted'; since: Date }>;
}

interface AgentRow {
  id: string;
  name: string;
  state: 'available' | 'away' | 'offline';
  stateSince: Date;
  awayReason: string | null;
  idleSince: Date;
  queues: string[];
}

/**
 * Every agent who serves at least one queue, with what they do now. An agent with an offered or
 * accepted contact is busy. One whose conversation ended without a disposition yet is in wrap-up
 * while routing holds them back for it (the queue's wrap-up pause) or the desktop still counts
 * down its wrap-up time (`wrapUpSeconds`), whichever is longer.
 */
export async function loadAgentsNow(db: Database, now: Date, wrapUpSeconds: number): Promise<AgentNow[]> {
  const agents = await db.$queryRaw<AgentRow[]>`
    SELECT a.id, a.name, a.state::text AS state, a."stateSince", a."awayReason", a."idleSince", array_agg(aq."queueId" ORDER BY aq."queueId") AS queues
    FROM "Agent" a JOIN "AgentQueue" aq ON aq."agentId" = a.id
    GROUP BY a.id ORDER BY a.name, a.id`;
  const open = await db.$queryRaw<Array<{ id: string; agentId: string; channel: Channel; queueId: string; status: 'offered' | 'accepted'; since: Date }>>`
    SELECT c.id, c."agentId", c.channel::text AS channel, c."queueId", c.status::text AS status, coalesce(c."acceptedAt", c."offeredAt", c."createdAt") AS since
    FROM "Contact" c WHERE c.status IN ('offered', 'accepted') AND c."agentId" IS NOT NULL ORDER BY since`;
  const wrapping = await db.$queryRaw<Array<{ agentId: string; endedAt: Date }>>`
    SELECT c."agentId", max(c."endedAt") AS "endedAt" FROM "Contact" c LEFT JOIN "QueueRouting" qr ON qr."queueId" = c."queueId"
    WHERE c.status = 'ended' AND c.disposition IS NULL AND c."agentId" IS NOT NULL AND c."endedAt" > ${now}::timestamp - interval '1 hour'
      AND c."endedAt" + make_interval(secs => GREATEST(COALESCE(qr."wrapUpSeconds", 0), ${wrapUpSeconds}::int)) > ${now}::timestamp
    GROUP BY c."agentId"`;
  const contactsOf = new Map<string, AgentNow['contacts']>();
  for (const { agentId, ...contact } of open) {
    const list = contactsOf.get(agentId) ?? [];
    list.push(contact);
    contactsOf.set(agentId, list);
  }
  const wrapUpOf = new Map(wrapping.map((row) => [row.agentId, row.endedAt]));
  return agents.map((agent) => {
    const contacts = contactsOf.get(agent.id) ?? [];
    const wrapUpStart = wrapUpOf.get(agent.id);
    let activity: AgentActivity = agent.state;
    let since = agent.stateSince;
    if (agent.state !== 'offline' && contacts.length) {
      activity = 'busy';
      since = contacts[0]!.since;
    } else if (agent.state !== 'offline' && wrapUpStart) {
      activity = 'wrapup';
      since = wrapUpStart;
    } else if (agent.state === 'available' && agent.idleSince > since) {
      since = agent.idleSince;
    }
    return { id: agent.id, name: agent.name, activity, since, reason: activity === 'away' ? agent.awayReason : null, queues: agent.queues, contacts };
  });
}

/** A number that grows whenever any contact's timeline does: lets the wallboard skip reloading an unchanged day. */
export async function timelineVersion(db: Database): Promise<bigint> {
  const [row] = await db.$queryRaw<Array<{ version: bigint | null }>>`SELECT max(id) AS version FROM "ContactEvent"`;
  return row?.version ?? 0n;
}

/** Timeline events after event id `afterId` (ascending ids): which contacts changed since. */
export async function eventsAfter(db: Database, afterId: bigint): Promise<Array<{ id: bigint; contactId: string }>> {
  return db.$queryRaw<Array<{ id: bigint; contactId: string }>>`
    SELECT id, "contactId" FROM "ContactEvent" WHERE id > ${afterId} ORDER BY id`;
}

/** The contacts waiting now, oldest first, with who they are: what a supervisor may reassign. */
export async function loadWaitingContacts(db: Database, limit: number): Promise<WaitingContact[]> {
  const rows = await db.$queryRaw<
    Array<{ id: string; channel: Channel; queueId: string; status: 'queued' | 'offered'; since: Date; priority: number; agentId: string | null; customerId: string | null; name: string | null; segment: Segment | null }>
  >`
    SELECT c.id, c.channel::text AS channel, c."queueId", c.status::text AS status, coalesce(c."queuedAt", c."createdAt") AS since, c.priority,
           c."agentId", cu.id AS "customerId", cu.name, cu.segment::text AS segment
    FROM "Contact" c LEFT JOIN "Customer" cu ON cu.id = c."customerId"
    WHERE c.status IN ('queued', 'offered')
    ORDER BY since, c.id
    LIMIT ${limit}`;
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    queue: row.queueId,
    status: row.status,
    since: row.since.toISOString(),
    priority: row.priority,
    customer: row.customerId && row.name && row.segment ? { id: row.customerId, name: row.name, segment: row.segment } : null,
    offeredTo: row.status === 'offered' ? row.agentId : null,
  }));
}
