import { randomUUID } from 'node:crypto';
import type { Channel } from '@sentral/contract';
import { advisoryLocks, type Database, type Prisma } from '@sentral/db';

/** A decision the board made and the database has yet to confirm. */
export interface Decision {
  contactId: string;
  agentId: string;
  channel: Channel;
  queueId: string;
  step: number;
  offerTimeoutSeconds: number;
  trace: Record<string, unknown>;
}

export interface ClaimedOffer extends Decision {
  offerId: string;
  expiresAt: Date;
  /** What the offer shows about the contact, read back as it moved. */
  contact: { priority: number; subject: string | null; from: string | null; createdAt: Date };
}

export interface ClaimOutcome {
  claimed: ClaimedOffer[];
  refused: Array<{ decision: Decision; reason: string }>;
}

const capacityColumn: Record<Channel, 'capacityVoice' | 'capacityChat' | 'capacityEmail' | 'capacityFax'> = {
  voice: 'capacityVoice',
  chat: 'capacityChat',
  email: 'capacityEmail',
  fax: 'capacityFax',
};

/**
 * The atomic claim. In one transaction: the chosen agents' rows are locked (in id order, so two
 * claimers never deadlock on each other), their open contacts are counted and their wrap-up read
 * under that lock, and each contact moves queued → offered only if it is still queued. Every
 * change that adds to an agent's load goes through here, so the count under the lock is exact
 * and a capacity cannot be exceeded by any number of routers in any number of processes; the
 * conditional update and the unique pending key make a second simultaneous offer impossible.
 */
export async function claimOffers(db: Database, decisions: Decision[], options: { voiceBlocksOtherChannels: boolean }): Promise<ClaimOutcome> {
  if (decisions.length === 0) return { claimed: [], refused: [] };
  // Six round trips whatever the batch size: lock, agents, their load, one statement that writes, commit.
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${advisoryLocks.dispatch}::bigint)) AS l`;
      const agentIds = [...new Set(decisions.map((d) => d.agentId))].sort();
      const agents = await tx.$queryRaw<Array<{ id: string; state: string; capacityVoice: number; capacityChat: number; capacityEmail: number; capacityFax: number }>>`
        SELECT id::text AS id, state::text AS state, "capacityVoice", "capacityChat", "capacityEmail", "capacityFax"
        FROM "Agent" WHERE id = ANY(${agentIds}::uuid[]) ORDER BY id FOR UPDATE`;
      // Read under the locks: each agent's open contacts per channel, who is wrapping up, and which
      // decided pairs were offered before in the contact's current plan.
      const facts = await tx.$queryRaw<Array<{ kind: 'load' | 'wrap' | 'excluded'; agent: string; channel: Channel | null; n: number; contact: string | null }>>`
        SELECT 'load' AS kind, "agentId"::text AS agent, channel::text AS channel, count(*)::int AS n, NULL::text AS contact FROM "Contact"
        WHERE "agentId" = ANY(${agentIds}::uuid[]) AND status IN ('offered', 'accepted') GROUP BY 2, 3
        UNION ALL
        SELECT DISTINCT 'wrap', c."agentId"::text, NULL, 0, NULL FROM "Contact" c LEFT JOIN "QueueRouting" qr ON qr."queueId" = c."queueId"
        WHERE c."agentId" = ANY(${agentIds}::uuid[]) AND c.status = 'ended' AND c.disposition IS NULL
          AND c."endedAt" > now() - interval '1 hour'
          AND c."endedAt" + make_interval(secs => COALESCE(qr."wrapUpSeconds", 0)) > now()
        UNION ALL
        SELECT 'excluded', d.agent::text, NULL, 0, d.contact::text
        FROM unnest(${decisions.map((d) => d.contactId)}::uuid[], ${decisions.map((d) => d.agentId)}::uuid[]) AS d(contact, agent)
        LEFT JOIN "ContactRouting" cr ON cr."contactId" = d.contact
        WHERE d.agent = ANY(COALESCE(cr."excludedAgents", '{}'::uuid[]))
           OR EXISTS (SELECT 1 FROM "Offer" o WHERE o."contactId" = d.contact AND o."agentId" = d.agent
                      AND o."createdAt" >= COALESCE(cr."planStartedAt", '-infinity'::timestamp))`;

      const rowOf = new Map(agents.map((row) => [row.id, row]));
      const load = new Map<string, Record<Channel, number>>(agentIds.map((id) => [id, { voice: 0, chat: 0, email: 0, fax: 0 }]));
      const inWrapUp = new Set<string>();
      const excludedPairs = new Set<string>();
      for (const row of facts) {
        if (row.kind === 'load') load.get(row.agent)![row.channel!] = row.n;
        else if (row.kind === 'wrap') inWrapUp.add(row.agent);
        else excludedPairs.add(`${row.contact}|${row.agent}`);
      }
      const refused: ClaimOutcome['refused'] = [];
      const accepted: Decision[] = [];
      const inBatch = new Set<string>();
      for (const decision of decisions) {
        const agent = rowOf.get(decision.agentId);
        const current = load.get(decision.agentId)!;
        const reason = inBatch.has(decision.contactId)
          ? 'contact is already in this batch'
          : !agent
            ? 'agent no longer exists'
            : agent.state !== 'available'
              ? `agent is ${agent.state}`
              : inWrapUp.has(decision.agentId)
                ? 'agent is wrapping up'
                : current[decision.channel] >= agent[capacityColumn[decision.channel]]
                  ? `agent is at capacity on ${decision.channel}`
                  : options.voiceBlocksOtherChannels && decision.channel !== 'voice' && current.voice > 0
                    ? 'agent is on a call'
                    : excludedPairs.has(`${decision.contactId}|${decision.agentId}`)
                      ? 'agent was offered this contact before'
                      : null;
        if (reason) {
          refused.push({ decision, reason });
          continue;
        }
        current[decision.channel] += 1;
        inBatch.add(decision.contactId);
        accepted.push(decision);
      }
      if (accepted.length === 0) return { claimed: [], refused };

      const offerIds = new Map(accepted.map((d) => [d.contactId, randomUUID()]));
      const batch = JSON.stringify(
        accepted.map((d) => ({ contactId: d.contactId, agentId: d.agentId, offerId: offerIds.get(d.contactId), timeout: d.offerTimeoutSeconds, step: d.step, trace: d.trace })),
      );
      // One statement: a contact moves only if it still waits, and only a moved contact gets its
      // offer, timeline event and trace. Timestamps come from clock_timestamp(), taken after the
      // locks, so a timeline read back later orders this offer after whatever freed its capacity.
      const offers = await tx.$queryRaw<
        Array<{ id: string; contactId: string; expiresAt: Date; priority: number; subject: string | null; fromAddress: string | null; createdAt: Date }>
      >`
        WITH d AS (
          SELECT * FROM jsonb_to_recordset(${batch}::jsonb) AS d("contactId" uuid, "agentId" uuid, "offerId" uuid, timeout int, step int, trace jsonb)
        ), moved AS (
          UPDATE "Contact" c SET status = 'offered', "agentId" = d."agentId", "offeredAt" = clock_timestamp()
          FROM d WHERE c.id = d."contactId" AND c.status = 'queued'
          RETURNING c.id, c.priority, c.subject, c."fromAddress", c."createdAt"
        ), offers AS (
          INSERT INTO "Offer" (id, "contactId", "agentId", status, "pendingKey", "expiresAt", "createdAt")
          SELECT d."offerId", d."contactId", d."agentId", 'pending', d."contactId", now() + make_interval(secs => d.timeout), clock_timestamp()
          FROM d JOIN moved ON moved.id = d."contactId"
          RETURNING id, "contactId", "agentId", "expiresAt"
        ), events AS (
          INSERT INTO "ContactEvent" ("contactId", type, actor, data)
          SELECT o."contactId", 'offered', 'system', jsonb_build_object('offerId', o.id, 'agentId', o."agentId") FROM offers o
        ), traces AS (
          INSERT INTO "RoutingDecision" ("contactId", kind, step, "agentId", data)
          SELECT d."contactId", 'offered', d.step, d."agentId", jsonb_build_object('offerId', d."offerId") || d.trace
          FROM d JOIN moved ON moved.id = d."contactId"
        ), idle AS (
          UPDATE "Agent" a SET "idleSince" = now() WHERE a.id IN (SELECT "agentId" FROM offers)
        )
        SELECT o.id::text AS id, o."contactId"::text AS "contactId", o."expiresAt", m.priority, m.subject, m."fromAddress", m."createdAt"
        FROM offers o JOIN moved m ON m.id = o."contactId"`;
      const made = new Map(offers.map((row) => [row.contactId, row]));
      const claimed: ClaimedOffer[] = [];
      for (const decision of accepted) {
        const offer = made.get(decision.contactId);
        if (offer) {
          const contact = { priority: offer.priority, subject: offer.subject, from: offer.fromAddress, createdAt: offer.createdAt };
          claimed.push({ ...decision, offerId: offer.id, expiresAt: offer.expiresAt, contact });
        }
        if (!offer) refused.push({ decision, reason: 'contact is no longer waiting' });
      }
      return { claimed, refused };
    },
    { timeout: 30_000, maxWait: 15_000 },
  );
}

/** Stores decisions that led to no offer (waiting, step changes, closed queue) for the trace. */
export async function recordDecisions(
  db: Database | Prisma.TransactionClient,
  decisions: Array<{ contactId: string; kind: string; step: number | null; agentId?: string | null; data: Record<string, unknown> }>,
): Promise<void> {
  if (decisions.length === 0) return;
  const json = JSON.stringify(decisions.map((d) => ({ ...d, agentId: d.agentId ?? null })));
  await db.$executeRaw`
    INSERT INTO "RoutingDecision" ("contactId", kind, step, "agentId", data)
    SELECT r."contactId", r.kind, r.step, r."agentId", r.data
    FROM jsonb_to_recordset(${json}::jsonb) AS r("contactId" uuid, kind text, step int, "agentId" uuid, data jsonb)`;
}
