import { z } from 'zod';
import { webhookEventTypes } from '@sentral/contract';

/** The body of every outbound webhook delivery. */
export const webhookPayload = z.object({
  type: z.enum(webhookEventTypes),
  timestamp: z.string().describe('When the change happened (ISO 8601)'),
  data: z
    .object({
      sequence: z.number().int().describe("Counts the contact's (or customer's) events; order by it"),
      contactId: z.string().uuid().optional(),
      customerId: z.string().uuid().nullable().optional(),
      channel: z.string().optional(),
      status: z.string().optional(),
      queueId: z.string().optional(),
      agentId: z.string().uuid().nullable().optional(),
      at: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    })
    .catchall(z.unknown()),
});

const signatureHeaders = [
  { name: 'webhook-id', description: 'msg_<n>: the same on every retry; de-duplicate on it' },
  { name: 'webhook-timestamp', description: 'Seconds since 1970 when this attempt was signed' },
  { name: 'webhook-signature', description: 'v1,<base64 HMAC-SHA256 of "id.timestamp.body"> (two, space-separated, for 24 h after a secret rotation)' },
].map((header) => ({ name: header.name, in: 'header', required: true, description: header.description, schema: { type: 'string' } }));

/** The OpenAPI 3.1 `webhooks` section: one entry per event type, all with the signed payload above. */
export function webhookOpenApi(): Record<string, object> {
  const schema = z.toJSONSchema(webhookPayload, { io: 'input', unrepresentable: 'any' });
  return Object.fromEntries(
    webhookEventTypes.map((type) => [
      type,
      {
        post: {
          summary: `${type}, signed with Standard Webhooks headers`,
          parameters: signatureHeaders,
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: { '200': { description: 'Any 2xx: delivered' }, '410': { description: 'Gone: the endpoint is disabled' }, '429': { description: 'Retried after Retry-After' } },
        },
      },
    ]),
  );
}
