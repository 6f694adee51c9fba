import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  AcceptedContact,
  Ack,
  AgentClientEvents,
  AgentServerEvents,
  AgentState,
  ChatMessage,
  ContactOffer,
  PopUpdate,
  ErrorBody,
  InternalNote,
  OfferWithdrawnReason,
  ScreenPop,
} from '@sentral/contract';
import type { Api, Me } from './api.ts';

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export type Connection = 'connecting' | 'online' | 'reconnecting';
export type EndedBy = 'agent' | 'customer' | 'system';

export interface OutgoingMessage {
  clientMessageId: string;
  text: string;
  state: 'sending' | 'failed';
}

/** One open contact as a tab: in conversation, or ended and waiting for the agent's wrap-up. */
export interface DeskContact {
  id: string;
  channel: AcceptedContact['channel'];
  queue: string;
  customerId: string | null;
  subject: string | null;
  from: string | null;
  displayName: string | null;
  language: string | null;
  acceptedAt: string | null;
  endedAt: string | null;
  endedBy: EndedBy | null;
  phase: 'conversation' | 'wrap-up';
  messages: ChatMessage[];
  outbox: OutgoingMessage[];
  typing: boolean;
  unread: number;
  /** The screen pop the offer carried; absent for contacts restored after a reload. */
  screenPop: ScreenPop | null;
}

export interface PendingOffer extends ContactOffer {
  receivedAt: number;
}

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

export interface DeskState {
  connection: Connection;
  /** Set after the first successful sync; a later sync after a drop is a restore. */
  synced: boolean;
  agent: Me['agent'] | null;
  state: AgentState;
  stateSince: string | null;
  /** The away reason code while away with one. */
  awayReason: string | null;
  offers: PendingOffer[];
  contacts: DeskContact[];
  activeId: string | null;
  notices: Notice[];
}

type Action =
  | { type: 'connection'; connection: Connection }
  | { type: 'synced'; me: Me }
  | { type: 'offer'; offer: ContactOffer }
  | { type: 'pop-update'; update: PopUpdate }
  | { type: 'offer-gone'; offerId: string }
  /** Accepted here: open it (the default); accepted in another session (`focus: false`): add it beside the others. */
  | { type: 'accepted'; contact: AcceptedContact; screenPop: ScreenPop | null; focus?: boolean }
  | { type: 'message'; contactId: string; message: ChatMessage }
  | { type: 'outgoing'; contactId: string; outgoing: OutgoingMessage }
  | { type: 'sent'; contactId: string; clientMessageId: string; message: ChatMessage }
  | { type: 'send-failed'; contactId: string; clientMessageId: string }
  | { type: 'outgoing-dropped'; contactId: string; clientMessageId: string }
  | { type: 'ended'; contactId: string; by: EndedBy; at: string }
  | { type: 'typing'; contactId: string; typing: boolean }
  | { type: 'delivery'; contactId: string; messageId: string; status: 'sent' | 'failed' }
  | { type: 'wrapped-up'; contactId: string }
  | { type: 'state'; state: AgentState; since: string; reason?: string | null }
  | { type: 'activate'; id: string | null }
  | { type: 'linked'; contactId: string; customerId: string }
  | { type: 'notice'; notice: Notice }
  | { type: 'dismiss'; id: number };

export const initialDesk: DeskState = {
  connection: 'connecting',
  synced: false,
  agent: null,
  state: 'offline',
  stateSince: null,
  awayReason: null,
  offers: [],
  contacts: [],
  activeId: null,
  notices: [],
};

function mergeMessages(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function fromServer(contact: AcceptedContact, phase: DeskContact['phase'], previous: DeskContact | undefined): DeskContact {
  return {
    id: contact.id,
    channel: contact.channel,
    queue: contact.queue,
    customerId: contact.customerId,
    subject: contact.subject ?? null,
    from: contact.from ?? null,
    displayName: contact.displayName ?? null,
    language: contact.language ?? null,
    acceptedAt: contact.acceptedAt ?? null,
    endedAt: phase === 'wrap-up' ? (contact.endedAt ?? previous?.endedAt ?? new Date().toISOString()) : null,
    endedBy: phase === 'wrap-up' ? (previous?.endedBy ?? null) : null,
    phase,
    messages: mergeMessages(previous?.messages ?? [], contact.messages),
    outbox: previous?.outbox ?? [],
    typing: false,
    unread: previous?.unread ?? 0,
    screenPop: previous?.screenPop ?? null,
  };
}

function updateContact(state: DeskState, id: string, change: (contact: DeskContact) => DeskContact): DeskState {
  if (!state.contacts.some((contact) => contact.id === id)) return state;
  return { ...state, contacts: state.contacts.map((contact) => (contact.id === id ? change(contact) : contact)) };
}

export function deskReducer(state: DeskState, action: Action): DeskState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.connection };
    case 'synced': {
      const previous = new Map(state.contacts.map((contact) => [contact.id, contact]));
      const contacts = [
        ...action.me.contacts.map((contact) => fromServer(contact, 'conversation', previous.get(contact.id))),
        ...(action.me.wrapUps ?? []).map((contact) => fromServer(contact, 'wrap-up', previous.get(contact.id))),
      ];
      const activeId = contacts.some((contact) => contact.id === state.activeId) ? state.activeId : (contacts[0]?.id ?? null);
      const now = Date.now();
      return {
        ...state,
        connection: 'online',
        synced: true,
        agent: action.me.agent,
        state: action.me.agent.state,
        stateSince: action.me.agent.stateSince,
        awayReason: action.me.agent.awayReason ?? null,
        offers: action.me.offers.map((offer) => ({ ...offer, receivedAt: state.offers.find((o) => o.offerId === offer.offerId)?.receivedAt ?? now })),
        contacts,
        activeId,
      };
    }
    case 'offer':
      if (state.offers.some((offer) => offer.offerId === action.offer.offerId)) return state;
      return { ...state, offers: [...state.offers, { ...action.offer, receivedAt: Date.now() }] };
    case 'pop-update': {
      // The back-office system's live facts join the pop they belong to, offered or already accepted.
      const external = { status: action.update.status, external: action.update.external, fetchedAt: action.update.fetchedAt };
      return {
        ...state,
        offers: state.offers.map((offer) => (offer.offerId === action.update.offerId ? { ...offer, screenPop: { ...offer.screenPop, external } } : offer)),
        contacts: state.contacts.map((contact) => (contact.id === action.update.contactId && contact.screenPop ? { ...contact, screenPop: { ...contact.screenPop, external } } : contact)),
      };
    }
    case 'offer-gone':
      return { ...state, offers: state.offers.filter((offer) => offer.offerId !== action.offerId) };
    case 'accepted': {
      const existing = state.contacts.find((contact) => contact.id === action.contact.id);
      const contact = { ...fromServer(action.contact, 'conversation', existing), screenPop: action.screenPop ?? existing?.screenPop ?? null };
      return {
        ...state,
        offers: state.offers.filter((offer) => offer.contact.id !== action.contact.id),
        contacts: existing ? state.contacts.map((c) => (c.id === contact.id ? contact : c)) : [...state.contacts, contact],
        activeId: action.focus !== false || state.activeId === null ? contact.id : state.activeId,
      };
    }
    case 'message':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        messages: mergeMessages(contact.messages, [action.message]),
        typing: action.message.from === 'customer' ? false : contact.typing,
        unread: state.activeId === contact.id || contact.messages.some((m) => m.id === action.message.id) ? contact.unread : contact.unread + 1,
      }));
    case 'outgoing':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        outbox: [...contact.outbox.filter((o) => o.clientMessageId !== action.outgoing.clientMessageId), action.outgoing],
      }));
    case 'sent':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        outbox: contact.outbox.filter((o) => o.clientMessageId !== action.clientMessageId),
        messages: mergeMessages(contact.messages, [action.message]),
      }));
    case 'outgoing-dropped':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        outbox: contact.outbox.filter((o) => o.clientMessageId !== action.clientMessageId),
      }));
    case 'send-failed':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        outbox: contact.outbox.map((o) => (o.clientMessageId === action.clientMessageId ? { ...o, state: 'failed' as const } : o)),
      }));
    case 'ended':
      return updateContact(state, action.contactId, (contact) =>
        contact.phase === 'wrap-up' ? contact : { ...contact, phase: 'wrap-up', endedAt: action.at, endedBy: action.by, typing: false, outbox: [] },
      );
    case 'delivery':
      return updateContact(state, action.contactId, (contact) => ({
        ...contact,
        messages: contact.messages.map((message) =>
          message.id === action.messageId ? { ...message, delivery: action.status } : message,
        ),
      }));
    case 'typing':
      return updateContact(state, action.contactId, (contact) => ({ ...contact, typing: action.typing }));
    case 'wrapped-up': {
      const index = state.contacts.findIndex((contact) => contact.id === action.contactId);
      const contacts = state.contacts.filter((contact) => contact.id !== action.contactId);
      const activeId = state.activeId === action.contactId ? (contacts[Math.max(0, index - 1)]?.id ?? null) : state.activeId;
      return { ...state, contacts, activeId };
    }
    case 'state':
      return { ...state, state: action.state, stateSince: action.since, awayReason: action.reason ?? null };
    case 'activate':
      return {
        ...state,
        activeId: action.id,
        contacts: state.contacts.map((contact) => (contact.id === action.id && contact.unread ? { ...contact, unread: 0 } : contact)),
      };
    case 'linked':
      return updateContact(state, action.contactId, (contact) => ({ ...contact, customerId: action.customerId }));
    case 'notice':
      return { ...state, notices: [...state.notices.slice(-3), action.notice] };
    case 'dismiss':
      return { ...state, notices: state.notices.filter((notice) => notice.id !== action.id) };
  }
}

export class AckError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'AckError';
  }
}

/** crypto.randomUUID exists only on https and localhost; a desktop served over plain http on a LAN needs this. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const ACK_TIMEOUT_MS = 10_000;
// After the server closed the socket on purpose (restart, deploy), reconnecting is up to the client.
const SERVER_DISCONNECT_RETRY_MS = 1_000;

export interface DeskTexts {
  withdrawn(reason: Exclude<OfferWithdrawnReason, 'accepted' | 'rejected'>): string;
  restored(): string;
  deliveryFailed(reason: string): string;
}

export interface Desk {
  state: DeskState;
  accept(offer: PendingOffer): Promise<void>;
  reject(offer: PendingOffer): Promise<void>;
  send(contactId: string, text: string): void;
  /** Tells a chat customer the agent started or stopped typing (no answer awaited). */
  typing(contactId: string, typing: boolean): void;
  end(contactId: string): Promise<void>;
  wrapUp(contactId: string, disposition: string, notes: string): Promise<void>;
  transfer(contactId: string, to: { queue: string } | { agentId: string }, note: string): Promise<void>;
  /** `reason`: an away reason code, only with `away`. */
  setAgentState(state: AgentState, reason?: string): Promise<void>;
  activate(id: string | null): void;
  linked(contactId: string, customerId: string): void;
  notify(text: string, tone?: Notice['tone']): void;
  dismiss(id: number): void;
}

/**
 * The agent's live session: one Socket.IO connection to `/agent`, and the REST state it is rebuilt
 * from after every (re)connect, so a dropped connection never leaves stale or missing tabs.
 */
export function useDesk(options: {
  token: string;
  api: Api;
  texts: DeskTexts;
  onOffer(): void;
  onUnauthenticated(): void;
  /** An internal note was added to one of this agent's contacts (here, in another session, or by a supervisor). */
  onNote?(contactId: string, note: InternalNote): void;
}): Desk {
  const [state, dispatch] = useReducer(deskReducer, initialDesk);
  const socketRef = useRef<AgentSocket | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const noticeId = useRef(0);

  const notify = useCallback((text: string, tone: Notice['tone'] = 'info') => {
    const id = ++noticeId.current;
    dispatch({ type: 'notice', notice: { id, text, tone } });
    setTimeout(() => dispatch({ type: 'dismiss', id }), 6_000);
  }, []);

  const emit = useCallback(async <R extends object>(event: keyof AgentClientEvents, payload: object): Promise<R> => {
    const socket = socketRef.current;
    if (!socket) throw new AckError({ code: 'UNAVAILABLE', message: 'not connected' });
    let result: Ack<R>;
    try {
      result = (await (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: object): Promise<Ack<R>> }).emitWithAck(event, payload)) as Ack<R>;
    } catch {
      throw new AckError({ code: 'UNAVAILABLE', message: 'no answer from the hub' });
    }
    if (!result.ok) throw new AckError(result.error);
    return result;
  }, []);

  const transmit = useCallback(
    (contactId: string, outgoing: OutgoingMessage) => {
      dispatch({ type: 'outgoing', contactId, outgoing: { ...outgoing, state: 'sending' } });
      emit<{ message: ChatMessage }>('contact:send', { contactId, text: outgoing.text, clientMessageId: outgoing.clientMessageId })
        .then(({ message }) => dispatch({ type: 'sent', contactId, clientMessageId: outgoing.clientMessageId, message }))
        .catch((error: unknown) => {
          // A conversation that ended meanwhile drops the message; anything else waits for the next connect.
          if (error instanceof AckError && (error.body.code === 'CONFLICT' || error.body.code === 'FORBIDDEN')) {
            dispatch({ type: 'outgoing-dropped', contactId, clientMessageId: outgoing.clientMessageId });
            notify(error.body.message, 'warning');
            return;
          }
          dispatch({ type: 'send-failed', contactId, clientMessageId: outgoing.clientMessageId });
        });
    },
    [emit, notify],
  );

  useEffect(() => {
    const { token, api } = optionsRef.current;
    const socket: AgentSocket = io('/agent', { auth: { token }, transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 4_000 });
    socketRef.current = socket;
    let closed = false;

    const sync = async () => {
      const me = await api.me();
      if (closed) return;
      const wasSynced = stateRef.current.synced;
      dispatch({ type: 'synced', me });
      if (wasSynced) notify(optionsRef.current.texts.restored());
      // Messages typed while the connection was down go out now; the same client id makes a resend harmless.
      for (const contact of me.contacts) {
        const local = stateRef.current.contacts.find((c) => c.id === contact.id);
        for (const outgoing of local?.outbox ?? []) transmit(contact.id, outgoing);
      }
    };

    socket.on('connect', () => {
      sync().catch(() => {
        // The REST call failed right after connecting: reconnect a little later and sync again.
        if (closed) return;
        dispatch({ type: 'connection', connection: 'reconnecting' });
        socket.disconnect();
        setTimeout(() => !closed && socket.connect(), SERVER_DISCONNECT_RETRY_MS);
      });
    });
    socket.on('disconnect', (reason) => {
      if (closed) return;
      dispatch({ type: 'connection', connection: 'reconnecting' });
      if (reason === 'io server disconnect') setTimeout(() => !closed && socket.connect(), SERVER_DISCONNECT_RETRY_MS);
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (closed) return;
      if (error.data?.code === 'UNAUTHENTICATED') {
        optionsRef.current.onUnauthenticated();
        return;
      }
      dispatch({ type: 'connection', connection: stateRef.current.synced ? 'reconnecting' : 'connecting' });
      // A refusal by the server's middleware is not retried by the client on its own.
      if (!socket.active) setTimeout(() => !closed && socket.connect(), SERVER_DISCONNECT_RETRY_MS);
    });
    socket.on('contact:offer', (offer) => {
      const known = stateRef.current.offers.some((o) => o.offerId === offer.offerId);
      dispatch({ type: 'offer', offer });
      if (!known) optionsRef.current.onOffer();
    });
    socket.on('contact:pop-update', (update) => dispatch({ type: 'pop-update', update }));
    socket.on('contact:offer-withdrawn', ({ offerId, reason }) => {
      if (!stateRef.current.offers.some((offer) => offer.offerId === offerId)) return;
      dispatch({ type: 'offer-gone', offerId });
      // Answered in this or another session of the agent: nothing to warn about.
      if (reason !== 'accepted' && reason !== 'rejected') notify(optionsRef.current.texts.withdrawn(reason), 'warning');
    });
    // Another session of the same agent accepted an offer or let a contact go: this one follows.
    socket.on('contact:accepted', ({ offerId, contact }) => {
      const offer = stateRef.current.offers.find((o) => o.offerId === offerId);
      const known = stateRef.current.contacts.find((c) => c.id === contact.id);
      dispatch({ type: 'accepted', contact, screenPop: offer?.screenPop ?? known?.screenPop ?? null, focus: false });
    });
    socket.on('contact:closed', ({ contactId }) => dispatch({ type: 'wrapped-up', contactId }));
    socket.on('contact:message', ({ contactId, message }) => dispatch({ type: 'message', contactId, message }));
    socket.on('contact:ended', ({ contactId, by }) => dispatch({ type: 'ended', contactId, by, at: new Date().toISOString() }));
    socket.on('contact:delivery', ({ contactId, messageId, status, error }) => {
      dispatch({ type: 'delivery', contactId, messageId, status });
      if (status === 'failed') notify(optionsRef.current.texts.deliveryFailed(error ?? ''), 'warning');
    });
    socket.on('contact:note', ({ contactId, note }) => optionsRef.current.onNote?.(contactId, note));
    socket.on('contact:typing', ({ contactId, typing }) => dispatch({ type: 'typing', contactId, typing }));
    socket.on('agent:state', ({ state: agentState, since, reason }) => dispatch({ type: 'state', state: agentState, since, reason: reason ?? null }));

    return () => {
      closed = true;
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [notify, transmit]);

  // A typing indicator that never got its "stopped" (the visitor closed the tab) fades on its own.
  useEffect(() => {
    const typing = state.contacts.filter((contact) => contact.typing);
    if (!typing.length) return;
    const timer = setTimeout(() => typing.forEach((contact) => dispatch({ type: 'typing', contactId: contact.id, typing: false })), 6_000);
    return () => clearTimeout(timer);
  }, [state.contacts]);

  return useMemo<Desk>(
    () => ({
      state,
      async accept(offer) {
        try {
          const { contact } = await emit<{ contact: AcceptedContact }>('offer:accept', { offerId: offer.offerId });
          dispatch({ type: 'accepted', contact, screenPop: offer.screenPop, focus: true });
        } catch (error) {
          dispatch({ type: 'offer-gone', offerId: offer.offerId });
          throw error;
        }
      },
      async reject(offer) {
        dispatch({ type: 'offer-gone', offerId: offer.offerId });
        await emit('offer:reject', { offerId: offer.offerId });
      },
      send(contactId, text) {
        transmit(contactId, { clientMessageId: randomId(), text, state: 'sending' });
      },
      typing(contactId, typing) {
        socketRef.current?.emit('contact:typing', { contactId, typing });
      },
      async end(contactId) {
        await emit('contact:end', { contactId });
        dispatch({ type: 'ended', contactId, by: 'agent', at: new Date().toISOString() });
      },
      async wrapUp(contactId, disposition, notes) {
        await emit('contact:wrap-up', { contactId, disposition, ...(notes.trim() ? { notes: notes.trim() } : {}) });
        dispatch({ type: 'wrapped-up', contactId });
      },
      async transfer(contactId, to, note) {
        await emit('contact:transfer', { contactId, to, ...(note ? { note } : {}) });
        // The contact has left this agent: its tab closes like after a wrap-up.
        dispatch({ type: 'wrapped-up', contactId });
      },
      async setAgentState(next, reason) {
        const result = await emit<{ state: AgentState; since: string; reason: string | null }>('agent:state', { state: next, ...(reason ? { reason } : {}) });
        dispatch({ type: 'state', state: result.state, since: result.since, reason: result.reason });
      },
      activate: (id) => dispatch({ type: 'activate', id }),
      linked: (contactId, customerId) => dispatch({ type: 'linked', contactId, customerId }),
      notify,
      dismiss: (id) => dispatch({ type: 'dismiss', id }),
    }),
    [state, emit, transmit, notify],
  );
}
