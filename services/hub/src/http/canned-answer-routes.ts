import { z } from 'zod';
import { cannedAnswerSchemas, SentralError, type CannedAnswer } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { defineRoute, type Caller, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const uuidParam = z.object({ id: z.string().uuid('must be a UUID') });
const LISTED = 200;

type CannedRow = { id: string; title: string; text: string; language: string | null; queueId: string | null; updatedAt: Date };

function toCannedAnswer(row: CannedRow): CannedAnswer {
  return { id: row.id, title: row.title, text: row.text, language: row.language, queueId: row.queueId, updatedAt: row.updatedAt.toISOString() };
}

function actorOf(caller: Caller | null): string | null {
  return caller?.kind === 'agent' ? caller.agent.id : null;
}

async function assertQueue(db: Database, queueId: string | null | undefined): Promise<void> {
  if (!queueId) return;
  if (!(await db.queue.findUnique({ where: { id: queueId }, select: { id: true } }))) {
    throw new SentralError('VALIDATION_FAILED', `queueId: unknown queue "${queueId}"`, { field: 'queueId' });
  }
}

/** Canned answers: read by every agent for their conversation's language and queue, kept by supervisors and admins. */
export function cannedAnswerRoutes(deps: { db: Database }): RouteDefinition[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/canned-answers',
      summary:
        'Canned answers, by title. With `language` and/or `queueId`: those for that language and queue plus those for every language or queue; `q` searches title and text',
      access: 'agent',
      query: cannedAnswerSchemas.list,
      responses: { 200: '[{"id","title","text","language","queueId","updatedAt"}]' },
      async handler({ query }) {
        const where: Prisma.CannedAnswerWhereInput[] = [];
        if (query.language) where.push({ OR: [{ language: query.language }, { language: null }] });
        if (query.queueId) where.push({ OR: [{ queueId: query.queueId }, { queueId: null }] });
        if (query.q) where.push({ OR: [{ title: { contains: query.q, mode: 'insensitive' } }, { text: { contains: query.q, mode: 'insensitive' } }] });
        const rows = await db.cannedAnswer.findMany({ where: { AND: where }, orderBy: [{ title: 'asc' }, { id: 'asc' }], take: LISTED });
        return { body: rows.map(toCannedAnswer) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/canned-answers',
      summary:
        'Add a canned answer {"title","text","language"?,"queueId"?} (null or absent: every language or queue). Placeholders: {{customer.firstName}}, {{customer.name}}, {{agent.name}}, {{agent.firstName}}, {{contact.subject}}; others are refused',
      access: staff,
      body: cannedAnswerSchemas.create,
      responses: { 201: 'The answer', 403: 'Not a supervisor or admin' },
      async handler({ body, caller }) {
        await assertQueue(db, body.queueId);
        const created = await db.$transaction(async (tx) => {
          const row = await tx.cannedAnswer.create({ data: { title: body.title, text: body.text, language: body.language ?? null, queueId: body.queueId ?? null } });
          await tx.auditLog.create({ data: { actorId: actorOf(caller), action: 'canned-answer.create', entity: 'canned-answer', entityId: row.id, data: { title: body.title } } });
          return row;
        });
        return { status: 201, body: toCannedAnswer(created) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/canned-answers/:id',
      summary: 'Change a canned answer (any of title, text, language, queueId)',
      access: staff,
      params: uuidParam,
      body: cannedAnswerSchemas.update,
      responses: { 200: 'The answer', 403: 'Not a supervisor or admin', 404: 'No such answer' },
      async handler({ params, body, caller }) {
        if (!(await db.cannedAnswer.findUnique({ where: { id: params.id }, select: { id: true } }))) throw new SentralError('NOT_FOUND', 'no such canned answer');
        await assertQueue(db, body.queueId);
        const updated = await db.$transaction(async (tx) => {
          const row = await tx.cannedAnswer.update({ where: { id: params.id }, data: body });
          await tx.auditLog.create({ data: { actorId: actorOf(caller), action: 'canned-answer.update', entity: 'canned-answer', entityId: row.id, data: { fields: Object.keys(body) } } });
          return row;
        });
        return { body: toCannedAnswer(updated) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/canned-answers/:id',
      summary: 'Remove a canned answer',
      access: staff,
      params: uuidParam,
      responses: { 200: '{"deleted":true}', 403: 'Not a supervisor or admin', 404: 'No such answer' },
      async handler({ params, caller }) {
        const { count } = await db.cannedAnswer.deleteMany({ where: { id: params.id } });
        if (!count) throw new SentralError('NOT_FOUND', 'no such canned answer');
        await db.auditLog.create({ data: { actorId: actorOf(caller), action: 'canned-answer.delete', entity: 'canned-answer', entityId: params.id } });
        return { body: { deleted: true } };
      },
    }),
  ];
}
