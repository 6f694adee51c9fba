import type { Database } from '@sentral/db';
import { createTestDatabase } from '../test/support/database.ts';
import { agentsRequired } from '../services/hub/src/reporting/erlang.ts';
import { historicalReport } from '../services/hub/src/reporting/reports.ts';
import { createWallboard } from '../services/hub/src/reporting/wallboard.ts';
import { localDate } from '../services/hub/src/reporting/calendar.ts';
import { latencyFigures, progress, type BenchResult } from './lib.ts';

const TIME_ZONE = 'Europe/Oslo';
const QUEUES = ['sales', 'support', 'billing', 'enterprise', 'second-line'];
const AGENTS = 200;
const ROUNDS = 30;

/**
 * A day of `contacts` spread over the hours before `now` across five queues, most answered and
 * ended with a wrap-up event, some abandoned, a few still waiting; written with set-based SQL.
 */
async function fillDay(db: Database, contacts: number, now: Date): Promise<void> {
  await db.$executeRawUnsafe(`TRUNCATE "Contact" CASCADE`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Contact" (id, channel, status, "externalId", "queueId", "createdAt", "queuedAt", "acceptedAt", "endedAt", "agentId", disposition)
    SELECT gen_random_uuid(), (ARRAY['chat','voice','email','chat']::"Channel"[])[1 + i % 4],
           (CASE WHEN i % 50 = 0 THEN 'queued' WHEN i % 10 = 0 THEN 'abandoned' ELSE 'ended' END)::"ContactStatus",
           'bench-' || i, (ARRAY['${QUEUES.join("','")}'])[1 + i % ${QUEUES.length}],
           t, t,
           CASE WHEN i % 10 = 0 THEN NULL ELSE t + make_interval(secs => i % 60) END,
           CASE WHEN i % 50 = 0 THEN NULL ELSE t + make_interval(secs => 60 + i % 400) END,
           CASE WHEN i % 10 = 0 THEN NULL ELSE (SELECT id FROM "Agent" ORDER BY id OFFSET (i % ${AGENTS}) LIMIT 1) END,
           CASE WHEN i % 10 = 0 THEN NULL ELSE 'resolved' END
    FROM generate_series(1, ${contacts}) AS i,
         LATERAL (SELECT $1::timestamp - make_interval(secs => (i::float8 / ${contacts}) * 8 * 3600) AS t) AS times`, now);
  await db.$executeRawUnsafe(`
    INSERT INTO "ContactEvent" ("contactId", type, actor, at)
    SELECT id, 'wrapped-up', 'agent', "endedAt" + interval '20 seconds' FROM "Contact" WHERE status = 'ended'`);
}

async function timed(round: () => Promise<unknown>, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await round();
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const database = await createTestDatabase();
  const db = database.db;
  try {
    for (const id of QUEUES) await db.queue.create({ data: { id, name: id, channels: ['voice', 'chat', 'email', 'fax'] } });
    await db.$executeRawUnsafe(`
      INSERT INTO "Agent" (id, email, name, "passwordHash", state)
      SELECT gen_random_uuid(), 'bench' || i || '@bench.test', 'Agent ' || i, 'x', (ARRAY['available','away','offline']::"AgentState"[])[1 + i % 3]
      FROM generate_series(1, ${AGENTS}) AS i`);
    await db.$executeRawUnsafe(`INSERT INTO "AgentQueue" ("agentId", "queueId") SELECT a.id, q.id FROM "Agent" a CROSS JOIN "Queue" q`);
    // Late in the day, so eight hours of traffic fall on today in Oslo.
    const now = new Date(`${localDate(new Date(), TIME_ZONE)}T20:00:00+01:00`);
    for (const contacts of [1_000, 10_000, 50_000]) {
      progress(`wallboard with ${contacts} contacts today`);
      await fillDay(db, contacts, now);
      // What autovacuum does after a bulk load in production; without statistics the planner takes
      // the freshly written day for a few rows and nests loops over it.
      await db.$executeRawUnsafe('ANALYZE');
      progress('  day written; first snapshots');
      // First: the whole day is read (at start and at midnight). Then a contact's timeline changes
      // between two pushes: only that contact is read again. Last: nothing changed since the last push.
      const first = await timed(() => createWallboard({ db, timeZone: TIME_ZONE, wrapUpSeconds: 60 }).snapshot(now), 3);
      progress('  snapshots after single changes');
      const wallboard = createWallboard({ db, timeZone: TIME_ZONE, wrapUpSeconds: 60 });
      await wallboard.snapshot(now);
      const ids = (await db.contact.findMany({ select: { id: true }, take: ROUNDS })).map((contact) => contact.id);
      const changed = await timed(async () => {
        await db.contactEvent.create({ data: { contactId: ids.pop()!, type: 'bench', actor: 'system' } });
        await wallboard.snapshot(now);
      }, ROUNDS);
      progress('  idle ticks');
      const unchanged = await timed(() => wallboard.snapshot(now), ROUNDS);
      results.push(
        { name: `wallboard, first snapshot (${contacts} contacts today, ${AGENTS} agents)`, backend: 'postgres', ...latencyFigures(first), throughputPerSec: null, notes: 'reads the whole day: at start and at midnight' },
        { name: `wallboard, a timeline changed (${contacts} contacts today)`, backend: 'postgres', ...latencyFigures(changed), throughputPerSec: null, notes: 'one event, then a push: that contact read again, every queue, staffing and agent recomputed' },
        { name: `wallboard, nothing changed (${contacts} contacts today)`, backend: 'postgres', ...latencyFigures(unchanged), throughputPerSec: null, notes: 'a push tick with no new event: new-event check, agents, waiting list' },
      );
      progress('  report');
      const day = localDate(now, TIME_ZONE);
      const report = await timed(() => historicalReport(db, { from: day, to: day, interval: '15m', by: 'queue', timeZone: TIME_ZONE, wrapUpCapSeconds: 60 }), 5);
      results.push({ name: `report: one day per 15 minutes by queue (${contacts} contacts)`, backend: 'postgres', ...latencyFigures(report), throughputPerSec: null, notes: 'GET /api/reports without HTTP: load the day and group it' });
    }
    for (const erlangs of [10, 1_000]) {
      const samples = await timed(async () => agentsRequired({ arrivalsPerSecond: erlangs / 180, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 }), 200);
      results.push({ name: `Erlang C agents required at ${erlangs} Erlangs`, backend: '-', ...latencyFigures(samples), throughputPerSec: null, notes: 'Erlang B recursion, searching up from the traffic' });
    }
  } finally {
    await database.drop();
  }
  return results;
}
