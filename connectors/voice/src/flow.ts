import { z } from 'zod';
import { languages } from '@sentral/contract';

/**
 * An IVR flow as data: which menus a caller hears on one called number, in which languages, what
 * each key does and where the caller ends up. Operators store flows through the API; the hub
 * validates them with this schema before they take effect, and the connector parses them again
 * when it loads one.
 */

const nodeId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or -, starting with a letter');
const sentence = z.string().trim().min(1).max(600);
/** One text in every language Sentral speaks; a flow that offers fewer languages still carries all three. */
const localized = z.object({ nb: sentence, da: sentence, en: sentence }).strict();
const key = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const selfServiceActions = ['order-status', 'tracking', 'stock', 'delivery-estimate', 'invoice-balance', 'pay-invoice'] as const;

const menuNode = z
  .object({
    type: z.literal('menu'),
    prompt: localized.optional(),
    options: z
      .array(
        z
          .object({
            key,
            /** Read before the key: "For ordrestatus" → "For ordrestatus, trykk 1." */
            label: localized,
            next: nodeId,
            /** Words that choose this option when speech recognition is on. */
            keywords: z.object({ nb: z.array(sentence), da: z.array(sentence), en: z.array(sentence) }).partial().strict().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(12),
  })
  .strict();

const actionNode = z
  .object({
    type: z.literal('action'),
    action: z.enum(selfServiceActions),
    /** Who the caller must be first: anyone, recognised (by number or verification), or verified. */
    requires: z.enum(['none', 'identified', 'verified']).default('none'),
    /** Where "main menu" leads after the answer. */
    next: nodeId,
    /** Where "speak to an adviser" leads after the answer; the option is offered only when set. */
    agent: nodeId.optional(),
  })
  .strict();

const nodeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('language'), next: nodeId }).strict(),
  z.object({ type: z.literal('hours'), open: nodeId, closed: nodeId }).strict(),
  menuNode,
  actionNode,
  z.object({ type: z.literal('agent'), queue: z.string().regex(/^[a-z0-9-]{1,64}$/), announce: localized.optional() }).strict(),
  /** Says a text, then goes on to `next` or hangs up. */
  z.object({ type: z.literal('message'), text: localized, next: nodeId.optional() }).strict(),
]);

export type FlowNode = z.infer<typeof nodeSchema>;

/** A node by id; own entries only, so an id such as "constructor" never finds Object.prototype's. */
export function flowNode(nodes: Readonly<Record<string, FlowNode>>, id: string): FlowNode | undefined {
  return Object.hasOwn(nodes, id) ? nodes[id] : undefined;
}
export type MenuNode = z.infer<typeof menuNode>;
export type ActionNode = z.infer<typeof actionNode>;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ivrFlowSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    languages: z.array(z.enum(languages)).min(1).max(languages.length),
    defaultLanguage: z.enum(languages),
    /** Country of the postcodes callers key in (delivery estimates). */
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code').default('NO'),
    timeZone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('Europe/Oslo'),
    greeting: localized,
    voices: z.object({ nb: z.string().max(64), da: z.string().max(64), en: z.string().max(64) }).partial().strict().optional(),
    /** Menus also listen for spoken answers (DTMF always works). */
    speech: z.boolean().default(false),
    hours: z
      .object({
        weekly: z.partialRecord(z.enum(weekdays), z.array(z.object({ from: hhmm, to: hhmm }).strict()).max(4)),
        closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).max(100).default([]),
      })
      .strict()
      .optional(),
    waiting: z
      .object({
        /** How often a waiting caller hears their place in line. */
        announceEverySeconds: z.number().int().min(10).max(300).default(30),
        musicUrl: z.string().url().optional(),
        /** Offer "press 1 to be called back" (only to callers whose number is known). */
        callback: z.boolean().default(true),
      })
      .strict()
      .default({ announceEverySeconds: 30, callback: true }),
    payment: z
      .object({ connector: z.string().min(1).max(64).default('Default'), maxAttempts: z.number().int().min(1).max(3).default(2) })
      .strict()
      .default({ connector: 'Default', maxAttempts: 2 }),
    /** Dialled by the fallback answer when Sentral cannot serve the call (E.164). */
    fallbackNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
    start: nodeId,
    /** Where callers go who fail verification three times or give no answer: an agent node. */
    escalate: nodeId,
    nodes: z.record(nodeId, nodeSchema),
  })
  .strict()
  .superRefine((flow, ctx) => {
    const problem = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const exists = (id: string | undefined, path: Array<string | number>) => {
      if (id !== undefined && !flowNode(flow.nodes, id)) problem(path, `refers to unknown node "${id}"`);
    };
    if (new Set(flow.languages).size !== flow.languages.length) problem(['languages'], 'must not repeat a language');
    if (!flow.languages.includes(flow.defaultLanguage)) problem(['defaultLanguage'], 'must be one of the flow\'s languages');
    exists(flow.start, ['start']);
    exists(flow.escalate, ['escalate']);
    if (flowNode(flow.nodes, flow.escalate) && flowNode(flow.nodes, flow.escalate)!.type !== 'agent') problem(['escalate'], 'must be an agent node');
    for (const [id, node] of Object.entries(flow.nodes)) {
      const at = (...rest: Array<string | number>) => ['nodes', id, ...rest];
      switch (node.type) {
        case 'language':
          exists(node.next, at('next'));
          break;
        case 'hours':
          if (!flow.hours) problem(at('type'), 'an hours node needs the flow\'s hours');
          exists(node.open, at('open'));
          exists(node.closed, at('closed'));
          break;
        case 'menu': {
          const keys = node.options.map((o) => o.key);
          if (new Set(keys).size !== keys.length) problem(at('options'), 'must not use a key twice');
          node.options.forEach((o, index) => exists(o.next, at('options', index, 'next')));
          break;
        }
        case 'action':
          exists(node.next, at('next'));
          exists(node.agent, at('agent'));
          if (node.agent && flowNode(flow.nodes, node.agent) && flowNode(flow.nodes, node.agent)!.type !== 'agent') problem(at('agent'), 'must be an agent node');
          break;
        case 'message':
          exists(node.next, at('next'));
          break;
        case 'agent':
          break;
      }
    }
  });

export type IvrFlow = z.infer<typeof ivrFlowSchema>;
export type FlowInput = z.input<typeof ivrFlowSchema>;

/** Parses a stored flow; throws a ZodError naming the first problem. */
export function parseFlow(raw: unknown): IvrFlow {
  return ivrFlowSchema.parse(raw);
}

/** Whether the flow's business hours are open at `now`, in the flow's time zone. */
export function isOpen(flow: IvrFlow, now: Date): boolean {
  if (!flow.hours) return true;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: flow.timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const date = `${parts['year']}-${parts['month']}-${parts['day']}`;
  if (flow.hours.closedDates.includes(date)) return false;
  const weekday = (parts['weekday'] ?? '').toLowerCase().slice(0, 3) as (typeof weekdays)[number];
  const time = `${parts['hour']}:${parts['minute']}`;
  return (flow.hours.weekly[weekday] ?? []).some((span) => span.from <= time && time < span.to);
}

/** The demo tenant's IVR: language, business hours, self-service menu, verification, payment and queues. */
export const demoFlow: FlowInput = {
  name: 'Nordisk Varme kundeservice',
  languages: ['nb', 'da', 'en'],
  defaultLanguage: 'nb',
  country: 'NO',
  timeZone: 'Europe/Oslo',
  greeting: {
    nb: 'Velkommen til Nordisk Varme.',
    da: 'Velkommen til Nordisk Varme.',
    en: 'Welcome to Nordisk Varme.',
  },
  speech: true,
  waiting: { announceEverySeconds: 30, callback: true },
  payment: { connector: 'Default', maxAttempts: 2 },
  start: 'language',
  escalate: 'support',
  nodes: {
    language: { type: 'language', next: 'main' },
    main: {
      type: 'menu',
      options: [
        { key: '1', label: { nb: 'For ordrestatus', da: 'For ordrestatus', en: 'For order status' }, next: 'order-status', keywords: { nb: ['ordre', 'bestilling'], da: ['ordre', 'bestilling'], en: ['order'] } },
        { key: '2', label: { nb: 'For å spore en pakke', da: 'For at spore en pakke', en: 'To track a parcel' }, next: 'tracking', keywords: { nb: ['pakke', 'spore'], da: ['pakke', 'spore'], en: ['parcel', 'track'] } },
        { key: '3', label: { nb: 'For lagerstatus på en vare', da: 'For lagerstatus på en vare', en: 'To check stock of a product' }, next: 'stock', keywords: { nb: ['lager'], da: ['lager'], en: ['stock'] } },
        { key: '4', label: { nb: 'For leveringstid til ditt postnummer', da: 'For leveringstid til dit postnummer', en: 'For delivery time to your postcode' }, next: 'delivery', keywords: { nb: ['levering'], da: ['levering'], en: ['delivery'] } },
        { key: '5', label: { nb: 'For fakturaer og betaling', da: 'For fakturaer og betaling', en: 'For invoices and payment' }, next: 'invoices', keywords: { nb: ['faktura', 'betale'], da: ['faktura', 'betale'], en: ['invoice', 'pay'] } },
        { key: '0', label: { nb: 'For å snakke med en rådgiver', da: 'For at tale med en rådgiver', en: 'To speak to an adviser' }, next: 'adviser', keywords: { nb: ['rådgiver', 'person'], da: ['rådgiver', 'person'], en: ['adviser', 'agent', 'person'] } },
      ],
    },
    'order-status': { type: 'action', action: 'order-status', next: 'main', agent: 'support' },
    tracking: { type: 'action', action: 'tracking', next: 'main', agent: 'support' },
    stock: { type: 'action', action: 'stock', next: 'main', agent: 'sales' },
    delivery: { type: 'action', action: 'delivery-estimate', next: 'main', agent: 'sales' },
    invoices: {
      type: 'menu',
      options: [
        { key: '1', label: { nb: 'For å høre hva du skylder', da: 'For at høre, hvad du skylder', en: 'To hear what you owe' }, next: 'invoice-balance' },
        { key: '2', label: { nb: 'For å betale en faktura med kort', da: 'For at betale en faktura med kort', en: 'To pay an invoice by card' }, next: 'pay-invoice' },
        { key: '0', label: { nb: 'For å snakke med fakturaavdelingen', da: 'For at tale med fakturaafdelingen', en: 'To speak to the billing team' }, next: 'billing' },
      ],
    },
    'invoice-balance': { type: 'action', action: 'invoice-balance', requires: 'identified', next: 'main', agent: 'billing' },
    'pay-invoice': { type: 'action', action: 'pay-invoice', requires: 'identified', next: 'main', agent: 'billing' },
    adviser: {
      type: 'menu',
      options: [
        { key: '1', label: { nb: 'For salg', da: 'For salg', en: 'For sales' }, next: 'sales' },
        { key: '2', label: { nb: 'For kundeservice', da: 'For kundeservice', en: 'For customer service' }, next: 'support' },
        { key: '3', label: { nb: 'For faktura', da: 'For faktura', en: 'For billing' }, next: 'billing' },
      ],
    },
    sales: { type: 'agent', queue: 'sales' },
    support: { type: 'agent', queue: 'support' },
    billing: { type: 'agent', queue: 'billing' },
  },
};
