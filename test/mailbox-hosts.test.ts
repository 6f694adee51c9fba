import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { seed, startTestHub, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';

const secretsKey = 'mailbox-hosts-test-secrets-key-0123456789';

describe('mailbox hosts: no loopback, link-local or metadata addresses', () => {
  let database: TestDatabase;
  let hub: TestHub;
  let strict: TestHub;
  let admin: string;

  const create = (url: string, imapHost: string, smtpHost: string | null = null, address = `box-${Math.random().toString(36).slice(2)}@demo.test`) =>
    fetch(`${url}/api/mailboxes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        name: 'Kundeservice',
        address,
        // Disabled: the test is about what may be saved, not about connecting to these hosts.
        enabled: false,
        settings: { imap: { host: imapHost, port: 993, user: 'service' }, smtp: smtpHost ? { host: smtpHost, port: 587 } : null },
        secrets: { imapPassword: 'secret' },
      }),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 5);
    hub = await startTestHub({ backend: 'redis', database, env: { MAILBOX_ALLOW_LOOPBACK: 'false', SECRETS_KEY: secretsKey } });
    strict = await startTestHub({ backend: 'redis', database, env: { MAILBOX_ALLOW_LOOPBACK: 'false', MAILBOX_ALLOW_PRIVATE: 'false', SECRETS_KEY: secretsKey } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
  });
  afterAll(async () => {
    await strict?.stop();
    await hub?.stop();
    await database?.drop();
  });

  it('refuses loopback, link-local, metadata and unspecified hosts, by address or by a name resolving to one, for IMAP and SMTP', async () => {
    const refused = ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '[::ffff:127.0.0.1]', '169.254.169.254', '169.254.10.1', '[fe80::1]', '100.100.100.200', '[fd00:ec2::254]', '0.0.0.0'];
    for (const host of refused) {
      const response = await create(hub.url, host);
      expect(response.status, host).toBe(400);
      expect(await response.json(), host).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^settings\.imap\.host: /) } });
    }
    const smtp = await create(hub.url, '192.0.2.10', '169.254.169.254');
    expect(await smtp.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('settings.smtp.host: is a link-local or metadata address') } });
    expect(await database.db.mailbox.count()).toBe(0);
  });

  it('keeps private ranges for on-premise mail servers, unless MAILBOX_ALLOW_PRIVATE=false', async () => {
    const onPremise = await create(hub.url, '10.20.30.40', '192.168.1.25');
    expect(onPremise.status).toBe(201);
    const mailbox = (await onPremise.json()) as { id: string };

    for (const host of ['10.20.30.40', '172.16.5.5', '192.168.1.25', '[fd12:3456::1]']) {
      const response = await create(strict.url, host);
      expect(response.status, host).toBe(400);
      expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('private address') } });
    }
    // A change of host goes through the same check.
    const moved = await fetch(`${hub.url}/api/mailboxes/${mailbox.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ settings: { imap: { host: '169.254.169.254', port: 143, user: 'service' } } }),
    });
    expect(moved.status).toBe(400);
    const stored = await database.db.mailbox.findUniqueOrThrow({ where: { id: mailbox.id } });
    expect(stored.settings).toMatchObject({ imap: { host: '10.20.30.40' } });
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });
});
