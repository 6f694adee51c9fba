import { z } from 'zod';
import { SentralError } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { botFlowSchema } from '../self-service/engine/flow.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const address = z.union([z.literal('*'), z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a queue id or "*"')]);

/** The chat bot's flows per entry point: a chat queue (or "*" for every chat queue) has the bot when it has a flow. */
export function botRoutes(deps: { db: Database }): RouteDefinition[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/chat/flows',
      summary: 'The chat bot flows by queue ("*" serves every chat queue without its own flow)',
      access: staff,
      responses: { 200: '[{"id","address","definition","updatedAt"}]' },
      async handler() {
        const flows = await db.selfServiceFlow.findMany({ where: { channel: 'chat' }, orderBy: { address: 'asc' } });
        return { body: flows.map(({ id, address: at, definition, updatedAt }) => ({ id, address: at, definition, updatedAt })) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/chat/flows',
      summary: "Turn the bot on for a chat queue with its flow, or replace the flow; a flow with any problem is refused whole",
      access: staff,
      body: z.object({ address, flow: botFlowSchema }).strict(),
      responses: { 200: '{"id","address","definition","updatedAt"}', 400: 'The flow names the first problem, e.g. an option leading to an unknown node' },
      async handler({ body }) {
        const queues = new Set((await db.queue.findMany({ select: { id: true } })).map((queue) => queue.id));
        if (body.address !== '*' && !queues.has(body.address)) throw new SentralError('VALIDATION_FAILED', `address: unknown queue "${body.address}"`, { field: 'address' });
        for (const [id, node] of Object.entries(body.flow.nodes)) {
          if (node.type === 'agent' && !queues.has(node.queue)) {
            throw new SentralError('VALIDATION_FAILED', `flow.nodes.${id}.queue: unknown queue "${node.queue}"`, { field: `flow.nodes.${id}.queue` });
          }
        }
        const definition = body.flow as unknown as Prisma.InputJsonValue;
        const stored = await db.selfServiceFlow.upsert({
          where: { channel_address: { channel: 'chat', address: body.address } },
          create: { channel: 'chat', address: body.address, definition },
          update: { definition },
        });
        return { body: { id: stored.id, address: stored.address, definition: stored.definition, updatedAt: stored.updatedAt } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/chat/flows/:address',
      summary: "Turn the bot off for a chat queue (or remove the \"*\" flow)",
      access: staff,
      params: z.object({ address }),
      responses: { 204: 'Removed', 404: 'No flow for that address' },
      async handler({ params }) {
        const removed = await db.selfServiceFlow.deleteMany({ where: { channel: 'chat', address: params.address } });
        if (removed.count === 0) throw new SentralError('NOT_FOUND', 'no chat flow for that address');
        return { status: 204, body: null };
      },
    }),
  ];
}
