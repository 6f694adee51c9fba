import { z } from 'zod';
import { languages } from './domain.ts';

/**
 * Placeholders a canned answer may hold, filled in when the agent inserts it. Anything else in
 * double braces is refused when the answer is saved, so an agent never sends `{{typo}}` to a customer.
 */
export const cannedPlaceholders = ['customer.firstName', 'customer.name', 'agent.name', 'agent.firstName', 'contact.subject'] as const;
export type CannedPlaceholder = (typeof cannedPlaceholders)[number];

const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders in a text that Sentral does not know. */
export function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = cannedPlaceholders;
  return [...text.matchAll(placeholderPattern)].map((match) => match[1] ?? '').filter((name) => !known.includes(name));
}

/**
 * Fills the placeholders. A value that is not known (an unidentified customer has no name) leaves
 * the placeholder visible, so the agent sees what to write before sending.
 */
export function fillPlaceholders(text: string, values: Partial<Record<CannedPlaceholder, string | null | undefined>>): string {
  return text.replace(placeholderPattern, (whole, name: string) => {
    const value = values[name as CannedPlaceholder];
    return value ? value : whole;
  });
}

export interface CannedAnswer {
  id: string;
  title: string;
  text: string;
  /** null: every language. */
  language: string | null;
  /** null: every queue. */
  queueId: string | null;
  updatedAt: string;
}

const answerText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4_000)
  .superRefine((value, context) => {
    const unknown = unknownPlaceholders(value);
    if (unknown.length) {
      context.addIssue({ code: 'custom', message: `unknown placeholder {{${unknown[0]}}}; known: ${cannedPlaceholders.map((name) => `{{${name}}}`).join(', ')}` });
    }
  });

const cannedFields = {
  title: z.string().trim().min(1, 'must not be empty').max(100),
  text: answerText,
  language: z.enum(languages).nullable(),
  queueId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a queue id').nullable(),
};

export const cannedAnswerSchemas = {
  create: z.object({ ...cannedFields, language: cannedFields.language.optional(), queueId: cannedFields.queueId.optional() }).strict(),
  update: z.object(cannedFields).partial().strict(),
  /** Agents list the answers for a conversation: its language and queue, plus those for every language or queue. */
  list: z
    .object({
      language: z.enum(languages).optional(),
      queueId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a queue id').optional(),
      q: z.string().trim().max(100).optional(),
    })
    .strict(),
} as const;
