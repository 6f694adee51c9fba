import { describe, expect, it } from 'vitest';
import { RoutingBoard, type BoardAgent, type BoardContact } from './board.ts';
import { IndexedHeap } from './heap.ts';
import { plainStep } from './rules.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const seconds = (n: number) => n * 1000;

function board(queues: Array<{ id: string; agingWeight?: number; maxWaitSeconds?: number }>, voiceBlocks = false): RoutingBoard {
  const routing = new RoutingBoard();
  for (const queue of queues) routing.setQueue({ id: queue.id, channels: ['voice', 'chat', 'email'], agingWeight: queue.agingWeight ?? 0, maxWaitSeconds: queue.maxWaitSeconds ?? 600 }, NOW);
  routing.setVoiceBlocks(voiceBlocks, NOW);
  return routing;
}

function agent(id: string, overrides: Partial<BoardAgent> = {}): BoardAgent {
  return {
    id,
    state: 'available',
    queues: ['support'],
    skills: {},
    capacity: { voice: 1, chat: 2, email: 2, fax: 0 },
    load: { voice: 0, chat: 0, email: 0, fax: 0 },
    idleSince: NOW - seconds(60),
    wrapUpUntil: 0,
    ...overrides,
  };
}

function contact(id: string, overrides: Partial<BoardContact> = {}): BoardContact {
  return { id, channel: 'chat', priority: 10, queuedAt: NOW - seconds(10), stepIndex: 0, step: plainStep('support', 'test'), stickyAgentId: null, excluded: new Set(), ...overrides };
}

describe('the routing board', () => {
  it('lets a low-priority contact overtake a fresher high-priority one once aging has made up the difference', () => {
    // Weight 0.5 per second: 20 points of priority are worth 40 seconds of waiting.
    const routing = board([{ id: 'support', agingWeight: 0.5 }]);
    routing.upsertAgent(agent('x', { load: { voice: 0, chat: 2, email: 0, fax: 0 } }), NOW);
    routing.upsertContact(contact('c-customer', { priority: 10, queuedAt: NOW - seconds(50) }));
    routing.upsertContact(contact('a-customer', { priority: 30, queuedAt: NOW - seconds(5) }));
    routing.upsertAgent(agent('x'), NOW);
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('c-customer');
    routing.upsertContact(contact('c-customer', { priority: 10, queuedAt: NOW - seconds(30) }));
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('a-customer');
  });

  it('serves a contact past the maximum wait before any other, oldest first, whatever the priorities', () => {
    const routing = board([{ id: 'support', maxWaitSeconds: 60 }]);
    routing.upsertAgent(agent('x'), NOW);
    routing.upsertContact(contact('vip', { priority: 100, queuedAt: NOW - seconds(1) }));
    routing.upsertContact(contact('overdue-young', { priority: 10, queuedAt: NOW - seconds(61) }));
    routing.upsertContact(contact('overdue-old', { priority: 0, queuedAt: NOW - seconds(90) }));
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('overdue-old');
    routing.removeContact('overdue-old');
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('overdue-young');
    routing.removeContact('overdue-young');
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('vip');
  });

  it('ranks the contacts of all an agent’s queues together', () => {
    const routing = board([{ id: 'support' }, { id: 'billing' }]);
    routing.upsertAgent(agent('x', { queues: ['support', 'billing'] }), NOW);
    routing.upsertContact(contact('support-low', { priority: 10 }));
    routing.upsertContact(contact('billing-high', { priority: 20, step: plainStep('billing', 'test') }));
    routing.upsertContact(contact('elsewhere', { priority: 99, step: plainStep('sales', 'test') }));
    expect(routing.nextContactFor('x', 'chat', NOW)?.id).toBe('billing-high');
  });

  it('chooses the last agent, then a preferred one, then the highest skill, then the longest idle', () => {
    const routing = board([{ id: 'support' }]);
    routing.upsertAgent(agent('idle-longest', { skills: { technical: 3 }, idleSince: NOW - seconds(900) }), NOW);
    routing.upsertAgent(agent('expert', { skills: { technical: 5 }, idleSince: NOW - seconds(10) }), NOW);
    routing.upsertAgent(agent('novice', { skills: { technical: 1 }, idleSince: NOW - seconds(2000) }), NOW);
    routing.upsertAgent(agent('last', { idleSince: NOW }), NOW);
    const skilled = { ...plainStep('support', 'test'), skills: { technical: 3 } };
    routing.upsertContact(contact('plain'));
    routing.upsertContact(contact('skilled', { step: skilled }));
    routing.upsertContact(contact('returning', { stickyAgentId: 'last', step: skilled }));
    routing.upsertContact(contact('preferred', { step: { ...skilled, preferredAgents: ['novice'] } }));
    expect(routing.chooseAgent('plain', NOW)).toMatchObject({ agentId: 'novice', why: 'longest idle' });
    expect(routing.chooseAgent('skilled', NOW)).toMatchObject({ agentId: 'expert', why: 'highest skill, then longest idle' });
    expect(routing.chooseAgent('skilled', NOW).others).toContainEqual({ agentId: 'novice', reason: 'technical 1 < 3' });
    expect(routing.chooseAgent('returning', NOW)).toMatchObject({ agentId: 'last', why: "the customer's last agent" });
    expect(routing.chooseAgent('preferred', NOW)).toMatchObject({ agentId: 'novice', why: 'a preferred agent' });

    routing.upsertAgent(agent('last', { state: 'away' }), NOW);
    const next = routing.chooseAgent('returning', NOW);
    expect(next).toMatchObject({ agentId: 'expert' });
    expect(next.considered[0]).toEqual({ agentId: 'last', outcome: "passed over (the customer's last agent): away" });
  });

  it('never offers a contact to an agent it was offered to before', () => {
    const routing = board([{ id: 'support' }]);
    routing.upsertAgent(agent('first', { idleSince: NOW - seconds(100) }), NOW);
    routing.upsertAgent(agent('second'), NOW);
    routing.upsertContact(contact('c', { excluded: new Set(['first']) }));
    expect(routing.chooseAgent('c', NOW).agentId).toBe('second');
    expect(routing.nextContactFor('first', 'chat', NOW)).toBeNull();
    routing.upsertContact(contact('c', { excluded: new Set(['first', 'second']) }));
    expect(routing.chooseAgent('c', NOW)).toMatchObject({ agentId: null, why: 'every free agent was already offered this contact' });
  });

  it('respects capacity per channel, wrap-up, and a call blocking other channels when configured', () => {
    const routing = board([{ id: 'support' }], true);
    routing.upsertAgent(agent('x', { load: { voice: 0, chat: 2, email: 0, fax: 0 } }), NOW);
    expect(routing.readyChannels('x', NOW)).toEqual(['voice', 'email']);
    routing.upsertAgent(agent('x', { load: { voice: 1, chat: 0, email: 0, fax: 0 } }), NOW);
    expect(routing.readyChannels('x', NOW)).toEqual([]);
    routing.setVoiceBlocks(false, NOW);
    expect(routing.readyChannels('x', NOW)).toEqual(['chat', 'email']);
    routing.upsertAgent(agent('x', { wrapUpUntil: NOW + seconds(30) }), NOW);
    expect(routing.readyChannels('x', NOW)).toEqual([]);
    expect(routing.readyChannels('x', NOW + seconds(31))).toEqual(['voice', 'chat', 'email']);
  });

  it('offers a contact transferred to one agent to that agent only, even outside the queue', () => {
    const routing = board([{ id: 'support' }, { id: 'sales' }]);
    routing.upsertAgent(agent('member'), NOW);
    routing.upsertAgent(agent('expert', { queues: ['sales'] }), NOW);
    routing.upsertContact(contact('transferred', { step: { ...plainStep('support', 'transfer'), agent: 'expert' } }));
    expect(routing.nextContactFor('member', 'chat', NOW)).toBeNull();
    expect(routing.nextContactFor('expert', 'chat', NOW)?.id).toBe('transferred');
    expect(routing.chooseAgent('transferred', NOW)).toMatchObject({ agentId: 'expert', why: 'transferred to this agent' });
  });

  it('prefers a free agent who speaks the contact’s language, requires one where the step says so, and says who does not', () => {
    const routing = board([{ id: 'support' }]);
    routing.upsertAgent(agent('norwegian', { languages: ['nb', 'en'], skills: { technical: 5 }, idleSince: NOW - seconds(900) }), NOW);
    routing.upsertAgent(agent('dane', { languages: ['da'], skills: { technical: 3 }, idleSince: NOW - seconds(10) }), NOW);
    routing.upsertContact(contact('danish', { language: 'da' }));
    routing.upsertContact(contact('danish-skilled', { language: 'da', step: { ...plainStep('support', 'test'), skills: { technical: 3 } } }));
    routing.upsertContact(contact('swedish', { language: 'sv' }));
    routing.upsertContact(contact('returning', { language: 'da', stickyAgentId: 'norwegian' }));
    const danish = routing.chooseAgent('danish', NOW);
    expect(danish).toMatchObject({ agentId: 'dane', why: 'speaks da, longest idle' });
    expect(danish.considered).toContainEqual(expect.objectContaining({ agentId: 'norwegian', outcome: 'passed over: does not speak da' }));
    expect(danish.others).toEqual([{ agentId: 'norwegian', reason: 'does not speak da' }]);
    // Language before skill level: the more skilled agent does not speak it.
    expect(routing.chooseAgent('danish-skilled', NOW)).toMatchObject({ agentId: 'dane', why: 'speaks da, highest skill, then longest idle' });
    // Nobody speaks it: preferred falls back to the longest idle.
    const swedish = routing.chooseAgent('swedish', NOW);
    expect(swedish).toMatchObject({ agentId: 'norwegian', why: 'longest idle' });
    expect(swedish.considered).toContainEqual(expect.objectContaining({ agentId: 'norwegian', outcome: 'chosen: longest idle (no free agent speaks sv)' }));
    // The last agent goes first only when they speak it or no speaker is free.
    expect(routing.chooseAgent('returning', NOW)).toMatchObject({ agentId: 'dane' });

    const required = { ...plainStep('support', 'test'), language: 'required' as const };
    routing.upsertContact(contact('must-be-danish', { language: 'da', step: required }));
    expect(routing.nextContactFor('norwegian', 'chat', NOW)?.id).not.toBe('must-be-danish');
    routing.upsertAgent(agent('dane', { languages: ['da'], state: 'away' }), NOW);
    expect(routing.chooseAgent('must-be-danish', NOW)).toMatchObject({ agentId: null, why: 'no free agent of the queue speaks da (required)' });
    expect(routing.chooseAgent('danish', NOW)).toMatchObject({ agentId: 'norwegian', why: 'longest idle' });
    expect(routing.hasEligibleAgent(required, 'chat', new Set(), 'da')).toBe(true);
    routing.removeAgent('dane');
    expect(routing.hasEligibleAgent(required, 'chat', new Set(), 'da')).toBe(false);
    expect(routing.hasEligibleAgent(plainStep('support', 'test'), 'chat', new Set(), 'da')).toBe(true);
  });

  it('knows when no signed-in agent could ever take a target', () => {
    const routing = board([{ id: 'support' }]);
    routing.upsertAgent(agent('away', { state: 'away', skills: { technical: 4 } }), NOW);
    const seniors = { ...plainStep('support', 'test'), skills: { technical: 5 } };
    expect(routing.hasEligibleAgent({ ...seniors, skills: { technical: 4 } }, 'chat', new Set())).toBe(true);
    expect(routing.hasEligibleAgent(seniors, 'chat', new Set())).toBe(false);
    expect(routing.hasEligibleAgent({ ...seniors, skills: {} }, 'chat', new Set(['away']))).toBe(false);
  });
});

describe('the indexed heap', () => {
  it('keeps its order through random inserts, changes and removals, and lists items best first', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const heap = new IndexedHeap<{ id: string; key: number }>((item) => item.id, (a, b) => a.key < b.key);
    const model = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const id = `i${Math.floor(random() * 300)}`;
      if (random() < 0.3) {
        heap.remove(id);
        model.delete(id);
      } else {
        const key = Math.floor(random() * 1_000);
        heap.upsert({ id, key });
        model.set(id, key);
      }
    }
    const expected = [...model.values()].sort((a, b) => a - b);
    expect([...heap.ordered()].map((item) => item.key)).toEqual(expected);
    expect(heap.peek()?.key).toBe(expected[0]);
    expect(heap.size).toBe(model.size);
  });
});
