export { emailConnector } from './connector.ts';
export { mailboxSettingsSchema, mailboxSecretsSchema, mailboxKinds } from './account.ts';
