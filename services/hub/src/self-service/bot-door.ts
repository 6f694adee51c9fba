import type { InboundContact, InboundMessage } from '@sentral/contract';

/**
 * How the hub's intake hands chat contacts to the bot. The intake stores everything first; the bot
 * answers afterwards, through the notifier, so a customer's message is never lost to a bot failure.
 */
export interface ChatBotDoor {
  /** The bot's entry point (`chat:<queue>`) when it serves this new chat contact, else null. */
  entryPointFor(inbound: InboundContact): Promise<string | null>;
  /** A self-service chat was opened (with the customer's first message, if any). */
  started(contactId: string, inbound: InboundContact): void;
  /** A customer message of a chat still in self-service, stored as number `seq`. */
  message(contactId: string, message: InboundMessage & { seq: number }): void;
  /** The customer ended the chat while in self-service; true when the bot recorded how it ended. */
  ended?(contactId: string): Promise<boolean>;
}
