export { faxConnector } from './connector.ts';
export { signFaxBody } from './signature.ts';
