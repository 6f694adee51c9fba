import { SentralError, type Channel } from '@sentral/contract';
import type { Database, Prisma } from '@sentral/db';
import type { Logger } from '../logger.ts';
import { refuseCatastrophicPatterns, withoutCatastrophicPatterns } from './regex-safety.ts';
import { emptyRuleSet, parseRuleSet, referencedAgents, RuleSetError, type Filter, type RuleSet } from './rules.ts';

export interface ActiveRules {
  /** 0 while no rule set was ever stored: contacts stay in the queue they arrived for. */
  version: number;
  ruleSet: RuleSet;
  createdAt: string | null;
}

export interface RuleBook {
  /** The rule set in force now (one indexed lookup to notice a newer version, none when the caller read the version already). */
  current(knownVersion?: number): Promise<ActiveRules>;
  /** Validates a whole rule set and stores it as the next version; a bad set changes nothing. */
  save(raw: unknown, actorId: string | null): Promise<ActiveRules>;
  versions(): Promise<Array<{ version: number; createdAt: string; createdBy: string | null; filters: number }>>;
  /** Edits one filter by building the next whole set from the current one (validated the same way). */
  putFilter(filter: unknown, position: number | undefined, actorId: string | null): Promise<ActiveRules>;
  deleteFilter(name: string, actorId: string | null): Promise<ActiveRules>;
}

const none: ActiveRules = { version: 0, ruleSet: emptyRuleSet, createdAt: null };

export function createRuleBook(db: Database, logger?: Logger): RuleBook {
  let cached: ActiveRules = none;
  let checking: Promise<ActiveRules> | null = null;

  async function refresh(): Promise<ActiveRules> {
    const [latest] = await db.$queryRaw<Array<{ version: number }>>`SELECT version FROM "RoutingRuleSet" ORDER BY version DESC LIMIT 1`;
    if (!latest) return (cached = none);
    if (latest.version === cached.version) return cached;
    const row = await db.routingRuleSet.findUniqueOrThrow({ where: { version: latest.version } });
    // A set stored before patterns were checked may hold one that backtracks catastrophically: its filter is left out.
    const { ruleSet, dropped } = await withoutCatastrophicPatterns(row.definition as unknown as RuleSet);
    for (const problem of dropped) logger?.error({ version: row.version, problem: problem.message }, 'routing filter left out');
    cached = { version: row.version, ruleSet, createdAt: row.createdAt.toISOString() };
    return cached;
  }

  async function validate(raw: unknown): Promise<RuleSet> {
    const agentIds = referencedAgents(raw);
    const [queues, agents] = await Promise.all([
      db.queue.findMany({ select: { id: true, channels: true } }),
      agentIds.length ? db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true } }) : Promise.resolve([]),
    ]);
    try {
      const ruleSet = parseRuleSet(raw, {
        queues: new Set(queues.map((q) => q.id)),
        agents: new Set(agents.map((a) => a.id)),
        queueChannels: new Map(queues.map((q) => [q.id, q.channels as Channel[]])),
      });
      await refuseCatastrophicPatterns(ruleSet);
      return ruleSet;
    } catch (error) {
      if (error instanceof RuleSetError) throw new SentralError('VALIDATION_FAILED', error.message, { field: error.path });
      throw error;
    }
  }

  const book: RuleBook = {
    current(knownVersion) {
      if (knownVersion !== undefined && knownVersion === cached.version) return Promise.resolve(cached);
      // Callers arriving together share one lookup.
      checking ??= refresh().finally(() => (checking = null));
      return checking;
    },

    async save(raw, actorId) {
      const ruleSet = await validate(raw);
      const row = await db.$transaction(async (tx) => {
        const stored = await tx.routingRuleSet.create({ data: { definition: ruleSet as unknown as Prisma.InputJsonValue, createdBy: actorId } });
        await tx.auditLog.create({
          data: { actorId, action: 'routing.rules', entity: 'routing-rules', entityId: String(stored.version), data: { filters: ruleSet.filters.length } },
        });
        return stored;
      });
      return { version: row.version, ruleSet, createdAt: row.createdAt.toISOString() };
    },

    async versions() {
      const rows = await db.routingRuleSet.findMany({ orderBy: { version: 'desc' }, take: 100 });
      return rows.map((row) => ({
        version: row.version,
        createdAt: row.createdAt.toISOString(),
        createdBy: row.createdBy,
        filters: ((row.definition as unknown as RuleSet).filters ?? []).length,
      }));
    },

    async putFilter(filter, position, actorId) {
      const { ruleSet } = await book.current();
      const name = (filter as { name?: unknown } | null)?.name;
      const filters: unknown[] = ruleSet.filters.filter((existing: Filter) => existing.name !== name);
      const at = ruleSet.filters.findIndex((existing) => existing.name === name);
      filters.splice(position ?? (at >= 0 ? at : filters.length), 0, filter);
      return book.save({ ...ruleSet, filters }, actorId);
    },

    async deleteFilter(name, actorId) {
      const { ruleSet } = await book.current();
      if (!ruleSet.filters.some((filter) => filter.name === name)) throw new SentralError('NOT_FOUND', `no filter called "${name}"`);
      return book.save({ ...ruleSet, filters: ruleSet.filters.filter((filter) => filter.name !== name) }, actorId);
    },
  };
  return book;
}
