import { z } from 'zod';
import { SentralError, type ChannelConnector } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import { ivrFlowSchema } from '@sentral/connector-voice';
import { normalisePhone } from '../pipeline/identify.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +4722334455');

/**
 * Voice beyond the webhooks: access tokens for the agent's browser phone, where an agent takes
 * calls, and the IVR flows per called number (validated before they take effect).
 */
export function voiceRoutes(deps: { db: Database; voice: () => ChannelConnector | undefined; defaultCountry: string }): RouteDefinition[] {
  const { db, defaultCountry } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/voice/status',
      summary: 'Whether voice is configured for agents\' browsers, so the desktop asks for a token only then',
      access: 'agent',
      responses: { 200: '{"configured":true|false}' },
      async handler() {
        return { body: { configured: Boolean(deps.voice()?.agentDevice) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/voice/token',
      summary: "An access token for the agent's browser (Twilio Voice JS SDK) to receive the calls Sentral bridges to the agent",
      access: 'agent',
      responses: { 200: '{"token","identity","expiresAt"}', 503: 'Voice or its API key is not configured' },
      async handler({ caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        const device = deps.voice()?.agentDevice;
        if (!device) throw new SentralError('CHANNEL_DISABLED', 'browser calls need voice with TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET');
        return { body: await device({ id: caller.agent.id, name: caller.agent.name }) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/voice/endpoint',
      summary: 'Where the signed-in agent takes calls: a phone number, or null for the browser',
      access: 'agent',
      body: z.object({ phoneNumber: z.string().trim().min(1).max(40).nullable() }).strict(),
      responses: { 200: '{"phoneNumber"}' },
      async handler({ body, caller }) {
        if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'agents only');
        const agentId = caller.agent.id;
        if (body.phoneNumber === null) {
          await db.agentVoiceEndpoint.deleteMany({ where: { agentId } });
          return { body: { phoneNumber: null } };
        }
        const phoneNumber = normalisePhone(body.phoneNumber, defaultCountry);
        if (!phoneNumber) throw new SentralError('VALIDATION_FAILED', 'phoneNumber: not a valid phone number', { field: 'phoneNumber' });
        await db.agentVoiceEndpoint.upsert({ where: { agentId }, create: { agentId, phoneNumber }, update: { phoneNumber } });
        return { body: { phoneNumber } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/voice/flows',
      summary: 'The IVR flows by called number ("*" answers every number without its own flow)',
      access: staff,
      responses: { 200: '[{"id","address","definition","updatedAt"}]' },
      async handler() {
        const flows = await db.selfServiceFlow.findMany({ where: { channel: 'voice' }, orderBy: { address: 'asc' } });
        return { body: flows.map(({ id, address, definition, updatedAt }) => ({ id, address, definition, updatedAt })) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/voice/flows',
      summary: 'Create or replace the IVR flow of a called number; a flow with any problem is refused whole and the old one stays',
      access: staff,
      body: z.object({ address: z.union([z.literal('*'), e164]), flow: ivrFlowSchema }).strict(),
      responses: { 200: '{"id","address","definition","updatedAt"}', 400: 'The flow names the first problem, e.g. a key leading to an unknown node' },
      async handler({ body }) {
        const queues = new Set((await db.queue.findMany({ select: { id: true } })).map((queue) => queue.id));
        for (const [id, node] of Object.entries(body.flow.nodes)) {
          if (node.type === 'agent' && !queues.has(node.queue)) {
            throw new SentralError('VALIDATION_FAILED', `flow.nodes.${id}.queue: unknown queue "${node.queue}"`, { field: `flow.nodes.${id}.queue` });
          }
        }
        const definition = body.flow as unknown as Prisma.InputJsonValue;
        const stored = await db.selfServiceFlow.upsert({
          where: { channel_address: { channel: 'voice', address: body.address } },
          create: { channel: 'voice', address: body.address, definition },
          update: { definition },
        });
        return { body: { id: stored.id, address: stored.address, definition: stored.definition, updatedAt: stored.updatedAt } };
      },
    }),
  ];
}
