import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, createAgent, type TestAgent } from './support/routing.ts';
import { freePort } from './support/dovecot.ts';
import { addMailbox, testSecretsKey } from './support/mail.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';

const texts = (text: string) => ({ nb: `${text} (nb)`, da: `${text} (da)`, en: `${text} (en)` });

const rules = {
  rules: [
    {
      name: 'delayed-order-callback',
      event: 'order.delayed',
      when: { attribute: 'data.daysLate', op: 'gte', value: 2 },
      actions: [
        { type: 'callback', queue: 'second-line', priority: 5, subject: texts('Forsinket ordre {{data.orderNumber}} for {{customer.name}}') },
        { type: 'facts', attributes: { lastDelayedOrder: '{{data.orderNumber}}', delayed: true } },
      ],
    },
  ],
};

describe('inbound events start work through workflow rules', () => {
  let hub: TestHub;
  let admin: string;
  let agent: TestAgent;
  let eventsKey: string;
  let customerId: string;
  let smtp: SmtpSink;

  const post = async (path: string, body: unknown, key = eventsKey) => {
    const response = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    hub = await startTestHub({ backend: 'redis', env: { SECRETS_KEY: testSecretsKey } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    agent = await createAgent(hub.url, admin, { email: 'callbacks@example.test', name: 'Callback Agent', queues: ['second-line'], capacity: { voice: 1 }, state: 'available' });
    eventsKey = (await api(hub.url, '/api/api-keys', { method: 'POST', token: admin, body: { name: 'ERP events', scopes: ['events:write'] } })).body.key;
    customerId = (await api(hub.url, '/api/customers', { method: 'POST', token: admin, body: { externalId: 'ERP-777', name: 'Ingrid Hansen', phones: ['+4791234567'], language: 'da' } })).body.id;
  });

  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await smtp?.stop();
  });

  it('refuses an invalid rule set whole, naming the part, and stores a valid one as the next version', async () => {
    const before = (await api(hub.url, '/api/workflows/rules', { token: admin })).body.version as number;
    const broken = structuredClone(rules) as { rules: Array<Record<string, unknown> & { actions: Array<Record<string, unknown>> }> };
    broken.rules[0]!.actions[0]!['queue'] = 'nowhere';
    const unknownQueue = await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: broken });
    expect(unknownQueue.status).toBe(400);
    expect(unknownQueue.body.error.message).toBe('rules[0].actions[0].queue: unknown queue "nowhere"');

    const badPlaceholder = structuredClone(rules) as typeof broken;
    badPlaceholder.rules[0]!.actions[0]!['subject'] = { ...texts('x'), en: 'Order {{secret.token}}' };
    const placeholder = await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: badPlaceholder });
    expect(placeholder.status).toBe(400);
    expect(placeholder.body.error.message).toContain('rules[0].actions[0].subject.en');

    const missingLanguage = structuredClone(rules) as typeof broken;
    missingLanguage.rules[0]!.actions[0]!['subject'] = { nb: 'Bare norsk' };
    expect((await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: missingLanguage })).status).toBe(400);
    const twice = { rules: [rules.rules[0], rules.rules[0]] };
    expect((await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: twice })).body.error.message).toContain('duplicate rule name');
    expect((await api(hub.url, '/api/workflows/rules', { token: admin })).body.version).toBe(before);

    const stored = await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: rules });
    expect(stored).toMatchObject({ status: 200, body: { version: before + 1 } });
    expect((await api(hub.url, '/api/workflows/rules', { token: admin })).body).toMatchObject({ version: before + 1, rules: rules.rules });
    expect((await api(hub.url, '/api/workflows/rules/versions', { token: admin })).body[0]).toMatchObject({ version: before + 1 });
  });

  it('turns order.delayed into a routed callback task whose pop shows the event, and updates the facts', async () => {
    const offered = agent.nextOffer((offer) => offer.contact.channel === 'voice', 20_000);
    const sent = await post('/api/events', { id: 'erp-evt-1', type: 'order.delayed', customer: { externalId: 'ERP-777' }, data: { orderNumber: 'SO-1234', daysLate: 3 } });
    expect(sent).toEqual({ status: 202, body: { id: 'erp-evt-1', duplicate: false } });

    const offer = await offered;
    expect(offer.contact.subject).toBe('Forsinket ordre SO-1234 for Ingrid Hansen (da)');
    expect(offer.screenPop.customer).toMatchObject({ id: customerId, name: 'Ingrid Hansen' });
    const steps = offer.screenPop.journey.map((step) => `${step.step}: ${step.result}`);
    expect(steps.some((step) => step.startsWith('event order.delayed') && step.includes('SO-1234'))).toBe(true);
    await agent.accept(offer);

    await until(async () => (await hub.database.db.inboundEvent.findUnique({ where: { id: 'erp-evt-1' } }))?.status === 'done');
    const customer = await hub.database.db.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(customer.attributes).toMatchObject({ lastDelayedOrder: 'SO-1234', delayed: true });
    const contact = await hub.database.db.contact.findUniqueOrThrow({ where: { id: offer.contact.id } });
    expect(contact).toMatchObject({ channel: 'voice', customerId, queueId: 'second-line', status: 'accepted' });

    // The same event again does nothing.
    const repeat = await post('/api/events', { id: 'erp-evt-1', type: 'order.delayed', customer: { externalId: 'ERP-777' }, data: { orderNumber: 'SO-1234', daysLate: 3 } });
    expect(repeat).toEqual({ status: 202, body: { id: 'erp-evt-1', duplicate: true } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await hub.database.db.contact.count({ where: { customerId, channel: 'voice' } })).toBe(1);
  });

  it('starts nothing when the conditions do not hold, and reports what it did', async () => {
    expect((await post('/api/events', { id: 'erp-evt-2', type: 'order.delayed', customer: { externalId: 'ERP-777' }, data: { orderNumber: 'SO-9', daysLate: 1 } })).status).toBe(202);
    await until(async () => (await hub.database.db.inboundEvent.findUnique({ where: { id: 'erp-evt-2' } }))?.status === 'done');
    const shown = await fetch(`${hub.url}/api/events/erp-evt-2`, { headers: { 'x-api-key': eventsKey } });
    expect(await shown.json()).toMatchObject({ id: 'erp-evt-2', status: 'done', result: { actions: [] } });
    expect(await hub.database.db.contact.count({ where: { customerId, channel: 'voice' } })).toBe(1);
  });

  it('needs the events:write scope and a well-formed event', async () => {
    const reader = (await api(hub.url, '/api/api-keys', { method: 'POST', token: admin, body: { name: 'reader', scopes: ['customers:read'] } })).body.key as string;
    expect((await post('/api/events', { id: 'x', type: 'order.delayed', data: {} }, reader)).status).toBe(403);
    for (const body of [{ type: 'order.delayed' }, { id: 'y', type: 'Not A Type' }, { id: 'z', type: 'order.delayed', extra: 1 }]) {
      const refused = await post('/api/events', body);
      expect(refused.status).toBe(400);
    }
    expect(await hub.database.db.inboundEvent.count({ where: { id: { in: ['x', 'y', 'z'] } } })).toBe(0);
  });

  it("emails the customer a templated message in their language, once", async () => {
    await addMailbox(hub.url, admin, { address: 'kundeservice@sentral.test', dovecot: { port: await freePort() }, smtp });
    await api(hub.url, '/api/customers', { method: 'POST', token: admin, body: { externalId: 'ERP-778', name: 'Emma Jones', emails: ['emma.jones@example.test'], language: 'en' } });
    const withEmail = {
      rules: [
        ...rules.rules,
        {
          name: 'shipped-notice',
          event: 'order.shipped',
          actions: [
            {
              type: 'email',
              subject: { nb: 'Ordre {{data.orderNumber}} er sendt', da: 'Ordre {{data.orderNumber}} er sendt', en: 'Order {{data.orderNumber}} has shipped' },
              body: { nb: 'Hei {{customer.name}}, pakken kommer {{data.eta}}.', da: 'Hej {{customer.name}}, pakken kommer {{data.eta}}.', en: 'Hello {{customer.name}}, your parcel arrives {{data.eta}}.' },
            },
          ],
        },
      ],
    };
    expect((await api(hub.url, '/api/workflows/rules', { method: 'PUT', token: admin, body: withEmail })).status).toBe(200);
    const event = { id: 'erp-evt-ship-1', type: 'order.shipped', customer: { externalId: 'ERP-778' }, data: { orderNumber: 'SO-55', eta: 'Friday' } };
    expect((await post('/api/events', event)).status).toBe(202);
    const mail = await smtp.waitFor((received) => received.envelopeTo.includes('emma.jones@example.test'), 20_000);
    expect(mail.parsed.subject).toContain('Order SO-55 has shipped');
    expect(mail.parsed.text).toContain('Hello Emma Jones, your parcel arrives Friday.');
    expect((await post('/api/events', event)).body).toMatchObject({ duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received.filter((received) => received.envelopeTo.includes('emma.jones@example.test'))).toHaveLength(1);
  });
});
