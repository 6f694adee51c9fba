import { randomBytes } from 'node:crypto';
import type { SmtpSink } from './smtp-sink.ts';

export const testSecretsKey = 'test-secrets-key-test-secrets-key-0123456789';

/** A plain RFC 5322 message; extra headers are written as given. */
export function mail(input: { from: string; to: string; subject: string; body: string; messageId?: string; headers?: Record<string, string> }): string {
  const messageId = input.messageId ?? `<${randomBytes(8).toString('hex')}@customer.test>`;
  const headers = {
    From: input.from,
    To: input.to,
    Subject: input.subject,
    Date: new Date().toUTCString(),
    'Message-ID': messageId,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...input.headers,
  };
  return `${Object.entries(headers).map(([key, value]) => `${key}: ${value}`).join('\r\n')}\r\n\r\n${input.body.replace(/\n/g, '\r\n')}\r\n`;
}

/** Adds a mailbox through the admin API, reading from the test's Dovecot and sending through its SMTP sink. */
export async function addMailbox(
  hubUrl: string,
  adminToken: string,
  input: { address: string; dovecot: { port: number }; smtp?: SmtpSink; kind?: 'email' | 'fax'; settings?: Record<string, unknown>; imapPort?: number },
): Promise<{ id: string }> {
  const response = await fetch(`${hubUrl}/api/mailboxes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      name: 'Kundeservice',
      address: input.address,
      kind: input.kind ?? 'email',
      settings: {
        imap: { host: '127.0.0.1', port: input.imapPort ?? input.dovecot.port, user: input.address, pollSeconds: 2 },
        smtp: input.smtp ? { host: '127.0.0.1', port: input.smtp.port } : null,
        ...input.settings,
      },
      secrets: { imapPassword: 'secret' },
    }),
  });
  if (response.status !== 201) throw new Error(`mailbox not created: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

