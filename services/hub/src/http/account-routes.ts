import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { languages, roles, SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { TokenService } from '../auth/tokens.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { AgentWork } from '../contacts/service.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import { defineRoute, type Caller, type RouteDefinition } from './route.ts';

const idParam = z.object({ id: z.string().uuid('must be a UUID') });
const admin = { roles: ['admin'] as 'admin'[] };
const actorOf = (caller: Caller | null) => (caller?.kind === 'agent' ? caller.agent.id : null);

/** An address an account signed in from this long ago still lets it past the address and account limits. */
const KNOWN_ADDRESS_DAYS = 30;

// Verifying against a fixed hash when the email is unknown keeps the response time the same,
// so timing does not reveal which emails have accounts.
const DUMMY_HASH = hashPassword('not-a-real-password');

const agentUpdate = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles),
    password: z.string().min(8, 'must be at least 8 characters').max(200),
    queues: z.array(z.string().min(1).max(64)).max(100),
    languages: z.array(z.enum(languages)).max(10),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'name at least one of name, role, password, queues, languages');

export interface AccountRoutesDeps {
  db: Database;
  tokens: TokenService;
  work: AgentWork;
  limits: RateLimits;
  clientAddress: (request: IncomingMessage) => string;
  /** Ends what an account has open: this process's cached version, and its sockets in every namespace and process. */
  endSessions: (agentId: string) => Promise<void>;
}

/** Signing in, and what an admin changes about an account: role, password, name, queues, enabled or not. */
export function accountRoutes(deps: AccountRoutesDeps): RouteDefinition[] {
  const { db, tokens, work, limits, clientAddress } = deps;

  /** Whether the account signed in from this address lately (the audit log keeps every sign-in with its address). */
  async function signedInFrom(agentId: string, address: string): Promise<boolean> {
    const since = new Date(Date.now() - KNOWN_ADDRESS_DAYS * 86_400_000);
    const row = await db.auditLog.findFirst({
      where: { entity: 'agent', entityId: agentId, action: 'auth.login', at: { gte: since }, data: { path: ['address'], equals: address } },
      select: { id: true },
    });
    return row !== null;
  }

  /**
   * Bumps the token version in the same write as the change, so every token issued before it stops working
   * (within the version cache's few seconds on other processes), then disconnects the account's sockets.
   */
  async function changeAccount(agentId: string, change: (version: { tokenVersion: { increment: 1 } }) => Promise<void>): Promise<void> {
    await change({ tokenVersion: { increment: 1 } });
    await deps.endSessions(agentId);
  }

  async function existing(id: string) {
    const agent = await db.agent.findUnique({ where: { id }, select: { id: true, name: true, role: true, state: true, disabledAt: true } });
    if (!agent) throw new SentralError('NOT_FOUND', 'no such agent');
    return agent;
  }

  async function accountView(id: string) {
    const agent = await db.agent.findUniqueOrThrow({
      where: { id },
      select: { id: true, email: true, name: true, role: true, state: true, languages: true, disabledAt: true, queues: { select: { queueId: true }, orderBy: { queueId: 'asc' } } },
    });
    const { disabledAt, queues, ...rest } = agent;
    return { ...rest, enabled: disabledAt === null, disabledAt, queues: queues.map((queue) => queue.queueId) };
  }

  function refuseOwnAccount(caller: Caller | null, id: string, what: string): void {
    if (actorOf(caller) === id) throw new SentralError('CONFLICT', `you cannot ${what} your own account; ask another admin`);
  }

  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with email and password; returns a bearer token for the REST API and the /agent namespace (rate-limited per account and client address)',
      access: 'public',
      body: z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) }).strict(),
      responses: { 200: '{"token","agent":{"id","name","role"}}', 401: 'Wrong email or password, or the account is disabled', 429: 'Too many attempts (Retry-After)' },
      async handler({ body, req }) {
        const email = body.email.toLowerCase();
        const address = clientAddress(req);
        // Counters are keyed by a digest, so the limit store holds no email addresses.
        const account = createHash('sha256').update(email).digest('base64url');
        const pair = `${account}|${address}`;
        // Every attempt counts against the account from this address; a success clears it.
        await limits.consume('login:pair', pair);
        const agent = await db.agent.findUnique({ where: { email } });
        // The account-wide and address-wide limits hold back guessers, but must not lock an agent out of their own
        // account from where they work: an account that signed in from this address lately passes them.
        let known: Promise<boolean> | null = null;
        const isKnown = () => (known ??= agent ? signedInFrom(agent.id, address) : Promise.resolve(false));
        const unlessKnown = async (error: unknown) => {
          if (!(await isKnown())) throw error;
        };
        await limits.consume('login:account', account).catch(unlessKnown);
        await limits.check('login:address', address).catch(unlessKnown);
        const valid = await verifyPassword(agent?.passwordHash ?? (await DUMMY_HASH), body.password);
        if (!agent || !valid) {
          // Only wrong passwords count against the address, so agents signing in together from one office do not.
          await limits.consume('login:address', address).catch(unlessKnown);
          throw new SentralError('UNAUTHENTICATED', 'wrong email or password');
        }
        // Said only to whoever knows the password, so it tells a guesser nothing.
        if (agent.disabledAt) throw new SentralError('UNAUTHENTICATED', 'this account is disabled');
        await Promise.all([limits.reset('login:pair', pair), limits.reset('login:account', account)]);
        const principal = { id: agent.id, name: agent.name, role: agent.role };
        await db.auditLog.create({ data: { actorId: agent.id, action: 'auth.login', entity: 'agent', entityId: agent.id, data: { address } } });
        return { body: { token: await tokens.issue(principal, agent.tokenVersion), agent: principal } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/agents/:id',
      summary: "Change an account's name, role, password, queues or languages (fields left out keep their value); a new role or password signs it out everywhere within seconds",
      access: admin,
      params: idParam,
      body: agentUpdate,
      responses: { 200: '{"id","email","name","role","state","languages","enabled","disabledAt","queues"}', 404: 'No such agent', 409: 'Demoting your own account' },
      async handler({ params, body, caller }) {
        const agent = await existing(params.id);
        if (body.role !== undefined && body.role !== agent.role) refuseOwnAccount(caller, params.id, 'change the role of');
        if (body.queues) {
          const known = await db.queue.findMany({ where: { id: { in: body.queues } }, select: { id: true } });
          const unknown = body.queues.find((id) => !known.some((queue) => queue.id === id));
          if (unknown) throw new SentralError('VALIDATION_FAILED', `queues: unknown queue "${unknown}"`, { field: 'queues' });
        }
        const rightsChanged = (body.role !== undefined && body.role !== agent.role) || body.password !== undefined;
        const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
        const write = async (version: { tokenVersion: { increment: 1 } } | object) => {
          await db.$transaction(async (tx) => {
            if (body.queues) {
              await tx.agentQueue.deleteMany({ where: { agentId: params.id, queueId: { notIn: body.queues } } });
              await tx.agentQueue.createMany({ data: body.queues.map((queueId) => ({ agentId: params.id, queueId })), skipDuplicates: true });
            }
            await tx.agent.update({
              where: { id: params.id },
              data: {
                ...version,
                ...(body.name !== undefined ? { name: body.name } : {}),
                ...(body.role !== undefined ? { role: body.role } : {}),
                ...(passwordHash !== undefined ? { passwordHash } : {}),
                ...(body.languages !== undefined ? { languages: body.languages } : {}),
              },
            });
            // Which fields changed, never the password itself.
            await tx.auditLog.create({
              data: { actorId: actorOf(caller), action: 'agent.update', entity: 'agent', entityId: params.id, data: { changed: Object.keys(body), ...(body.role ? { role: body.role } : {}) } },
            });
          });
        };
        if (rightsChanged) await changeAccount(params.id, write);
        else await write({});
        return { body: await accountView(params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/agents/:id/disable',
      summary: 'Disable an account: it cannot sign in, its tokens are refused and its sockets closed within seconds, and it goes offline',
      access: admin,
      params: idParam,
      responses: { 200: 'The account, "enabled": false', 404: 'No such agent', 409: 'Disabling your own account' },
      async handler({ params, caller }) {
        refuseOwnAccount(caller, params.id, 'disable');
        const agent = await existing(params.id);
        if (!agent.disabledAt) {
          await changeAccount(params.id, async (version) => {
            await db.agent.update({ where: { id: params.id }, data: { ...version, disabledAt: new Date() } });
            await db.auditLog.create({ data: { actorId: actorOf(caller), action: 'agent.disable', entity: 'agent', entityId: params.id } });
          });
          // No new offers reach a disabled account; its open contacts stay with it for a supervisor to move.
          if (agent.state !== 'offline') await work.setState({ id: agent.id, name: agent.name, role: agent.role }, 'offline', `admin:${actorOf(caller) ?? 'system'}`);
        }
        return { body: await accountView(params.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/agents/:id/enable',
      summary: 'Enable a disabled account again; it signs in anew',
      access: admin,
      params: idParam,
      responses: { 200: 'The account, "enabled": true', 404: 'No such agent' },
      async handler({ params, caller }) {
        const agent = await existing(params.id);
        if (agent.disabledAt) {
          await changeAccount(params.id, async (version) => {
            await db.agent.update({ where: { id: params.id }, data: { ...version, disabledAt: null } });
            await db.auditLog.create({ data: { actorId: actorOf(caller), action: 'agent.enable', entity: 'agent', entityId: params.id } });
          });
        }
        return { body: await accountView(params.id) };
      },
    }),
  ];
}
