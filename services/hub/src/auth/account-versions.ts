import type { Database } from '@sentral/db';

/**
 * The token version each account is at, read from the database and kept for a few seconds, so a change of
 * role, password or enabled state reaches every hub process within `cacheMs` without a query per request.
 */
export interface AccountVersions {
  /** The version a token must carry, or null when the account is gone or disabled. */
  current(agentId: string): Promise<number | null>;
  /** Drops this process's cached entry (the process that made the change sees it at once). */
  forget(agentId: string): void;
}

export function createAccountVersions(db: Database, cacheMs: number): AccountVersions {
  const cache = new Map<string, { version: number | null; until: number }>();
  // Requests arriving together for one account share a single read.
  const pending = new Map<string, Promise<number | null>>();

  async function read(agentId: string): Promise<number | null> {
    const agent = await db.agent.findUnique({ where: { id: agentId }, select: { tokenVersion: true, disabledAt: true } });
    return agent && !agent.disabledAt ? agent.tokenVersion : null;
  }

  return {
    async current(agentId) {
      const now = Date.now();
      const cached = cache.get(agentId);
      if (cached && cached.until > now) return cached.version;
      const inFlight = pending.get(agentId);
      if (inFlight) return inFlight;
      const reading = read(agentId)
        .then((version) => {
          // Old entries are dropped as the map grows, so a flood of made-up ids cannot fill memory.
          if (cache.size > 10_000) for (const [id, entry] of cache) if (entry.until <= now) cache.delete(id);
          cache.set(agentId, { version, until: Date.now() + cacheMs });
          return version;
        })
        .finally(() => pending.delete(agentId));
      pending.set(agentId, reading);
      return reading;
    },
    forget(agentId) {
      cache.delete(agentId);
    },
  };
}
