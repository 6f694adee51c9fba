import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { SentralError, type ConnectorAccounts } from '@sentral/contract';
import { mailboxKinds, mailboxSecretsSchema, mailboxSettingsSchema } from '@sentral/connector-email';
import type { Database, Prisma } from '@sentral/db';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { isUniqueViolation } from '../contacts/messages.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from './secrets.ts';
import { refusedMailHost, type MailboxHostPolicy } from './mailbox-hosts.ts';

const mailboxInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().toLowerCase().email().max(320),
    kind: z.enum(mailboxKinds).default('email'),
    enabled: z.boolean().default(true),
    settings: mailboxSettingsSchema,
    secrets: mailboxSecretsSchema,
  })
  .strict();

const mailboxUpdate = mailboxInput.partial().strict();
const idParam = z.object({ id: z.string().uuid('must be a UUID') });
const admin = { roles: ['admin'] as 'admin'[] };

type MailboxRow = { id: string; name: string; address: string; kind: string; enabled: boolean; settings: unknown; createdAt: Date; updatedAt: Date };

/** What the API shows of a mailbox: everything but the secrets. */
const view = (row: MailboxRow) => ({
  id: row.id,
  name: row.name,
  address: row.address,
  kind: row.kind,
  enabled: row.enabled,
  settings: row.settings,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export interface Mailboxes {
  routes(): RouteDefinition[];
  /** The connector's view: every mailbox with decrypted secrets. */
  accounts: ConnectorAccounts;
}

/** Mailboxes configured by admins through the API; passwords are encrypted before they reach the database. */
export function createMailboxes(deps: { db: Database; box: SecretBox | null; hosts: MailboxHostPolicy; logger: Logger }): Mailboxes {
  const { db } = deps;

  /** The mail servers a mailbox names must not be the hub's own machine, its link-local neighbours or a metadata service. */
  async function checkHosts(settings: { imap: { host: string }; smtp: { host: string } | null } | undefined): Promise<void> {
    if (!settings) return;
    for (const [field, host] of [['settings.imap.host', settings.imap.host], ['settings.smtp.host', settings.smtp?.host]] as const) {
      if (host === undefined) continue;
      const refused = await refusedMailHost(host, deps.hosts);
      if (refused) throw new SentralError('VALIDATION_FAILED', `${field}: ${refused}`, { field });
    }
  }
  const changes = new EventEmitter();

  function box(): SecretBox {
    if (!deps.box) throw new SentralError('CHANNEL_DISABLED', 'SECRETS_KEY is not set, so mailbox passwords cannot be stored');
    return deps.box;
  }

  async function save(write: () => Promise<MailboxRow>): Promise<MailboxRow> {
    try {
      const row = await write();
      changes.emit('change');
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw new SentralError('CONFLICT', 'address: another mailbox already uses this address');
      throw error;
    }
  }

  const accounts: ConnectorAccounts = {
    async list() {
      const rows = await db.mailbox.findMany({ orderBy: { createdAt: 'asc' } });
      // Checked again before connecting: a name may point elsewhere now than when the mailbox was saved.
      const refused = await Promise.all(
        rows.map((row) => {
          const settings = row.settings as { imap?: { host?: string }; smtp?: { host?: string } | null };
          return checkHosts({ imap: { host: settings.imap?.host ?? '' }, smtp: settings.smtp?.host ? { host: settings.smtp.host } : null }).then(
            () => false,
            (error: unknown) => {
              deps.logger.warn({ mailboxId: row.id, reason: error instanceof Error ? error.message : String(error) }, 'mailbox host refused; the mailbox is not read');
              return true;
            },
          );
        }),
      );
      return rows.map((row, index) => ({
        id: row.id,
        enabled: row.enabled && !refused[index],
        settings: { ...(row.settings as object), name: row.name, address: row.address, kind: row.kind },
        secrets: deps.box ? deps.box.open(row.secrets) : null,
      }));
    },
    onChange(listener) {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
  };

  return {
    accounts,
    routes: () => [
      defineRoute({
        method: 'get',
        path: '/api/mailboxes',
        summary: 'The configured mailboxes (passwords are never returned)',
        access: admin,
        responses: { 200: '[{"id","name","address","kind","enabled","settings"}]' },
        async handler() {
          const rows = await db.mailbox.findMany({ orderBy: { createdAt: 'asc' } });
          return { body: rows.map(view) };
        },
      }),
      defineRoute({
        method: 'post',
        path: '/api/mailboxes',
        summary: 'Add a mailbox read over IMAP and answered over SMTP; kind "fax" reads a fax-to-email gateway',
        access: admin,
        body: mailboxInput,
        responses: { 201: 'The mailbox without secrets', 409: 'Address already in use', 503: 'SECRETS_KEY not set' },
        async handler({ body, caller }) {
          await checkHosts(body.settings);
          const secrets = box().seal(body.secrets);
          const row = await save(() =>
            db.mailbox.create({
              data: { name: body.name, address: body.address, kind: body.kind, enabled: body.enabled, settings: body.settings as Prisma.InputJsonValue, secrets },
            }),
          );
          await db.auditLog.create({
            data: { actorId: caller?.kind === 'agent' ? caller.agent.id : null, action: 'mailbox.create', entity: 'mailbox', entityId: row.id },
          });
          return { status: 201, body: view(row) };
        },
      }),
      defineRoute({
        method: 'put',
        path: '/api/mailboxes/:id',
        summary: 'Change a mailbox; fields left out keep their value',
        access: admin,
        params: idParam,
        body: mailboxUpdate,
        responses: { 200: 'The mailbox without secrets', 404: 'No such mailbox' },
        async handler({ body, params, caller }) {
          const existing = await db.mailbox.findUnique({ where: { id: params.id }, select: { id: true } });
          if (!existing) throw new SentralError('NOT_FOUND', 'no such mailbox');
          await checkHosts(body.settings);
          const row = await save(() =>
            db.mailbox.update({
              where: { id: params.id },
              data: {
                ...(body.name !== undefined ? { name: body.name } : {}),
                ...(body.address !== undefined ? { address: body.address } : {}),
                ...(body.kind !== undefined ? { kind: body.kind } : {}),
                ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
                ...(body.settings !== undefined ? { settings: body.settings as Prisma.InputJsonValue } : {}),
                ...(body.secrets !== undefined ? { secrets: box().seal(body.secrets) } : {}),
              },
            }),
          );
          await db.auditLog.create({
            data: { actorId: caller?.kind === 'agent' ? caller.agent.id : null, action: 'mailbox.update', entity: 'mailbox', entityId: row.id },
          });
          return { body: view(row) };
        },
      }),
      defineRoute({
        method: 'delete',
        path: '/api/mailboxes/:id',
        summary: 'Remove a mailbox; its conversations stay',
        access: admin,
        params: idParam,
        responses: { 200: '{"deleted":true}', 404: 'No such mailbox' },
        async handler({ params, caller }) {
          const deleted = await db.mailbox.deleteMany({ where: { id: params.id } });
          if (!deleted.count) throw new SentralError('NOT_FOUND', 'no such mailbox');
          changes.emit('change');
          await db.auditLog.create({
            data: { actorId: caller?.kind === 'agent' ? caller.agent.id : null, action: 'mailbox.delete', entity: 'mailbox', entityId: params.id },
          });
          return { body: { deleted: true } };
        },
      }),
    ],
  };
}
