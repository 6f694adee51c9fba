import type { ConnectorLogger, FlowDirectory } from '@sentral/contract';
import { parseFlow, type IvrFlow } from './flow.ts';

export interface LoadedFlow {
  id: string;
  flow: IvrFlow;
}

// Flows change rarely; a few seconds of staleness keeps every webhook from re-reading and re-parsing one.
const FRESH_MS = 5_000;

/**
 * Flows by called number, kept in memory. The last good flow of a number stays available for the
 * fallback answer even when the database does not answer.
 */
export class FlowCache {
  private readonly entries = new Map<string, { loaded: LoadedFlow | null; at: number; updatedAt: string | null }>();

  constructor(
    private readonly directory: FlowDirectory,
    private readonly logger: ConnectorLogger,
  ) {}

  async forNumber(calledNumber: string | null): Promise<LoadedFlow | null> {
    const key = calledNumber ?? '';
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < FRESH_MS) return cached.loaded;
    const stored = await this.directory.forAddress('voice', calledNumber);
    let loaded: LoadedFlow | null = null;
    if (stored && cached?.updatedAt === stored.updatedAt && cached.loaded?.id === stored.id) {
      loaded = cached.loaded;
    } else if (stored) {
      try {
        loaded = { id: stored.id, flow: parseFlow(stored.definition) };
      } catch (error) {
        // The API validates flows before storing them; this is a flow written around it.
        this.logger.error({ err: error, flowId: stored.id }, 'stored IVR flow is invalid');
      }
    }
    this.entries.set(key, { loaded, at: Date.now(), updatedAt: stored?.updatedAt ?? null });
    return loaded;
  }

  /** The flow last seen for a number, without asking the database. */
  peek(calledNumber: string | null): LoadedFlow | null {
    return this.entries.get(calledNumber ?? '')?.loaded ?? null;
  }
}
