import type { Channel, ChannelConnector, ConnectorContext, ConnectorFactory } from '@sentral/contract';
import { chatConnector } from '@sentral/connector-chat';
import { emailConnector } from '@sentral/connector-email';
import { faxConnector } from '@sentral/connector-fax';
import { voiceConnector } from '@sentral/connector-voice';

/** Every connector the hub knows, in one explicit list. */
export const connectorFactories: ReadonlyArray<ConnectorFactory<unknown>> = [
  chatConnector as ConnectorFactory<unknown>,
  emailConnector as ConnectorFactory<unknown>,
  faxConnector as ConnectorFactory<unknown>,
  voiceConnector as ConnectorFactory<unknown>,
];

export interface ConnectorRegistry {
  all(): readonly ChannelConnector[];
  forChannel(channel: Channel): ChannelConnector | undefined;
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
}

/**
 * Builds the connectors from their factories, checking at boot that ids are unique and that each
 * connector's own configuration slice is valid.
 */
export function createConnectorRegistry(
  factories: ReadonlyArray<ConnectorFactory<unknown>>,
  contextFor: (factory: ConnectorFactory<unknown>) => Omit<ConnectorContext<unknown>, 'config'> & { rawConfig: unknown },
): ConnectorRegistry {
  const seen = new Set<string>();
  const connectors = factories.map((factory) => {
    if (seen.has(factory.id)) throw new Error(`connector id "${factory.id}" is registered twice`);
    seen.add(factory.id);
    const { rawConfig, ...context } = contextFor(factory);
    const config: unknown = Object.freeze(factory.parseConfig(rawConfig));
    const connector = factory.create({ ...context, config });
    if (connector.channel !== factory.channel || connector.id !== factory.id) {
      throw new Error(`connector "${factory.id}" does not match its factory`);
    }
    return connector;
  });
  const byChannel = new Map<Channel, ChannelConnector>();
  for (const connector of connectors) if (!byChannel.has(connector.channel)) byChannel.set(connector.channel, connector);
  return {
    all: () => connectors,
    forChannel: (channel) => byChannel.get(channel),
    async startAll() {
      for (const connector of connectors) await connector.start();
    },
    async stopAll() {
      for (const connector of [...connectors].reverse()) await connector.stop();
    },
  };
}
