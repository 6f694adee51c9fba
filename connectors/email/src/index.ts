export { emailConnector, type EmailConnectorConfig } from './connector.ts';
export { mailboxSettingsSchema, mailboxSecretsSchema, mailboxKinds, type MailboxSettings, type MailboxSecrets, type MailboxAccount } from './account.ts';
export { cursorKey, type MailboxCursor } from './imap-poller.ts';
export { sanitizeMailHtml } from './sanitize.ts';
export { machineReason } from './automation.ts';
export { parseMail } from './parse.ts';
export { outgoingMessageId, tokenAddress, contactIdsFromTokens } from './threading.ts';
export { faxSenderNumber } from './fax-mail.ts';
export { signaturePhones } from './signature.ts';
