import { z } from 'zod';

/**
 * A self-service flow for the chat bot as data, one per entry point (`chat:<queue>`, stored under the
 * queue's id, or "*" for every chat queue). The node types are the IVR's where the meaning is the same
 * (menu, action, agent, message); `knowledge` is the bot's own. A channel renders them: the IVR as
 * speech and keys, the bot as text and buttons.
 */

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const nodeId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or -, starting with a letter');
const sentence = z.string().trim().min(1).max(600);
const localized = z.object({ nb: sentence, da: sentence, en: sentence }).strict();
const words = z.object({ nb: z.array(sentence), da: z.array(sentence), en: z.array(sentence) }).partial().strict();

/** The same actions the IVR serves (plus nothing the chat cannot show). */
const botActions = ['order-status', 'tracking', 'stock', 'delivery-estimate', 'invoice-balance'] as const;
export type BotAction = (typeof botActions)[number];
/** Actions that show the customer's own data: only to a verified identity. */
export const personalActions: ReadonlySet<BotAction> = new Set(['order-status', 'tracking', 'invoice-balance']);

const menuNode = z
  .object({
    type: z.literal('menu'),
    prompt: localized,
    options: z
      .array(
        z
          .object({
            /** Sent back by the widget as `optionId`. */
            id: z.string().regex(/^[a-z0-9-]{1,40}$/),
            label: localized,
            next: nodeId,
            /** Intents (from the classifier) that choose this option. */
            intents: z.array(z.string().min(1).max(60)).max(20).optional(),
            /** Words that choose this option when no classifier is configured or it is unsure. */
            keywords: words.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10),
  })
  .strict();

const nodeSchema = z.discriminatedUnion('type', [
  menuNode,
  z.object({ type: z.literal('action'), action: z.enum(botActions), next: nodeId, agent: nodeId.optional() }).strict(),
  /** Answers a question from the knowledge base, with the article linked. */
  z.object({ type: z.literal('knowledge'), prompt: localized.optional(), next: nodeId }).strict(),
  /** Hands the conversation to a person in `queue`. */
  z.object({ type: z.literal('agent'), queue: z.string().regex(/^[a-z0-9-]{1,64}$/), announce: localized.optional() }).strict(),
  /** Says a text, then goes on to `next`, or closes the conversation (served) when there is none. */
  z.object({ type: z.literal('message'), text: localized, next: nodeId.optional() }).strict(),
]);

export type BotNode = z.infer<typeof nodeSchema>;
export type BotMenuNode = z.infer<typeof menuNode>;

export const botFlowSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    greeting: localized,
    /** Country of the postcodes customers type (delivery estimates). */
    country: z.string().regex(/^[A-Z]{2}$/).default('NO'),
    /** Dates the bot writes (delivery, due dates) are in this zone. */
    timeZone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('Europe/Oslo'),
    start: nodeId,
    /** Where "talk to a person" leads: an agent node. */
    escalate: nodeId,
    nodes: z.record(nodeId, nodeSchema),
  })
  .strict()
  .superRefine((flow, ctx) => {
    const problem = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const exists = (id: string | undefined, path: Array<string | number>) => {
      if (id !== undefined && !flow.nodes[id]) problem(path, `refers to unknown node "${id}"`);
    };
    exists(flow.start, ['start']);
    exists(flow.escalate, ['escalate']);
    if (flow.nodes[flow.escalate] && flow.nodes[flow.escalate]!.type !== 'agent') problem(['escalate'], 'must be an agent node');
    for (const [id, node] of Object.entries(flow.nodes)) {
      const at = (...rest: Array<string | number>) => ['nodes', id, ...rest];
      if (node.type === 'menu') {
        const ids = node.options.map((o) => o.id);
        if (new Set(ids).size !== ids.length) problem(at('options'), 'must not use an option id twice');
        if (ids.some((o) => reservedOptions.has(o))) problem(at('options'), `option ids ${[...reservedOptions].join(', ')} are the bot's own`);
        node.options.forEach((o, index) => exists(o.next, at('options', index, 'next')));
      } else if (node.type === 'action' || node.type === 'knowledge') {
        exists(node.next, at('next'));
        if (node.type === 'action') exists(node.agent, at('agent'));
      } else if (node.type === 'message') exists(node.next, at('next'));
    }
  });

export type BotFlow = z.infer<typeof botFlowSchema>;
export type BotFlowInput = z.input<typeof botFlowSchema>;

/** Options the bot adds by itself: a person, the main menu, and "that was all". */
const reservedOptions = new Set(['agent', 'menu', 'done']);

/** The demo shop's chat bot: order status, parcel tracking, invoices, stock, delivery times and help articles. */
export const demoBotFlow: BotFlowInput = {
  name: 'Nordisk Varme chat',
  greeting: {
    nb: 'Hei! Jeg er Nordisk Varmes digitale assistent.',
    da: 'Hej! Jeg er Nordisk Varmes digitale assistent.',
    en: "Hi! I'm Nordisk Varme's digital assistant.",
  },
  country: 'NO',
  start: 'main',
  escalate: 'support',
  nodes: {
    main: {
      type: 'menu',
      prompt: { nb: 'Hva kan jeg hjelpe deg med?', da: 'Hvad kan jeg hjælpe dig med?', en: 'What can I help you with?' },
      options: [
        { id: 'order-status', label: { nb: 'Ordrestatus', da: 'Ordrestatus', en: 'Order status' }, next: 'order-status', intents: ['order_status'], keywords: { nb: ['ordre', 'bestilling'], da: ['ordre', 'bestilling'], en: ['order'] } },
        { id: 'tracking', label: { nb: 'Spore pakke', da: 'Spor pakke', en: 'Track parcel' }, next: 'tracking', intents: ['parcel_tracking'], keywords: { nb: ['pakke', 'spore'], da: ['pakke', 'spor'], en: ['parcel', 'track', 'package'] } },
        { id: 'invoices', label: { nb: 'Faktura', da: 'Faktura', en: 'Invoices' }, next: 'invoice-balance', intents: ['invoice_balance', 'invoice_due'], keywords: { nb: ['faktura', 'skylder'], da: ['faktura', 'skylder'], en: ['invoice', 'owe', 'bill'] } },
        { id: 'stock', label: { nb: 'Lagerstatus', da: 'Lagerstatus', en: 'Stock' }, next: 'stock', intents: ['stock_check'], keywords: { nb: ['lager'], da: ['lager'], en: ['stock'] } },
        { id: 'delivery', label: { nb: 'Leveringstid', da: 'Leveringstid', en: 'Delivery time' }, next: 'delivery', intents: ['delivery_estimate'], keywords: { nb: ['levering', 'postnummer'], da: ['levering', 'postnummer'], en: ['delivery', 'postcode'] } },
        { id: 'question', label: { nb: 'Et annet spørsmål', da: 'Et andet spørgsmål', en: 'Another question' }, next: 'question', intents: ['faq'] },
      ],
    },
    'order-status': { type: 'action', action: 'order-status', next: 'main', agent: 'support' },
    tracking: { type: 'action', action: 'tracking', next: 'main', agent: 'support' },
    'invoice-balance': { type: 'action', action: 'invoice-balance', next: 'main', agent: 'billing' },
    stock: { type: 'action', action: 'stock', next: 'main', agent: 'sales' },
    delivery: { type: 'action', action: 'delivery-estimate', next: 'main', agent: 'sales' },
    question: { type: 'knowledge', next: 'main' },
    support: { type: 'agent', queue: 'support' },
    sales: { type: 'agent', queue: 'sales' },
    billing: { type: 'agent', queue: 'billing' },
  },
};
