const FAX_HEADERS = ['x-fax-from', 'x-fax-sender', 'x-fax-number', 'x-faxnumber', 'x-fax-remote-number', 'x-fax-csid', 'x-fax-remote-id'];
// Digits with at most one space, dot or dash between them: "(1 page)" after a number is not part of it.
const NUMBER = /(?:\+|00)?\d(?:[\s.-]?\d){4,16}/;
const SUBJECT_PATTERNS = [
  // "Fax from +47 22 33 44 55", "Faks fra …", "Fax von …", "Fax de …", "New fax from … (3 pages)"
  /\bfa(?:x|ks)\b[^0-9+]{0,40}?\b(?:from|fra|von|de|van|från)\b[^0-9+]{0,40}((?:\+|00)?\d(?:[\s.-]?\d){4,16})/i,
  // "[FAX] 22334455", "FAX: +4722334455"
  /\bfa(?:x|ks)\b\W{0,5}?((?:\+|00)?\d(?:[\s.-]?\d){4,16})/i,
];

const digitsOf = (value: string) => value.replace(/[\s().-]/g, '').replace(/^00/, '+');

/**
 * The sender's fax number as fax-to-email gateways write it: a dedicated header, the subject, or
 * the digits of the sender's local part (`4722334455@fax.example`). Null when none is given.
 */
export function faxSenderNumber(mail: { header(name: string): string | null; subject: string | null; from: string | null }): string | null {
  for (const name of FAX_HEADERS) {
    const match = mail.header(name)?.match(NUMBER);
    if (match) return digitsOf(match[0]);
  }
  for (const pattern of SUBJECT_PATTERNS) {
    const match = mail.subject?.match(pattern);
    if (match?.[1]) return digitsOf(match[1]);
  }
  const local = mail.from?.split('@')[0] ?? '';
  const fromDigits = local.match(/^(?:fax[._-]?)?(\+?\d{5,16})$/i);
  return fromDigits?.[1] ? digitsOf(fromDigits[1]) : null;
}
