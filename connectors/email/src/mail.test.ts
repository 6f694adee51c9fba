import { describe, expect, it } from 'vitest';
import { machineReason } from './automation.ts';
import { faxSenderNumber } from './fax-mail.ts';
import { sanitizeMailHtml } from './sanitize.ts';
import { signaturePhones } from './signature.ts';
import { contactIdsFromTokens, messageIdList, outgoingMessageId, tokenAddress } from './threading.ts';

const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;
const person = { from: 'kari@kunde.test', contentType: 'text/plain', reportType: null, returnPathEmpty: false, ownAddresses: new Set(['post@sentral.test']) };

describe('machineReason', () => {
  it('lets a person through', () => {
    expect(machineReason({ ...person, header: headers({}) })).toBeNull();
    expect(machineReason({ ...person, header: headers({ 'auto-submitted': 'no' }) })).toBeNull();
  });
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, /auto-submitted/],
    [{ 'auto-submitted': 'auto-generated; type=bounce' }, /auto-generated/],
    [{ precedence: 'bulk' }, /bulk/],
    [{ precedence: 'junk' }, /junk/],
    [{ precedence: 'list' }, /list/],
    [{ 'x-auto-response-suppress': 'OOF, AutoReply' }, /suppress/],
    [{ 'list-id': '<a.b>' }, /list/],
  ])('recognises %o', (values, reason) => {
    expect(machineReason({ ...person, header: headers(values) })).toMatch(reason);
  });
  it('recognises bounces, daemons and our own address', () => {
    expect(machineReason({ ...person, header: headers({}), contentType: 'multipart/report', reportType: 'delivery-status' })).toMatch(/report/);
    expect(machineReason({ ...person, header: headers({}), returnPathEmpty: true })).toMatch(/bounce/);
    expect(machineReason({ ...person, header: headers({}), from: 'MAILER-DAEMON@mx.test' })).toMatch(/mailer-daemon/);
    expect(machineReason({ ...person, header: headers({}), from: 'post@sentral.test' })).toMatch(/own/);
  });
});

describe('sanitizeMailHtml', () => {
  const dirty =
    '<p onclick="x()">Hei<script>alert(1)</script></p><img src="x" onerror="y()"><img src="https://t.test/p.gif"><img src="cid:logo">' +
    '<a href="javascript:alert(1)">a</a><a href="https://ok.test">b</a><form><input></form><iframe src="https://e.test"></iframe>' +
    '<div style="background:url(https://e.test/x);color:red">s</div><svg onload="z()"></svg><object data="x"></object>';
  it('keeps content and formatting, drops every active or tracking part', () => {
    const clean = sanitizeMailHtml(dirty, { remoteImages: false });
    expect(clean).toContain('Hei');
    expect(clean).toContain('src="cid:logo"');
    expect(clean).toContain('href="https://ok.test"');
    expect(clean).toContain('rel="noopener noreferrer nofollow"');
    for (const bad of ['script', 'onclick', 'onerror', 'onload', 'javascript:', 't.test', '<form', '<input', '<iframe', 'url(', '<svg', '<object']) {
      expect(clean).not.toContain(bad);
    }
  });
  it('keeps remote images only when the mailbox allows them', () => {
    expect(sanitizeMailHtml('<img src="https://t.test/p.gif">', { remoteImages: true })).toContain('https://t.test/p.gif');
  });
});

describe('conversation tokens', () => {
  const contactId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  it('round-trips through our Message-ID and the plus-addressed Reply-To', () => {
    const messageId = outgoingMessageId(contactId, 'ffffffff-0000-4000-8000-000000000001', 'post@Sentral.test');
    expect(messageId).toMatch(/^<sentral-0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d-[0-9a-f]{32}@sentral\.test>$/);
    expect(contactIdsFromTokens([messageId])).toEqual([contactId]);
    expect(contactIdsFromTokens([tokenAddress('post@sentral.test', contactId)])).toEqual([contactId]);
    expect(contactIdsFromTokens(['<abc@other.test>', null, 'kari@kunde.test'])).toEqual([]);
  });
  it('reads message id lists as mail programs write them', () => {
    expect(messageIdList('<a@x> <b@y>\r\n <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIdList(['<a@x>', 'b@y'])).toEqual(['<a@x>', '<b@y>']);
    expect(messageIdList(undefined)).toEqual([]);
  });
});

describe('faxSenderNumber', () => {
  const none = () => null;
  it.each([
    ['Fax from +47 22 33 44 55 (2 pages)', '+4722334455'],
    ['Faks fra 22334455', '22334455'],
    ['Fax von 0049 30 1234567', '+49301234567'],
    ['[FAX] +4522334455', '+4522334455'],
  ])('finds the number in "%s"', (subject, number) => {
    expect(faxSenderNumber({ header: none, subject, from: 'gw@fax.test' })).toBe(number);
  });
  it('prefers a gateway header and falls back to the sender local part', () => {
    expect(faxSenderNumber({ header: headers({ 'x-fax-from': '+47 99 88 77 66' }), subject: 'Fax from 123456', from: null })).toBe('+4799887766');
    expect(faxSenderNumber({ header: none, subject: 'New document', from: '4722334455@fax.provider.test' })).toBe('4722334455');
    expect(faxSenderNumber({ header: none, subject: 'Hello', from: 'kari@kunde.test' })).toBeNull();
  });
});

describe('signaturePhones', () => {
  it('finds numbers in the signature, not in the quoted history or the order lines', () => {
    const text = 'Hei,\nordre 12345678 er feil.\n> ring 99999999\n\n-- \nKari Nordmann\nTlf: +47 912 34 567\nFirma AS';
    expect(signaturePhones(text)).toEqual(['+4791234567']);
  });
});
