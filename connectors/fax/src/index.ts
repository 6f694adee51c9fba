export { faxConnector, type FaxConnectorConfig } from './connector.ts';
export { signFaxBody, verifyFaxSignature, SIGNATURE_HEADER } from './signature.ts';
export { httpFaxProvider, type FaxProvider } from './provider.ts';
export { replyDocument } from './document.ts';
