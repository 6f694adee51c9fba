/** What an API key may do; a route names the scopes that open it. */
export const apiScopes = [
  'customers:read',
  'customers:write',
  'customers:erase',
  'import',
  'events:write',
  'webhooks:manage',
  'contacts:read',
] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Outbound webhook event types (the `type` of every delivered payload). */
export const webhookEventTypes = [
  'contact.created',
  'contact.queued',
  'contact.offered',
  'contact.accepted',
  'contact.transferred',
  'contact.ended',
  'contact.abandoned',
  'contact.rated',
  'callback.requested',
  'payment.recorded',
  'customer.created',
  'customer.updated',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An endpoint as the API and the admin page show it (never its secret). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
