/**
 * The queue topology in one place. Jobs carry ids only (never PII); their BullMQ job ids are
 * derived from the contact id, so a redelivered event or a retried producer cannot enqueue twice.
 */
export const queueNames = {
  /** Identification and routing of newly arrived contacts. */
  contacts: 'contacts',
  /** Durable sends of stored messages through channels that can fail (email, fax). */
  outbound: 'outbound',
  /** Outbound event webhooks: one job per delivery attempt of one event to one endpoint. */
  webhooks: 'webhooks',
  /** Inbound events from back-office systems, run through the workflow rules. */
  events: 'events',
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

export interface WebhookJobData {
  deliveryId: string;
  /** Lets a worker hold back an endpoint that already has its share of slots before touching the database. */
  endpointId: string;
  /** The delivery's attempt count when the job was made: a job for an attempt already made does nothing. */
  attempt: number;
}

export const webhookJobs = {
  deliver: {
    name: 'deliver',
    // The delivery, its attempt number and when it is due: re-adding the same attempt is a no-op.
    jobId: (deliveryId: string, attempt: number, dueAt: Date) => `webhook-${deliveryId}-${attempt}-${dueAt.getTime()}`,
  },
} as const;

export interface InboundEventJobData {
  eventId: string;
}

export const inboundEventJobs = {
  run: {
    name: 'run',
    // The sender's event id may hold any characters; its digest keeps the job id clean and stable.
    jobId: (eventDigest: string) => `event-${eventDigest}`,
  },
} as const;
