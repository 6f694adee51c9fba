import type { PresenceReport } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { reportRange } from '../reporting/reports.ts';

type SpanRow = { agentId: string; agentName: string; state: 'available' | 'away' | 'offline'; reason: string | null; seconds: number };

/**
 * Time per agent, state and away reason over a range of local dates, from the agents' stored state
 * changes. The state an agent was in when the range starts counts from the start; a state still
 * held counts until now (or the end of the range).
 */
export async function presenceReport(db: Database, request: { from: string; to: string; timeZone: string }, now = new Date()): Promise<PresenceReport> {
  const range = reportRange(request.from, request.to, null, request.timeZone);
  const end = new Date(Math.min(range.to.getTime(), now.getTime()));
  const rows =
    end <= range.from
      ? []
      : await db.$queryRaw<SpanRow[]>`
    WITH inside AS (
      SELECT id, "agentId", state::text AS state, reason, at FROM "AgentPresenceChange"
      WHERE at >= ${range.from}::timestamp AND at < ${end}::timestamp
    ), before AS (
      SELECT DISTINCT ON ("agentId") id, "agentId", state::text AS state, reason, at FROM "AgentPresenceChange"
      WHERE at < ${range.from}::timestamp ORDER BY "agentId", at DESC, id DESC
    ), spans AS (
      SELECT "agentId", state, reason, GREATEST(at, ${range.from}::timestamp) AS starts,
             LEAST(COALESCE(lead(at) OVER (PARTITION BY "agentId" ORDER BY at, id), ${end}::timestamp), ${end}::timestamp) AS ends
      FROM (SELECT * FROM inside UNION ALL SELECT * FROM before) AS changes
    )
    SELECT s."agentId", a.name AS "agentName", s.state, s.reason, round(sum(extract(epoch FROM s.ends - s.starts)))::int AS seconds
    FROM spans s JOIN "Agent" a ON a.id = s."agentId"
    WHERE s.ends > s.starts
    GROUP BY s."agentId", a.name, s.state, s.reason
    ORDER BY a.name, s."agentId", s.state, s.reason NULLS FIRST`;
  const perReason = new Map<string | null, number>();
  for (const row of rows) if (row.state === 'away') perReason.set(row.reason, (perReason.get(row.reason) ?? 0) + row.seconds);
  return {
    from: request.from,
    to: request.to,
    timeZone: request.timeZone,
    rows,
    reasons: [...perReason].map(([reason, seconds]) => ({ reason, seconds })).sort((a, b) => b.seconds - a.seconds),
  };
}
