import { describe, expect, it } from 'vitest';
import type { ContactIntake, InboundContact } from '@sentral/contract';
import { faxConnector } from './connector.ts';
import { signFaxBody, verifyFaxSignature } from './signature.ts';

const logger = { info() {}, warn() {}, error() {}, debug() {} };

/** An intake that records what reaches it: the webhook's checks must keep bad requests from ever getting there. */
function recordingIntake(): ContactIntake & { opened: InboundContact[] } {
  const opened: InboundContact[] = [];
  return {
    opened,
    async open(inbound) {
      opened.push(inbound);
      return { contactId: '00000000-0000-4000-8000-000000000001', created: true };
    },
    async customerMessage() {
      return { id: 'm', seq: 1, at: new Date().toISOString() };
    },
    async customerEnded() {},
    async openConversation() {
      return null;
    },
    async queueStatus() {
      return null;
    },
  };
}

function webhookOf(config: unknown, intake: ContactIntake) {
  const connector = faxConnector.create({ config: faxConnector.parseConfig(config), intake, logger });
  return connector.webhooks![0]!;
}

const secret = 'a-fax-webhook-secret-0123';
const boundary = 'b0undary';
const body = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="from"\r\n\r\n+47 22 33 44 55\r\n--${boundary}\r\nContent-Disposition: form-data; name="to"\r\n\r\n+4721000000\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 minimal\r\n--${boundary}--\r\n`,
);
const headers = (signature?: string) => ({ 'content-type': `multipart/form-data; boundary=${boundary}`, ...(signature ? { 'x-sentral-signature': signature } : {}) });

describe('the fax webhook', () => {
  it('answers 503 without a configured secret and 403 for a missing or wrong signature, storing nothing', async () => {
    const intake = recordingIntake();
    expect((await webhookOf({}, intake).handle({ method: 'POST', headers: headers(signFaxBody(secret, body)), rawBody: body })).status).toBe(503);
    const hook = webhookOf({ webhookSecret: secret }, intake);
    expect((await hook.handle({ method: 'POST', headers: headers(), rawBody: body })).status).toBe(403);
    expect((await hook.handle({ method: 'POST', headers: headers(signFaxBody('another-secret-0123456', body)), rawBody: body })).status).toBe(403);
    expect((await hook.handle({ method: 'POST', headers: headers('sha256=zz'), rawBody: body })).status).toBe(403);
    expect(intake.opened).toHaveLength(0);
  });

  it('hands a signed fax to the intake with the number compacted and the document typed by its bytes', async () => {
    const intake = recordingIntake();
    const answer = await webhookOf({ webhookSecret: secret }, intake).handle({ method: 'POST', headers: headers(signFaxBody(secret, body)), rawBody: body });
    expect(answer).toEqual({ status: 202, body: { contactId: '00000000-0000-4000-8000-000000000001' } });
    expect(intake.opened[0]).toMatchObject({ channel: 'fax', from: '+4722334455', to: '+4721000000' });
    expect(intake.opened[0]!.firstMessage?.attachments?.[0]).toMatchObject({ contentType: 'application/pdf', filename: 'f.pdf' });
  });

  it('refuses a file that is neither PDF nor TIFF whatever it claims to be', async () => {
    const fake = Buffer.from(body.toString('latin1').replace('%PDF-1.4 minimal', '<html>not a fax</html>'), 'latin1');
    const intake = recordingIntake();
    const answer = await webhookOf({ webhookSecret: secret }, intake).handle({ method: 'POST', headers: headers(signFaxBody(secret, fake)), rawBody: fake });
    expect(answer.status).toBe(400);
    expect(intake.opened).toHaveLength(0);
  });

  it('checks signatures in constant form', () => {
    expect(verifyFaxSignature(secret, body, signFaxBody(secret, body))).toBe(true);
    expect(verifyFaxSignature(secret, body, signFaxBody(secret, body).toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyFaxSignature(secret, body, undefined)).toBe(false);
  });
});
