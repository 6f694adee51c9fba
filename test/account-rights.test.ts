import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestHub, type TestHub } from './support/hub.ts';
import { call, connect, login, until } from './support/sockets.ts';

/** Resolves when the server closes the socket (not the client). */
function serverDisconnect(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

describe('accounts lose their rights within seconds', () => {
  let hub: TestHub;
  let admin: string;

  const api = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
  };

  async function createAccount(email: string, role: 'agent' | 'supervisor', password = 'long-enough-password') {
    const created = await api('POST', '/api/agents', admin, { email, name: email.split('@')[0], password, role, queues: ['support'] });
    expect(created.status).toBe(201);
    return { id: created.body['id'] as string, token: (await login(hub.url, email, password)).token };
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('takes the wallboard and the supervisor routes from a demoted supervisor', async () => {
    const lead = await createAccount('lead@demo.test', 'supervisor');
    const wallboard = await connect(hub.url, '/supervisor', { token: lead.token });
    expect((await api('GET', '/api/agents', lead.token)).status).toBe(200);
    const closed = serverDisconnect(wallboard);

    const demoted = await api('PUT', `/api/agents/${lead.id}`, admin, { role: 'agent' });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ id: lead.id, role: 'agent', enabled: true });
    expect(await closed).toBe('io server disconnect');
    // The old token names the old role: it is refused at once, and a new sign-in carries the new role.
    expect((await api('GET', '/api/agents', lead.token)).status).toBe(401);
    const fresh = await login(hub.url, 'lead@demo.test', 'long-enough-password');
    expect(fresh.agent.role).toBe('agent');
    expect((await api('GET', '/api/agents', fresh.token)).status).toBe(403);
    await expect(connect(hub.url, '/supervisor', { token: fresh.token })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const audit = await hub.database.db.auditLog.findFirstOrThrow({ where: { action: 'agent.update', entityId: lead.id } });
    expect(audit.data).toMatchObject({ changed: ['role'], role: 'agent' });
  });

  it("refuses a disabled agent's REST calls, sign-in and sockets, and lets it back in once enabled", async () => {
    const worker = await createAccount('worker@demo.test', 'agent');
    const desk = await connect(hub.url, '/agent', { token: worker.token });
    expect(await call(desk, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const closed = serverDisconnect(desk);

    const disabled = await api('POST', `/api/agents/${worker.id}/disable`, admin);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, state: 'offline', disabledAt: expect.any(String) });
    expect(await closed).toBe('io server disconnect');
    expect((await api('GET', '/api/me', worker.token)).status).toBe(401);
    await expect(connect(hub.url, '/agent', { token: worker.token })).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    const signIn = await api('POST', '/api/auth/login', null, { email: 'worker@demo.test', password: 'long-enough-password' });
    expect(signIn).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'this account is disabled' } } });

    const enabled = await api('POST', `/api/agents/${worker.id}/enable`, admin);
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null });
    // Tokens from before the disable stay dead; a new sign-in works.
    expect((await api('GET', '/api/me', worker.token)).status).toBe(401);
    const back = await login(hub.url, 'worker@demo.test', 'long-enough-password');
    expect((await api('GET', '/api/me', back.token)).status).toBe(200);
  });

  it('ends every session of an account whose password changed', async () => {
    const mover = await createAccount('mover@demo.test', 'agent', 'first-password');
    const second = await login(hub.url, 'mover@demo.test', 'first-password');
    const desk = await connect(hub.url, '/agent', { token: second.token });
    const closed = serverDisconnect(desk);
    const changed = await api('PUT', `/api/agents/${mover.id}`, admin, { password: 'second-password', name: 'Mover Renamed' });
    expect(changed.body).toMatchObject({ name: 'Mover Renamed' });
    expect(await closed).toBe('io server disconnect');
    for (const token of [mover.token, second.token]) expect((await api('GET', '/api/me', token)).status).toBe(401);
    expect((await api('POST', '/api/auth/login', null, { email: 'mover@demo.test', password: 'first-password' })).status).toBe(401);
    const fresh = await login(hub.url, 'mover@demo.test', 'second-password');
    expect((await api('GET', '/api/me', fresh.token)).body['agent']).toMatchObject({ name: 'Mover Renamed' });
    // A name or queue change alone keeps the account signed in.
    expect((await api('PUT', `/api/agents/${mover.id}`, admin, { queues: ['support', 'sales'] })).status).toBe(200);
    expect((await api('GET', '/api/me', fresh.token)).body['agent']).toMatchObject({ queues: expect.arrayContaining(['support', 'sales']) });
  });

  it('answers a deleted agent 401, never 500, on REST and sockets, and closes its open sockets within seconds', async () => {
    const gone = await createAccount('gone@demo.test', 'agent');
    const desk = await connect(hub.url, '/agent', { token: gone.token });
    const closed = serverDisconnect(desk);
    // Removed behind the hub's back: no route announced it, so the periodic check must find it.
    await hub.database.db.agent.delete({ where: { id: gone.id } });
    expect(await closed).toBe('io server disconnect');
    await until(async () => (await api('GET', '/api/me', gone.token)).status === 401, 10_000);
    expect((await api('GET', '/api/me', gone.token)).body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'this sign-in is no longer valid; sign in again' } });
    await expect(connect(hub.url, '/agent', { token: gone.token })).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses bad input and an admin locking themselves out, and is admin-only', async () => {
    const me = await login(hub.url, 'admin@demo.test', 'admin');
    expect((await api('POST', `/api/agents/${me.agent.id}/disable`, admin)).body).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await api('PUT', `/api/agents/${me.agent.id}`, admin, { role: 'agent' })).body).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await api('PUT', `/api/agents/${me.agent.id}`, admin, {})).body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await api('PUT', `/api/agents/${me.agent.id}`, admin, { role: 'owner' })).body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await api('PUT', `/api/agents/${me.agent.id}`, admin, { queues: ['no-such-queue'] })).body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('no-such-queue') } });
    expect((await api('POST', '/api/agents/00000000-0000-4000-8000-000000000000/disable', admin)).status).toBe(404);
    const supervisor = (await login(hub.url, 'supervisor@demo.test', 'supervisor')).token;
    expect((await api('POST', `/api/agents/${me.agent.id}/disable`, supervisor)).status).toBe(403);
    // The admin is still an enabled admin.
    expect((await api('GET', '/api/me', me.token)).body['agent']).toMatchObject({ role: 'admin' });
  });

  it('reaches sockets and REST calls held by another hub process of the deployment', async () => {
    // Last in the file: stopping a second test hub clears the shared queue prefix.
    const other = await startTestHub({ backend: 'redis', database: hub.database, prefix: hub.prefix });
    try {
      const remote = await createAccount('remote@demo.test', 'supervisor');
      const wallboard = await connect(other.url, '/supervisor', { token: remote.token });
      const desk = await connect(other.url, '/agent', { token: remote.token });
      expect((await fetch(`${other.url}/api/agents`, { headers: { authorization: `Bearer ${remote.token}` } })).status).toBe(200);
      const closed = Promise.all([serverDisconnect(wallboard), serverDisconnect(desk)]);
      const started = Date.now();
      expect((await api('POST', `/api/agents/${remote.id}/disable`, admin)).status).toBe(200);
      expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
      // The other process had the account's version cached: it learns of the change within its cache period.
      await until(async () => (await fetch(`${other.url}/api/agents`, { headers: { authorization: `Bearer ${remote.token}` } })).status === 401, 10_000);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await other.stop();
    }
  });
});
