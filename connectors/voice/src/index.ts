export { voiceConnector } from './connector.ts';
export { ivrFlowSchema, demoFlow, parseFlow } from './flow.ts';
