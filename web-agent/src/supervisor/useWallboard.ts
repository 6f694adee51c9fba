import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { SupervisorServerEvents, SupervisorStats } from '@sentral/contract';

export type WallboardConnection = 'connecting' | 'online' | 'lost' | 'forbidden';

/**
 * The live figures from the `/supervisor` namespace: the hub pushes a fresh picture whenever a
 * figure changes, so the page just shows the last one it received.
 */
export function useWallboard(token: string, onUnauthenticated: () => void): { stats: SupervisorStats | null; connection: WallboardConnection } {
  const [stats, setStats] = useState<SupervisorStats | null>(null);
  const [connection, setConnection] = useState<WallboardConnection>('connecting');

  useEffect(() => {
    const socket: Socket<SupervisorServerEvents> = io('/supervisor', { auth: { token }, transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 4_000 });
    socket.on('connect', () => setConnection('online'));
    socket.on('disconnect', () => setConnection('lost'));
    socket.on('stats', (next) => setStats(next));
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'FORBIDDEN') {
        setConnection('forbidden');
        socket.close();
      } else if (error.data?.code === 'UNAUTHENTICATED') {
        socket.close();
        onUnauthenticated();
      } else setConnection('lost');
    });
    return () => {
      socket.close();
    };
  }, [token, onUnauthenticated]);

  return { stats, connection };
}
