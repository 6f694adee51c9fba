import { describe, expect, it } from 'vitest';
import { mergeTallies, queueNow, emptyTally, addContact, ratesOf, enteredAt, isOffered, type ContactFacts, type Rates, type Tally } from './metrics.ts';

// Folds the reports and the wallboard do with these primitives, kept here since no report needs them whole.
function summarise(contacts: Iterable<ContactFacts>, thresholdFor: (queueId: string) => number): Tally & Rates {
  const tally = emptyTally();
  for (const contact of contacts) addContact(tally, contact, thresholdFor(contact.queueId));
  return { ...tally, ...ratesOf(tally) };
}

function tallyBy(contacts: Iterable<ContactFacts>, keyOf: (contact: ContactFacts) => string | null, thresholdFor: (queueId: string) => number): Map<string, Tally> {
  const groups = new Map<string, Tally>();
  for (const contact of contacts) {
    const key = keyOf(contact);
    if (key === null) continue;
    let tally = groups.get(key);
    if (!tally) groups.set(key, (tally = emptyTally()));
    addContact(tally, contact, thresholdFor(contact.queueId));
  }
  return groups;
}

/** Contacts waiting at instant `at`: entered their queue and neither answered nor gone by then. */
function waitingAt(contacts: Iterable<ContactFacts>, at: Date): number {
  let waiting = 0;
  for (const contact of contacts) {
    if (!isOffered(contact)) continue;
    const left = contact.acceptedAt ?? contact.endedAt;
    if (enteredAt(contact) <= at && (!left || left > at)) waiting += 1;
  }
  return waiting;
}

const t0 = new Date('2026-11-18T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function contact(id: string, facts: Partial<ContactFacts>): ContactFacts {
  return {
    id,
    queueId: 'support',
    channel: 'chat',
    agentId: null,
    segment: null,
    status: 'queued',
    createdAt: facts.queuedAt ?? t0,
    queuedAt: null,
    acceptedAt: null,
    endedAt: null,
    wrapUpSeconds: 0,
    dueSeconds: null,
    transfers: 0,
    rating: null,
    ...facts,
  };
}

// A scripted morning in one queue with a 20 s threshold. Waits: 10, 30, 20 (exactly the threshold), 1.
const scenario: ContactFacts[] = [
  contact('answered-fast', { status: 'ended', queuedAt: at(0), acceptedAt: at(10), endedAt: at(190), wrapUpSeconds: 30, rating: 6, agentId: 'a1', segment: 'A' }),
  contact('answered-late', { status: 'ended', queuedAt: at(5), acceptedAt: at(35), endedAt: at(155), agentId: 'a2', segment: 'B' }),
  contact('abandoned', { status: 'abandoned', queuedAt: at(20), endedAt: at(50), segment: 'A' }),
  contact('in-conversation', { status: 'accepted', queuedAt: at(30), acceptedAt: at(50), agentId: 'a1', channel: 'voice' }),
  contact('waiting', { status: 'queued', queuedAt: at(40) }),
  contact('identifying', { status: 'arrived', createdAt: at(45) }),
  contact('transferred', { status: 'ended', queuedAt: at(60), acceptedAt: at(61), endedAt: at(361), rating: 9, transfers: 1, agentId: 'a2', segment: 'A' }),
  // Left before it was even queued: it still counts as offered and abandoned.
  contact('left-early', { status: 'abandoned', createdAt: at(70), endedAt: at(72), segment: 'C' }),
];

describe('summarise', () => {
  it('computes the figures exactly as by hand', () => {
    const summary = summarise(scenario, () => 20);
    expect(summary).toMatchObject({
      offered: 7,
      answered: 4,
      answeredWithinThreshold: 3,
      abandoned: 2,
      handled: 3,
      transfers: 1,
      ratings: 2,
    });
    expect(summary.serviceLevel).toBe(3 / 6);
    expect(summary.abandonRate).toBe(2 / 6);
    expect(summary.asaSeconds).toBe((10 + 30 + 20 + 1) / 4);
    // (180 + 30 wrap-up) + 120 + 300
    expect(summary.ahtSeconds).toBe(630 / 3);
    expect(summary.satisfaction).toBe(7.5);
  });

  it('uses each queue’s own threshold', () => {
    const strict = summarise(scenario, () => 5);
    expect(strict.answeredWithinThreshold).toBe(1);
    const lenient = summarise(scenario, () => 30);
    expect(lenient.answeredWithinThreshold).toBe(4);
  });

  it('measures a contact with a response due time against that time instead', () => {
    const email = (id: string, acceptedAfter: number) =>
      contact(id, { channel: 'email', status: 'accepted', queuedAt: at(0), acceptedAt: at(acceptedAfter), dueSeconds: 3600 });
    const summary = summarise([email('in-time', 3599), email('late', 3601)], () => 20);
    expect(summary.answeredWithinThreshold).toBe(1);
    expect(summary.serviceLevel).toBe(0.5);
  });

  it('has no ratios without answered or abandoned contacts', () => {
    const summary = summarise([contact('w', { queuedAt: at(0) })], () => 20);
    expect(summary).toMatchObject({ offered: 1, serviceLevel: null, asaSeconds: null, ahtSeconds: null, abandonRate: null, satisfaction: null });
  });
});

describe('tallies', () => {
  it('group by any key and merge back to the whole', () => {
    const bySegment = tallyBy(scenario, (c) => c.segment ?? 'unknown', () => 20);
    expect([...bySegment.keys()].sort()).toEqual(['A', 'B', 'C', 'unknown']);
    expect(bySegment.get('A')).toMatchObject({ offered: 3, answered: 2, abandoned: 1 });
    expect(ratesOf(bySegment.get('A')!).serviceLevel).toBe(2 / 3);
    const merged = [...bySegment.values()].reduce(mergeTallies, emptyTally());
    const whole = scenario.reduce((tally, c) => addContact(tally, c, 20), emptyTally());
    expect(merged).toEqual(whole);
  });

  it('leave out contacts whose key is null', () => {
    const byAgent = tallyBy(scenario, (c) => c.agentId, () => 20);
    expect([...byAgent.keys()].sort()).toEqual(['a1', 'a2']);
    expect(byAgent.get('a2')).toMatchObject({ answered: 2, handled: 2, handleSeconds: 420 });
  });
});

describe('queue over time', () => {
  it('counts who waited at an instant', () => {
    // At 25 s: answered-late (waits until 35) and abandoned (20–50).
    expect(waitingAt(scenario, at(25))).toBe(2);
    // At 45 s: abandoned (20–50), in-conversation (30–50) and waiting (since 40).
    expect(waitingAt(scenario, at(45))).toBe(3);
    expect(waitingAt(scenario, at(-1))).toBe(0);
  });

  it('knows the current queue', () => {
    expect(queueNow(scenario, at(100))).toEqual({ waiting: 1, longestWaitSeconds: 60 });
    expect(queueNow([], at(100))).toEqual({ waiting: 0, longestWaitSeconds: 0 });
  });
});
