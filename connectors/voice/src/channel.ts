import { randomBytes } from 'node:crypto';
import {
  SentralError,
  type ConnectorLogger,
  type ContactIntake,
  type Language,
  type MonitorRequest,
  type OutboundEvent,
  type SelfServiceFinish,
  type SelfServicePorts,
} from '@sentral/contract';
import { agentIdentity, type CallControl } from './calls.ts';
import type { IvrFlow } from './flow.ts';
import type { FlowCache, LoadedFlow } from './flows.ts';
import { Ivr, type CallerInput } from './ivr.ts';
import { journeyText, say } from './prompts.ts';
import { CallSessions, SessionConflictError, type CallSession, type Loaded } from './session.ts';
import { TwimlWriter, type Line, type Turn, type VoiceUrls } from './twiml.ts';

/** The Twilio request parameters the channel reads (validated by the webhook layer). */
export interface CallParams {
  CallSid: string;
  From?: string | undefined;
  To?: string | undefined;
  CallStatus?: string | undefined;
  Digits?: string | undefined;
  SpeechResult?: string | undefined;
  AnsweredBy?: string | undefined;
  Result?: string | undefined;
  PaymentConfirmationCode?: string | undefined;
  PaymentError?: string | undefined;
}

export interface VoiceChannelDeps {
  ports: SelfServicePorts;
  intake: ContactIntake;
  calls: CallControl;
  urls: VoiceUrls;
  flows: FlowCache;
  logger: ConnectorLogger;
  now(): Date;
}

const finalStatuses = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
// The first wait turn gives the hub this long to place the call (a closed queue's notice first).
const PLACEMENT_WAIT_MS = 3_000;
const PLACEMENT_POLL_MS = 100;
// A notice with no end after it (the caller may wait for the opening) is spoken after this long.
const NOTICE_SETTLE_MS = 300;
/** How often the accepting agent's phone or browser is called; after that the caller stays on hold in the conference. */
const MAX_AGENT_ATTEMPTS = 2;
const STEP_ATTEMPTS = 5;

export class NoFlowError extends Error {
  override name = 'NoFlowError';
}

/**
 * Everything that happens to a call: Twilio's webhooks (incoming call, IVR steps, waiting,
 * bridging, status) and the hub's events (offered, accepted, ended, requeued). State lives in the
 * session store; TwiML is built from it on every request, so any hub process can answer any request.
 */
export class VoiceChannel {
  private readonly sessions: CallSessions;

  constructor(private readonly deps: VoiceChannelDeps) {
    this.sessions = new CallSessions(deps.ports.sessions);
  }

  // ---- the IVR ----------------------------------------------------------------------------------

  async incoming(params: CallParams): Promise<string> {
    // Independent reads at once: a caller hears the greeting one round trip sooner.
    const [existing, loaded, lookup] = await Promise.all([
      this.sessions.get(params.CallSid),
      this.flowFor(params.To ?? null),
      this.deps.ports.selfService.customersByPhone(params.From ?? null),
    ]);
    if (existing) return this.replay(existing, 0);
    // The call is a contact before the caller hears a word; Twilio's retries find the same one.
    const contactId = await this.openContact(params, loaded.flow, lookup.customers, lookup.confidence);
    const now = this.deps.now().toISOString();
    const draft: CallSession = {
      v: 1,
      callSid: params.CallSid,
      from: params.From ?? null,
      phone: lookup.phone,
      to: params.To ?? null,
      flowId: loaded.id,
      language: loaded.flow.defaultLanguage,
      seq: 0,
      awaiting: { kind: 'done' },
      misses: 0,
      identity: null,
      candidates: [],
      verification: null,
      journey: [],
      contactId,
      queueId: null,
      callback: { requested: false, callSid: null, placedAt: null, answered: false },
      activeCallSid: params.CallSid,
      bridge: null,
      notice: null,
      ended: false,
      lastReply: null,
      startedAt: now,
    };
    const turn = await this.ivr(loaded.flow).begin(draft, lookup.customers, lookup.confidence);
    const twiml = this.answered(loaded.flow, draft, turn, 0);
    const { created, loaded: stored } = await this.sessions.create(draft);
    // Two deliveries of the first request raced: both answer with what the winner stored.
    return created ? twiml : this.replay(stored, 0);
  }

  /** The caller answered a prompt. `seq` is the step the prompt belonged to. */
  async step(params: CallParams, seq: number): Promise<string> {
    for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
      const loaded = await this.sessions.get(params.CallSid);
      if (!loaded) return this.incoming(params);
      const session = loaded.session;
      if (session.lastReply?.seq === seq || session.seq !== seq) return this.replay(loaded, seq);
      const { flow } = await this.flowFor(session.to);
      const draft = structuredClone(session);
      const turn = await this.ivr(flow).input(draft, callerInput(params));
      const twiml = this.answered(flow, draft, turn, seq);
      if (await this.sessions.replace(loaded, draft)) {
        // The contact's journey grows with the call; a handover carried it already.
        if (draft.queueId === null && draft.journey.length > session.journey.length) await this.shareJourney(draft);
        return twiml;
      }
    }
    throw new SessionConflictError(`step ${seq} of call ${params.CallSid} kept conflicting`);
  }

  /** Bumps the step and remembers the answer, so a retried request gets the very same answer. */
  private answered(flow: IvrFlow, draft: CallSession, turn: Turn, seq: number): string {
    draft.seq = seq + 1;
    const twiml = this.writer(flow).turn(turn, draft.seq, draft.contactId ? this.deps.urls.wait(draft.contactId, true) : null);
    draft.lastReply = { seq, twiml };
    return twiml;
  }

  /** A repeated request gets the answer it got the first time; a late one hears the current prompt again. */
  private async replay(loaded: Loaded, seq: number): Promise<string> {
    const session = loaded.session;
    if (session.lastReply?.seq === seq) return session.lastReply.twiml;
    const { flow } = await this.flowFor(session.to);
    const turn = await this.ivr(flow).reprompt(structuredClone(session), []);
    return this.writer(flow).turn(turn, session.seq, session.contactId ? this.deps.urls.wait(session.contactId, true) : null);
  }

  // ---- waiting, call-back and bridging ------------------------------------------------------------

  async wait(params: CallParams, contactId: string, first = false): Promise<string> {
    let loaded = await this.sessionOf(params, contactId);
    if (!loaded) return this.writer(null).hangup([]);
    // A caller's first turn in line waits for the hub to place the call, so one for a closed queue
    // hears that it is closed first, not a wait prompt and then the closed notice on the next turn.
    if (first) loaded = await this.placedByHub(params, contactId, loaded);
    const session = loaded.session;
    const { flow } = await this.flowFor(session.to);
    const writer = this.writer(flow);
    const line = (text: string): Line => ({ text, language: session.language });
    const notice = await this.takeNotice(session);
    if (session.ended) return writer.hangup([...notice.map(line), line(say.goodbye[session.language]())]);
    if (session.bridge) return writer.conference([line(say.connecting[session.language]())], session.bridge.conference, 'customer', this.deps.urls.after(contactId));

    if (params.Digits === '1' && (session.callback.requested || this.canCallBack(flow, session))) {
      const updated = await this.sessions.update(session.callSid, (draft) => {
        if (draft.callback.requested) return null;
        draft.callback.requested = true;
        this.note(draft, 'callback', journeyText.callbackRequested[draft.language]());
        return draft;
      });
      if (updated?.changed) await this.shareJourney(updated.session);
      return writer.hangup([line(say.callbackConfirmed[session.language]())]);
    }

    const place = await this.deps.intake.queueStatus(contactId);
    const announcement = place ? say.queuePosition[session.language](place.position, place.estimatedWaitSeconds) : say.holdOn[session.language]();
    return writer.wait(
      [...notice.map(line), line(announcement)],
      this.canCallBack(flow, session) ? [line(say.callbackOffer[session.language]())] : [],
      this.deps.urls.wait(contactId),
      flow.waiting.announceEverySeconds,
      flow.waiting.musicUrl,
    );
  }

  /**
   * Waits (briefly, bounded) until the hub has placed the contact in line, connected it, or ended
   * it; a notice without an end (a closed queue that keeps the caller waiting) is final after a moment.
   */
  private async placedByHub(params: CallParams, contactId: string, loaded: Loaded): Promise<Loaded> {
    const deadline = Date.now() + PLACEMENT_WAIT_MS;
    let noticeSince: number | null = null;
    for (;;) {
      const { session } = loaded;
      if (session.ended || session.bridge) return loaded;
      if (session.notice) noticeSince ??= Date.now();
      if (noticeSince !== null && Date.now() - noticeSince >= NOTICE_SETTLE_MS) return loaded;
      if (Date.now() >= deadline || (await this.deps.intake.queueStatus(contactId)) !== null) return loaded;
      await new Promise((resolve) => setTimeout(resolve, PLACEMENT_POLL_MS));
      loaded = (await this.sessionOf(params, contactId)) ?? loaded;
    }
  }

  private canCallBack(flow: IvrFlow, session: CallSession): boolean {
    return flow.waiting.callback && session.phone !== null && session.to !== null && !session.callback.requested;
  }

  /** The customer's leg, moved here by REST when an agent accepted. */
  async connect(params: CallParams, contactId: string): Promise<string> {
    const loaded = await this.sessionOf(params, contactId);
    if (!loaded) return this.writer(null).hangup([]);
    const session = loaded.session;
    const { flow } = await this.flowFor(session.to);
    if (!session.bridge) return this.writer(flow).redirect(this.deps.urls.wait(contactId));
    return this.writer(flow).conference(
      [{ text: say.connecting[session.language](), language: session.language }],
      session.bridge.conference,
      'customer',
      this.deps.urls.after(contactId),
    );
  }

  /** The agent's leg answered: a whisper of who is calling, then the conference. */
  async agentLeg(_params: CallParams, contactId: string): Promise<string> {
    const loaded = await this.sessions.byContact(contactId);
    const session = loaded?.session;
    const flow = session ? (await this.flowFor(session.to)).flow : null;
    if (!session?.bridge) return this.writer(flow).hangup([]);
    return this.writer(flow).conference(
      [{ text: say.callFrom[session.language](session.identity?.name ?? null), language: session.language }],
      session.bridge.conference,
      'agent',
      null,
    );
  }

  /** The customer answered our call back. */
  async callbackAnswered(params: CallParams, contactId: string): Promise<string> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded) return this.writer(null).hangup([]);
    const { flow } = await this.flowFor(loaded.session.to);
    if (params.AnsweredBy && /^(machine|fax)/.test(params.AnsweredBy)) {
      // A voicemail cannot wait for an agent; the status callback that follows ends the contact.
      return this.writer(flow).hangup([]);
    }
    const updated = await this.sessions.update(loaded.session.callSid, (draft) => {
      if (draft.callback.answered && draft.activeCallSid === params.CallSid) return null;
      draft.callback.answered = true;
      draft.activeCallSid = params.CallSid;
      this.note(draft, 'callback', journeyText.callbackAnswered[draft.language]());
      return draft;
    });
    if (!updated) return this.writer(flow).hangup([]);
    if (updated.changed) await this.shareJourney(updated.session);
    const session = updated.session;
    const greeting = { text: say.callbackGreeting[session.language](), language: session.language };
    return session.bridge
      ? this.writer(flow).conference([greeting], session.bridge.conference, 'customer', this.deps.urls.after(contactId))
      : this.writer(flow).redirect(this.deps.urls.wait(contactId), [greeting]);
  }

  /**
   * The call is over for the customer: the agent hung up or ended the contact, or the hub closed it.
   * A caller who talked to an agent is asked for a 1–10 rating before goodbye.
   */
  async after(_params: CallParams, contactId: string): Promise<string> {
    const loaded = await this.sessions.byContact(contactId);
    const language: Language = loaded?.session.language ?? 'nb';
    const flow = loaded ? (await this.flowFor(loaded.session.to)).flow : null;
    const notice = loaded ? await this.takeNotice(loaded.session) : [];
    if (loaded?.session.bridge && notice.length === 0 && this.deps.intake.rateContact) {
      return this.writer(flow).survey({ text: say.surveyQuestion[language](), language }, { text: say.goodbye[language](), language }, this.deps.urls.survey(contactId));
    }
    return this.writer(flow).hangup([...notice, say.goodbye[language]()].map((text) => ({ text, language })));
  }

  /** The caller's rating from the keypad, handed to the hub as the caller's own (checked against their number there). */
  async survey(params: CallParams, contactId: string): Promise<string> {
    const loaded = await this.sessions.byContact(contactId);
    const language: Language = loaded?.session.language ?? 'nb';
    const flow = loaded ? (await this.flowFor(loaded.session.to)).flow : null;
    const score = Number(params.Digits ?? '');
    const lines: Line[] = [];
    if (loaded?.session.from && Number.isInteger(score) && score >= 1 && score <= 10 && this.deps.intake.rateContact) {
      try {
        await this.deps.intake.rateContact(contactId, loaded.session.from, score);
        lines.push({ text: say.surveyThanks[language](), language });
      } catch (error) {
        // Already rated, or not this caller's contact: the caller just hears goodbye.
        this.deps.logger.info({ contactId, reason: (error as Error).message }, 'rating not taken');
      }
    }
    return this.writer(flow).hangup([...lines, { text: say.goodbye[language](), language }]);
  }

  /** The session of a contact's call; the caller's own leg names it directly, a called-back leg through the contact. */
  private async sessionOf(params: CallParams, contactId: string): Promise<Loaded | null> {
    const direct = await this.sessions.get(params.CallSid);
    return direct?.session.contactId === contactId ? direct : this.sessions.byContact(contactId);
  }

  /** The hub's message to a waiting caller, said once. */
  private async takeNotice(session: CallSession): Promise<string[]> {
    if (!session.notice) return [];
    const taken = await this.sessions.update(session.callSid, (draft) => {
      if (!draft.notice) return null;
      draft.notice = null;
      return draft;
    });
    return taken?.changed && session.notice ? [session.notice] : [];
  }

  /** Twilio's call status callbacks: the customer hung up (abandoned or ended), a call back or an agent leg failed. */
  async status(params: CallParams, leg: { leg: 'agent' | 'callback'; contactId: string; dial?: string | null } | null): Promise<void> {
    if (!params.CallStatus || !finalStatuses.has(params.CallStatus)) return;
    const status = params.CallStatus;
    if (leg?.leg === 'agent') {
      if (status !== 'completed') await this.agentMissed(params.CallSid, leg.contactId, status, leg.dial ?? null);
      return;
    }
    if (leg?.leg === 'callback') {
      const loaded = await this.sessions.byContact(leg.contactId);
      if (loaded) {
        const updated = await this.sessions.update(loaded.session.callSid, (draft) => {
          if (draft.ended) return null;
          draft.ended = true;
          if (!draft.callback.answered) this.note(draft, 'callback', journeyText.callbackMissed[draft.language](status));
          return draft;
        });
        if (updated?.changed) await this.shareJourney(updated.session);
      }
      await this.deps.intake.customerEnded(leg.contactId);
      return;
    }
    const updated = await this.sessions.update(params.CallSid, (draft) => {
      // A caller who asked to be called back hangs up on purpose and keeps their place.
      if (draft.ended || draft.callback.requested) return null;
      draft.ended = true;
      return draft;
    });
    if (!updated?.changed || !updated.session.contactId) return;
    const session = updated.session;
    if (session.queueId === null && this.deps.intake.finishSelfService) {
      await this.deps.intake.finishSelfService(session.contactId!, selfServiceEnd(session));
      return;
    }
    await this.deps.intake.customerEnded(session.contactId!);
  }

  /** Opens the call's contact in self-service (when the hub offers it) and remembers which call it is. */
  private async openContact(params: CallParams, flow: IvrFlow, customers: Array<{ id: string }>, confidence: number): Promise<string | null> {
    if (!this.deps.intake.openSelfService) return null;
    const [only] = customers;
    const opened = await this.deps.intake.openSelfService({
      channel: 'voice',
      externalId: params.CallSid,
      from: params.From ?? null,
      to: params.To ?? null,
      language: flow.defaultLanguage,
      identified: customers.length === 1 && only ? { customerId: only.id, method: 'phone', confidence } : null,
    });
    await this.sessions.link(opened.contactId, params.CallSid);
    return opened.contactId;
  }

  /**
   * The agent's phone or browser did not take the call (a browser reconnecting, a busy phone): it
   * is called once more, while the caller waits on hold in the conference.
   */
  private async agentMissed(agentCallSid: string, contactId: string, status: string, dial: string | null): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded) return;
    const retry = await this.sessions.update(loaded.session.callSid, (draft) => {
      const bridge = draft.bridge;
      if (!bridge || draft.ended || bridge.attempts >= MAX_AGENT_ATTEMPTS) return null;
      // Each attempt is dialled once under its own token, so the token alone names it, even before the
      // call's sid is recorded. Legs dialled without one (before tokens existed) are matched by sid.
      if (dial ? bridge.dial !== dial : bridge.agentCallSid !== agentCallSid) return null;
      bridge.attempts += 1;
      bridge.agentCallSid = null;
      bridge.dial = newDialToken();
      return draft;
    });
    this.deps.logger.warn({ contactId, status, retrying: Boolean(retry?.changed) }, 'the agent leg of a call was not answered');
    if (retry?.changed && retry.session.bridge) await this.dialAgent(retry.session, contactId, retry.session.bridge.agentId);
  }

  /** A safe answer from memory only, for when the hub cannot serve the call. */
  fallback(params: Pick<CallParams, 'To'>): string {
    const loaded = this.deps.flows.peek(params.To ?? null);
    const languages: Language[] = loaded ? [loaded.flow.defaultLanguage, ...loaded.flow.languages.filter((l) => l !== loaded.flow.defaultLanguage)] : ['nb', 'da', 'en'];
    return this.writer(loaded?.flow ?? null).fallback(languages);
  }

  // ---- supervision ----------------------------------------------------------------------------

  /**
   * Calls a supervisor into a connected call's conference: muted to listen, as the agent's coach
   * to whisper (only the agent hears them), or as a full participant to barge in. They are called
   * where the agent would be: their own phone number when they have one, else their browser.
   */
  async monitor(request: MonitorRequest): Promise<{ participantId: string }> {
    const loaded = await this.sessions.byContact(request.contactId);
    const bridge = loaded?.session.bridge;
    if (!loaded || !bridge || loaded.session.ended) throw new SentralError('CONFLICT', 'the call is not connected to an agent');
    if (request.mode === 'whisper' && !bridge.agentCallSid) throw new SentralError('CONFLICT', 'the agent is not on the call yet');
    const from = loaded.session.to;
    if (!from) throw new SentralError('CONFLICT', 'no number to call the supervisor from');
    const number = await this.deps.ports.agents.voiceNumber(request.supervisor.id);
    const participantId = await this.deps.calls.joinConference(bridge.conference, {
      to: number ?? `client:${agentIdentity(request.supervisor.id)}`,
      from,
      muted: request.mode === 'listen',
      coachCallSid: request.mode === 'whisper' ? bridge.agentCallSid : null,
      label: `supervisor-${request.mode}`,
    });
    return { participantId };
  }

  // ---- the hub's events ------------------------------------------------------------------------

  async event(event: OutboundEvent): Promise<void> {
    switch (event.kind) {
      case 'offered':
        return this.offered(event.contactId);
      case 'accepted':
        return this.accepted(event.contactId, event.agentId);
      case 'ended':
        return this.ended(event.contactId);
      case 'requeued':
        return this.requeued(event.contactId);
      case 'message':
        return event.from === 'system' ? this.noticed(event.contactId, event.text) : undefined;
      case 'queue':
        // A caller hears their place in line from the wait loop, which asks for it.
        return;
    }
  }

  /**
   * The hub told the customer something (the queue is closed, say). A caller still in line hears it
   * at the next turn of the wait loop or as the call ends; one talking to an agent hears the agent.
   */
  private async noticed(contactId: string, text: string): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded || loaded.session.bridge || loaded.session.ended) return;
    await this.sessions.update(loaded.session.callSid, (draft) => {
      if (draft.bridge || draft.ended || draft.notice === text) return null;
      draft.notice = text;
      return draft;
    });
  }

  /** Offered to an agent: a caller who asked to be called back is called now. */
  private async offered(contactId: string): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded?.session.callback.requested || loaded.session.callback.placedAt) return;
    const claimed = await this.sessions.update(loaded.session.callSid, (draft) => {
      if (draft.callback.placedAt || draft.ended) return null;
      draft.callback.placedAt = this.deps.now().toISOString();
      return draft;
    });
    if (!claimed?.changed) return;
    const session = claimed.session;
    try {
      const callSid = await this.deps.calls.dial({
        to: session.phone!,
        from: session.to!,
        url: this.deps.urls.callback(contactId),
        statusCallback: this.deps.urls.status({ leg: 'callback', contactId }),
        detectMachine: true,
      });
      const placed = await this.sessions.update(session.callSid, (draft) => {
        draft.callback.callSid = callSid;
        this.note(draft, 'callback', journeyText.calledBack[draft.language]());
        return draft;
      });
      if (placed) await this.shareJourney(placed.session);
    } catch (error) {
      this.deps.logger.error({ err: error, contactId }, 'could not place the call back');
      const failed = await this.sessions.update(session.callSid, (draft) => {
        draft.ended = true;
        this.note(draft, 'callback', journeyText.callbackFailed[draft.language]());
        return draft;
      });
      if (failed) await this.shareJourney(failed.session);
      await this.deps.intake.customerEnded(contactId);
    }
  }

  /** Accepted: the customer's leg moves into the contact's conference and the agent is called into it. */
  private async accepted(contactId: string, agentId: string): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded) return;
    const bridged = await this.sessions.update(loaded.session.callSid, (draft) => {
      if (draft.ended || draft.bridge?.agentId === agentId) return null;
      draft.bridge = { conference: `sentral-${contactId}`, agentId, agentCallSid: null, attempts: 1, dial: newDialToken() };
      return draft;
    });
    if (!bridged?.changed) return;
    const session = bridged.session;
    if (this.customerOnLine(session)) {
      await this.deps.calls.redirect(session.activeCallSid, this.deps.urls.connect(contactId)).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, contactId }, 'could not move the caller into the conference');
      });
    }
    await this.dialAgent(session, contactId, agentId);
  }

  /** Calls the agent into the contact's conference: their phone number if they gave one, else their browser. */
  private async dialAgent(session: CallSession, contactId: string, agentId: string): Promise<void> {
    const agentNumber = await this.deps.ports.agents.voiceNumber(agentId);
    // Twilio places calls only from its own or verified numbers: the number the customer dialled.
    const callerId = session.to;
    const dial = session.bridge?.dial ?? null;
    if (!callerId) {
      this.deps.logger.warn({ contactId }, 'no number to call the agent from');
      return;
    }
    try {
      const agentCallSid = await this.deps.calls.dial({
        to: agentNumber ?? `client:${agentIdentity(agentId)}`,
        from: callerId,
        url: this.deps.urls.agent(contactId),
        statusCallback: this.deps.urls.status({ leg: 'agent', contactId, dial }),
      });
      await this.sessions.update(session.callSid, (draft) => {
        // Not when this attempt was already reported missed (and perhaps dialled again) meanwhile.
        if (draft.bridge?.agentId !== agentId || draft.bridge.dial !== dial) return null;
        draft.bridge.agentCallSid = agentCallSid;
        return draft;
      });
    } catch (error) {
      this.deps.logger.error({ err: error, contactId }, 'could not call the agent');
    }
  }

  /** The agent (or the system) ended the contact: the customer hears goodbye, the agent's leg hangs up. */
  private async ended(contactId: string): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded) return;
    const updated = await this.sessions.update(loaded.session.callSid, (draft) => {
      if (draft.ended) return null;
      draft.ended = true;
      return draft;
    });
    if (!updated?.changed) return;
    const session = updated.session;
    // The session is marked ended now; whether the customer is on a leg we can move is as it was before.
    if (this.customerOnLine({ ...session, ended: false })) await this.quietly(() => this.deps.calls.redirect(session.activeCallSid, this.deps.urls.after(contactId)), contactId);
    else if (session.callback.callSid) await this.quietly(() => this.deps.calls.hangUp(session.callback.callSid!), contactId);
    if (session.bridge?.agentCallSid) await this.quietly(() => this.deps.calls.hangUp(session.bridge!.agentCallSid!), contactId);
  }

  /** Transferred back into a queue: the customer returns to the wait loop, the old agent's leg hangs up. */
  private async requeued(contactId: string): Promise<void> {
    const loaded = await this.sessions.byContact(contactId);
    if (!loaded?.session.bridge) return;
    const previous = loaded.session.bridge;
    const updated = await this.sessions.update(loaded.session.callSid, (draft) => {
      if (!draft.bridge || draft.bridge.agentId !== previous.agentId) return null;
      draft.bridge = null;
      return draft;
    });
    if (!updated?.changed) return;
    const session = updated.session;
    if (this.customerOnLine(session)) await this.quietly(() => this.deps.calls.redirect(session.activeCallSid, this.deps.urls.wait(contactId)), contactId);
    if (previous.agentCallSid) await this.quietly(() => this.deps.calls.hangUp(previous.agentCallSid!), contactId);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The customer is on a live leg we can redirect (not hung up, not waiting for our call back). */
  private customerOnLine(session: CallSession): boolean {
    return !session.ended && (!session.callback.requested || session.callback.answered);
  }

  /** REST calls on legs that may already be gone: a failure is expected and only logged. */
  private async quietly(action: () => Promise<void>, contactId: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.deps.logger.debug({ err: error, contactId }, 'call update not applied');
    }
  }

  private note(draft: CallSession, step: string, result: string): void {
    draft.journey.push({ at: this.deps.now().toISOString(), step, result });
  }

  /** Steps taken after the contact opened (call-back) reach the contact, and so the screen pop. */
  private async shareJourney(session: CallSession): Promise<void> {
    if (session.contactId && this.deps.intake.updateJourney) await this.deps.intake.updateJourney(session.contactId, session.journey);
  }

  private async flowFor(calledNumber: string | null): Promise<LoadedFlow> {
    const loaded = await this.deps.flows.forNumber(calledNumber);
    if (!loaded) throw new NoFlowError('no IVR flow for the called number and no default flow');
    return loaded;
  }

  private ivr(flow: IvrFlow): Ivr {
    return new Ivr(flow, {
      selfService: this.deps.ports.selfService,
      intake: this.deps.intake,
      linkContact: (contactId, callSid) => this.sessions.link(contactId, callSid),
      now: this.deps.now,
    });
  }

  private writer(flow: IvrFlow | null): TwimlWriter {
    return new TwimlWriter(flow, this.deps.urls);
  }
}

/** Where a caller can be in the middle of something: hanging up there is leaving mid-flow. */
const midFlow = new Set(['language', 'customer', 'digits', 'verify-reference', 'verify-secret', 'invoice', 'paying']);

/**
 * How a call that never reached an agent ended: served when the caller got at least one answer (an
 * order's status, a payment), otherwise abandoned, with the place they left for the reports.
 */
function selfServiceEnd(session: CallSession): SelfServiceFinish {
  const served = session.journey.some((step) => step.data?.['action'] && step.data['outcome'] !== 'failed' && step.data['outcome'] !== 'not-found');
  const awaiting = session.awaiting;
  const leftAt = 'node' in awaiting ? (midFlow.has(awaiting.kind) ? awaiting.kind : `${awaiting.kind}:${awaiting.node}`) : awaiting.kind;
  return {
    outcome: served ? 'self-served' : 'abandoned-in-self-service',
    journey: session.journey,
    identified: session.identity
      ? { customerId: session.identity.customerId, method: session.identity.method, confidence: session.identity.confidence }
      : null,
    leftAt,
  };
}

function callerInput(params: CallParams): CallerInput {
  return {
    digits: params.Digits ?? null,
    speech: params.SpeechResult ?? null,
    payment: params.Result ? { result: params.Result, confirmation: params.PaymentConfirmationCode ?? null, error: params.PaymentError ?? null } : null,
  };
}

function newDialToken(): string {
  return randomBytes(8).toString('hex');
}
