import { circuitBreaker, ConsecutiveBreaker, handleAll, BrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { ContactOffer, PopUpdate } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { OutboundHttp } from './outbound-http.ts';

/** The customer a lookup is about. */
export interface LookupSubject {
  customerId: string;
  externalId: string | null;
}

/**
 * A live lookup in a back-office system (ERP, order system). An adapter answers with the system's facts
 * about one customer, or throws; deadlines, caching and the circuit breaker are the caller's business.
 */
export interface LookupConnector {
  readonly id: string;
  lookup(subject: LookupSubject, deadlineMs: number): Promise<Record<string, unknown>>;
}

export interface HttpLookupSettings {
  /** `{externalId}` and `{customerId}` are replaced (URL-encoded). */
  urlTemplate: string;
  /** One header sent with every call, e.g. `Authorization: Bearer …`. */
  authHeader: { name: string; value: string } | null;
}

/** The first adapter: GET a URL built from the customer, expect a JSON object back. */
export function httpJsonLookup(settings: HttpLookupSettings, http: OutboundHttp): LookupConnector {
  return {
    id: 'http-json',
    async lookup(subject, deadlineMs) {
      const url = settings.urlTemplate
        .replaceAll('{externalId}', encodeURIComponent(subject.externalId ?? ''))
        .replaceAll('{customerId}', encodeURIComponent(subject.customerId));
      const answer = await http.request({
        url,
        method: 'GET',
        timeoutMs: deadlineMs,
        headers: { accept: 'application/json', ...(settings.authHeader ? { [settings.authHeader.name]: settings.authHeader.value } : {}) },
        maxBodyBytes: 256 * 1024,
      });
      if (answer.status < 200 || answer.status >= 300) throw new Error(`HTTP ${answer.status}`);
      const body = JSON.parse(answer.body) as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('the answer is not a JSON object');
      return body as Record<string, unknown>;
    },
  };
}

export interface LookupSettings {
  deadlineMs: number;
  /** Facts younger than this are served without asking again. */
  freshSeconds: number;
  /** Older facts are still served when the system fails, up to this age. */
  staleSeconds: number;
  /** Consecutive failures that open the circuit, and how long it stays open before one trial call. */
  breakAfterFailures: number;
  halfOpenAfterMs: number;
}

interface Cached {
  facts: Record<string, unknown>;
  fetchedAt: number;
}

/**
 * Screen-pop lookups: the pop goes out at once with local facts; this asks the back-office system
 * beside it and pushes `contact:pop-update` to the agent when the answer (or the lack of one) is known.
 * Fresh cached facts skip the call; when the call fails or the circuit is open, stale ones stand in.
 */
export function createLookups(deps: { db: Database; connector: LookupConnector; settings: LookupSettings; logger: Logger }) {
  const { db, connector, settings, logger } = deps;
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Record<string, unknown>>>();
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.breakAfterFailures) });
  breaker.onBreak(() => logger.warn({ connector: connector.id }, 'lookup circuit opened: the back-office system keeps failing'));
  breaker.onReset(() => logger.info({ connector: connector.id }, 'lookup circuit closed again'));

  function remember(key: string, facts: Record<string, unknown>): void {
    cache.delete(key);
    cache.set(key, { facts, fetchedAt: Date.now() });
    // A bounded cache: the oldest entries go first.
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
  }

  /** Facts for a customer, with how they were got; never throws and never takes longer than the deadline. */
  async function factsFor(subject: LookupSubject): Promise<Omit<PopUpdate, 'contactId' | 'offerId'>> {
    const started = performance.now();
    const key = subject.customerId;
    const cached = cache.get(key);
    const ageMs = cached ? Date.now() - cached.fetchedAt : Infinity;
    const elapsed = () => Math.round(performance.now() - started);
    if (cached && ageMs < settings.freshSeconds * 1000) {
      return { status: 'ok', external: cached.facts, fetchedAt: new Date(cached.fetchedAt).toISOString(), latencyMs: elapsed() };
    }
    try {
      // Callers asking for one customer at once share one call.
      let call = inFlight.get(key);
      if (!call) {
        call = breaker.execute(() => connector.lookup(subject, settings.deadlineMs));
        inFlight.set(key, call);
        void call.finally(() => inFlight.delete(key)).catch(() => undefined);
      }
      const facts = await call;
      remember(key, facts);
      logger.info({ connector: connector.id, customerId: key, latencyMs: elapsed(), outcome: 'ok' }, 'lookup answered');
      return { status: 'ok', external: facts, fetchedAt: new Date().toISOString(), latencyMs: elapsed() };
    } catch (error) {
      const timedOut = (error as Error).message.startsWith('no answer within');
      const outcome = error instanceof BrokenCircuitError ? 'circuit-open' : timedOut ? 'timeout' : 'error';
      logger.warn({ connector: connector.id, customerId: key, latencyMs: elapsed(), outcome, reason: (error as Error).message }, 'lookup failed');
      if (cached && ageMs < settings.staleSeconds * 1000) {
        return { status: 'stale', external: cached.facts, fetchedAt: new Date(cached.fetchedAt).toISOString(), latencyMs: elapsed() };
      }
      return { status: timedOut ? 'timeout' : 'error', external: null, fetchedAt: null, latencyMs: elapsed() };
    }
  }

  /** Looks up the offered contact's customer and tells the agent; the offer itself has already gone out. */
  async function afterOffer(agentId: string, offer: ContactOffer, notifier: Notifier): Promise<void> {
    const customerId = offer.screenPop.customer?.id;
    if (!customerId) return;
    const customer = await db.customer.findUnique({ where: { id: customerId }, select: { externalId: true } });
    if (!customer) return;
    const result = await factsFor({ customerId, externalId: customer.externalId });
    notifier.toAgent(agentId, 'contact:pop-update', { contactId: offer.contact.id, offerId: offer.offerId, ...result });
  }

  /**
   * The notifier with lookups attached: every offer with a known customer is followed by its
   * `contact:pop-update`. Built in the composition root, so routing code does not know lookups exist.
   */
  function decorate(notifier: Notifier): Notifier {
    return {
      ...notifier,
      toAgent(agentId, event, ...payload) {
        notifier.toAgent(agentId, event, ...payload);
        if (event === 'contact:offer') {
          const offer = payload[0] as ContactOffer;
          void afterOffer(agentId, offer, notifier).catch((error: unknown) => logger.warn({ err: error }, 'pop update failed'));
        }
      },
    };
  }

  return { factsFor, decorate };
}

