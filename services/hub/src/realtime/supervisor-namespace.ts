import type { Namespace, Server } from 'socket.io';
import { rooms, SentralError, type SupervisorServerEvents, type SupervisorStats } from '@sentral/contract';
import type { AgentPrincipal, TokenService } from '../auth/tokens.ts';
import { watchSessions } from './session-watch.ts';
import type { Logger } from '../logger.ts';
import type { Wallboard } from '../reporting/wallboard.ts';

// Twice a second, so a change reaches the wallboard within a second even when a round is slow.
const TICK_MS = 500;

/**
 * The `/supervisor` namespace: supervisors and admins only. While any is connected to this
 * process, the wallboard is recomputed every tick and pushed to the room when a figure changed.
 */
export function attachSupervisorNamespace(io: Server, deps: { tokens: TokenService; wallboard: Wallboard; logger: Logger; sessionCheckMs: number }): { stop(): void } {
  const { tokens, wallboard, logger } = deps;
  const namespace = io.of('/supervisor') as unknown as Namespace<Record<string, never>, SupervisorServerEvents, Record<string, never>, { agent: AgentPrincipal; token: string }>;
  namespace.use((socket, next) => {
    const raw = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof raw === 'string' ? raw : '';
    tokens
      .verify(token)
      .then((principal) => {
        if (principal.role === 'agent') throw new SentralError('FORBIDDEN', 'supervisors and admins only');
        // Kept so the token is checked again while the socket is open (a demoted supervisor loses the wallboard).
        socket.data.agent = principal;
        socket.data.token = token;
        next();
      })
      .catch((error: unknown) => {
        const body = error instanceof SentralError ? error.toJSON() : { code: 'UNAUTHENTICATED', message: 'invalid token' };
        next(Object.assign(new Error(body.message), { data: body }));
      });
  });

  let last = '';
  let running = false;
  const changed = (stats: SupervisorStats) => {
    const figures = JSON.stringify({ queues: stats.queues, agents: stats.agents, waiting: stats.waiting });
    if (figures === last) return false;
    last = figures;
    return true;
  };
  const tick = async () => {
    if (running || namespace.sockets.size === 0) return;
    running = true;
    try {
      const stats = await wallboard.snapshot();
      if (changed(stats)) namespace.local.to(rooms.supervisors).emit('stats', stats);
    } finally {
      running = false;
    }
  };
  namespace.on('connection', (socket) => {
    // The account's own room, so a change to it disconnects this socket from any process.
    void socket.join([rooms.supervisors, rooms.agent(socket.data.agent.id)]);
    wallboard
      .snapshot()
      .then((stats) => socket.emit('stats', stats))
      .catch((error: unknown) => logger.warn({ err: error }, 'wallboard failed'));
  });
  const timer = setInterval(() => void tick().catch((error: unknown) => logger.warn({ err: error }, 'wallboard failed')), TICK_MS);
  timer.unref();
  const sessions = watchSessions(namespace as unknown as Namespace, { tokens, everyMs: deps.sessionCheckMs, logger });
  return {
    stop: () => {
      clearInterval(timer);
      sessions.stop();
    },
  };
}
