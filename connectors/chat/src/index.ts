export { chatConnector } from './connector.ts';
