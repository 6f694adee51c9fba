import type { ConnectorAccounts, ConnectorState, SelfServicePorts, WebChatPorts } from '@sentral/contract';
import type { Config } from '../config.ts';

/**
 * Each connector's own slice of the hub's configuration and ports, by connector id: the only
 * place that knows which connector needs what.
 */
export function channelContext(
  config: Readonly<Config>,
  ports: { mailboxes: ConnectorAccounts; state: ConnectorState; selfService?: (connectorId: string) => SelfServicePorts; webChat?: WebChatPorts },
): (connectorId: string) => { rawConfig: unknown; accounts?: ConnectorAccounts; state?: ConnectorState; selfService?: SelfServicePorts; webChat?: WebChatPorts } {
  return (connectorId) => {
    switch (connectorId) {
      case 'email':
        return { rawConfig: {}, accounts: ports.mailboxes, state: ports.state };
      case 'twilio-voice':
        return {
          rawConfig: { twilio: config.twilio, publicBaseUrl: config.publicBaseUrl },
          ...(ports.selfService ? { selfService: ports.selfService(connectorId) } : {}),
        };
      case 'fax':
        return {
          rawConfig: {
            webhookSecret: config.faxWebhookSecret,
            provider: config.faxProvider ? { url: config.faxProvider.url, token: config.faxProvider.token } : null,
            fromNumber: config.faxProvider?.fromNumber ?? null,
            webhookMaxBytes: config.faxWebhookMaxBytes,
          },
        };
      case 'web-chat':
        return {
          rawConfig: { allowedOrigins: config.widget.allowedOrigins === '*' ? '*' : [...config.widget.allowedOrigins] },
          ...(ports.webChat ? { webChat: ports.webChat } : {}),
          ...(ports.selfService ? { selfService: ports.selfService(connectorId) } : {}),
        };
      default:
        return { rawConfig: {} };
    }
  };
}
