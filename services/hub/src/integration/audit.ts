import type { Database, Prisma } from '@sentral/db';
import type { Caller } from '../http/route.ts';

type Writer = Pick<Database, 'auditLog'> | Prisma.TransactionClient;

/** Who did it, for the audit log: a signed-in user by id, an API key in the row's data. */
export function actorOf(caller: Caller | null): { actorId: string | null; via: Record<string, unknown> } {
  if (!caller) return { actorId: null, via: { via: 'system' } };
  if (caller.kind === 'agent') return { actorId: caller.agent.id, via: {} };
  return { actorId: null, via: { via: 'api-key', apiKeyId: caller.keyId ?? 'bootstrap' } };
}

export async function audit(db: Writer, caller: Caller | null, action: string, entity: string, entityId: string | null, data: Record<string, unknown> = {}): Promise<void> {
  const { actorId, via } = actorOf(caller);
  await db.auditLog.create({ data: { actorId, action, entity, entityId, data: { ...data, ...via } as Prisma.InputJsonValue } });
}
