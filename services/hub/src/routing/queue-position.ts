import type { Database } from '@sentral/db';
import { queueDefaults } from './queue-settings.ts';

export interface QueuePlace {
  contactId: string;
  channel: string;
  language: string | null;
  position: number;
  estimatedWaitSeconds: number;
}

// Until a queue has handled contacts today, assume a typical chat length.
const DEFAULT_HANDLE_SECONDS = 180;

/**
 * Places of every waiting contact in one queue, per channel, in the order the router serves them:
 * contacts being offered first, then those past the queue's maximum wait (oldest first), then by
 * rank (priority plus the aging weight times the time waited). The estimate is the contacts ahead
 * times the channel's recent handling time, shared among the free slots of the agents signed in.
 * With `onlyContactId`, the place of that one contact (the line is still ranked whole).
 */
export async function queuePlaces(db: Database, queueId: string, onlyContactId?: string): Promise<QueuePlace[]> {
  const [rows, stats] = await Promise.all([
    db.$queryRaw<Array<{ id: string; channel: string; language: string | null; position: bigint }>>`
      WITH settings AS (
        SELECT COALESCE(qr."agingWeight", ${queueDefaults.agingWeight}) AS weight,
               COALESCE(qr."maxWaitSeconds", ${queueDefaults.maxWaitSeconds}) AS max_wait
        FROM "Queue" q LEFT JOIN "QueueRouting" qr ON qr."queueId" = q.id WHERE q.id = ${queueId}
      ), waiting AS (
        SELECT c.id, c.channel, c.language, c.status, c.priority, COALESCE(c."queuedAt", c."createdAt") AS since
        FROM "Contact" c WHERE c."queueId" = ${queueId} AND c.status IN ('queued', 'offered')
      )
      SELECT * FROM (
        SELECT w.id::text AS id, w.channel::text AS channel, w.language,
               row_number() OVER (PARTITION BY w.channel ORDER BY
                 (w.status = 'offered') DESC,
                 (w.since <= now() - make_interval(secs => s.max_wait)) DESC,
                 CASE WHEN w.since <= now() - make_interval(secs => s.max_wait) THEN w.since END ASC,
                 w.priority - s.weight * extract(epoch FROM w.since) DESC,
                 w.since ASC, w.id) AS position
        FROM waiting w CROSS JOIN settings s
      ) ranked WHERE ${onlyContactId ?? null}::text IS NULL OR ranked.id = ${onlyContactId ?? null}::text`,
    db.$queryRaw<Array<{ channel: string; aht: number | null; slots: bigint | null }>>`
      SELECT ch.channel,
        (SELECT avg(extract(epoch FROM (c."endedAt" - c."acceptedAt")))::float8 FROM "Contact" c
          WHERE c."queueId" = ${queueId} AND c.channel::text = ch.channel AND c.status = 'ended' AND c."acceptedAt" IS NOT NULL
            AND c."endedAt" > now() - interval '24 hours') AS aht,
        (SELECT sum(CASE ch.channel WHEN 'voice' THEN a."capacityVoice" WHEN 'chat' THEN a."capacityChat"
                                    WHEN 'email' THEN a."capacityEmail" ELSE a."capacityFax" END)
          FROM "Agent" a JOIN "AgentQueue" aq ON aq."agentId" = a.id
          WHERE aq."queueId" = ${queueId} AND a.state = 'available') AS slots
      FROM unnest(ARRAY['voice', 'chat', 'email', 'fax']) AS ch(channel)`,
  ]);
  const byChannel = new Map(stats.map((row) => [row.channel, { handle: row.aht ?? DEFAULT_HANDLE_SECONDS, slots: Math.max(1, Number(row.slots ?? 0)) }]));
  return rows.map((row) => {
    const position = Number(row.position);
    const { handle, slots } = byChannel.get(row.channel) ?? { handle: DEFAULT_HANDLE_SECONDS, slots: 1 };
    return {
      contactId: row.id,
      channel: row.channel,
      language: row.language,
      position,
      estimatedWaitSeconds: Math.round(((position - 1) * handle) / slots),
    };
  });
}
