import type { Channel } from '@sentral/contract';
import { IndexedHeap } from './heap.ts';
import type { PlanStep } from './rules.ts';

/**
 * The router's picture of who is free and who is waiting, held in memory so a decision costs the
 * same with ten agents or ten thousand: free agents sit in heaps per (queue, channel) ordered by
 * idle time, per (queue, channel, language) by idle time, and per (queue, channel, skill) by level
 * then idle time; waiting contacts sit in groups per (queue, channel, requirement), each with a
 * rank heap and an age heap (a required language is part of the requirement). The board
 * decides; the database confirms (see claim.ts), so a stale board can waste a try but never
 * exceed a capacity or offer a contact twice.
 */

export const CHANNELS: readonly Channel[] = ['voice', 'chat', 'email', 'fax'];

export interface BoardAgent {
  id: string;
  state: 'available' | 'away' | 'offline';
  queues: readonly string[];
  skills: Readonly<Record<string, number>>;
  /** Languages the agent serves customers in (nb, da, en). */
  languages?: readonly string[];
  capacity: Readonly<Record<Channel, number>>;
  /** Contacts offered to or accepted by the agent, per channel. */
  load: Readonly<Record<Channel, number>>;
  /** Epoch ms; the longest idle agent is preferred. */
  idleSince: number;
  /** Epoch ms until which the agent wraps up; 0 when not. */
  wrapUpUntil: number;
}

export interface BoardContact {
  id: string;
  channel: Channel;
  /** Segment priority plus the step's priority. */
  priority: number;
  /** Epoch ms: aging counts from here. */
  queuedAt: number;
  stepIndex: number;
  step: PlanStep;
  stickyAgentId: string | null;
  excluded: ReadonlySet<string>;
  /** The customer's language on this contact; null: any agent. */
  language?: string | null;
}

export interface BoardQueue {
  id: string;
  channels: readonly Channel[];
  agingWeight: number;
  maxWaitSeconds: number;
}

export interface CandidateTrace {
  agentId: string;
  outcome: string;
  skill?: number;
  idleSeconds?: number;
}

export interface AgentChoice {
  agentId: string | null;
  /** Why the winner won, or why there is none. */
  why: string;
  considered: CandidateTrace[];
  pool: { queue: string; channel: Channel; signedIn: number; ready: number };
  /** For small pools: every other signed-in member of the queue and why they were not chosen. */
  others?: Array<{ agentId: string; reason: string }>;
}

const MAX_TRACED = 20;
const MAX_SKILL_SCAN = 64;
const SMALL_POOL = 25;

const poolKey = (queue: string, channel: Channel) => `${queue}|${channel}`;
const skillKey = (queue: string, channel: Channel, skill: string) => `${queue}|${channel}|${skill}`;
const languageKey = (queue: string, channel: Channel, language: string) => `${queue}|${channel}|${language}`;

/** The language a contact must be served in, when its step requires one. */
const requiredLanguage = (contact: BoardContact): string | null => (contact.language && contact.step.language === 'required' ? contact.language : null);
const speaks = (agent: BoardAgent, language: string) => agent.languages?.includes(language) ?? false;

function requirementKey(step: PlanStep, language: string | null): string {
  const skills = Object.entries(step.skills)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([skill, level]) => `${skill}>=${level}`)
    .join(',');
  return language ? `${skills};speaks=${language}` : skills;
}

const idleOrder = (a: BoardAgent, b: BoardAgent) => a.idleSince < b.idleSince || (a.idleSince === b.idleSince && a.id < b.id);

class WaitingGroup {
  readonly byRank: IndexedHeap<BoardContact>;
  readonly byAge = new IndexedHeap<BoardContact>((c) => c.id, (a, b) => a.queuedAt < b.queuedAt || (a.queuedAt === b.queuedAt && a.id < b.id));

  constructor(
    readonly queue: BoardQueue,
    readonly channel: Channel,
    readonly skills: Readonly<Record<string, number>>,
    readonly agent: string | null,
    readonly language: string | null = null,
  ) {
    // With one aging weight per queue, priority + weight × waited orders contacts the same at
    // every moment as priority − weight × queuedAt: the heap never needs re-sorting as time passes.
    const weight = queue.agingWeight / 1000;
    const key = (c: BoardContact) => c.priority - weight * c.queuedAt;
    this.byRank = new IndexedHeap<BoardContact>(
      (c) => c.id,
      (a, b) => key(a) > key(b) || (key(a) === key(b) && (a.queuedAt < b.queuedAt || (a.queuedAt === b.queuedAt && a.id < b.id))),
    );
  }

  get size(): number {
    return this.byRank.size;
  }

  add(contact: BoardContact): void {
    this.byRank.upsert(contact);
    this.byAge.upsert(contact);
  }

  remove(id: string): void {
    this.byRank.remove(id);
    this.byAge.remove(id);
  }

  /** The contact this agent should take next from the group: the oldest overdue one, else the best ranked. */
  bestFor(agentId: string, now: number): BoardContact | null {
    const maxWait = this.queue.maxWaitSeconds * 1000;
    // Usually the tops decide: look at them before walking either heap.
    const oldest = this.byAge.peek();
    const best = this.byRank.peek();
    if (oldest && !oldest.excluded.has(agentId) && (now - oldest.queuedAt >= maxWait || (best && !best.excluded.has(agentId)))) {
      return now - oldest.queuedAt >= maxWait ? oldest : best!;
    }
    for (const contact of this.byAge.ordered()) {
      if (contact.excluded.has(agentId)) continue;
      if (now - contact.queuedAt >= maxWait) return contact;
      break;
    }
    for (const contact of this.byRank.ordered()) {
      if (!contact.excluded.has(agentId)) return contact;
    }
    return null;
  }
}

export class RoutingBoard {
  readonly #agents = new Map<string, BoardAgent>();
  readonly #contacts = new Map<string, { contact: BoardContact; group: WaitingGroup }>();
  readonly #queues = new Map<string, BoardQueue>();
  readonly #members = new Map<string, Set<string>>();
  readonly #groups = new Map<string, Map<string, WaitingGroup>>();
  /** Contacts transferred to one agent, by agent and channel: that agent need not be in the queue. */
  readonly #direct = new Map<string, WaitingGroup>();
  readonly #readyByIdle = new Map<string, IndexedHeap<BoardAgent>>();
  readonly #readyBySkill = new Map<string, IndexedHeap<BoardAgent>>();
  readonly #readyByLanguage = new Map<string, IndexedHeap<BoardAgent>>();
  readonly #heapsOf = new Map<string, IndexedHeap<BoardAgent>[]>();
  #voiceBlocks = false;

  get agentCount(): number {
    return this.#agents.size;
  }

  get waitingCount(): number {
    return this.#contacts.size;
  }

  agent(id: string): BoardAgent | undefined {
    return this.#agents.get(id);
  }

  contact(id: string): BoardContact | undefined {
    return this.#contacts.get(id)?.contact;
  }

  queue(id: string): BoardQueue | undefined {
    return this.#queues.get(id);
  }

  agents(): IterableIterator<BoardAgent> {
    return this.#agents.values();
  }

  contacts(): BoardContact[] {
    return [...this.#contacts.values()].map((entry) => entry.contact);
  }

  setVoiceBlocks(blocks: boolean, now: number): void {
    if (blocks === this.#voiceBlocks) return;
    this.#voiceBlocks = blocks;
    for (const agent of [...this.#agents.values()]) this.upsertAgent(agent, now);
  }

  /** Adds or changes a queue; a new aging weight re-sorts its waiting contacts. */
  setQueue(queue: BoardQueue, now: number): void {
    const previous = this.#queues.get(queue.id);
    this.#queues.set(queue.id, queue);
    const reshaped =
      !previous || previous.agingWeight !== queue.agingWeight || previous.maxWaitSeconds !== queue.maxWaitSeconds || previous.channels.join() !== queue.channels.join();
    if (!reshaped) return;
    const affected = [...this.#contacts.values()].filter((entry) => entry.contact.step.queue === queue.id).map((entry) => entry.contact);
    for (const contact of affected) this.removeContact(contact.id);
    for (const key of [...this.#groups.keys()]) if (key.startsWith(`${queue.id}|`)) this.#groups.delete(key);
    for (const contact of affected) this.upsertContact(contact);
    // A copy: upsertAgent takes each member out of the set and puts it back, and a live Set iterator
    // visits re-added members again, forever.
    for (const member of [...(this.#members.get(queue.id) ?? [])]) {
      const agent = this.#agents.get(member);
      if (agent) this.upsertAgent(agent, now);
    }
  }

  // ---- agents -----------------------------------------------------------------------------

  isReady(agent: BoardAgent, channel: Channel, now: number): boolean {
    return (
      agent.state === 'available' &&
      agent.wrapUpUntil <= now &&
      agent.load[channel] < agent.capacity[channel] &&
      !(this.#voiceBlocks && channel !== 'voice' && agent.load.voice > 0)
    );
  }

  notReadyReason(agent: BoardAgent, channel: Channel, now: number): string | null {
    if (agent.state !== 'available') return agent.state;
    if (agent.wrapUpUntil > now) return `wrapping up for ${Math.ceil((agent.wrapUpUntil - now) / 1000)} s more`;
    if (agent.capacity[channel] === 0) return `takes no ${channel}`;
    if (agent.load[channel] >= agent.capacity[channel]) return `at capacity on ${channel} (${agent.load[channel]}/${agent.capacity[channel]})`;
    if (this.#voiceBlocks && channel !== 'voice' && agent.load.voice > 0) return 'on a call';
    return null;
  }

  /** Adds, changes or (when offline) removes an agent, and files them under every pool they are free for. */
  upsertAgent(agent: BoardAgent, now: number): void {
    this.removeAgent(agent.id);
    if (agent.state === 'offline') return;
    this.#agents.set(agent.id, agent);
    const heaps: IndexedHeap<BoardAgent>[] = [];
    for (const queueId of agent.queues) {
      let members = this.#members.get(queueId);
      if (!members) this.#members.set(queueId, (members = new Set()));
      members.add(agent.id);
      const queue = this.#queues.get(queueId);
      if (!queue) continue;
      for (const channel of queue.channels) {
        if (!this.isReady(agent, channel, now)) continue;
        const idle = this.#idleHeap(queueId, channel);
        idle.upsert(agent);
        heaps.push(idle);
        for (const language of agent.languages ?? []) {
          const byLanguage = this.#languageHeap(queueId, channel, language);
          byLanguage.upsert(agent);
          heaps.push(byLanguage);
        }
        for (const skill of Object.keys(agent.skills)) {
          const bySkill = this.#readyBySkill.get(skillKey(queueId, channel, skill));
          if (!bySkill) continue;
          bySkill.upsert(agent);
          heaps.push(bySkill);
        }
      }
    }
    this.#heapsOf.set(agent.id, heaps);
  }

  removeAgent(id: string): void {
    const agent = this.#agents.get(id);
    if (!agent) return;
    for (const heap of this.#heapsOf.get(id) ?? []) heap.remove(id);
    this.#heapsOf.delete(id);
    for (const queueId of agent.queues) this.#members.get(queueId)?.delete(id);
    this.#agents.delete(id);
  }

  /** Channels on which the agent could take one more contact right now. */
  readyChannels(agentId: string, now: number): Channel[] {
    const agent = this.#agents.get(agentId);
    return agent ? CHANNELS.filter((channel) => this.isReady(agent, channel, now)) : [];
  }

  #idleHeap(queue: string, channel: Channel): IndexedHeap<BoardAgent> {
    const key = poolKey(queue, channel);
    let heap = this.#readyByIdle.get(key);
    if (!heap) this.#readyByIdle.set(key, (heap = new IndexedHeap((a) => a.id, idleOrder)));
    return heap;
  }

  /** Free agents of a pool who speak one language, by idle time (languages are few, so these are kept for all). */
  #languageHeap(queue: string, channel: Channel, language: string): IndexedHeap<BoardAgent> {
    const key = languageKey(queue, channel, language);
    let heap = this.#readyByLanguage.get(key);
    if (!heap) this.#readyByLanguage.set(key, (heap = new IndexedHeap((a) => a.id, idleOrder)));
    return heap;
  }

  /** Free agents of a pool by one skill, highest level first; built the first time a rule asks for it. */
  #skillHeap(queue: string, channel: Channel, skill: string): IndexedHeap<BoardAgent> {
    const key = skillKey(queue, channel, skill);
    let heap = this.#readyBySkill.get(key);
    if (heap) return heap;
    heap = new IndexedHeap<BoardAgent>(
      (a) => a.id,
      (a, b) => (a.skills[skill] ?? 0) > (b.skills[skill] ?? 0) || ((a.skills[skill] ?? 0) === (b.skills[skill] ?? 0) && idleOrder(a, b)),
    );
    this.#readyBySkill.set(key, heap);
    for (const agent of this.#idleHeap(queue, channel).values()) {
      if (agent.skills[skill] === undefined) continue;
      heap.upsert(agent);
      this.#heapsOf.get(agent.id)?.push(heap);
    }
    return heap;
  }

  // ---- contacts ---------------------------------------------------------------------------

  upsertContact(contact: BoardContact): void {
    this.removeContact(contact.id);
    const queue = this.#queues.get(contact.step.queue) ?? { id: contact.step.queue, channels: [contact.channel], agingWeight: 0, maxWaitSeconds: 86_400 };
    let group: WaitingGroup | undefined;
    if (contact.step.agent) {
      const key = poolKey(contact.step.agent, contact.channel);
      group = this.#direct.get(key);
      if (!group) this.#direct.set(key, (group = new WaitingGroup(queue, contact.channel, {}, contact.step.agent)));
    } else {
      const key = poolKey(queue.id, contact.channel);
      let groups = this.#groups.get(key);
      if (!groups) this.#groups.set(key, (groups = new Map()));
      const language = requiredLanguage(contact);
      const requirement = requirementKey(contact.step, language);
      group = groups.get(requirement);
      if (!group) groups.set(requirement, (group = new WaitingGroup(queue, contact.channel, contact.step.skills, null, language)));
    }
    group.add(contact);
    this.#contacts.set(contact.id, { contact, group });
  }

  removeContact(id: string): void {
    const entry = this.#contacts.get(id);
    if (!entry) return;
    entry.group.remove(id);
    this.#contacts.delete(id);
  }

  /** Waiting contacts of one queue, any channel. */
  waitingIn(queue: string): number {
    let count = 0;
    for (const [key, groups] of this.#groups) if (key.startsWith(`${queue}|`)) for (const group of groups.values()) count += group.size;
    return count;
  }

  rank(contact: BoardContact, now: number): number {
    const queue = this.#queues.get(contact.step.queue);
    return contact.priority + ((queue?.agingWeight ?? 0) * (now - contact.queuedAt)) / 1000;
  }

  overdue(contact: BoardContact, now: number): boolean {
    const queue = this.#queues.get(contact.step.queue);
    return queue !== undefined && now - contact.queuedAt >= queue.maxWaitSeconds * 1000;
  }

  /** True when `a` should be served before `b`: overdue first (oldest first), then rank, then age. */
  serveFirst(a: BoardContact, b: BoardContact, now: number): boolean {
    const aOver = this.overdue(a, now);
    const bOver = this.overdue(b, now);
    if (aOver !== bOver) return aOver;
    if (!aOver) {
      const diff = this.rank(a, now) - this.rank(b, now);
      if (diff !== 0) return diff > 0;
    }
    return a.queuedAt < b.queuedAt || (a.queuedAt === b.queuedAt && a.id < b.id);
  }

  /** The waiting contact this agent should be offered next on one channel, across all their queues. */
  nextContactFor(agentId: string, channel: Channel, now: number): BoardContact | null {
    const agent = this.#agents.get(agentId);
    if (!agent || !this.isReady(agent, channel, now)) return null;
    let best: BoardContact | null = this.#direct.get(poolKey(agentId, channel))?.bestFor(agentId, now) ?? null;
    for (const queueId of agent.queues) {
      const groups = this.#groups.get(poolKey(queueId, channel));
      if (!groups) continue;
      for (const group of groups.values()) {
        if (group.size === 0) continue;
        if (!meetsSkills(agent, group.skills)) continue;
        if (group.language && !speaks(agent, group.language)) continue;
        const candidate = group.bestFor(agentId, now);
        if (candidate && (!best || this.serveFirst(candidate, best, now))) best = candidate;
      }
    }
    return best;
  }

  /**
   * The agent a waiting contact should be offered to now: the customer's last agent when free,
   * then the target's preferred agents, then the highest skill level, then the longest idle.
   */
  chooseAgent(contactId: string, now: number): AgentChoice {
    const contact = this.#contacts.get(contactId)?.contact;
    if (!contact) throw new Error(`contact ${contactId} is not waiting on the board`);
    const { step, channel } = contact;
    const idle = this.#idleHeap(step.queue, channel);
    const considered: CandidateTrace[] = [];
    const trace = (entry: CandidateTrace) => {
      if (considered.length < MAX_TRACED) considered.push(entry);
    };
    const choice = (agentId: string | null, why: string): AgentChoice => {
      const members = this.#members.get(step.queue) ?? new Set<string>();
      const result: AgentChoice = { agentId, why, considered, pool: { queue: step.queue, channel, signedIn: members.size, ready: idle.size } };
      // A small pool is explained member by member; a large one by its counts (the cost stays flat).
      if (members.size <= SMALL_POOL) {
        result.others = [...members].filter((id) => id !== agentId).map((id) => ({ agentId: id, reason: this.#passedOver(this.#agents.get(id)!, contact, now) }));
      }
      return result;
    };
    const idleSeconds = (agent: BoardAgent) => Math.max(0, Math.round((now - agent.idleSince) / 1000));
    const free = (agentId: string) => idle.get(agentId);

    if (step.agent) {
      const agent = this.#agents.get(step.agent);
      if (agent && this.isReady(agent, channel, now) && !contact.excluded.has(agent.id)) {
        trace({ agentId: agent.id, outcome: 'chosen: the agent it was transferred to' });
        return choice(agent.id, 'transferred to this agent');
      }
      trace({ agentId: step.agent, outcome: contact.excluded.has(step.agent) ? 'already offered this contact' : agent ? (this.notReadyReason(agent, channel, now) ?? 'not free') : 'offline' });
      return choice(null, 'the agent it was transferred to is not free');
    }

    // The contact's language: required (only speakers), or preferred (a free speaker goes first).
    const language = contact.language ?? null;
    const mode = language ? (step.language ?? 'preferred') : null;
    const silent = (agent: BoardAgent) => language !== null && !speaks(agent, language);
    const notSpoken = `does not speak ${language}`;
    // Whether some free agent of the pool speaks it and may take it: a bounded look at one heap's top.
    let speakerFree: boolean | null = null;
    const someSpeakerFree = () => {
      if (speakerFree !== null) return speakerFree;
      speakerFree = false;
      if (!language) return speakerFree;
      let looked = 0;
      for (const agent of this.#languageHeap(step.queue, channel, language).ordered()) {
        if (++looked > MAX_SKILL_SCAN) break;
        if (!contact.excluded.has(agent.id) && meetsSkills(agent, step.skills)) return (speakerFree = true);
      }
      return speakerFree;
    };

    const personal: Array<{ id: string; role: string }> = [
      ...(contact.stickyAgentId ? [{ id: contact.stickyAgentId, role: "the customer's last agent" }] : []),
      ...step.preferredAgents.map((id) => ({ id, role: 'a preferred agent' })),
    ];
    for (const { id, role } of personal) {
      const agent = free(id);
      if (agent && !contact.excluded.has(id) && !(silent(agent) && (mode === 'required' || someSpeakerFree()))) {
        trace({ agentId: id, outcome: `chosen: ${role}`, idleSeconds: idleSeconds(agent) });
        return choice(id, role);
      }
      const known = this.#agents.get(id);
      const reason = contact.excluded.has(id)
        ? 'already offered this contact'
        : !known
          ? 'offline'
          : !known.queues.includes(step.queue)
            ? `not in queue ${step.queue}`
            : (this.notReadyReason(known, channel, now) ?? (agent && silent(agent) ? notSpoken : 'not free'));
      trace({ agentId: id, outcome: `passed over (${role}): ${reason}` });
    }

    const required = Object.entries(step.skills);
    if (required.length === 0) {
      if (language) {
        // The longest idle speaker; the free agents idle longer who do not speak it are named in the trace.
        let speaker: BoardAgent | null = null;
        for (const agent of this.#languageHeap(step.queue, channel, language).ordered()) {
          if (contact.excluded.has(agent.id)) continue;
          speaker = agent;
          break;
        }
        if (speaker || mode === 'required') {
          let looked = 0;
          for (const agent of idle.ordered()) {
            if (agent === speaker || ++looked > MAX_TRACED) break;
            if (contact.excluded.has(agent.id)) trace({ agentId: agent.id, outcome: 'passed over: already offered this contact', idleSeconds: idleSeconds(agent) });
            else if (silent(agent)) trace({ agentId: agent.id, outcome: `passed over: ${notSpoken}`, idleSeconds: idleSeconds(agent) });
          }
        }
        if (speaker) {
          trace({ agentId: speaker.id, outcome: `chosen: speaks ${language}, longest idle`, idleSeconds: idleSeconds(speaker) });
          return choice(speaker.id, `speaks ${language}, longest idle`);
        }
        if (mode === 'required') return choice(null, `no free agent of the queue speaks ${language} (required)`);
      }
      for (const agent of idle.ordered()) {
        if (contact.excluded.has(agent.id)) {
          trace({ agentId: agent.id, outcome: 'passed over: already offered this contact', idleSeconds: idleSeconds(agent) });
          continue;
        }
        trace({ agentId: agent.id, outcome: language ? `chosen: longest idle (no free agent speaks ${language})` : 'chosen: longest idle', idleSeconds: idleSeconds(agent) });
        return choice(agent.id, 'longest idle');
      }
      return choice(null, idle.size === 0 ? 'no agent of the queue is free on this channel' : 'every free agent was already offered this contact');
    }

    // Walk the rarest required skill from the highest level down; speaking the contact's language
    // decides first, then the sum of the required levels, then idle time. Stop once no agent
    // further down could beat the best found, and after a bounded number either way.
    const [primary, primaryMin] = required
      .map(([skill, level]) => [skill, level] as const)
      .sort((a, b) => this.#skillHeap(step.queue, channel, a[0]).size - this.#skillHeap(step.queue, channel, b[0]).size)[0]!;
    let best: { agent: BoardAgent; score: number; speaks: boolean } | null = null;
    let scanned = 0;
    for (const agent of this.#skillHeap(step.queue, channel, primary).ordered()) {
      const level = agent.skills[primary] ?? 0;
      if (level < primaryMin) break;
      if (best && (best.speaks || !language) && level + 5 * (required.length - 1) < best.score) break;
      if (++scanned > MAX_SKILL_SCAN) break;
      if (contact.excluded.has(agent.id)) {
        trace({ agentId: agent.id, outcome: 'passed over: already offered this contact' });
        continue;
      }
      const missing = required.find(([skill, min]) => (agent.skills[skill] ?? 0) < min);
      if (missing) {
        trace({ agentId: agent.id, outcome: `passed over: ${missing[0]} ${agent.skills[missing[0]] ?? 0} < ${missing[1]}` });
        continue;
      }
      const score = required.reduce((sum, [skill]) => sum + (agent.skills[skill] ?? 0), 0);
      const speaking = !silent(agent);
      if (!speaking && mode === 'required') {
        trace({ agentId: agent.id, outcome: `passed over: ${notSpoken}`, skill: score });
        continue;
      }
      trace({ agentId: agent.id, outcome: speaking ? 'eligible' : `eligible, but ${notSpoken}`, skill: score, idleSeconds: idleSeconds(agent) });
      const better =
        !best ||
        (speaking && !best.speaks) ||
        (speaking === best.speaks && (score > best.score || (score === best.score && idleOrder(agent, best.agent))));
      if (better) best = { agent, score, speaks: speaking };
    }
    if (!best) {
      const needs = required.map(([skill, min]) => `${skill} ≥ ${min}`).join(' and ');
      return choice(null, mode === 'required' ? `no free agent of the queue has ${needs} and speaks ${language}` : `no free agent of the queue has ${needs}`);
    }
    const why = language && best.speaks ? `speaks ${language}, highest skill, then longest idle` : 'highest skill, then longest idle';
    const winner = considered.find((entry) => entry.agentId === best.agent.id);
    if (winner) winner.outcome = `chosen: ${why}`;
    for (const entry of considered) {
      if (language && best.speaks && entry.outcome === `eligible, but ${notSpoken}`) entry.outcome = `passed over: ${notSpoken}`;
    }
    return choice(best.agent.id, why);
  }

  #passedOver(agent: BoardAgent, contact: BoardContact, now: number): string {
    const unready = this.notReadyReason(agent, contact.channel, now);
    if (unready) return unready;
    if (contact.excluded.has(agent.id)) return 'already offered this contact';
    if (contact.step.agent) return 'not the agent it was transferred to';
    const missing = Object.entries(contact.step.skills).find(([skill, min]) => (agent.skills[skill] ?? 0) < min);
    if (missing) return `${missing[0]} ${agent.skills[missing[0]] ?? 0} < ${missing[1]}`;
    if (contact.language && !speaks(agent, contact.language)) return `does not speak ${contact.language}`;
    return 'free, ranked lower';
  }

  /** Books the decision on the board before the database confirms it. */
  reserve(contactId: string, agentId: string, now: number): void {
    const contact = this.#contacts.get(contactId)?.contact;
    const agent = this.#agents.get(agentId);
    this.removeContact(contactId);
    if (!contact || !agent) return;
    this.upsertAgent({ ...agent, load: { ...agent.load, [contact.channel]: agent.load[contact.channel] + 1 }, idleSince: now }, now);
  }

  /** Whether any signed-in agent (free or not) could ever take the contact in this step. */
  hasEligibleAgent(step: PlanStep, channel: Channel, excluded: ReadonlySet<string>, language: string | null = null): boolean {
    const mustSpeak = language && step.language === 'required' && !step.agent ? language : null;
    const eligible = (agent: BoardAgent | undefined) =>
      agent !== undefined && agent.capacity[channel] > 0 && !excluded.has(agent.id) && (!mustSpeak || speaks(agent, mustSpeak));
    if (step.agent) return eligible(this.#agents.get(step.agent));
    const queue = this.#queues.get(step.queue);
    if (queue && !queue.channels.includes(channel)) return false;
    for (const id of this.#members.get(step.queue) ?? []) {
      const agent = this.#agents.get(id);
      if (eligible(agent) && meetsSkills(agent!, step.skills)) return true;
    }
    return false;
  }
}

function meetsSkills(agent: BoardAgent, skills: Readonly<Record<string, number>>): boolean {
  for (const skill in skills) if ((Object.hasOwn(agent.skills, skill) ? agent.skills[skill]! : 0) < skills[skill]!) return false;
  return true;
}
