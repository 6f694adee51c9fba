import { SentralError, type Channel } from '@sentral/contract';
import type { Database } from '@sentral/db';

export interface QueueDirectory {
  /** The queue a new contact waits in: the one asked for when it serves the channel, else the channel's default. */
  resolve(channel: Channel, requested: string | null): Promise<string>;
}

const CACHE_MS = 5_000;
const PREFERRED_DEFAULT = 'support';

export function createQueueDirectory(db: Database): QueueDirectory {
  let cached: { at: number; queues: Array<{ id: string; channels: Channel[] }> } | null = null;
  async function all() {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      cached = { at: Date.now(), queues: await db.queue.findMany({ select: { id: true, channels: true }, orderBy: { id: 'asc' } }) };
    }
    return cached.queues;
  }
  return {
    async resolve(channel, requested) {
      const queues = (await all()).filter((queue) => queue.channels.includes(channel));
      const chosen =
        queues.find((queue) => queue.id === requested) ?? queues.find((queue) => queue.id === PREFERRED_DEFAULT) ?? queues[0];
      if (!chosen) throw new SentralError('CHANNEL_DISABLED', `no queue serves the ${channel} channel`);
      return chosen.id;
    },
  };
}
