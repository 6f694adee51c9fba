import twilio from 'twilio';
import { z } from 'zod';
import type { ConnectorLogger, ConnectorWebhook, WebhookRequest, WebhookResponse } from '@sentral/contract';
import type { CallParams, VoiceChannel } from './channel.ts';

// Twilio's voice webhooks are a few kilobytes at most.
const MAX_BODY_BYTES = 64 * 1024;
const TWIML = 'text/xml';

const callSid = z.string().regex(/^CA[0-9a-f]{32}$/i, 'must be a Twilio call SID');
const address = z.string().max(256);

/** The parameters Sentral reads; Twilio sends many more, all covered by the signature, and those are ignored. */
const callParamsSchema = z.object({
  CallSid: callSid,
  From: address.optional(),
  To: address.optional(),
  CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']).optional(),
  Digits: z.string().regex(/^[0-9*#]{0,64}$/, 'must be keypad digits').optional(),
  SpeechResult: z.string().max(2000).optional(),
  AnsweredBy: z.string().max(64).optional(),
  Result: z.string().max(64).optional(),
  PaymentConfirmationCode: z.string().max(128).optional(),
  PaymentError: z.string().max(500).optional(),
});

const contactQuery = z.object({ c: z.string().uuid() });
const stepQuery = z.object({ s: z.coerce.number().int().min(0).max(100_000) });
const statusQuery = z.union([z.object({ leg: z.enum(['agent', 'callback']), c: z.string().uuid(), d: z.string().regex(/^[0-9a-f]{8,32}$/).optional() }), z.object({}).strict()]);

type Handler = (params: CallParams, query: URLSearchParams) => Promise<string | null>;

export interface WebhookSecurity {
  authToken: string;
}

function reply(status: number, body: unknown, contentType?: string): WebhookResponse {
  return contentType ? { status, body, contentType } : { status, body };
}

function failure(status: number, code: string, message: string): WebhookResponse {
  return reply(status, { error: { code, message } });
}

/** Form fields of the body; a field sent twice is refused, since Twilio never does that and the signature would not tell. */
function parseForm(body: Uint8Array): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(Buffer.from(body).toString('utf8'))) {
    if (Object.hasOwn(params, name)) return null;
    params[name] = value;
  }
  return params;
}

function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function queryOf(schema: z.ZodType, query: URLSearchParams): unknown {
  const parsed = schema.safeParse(Object.fromEntries(query));
  if (!parsed.success) throw new BadRequest(`query: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

class BadRequest extends Error {}

/**
 * The voice webhooks under /webhooks/twilio/voice. Every request must carry Twilio's signature
 * over the URL as the outside world called it (PUBLIC_BASE_URL, never the Host header) and over
 * every body parameter; a missing or wrong one is refused before anything is read or stored.
 */
export function voiceWebhooks(options: {
  channel: () => VoiceChannel | null;
  security: WebhookSecurity | null;
  logger: ConnectorLogger;
}): ConnectorWebhook[] {
  const { logger } = options;

  const handlers: Record<string, { handle: Handler; twiml: boolean }> = {
    '': { twiml: true, handle: (params) => channel().incoming(params) },
    '/step': { twiml: true, handle: (params, query) => channel().step(params, (queryOf(stepQuery, query) as { s: number }).s) },
    '/wait': { twiml: true, handle: (params, query) => channel().wait(params, contactIn(query), query.get('first') === '1') },
    '/connect': { twiml: true, handle: (params, query) => channel().connect(params, contactIn(query)) },
    '/agent': { twiml: true, handle: (params, query) => channel().agentLeg(params, contactIn(query)) },
    '/callback': { twiml: true, handle: (params, query) => channel().callbackAnswered(params, contactIn(query)) },
    '/after': { twiml: true, handle: (params, query) => channel().after(params, contactIn(query)) },
    '/survey': { twiml: true, handle: (params, query) => channel().survey(params, contactIn(query)) },
    '/fallback': { twiml: true, handle: async (params) => channel().fallback(params) },
    '/status': {
      twiml: false,
      handle: async (params, query) => {
        const leg = queryOf(statusQuery, query) as { leg?: 'agent' | 'callback'; c?: string; d?: string };
        await channel().status(params, leg.leg && leg.c ? { leg: leg.leg, contactId: leg.c, dial: leg.d ?? null } : null);
        return null;
      },
    },
  };

  function channel(): VoiceChannel {
    const current = options.channel();
    if (!current) throw new Error('voice channel not started');
    return current;
  }

  function contactIn(query: URLSearchParams): string {
    return (queryOf(contactQuery, query) as { c: string }).c;
  }

  async function handle(suffix: string, request: WebhookRequest): Promise<WebhookResponse> {
    const security = options.security;
    if (!security) return failure(503, 'CHANNEL_DISABLED', 'voice is not configured on this hub (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)');
    if (request.method !== 'POST') return failure(405, 'VALIDATION_FAILED', 'method: Twilio webhooks are POST');
    const url = request.url;
    const signature = headerValue(request.headers, 'x-twilio-signature');
    const form = parseForm(request.rawBody);
    if (!url || !signature || !form || !twilio.validateRequest(security.authToken, signature, url, form)) {
      return failure(403, 'FORBIDDEN', 'missing or invalid X-Twilio-Signature');
    }
    const parsed = callParamsSchema.safeParse(form);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return failure(400, 'VALIDATION_FAILED', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const handler = handlers[suffix]!;
    const query = new URL(url).searchParams;
    try {
      const body = await handler.handle(parsed.data, query);
      return handler.twiml ? reply(200, body, TWIML) : reply(204, null);
    } catch (error) {
      if (error instanceof BadRequest) return failure(400, 'VALIDATION_FAILED', error.message);
      logger.error({ err: error, callSid: parsed.data.CallSid, webhook: suffix || '/' }, 'voice webhook failed; answered with the fallback');
      // The caller hears an apology rather than silence or Twilio's generic error message.
      return handler.twiml ? reply(200, channel().fallback(parsed.data), TWIML) : reply(204, null);
    }
  }

  return Object.keys(handlers).map((suffix) => ({
    path: `/webhooks/twilio/voice${suffix}`,
    maxBytes: MAX_BODY_BYTES,
    handle: (request: WebhookRequest) => handle(suffix, request),
  }));
}
