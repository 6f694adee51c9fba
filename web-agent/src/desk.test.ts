import { describe, expect, it } from 'vitest';
import type { AcceptedContact, ChatMessage, ContactOffer } from '@sentral/contract';
import type { Me } from './api.ts';
import { deskReducer, initialDesk, type DeskState } from './desk.ts';

const message = (seq: number, text: string, from: ChatMessage['from'] = 'customer'): ChatMessage => ({ id: `m${seq}`, seq, from, text, at: new Date(2026, 0, 1, 10, seq).toISOString() });
const accepted = (id: string, messages: ChatMessage[] = []): AcceptedContact => ({ id, channel: 'chat', queue: 'support', customerId: null, messages });
const pop = { identification: { method: 'email' as const, confidence: 0.9 }, customer: null, timeline: [], journey: [] };
const offer = (contactId: string): ContactOffer => ({
  offerId: `offer-${contactId}`,
  expiresAt: new Date(Date.now() + 20_000).toISOString(),
  contact: { id: contactId, channel: 'chat', queue: 'support', priority: 1 },
  screenPop: pop,
});
const me = (contacts: AcceptedContact[], wrapUps: AcceptedContact[] = [], offers: ContactOffer[] = []): Me => ({
  agent: { id: 'a1', name: 'Agent', email: 'a@x', role: 'agent', state: 'available', stateSince: new Date().toISOString(), languages: [], queues: ['support'] },
  contacts,
  offers,
  wrapUps,
});

function run(...actions: Parameters<typeof deskReducer>[1][]): DeskState {
  return actions.reduce(deskReducer, initialDesk);
}

describe('the desktop state', () => {
  it('keeps messages once each and in sequence, whichever way they arrive', () => {
    const state = run(
      { type: 'offer', offer: offer('c1') },
      { type: 'accepted', contact: accepted('c1', [message(1, 'Hei')]), screenPop: pop },
      { type: 'message', contactId: 'c1', message: message(3, 'Tre') },
      { type: 'message', contactId: 'c1', message: message(2, 'To') },
      { type: 'message', contactId: 'c1', message: message(3, 'Tre') },
    );
    expect(state.offers).toEqual([]);
    expect(state.contacts[0]!.messages.map((m) => m.text)).toEqual(['Hei', 'To', 'Tre']);
  });

  it('follows another session of the same agent: its accept opens the contact beside the current one, its wrap-up closes it', () => {
    const state = run(
      { type: 'accepted', contact: accepted('c1'), screenPop: pop },
      { type: 'offer', offer: offer('c2') },
      { type: 'offer-gone', offerId: 'offer-c2' },
      { type: 'accepted', contact: accepted('c2', [message(1, 'Hej')]), screenPop: pop, focus: false },
    );
    expect(state.offers).toEqual([]);
    expect(state.contacts.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(state.activeId).toBe('c1');
    const closed = deskReducer(state, { type: 'wrapped-up', contactId: 'c2' });
    expect(closed.contacts.map((c) => c.id)).toEqual(['c1']);
    expect(run({ type: 'accepted', contact: accepted('c3'), screenPop: null, focus: false }).activeId).toBe('c3');
  });

  it('rebuilds from the server after a reconnect without losing what only this browser knows', () => {
    const before = run(
      { type: 'accepted', contact: accepted('c1', [message(1, 'Hei')]), screenPop: pop },
      { type: 'outgoing', contactId: 'c1', outgoing: { clientMessageId: 'x1', text: 'Svar', state: 'sending' } },
      { type: 'send-failed', contactId: 'c1', clientMessageId: 'x1' },
      { type: 'accepted', contact: accepted('gone'), screenPop: null },
      { type: 'connection', connection: 'reconnecting' },
    );
    const after = deskReducer(before, { type: 'synced', me: me([accepted('c1', [message(1, 'Hei'), message(2, 'Er du der?')])], [], [offer('c9')]) });
    expect(after.connection).toBe('online');
    expect(after.contacts.map((c) => c.id)).toEqual(['c1']);
    const contact = after.contacts[0]!;
    expect(contact.messages.map((m) => m.text)).toEqual(['Hei', 'Er du der?']);
    expect(contact.outbox).toEqual([{ clientMessageId: 'x1', text: 'Svar', state: 'failed' }]);
    expect(contact.screenPop).toBe(pop);
    expect(after.activeId).toBe('c1');
    expect(after.offers.map((o) => o.offerId)).toEqual(['offer-c9']);
  });

  it('moves an ended conversation to wrap-up, restores it as such, and closes the tab once wrapped up', () => {
    const ended = run(
      { type: 'accepted', contact: accepted('c1'), screenPop: pop },
      { type: 'accepted', contact: accepted('c2'), screenPop: pop },
      { type: 'ended', contactId: 'c2', by: 'customer', at: '2026-01-01T10:00:00.000Z' },
    );
    expect(ended.contacts.find((c) => c.id === 'c2')).toMatchObject({ phase: 'wrap-up', endedBy: 'customer', endedAt: '2026-01-01T10:00:00.000Z' });

    const restored = deskReducer(ended, { type: 'synced', me: me([accepted('c1')], [{ ...accepted('c2'), endedAt: '2026-01-01T10:00:00.000Z' }]) });
    expect(restored.contacts.map((c) => [c.id, c.phase])).toEqual([
      ['c1', 'conversation'],
      ['c2', 'wrap-up'],
    ]);
    expect(restored.contacts[1]!.endedBy).toBe('customer');

    const closed = deskReducer(restored, { type: 'wrapped-up', contactId: 'c2' });
    expect(closed.contacts.map((c) => c.id)).toEqual(['c1']);
    expect(closed.activeId).toBe('c1');
  });

  it('counts unread messages only on tabs the agent is not looking at', () => {
    const state = run(
      { type: 'accepted', contact: accepted('c1'), screenPop: pop },
      { type: 'accepted', contact: accepted('c2'), screenPop: pop },
      { type: 'message', contactId: 'c1', message: message(1, 'Hallo?') },
      { type: 'message', contactId: 'c2', message: message(1, 'Hei') },
    );
    expect(state.contacts.map((c) => [c.id, c.unread])).toEqual([
      ['c1', 1],
      ['c2', 0],
    ]);
    expect(deskReducer(state, { type: 'activate', id: 'c1' }).contacts[0]!.unread).toBe(0);
  });

  it('adds the back-office facts of a pop update to the offer it belongs to, and to the contact once accepted', () => {
    const update = { contactId: 'c9', offerId: 'offer-c9', status: 'ok' as const, external: { creditLimit: 5000 }, fetchedAt: '2026-12-04T10:00:00.000Z', latencyMs: 300 };
    const offered = run({ type: 'offer', offer: offer('c9') }, { type: 'offer', offer: offer('c8') }, { type: 'pop-update', update });
    expect(offered.offers.find((o) => o.offerId === 'offer-c9')!.screenPop.external).toEqual({ status: 'ok', external: { creditLimit: 5000 }, fetchedAt: update.fetchedAt });
    expect(offered.offers.find((o) => o.offerId === 'offer-c8')!.screenPop.external).toBeUndefined();
    const later = run(
      { type: 'offer', offer: offer('c9') },
      { type: 'accepted', contact: accepted('c9'), screenPop: pop },
      { type: 'pop-update', update: { ...update, status: 'stale', external: { creditLimit: 4000 } } },
    );
    expect(later.contacts[0]!.screenPop?.external).toMatchObject({ status: 'stale', external: { creditLimit: 4000 } });
  });
});
