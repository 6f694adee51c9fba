import { describe, expect, it } from 'vitest';
import { checkTwiml, findAll, spoken } from '../../../test/support/twiml.ts';
import { demoFlow, isOpen, parseFlow, type FlowInput } from './flow.ts';
import { sumAmounts } from './ivr.ts';
import { spokenDigits, spokenMoney } from './prompts.ts';
import { TwimlWriter, VoiceUrls } from './twiml.ts';
import { voiceWebhooks } from './webhooks.ts';

const logger = { info() {}, warn() {}, error() {}, debug() {} };

function problemOf(change: (flow: FlowInput) => void): string {
  const flow = structuredClone(demoFlow);
  change(flow);
  try {
    parseFlow(flow);
    return 'valid';
  } catch (error) {
    const issue = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues[0]!;
    return `${issue.path.join('.')}: ${issue.message}`;
  }
}

describe('IVR flows as data', () => {
  it('accepts the demo flow', () => {
    expect(problemOf(() => undefined)).toBe('valid');
  });

  it.each([
    ['a key leading nowhere', (f: FlowInput) => (f.nodes['main'] = { type: 'menu', options: [{ key: '1', label: { nb: 'a', da: 'a', en: 'a' }, next: 'gone' }] }), 'nodes.main.options.0.next: refers to unknown node "gone"'],
    ['a key used twice', (f: FlowInput) => {
      const menu = f.nodes['adviser'] as Extract<FlowInput['nodes'][string], { type: 'menu' }>;
      menu.options.push({ ...menu.options[0]! });
    }, 'nodes.adviser.options: must not use a key twice'],
    ['an unknown start', (f: FlowInput) => (f.start = 'nowhere'), 'start: refers to unknown node "nowhere"'],
    ['escalating to a menu', (f: FlowInput) => (f.escalate = 'main'), 'escalate: must be an agent node'],
    ['an hours node without hours', (f: FlowInput) => (f.nodes['open'] = { type: 'hours', open: 'main', closed: 'main' }), 'nodes.open.type: an hours node needs the flow\'s hours'],
    ['a default language the flow does not offer', (f: FlowInput) => { f.languages = ['nb', 'da']; f.defaultLanguage = 'en'; }, 'defaultLanguage: must be one of the flow\'s languages'],
    ['a text missing a language', (f: FlowInput) => (f.greeting = { nb: 'Hei', da: 'Hej' } as FlowInput['greeting']), 'greeting.en: Invalid input: expected string, received undefined'],
    ['an unknown action', (f: FlowInput) => (f.nodes['stock'] = { type: 'action', action: 'refund' as 'stock', next: 'main' }), 'nodes.stock.action: Invalid option: expected one of "order-status"|"tracking"|"stock"|"delivery-estimate"|"invoice-balance"|"pay-invoice"'],
    ['a bad time zone', (f: FlowInput) => (f.timeZone = 'Mars/Olympus'), 'timeZone: must be an IANA time zone such as Europe/Oslo'],
    ['an action whose adviser is no agent', (f: FlowInput) => (f.nodes['stock'] = { type: 'action', action: 'stock', next: 'main', agent: 'main' }), 'nodes.stock.agent: must be an agent node'],
  ])('refuses %s, naming the place', (_name, change, problem) => {
    expect(problemOf(change)).toBe(problem);
  });

  it('knows its opening hours in its own time zone, closed dates included', () => {
    const flow = parseFlow({
      ...structuredClone(demoFlow),
      timeZone: 'Europe/Oslo',
      hours: { weekly: { mon: [{ from: '08:00', to: '16:00' }] }, closedDates: ['2026-03-16'] },
    });
    expect(isOpen(flow, new Date('2026-03-09T07:30:00Z'))).toBe(true); // Monday 08:30 in Oslo
    expect(isOpen(flow, new Date('2026-03-09T06:30:00Z'))).toBe(false); // 07:30
    expect(isOpen(flow, new Date('2026-03-09T15:00:00Z'))).toBe(false); // 16:00: closed from then on
    expect(isOpen(flow, new Date('2026-03-10T08:00:00Z'))).toBe(false); // Tuesday
    expect(isOpen(flow, new Date('2026-03-16T08:00:00Z'))).toBe(false); // a closed Monday
  });
});

describe('what the IVR says', () => {
  it('reads amounts and numbers as people say them', () => {
    expect(spokenMoney('1234.50', 'NOK', 'nb')).toBe('1234 kroner og 50 øre');
    expect(spokenMoney('99.00', 'DKK', 'da')).toBe('99 kroner');
    expect(spokenMoney('10.05', 'EUR', 'en')).toBe('10 euro and 5 cent');
    expect(spokenDigits('ORD-1000452')).toBe('1 0 0 0 4 5 2');
  });

  it('adds invoice amounts exactly', () => {
    expect(sumAmounts(['0.10', '0.20', '1234.50'])).toBe('1234.80');
    expect(sumAmounts(['999999999.99', '0.01'])).toBe('1000000000.00');
  });
});

describe('TwiML', () => {
  const urls = new VoiceUrls('https://hub.example');
  const flow = parseFlow({ ...structuredClone(demoFlow), fallbackNumber: '+4722334455' });
  const writer = new TwimlWriter(flow, urls);

  it('asks for card details with <Pay> in English with Twilio\'s own prompts language and the invoice amount', () => {
    const xml = writer.turn(
      {
        lines: [],
        end: {
          kind: 'pay',
          invoice: { number: 'INV-2000001', amount: '450.00', currency: 'NOK', dueDate: '2026-03-01T00:00:00Z', overdue: true },
          description: 'Invoice INV-2000001',
          language: 'en',
          connector: 'Default',
          maxAttempts: 2,
        },
      },
      7,
      null,
    );
    const pay = findAll(checkTwiml(xml), 'Pay')[0]!;
    expect(pay.attributes).toMatchObject({ chargeAmount: '450.00', currency: 'nok', language: 'en-GB', action: 'https://hub.example/webhooks/twilio/voice/step?s=7', maxAttempts: '2' });
  });

  it('renders waiting, bridging and the fallback with Twilio\'s verbs only', () => {
    const line = { text: 'Du er nummer 2 i køen.', language: 'nb' as const };
    const wait = checkTwiml(writer.wait([line], [], urls.wait('c1'), 30, undefined));
    expect(findAll(wait, 'Pause')[0]!.attributes['length']).toBe('30');
    const customer = checkTwiml(writer.conference([line], 'sentral-c1', 'customer', urls.after('c1')));
    expect(findAll(customer, 'Dial')[0]!.attributes['action']).toBe('https://hub.example/webhooks/twilio/voice/after?c=c1');
    const fallback = checkTwiml(writer.fallback(['nb', 'en']));
    expect(spoken(fallback)).toContain('Sorry, we are having technical problems');
    expect(findAll(fallback, 'Dial')[0]!.text).toBe('+4722334455');
  });
});

describe('voice webhooks without Twilio configured', () => {
  it('answer 503 and read nothing', async () => {
    const hooks = voiceWebhooks({ channel: () => null, security: null, logger });
    expect(hooks.map((hook) => hook.path)).toContain('/webhooks/twilio/voice/status');
    for (const hook of hooks) {
      const answer = await hook.handle({ method: 'POST', headers: {}, rawBody: new TextEncoder().encode('CallSid=x'), url: 'https://hub.example/x' });
      expect(answer).toEqual({ status: 503, body: { error: { code: 'CHANNEL_DISABLED', message: 'voice is not configured on this hub (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)' } } });
    }
  });
});
