export { chatConnector, type ChatConnectorConfig } from './connector.ts';
