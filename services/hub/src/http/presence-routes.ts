import { z } from 'zod';
import { awayReasonCode, awayReasonSchemas, SentralError, supervisorSchemas } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { listAwayReasons, toAwayReason } from '../presence/away-reasons.ts';
import { presenceReport } from '../presence/presence-report.ts';
import { defineRoute, type Caller, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const codeParam = z.object({ code: awayReasonCode });

function actorOf(caller: Caller | null): string | null {
  return caller?.kind === 'agent' ? caller.agent.id : null;
}

/** Away reasons (configured by supervisors and admins, chosen by agents) and the time-per-reason report. */
export function presenceRoutes(deps: { db: Database; timeZone: string }): RouteDefinition[] {
  const { db, timeZone } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/away-reasons',
      summary: 'The away reasons an agent may choose, with labels in nb, da and en (`all=true`: also the retired ones, for supervisors and admins)',
      access: 'agent',
      query: z.object({ all: z.enum(['true', 'false']).optional() }).strict(),
      responses: { 200: '[{"code","labels":{"nb","da","en"},"sortOrder","active"}]' },
      async handler({ query, caller }) {
        const staffCaller = caller?.kind === 'agent' && caller.agent.role !== 'agent';
        return { body: await listAwayReasons(db, { includeInactive: query.all === 'true' && staffCaller }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/away-reasons',
      summary: 'Add an away reason: {"code","labels":{"nb","da","en"},"sortOrder"?,"active"?}',
      access: staff,
      body: awayReasonSchemas.create,
      responses: { 201: 'The reason', 403: 'Not a supervisor or admin', 409: 'The code exists' },
      async handler({ body, caller }) {
        if (await db.awayReason.findUnique({ where: { code: body.code }, select: { code: true } })) throw new SentralError('CONFLICT', `code: "${body.code}" exists`);
        const [created] = await db.$transaction([
          db.awayReason.create({ data: { code: body.code, labels: body.labels, sortOrder: body.sortOrder ?? 0, active: body.active ?? true } }),
          db.auditLog.create({ data: { actorId: actorOf(caller), action: 'away-reason.create', entity: 'away-reason', entityId: body.code, data: body } }),
        ]);
        return { status: 201, body: toAwayReason(created) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/away-reasons/:code',
      summary: "Change an away reason's labels, order, or whether it is offered",
      access: staff,
      params: codeParam,
      body: awayReasonSchemas.update,
      responses: { 200: 'The reason', 403: 'Not a supervisor or admin', 404: 'No such reason' },
      async handler({ params, body, caller }) {
        if (!(await db.awayReason.findUnique({ where: { code: params.code }, select: { code: true } }))) throw new SentralError('NOT_FOUND', 'no such away reason');
        const data: Prisma.AwayReasonUpdateInput = {
          ...(body.labels ? { labels: body.labels } : {}),
          ...(body.sortOrder !== undefined ? { sortOrder: body.sortOrder } : {}),
          ...(body.active !== undefined ? { active: body.active } : {}),
        };
        const [updated] = await db.$transaction([
          db.awayReason.update({ where: { code: params.code }, data }),
          db.auditLog.create({ data: { actorId: actorOf(caller), action: 'away-reason.update', entity: 'away-reason', entityId: params.code, data: body } }),
        ]);
        return { body: toAwayReason(updated) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/away-reasons/:code',
      summary: 'Retire an away reason: no longer offered, still named in reports of the time it was used',
      access: staff,
      params: codeParam,
      responses: { 200: '{"retired":true}', 403: 'Not a supervisor or admin', 404: 'No such reason' },
      async handler({ params, caller }) {
        if (!(await db.awayReason.findUnique({ where: { code: params.code }, select: { code: true } }))) throw new SentralError('NOT_FOUND', 'no such away reason');
        await db.$transaction([
          db.awayReason.update({ where: { code: params.code }, data: { active: false } }),
          db.auditLog.create({ data: { actorId: actorOf(caller), action: 'away-reason.retire', entity: 'away-reason', entityId: params.code } }),
        ]);
        return { body: { retired: true } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reports/presence',
      summary: 'Time per agent, state and away reason from `from` to `to` (local dates, inclusive), and the away time per reason',
      access: staff,
      query: supervisorSchemas.range,
      responses: { 200: '{"from","to","timeZone","rows":[{"agentId","agentName","state","reason","seconds"}],"reasons":[{"reason","seconds"}]}', 403: 'Not a supervisor or admin' },
      async handler({ query }) {
        return { body: await presenceReport(db, { ...query, timeZone }) };
      },
    }),
  ];
}
