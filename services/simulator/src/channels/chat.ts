import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ChatClientEvents, ChatServerEvents } from '@sentral/contract';
import type { Outcome } from '../recorder.ts';
import { pick } from '../texts.ts';
import type { ChannelDriver, CustomerContext, SimulatedCustomer } from './driver.ts';

type ChatSocket = Socket<ChatServerEvents, ChatClientEvents>;

const ACK_TIMEOUT_MS = 15_000;

/** A visitor typing into the web chat widget: the `/chat` namespace, exactly as the browser uses it. */
export const chatDriver: ChannelDriver = {
  channel: 'chat',
  description: 'web chat visitors on the /chat Socket.IO namespace',
  agentWrites: true,
  async visit(customer, context) {
    let socket: ChatSocket;
    try {
      socket = await connect(context.url, customer);
    } catch (error) {
      context.failed(`chat connect: ${(error as Error).message}`);
      return;
    }
    try {
      await converse(socket, context);
    } finally {
      socket.close();
    }
  },
};

function connect(url: string, customer: SimulatedCustomer): Promise<ChatSocket> {
  const auth = {
    ...(customer.name ? { name: customer.name } : {}),
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.queue ? { queue: customer.queue } : {}),
    language: customer.language,
  };
  const socket: ChatSocket = io(`${url}/chat`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * Sends the opening message, waits for an agent (at most the customer's patience), answers the
 * agent once, and is done when the agent ends the chat or the simulation winds down.
 */
function converse(socket: ChatSocket, context: CustomerContext): Promise<void> {
  const { texts, random } = context;
  return new Promise<void>((resolve) => {
    let contactId: string | null = null;
    let served = false;
    let finished = false;
    // Leaving while the first message is in flight waits for it: the hub must know what to close.
    let leaveWhenStored = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, run: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
    };

    const finish = (outcome: Outcome | null) => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      context.signal.removeEventListener('abort', leave);
      if (contactId && outcome) context.closed(contactId, outcome);
      resolve();
    };

    function leave(): void {
      if (finished) return;
      if (!contactId) {
        leaveWhenStored = true;
        return;
      }
      const outcome: Outcome = 'left';
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('end', {})
        .then((answer) => {
          if (!answer.ok) context.failed(`chat end: ${answer.error.code}`);
          finish(outcome);
        })
        .catch((error: unknown) => {
          context.failed(`chat end: ${(error as Error).message}`);
          finish(outcome);
        });
    }

    socket.on('message', (message) => {
      if (message.from !== 'agent' || served) return;
      served = true;
      // A person reads the answer and types a reply.
      later(300 + random() * 1200, () => {
        if (finished) return;
        socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('message', { text: pick(texts.followUps, random), clientMessageId: randomUUID() })
          .then((answer) => {
            if (!answer.ok && answer.error.code !== 'CONFLICT') context.failed(`chat message: ${answer.error.code}`);
          })
          .catch((error: unknown) => context.failed(`chat message: ${(error as Error).message}`));
      });
    });
    socket.on('ended', () => finish('ended'));
    socket.on('disconnect', (reason) => {
      if (finished || reason === 'io client disconnect') return;
      context.failed(`chat disconnected: ${reason}`);
      finish(null);
    });
    context.signal.addEventListener('abort', leave);
    if (context.signal.aborted) {
      finish(null);
      return;
    }

    const sentAt = performance.now();
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('message', { text: pick(texts.openings, random), clientMessageId: randomUUID() })
      .then((answer) => {
        if (!answer.ok) {
          context.failed(`chat message: ${answer.error.code}`);
          finish(null);
          return;
        }
        contactId = answer.contactId;
        context.arrived(answer.contactId, sentAt);
        if (leaveWhenStored) {
          leave();
          return;
        }
        later(context.patienceMs, () => {
          if (!served) leave();
        });
      })
      .catch((error: unknown) => {
        context.failed(`chat message: ${(error as Error).message}`);
        finish(null);
      });
  });
}
