import pg from 'pg';
import type { Channel, ContactOffer } from '@sentral/contract';
import { advisoryLocks, Prisma, type Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { recordEvent } from '../contacts/messages.ts';
import { RoutingBoard, type AgentChoice, type BoardAgent, type BoardContact } from './board.ts';
import { claimOffers, recordDecisions, type ClaimedOffer, type Decision } from './claim.ts';
import { IndexedHeap } from './heap.ts';
import { isOpen } from './hours.ts';
import { presentOffer } from './offers.ts';
import { createPlanner, type Planner } from './planner.ts';
import { queuePlaces } from './queue-position.ts';
import { loadQueueSettings, type QueueSettings } from './queue-settings.ts';
import { createRuleBook, type RuleBook } from './rule-store.ts';
import { plainStep, withOverflow, type PlanStep } from './rules.ts';

/** Payloads on this channel come from the triggers in the routing migration: c:<contact>, a:<agent>, q:<queue>, r:<version>. */
export const ROUTING_CHANNEL = 'sentral_routing';
// Decisions confirmed in one claim transaction.
const CLAIM_BATCH = 200;
// How often the router compares its picture with the database, as a backstop for lost notifications.
const CHECK_EVERY_MS = 10_000;
// Queue places are pushed at most this often per queue while the queue moves.
const ANNOUNCE_EVERY_MS = 1_000;
// Customers this near the front hear every change of place; those further back at most every RETELL_MS.
const FRONT_OF_LINE = 50;
const RETELL_MS = 30_000;
// A kick asks for a pass over every free agent; notifications carry the real changes, so one pass a second is plenty.
const KICK_PASS_MS = 1_000;
// Added to the priority of a contact whose first-response deadline (email, fax) passed while it waited.
export const ESCALATION_PRIORITY = 50;

/**
 * The routing engine as the rest of the hub uses it (`Dispatcher` in dispatcher.ts). Every process
 * can call these; one worker process at a time holds the router role and makes the decisions.
 */
export interface RoutingEngine {
  /** Where a newly identified contact goes (rules, opening hours, the customer's last agent). */
  readonly planner: Planner;
  /** The routing rules in force, versioned. */
  readonly rules: RuleBook;
  /** Asks for a matching pass. Resolves at once: routing happens in the router process. */
  kick(): Promise<void>;
  /** Withdraws offers whose time ran out and puts their contacts back in line. */
  expireOffers(): Promise<number>;
  /** Sends the waiting customers of a queue their place in line (only changed places). */
  announceQueue(queueId: string): Promise<void>;
  /** Sends one waiting customer their place in line. */
  announceContact(contactId: string): Promise<void>;
  /** Re-sends an agent's pending offers, e.g. after a reconnect. */
  pendingOffersFor(agentId: string): Promise<ContactOffer[]>;
  /** Resolves when no matching round or offer delivery is in flight (used by shutdown). */
  settle(): Promise<void>;
  /** Starts competing for the router role; only worker processes call it. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether this process holds the router role now. */
  isRouting(): boolean;
}

interface Plan {
  steps: PlanStep[];
  step: number;
  stepStartedAt: number;
  basePriority: number;
  held: boolean;
}

interface ContactRow {
  id: string;
  status: string;
  channel: Channel;
  language: string | null;
  queueId: string;
  queuedAt: Date | null;
  createdAt: Date;
  plan: unknown;
  step: number | null;
  stepStartedAt: Date | null;
  basePriority: number | null;
  priority: number;
  stickyAgentId: string | null;
  heldUntilOpen: boolean | null;
  excludedAgents: string[] | null;
  offered: string[];
  /** Email and fax: when the first answer is due, unless it was given or the contact was escalated in this wait already. */
  responseDueAt: Date | null;
}

interface AgentRow {
  id: string;
  state: BoardAgent['state'];
  skills: unknown;
  languages: string[];
  capacityVoice: number;
  capacityChat: number;
  capacityEmail: number;
  capacityFax: number;
  idleSince: Date;
  queues: string[];
  load: Partial<Record<Channel, number>>;
  wrapUpUntil: Date | null;
}

const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));

export function createRoutingEngine(deps: {
  db: Database;
  databaseUrl: string;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  sweepMs: number;
}): RoutingEngine {
  const { db, notifier, logger, metrics } = deps;
  const rules = createRuleBook(db, logger);
  const planner = createPlanner({ db, rules, notifier });

  // ---- router state (only meaningful while this process holds the router lock) ------------
  let board = new RoutingBoard();
  let plans = new Map<string, Plan>();
  let queues = new Map<string, QueueSettings>();
  let held = new Map<string, string>(); // contact → queue, waiting for the queue to open
  let tracedWaiting = new Map<string, number>(); // contact → step whose "no agent" was recorded
  let voiceBlocks = false;
  const deadlines = new IndexedHeap<{ id: string; at: number }>((d) => d.id, (a, b) => a.at < b.at);
  let deadlineTimer: NodeJS.Timeout | null = null;

  const pending = { contacts: new Set<string>(), agents: new Set<string>(), queues: new Set<string>(), rules: false, all: false, full: false };
  let lockClient: pg.Client | null = null;
  let routing = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const inFlight = new Set<Promise<unknown>>();
  let timers: NodeJS.Timeout[] = [];
  let mismatches = 0;
  let lastKickPass = 0;

  const track = <T>(work: Promise<T>) => {
    const tracked = work.catch((error: unknown) => logger.warn({ err: error }, 'routing follow-up failed')).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  // ---- loading ------------------------------------------------------------------------------

  async function loadQueues(ids?: string[]): Promise<void> {
    const loaded = await loadQueueSettings(db, ids);
    const now = Date.now();
    if (!ids) queues = new Map();
    for (const id of ids ?? []) if (!loaded.has(id)) queues.delete(id);
    for (const settings of loaded.values()) {
      queues.set(settings.id, settings);
      board.setQueue({ id: settings.id, channels: settings.channels, agingWeight: settings.agingWeight, maxWaitSeconds: settings.maxWaitSeconds }, now);
    }
  }

  async function loadRules(): Promise<void> {
    const active = await rules.current();
    voiceBlocks = active.ruleSet.settings.voiceBlocksOtherChannels;
    board.setVoiceBlocks(voiceBlocks, Date.now());
  }

  /** Agents with their queues, load per channel and wrap-up, in one query (this runs on every change of an agent). */
  async function loadAgents(ids: string[] | null): Promise<string[]> {
    const filter = ids ? Prisma.sql`a.id = ANY(${ids}::uuid[])` : Prisma.sql`a.state <> 'offline'`;
    const rows = await db.$queryRaw<AgentRow[]>`
      SELECT a.id::text AS id, a.state::text AS state, a.skills, a.languages, a."capacityVoice", a."capacityChat", a."capacityEmail", a."capacityFax", a."idleSince",
             ARRAY(SELECT aq."queueId" FROM "AgentQueue" aq WHERE aq."agentId" = a.id) AS queues,
             (SELECT COALESCE(jsonb_object_agg(l.channel, l.n), '{}'::jsonb) FROM (
                SELECT c.channel::text AS channel, count(*)::int AS n FROM "Contact" c
                WHERE c."agentId" = a.id AND c.status IN ('offered', 'accepted') GROUP BY 1) l) AS load,
             (SELECT max(c."endedAt" + make_interval(secs => COALESCE(qr."wrapUpSeconds", 0)))
                FROM "Contact" c LEFT JOIN "QueueRouting" qr ON qr."queueId" = c."queueId"
                WHERE c."agentId" = a.id AND c.status = 'ended' AND c.disposition IS NULL AND c."endedAt" > now() - interval '1 hour') AS "wrapUpUntil"
      FROM "Agent" a WHERE ${filter}`;
    const now = Date.now();
    const found = byId(rows);
    for (const id of ids ?? []) if (!found.has(id)) board.removeAgent(id);
    for (const row of rows) {
      const wrapUpUntil = row.wrapUpUntil?.getTime() ?? 0;
      board.upsertAgent(
        {
          id: row.id,
          state: row.state,
          queues: row.queues,
          skills: (row.skills ?? {}) as Record<string, number>,
          languages: row.languages ?? [],
          capacity: { voice: row.capacityVoice, chat: row.capacityChat, email: row.capacityEmail, fax: row.capacityFax },
          load: { voice: 0, chat: 0, email: 0, fax: 0, ...row.load },
          idleSince: row.idleSince.getTime(),
          wrapUpUntil,
        },
        now,
      );
      if (wrapUpUntil > now) setDeadline(`a:${row.id}`, wrapUpUntil);
    }
    return rows.map((row) => row.id);
  }

  async function loadContacts(ids: string[] | null): Promise<string[]> {
    const filter = ids ? Prisma.sql`c.id = ANY(${ids}::uuid[])` : Prisma.sql`c.status = 'queued'`;
    const rows = await db.$queryRaw<ContactRow[]>`
      SELECT c.id::text AS id, c.status::text AS status, c.channel::text AS channel, c.language, c."queueId", c."queuedAt", c."createdAt", c.priority,
             cr.plan, cr.step, cr."stepStartedAt", cr."basePriority", cr."stickyAgentId"::text AS "stickyAgentId", cr."heldUntilOpen",
             cr."excludedAgents"::text[] AS "excludedAgents",
             ARRAY(SELECT o."agentId"::text FROM "Offer" o WHERE o."contactId" = c.id
                   AND o."createdAt" >= COALESCE(cr."planStartedAt", '-infinity'::timestamp)) AS offered,
             CASE WHEN c."firstResponseDueAt" IS NOT NULL AND c."firstRespondedAt" IS NULL AND NOT EXISTS (
                    SELECT 1 FROM "RoutingDecision" d WHERE d."contactId" = c.id AND d.kind = 'escalated' AND d.at >= COALESCE(c."queuedAt", c."createdAt"))
                  THEN c."firstResponseDueAt" END AS "responseDueAt"
      FROM "Contact" c LEFT JOIN "ContactRouting" cr ON cr."contactId" = c.id
      WHERE ${filter}`;
    const found = byId(rows);
    for (const id of ids ?? []) if (!found.has(id)) forget(id);
    const waiting: string[] = [];
    for (const row of rows) {
      if (row.status !== 'queued') {
        forget(row.id);
        continue;
      }
      if (await place(row)) waiting.push(row.id);
    }
    return waiting;
  }

  function forget(contactId: string): void {
    board.removeContact(contactId);
    plans.delete(contactId);
    held.delete(contactId);
    deadlines.remove(`e:${contactId}`);
    tracedWaiting.delete(contactId);
    deadlines.remove(`c:${contactId}`);
  }

  /** Puts a queued contact on the board at the right step; false while it waits for its queue to open. */
  async function place(row: ContactRow): Promise<boolean> {
    const now = Date.now();
    let plan: Plan = Array.isArray(row.plan)
      ? {
          steps: row.plan as PlanStep[],
          step: row.step ?? 0,
          stepStartedAt: row.stepStartedAt?.getTime() ?? now,
          basePriority: row.basePriority ?? row.priority,
          held: row.heldUntilOpen ?? false,
        }
      : { steps: [plainStep(row.queueId, 'the queue it waits in')], step: 0, stepStartedAt: now, basePriority: row.priority, held: false };
    if (plan.steps[plan.step]?.queue !== row.queueId) {
      // Moved by someone else (a supervisor, an older hub): it continues from the queue it is in now.
      const overflow = (await rules.current()).ruleSet.overflow;
      plan = { steps: withOverflow([plainStep(row.queueId, `moved to queue ${row.queueId}`)], overflow), step: 0, stepStartedAt: now, basePriority: row.basePriority ?? row.priority, held: false };
      await persistPlan(row.id, plan, { kind: 'replanned', data: { reason: `the contact was moved to queue ${row.queueId}`, steps: plan.steps } });
    }
    if (plan.held) {
      const queue = queues.get(row.queueId);
      if (queue && !isOpen(queue.hours, new Date(now))) {
        board.removeContact(row.id);
        plans.set(row.id, plan);
        held.set(row.id, row.queueId);
        return false;
      }
      plan.held = false;
      held.delete(row.id);
      await db.contactRouting.updateMany({ where: { contactId: row.id }, data: { heldUntilOpen: false } });
      await recordDecisions(db, [{ contactId: row.id, kind: 'opened', step: plan.step, data: { queue: row.queueId } }]);
    }
    const excluded = new Set([...(row.excludedAgents ?? []), ...row.offered]);
    plan = await advanceIfDue(row.id, row.channel, row.language, plan, excluded, now);
    if (row.responseDueAt && row.responseDueAt.getTime() <= now) plan = await escalate(row.id, plan, row.responseDueAt, now);
    else if (row.responseDueAt) setDeadline(`e:${row.id}`, row.responseDueAt.getTime());
    else deadlines.remove(`e:${row.id}`);
    plans.set(row.id, plan);
    const step = plan.steps[plan.step]!;
    board.upsertContact({
      id: row.id,
      channel: row.channel,
      priority: plan.basePriority + step.priority,
      queuedAt: (row.queuedAt ?? row.createdAt).getTime(),
      stepIndex: plan.step,
      step,
      stickyAgentId: row.stickyAgentId,
      excluded,
      language: row.language,
    });
    if (step.timeoutSeconds !== null && plan.step < plan.steps.length - 1) setDeadline(`c:${row.id}`, plan.stepStartedAt + step.timeoutSeconds * 1000);
    else deadlines.remove(`c:${row.id}`);
    return true;
  }

  /**
   * Moves past targets whose time ran out, and past targets no signed-in agent could ever take
   * (wrong skills, nobody logged in), so a contact never waits where nobody can serve it.
   */
  async function advanceIfDue(contactId: string, channel: Channel, language: string | null, plan: Plan, excluded: ReadonlySet<string>, now: number): Promise<Plan> {
    let { step, stepStartedAt } = plan;
    const moves: Array<{ from: number; to: number; reason: string }> = [];
    while (step < plan.steps.length - 1) {
      const current = plan.steps[step]!;
      const timedOut = current.timeoutSeconds !== null && stepStartedAt + current.timeoutSeconds * 1000 <= now;
      const unservable = !board.hasEligibleAgent(current, channel, excluded, language);
      if (!timedOut && !unservable) break;
      const reason = timedOut ? `no offer accepted within ${current.timeoutSeconds} s` : current.language === 'required' && language
          ? `no signed-in agent could take it (skills, channel, speaking ${language}, or nobody logged in)`
          : 'no signed-in agent could take it (skills, channel or nobody logged in)';
      moves.push({ from: step, to: step + 1, reason });
      step += 1;
      stepStartedAt = now;
    }
    if (moves.length === 0) return plan;
    const next = { ...plan, step, stepStartedAt };
    const target = next.steps[step]!;
    await db.$transaction(async (tx) => {
      await tx.contactRouting.upsert({
        where: { contactId },
        create: { contactId, plan: next.steps as unknown as Prisma.InputJsonValue, step, stepStartedAt: new Date(now), basePriority: next.basePriority },
        update: { step, stepStartedAt: new Date(now) },
      });
      await tx.contact.updateMany({
        where: { id: contactId, status: { in: ['queued', 'offered'] } },
        data: { queueId: target.queue, priority: next.basePriority + target.priority },
      });
      await recordDecisions(
        tx,
        moves.map((move) => ({ contactId, kind: 'step', step: move.to, data: { from: move.from, to: move.to, reason: move.reason, target: next.steps[move.to] } })),
      );
      if (plan.steps[plan.step]!.queue !== target.queue) await recordEvent(tx, contactId, 'overflowed', 'system', { from: plan.steps[plan.step]!.queue, to: target.queue });
    });
    return next;
  }

  /**
   * The first-response deadline passed while the contact waited: it moves on to its plan's next
   * target now (as a timeout would) and its priority rises, once per wait, recorded in the trace.
   */
  async function escalate(contactId: string, plan: Plan, dueAt: Date, now: number): Promise<Plan> {
    const moves = plan.step < plan.steps.length - 1;
    const next: Plan = { ...plan, basePriority: plan.basePriority + ESCALATION_PRIORITY, ...(moves ? { step: plan.step + 1, stepStartedAt: now } : {}) };
    const target = next.steps[next.step]!;
    const from = plan.steps[plan.step]!;
    const priority = { from: plan.basePriority + from.priority, to: next.basePriority + target.priority };
    await db.$transaction(async (tx) => {
      await tx.contactRouting.upsert({
        where: { contactId },
        create: { contactId, plan: next.steps as unknown as Prisma.InputJsonValue, step: next.step, stepStartedAt: new Date(next.stepStartedAt), basePriority: next.basePriority },
        update: { step: next.step, stepStartedAt: new Date(next.stepStartedAt), basePriority: next.basePriority },
      });
      await tx.contact.updateMany({ where: { id: contactId, status: { in: ['queued', 'offered'] } }, data: { queueId: target.queue, priority: priority.to } });
      const reason = `first response was due at ${dueAt.toISOString()}`;
      await recordDecisions(tx, [
        { contactId, kind: 'escalated', step: next.step, data: { reason, dueAt: dueAt.toISOString(), priority, ...(moves ? { from: plan.step, to: next.step, target } : {}) } },
      ]);
      await recordEvent(tx, contactId, 'escalated', 'system', { dueAt: dueAt.toISOString(), priority: priority.to, queueId: target.queue });
      if (from.queue !== target.queue) await recordEvent(tx, contactId, 'overflowed', 'system', { from: from.queue, to: target.queue });
    });
    return next;
  }

  async function persistPlan(contactId: string, plan: Plan, decision: { kind: string; data: Record<string, unknown> }): Promise<void> {
    await db.$transaction(async (tx) => {
      const data = { plan: plan.steps as unknown as Prisma.InputJsonValue, step: plan.step, stepStartedAt: new Date(plan.stepStartedAt), basePriority: plan.basePriority, heldUntilOpen: false };
      await tx.contactRouting.upsert({ where: { contactId }, create: { contactId, ...data }, update: data });
      await recordDecisions(tx, [{ contactId, kind: decision.kind, step: plan.step, data: decision.data }]);
    });
  }

  function setDeadline(id: string, at: number): void {
    deadlines.upsert({ id, at });
    armDeadlines();
  }

  function armDeadlines(): void {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    deadlineTimer = null;
    const first = deadlines.peek();
    if (!first || !routing) return;
    deadlineTimer = setTimeout(() => {
      deadlineTimer = null;
      schedule();
    }, Math.max(0, first.at - Date.now()) + 5);
    deadlineTimer.unref();
  }

  // ---- the routing loop --------------------------------------------------------------------

  function schedule(): void {
    if (!routing) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await tick();
        } while (again && routing);
      } catch (error) {
        logger.error({ err: error }, 'routing round failed; reloading');
        pending.full = true;
        setTimeout(schedule, 500).unref();
      } finally {
        running = null;
      }
    })();
  }

  async function tick(): Promise<void> {
    const touchedAgents = new Set<string>();
    const touchedContacts = new Set<string>();
    if (pending.full) {
      pending.full = false;
      pending.contacts.clear();
      pending.agents.clear();
      pending.queues.clear();
      pending.rules = false;
      board = new RoutingBoard();
      plans = new Map();
      held = new Map();
      tracedWaiting = new Map();
      for (const entry of [...deadlines.values()]) deadlines.remove(entry.id);
      await loadRules();
      await loadQueues();
      for (const id of await loadAgents(null)) touchedAgents.add(id);
      for (const id of await loadContacts(null)) touchedContacts.add(id);
      logger.info({ agents: board.agentCount, waiting: board.waitingCount, held: held.size }, 'routing picture loaded');
    }
    if (pending.rules) {
      pending.rules = false;
      await loadRules();
      pending.all = true;
    }
    if (pending.queues.size) {
      const ids = [...pending.queues];
      pending.queues.clear();
      await loadQueues(ids);
      pending.all = true;
    }
    if (pending.agents.size) {
      const ids = [...pending.agents];
      pending.agents.clear();
      for (const id of await loadAgents(ids)) touchedAgents.add(id);
    }
    if (pending.contacts.size) {
      const ids = [...pending.contacts];
      pending.contacts.clear();
      for (const id of await loadContacts(ids)) touchedContacts.add(id);
    }
    await dueDeadlines(touchedAgents, touchedContacts);
    if (pending.all) {
      pending.all = false;
      for (const agent of board.agents()) touchedAgents.add(agent.id);
    }
    await releaseOpenedQueues();

    const decisions = match(touchedAgents, touchedContacts, Date.now());
    for (let i = 0; i < decisions.length; i += CLAIM_BATCH) {
      const batch = decisions.slice(i, i + CLAIM_BATCH);
      const outcome = await claimOffers(db, batch, { voiceBlocksOtherChannels: voiceBlocks }).catch((error: unknown) => {
        // A claim that fails as a whole (a deadlock with an expiry, a dropped connection) changed nothing: try again fresh.
        logger.warn({ err: error, decisions: batch.length }, 'claim failed; reloading its contacts and agents');
        return { claimed: [], refused: batch.map((decision) => ({ decision, reason: 'the claim failed' })) };
      });
      for (const { decision, reason } of outcome.refused) {
        logger.debug({ contactId: decision.contactId, agentId: decision.agentId, reason }, 'claim refused; reloading both');
        pending.contacts.add(decision.contactId);
        pending.agents.add(decision.agentId);
      }
      // A refusal reloads the contact and agent; when nothing at all went through, pause briefly
      // rather than spin on a picture that disagrees with the database.
      if (outcome.refused.length && outcome.claimed.length) again = true;
      else if (outcome.refused.length) setTimeout(schedule, 100).unref();
      for (const offer of outcome.claimed) track(deliverOffer(offer));
    }
    const moved = new Set(decisions.map((decision) => decision.queueId));
    for (const id of touchedContacts) {
      const contact = board.contact(id);
      if (contact) moved.add(contact.step.queue);
    }
    announceMoved(moved);
    armDeadlines();
  }

  async function dueDeadlines(touchedAgents: Set<string>, touchedContacts: Set<string>): Promise<void> {
    const now = Date.now();
    for (;;) {
      const first = deadlines.peek();
      if (!first || first.at > now) return;
      deadlines.remove(first.id);
      const id = first.id.slice(2);
      if (first.id.startsWith('e:')) {
        const contact = board.contact(id);
        const plan = plans.get(id);
        if (!contact || !plan) continue;
        const next = await escalate(id, plan, new Date(first.at), now);
        plans.set(id, next);
        const step = next.steps[next.step]!;
        board.upsertContact({ ...contact, step, stepIndex: next.step, priority: next.basePriority + step.priority });
        if (step.timeoutSeconds !== null && next.step < next.steps.length - 1) setDeadline(`c:${id}`, next.stepStartedAt + step.timeoutSeconds * 1000);
        else deadlines.remove(`c:${id}`);
        touchedContacts.add(id);
        continue;
      }
      if (first.id.startsWith('a:')) {
        const agent = board.agent(id);
        if (agent) {
          board.upsertAgent(agent, now);
          touchedAgents.add(id);
        }
        continue;
      }
      const contact = board.contact(id);
      const plan = plans.get(id);
      if (!contact || !plan) continue;
      const next = await advanceIfDue(id, contact.channel, contact.language ?? null, plan, contact.excluded, now);
      plans.set(id, next);
      const step = next.steps[next.step]!;
      board.upsertContact({ ...contact, step, stepIndex: next.step, priority: next.basePriority + step.priority });
      if (step.timeoutSeconds !== null && next.step < next.steps.length - 1) setDeadline(`c:${id}`, next.stepStartedAt + step.timeoutSeconds * 1000);
      touchedContacts.add(id);
    }
  }

  /** Contacts that arrived while their queue was closed are let in when it opens. */
  async function releaseOpenedQueues(): Promise<void> {
    if (held.size === 0) return;
    const now = new Date();
    const opened = [...held].filter(([, queueId]) => {
      const queue = queues.get(queueId);
      return !queue || isOpen(queue.hours, now);
    });
    if (opened.length === 0) return;
    // Clearing the flag notifies this router like any other change; the contacts are placed then.
    await db.$transaction(async (tx) => {
      await tx.contactRouting.updateMany({ where: { contactId: { in: opened.map(([id]) => id) } }, data: { heldUntilOpen: false } });
      await recordDecisions(tx, opened.map(([contactId, queue]) => ({ contactId, kind: 'opened', step: plans.get(contactId)?.step ?? null, data: { queue } })));
    });
    for (const [id] of opened) held.delete(id);
  }

  function match(touchedAgents: Set<string>, touchedContacts: Set<string>, now: number): Decision[] {
    const decisions: Decision[] = [];
    const decide = (contact: BoardContact, choice: AgentChoice) => {
      const agentId = choice.agentId!;
      const queue = queues.get(contact.step.queue);
      decisions.push({
        contactId: contact.id,
        agentId,
        channel: contact.channel,
        queueId: contact.step.queue,
        step: contact.stepIndex,
        offerTimeoutSeconds: queue?.offerTimeoutSeconds ?? 20,
        trace: {
          why: choice.why,
          considered: choice.considered,
          pool: choice.pool,
          ...(choice.others ? { others: choice.others } : {}),
          target: contact.step,
          rank: Math.round(board.rank(contact, now) * 100) / 100,
          // The claim lands a moment later; this is the instant the ranking was made at.
          decidedAt: new Date(now).toISOString(),
          waitedSeconds: Math.round((now - contact.queuedAt) / 1000),
          overdue: board.overdue(contact, now),
        },
      });
      board.reserve(contact.id, agentId, now);
      tracedWaiting.delete(contact.id);
    };

    // Freed capacity first: each free agent takes the best-ranked contact they may serve, which
    // then goes to the best agent for it (its last agent, a preferred one, the most skilled).
    const agents = [...touchedAgents].map((id) => board.agent(id)).filter((agent): agent is BoardAgent => agent !== undefined);
    agents.sort((a, b) => a.idleSince - b.idleSince);
    for (const agent of agents) {
      let progress = true;
      while (progress) {
        progress = false;
        for (const channel of board.readyChannels(agent.id, now)) {
          const contact = board.nextContactFor(agent.id, channel, now);
          if (!contact) continue;
          const choice = board.chooseAgent(contact.id, now);
          if (!choice.agentId) continue;
          decide(contact, choice);
          progress = true;
        }
      }
    }

    // Then new or changed contacts, best first, to whoever is still free for them.
    const contacts = [...touchedContacts].map((id) => board.contact(id)).filter((contact): contact is BoardContact => contact !== undefined);
    contacts.sort((a, b) => (board.serveFirst(a, b, now) ? -1 : 1));
    const waiting: Parameters<typeof recordDecisions>[1] = [];
    for (const contact of contacts) {
      const choice = board.chooseAgent(contact.id, now);
      if (choice.agentId) {
        decide(contact, choice);
        continue;
      }
      if (tracedWaiting.get(contact.id) === contact.stepIndex) continue;
      tracedWaiting.set(contact.id, contact.stepIndex);
      waiting.push({ contactId: contact.id, kind: 'waiting', step: contact.stepIndex, data: { why: choice.why, considered: choice.considered, pool: choice.pool, ...(choice.others ? { others: choice.others } : {}), target: contact.step } });
    }
    if (waiting.length) track(recordDecisions(db, waiting));
    return decisions;
  }

  async function deliverOffer(offer: ClaimedOffer): Promise<void> {
    const presented = await presentOffer(db, {
      offerId: offer.offerId,
      contactId: offer.contactId,
      expiresAt: offer.expiresAt,
      channel: offer.channel,
      queueId: offer.queueId,
      priority: offer.contact.priority,
      subject: offer.contact.subject,
      from: offer.contact.from,
    });
    notifier.toAgent(offer.agentId, 'contact:offer', presented);
    // The channel learns of the offer too: a caller who asked to be called back is called now.
    await notifier.toCustomer(offer.channel, { kind: 'offered', contactId: offer.contactId, offerId: offer.offerId, agentId: offer.agentId, expiresAt: offer.expiresAt.toISOString() });
    metrics.offerLatency.observe({ channel: offer.channel }, (Date.now() - offer.contact.createdAt.getTime()) / 1000);
    metrics.contactTransitions.inc({ channel: offer.channel, state: 'offered' });
  }

  // ---- queue places -------------------------------------------------------------------------

  // What each waiting customer was last told, and when: a long line is not told every shuffle.
  const announced = new Map<string, { said: string; at: number }>();
  const announceAt = new Map<string, number>();
  const announceLater = new Map<string, NodeJS.Timeout>();

  /** Queues whose line moved in this round get their places pushed, at most once a second each. */
  function announceMoved(queueIds: Set<string>): void {
    for (const queueId of queueIds) {
      const last = announceAt.get(queueId) ?? 0;
      const wait = last + ANNOUNCE_EVERY_MS - Date.now();
      if (wait <= 0) {
        announceAt.set(queueId, Date.now());
        track(announceQueue(queueId));
      } else if (!announceLater.has(queueId)) {
        const timer = setTimeout(() => {
          announceLater.delete(queueId);
          announceAt.set(queueId, Date.now());
          track(announceQueue(queueId));
        }, wait);
        timer.unref();
        announceLater.set(queueId, timer);
      }
    }
  }

  /**
   * Tells waiting customers their place. A customer hears it when first placed and whenever it
   * changes near the front; further back, a change is told at most every RETELL_MS, so a line of
   * thousands costs a bounded number of messages per second.
   */
  async function tell(places: Awaited<ReturnType<typeof queuePlaces>>): Promise<void> {
    const now = Date.now();
    await Promise.all(
      places.map((place) => {
        const said = `${place.position}|${place.estimatedWaitSeconds}`;
        const before = announced.get(place.contactId);
        if (before && (before.said === said || (place.position > FRONT_OF_LINE && now - before.at < RETELL_MS))) return undefined;
        announced.set(place.contactId, { said, at: now });
        return notifier.toCustomer(place.channel as Channel, { kind: 'queue', contactId: place.contactId, position: place.position, estimatedWaitSeconds: place.estimatedWaitSeconds });
      }),
    );
    if (announced.size > 200_000) announced.clear();
  }

  async function announceQueue(queueId: string): Promise<void> {
    await tell(await queuePlaces(db, queueId));
  }

  async function announceContact(contactId: string): Promise<void> {
    const contact = await db.contact.findUnique({ where: { id: contactId }, select: { queueId: true, status: true } });
    if (!contact || (contact.status !== 'queued' && contact.status !== 'offered')) return;
    await tell(await queuePlaces(db, contact.queueId, contactId));
  }

  // ---- leadership ---------------------------------------------------------------------------

  function onNotification(payload: string | undefined): void {
    if (!payload) return;
    const kind = payload.slice(0, 2);
    const id = payload.slice(2);
    if (kind === 'c:') pending.contacts.add(id);
    else if (kind === 'a:') pending.agents.add(id);
    else if (kind === 'q:') pending.queues.add(id);
    else if (kind === 'r:') pending.rules = true;
    else pending.all = true;
    schedule();
  }

  async function tryToRoute(): Promise<void> {
    if (routing || stopped || lockClient) return;
    const client = new pg.Client({ connectionString: deps.databaseUrl });
    client.on('error', (error) => logger.warn({ err: error }, 'router connection error'));
    lockClient = client;
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [advisoryLocks.router]);
      if (!rows[0]?.locked || stopped) {
        await client.end();
        lockClient = null;
        return;
      }
      client.on('notification', (message) => onNotification(message.payload));
      client.on('end', () => stepDown('the router connection closed'));
      await client.query(`LISTEN ${ROUTING_CHANNEL}`);
      routing = true;
      pending.full = true;
      logger.info('this process routes contacts now');
      schedule();
    } catch (error) {
      logger.warn({ err: error }, 'could not compete for the router role');
      lockClient = null;
      await client.end().catch(() => undefined);
    }
  }

  function stepDown(reason: string): void {
    if (!routing && !lockClient) return;
    if (routing) logger.warn({ reason }, 'this process stopped routing');
    routing = false;
    lockClient = null;
    if (deadlineTimer) clearTimeout(deadlineTimer);
    deadlineTimer = null;
  }

  /** A backstop for lost notifications: the picture must hold as many waiting contacts and agents as the database. */
  async function check(): Promise<void> {
    if (!routing || running) return;
    const [row] = await db.$queryRaw<Array<{ queued: number; online: number }>>`
      SELECT (SELECT count(*)::int FROM "Contact" WHERE status = 'queued') AS queued,
             (SELECT count(*)::int FROM "Agent" WHERE state <> 'offline') AS online`;
    if (!row || running) return;
    const agrees = row.queued === board.waitingCount + held.size && row.online === board.agentCount;
    mismatches = agrees ? 0 : mismatches + 1;
    if (mismatches >= 2) {
      logger.warn({ database: row, board: { waiting: board.waitingCount, held: held.size, agents: board.agentCount } }, 'routing picture out of step; reloading');
      mismatches = 0;
      pending.full = true;
      schedule();
    }
  }

  const engine: RoutingEngine = {
    planner,
    rules,

    async kick() {
      // In another process the router learns of changes through the database's notifications already.
      if (!routing || Date.now() - lastKickPass < KICK_PASS_MS) return;
      lastKickPass = Date.now();
      pending.all = true;
      schedule();
    },

    async expireOffers() {
      const { ruleSet } = await rules.current();
      const limit = ruleSet.settings.missedOffersBeforeAway;
      const outcome = await db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ id: string; contactId: string; agentId: string }>>`
          UPDATE "Offer" SET status = 'expired', "pendingKey" = NULL, "respondedAt" = clock_timestamp()
          WHERE status = 'pending' AND "expiresAt" < now()
          RETURNING id::text AS id, "contactId"::text AS "contactId", "agentId"::text AS "agentId"`;
        for (const row of rows) {
          await tx.contact.updateMany({ where: { id: row.contactId, status: 'offered', agentId: row.agentId }, data: { status: 'queued', agentId: null } });
          await recordEvent(tx, row.contactId, 'expired', 'system', { offerId: row.id, agentId: row.agentId });
        }
        await recordDecisions(tx, rows.map((row) => ({ contactId: row.contactId, kind: 'expired', step: null, agentId: row.agentId, data: { offerId: row.id } })));
        // An agent who lets several offers in a row run out is not at the desk: set them away.
        const away: Array<{ agentId: string; since: Date }> = [];
        for (const agentId of [...new Set(rows.map((row) => row.agentId))].sort()) {
          const recent = await tx.$queryRaw<Array<{ status: string }>>`
            SELECT o.status::text AS status FROM "Offer" o JOIN "Agent" a ON a.id = o."agentId"
            WHERE o."agentId" = ${agentId}::uuid AND o.status <> 'pending' AND o."createdAt" >= a."stateSince"
            ORDER BY o."createdAt" DESC LIMIT ${limit}`;
          if (recent.length < limit || recent.some((offer) => offer.status !== 'expired')) continue;
          const [changed] = await tx.$queryRaw<Array<{ stateSince: Date }>>`
            UPDATE "Agent" SET state = 'away', "stateSince" = now() WHERE id = ${agentId}::uuid AND state = 'available' RETURNING "stateSince"`;
          if (!changed) continue;
          await tx.auditLog.create({ data: { actorId: agentId, action: 'agent.state', entity: 'agent', entityId: agentId, data: { state: 'away', actor: 'system:missed-offers', missed: limit } } });
          away.push({ agentId, since: changed.stateSince });
        }
        return { rows, away };
      });
      for (const row of outcome.rows) notifier.toAgent(row.agentId, 'contact:offer-withdrawn', { offerId: row.id, contactId: row.contactId, reason: 'expired' });
      for (const { agentId, since } of outcome.away) notifier.toAgent(agentId, 'agent:state', { state: 'away', since: since.toISOString() });
      return outcome.rows.length;
    },

    announceQueue,
    announceContact,

    async pendingOffersFor(agentId) {
      const offers = await db.offer.findMany({ where: { agentId, status: 'pending', expiresAt: { gt: new Date() } }, include: { contact: true } });
      return Promise.all(
        offers.map((offer) =>
          presentOffer(db, {
            offerId: offer.id,
            contactId: offer.contactId,
            expiresAt: offer.expiresAt,
            channel: offer.contact.channel as Channel,
            queueId: offer.contact.queueId,
            priority: offer.contact.priority,
            subject: offer.contact.subject,
            from: offer.contact.fromAddress,
          }),
        ),
      );
    },

    async settle() {
      while (running) await running;
      while (inFlight.size) await Promise.all([...inFlight]);
    },

    async start() {
      stopped = false;
      await tryToRoute();
      timers = [
        setInterval(() => void tryToRoute(), Math.max(deps.sweepMs, 250)),
        setInterval(() => void check().catch((error: unknown) => logger.warn({ err: error }, 'routing check failed')), CHECK_EVERY_MS),
        // Opening hours are checked as time passes, not only when something changes.
        setInterval(() => {
          if (routing && held.size) schedule();
        }, 1_000),
      ];
      for (const timer of timers) timer.unref();
    },

    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      timers = [];
      for (const timer of announceLater.values()) clearTimeout(timer);
      announceLater.clear();
      const client = lockClient;
      // No new round starts from here; the one under way finishes before the lock is given up.
      stepDown('stopping');
      await engine.settle();
      if (client) await client.end().catch(() => undefined);
    },

    isRouting: () => routing,
  };
  return engine;
}
