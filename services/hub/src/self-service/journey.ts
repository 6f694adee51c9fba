import type { Channel, InboundContact, JourneyStep, Language } from '@sentral/contract';

/*
 * What a self-service journey means, read from the language-free `data` of its steps. The IVR and
 * the bot write the same keys: `action` names what was served (order-status, tracking, stock,
 * delivery-estimate, invoice-balance, payment, knowledge), `outcome` is succeeded, failed or
 * not-found, and references (`order`, `invoice`, `amount`, `currency`, `product`, `postcode`,
 * `article`) say what it was about. Summaries, reports and routing facts come from here only.
 */

/** Where a self-service conversation came in: the number a caller dialled, or the chat queue. */
export function entryPointOf(inbound: Pick<InboundContact, 'channel' | 'to' | 'queueId'>): string {
  if (inbound.channel === 'voice') return `voice:${inbound.to ?? '*'}`;
  return `${inbound.channel}:${inbound.queueId ?? '*'}`;
}

/** The steps that served the customer something (an answer, a payment), in order. */
function servedSteps(journey: readonly JourneyStep[]): JourneyStep[] {
  return journey.filter((step) => step.data?.['action'] && step.data['outcome'] !== 'failed' && step.data['outcome'] !== 'not-found');
}

export function servedInSelfService(journey: readonly JourneyStep[]): boolean {
  return servedSteps(journey).length > 0;
}

export function asJourney(value: unknown): JourneyStep[] {
  return Array.isArray(value) ? (value as JourneyStep[]) : [];
}

const where = {
  nb: (channel: Channel) => (channel === 'voice' ? 'i talesvar' : 'i chat'),
  da: (channel: Channel) => (channel === 'voice' ? 'i talesvar' : 'i chat'),
  en: (channel: Channel) => (channel === 'voice' ? 'in the phone menu' : 'in chat'),
} as const;

/** "kr 999" / "999 kr." / "NOK 999": an amount as agents read it, without trailing zero øre. */
function money(amount: string | undefined, currency: string | undefined, language: Language): string {
  const value = (amount ?? '').replace(/\.00$/, '');
  const code = currency ?? 'NOK';
  if (language === 'en') return `${code} ${value}`;
  const symbol = code === 'NOK' || code === 'DKK' || code === 'SEK' ? 'kr' : code;
  return language === 'da' ? `${value} ${symbol}.` : `${symbol} ${value}`;
}

type Phrase = (data: Record<string, string>, language: Language) => string;

const phrases: Record<string, Record<Language, Phrase>> = {
  'order-status': {
    nb: (d) => `Sjekket ordre ${d['order'] ?? ''}`.trim(),
    da: (d) => `Tjekkede ordre ${d['order'] ?? ''}`.trim(),
    en: (d) => `Checked order ${d['order'] ?? ''}`.trim(),
  },
  tracking: {
    nb: (d) => `Sporet pakke for ordre ${d['order'] ?? ''}`.trim(),
    da: (d) => `Sporede pakke for ordre ${d['order'] ?? ''}`.trim(),
    en: (d) => `Tracked the parcel of order ${d['order'] ?? ''}`.trim(),
  },
  stock: {
    nb: (d) => `Sjekket lagerstatus for ${d['product'] ?? 'en vare'}`,
    da: (d) => `Tjekkede lagerstatus for ${d['product'] ?? 'en vare'}`,
    en: (d) => `Checked stock of ${d['product'] ?? 'a product'}`,
  },
  'delivery-estimate': {
    nb: (d) => `Sjekket leveringstid til ${d['postcode'] ?? ''}`.trim(),
    da: (d) => `Tjekkede leveringstid til ${d['postcode'] ?? ''}`.trim(),
    en: (d) => `Checked delivery time to ${d['postcode'] ?? ''}`.trim(),
  },
  'invoice-balance': {
    nb: () => 'Sjekket fakturaer',
    da: () => 'Tjekkede fakturaer',
    en: () => 'Checked invoices',
  },
  payment: {
    nb: (d, l) => (d['outcome'] === 'failed' ? `Betaling av faktura ${d['invoice']} feilet` : `Betalte faktura ${d['invoice']} (${money(d['amount'], d['currency'], l)})`),
    da: (d, l) => (d['outcome'] === 'failed' ? `Betaling af faktura ${d['invoice']} mislykkedes` : `Betalte faktura ${d['invoice']} (${money(d['amount'], d['currency'], l)})`),
    en: (d, l) => (d['outcome'] === 'failed' ? `Payment of invoice ${d['invoice']} failed` : `Paid invoice ${d['invoice']} (${money(d['amount'], d['currency'], l)})`),
  },
  knowledge: {
    nb: (d) => `Leste «${d['title'] ?? d['article'] ?? ''}»`,
    da: (d) => `Læste »${d['title'] ?? d['article'] ?? ''}«`,
    en: (d) => `Read "${d['title'] ?? d['article'] ?? ''}"`,
  },
};

const leftWithout = {
  nb: (channel: Channel) => `Forlot ${where.nb(channel)} uten svar`,
  da: (channel: Channel) => `Forlod ${where.da(channel)} uden svar`,
  en: (channel: Channel) => `Left ${where.en(channel)} without an answer`,
} as const;

/**
 * One line saying what a self-service contact did, in the reader's language: "Sjekket ordre
 * ORD-1000452 i talesvar", "Betalte faktura INV-2000120 (kr 999) i talesvar". Null when the
 * journey holds no self-service action.
 */
export function selfServiceSummary(channel: Channel, journey: readonly JourneyStep[], language: Language, finished = true): string | null {
  const done = journey.filter((step) => step.data?.['action'] && phrases[step.data['action']] && step.data['outcome'] !== 'not-found');
  if (done.length === 0) return finished ? leftWithout[language](channel) : null;
  // The same action on the same thing twice (asked again) is said once.
  const said = [...new Set(done.map((step) => phrases[step.data!['action']!]![language](step.data!, language)))];
  return `${said.join('; ')} ${where[language](channel)}`;
}

/**
 * The customer's recent self-service, action by action, as routing reads it: the outcome of the
 * latest attempt at each action (`payment: 'failed'`), taken from the journeys newest first.
 */
export function recentSelfService(journeys: ReadonlyArray<readonly JourneyStep[]>): Record<string, string> {
  const latest: Record<string, { at: string; outcome: string }> = {};
  for (const journey of journeys) {
    for (const step of journey) {
      const action = step.data?.['action'];
      if (!action) continue;
      const outcome = step.data?.['outcome'] ?? 'succeeded';
      if (!latest[action] || latest[action].at <= step.at) latest[action] = { at: step.at, outcome };
    }
  }
  return Object.fromEntries(Object.entries(latest).map(([action, { outcome }]) => [action, outcome]));
}
