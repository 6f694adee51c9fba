import { z } from 'zod';
import type { Language } from './domain.ts';

// ---- away reasons -------------------------------------------------------------------------

/** A reason code: lower-case letters, digits and dashes (e.g. `lunch`, `after-call-work`). */
export const awayReasonCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes');

const label = z.string().trim().min(1, 'must not be empty').max(60);

/** A reason an agent may give for being away, with its label in every language of the desk. */
export interface AwayReason {
  code: string;
  labels: Record<Language, string>;
  sortOrder: number;
  /** Inactive reasons are kept for reports but no longer offered. */
  active: boolean;
}

export const awayReasonSchemas = {
  create: z
    .object({
      code: awayReasonCode,
      labels: z.object({ nb: label, da: label, en: label }).strict(),
      sortOrder: z.number().int().min(0).max(1000).optional(),
      active: z.boolean().optional(),
    })
    .strict(),
  update: z
    .object({
      labels: z.object({ nb: label, da: label, en: label }).strict().optional(),
      sortOrder: z.number().int().min(0).max(1000).optional(),
      active: z.boolean().optional(),
    })
    .strict(),
} as const;

/** Time per state and away reason over a range of local dates (`GET /api/reports/presence`). */
export interface PresenceReport {
  from: string;
  to: string;
  timeZone: string;
  /** One row per agent, state and reason (`reason` null: away without a reason, or not away). */
  rows: Array<{ agentId: string; agentName: string; state: 'available' | 'away' | 'offline'; reason: string | null; seconds: number }>;
  /** Away time per reason over every agent, longest first. */
  reasons: Array<{ reason: string | null; seconds: number }>;
}

