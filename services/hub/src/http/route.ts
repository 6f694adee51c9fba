import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { SentralError, type ApiScope, type Role } from '@sentral/contract';
import type { AgentPrincipal, TokenService } from '../auth/tokens.ts';
import { assertSafeInput } from '../input-guard.ts';

/** An API key's caller: `keyId` is null for the bootstrap key from `INTEGRATION_API_KEY`. */
export type Caller = { kind: 'agent'; agent: AgentPrincipal } | { kind: 'integration'; keyId: string | null; scopes: readonly ApiScope[] };

/**
 * Who may call a route: anyone, any signed-in agent, or some roles; `scopes` also opens it to API keys
 * holding one of them. `integration: true` is the older spelling of `scopes: ['customers:write']`.
 */
export type Access = 'public' | 'agent' | { roles: Role[]; integration?: boolean; scopes?: ApiScope[] };

/** The scope the bootstrap key (`INTEGRATION_API_KEY`) has: pushing customers, as before keys were managed. */
export const bootstrapScopes: readonly ApiScope[] = ['customers:write'];

/** Looks up a managed API key (hashed), counts it against its rate limit and returns its caller. */
export interface ApiKeyResolver {
  resolve(rawKey: string): Promise<Extract<Caller, { kind: 'integration' }>>;
  /** The bootstrap key's requests go through the same rate limit. */
  bootstrapUsed(): Promise<void>;
}

export interface RouteDefinition<Body extends z.ZodType = z.ZodType, Params extends z.ZodType = z.ZodType, Query extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  access: Access;
  body?: Body;
  params?: Params;
  /** The query string; Express hands over strings, so numbers need `z.coerce`. */
  query?: Query;
  responses: Record<number, string>;
  handler: (input: {
    body: z.infer<Body>;
    params: z.infer<Params>;
    query: z.infer<Query>;
    caller: Caller | null;
    req: Request;
    res: Response;
  }) => Promise<{ status?: number; body: unknown; /** Sends `body` (bytes) as is with this type instead of JSON. */ contentType?: string }>;
}

export function defineRoute<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType = z.ZodType>(route: RouteDefinition<B, P, Q>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

export function validationError(error: z.ZodError, prefix: string): SentralError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : prefix;
  return new SentralError('VALIDATION_FAILED', `${field}: ${issue.message}`, { field });
}

export async function authenticate(req: Request, tokens: TokenService, integrationKey: string | null, apiKeys?: ApiKeyResolver): Promise<Caller | null> {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return { kind: 'agent', agent: await tokens.verify(header.slice(7)) };
  const apiKey = req.get('x-api-key');
  if (apiKey !== undefined) {
    if (integrationKey && timingSafeEqualString(apiKey, integrationKey)) {
      await apiKeys?.bootstrapUsed();
      return { kind: 'integration', keyId: null, scopes: bootstrapScopes };
    }
    if (apiKeys) return apiKeys.resolve(apiKey);
    throw new SentralError('UNAUTHENTICATED', 'invalid API key');
  }
  return null;
}

function timingSafeEqualString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}


export function authorise(access: Access, caller: Caller | null): void {
  if (access === 'public') return;
  if (!caller) throw new SentralError('UNAUTHENTICATED', 'a bearer token is required');
  if (access === 'agent') {
    if (caller.kind !== 'agent') throw new SentralError('FORBIDDEN', 'this route is for signed-in users');
    return;
  }
  if (caller.kind === 'integration') {
    const opening = access.scopes ?? (access.integration ? bootstrapScopes : []);
    if (opening.length === 0) throw new SentralError('FORBIDDEN', 'API keys may not call this route');
    if (!opening.some((scope) => caller.scopes.includes(scope))) throw new SentralError('FORBIDDEN', `requires scope ${opening.join(' or ')}`);
    return;
  }
  if (!access.roles.includes(caller.agent.role)) throw new SentralError('FORBIDDEN', `requires role ${access.roles.join(' or ')}`);
}

export function mount(route: RouteDefinition, deps: { tokens: TokenService; integrationKey: string | null; apiKeys?: ApiKeyResolver }): RequestHandler {
  return async (req, res, next) => {
    try {
      const caller = await authenticate(req, deps.tokens, deps.integrationKey, deps.apiKeys);
      authorise(route.access, caller);
      // NUL characters and absurd nesting are refused before any validator or query sees them.
      assertSafeInput(req.params, 'params');
      assertSafeInput(req.query, 'query');
      assertSafeInput(req.body, 'body');
      const params = route.params ? route.params.safeParse(req.params) : { success: true as const, data: req.params };
      if (!params.success) throw validationError(params.error, 'params');
      const query = route.query ? route.query.safeParse(req.query) : { success: true as const, data: undefined };
      if (!query.success) throw validationError(query.error, 'query');
      const body = route.body ? route.body.safeParse(req.body ?? {}) : { success: true as const, data: undefined };
      if (!body.success) throw validationError(body.error, 'body');
      const result = await route.handler({ body: body.data, params: params.data, query: query.data, caller, req, res });
      if (result.contentType) res.status(result.status ?? 200).type(result.contentType).send(result.body);
      else res.status(result.status ?? 200).json(result.body);
    } catch (error) {
      next(error);
    }
  };
}

/** The OpenAPI document is generated from the same definitions that are mounted, so it cannot drift. */
export function openApiDocument(routes: RouteDefinition[], serverUrl: string): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters: object[] = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    parameters.push(...queryParameters(route.query));
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      ...(route.access === 'public'
        ? {}
        : { security: typeof route.access === 'object' && (route.access.integration || route.access.scopes?.length) ? [{ bearer: [] }, { apiKey: [] }] : [{ bearer: [] }] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries({ ...route.responses, ...(route.body || route.params || route.query ? { 400: 'Invalid input: {"error":{"code","message"}}' } : {}) }).map(
          ([status, description]) => [status, { description }],
        ),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Sentral API', version: '0.1.0', description: 'Omnichannel contact-centre hub' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
    paths,
  };
}

function queryParameters(schema: z.ZodType | undefined): object[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}
