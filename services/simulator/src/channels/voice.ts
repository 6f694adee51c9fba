import type { Language } from '@sentral/contract';
import { PhoneNetwork, type CallParty } from '../voice/network.ts';
import { findAll, type TwimlElement } from '../voice/twiml.ts';
import type { ChannelDriver, CustomerContext, SimulatedCustomer } from './driver.ts';

/** The number simulated customers dial (any number reaches the hub's default IVR flow). */
const CALLED_NUMBER = '+4721000000';
// A caller's half-minute on hold passes in 1.5 s; ringing and pauses shrink alike.
const TIME_SCALE = 0.05;
const LANGUAGE_KEYS: Record<Language, string> = { nb: '1', da: '2', en: '3' };
const QUEUE_KEYS: Record<string, string> = { sales: '1', support: '2', billing: '3' };

/**
 * Callers on the phone through the hub's real Twilio webhooks, signed like Twilio signs them; the
 * hub's REST calls (bridging, call-backs) reach a local stand-in for Twilio that carries them out.
 * The hub must run with the same TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN as the simulator, and
 * TWILIO_API_BASE_URL pointing at the stand-in (default http://127.0.0.1:3099).
 */
export const voiceDriver: ChannelDriver = {
  channel: 'voice',
  description: 'callers through the IVR on the Twilio webhooks (same TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN as the hub; hub TWILIO_API_BASE_URL=http://127.0.0.1:3099)',
  agentWrites: false,

  async start(hub) {
    const accountSid = hub.env['TWILIO_ACCOUNT_SID'];
    const authToken = hub.env['TWILIO_AUTH_TOKEN'];
    if (!accountSid || !authToken) throw new Error('voice needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, the same as the hub was started with');
    const rest = new URL(hub.env['TWILIO_API_BASE_URL'] ?? 'http://127.0.0.1:3099');
    const network = await PhoneNetwork.start({
      accountSid,
      authToken,
      hubUrl: hub.url,
      publicBaseUrl: (hub.env['PUBLIC_BASE_URL'] ?? hub.url).replace(/\/$/, ''),
      restPort: Number(rest.port || 80),
      restHost: rest.hostname,
      timeScale: TIME_SCALE,
      onError: hub.failed,
    });
    hub.note(`voice: Twilio REST stand-in on ${network.cloud.url}; callers dial ${CALLED_NUMBER}`);
    return { state: network, stop: () => network.stop() };
  },

  async visit(customer, context) {
    const network = context.channelState;
    if (!(network instanceof PhoneNetwork)) {
      context.failed('voice: the phone network was not started');
      return;
    }
    await phoneCall(network, customer, context);
  },
};

function unknownNumber(random: () => number): string {
  // Oslo landlines nobody in the demo tenant has.
  return `+4722${String(Math.floor(random() * 1e6)).padStart(6, '0')}`;
}

async function phoneCall(network: PhoneNetwork, customer: SimulatedCustomer, context: CustomerContext): Promise<void> {
  const { random } = context;
  const from = customer.phone ?? unknownNumber(random);
  let contactId: string | null = null;
  let calledBack = false;
  let patience: NodeJS.Timeout | null = null;
  const wantsCallback = random() < 0.15;
  const selfServesFirst = random() < 0.5;

  const party: CallParty = {
    fetched(url, sentAt) {
      const waiting = new URL(url).pathname.endsWith('/wait') ? new URL(url).searchParams.get('c') : null;
      if (waiting && !contactId) {
        contactId = waiting;
        context.arrived(waiting, sentAt);
        // Gives up waiting after a while (a called-back customer is not waiting on the line).
        patience = setTimeout(() => {
          if (!current.bridged && !calledBack) current.hangUp();
        }, context.patienceMs);
      }
    },
    answer(said, gather) {
      return choose(said, gather, customer, { wantsCallback: wantsCallback && !calledBack, selfServesFirst, waiting: contactId !== null }, () => {
        calledBack = true;
        network.expectCallback(from, party);
      });
    },
    pay: () => ({ Result: 'success', PaymentConfirmationCode: `sim_${Math.floor(random() * 1e9).toString(36)}` }),
  };

  let current = network.call(from, CALLED_NUMBER, party);
  const leave = () => current.hangUp();
  context.signal.addEventListener('abort', leave);
  try {
    await current.ended;
    // A customer who asked to be called back waits for that call and talks on it.
    if (calledBack && contactId && !context.signal.aborted) {
      const callback = await waitForCallback(network, from, context.signal, context.patienceMs);
      if (callback) {
        current = callback;
        await callback.ended;
      }
    }
  } finally {
    context.signal.removeEventListener('abort', leave);
    if (patience) clearTimeout(patience);
  }
  if (contactId) context.closed(contactId, current.bridged ? 'ended' : 'left');
}

/** The call the hub places to a customer who asked to be called back, once it is answered. */
async function waitForCallback(network: PhoneNetwork, number: string, signal: AbortSignal, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!signal.aborted && performance.now() < deadline) {
    const request = network.cloud.requests.find((r) => r.kind === 'create' && r.params['To'] === number);
    const call = request ? network.callBySid(request.callSid) : undefined;
    if (call) return call;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

/** What a caller keys, read from what they just heard (in any of the three languages). */
function choose(
  said: string,
  gather: TwimlElement,
  customer: SimulatedCustomer,
  mood: { wantsCallback: boolean; selfServesFirst: boolean; waiting: boolean },
  askedForCallback: () => void,
): string | null {
  const text = said.toLowerCase();
  const languageMenu = findAll(gather, 'Say').some((say) => /for english, press/i.test(say.text));
  if (languageMenu) return LANGUAGE_KEYS[customer.language];
  if (mood.waiting) {
    if (mood.wantsCallback && /(ringer deg opp|ringes op|call you back)/.test(text)) {
      askedForCallback();
      return '1';
    }
    return null;
  }
  if (/(for ordrestatus|for order status)/.test(text)) return mood.selfServesFirst && customer.known ? '1' : '0';
  if (/(for salg|for sales)/.test(text)) return QUEUE_KEYS[customer.queue ?? ''] ?? '2';
  if (/(rådgiver|adviser)/.test(text) && /(hovedmeny|main menu)/.test(text)) return '0';
  if (/(for .*, trykk 1|for .*, tryk 1|for .*, press 1)/.test(text) && /(flere kunder|several customers)/.test(text)) return '1';
  // Numbers and PINs the simulated caller does not know: silence leads to an adviser.
  return null;
}
