import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startDovecot, type Dovecot } from './support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { addMailbox, mail, testSecretsKey } from './support/mail.ts';

const MAILBOX = 'post@sentral.test';
const MAX_PER_DAY = 2;

describe('email safety: acknowledgements never answer machines, loops stop, hostile mail is made safe', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let hub: TestHub;

  const acksTo = (address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));
  const storedFrom = (address: string) => hub.database.db.message.count({ where: { author: 'customer', contact: { fromAddress: address } } });

  beforeAll(async () => {
    [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpSink()]);
    await dovecot.addUser(MAILBOX);
    hub = await startTestHub({ backend: 'redis', env: { SECRETS_KEY: testSecretsKey, OUTBOUND_BACKOFF_MS: '100' } });
    const adminToken = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    await addMailbox(hub.url, adminToken, { address: MAILBOX, dovecot, smtp, settings: { acknowledge: true, maxAutoRepliesPerDay: MAX_PER_DAY, language: 'da' } });
  });

  afterAll(async () => {
    await hub?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
  });

  it('acknowledges a person in the mailbox language with the contact reference, marked as automatic', async () => {
    await dovecot.deliver(MAILBOX, mail({ from: 'ida@kunde.test', to: MAILBOX, subject: 'Faktura', body: 'Hej, jeg har et spørgsmål om min faktura.' }));
    const ack = await smtp.waitFor((m) => m.envelopeTo.includes('ida@kunde.test'));
    const contact = await hub.database.db.contact.findFirstOrThrow({ where: { fromAddress: 'ida@kunde.test' } });
    expect(ack.header('auto-submitted')).toBe('auto-replied');
    expect(ack.parsed.text).toContain('Tak for din henvendelse');
    expect(ack.parsed.text).toContain(contact.id.slice(0, 8).toUpperCase());
    expect(ack.parsed.inReplyTo).toBe(contact.externalId);
  });

  it('sends no acknowledgement to auto-replies, bounces, bulk mail, lists or our own address', async () => {
    const machines: Array<{ from: string; headers: Record<string, string> }> = [
      { from: 'ferie@kunde.test', headers: { 'Auto-Submitted': 'auto-replied' } },
      { from: 'nyhedsbrev@butik.test', headers: { Precedence: 'bulk' } },
      { from: 'liste@forening.test', headers: { 'List-Id': '<medlemmer.forening.test>', Precedence: 'list' } },
      { from: 'exchange@firma.test', headers: { 'X-Auto-Response-Suppress': 'All' } },
      { from: 'robot@kunde.test', headers: { Precedence: 'junk' } },
      { from: MAILBOX, headers: {} },
    ];
    for (const machine of machines) {
      await dovecot.deliver(MAILBOX, mail({ from: machine.from, to: MAILBOX, subject: 'Automatisk', body: 'Automatisk besked', headers: machine.headers }));
    }
    const bounceBoundary = 'dsn-boundary';
    await dovecot.deliver(
      MAILBOX,
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.kunde.test>',
        `To: ${MAILBOX}`,
        'Subject: Undelivered Mail Returned to Sender',
        'Message-ID: <bounce-1@mx.kunde.test>',
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=delivery-status; boundary="${bounceBoundary}"`,
        '',
        `--${bounceBoundary}`,
        'Content-Type: text/plain',
        '',
        'The mail could not be delivered.',
        `--${bounceBoundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.kunde.test',
        '',
        'Final-Recipient: rfc822; gone@kunde.test',
        'Action: failed',
        'Status: 5.1.1',
        `--${bounceBoundary}--`,
        '',
      ].join('\r\n'),
    );
    // Everything is stored (agents see it), and the last one in line arrived: no acknowledgement went to any of them.
    await until(async () => (await hub.database.db.contact.findFirst({ where: { externalId: '<bounce-1@mx.kunde.test>' } })) !== null, 30_000);
    for (const machine of machines) expect(await storedFrom(machine.from)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const machine of [...machines.map((m) => m.from), 'mailer-daemon@mx.kunde.test']) expect(acksTo(machine)).toHaveLength(0);
    const automatic = await hub.database.db.message.count({ where: { author: 'system', meta: { path: ['automatic'], equals: true } } });
    expect(automatic).toBe(1);
  });

  it('stops a mail loop with an auto-responder that marks nothing and threads nothing', async () => {
    const responder = 'autosvar@kunde.test';
    let answered = 0;
    // A badly built auto-responder: answers every mail it gets with a fresh mail, no Auto-Submitted, no threading headers.
    smtp.onMail((received) => {
      if (!received.envelopeTo.includes(responder) || answered >= 20) return;
      answered++;
      void dovecot.deliver(MAILBOX, mail({ from: responder, to: MAILBOX, subject: `Re: ${received.parsed.subject ?? ''}`, body: 'Jeg er på ferie.' }));
    });
    await dovecot.deliver(MAILBOX, mail({ from: responder, to: MAILBOX, subject: 'Spørgsmål', body: 'Hvornår åbner I?' }));
    await until(async () => (await storedFrom(responder)) === MAX_PER_DAY + 1, 30_000);
    // Quiet for a while: the daily limit ended the loop.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(acksTo(responder)).toHaveLength(MAX_PER_DAY);
    expect(await storedFrom(responder)).toBe(MAX_PER_DAY + 1);
  });

  it('stores hostile and broken mail sanitised or rejects it with a reason, and keeps reading', async () => {
    const hostileHtml = [
      'From: angriper@ond.test',
      `To: ${MAILBOX}`,
      'Subject: Se her',
      'Message-ID: <hostile-1@ond.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onclick="steal()">Hei<script>alert(1)</script></p><img src="x" onerror="alert(2)"><img src="https://tracker.ond.test/p.gif">',
      '<a href="javascript:alert(3)">klikk</a><a href="https://ok.test/">trygg</a><form action="https://ond.test"><input name=p></form>',
      '<iframe src="https://ond.test"></iframe><div style="background:url(https://ond.test/x)">stil</div><style>body{background:url(https://ond.test/y)}</style>',
      '',
    ].join('\r\n');
    const malformed = ['From: rot@ond.test', `To: ${MAILBOX}`, 'Subject: Rot', 'Message-ID: <broken-1@ond.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="never-closed"', '', '--never-closed', 'Content-Type: text/plain', '', 'Del uten slutt', '--never-closed', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', '!!!not base64!!!', ''].join('\r\n');
    const hugeHeader = mail({ from: 'stor@ond.test', to: MAILBOX, subject: 'Stor', body: 'Stor header', messageId: '<huge-1@ond.test>', headers: { 'X-Padding': 'x'.repeat(300_000) } });
    const eightBit = Buffer.concat([
      Buffer.from(['From: blaabaer@kunde.test', `To: ${MAILBOX}`, 'Subject: Bl\xe5b\xe6r', 'Message-ID: <eightbit-1@kunde.test>', 'Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit', '', ''].join('\r\n'), 'latin1'),
      Buffer.from('Jeg vil bestille bl\xe5b\xe6rsyltet\xf8y.\r\n', 'latin1'),
    ]);
    let nested = 'Dypt inne';
    for (let depth = 0; depth < 120; depth++) nested = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${depth === 0 ? 'Content-Type: text/plain\r\n\r\n' : ''}${nested}\r\n--b${depth}--`;
    const deep = `From: dyp@ond.test\r\nTo: ${MAILBOX}\r\nSubject: Dyp\r\nMessage-ID: <deep-1@ond.test>\r\nMIME-Version: 1.0\r\n${nested}\r\n`;
    for (const raw of [hostileHtml, malformed, hugeHeader, eightBit, deep]) await dovecot.deliver(MAILBOX, raw);
    // A normal mail after all of them: the reader is still running.
    await dovecot.deliver(MAILBOX, mail({ from: 'vanlig@kunde.test', to: MAILBOX, subject: 'Vanlig', body: 'Helt vanlig.', messageId: '<normal-after@kunde.test>' }));
    await until(async () => (await hub.database.db.message.count({ where: { externalId: '<normal-after@kunde.test>' } })) === 1, 30_000);

    const hostile = await hub.database.db.message.findUniqueOrThrow({ where: { externalId: '<hostile-1@ond.test>' } });
    expect(hostile.html).toContain('Hei');
    expect(hostile.html).toContain('href="https://ok.test/"');
    for (const forbidden of ['<script', 'onerror', 'onclick', 'javascript:', 'tracker.ond.test', '<form', '<input', '<iframe', 'url(', '<style']) {
      expect(hostile.html).not.toContain(forbidden);
    }
    expect(hostile.text).not.toContain('alert(1)');

    const eight = await hub.database.db.message.findUniqueOrThrow({ where: { externalId: '<eightbit-1@kunde.test>' } });
    expect(eight.text).toMatch(/bestille bl.b.rsyltet.y/);
    // Each of the broken ones is either stored or was refused with a logged reason; none stopped the reader.
    for (const id of ['<broken-1@ond.test>', '<huge-1@ond.test>', '<deep-1@ond.test>']) {
      const stored = await hub.database.db.message.findUnique({ where: { externalId: id } });
      if (stored) expect(stored.text.length).toBeGreaterThan(0);
    }
    // The cursor reaches the last message: nothing was left behind the broken ones.
    const imap = dovecot.client(MAILBOX);
    await imap.connect();
    const box = await imap.mailboxOpen('INBOX');
    await imap.logout();
    await until(async () => {
      const cursor = await hub.database.db.connectorState.findFirstOrThrow({ where: { key: { endsWith: ':cursor' } } });
      return (cursor.value as { lastUid: number }).lastUid === box.uidNext - 1;
    }, 30_000);
  });
});
