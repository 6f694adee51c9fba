import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  DeliveryError,
  faxDocumentType,
  SentralError,
  type ChannelConnector,
  type ConnectorContext,
  type ConnectorFactory,
  type ConnectorWebhook,
  type OutboundMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@sentral/contract';
import { replyDocument } from './document.ts';
import { MultipartError, parseMultipart } from './multipart.ts';
import { httpFaxProvider, type FaxProvider } from './provider.ts';
import { SIGNATURE_HEADER, verifyFaxSignature } from './signature.ts';
import { text, toLanguage } from './texts.ts';

const configSchema = z
  .object({
    /** HMAC-SHA256 key of the inbound webhook; without it the webhook answers 503. */
    webhookSecret: z.string().min(16).nullable().default(null),
    /** The outbound provider; without it fax replies fail permanently with a clear reason. */
    provider: z.object({ url: z.string().url(), token: z.string().min(1).nullable().default(null) }).strict().nullable().default(null),
    /** Our own fax number, sent as the sender of replies. */
    fromNumber: z.string().max(40).nullable().default(null),
    language: z.enum(['nb', 'da', 'en']).default('nb'),
    queue: z.string().regex(/^[a-z0-9-]{1,64}$/).nullable().default(null),
    firstResponseHours: z.number().min(0.25).max(24 * 30).default(24),
    maxFiles: z.number().int().min(1).max(20).default(10),
    maxFileBytes: z.number().int().min(1000).max(50_000_000).default(20_000_000),
    /** The whole webhook body; larger requests are refused by Content-Length before they are read. */
    webhookMaxBytes: z.number().int().min(10_000).max(200_000_000).default(60_000_000),
  })
  .strict();

export type FaxConnectorConfig = z.infer<typeof configSchema>;

const fieldsSchema = z.object({
  from: z.string().trim().min(1).max(40),
  to: z.string().trim().min(1).max(40),
  /** The provider's id of the fax; a redelivered webhook with the same id is stored once. */
  id: z.string().trim().min(1).max(200).optional(),
});

/** Fax numbers travel as digits with an optional leading +; providers format them in every way. */
const compactNumber = (value: string) => value.replace(/[\s().-]/g, '').replace(/^00/, '+');

const reject = (status: number, code: string, message: string): WebhookResponse => ({ status, body: { error: { code, message } } });

/**
 * Fax through a provider: inbound faxes arrive as a signed multipart webhook, replies leave as
 * PDF documents through the provider's HTTP API. (Fax-to-email gateways are read by the email
 * connector from a mailbox of kind `fax`.)
 */
export const faxConnector: ConnectorFactory<FaxConnectorConfig> = {
  id: 'fax',
  channel: 'fax',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  create(context: ConnectorContext<FaxConnectorConfig>): ChannelConnector {
    const { intake, logger, config } = context;
    const provider: FaxProvider | null = config.provider ? httpFaxProvider(config.provider) : null;

    async function receive(request: WebhookRequest): Promise<WebhookResponse> {
      if (!config.webhookSecret) return reject(503, 'CHANNEL_DISABLED', 'the fax webhook is not configured (FAX_WEBHOOK_SECRET)');
      const signature = request.headers[SIGNATURE_HEADER];
      if (!verifyFaxSignature(config.webhookSecret, request.rawBody, Array.isArray(signature) ? signature[0] : signature)) {
        logger.warn({}, 'fax webhook with a missing or wrong signature refused');
        return reject(403, 'FORBIDDEN', 'missing or wrong X-Sentral-Signature');
      }
      const contentType = request.headers['content-type'];
      if (typeof contentType !== 'string' || !contentType.toLowerCase().startsWith('multipart/form-data')) {
        return reject(400, 'VALIDATION_FAILED', 'body: must be multipart/form-data');
      }
      let form;
      try {
        form = await parseMultipart(request.rawBody, contentType, { files: config.maxFiles, fileBytes: config.maxFileBytes });
      } catch (error) {
        if (error instanceof MultipartError) {
          const tooLarge = /larger than|more than/.test(error.message);
          return reject(tooLarge ? 413 : 400, tooLarge ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', `body: ${error.message}`);
        }
        throw error;
      }
      const fields = fieldsSchema.safeParse(form.fields);
      if (!fields.success) {
        const issue = fields.error.issues[0]!;
        return reject(400, 'VALIDATION_FAILED', `${issue.path.join('.') || 'fields'}: ${issue.message}`);
      }
      const files = form.files.filter((file) => file.field === 'file');
      if (!files.length) return reject(400, 'VALIDATION_FAILED', 'file: at least one PDF or TIFF document is required');
      const documents = [];
      for (const [index, file] of files.entries()) {
        const type = faxDocumentType(file.content);
        if (!type) return reject(400, 'VALIDATION_FAILED', `file.${index}: must be a PDF or TIFF document`);
        documents.push({ filename: file.filename?.slice(0, 255) ?? null, contentType: type, content: file.content });
      }
      const externalId = `fax:${fields.data.id ?? createHash('sha256').update(request.rawBody).digest('hex')}`;
      try {
        const opened = await intake.open({
          channel: 'fax',
          externalId,
          from: compactNumber(fields.data.from),
          to: compactNumber(fields.data.to),
          language: config.language,
          queueId: config.queue,
          respondWithinSeconds: Math.round(config.firstResponseHours * 3600),
          firstMessage: {
            text: text('faxReceived', config.language, documents.length),
            externalId,
            attachments: documents,
            meta: { from: fields.data.from, to: fields.data.to, providerId: fields.data.id ?? null },
          },
        });
        return { status: 202, body: { contactId: opened.contactId } };
      } catch (error) {
        if (error instanceof SentralError && error.status < 500) return reject(error.status, error.code, error.message);
        throw error;
      }
    }

    const webhooks: ConnectorWebhook[] = [{ path: '/webhooks/fax', maxBytes: config.webhookMaxBytes, handle: receive }];

    return {
      id: 'fax',
      channel: 'fax',
      webhooks,
      async start() {},
      async stop() {},
      async send(message: OutboundMessage) {
        if (!provider) throw new DeliveryError('no fax provider is configured (FAX_PROVIDER_URL)', true);
        const language = toLanguage(message.language, config.language);
        const document = await replyDocument({ heading: text('replyHeading', language, message.contactId.slice(0, 8).toUpperCase()), text: message.text });
        const sent = await provider.send({ to: compactNumber(message.to), from: config.fromNumber, document, contentType: 'application/pdf', reference: message.messageId });
        return { externalId: sent.providerId ? `fax:${sent.providerId}` : null };
      },
    };
  },
};
