import { io, type Socket } from 'socket.io-client';
import type { AgentClientEvents, AgentServerEvents, Channel, ContactOffer } from '@sentral/contract';
import type { HubClient } from './hub-client.ts';
import type { Recorder } from './recorder.ts';
import { pick, textsFor } from './texts.ts';

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

const ACK_TIMEOUT_MS = 15_000;
// How long an agent who has answered waits for the customer's reply before ending anyway.
const REPLY_WAIT_MS = 5_000;
// Answers that mean the work is already gone, not that something failed: the offer expired or the
// customer left first (NOT_FOUND, OFFER_EXPIRED), or the conversation has ended meanwhile (CONFLICT).
const GONE = new Set(['OFFER_EXPIRED', 'NOT_FOUND', 'CONFLICT']);

export interface AgentBehaviour {
  /** Share of offers accepted; the rest are rejected, and the hub offers them to someone else. */
  acceptRatio: number;
  /** Mean time from accepting a contact to ending it (ms); each contact takes 0.5–1.5 times this. */
  handleTimeMs: number;
  /** Whether the agent answers in writing on a channel (chat, email) rather than only talking. */
  writesOn(channel: Channel): boolean;
  dispositions: readonly string[];
  random: () => number;
}

export interface AgentLogin {
  email: string;
  password: string;
  /** The state to leave the account in at the end: offline when the simulator signed it in, else the state it had. */
  leaveIn?: 'available' | 'away' | 'offline';
}

/** A contact in conversation with this agent. */
interface Conversation {
  language: string | null;
  timer: NodeJS.Timeout | null;
  /** Handling time is over; the agent ends as soon as the customer has had their say. */
  due: boolean;
  /** Still waiting for the customer to answer the agent's written reply. */
  awaitingReply: boolean;
}

/** One agent at their desk: signed in over REST, on the `/agent` namespace, answering every offer. */
export class SimulatedAgent {
  private readonly conversations = new Map<string, Conversation>();
  private signingOut = false;

  private constructor(
    private readonly socket: AgentSocket,
    private readonly behaviour: AgentBehaviour,
    private readonly recorder: Recorder,
    private readonly leaveIn: 'available' | 'away' | 'offline',
  ) {}

  static async signIn(hub: HubClient, login: AgentLogin, behaviour: AgentBehaviour, recorder: Recorder): Promise<SimulatedAgent> {
    const { token } = await hub.login(login.email, login.password);
    const socket: AgentSocket = io(`${hub.url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
    const simulated = new SimulatedAgent(socket, behaviour, recorder, login.leaveIn ?? 'offline');
    simulated.listen();
    return simulated;
  }

  /** Ready for offers. */
  async available(): Promise<void> {
    const answer = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agent:state', { state: 'available' });
    if (!answer.ok) throw new Error(`agent:state: ${answer.error.code} ${answer.error.message}`);
  }

  /**
   * Takes no more offers, ends what is still open and leaves: offline when the simulator signed the
   * account in, else back in the state someone else left it in (their desk stays signed in).
   */
  async signOut(): Promise<void> {
    this.signingOut = true;
    const state = this.leaveIn === 'available' ? 'away' : this.leaveIn;
    await this.send('agent:state', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agent:state', { state }));
    await Promise.all([...this.conversations.keys()].map((contactId) => this.end(contactId)));
    if (this.leaveIn === 'available') await this.send('agent:state', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agent:state', { state: 'available' }));
    this.socket.close();
  }

  private listen(): void {
    this.socket.on('contact:offer', (offer) => {
      this.recorder.offer(offer.contact.id, performance.now());
      if (this.behaviour.random() < this.behaviour.acceptRatio) void this.accept(offer);
      else void this.reject(offer);
    });
    // Offers answered here come back as withdrawn from every session of the account: not counted.
    this.socket.on('contact:offer-withdrawn', ({ reason }) => {
      if (reason !== 'accepted' && reason !== 'rejected') this.recorder.withdrawn();
    });
    this.socket.on('contact:message', ({ contactId, message }) => {
      const conversation = this.conversations.get(contactId);
      if (!conversation || message.from !== 'customer' || !conversation.awaitingReply) return;
      conversation.awaitingReply = false;
      if (conversation.due) void this.end(contactId);
    });
    this.socket.on('contact:ended', ({ contactId, by }) => {
      const conversation = this.conversations.get(contactId);
      if (!conversation) return;
      if (conversation.timer) clearTimeout(conversation.timer);
      this.conversations.delete(contactId);
      // The customer left first: the agent still records what the contact was about.
      if (by !== 'agent') void this.wrapUp(contactId, conversation.language);
    });
    this.socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.recorder.failed(`agent disconnected: ${reason}`);
    });
  }

  private async accept(offer: ContactOffer): Promise<void> {
    const contactId = offer.contact.id;
    const answer = await this.send('offer:accept', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('offer:accept', { offerId: offer.offerId }));
    if (!answer) return;
    this.recorder.accepted(contactId);
    const { handleTimeMs, random } = this.behaviour;
    const writes = this.behaviour.writesOn(offer.contact.channel);
    // The contact's own language when the hub tells it, else the customer's from the screen pop.
    const language = answer.contact.language ?? offer.screenPop.customer?.language ?? null;
    const conversation: Conversation = { language, timer: null, due: false, awaitingReply: writes };
    this.conversations.set(contactId, conversation);
    if (this.signingOut) {
      await this.end(contactId);
      return;
    }
    conversation.timer = setTimeout(() => {
      conversation.due = true;
      if (!conversation.awaitingReply) void this.end(contactId);
      else conversation.timer = setTimeout(() => void this.end(contactId), REPLY_WAIT_MS);
    }, handleTimeMs * (0.5 + random()));
    if (writes) {
      const text = pick(textsFor(language).agentReplies, random);
      await this.send('contact:send', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('contact:send', { contactId, text }));
    }
  }

  private async reject(offer: ContactOffer): Promise<void> {
    const answer = await this.send('offer:reject', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('offer:reject', { offerId: offer.offerId }));
    if (answer) this.recorder.rejected();
  }

  private async end(contactId: string): Promise<void> {
    const conversation = this.conversations.get(contactId);
    if (!conversation) return;
    if (conversation.timer) clearTimeout(conversation.timer);
    this.conversations.delete(contactId);
    const { disposition, notes } = this.wrapUpFor(conversation.language);
    await this.send('contact:end', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('contact:end', { contactId, disposition, notes }));
  }

  private async wrapUp(contactId: string, language: string | null): Promise<void> {
    const { disposition, notes } = this.wrapUpFor(language);
    await this.send('contact:wrap-up', () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('contact:wrap-up', { contactId, disposition, notes }));
  }

  private wrapUpFor(language: string | null): { disposition: string; notes: string } {
    const { dispositions, random } = this.behaviour;
    return { disposition: pick(dispositions, random), notes: pick(textsFor(language).notes, random) };
  }

  /** Runs one acknowledged call; failures are counted, work that is already gone is not. */
  private async send<T extends { ok: true } | { ok: false; error: { code: string } }>(event: string, call: () => Promise<T>): Promise<Extract<T, { ok: true }> | null> {
    try {
      const answer = await call();
      if (answer.ok) return answer as Extract<T, { ok: true }>;
      if (!GONE.has(answer.error.code)) this.recorder.failed(`${event}: ${answer.error.code}`);
    } catch (error) {
      this.recorder.failed(`${event}: ${(error as Error).message}`);
    }
    return null;
  }
}
