import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactOffer, SupervisorStats } from '@sentral/contract';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { addMailbox, mail, testSecretsKey } from './support/mail.ts';
import { api, chatContact, createAgent, routingTrace, type TestAgent } from './support/routing.ts';

const MAILBOX = 'faktura@sentral.test';

/**
 * What a day on the desk showed routing must do: the customer's language counts, a reply re-opens
 * an email with its last agent, a supervisor's note reaches the next agent, a target that cannot
 * take the channel is refused or explained, and an email past its reply deadline is escalated.
 */
describe('routing follow-ups: languages, re-opened mail, reassign notes, channel checks, reply deadlines', () => {
  let hub: TestHub;
  let dovecot: Dovecot;
  let admin: string;
  let supervisor: string;
  let norsk: TestAgent;
  let dansk: TestAgent;
  let biller: TestAgent;
  const customers: Socket[] = [];

  const chat = async (auth: Record<string, unknown>, text = 'Hej, jeg har et spørgsmål') => {
    const opened = await chatContact(hub.url, auth, text);
    customers.push(opened.socket);
    return opened;
  };
  const statusOf = async (contactId: string) => (await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, select: { status: true } })).status;

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.addUser(MAILBOX);
    hub = await startTestHub({ backend: 'postgres', env: { SECRETS_KEY: testSecretsKey } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    supervisor = (await login(hub.url, 'supervisor@demo.test', 'supervisor')).token;
    // The Norwegian agent has waited longest, so without languages they would get every chat.
    norsk = await createAgent(hub.url, admin, { email: 'norsk@lang.test', name: 'Nora Norsk', queues: ['support'], languages: ['nb', 'en'], capacity: { chat: 1 } });
    dansk = await createAgent(hub.url, admin, { email: 'dansk@lang.test', name: 'Dorte Dansk', queues: ['support'], languages: ['da'], capacity: { chat: 1 } });
    biller = await createAgent(hub.url, admin, { email: 'biller@lang.test', name: 'Berit Faktura', queues: ['billing'], languages: ['nb'], capacity: { email: 2, chat: 0 } });
    await norsk.setState('available');
    await dansk.setState('available');
    await addMailbox(hub.url, admin, { address: MAILBOX, dovecot, settings: { queue: 'billing' } });
  });

  afterAll(async () => {
    for (const socket of customers) socket.close();
    for (const agent of [norsk, dansk, biller]) agent?.close();
    await hub?.stop();
    await dovecot?.stop();
  });

  it('offers a Danish chat to the free Danish speaker before an agent idle longer who does not speak it, and says why', async () => {
    const offered = dansk.nextOffer();
    const danish = await chat({ name: 'Mette', language: 'da' });
    expect((await offered).contact.id).toBe(danish.contactId);
    expect(norsk.offers.some((offer) => offer.contact.id === danish.contactId)).toBe(false);

    const trace = await routingTrace(hub.url, admin, danish.contactId);
    const decision = trace.decisions.find((d: { kind: string }) => d.kind === 'offered');
    expect(decision).toMatchObject({ agentId: dansk.id, why: 'speaks da, longest idle' });
    expect(decision.considered).toContainEqual(expect.objectContaining({ agentId: norsk.id, outcome: 'passed over: does not speak da' }));
    expect(decision.others).toContainEqual({ agentId: norsk.id, reason: 'does not speak da' });
    await call(danish.socket, 'end', {});
    await until(async () => (await statusOf(danish.contactId)) === 'abandoned');
  });

  it('refuses a rule target whose queue cannot take the channel its filter matches, naming it', async () => {
    const refused = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: { filters: [{ name: 'Chats to second line', when: { attribute: 'channel', op: 'eq', value: 'chat' }, targets: [{ queue: 'second-line' }] }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.message).toBe(
      'filters[0].targets[0].queue: queue "second-line" does not take chat (it takes voice, email), and filter "Chats to second line" matches only chat',
    );
    const unknownRule = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: { filters: [{ name: 'Danish', when: { attribute: 'language', op: 'eq', value: 'da' }, targets: [{ queue: 'support', language: 'always' }] }] },
    });
    expect(unknownRule).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(unknownRule.body.error.message).toMatch(/^filters\[0\]\.targets\[0\]\.language: must be one of preferred, required/);
    expect((await api(hub.url, '/api/routing/rules', { token: admin })).body.version).toBe(0);
  });

  it('requires the language where the rule says so: the chat waits for a Danish speaker, and a skipped target is explained', async () => {
    const stored = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: {
        filters: [
          { name: 'Danish only by Danes', when: { attribute: 'language', op: 'eq', value: 'da' }, targets: [{ queue: 'support', language: 'required' }] },
          // Emails and calls in English go to second line; an English chat cannot, so it skips that target.
          { name: 'English to second line', when: { attribute: 'language', op: 'eq', value: 'en' }, targets: [{ queue: 'second-line', timeoutSeconds: 60 }, { queue: 'support' }] },
        ],
      },
    });
    expect(stored.status).toBe(200);

    await dansk.setState('away');
    const danish = await chat({ name: 'Søren', language: 'da' });
    const waiting = await until(async () => (await routingTrace(hub.url, admin, danish.contactId)).decisions.find((d: { kind: string }) => d.kind === 'waiting'));
    expect(waiting.why).toBe('no free agent of the queue speaks da (required)');
    expect(norsk.offers.some((offer) => offer.contact.id === danish.contactId)).toBe(false);
    expect(await statusOf(danish.contactId)).toBe('queued');

    const offered = dansk.nextOffer((offer) => offer.contact.id === danish.contactId);
    await dansk.setState('available');
    await offered;
    await call(danish.socket, 'end', {});
    await until(async () => (await statusOf(danish.contactId)) === 'abandoned');

    const english = await chat({ name: 'John', language: 'en' }, 'Hello, a question');
    const plan = await until(async () => (await routingTrace(hub.url, admin, english.contactId)).decisions.find((d: { kind: string }) => d.kind === 'planned'));
    expect(plan.filter).toBe('English to second line');
    expect(plan.dropped).toEqual([{ queue: 'second-line', via: 'filter "English to second line", target 1', reason: 'skipped: queue second-line does not take chat' }]);
    expect(plan.steps.map((step: { queue: string }) => step.queue)).toEqual(['support']);
    await call(english.socket, 'end', {});
  });

  it("shows a supervisor's reassign note in the next agent's pop, as a transfer note is", async () => {
    await Promise.all([norsk.setState('away'), dansk.setState('away')]);
    const waiting = await chat({ name: 'Jens', language: 'da' }, 'Min faktura er forkert');
    await until(async () => (await statusOf(waiting.contactId)) === 'queued');
    const reassigned = await api(hub.url, `/api/supervisor/contacts/${waiting.contactId}/reassign`, {
      method: 'POST',
      token: supervisor,
      body: { agentId: dansk.id, note: 'Kunden har ringt tre ganger om denne fakturaen' },
    });
    expect(reassigned.status).toBe(200);
    const offered = dansk.nextOffer((offer) => offer.contact.id === waiting.contactId);
    await dansk.setState('available');
    const offer = await offered;
    expect(offer.contact.transferNote).toBe('Kunden har ringt tre ganger om denne fakturaen');
    expect(offer.screenPop.transfers).toEqual([
      expect.objectContaining({ kind: 'reassigned', from: expect.objectContaining({ name: expect.any(String) }), to: { agentId: dansk.id, name: 'Dorte Dansk' }, note: 'Kunden har ringt tre ganger om denne fakturaen' }),
    ]);
    expect(offer.screenPop.conversation?.map((message) => message.text)).toContain('Min faktura er forkert');
    await call(waiting.socket, 'end', {});
  });

  it('re-opens an answered email on the reply and offers it to the agent who handled it, the only one on duty', async () => {
    await biller.setState('available');
    const first = biller.nextOffer((offer) => offer.contact.channel === 'email', 30_000);
    await dovecot.deliver(MAILBOX, mail({ from: 'Kari Nordmann <kari@kunde.test>', to: MAILBOX, subject: 'Feil på faktura', body: 'Beløpet er feil.', messageId: '<reopen-1@kunde.test>' }));
    const offer = await first;
    const contactId = offer.contact.id;
    await biller.accept(offer);
    expect(await call(biller.socket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });

    const again = biller.nextOffer((o) => o.contact.id === contactId, 30_000);
    await dovecot.deliver(
      MAILBOX,
      mail({
        from: 'Kari Nordmann <kari@kunde.test>',
        to: MAILBOX,
        subject: 'Re: Feil på faktura',
        body: 'Det er fortsatt feil.',
        messageId: '<reopen-2@kunde.test>',
        headers: { 'In-Reply-To': '<reopen-1@kunde.test>', References: '<reopen-1@kunde.test>' },
      }),
    );
    const reoffered = await again;
    expect(reoffered.contact.id).toBe(contactId);
    const trace = await routingTrace(hub.url, admin, contactId);
    expect(trace.decisions.find((d: { kind: string }) => d.kind === 'reopened')).toMatchObject({ stickyAgentId: biller.id });
    expect(trace.decisions.filter((d: { kind: string }) => d.kind === 'offered').at(-1)).toMatchObject({ agentId: biller.id, why: "the customer's last agent" });
    await biller.accept(reoffered);
    expect(await call(biller.socket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
  });

  it('escalates an email whose reply deadline passes while it waits, and shows it overdue on the wallboard', async () => {
    await biller.setState('away');
    await dovecot.deliver(MAILBOX, mail({ from: 'Per Hansen <per@kunde.test>', to: MAILBOX, subject: 'Purring', body: 'Hvor blir svaret av?', messageId: '<late-1@kunde.test>' }));
    const contact = await until(() => hub.database.db.contact.findFirst({ where: { fromAddress: 'per@kunde.test', status: 'queued' }, select: { id: true, priority: true } }), 30_000);
    // The shortest deadline a mailbox allows is 15 minutes: the test moves the stored one close, and
    // touches the plan the way any re-plan does, so the router reads it again.
    await hub.database.db.$executeRaw`UPDATE "Contact" SET "firstResponseDueAt" = now() + interval '1 second' WHERE id = ${contact.id}::uuid`;
    await hub.database.db.$executeRaw`UPDATE "ContactRouting" SET "stepStartedAt" = "stepStartedAt" WHERE "contactId" = ${contact.id}::uuid`;

    const escalated = await until(async () => (await routingTrace(hub.url, admin, contact.id)).decisions.find((d: { kind: string }) => d.kind === 'escalated'));
    expect(escalated.reason).toMatch(/^first response was due at /);
    expect(escalated.priority).toEqual({ from: contact.priority, to: contact.priority + 50 });
    const after = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contact.id }, include: { events: true } });
    expect(after.priority).toBe(contact.priority + 50);
    expect(after.events.map((event) => event.type)).toContain('escalated');

    const wallboard = await connect(hub.url, '/supervisor', { token: supervisor });
    try {
      const stats = await next<SupervisorStats>(wallboard, 'stats', (s) => (s.queues.find((q) => q.id === 'billing')?.overdue ?? 0) >= 1, 15_000);
      expect(stats.queues.find((q) => q.id === 'support')?.overdue).toBe(0);
    } finally {
      wallboard.close();
    }

    // Escalated once per wait, however often the router reads the contact again.
    const offered = biller.nextOffer((offer: ContactOffer) => offer.contact.id === contact.id, 30_000);
    await biller.setState('available');
    await biller.accept(await offered);
    const trace = await routingTrace(hub.url, admin, contact.id);
    expect(trace.decisions.filter((d: { kind: string }) => d.kind === 'escalated')).toHaveLength(1);
  });
});
