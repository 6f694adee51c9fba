import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { apiScopes, SentralError, type ApiScope } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { RateLimits } from '../limits/rate-limits.ts';
import { defineRoute, type ApiKeyResolver, type RouteDefinition } from '../http/route.ts';
import { audit } from './audit.ts';

const KEY_PREFIX = 'sk_';
/** lastUsedAt is written at most this often per key, so a busy key does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const hashOf = (rawKey: string) => createHash('sha256').update(rawKey).digest('hex');

const keyView = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(apiScopes)),
  rateLimit: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKeyView = z.infer<typeof keyView>;

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimit: number | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

function view(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((scope): scope is ApiScope => (apiScopes as readonly string[]).includes(scope)),
    rateLimit: row.rateLimit,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Managed API keys: issued once, kept as a SHA-256 hash, checked on every request with `X-Api-Key`. */
export function createApiKeys(deps: { db: Database; limits: RateLimits }): ApiKeyResolver & { routes(): RouteDefinition[] } {
  const { db, limits } = deps;

  return {
    async resolve(rawKey) {
      const row = rawKey.startsWith(KEY_PREFIX) ? await db.apiKey.findUnique({ where: { hash: hashOf(rawKey) } }) : null;
      if (!row || row.revokedAt) throw new SentralError('UNAUTHENTICATED', 'invalid or revoked API key');
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new SentralError('UNAUTHENTICATED', 'the API key has expired');
      await limits.consume('api:key', row.id, row.rateLimit ? { policy: { points: row.rateLimit, durationSeconds: 60 } } : undefined);
      if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      }
      return { kind: 'integration', keyId: row.id, scopes: view(row).scopes };
    },

    async bootstrapUsed() {
      await limits.consume('api:key', 'bootstrap');
    },

    routes() {
      return [
        defineRoute({
          method: 'post',
          path: '/api/api-keys',
          summary: 'Create an API key; the key is in this response only',
          access: { roles: ['admin'] },
          body: z
            .object({
              name: z.string().trim().min(1).max(100),
              scopes: z.array(z.enum(apiScopes)).min(1, 'must name at least one scope').max(apiScopes.length),
              expiresAt: z.iso.datetime({ offset: true }).refine((at) => Date.parse(at) > Date.now(), 'must be in the future').optional(),
              rateLimit: z.number().int().min(1).max(1_000_000).optional(),
            })
            .strict(),
          responses: { 201: '{"id","key","name","prefix","scopes","rateLimit","expiresAt"}', 403: 'Not an admin' },
          async handler({ body, caller }) {
            const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
            const row = await db.apiKey.create({
              data: {
                name: body.name,
                hash: hashOf(key),
                prefix: key.slice(0, 10),
                scopes: [...new Set(body.scopes)],
                rateLimit: body.rateLimit ?? null,
                expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
                createdBy: caller?.kind === 'agent' ? caller.agent.id : null,
              },
            });
            await audit(db, caller, 'api-key.create', 'api-key', row.id, { name: row.name, scopes: row.scopes });
            return { status: 201, body: { ...view(row), key } };
          },
        }),
        defineRoute({
          method: 'get',
          path: '/api/api-keys',
          summary: 'The API keys (never the keys themselves), newest first',
          access: { roles: ['admin'] },
          responses: { 200: '[{"id","name","prefix","scopes","rateLimit","expiresAt","lastUsedAt","revokedAt","createdAt"}]' },
          async handler() {
            const rows = await db.apiKey.findMany({ orderBy: { createdAt: 'desc' } });
            return { body: rows.map(view) };
          },
        }),
        defineRoute({
          method: 'delete',
          path: '/api/api-keys/:id',
          summary: 'Revoke an API key; it is refused from the next request on',
          access: { roles: ['admin'] },
          params: z.object({ id: z.string().uuid('must be a UUID') }),
          responses: { 200: '{"id","revokedAt", ...}', 404: 'No such key' },
          async handler({ params, caller }) {
            const existing = await db.apiKey.findUnique({ where: { id: params.id } });
            if (!existing) throw new SentralError('NOT_FOUND', 'no such API key');
            const row = existing.revokedAt ? existing : await db.apiKey.update({ where: { id: params.id }, data: { revokedAt: new Date() } });
            if (!existing.revokedAt) await audit(db, caller, 'api-key.revoke', 'api-key', row.id, { name: row.name });
            return { body: view(row) };
          },
        }),
      ];
    },
  };
}
