import { z } from 'zod';
import { SentralError, type Channel } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import { DATE, isTimeZone, TIME, weekdays, type OpeningHours } from './hours.ts';
import { closedActions, type ClosedAction } from './texts.ts';

/** Everything routing needs to know about one queue. */
export interface QueueSettings {
  id: string;
  name: string;
  channels: Channel[];
  offerTimeoutSeconds: number;
  wrapUpSeconds: number;
  maxWaitSeconds: number;
  agingWeight: number;
  hours: OpeningHours;
  closedAction: ClosedAction;
  closedMessage: Partial<Record<'nb' | 'da' | 'en', string>>;
}

export const DEFAULT_TIME_ZONE = 'Europe/Oslo';
export const queueDefaults = { wrapUpSeconds: 0, maxWaitSeconds: 600, agingWeight: 0.1, timeZone: DEFAULT_TIME_ZONE, closedAction: 'message' as ClosedAction };

const interval = z
  .tuple([z.string().regex(TIME, 'must be HH:MM'), z.string().regex(TIME, 'must be HH:MM')])
  .refine(([from, to]) => from < to, 'must end after it starts');
const intervals = z.array(interval).max(10);

/** The body of PUT /api/queues/:id/routing: any subset of the settings. */
export const queueSettingsInput = z
  .object({
    offerTimeoutSeconds: z.number().int().min(2).max(600),
    wrapUpSeconds: z.number().int().min(0).max(3600),
    maxWaitSeconds: z.number().int().min(1).max(86_400),
    agingWeight: z.number().min(0).max(100),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Oslo'),
    businessHours: z.partialRecord(z.enum(weekdays), intervals).nullable(),
    holidays: z.array(z.object({ date: z.string().regex(DATE, 'must be YYYY-MM-DD'), hours: intervals.optional() }).strict()).max(366),
    closedAction: z.enum(closedActions),
    closedMessage: z.object({ nb: z.string().min(1).max(1000), da: z.string().min(1).max(1000), en: z.string().min(1).max(1000) }).partial().strict(),
  })
  .partial()
  .strict();
export type QueueSettingsInput = z.infer<typeof queueSettingsInput>;

interface QueueRow {
  id: string;
  name: string;
  channels: Channel[];
  offerTimeoutSeconds: number;
  wrapUpSeconds: number | null;
  maxWaitSeconds: number | null;
  agingWeight: number | null;
  timeZone: string | null;
  businessHours: unknown;
  holidays: unknown;
  closedAction: string | null;
  closedMessage: unknown;
}

function toSettings(row: QueueRow): QueueSettings {
  return {
    id: row.id,
    name: row.name,
    channels: row.channels,
    offerTimeoutSeconds: row.offerTimeoutSeconds,
    wrapUpSeconds: row.wrapUpSeconds ?? queueDefaults.wrapUpSeconds,
    maxWaitSeconds: row.maxWaitSeconds ?? queueDefaults.maxWaitSeconds,
    agingWeight: row.agingWeight ?? queueDefaults.agingWeight,
    hours: {
      timeZone: row.timeZone ?? queueDefaults.timeZone,
      weekly: (row.businessHours ?? null) as OpeningHours['weekly'],
      holidays: (row.holidays ?? []) as OpeningHours['holidays'],
    },
    closedAction: (row.closedAction ?? queueDefaults.closedAction) as ClosedAction,
    closedMessage: (row.closedMessage ?? {}) as QueueSettings['closedMessage'],
  };
}

/** Settings of the given queues (all when none given), in one query: this runs for every contact. */
export async function loadQueueSettings(db: Database | Prisma.TransactionClient, ids?: string[]): Promise<Map<string, QueueSettings>> {
  const rows = await db.$queryRaw<QueueRow[]>`
    SELECT q.id, q.name, q.channels::text[] AS channels, q."offerTimeoutSeconds",
           qr."wrapUpSeconds", qr."maxWaitSeconds", qr."agingWeight", qr."timeZone", qr."businessHours", qr.holidays, qr."closedAction", qr."closedMessage"
    FROM "Queue" q LEFT JOIN "QueueRouting" qr ON qr."queueId" = q.id
    WHERE ${ids ?? null}::text[] IS NULL OR q.id = ANY(${ids ?? null}::text[])`;
  return new Map(rows.map((row) => [row.id, toSettings(row)]));
}

/** The settings as the REST API shows them. */
export function settingsView(settings: QueueSettings) {
  return {
    queue: settings.id,
    name: settings.name,
    channels: settings.channels,
    offerTimeoutSeconds: settings.offerTimeoutSeconds,
    wrapUpSeconds: settings.wrapUpSeconds,
    maxWaitSeconds: settings.maxWaitSeconds,
    agingWeight: settings.agingWeight,
    timeZone: settings.hours.timeZone,
    businessHours: settings.hours.weekly,
    holidays: settings.hours.holidays,
    closedAction: settings.closedAction,
    closedMessage: settings.closedMessage,
  };
}

export async function saveQueueSettings(db: Database, queueId: string, input: QueueSettingsInput, actorId: string | null): Promise<QueueSettings> {
  return db.$transaction(async (tx) => {
    const queue = await tx.queue.findUnique({ where: { id: queueId }, select: { id: true } });
    if (!queue) throw new SentralError('NOT_FOUND', `no such queue "${queueId}"`);
    const { offerTimeoutSeconds, businessHours, holidays, closedMessage, ...plain } = input;
    if (offerTimeoutSeconds !== undefined) await tx.queue.update({ where: { id: queueId }, data: { offerTimeoutSeconds } });
    const data = {
      ...plain,
      ...(businessHours !== undefined ? { businessHours: businessHours === null ? Prisma.DbNull : (businessHours as Prisma.InputJsonValue) } : {}),
      ...(holidays !== undefined ? { holidays: holidays as Prisma.InputJsonValue } : {}),
      ...(closedMessage !== undefined ? { closedMessage: closedMessage as Prisma.InputJsonValue } : {}),
    };
    await tx.queueRouting.upsert({ where: { queueId }, create: { queueId, ...data }, update: data });
    await tx.auditLog.create({ data: { actorId, action: 'queue.routing', entity: 'queue', entityId: queueId, data: input as Prisma.InputJsonValue } });
    return (await loadQueueSettings(tx, [queueId])).get(queueId)!;
  });
}
