import { z } from 'zod';
import { languages, type Language } from '@sentral/contract';

/**
 * Workflow rules as data: an inbound event (`POST /api/events`) whose type and conditions match a rule
 * runs the rule's actions. Everything here is pure; the store checks references (queues) and keeps versions.
 */

export const workflowOps = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'missing'] as const;
export type WorkflowOp = (typeof workflowOps)[number];

export type WorkflowCondition = { all: WorkflowCondition[] } | { any: WorkflowCondition[] } | { not: WorkflowCondition } | { attribute: string; op: WorkflowOp; value?: unknown };

/** Texts in every language the hub speaks; `{{data.orderNumber}}`, `{{customer.name}}` and `{{type}}` are filled in. */
export type Texts = Record<Language, string>;

export type WorkflowAction =
  | { type: 'callback'; queue: string; priority?: number; subject: Texts }
  | { type: 'email'; subject: Texts; body: Texts }
  | { type: 'facts'; attributes: Record<string, string | number | boolean | null> };

export interface WorkflowRule {
  name: string;
  event: string;
  when?: WorkflowCondition;
  actions: WorkflowAction[];
}

export interface WorkflowRuleSet {
  rules: WorkflowRule[];
}

/** What conditions and templates may read: the event and the customer it names. */
export interface EventFacts {
  type: string;
  data: Record<string, unknown>;
  customer: { name: string; externalId: string | null; language: string; segment: string; lifetimeValue: number; attributes: Record<string, unknown> } | null;
}

const ATTRIBUTE = /^(type|customer\.(known|name|language|segment|lifetimeValue|externalId)|data\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*|customer\.attributes\.[A-Za-z0-9_]+)$/;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

const condition: z.ZodType<WorkflowCondition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(condition).min(1) }).strict(),
    z.object({ any: z.array(condition).min(1) }).strict(),
    z.object({ not: condition }).strict(),
    z.object({ attribute: z.string().regex(ATTRIBUTE, 'unknown attribute (type, data.<path>, customer.known|name|language|segment|lifetimeValue|externalId, customer.attributes.<name>)'), op: z.enum(workflowOps), value: z.unknown().optional() }).strict(),
  ]),
);

const template = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      for (const match of text.matchAll(PLACEHOLDER)) {
        if (!ATTRIBUTE.test(match[1] ?? '')) ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${match[1]}}}` });
      }
    });
const texts = (max: number) => z.object(Object.fromEntries(languages.map((language) => [language, template(max)])) as Record<Language, ReturnType<typeof template>>).strict();

const action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('callback'), queue: z.string().min(1).max(64), priority: z.number().int().min(-100).max(100).optional(), subject: texts(300) }).strict(),
  z.object({ type: z.literal('email'), subject: texts(300), body: texts(10_000) }).strict(),
  z
    .object({
      type: z.literal('facts'),
      attributes: z
        .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'attribute names are letters, digits and _'), z.union([template(2000), z.number(), z.boolean(), z.null()]))
        .refine((value) => Object.keys(value).length > 0, 'must set at least one attribute'),
    })
    .strict(),
]);

export const workflowRuleSetSchema = z
  .object({
    rules: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
            event: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'must be an event type such as order.delayed'),
            when: condition.optional(),
            actions: z.array(action).min(1).max(10),
          })
          .strict(),
      )
      .max(200),
  })
  .strict();

export class WorkflowRuleError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'WorkflowRuleError';
  }
}

function pathOf(segments: ReadonlyArray<PropertyKey>): string {
  return segments.reduce<string>((path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : path ? `${path}.${String(segment)}` : String(segment)), '');
}

/** Checks a whole rule set; the first problem is thrown with the path of the part it is in. */
export function parseWorkflowRules(raw: unknown, known: { queues: ReadonlySet<string> }): WorkflowRuleSet {
  const parsed = workflowRuleSetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WorkflowRuleError(pathOf(issue.path) || 'rules', issue.message);
  }
  const names = new Set<string>();
  parsed.data.rules.forEach((rule, index) => {
    if (names.has(rule.name)) throw new WorkflowRuleError(`rules[${index}].name`, `duplicate rule name "${rule.name}"`);
    names.add(rule.name);
    rule.actions.forEach((act, actionIndex) => {
      if (act.type === 'callback' && !known.queues.has(act.queue)) throw new WorkflowRuleError(`rules[${index}].actions[${actionIndex}].queue`, `unknown queue "${act.queue}"`);
    });
  });
  return parsed.data as WorkflowRuleSet;
}

/** The value an attribute path names in the facts, or undefined. */
export function read(facts: EventFacts, attribute: string): unknown {
  if (attribute === 'type') return facts.type;
  if (attribute === 'customer.known') return facts.customer !== null;
  const [root, ...rest] = attribute.split('.');
  let value: unknown = root === 'data' ? facts.data : root === 'customer' ? facts.customer : undefined;
  for (const key of rest) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function evaluate(condition: WorkflowCondition, facts: EventFacts): boolean {
  if ('all' in condition) return condition.all.every((item) => evaluate(item, facts));
  if ('any' in condition) return condition.any.some((item) => evaluate(item, facts));
  if ('not' in condition) return !evaluate(condition.not, facts);
  const actual = read(facts, condition.attribute);
  const expected = condition.value;
  switch (condition.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'missing':
      return actual === undefined || actual === null;
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'notIn':
      return Array.isArray(expected) && !expected.includes(actual);
    case 'contains':
      return typeof actual === 'string' ? typeof expected === 'string' && actual.toLowerCase().includes(expected.toLowerCase()) : Array.isArray(actual) && actual.includes(expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      return condition.op === 'gt' ? actual > expected : condition.op === 'gte' ? actual >= expected : condition.op === 'lt' ? actual < expected : actual <= expected;
    }
  }
}

/** Fills `{{…}}` placeholders from the facts; a missing value becomes an empty string. */
export function render(text: string, facts: EventFacts): string {
  return text.replace(PLACEHOLDER, (_whole, attribute: string) => {
    const value = read(facts, attribute.trim());
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

export function matchingRules(ruleSet: WorkflowRuleSet, facts: EventFacts): WorkflowRule[] {
  return ruleSet.rules.filter((rule) => rule.event === facts.type && (!rule.when || evaluate(rule.when, facts)));
}
