import { z } from 'zod';
import { agentStates, type Channel, type Segment } from './domain.ts';

// ---- KPI targets --------------------------------------------------------------------------

export const kpiPeriods = ['day', 'week', 'month', 'quarter'] as const;
export type KpiPeriod = (typeof kpiPeriods)[number];

export const kpiMetrics = ['serviceLevel', 'asaSeconds', 'ahtSeconds', 'abandonRate', 'satisfaction'] as const;
export type KpiMetric = (typeof kpiMetrics)[number];

/** Whether a target is met by reaching at least (true) or staying at most (false) its value. */
export const kpiHigherIsBetter: Readonly<Record<KpiMetric, boolean>> = {
  serviceLevel: true,
  asaSeconds: false,
  ahtSeconds: false,
  abandonRate: false,
  satisfaction: true,
};

/** The values a target may take: shares are 0–1, times in seconds, satisfaction on the 1–10 scale. */
const kpiRange: Readonly<Record<KpiMetric, { min: number; max: number }>> = {
  serviceLevel: { min: 0, max: 1 },
  abandonRate: { min: 0, max: 1 },
  asaSeconds: { min: 0, max: 86_400 },
  ahtSeconds: { min: 1, max: 86_400 },
  satisfaction: { min: 1, max: 10 },
};

export interface KpiTarget {
  queueId: string;
  period: KpiPeriod;
  metric: KpiMetric;
  target: number;
}

export interface KpiProgress extends Omit<KpiTarget, 'queueId'> {
  /** The value so far in the current period; null while nothing was measured. */
  actual: number | null;
  met: boolean | null;
  /** Where the current period started. */
  since: string;
}

// ---- live wallboard -----------------------------------------------------------------------

export interface StaffingAdvice {
  /** Agents needed now to reach the target service level (Erlang C). */
  required: number;
  /** Agents serving the queue now: available, busy or in wrap-up. */
  staffed: number;
  arrivalsPerHour: number;
  ahtSeconds: number;
  trafficErlangs: number;
  targetServiceLevel: number;
  /** The service level Erlang C expects with the agents staffed now; null without traffic. */
  expectedServiceLevel: number | null;
}

export type AgentActivity = 'available' | 'busy' | 'wrapup' | 'away' | 'offline';

export interface AgentStatus {
  id: string;
  name: string;
  activity: AgentActivity;
  since: string;
  /** The away reason code while away (labels: `GET /api/away-reasons`); null otherwise or without a reason. */
  reason: string | null;
  queues: string[];
  contacts: Array<{ id: string; channel: Channel; queue: string; status: 'offered' | 'accepted'; since: string }>;
}

/** A contact waiting now, as the wallboard lists it for reassignment (oldest first). */
export interface WaitingContact {
  id: string;
  channel: Channel;
  queue: string;
  status: 'queued' | 'offered';
  /** When it started waiting. */
  since: string;
  priority: number;
  customer: { id: string; name: string; segment: Segment } | null;
  /** The agent it is offered to right now, if any. */
  offeredTo: string | null;
}

/** One point of the day's charts per 15 minutes. */
export interface TodayPoint {
  start: string;
  offered: number;
  /** The most contacts waiting at once in the interval. */
  peakWaiting: number;
  serviceLevel: number | null;
}

export interface TodaySeries {
  queueId: string;
  points: TodayPoint[];
}

// ---- reports ------------------------------------------------------------------------------

export const reportIntervals = ['15m', 'hour', 'day'] as const;
export const reportDimensions = ['queue', 'channel', 'agent', 'segment', 'entryPoint'] as const;
export type ReportDimension = (typeof reportDimensions)[number];

export interface ReportFigures {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  handled: number;
  transfers: number;
  ratings: number;
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
  satisfaction: number | null;
  /** Self-service (IVR, bot): contacts that started there, and how they left it (see the README's metric table). */
  selfService: number;
  selfServed: number;
  selfServiceTransferred: number;
  selfServiceAbandoned: number;
  containmentRate: number | null;
  /** The most used self-service actions and the steps where customers left, most first. */
  topSelfServiceActions: Array<{ action: string; contacts: number }>;
  selfServiceExits: Array<{ step: string; contacts: number }>;
}

/** A queue's self-service today, as the wallboard shows it. */
export interface SelfServiceStats {
  contacts: number;
  selfServed: number;
  transferred: number;
  abandoned: number;
  containmentRate: number | null;
  topActions: Array<{ action: string; contacts: number }>;
  exits: Array<{ step: string; contacts: number }>;
}

export interface ReportRow extends ReportFigures {
  /** Interval start and end; null in totals over the whole range. */
  start: string | null;
  end: string | null;
  /** Queue id, channel, agent id, segment letter, or "unknown" for unidentified customers. */
  key: string;
  label: string;
}

// ---- inbound payloads ---------------------------------------------------------------------

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-18');
const queueId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a queue id');

export const supervisorSchemas = {
  /** Move a waiting contact to another queue, or offer it straight to one agent. */
  reassign: z.union([
    z.object({ queueId, note: z.string().trim().max(1000).optional() }).strict(),
    z.object({ agentId: z.string().uuid('must be a UUID'), note: z.string().trim().max(1000).optional() }).strict(),
  ]),
  agentState: z
    .object({ state: z.enum(agentStates), reason: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be an away reason code').optional() })
    .strict()
    .refine((value) => value.reason === undefined || value.state === 'away', { message: 'a reason is given only with away', path: ['reason'] }),
  /** Join a voice contact's conference: listen (muted), whisper (heard by the agent only) or barge (heard by both). */
  monitor: z.object({ mode: z.enum(['listen', 'whisper', 'barge']) }).strict(),
  kpiTarget: z
    .object({ queueId, period: z.enum(kpiPeriods), metric: z.enum(kpiMetrics), target: z.number().finite() })
    .strict()
    .superRefine((value, context) => {
      const { min, max } = kpiRange[value.metric];
      if (value.target < min || value.target > max) {
        context.addIssue({ code: 'custom', path: ['target'], message: `${value.metric} must be between ${min} and ${max}` });
      }
    }),
  report: z
    .object({
      from: isoDate,
      to: isoDate,
      interval: z.enum(reportIntervals).optional(),
      by: z.enum(reportDimensions).default('queue'),
      format: z.enum(['json', 'csv']).default('json'),
    })
    .strict(),
  range: z.object({ from: isoDate, to: isoDate }).strict(),
} as const;

/** A customer's satisfaction rating: 1 (worst) to 10 (best). */
export const ratingSchema = z.object({ score: z.number().int('must be a whole number').min(1).max(10) }).strict();
