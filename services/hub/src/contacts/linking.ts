import { SentralError } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import { evidenceFor } from '../pipeline/identify.ts';
import { recordEvent } from './messages.ts';

/**
 * Links a contact the pipeline could not identify to a customer the agent found or created. The
 * contact's own addresses become (unverified) identities of that customer, so the next contact
 * from the same phone, mailbox or browser is recognised without the agent's help.
 */
export async function linkContactToCustomer(
  db: Database,
  agent: AgentPrincipal,
  input: { contactId: string; customerId: string; created: boolean },
  defaultCountry: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const [contact] = await tx.$queryRaw<
      Array<{ agentId: string | null; status: string; channel: 'voice' | 'chat' | 'email' | 'fax'; fromAddress: string | null; attributes: Prisma.JsonValue }>
    >`SELECT "agentId", status::text AS status, channel::text AS channel, "fromAddress", attributes FROM "Contact" WHERE id = ${input.contactId}::uuid FOR UPDATE`;
    if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
    if (agent.role === 'agent' && contact.agentId !== agent.id) throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
    if (contact.status !== 'accepted' && contact.status !== 'ended') {
      throw new SentralError('CONFLICT', `the contact is ${contact.status}; only a conversation in progress or in wrap-up can be linked`);
    }
    const customer = await tx.customer.findUnique({ where: { id: input.customerId }, select: { id: true } });
    if (!customer) throw new SentralError('NOT_FOUND', 'no such customer');
    const claimedEmail = (contact.attributes as { claimedEmail?: unknown } | null)?.claimedEmail;
    const evidence = evidenceFor(contact.channel, contact.fromAddress, typeof claimedEmail === 'string' ? claimedEmail : null, defaultCountry);
    if (evidence.length) {
      await tx.customerIdentity.createMany({
        data: evidence.map((item) => ({ customerId: customer.id, kind: item.kind, value: item.value })),
        skipDuplicates: true,
      });
    }
    await tx.contact.update({ where: { id: input.contactId }, data: { customerId: customer.id } });
    await recordEvent(tx, input.contactId, 'linked', `agent:${agent.id}`, { customerId: customer.id, created: input.created });
  });
}
