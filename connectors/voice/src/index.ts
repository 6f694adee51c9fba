export { voiceConnector } from './connector.ts';
export { ivrFlowSchema, demoFlow, parseFlow } from './flow.ts';
export { orderStatusName, shipmentStatusName, writtenMoney } from './prompts.ts';
