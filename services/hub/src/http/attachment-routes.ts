import { z } from 'zod';
import { SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { defineRoute, type RouteDefinition } from './route.ts';

// Shown inline only when it is an image or PDF; anything else (HTML above all) is downloaded, never rendered.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

export function attachmentRoutes(deps: { db: Database }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/attachments/:id',
      summary: "A file that came with an email or fax (or a fax's first-page thumbnail): the contact's agent, supervisors and admins",
      access: 'agent',
      params: z.object({ id: z.string().uuid('must be a UUID') }),
      responses: { 200: 'The file', 403: 'Not your contact', 404: 'No such file' },
      async handler({ params, caller, res }) {
        const attachment = await deps.db.attachment.findUnique({
          where: { id: params.id },
          select: { content: true, contentType: true, filename: true, contact: { select: { agentId: true } } },
        });
        if (!attachment) throw new SentralError('NOT_FOUND', 'no such file');
        if (caller?.kind === 'agent' && caller.agent.role === 'agent' && attachment.contact.agentId !== caller.agent.id) {
          throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
        }
        const inline = INLINE_TYPES.has(attachment.contentType);
        const filename = (attachment.filename ?? 'attachment').replace(/[^\w.()+ -]/g, '_');
        res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${filename}"`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
        res.setHeader('Cache-Control', 'private, max-age=3600');
        return { body: Buffer.from(attachment.content), contentType: inline ? attachment.contentType : 'application/octet-stream' };
      },
    }),
  ];
}
