/**
 * Why a mail must not be answered automatically, or null when a person sent it. Answering a
 * machine (an auto-responder, a bounce, a mailing list) is how mail loops start.
 */
export function machineReason(mail: {
  header(name: string): string | null;
  from: string | null;
  contentType: string | null;
  reportType: string | null;
  returnPathEmpty: boolean;
  ownAddresses: ReadonlySet<string>;
}): string | null {
  const autoSubmitted = mail.header('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted.split(';')[0]}`;
  const precedence = mail.header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `precedence: ${precedence}`;
  if (mail.header('x-auto-response-suppress') !== null) return 'x-auto-response-suppress';
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponse']) if (mail.header(name) !== null) return name;
  if (mail.header('list-id') !== null || mail.header('list-unsubscribe') !== null) return 'mailing list';
  if (mail.contentType === 'multipart/report') return `report: ${mail.reportType ?? 'unknown'}`;
  if (mail.returnPathEmpty) return 'null return path (bounce)';
  const from = mail.from?.toLowerCase() ?? null;
  if (!from) return 'no sender';
  const local = from.split('@')[0] ?? '';
  if (/^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+-].*)?$/.test(local)) return `sender ${local}`;
  if (mail.ownAddresses.has(from)) return 'our own address';
  return null;
}
