/**
 * The conversation token: Sentral writes the contact id into the Message-ID of every mail it
 * sends and into a plus-addressed Reply-To, so a reply finds its conversation even when the
 * customer's program drops In-Reply-To and References.
 */
const TOKEN = /sentral-([0-9a-f]{32})(?:[-.@]|$)/gi;

const compact = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const expand = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export function domainOf(address: string): string {
  return address.split('@')[1]?.toLowerCase() ?? 'localhost';
}

/** Deterministic, so a retried send reuses the id and the recipient's programs see one message. */
export function outgoingMessageId(contactId: string, messageId: string, address: string): string {
  return `<sentral-${compact(contactId)}-${compact(messageId)}@${domainOf(address)}>`;
}

export function tokenAddress(address: string, contactId: string): string {
  const [local, domain] = address.split('@');
  return `${local}+sentral-${compact(contactId)}@${domain}`;
}

/** Contact ids carried by tokens anywhere in these values (message ids, recipient addresses, report text). */
export function contactIdsFromTokens(values: ReadonlyArray<string | null | undefined>): string[] {
  const found = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    for (const match of value.matchAll(TOKEN)) found.add(expand(match[1]!.toLowerCase()));
  }
  return [...found];
}

/** `<a@b> <c@d>` or a list of them → bare ids without angle brackets, in order, without repeats. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  const values = Array.isArray(value) ? value : value ? [value] : [];
  const ids = values.flatMap((v) => v.match(/<[^<>\s]+>|[^\s<>,]+@[^\s<>,]+/g) ?? []);
  return [...new Set(ids.map(normaliseMessageId).filter((id): id is string => id !== null))];
}

export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const id = value.trim().replace(/^<|>$/g, '');
  return id && id.length <= 250 && !/\s/.test(id) ? `<${id}>` : null;
}
