/**
 * The queue topology in one place. Jobs carry ids only (never PII); their BullMQ job ids are
 * derived from the contact id, so a redelivered event or a retried producer cannot enqueue twice.
 */
export const queueNames = {
  /** Identification and routing of newly arrived contacts. */
  contacts: 'contacts',
  /** Durable sends of stored messages through channels that can fail (email, fax). */
  outbound: 'outbound',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface ContactJobData {
  contactId: string;
}

export const contactJobs = {
  identify: {
    name: 'identify',
    // BullMQ reserves ':' in custom ids, hence the dash.
    jobId: (contactId: string) => `identify-${contactId}`,
  },
} as const;

export interface OutboundJobData {
  messageId: string;
}

export const outboundJobs = {
  deliver: {
    name: 'deliver',
    // One job per stored message: a repeated enqueue of the same message is a no-op.
    jobId: (messageId: string) => `deliver-${messageId}`,
  },
} as const;
