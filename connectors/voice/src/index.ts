export { voiceConnector, type VoiceConnectorConfig } from './connector.ts';
export { ivrFlowSchema, demoFlow, parseFlow, type IvrFlow, type FlowInput } from './flow.ts';
export { orderStatusName, shipmentStatusName, writtenMoney } from './prompts.ts';
