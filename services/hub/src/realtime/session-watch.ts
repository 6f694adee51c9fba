import type { Namespace } from 'socket.io';
import { SentralError } from '@sentral/contract';
import type { TokenService } from '../auth/tokens.ts';
import type { Logger } from '../logger.ts';

/**
 * Checks the token of every socket this process holds in `namespace` again every `everyMs`: a socket whose
 * account was disabled, deleted, demoted or given a new password (or whose token expired) is disconnected,
 * even if the broadcast the change sent was missed. Token versions are cached, so this costs at most one
 * query per account per cache period.
 */
export function watchSessions(namespace: Namespace, deps: { tokens: TokenService; everyMs: number; logger: Logger }): { stop(): void } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await Promise.all(
        [...namespace.sockets.values()].map(async (socket) => {
          const token = (socket.data as { token?: string }).token ?? '';
          const still = await deps.tokens.verify(token).then(
            () => true,
            // A database that cannot answer right now is no reason to drop everyone: only a refused token is.
            (error: unknown) => !(error instanceof SentralError),
          );
          if (!still) socket.disconnect(true);
        }),
      );
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep().catch((error: unknown) => deps.logger.warn({ err: error }, 'session check failed')), deps.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
