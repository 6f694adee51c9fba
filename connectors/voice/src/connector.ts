import { z } from 'zod';
import { SentralError, type ChannelConnector, type ConnectorContext, type ConnectorFactory, type OutboundEvent } from '@sentral/contract';
import { agentAccessToken, createCallControl, type CallControl } from './calls.ts';
import { VoiceChannel } from './channel.ts';
import { FlowCache } from './flows.ts';
import { VoiceUrls } from './twiml.ts';
import { voiceWebhooks } from './webhooks.ts';

const configSchema = z
  .object({
    /** Null when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are unset: the webhooks then answer 503. */
    twilio: z
      .object({
        accountSid: z.string().regex(/^AC[0-9a-f]{32}$/i),
        authToken: z.string().min(16),
        /** API key for Voice SDK access tokens; without one, agents take calls on their phone number only. */
        apiKeySid: z.string().regex(/^SK[0-9a-f]{32}$/i).nullish(),
        apiKeySecret: z.string().min(16).nullish(),
        apiBaseUrl: z.string().url().nullish(),
      })
      .strict()
      .nullable()
      .default(null),
    publicBaseUrl: z.string().url(),
  })
  .strict();

export type VoiceConnectorConfig = z.infer<typeof configSchema>;

/**
 * Voice and IVR on Twilio: callers are identified, verified and served by an IVR built from a
 * stored flow, wait with announcements or ask to be called back, and are bridged to the agent
 * who accepts them through a conference.
 */
export const voiceConnector: ConnectorFactory<VoiceConnectorConfig> = {
  id: 'twilio-voice',
  channel: 'voice',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  create(context: ConnectorContext<VoiceConnectorConfig>): ChannelConnector {
    const { config, logger, intake } = context;
    const twilioConfig = config.twilio;
    const ports = context.selfService;
    const urls = new VoiceUrls(config.publicBaseUrl.replace(/\/$/, ''));
    const calls: CallControl | null = twilioConfig ? createCallControl(twilioConfig) : null;
    const channel =
      twilioConfig && ports && calls
        ? new VoiceChannel({ ports, intake, calls, urls, flows: new FlowCache(ports.flows, logger), logger, now: () => new Date() })
        : null;
    if (twilioConfig && !ports) logger.warn({}, 'voice is configured but the hub lends no self-service ports; webhooks answer 503');
    const running = new Set<Promise<void>>();
    // One contact's events are handled in the order the hub sent them (a closing message before the end).
    const lastOfContact = new Map<string, Promise<void>>();
    let started = false;
    const apiKey =
      twilioConfig?.apiKeySid && twilioConfig.apiKeySecret
        ? { accountSid: twilioConfig.accountSid, apiKeySid: twilioConfig.apiKeySid, apiKeySecret: twilioConfig.apiKeySecret }
        : null;

    /** Hub events trigger REST calls to Twilio; they run beside the hub's work instead of holding it up. */
    function inBackground(work: () => Promise<void>, event: OutboundEvent): void {
      const previous = lastOfContact.get(event.contactId) ?? Promise.resolve();
      const tracked: Promise<void> = previous
        .then(work)
        .catch((error: unknown) => logger.error({ err: error, kind: event.kind, contactId: event.contactId }, 'voice event failed'))
        .finally(() => {
          running.delete(tracked);
          if (lastOfContact.get(event.contactId) === tracked) lastOfContact.delete(event.contactId);
        });
      running.add(tracked);
      lastOfContact.set(event.contactId, tracked);
    }

    return {
      id: 'twilio-voice',
      channel: 'voice',
      webhooks: voiceWebhooks({
        channel: () => (started ? channel : null),
        security: channel && twilioConfig ? { authToken: twilioConfig.authToken } : null,
        logger,
      }),
      async start() {
        started = true;
      },
      async stop() {
        started = false;
        await Promise.all([...running]);
      },
      async deliver(event) {
        if (!channel || !started) return;
        // Queue announcements are pulled by the wait loop; nothing to do for them here.
        if (event.kind === 'queue') return;
        inBackground(() => channel.event(event), event);
      },
      async monitor(request) {
        if (!channel || !started) throw new SentralError('CHANNEL_DISABLED', 'voice is not configured on this hub');
        return channel.monitor(request);
      },
      // Offered only with an API key: the hub tells desktops from its presence whether to start a browser phone.
      ...(apiKey ? { agentDevice: async (agent: { id: string; name: string }) => agentAccessToken(apiKey, agent.id) } : {}),
    };
  },
};
