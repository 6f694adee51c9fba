import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { identificationMethods, type Channel, type IdentificationMethod } from '@sentral/contract';
import type { Database } from '@sentral/db';

export interface Identification {
  customerId: string | null;
  method: IdentificationMethod;
  confidence: number;
}

/**
 * E.164 or null. Withheld and pseudo callers (`anonymous`, `client:…`, `sip:…`, invalid numbers)
 * are unknown: matching them to a customer would show the wrong person's data.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry: string): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!/^[+0-9][0-9\s().-]*$/.test(trimmed)) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}

export function normaliseEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

const channelIdentificationSchema = z.object({
  customerId: z.string().uuid().nullable(),
  method: z.enum(identificationMethods),
  confidence: z.number().min(0).max(1),
});

/**
 * What a channel established itself about the customer (an IVR verification, a choice among several
 * customers on one number), stored on the contact at intake; it replaces matching the address.
 */
export function channelIdentification(attributes: unknown): Identification | null {
  const parsed = channelIdentificationSchema.safeParse((attributes as { identified?: unknown } | null)?.identified);
  return parsed.success ? parsed.data : null;
}

export const evidenceStrength: Record<Exclude<IdentificationMethod, 'verified' | 'none'>, number> = {
  email: 0.9,
  phone: 0.85,
  fax: 0.75,
  // A returning chat visitor id only proves the same browser.
  chat: 0.6,
};

interface Evidence {
  method: Exclude<IdentificationMethod, 'verified' | 'none'>;
  kind: 'phone' | 'email' | 'chat' | 'fax';
  value: string;
  weight: number;
}

const HINTED_PHONE_WEIGHT = 0.4;

/** The identities a contact's addresses point at, strongest first. */
export function evidenceFor(
  channel: Channel,
  from: string | null,
  claimedEmail: string | null,
  defaultCountry: string,
  hintedPhones: readonly string[] = [],
): Evidence[] {
  const evidence: Evidence[] = [];
  if (channel === 'voice') {
    const phone = normalisePhone(from, defaultCountry);
    if (phone) evidence.push({ method: 'phone', kind: 'phone', value: phone, weight: evidenceStrength.phone });
  } else if (channel === 'fax') {
    const fax = normalisePhone(from, defaultCountry);
    if (fax) evidence.push({ method: 'fax', kind: 'fax', value: fax, weight: evidenceStrength.fax });
  } else if (channel === 'email') {
    const email = normaliseEmail(from);
    if (email) evidence.push({ method: 'email', kind: 'email', value: email, weight: evidenceStrength.email });
    // A number in a mail signature could be anybody's: weak evidence, used only when the address is unknown.
    for (const hinted of hintedPhones) {
      const phone = normalisePhone(hinted, defaultCountry);
      if (phone) evidence.push({ method: 'phone', kind: 'phone', value: phone, weight: HINTED_PHONE_WEIGHT });
    }
  } else {
    // A chat visitor typed their email: weaker than a mailbox that sent a message.
    const email = normaliseEmail(claimedEmail);
    if (email) evidence.push({ method: 'email', kind: 'email', value: email, weight: 0.7 });
    if (from) evidence.push({ method: 'chat', kind: 'chat', value: from, weight: evidenceStrength.chat });
  }
  return evidence;
}

export async function identifyCustomer(
  db: Database,
  channel: Channel,
  from: string | null,
  claimedEmail: string | null,
  defaultCountry: string,
  hintedPhones: readonly string[] = [],
): Promise<Identification> {
  for (const item of evidenceFor(channel, from, claimedEmail, defaultCountry, hintedPhones)) {
    const matches = await db.customerIdentity.findMany({
      where: { kind: item.kind, value: item.value },
      select: { customerId: true, verified: true, customer: { select: { updatedAt: true } } },
      orderBy: { customer: { updatedAt: 'desc' } },
      take: 5,
    });
    const customerIds = [...new Set(matches.map((m) => m.customerId))];
    if (customerIds.length === 0) continue;
    // Several customers behind one address: still show the most recently active, with less certainty.
    const confidence = Math.round((item.weight / customerIds.length) * 100) / 100;
    return { customerId: customerIds[0]!, method: item.method, confidence };
  }
  return { customerId: null, method: 'none', confidence: 0 };
}
