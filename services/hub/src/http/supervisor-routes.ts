import { z } from 'zod';
import { kpiMetrics, kpiPeriods, SentralError, supervisorSchemas, type ReportFigures, type ReportRow } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import type { SupervisorActions } from '../supervision/actions.ts';
import type { Wallboard } from '../reporting/wallboard.ts';
import { figures, historicalReport, reportRange, toCsv } from '../reporting/reports.ts';
import { emptyTally } from '../reporting/metrics.ts';
import { customerAnalytics } from '../reporting/analytics.ts';
import { runSegmentRecompute } from '../reporting/segmentation.ts';
import type { CurrencyRates } from '../reporting/currency.ts';
import type { SegmentThresholds } from '../seed/segments.ts';
import { defineRoute, type Caller, type RouteDefinition } from './route.ts';

const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const uuidParam = z.object({ id: z.string().uuid('must be a UUID') });

/** The figures of a report row without its interval and label. */
function pick({ start: _start, end: _end, key: _key, label: _label, ...figures }: ReportRow): ReportFigures {
  return figures;
}

function supervisorOf(caller: Caller | null): AgentPrincipal {
  if (caller?.kind !== 'agent') throw new SentralError('FORBIDDEN', 'supervisors and admins only');
  return caller.agent;
}

/** The supervisor's REST surface: the wallboard, actions, KPI targets, reports and customer analytics. */
export function supervisorRoutes(deps: {
  db: Database;
  wallboard: Wallboard;
  actions: SupervisorActions;
  timeZone: string;
  wrapUpSeconds: number;
  segments: { thresholds: SegmentThresholds; recomputeMinutes: number };
  currencyRates: CurrencyRates;
}): RouteDefinition[] {
  const { db, wallboard, actions, timeZone } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/api/supervisor/stats',
      summary: 'The live wallboard: every queue (waiting, service level, staffing advice, KPI progress) and every agent, as pushed on /supervisor',
      access: staff,
      responses: { 200: '{"at","queues":[..],"agents":[..]}', 403: 'Not a supervisor or admin' },
      async handler() {
        return { body: await wallboard.snapshot() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/supervisor/today',
      summary: "Today's charts per queue: contacts offered, peak waiting and service level per 15 minutes",
      access: staff,
      responses: { 200: '[{"queueId","points":[{"start","offered","peakWaiting","serviceLevel"}]}]', 403: 'Not a supervisor or admin' },
      async handler() {
        return { body: await wallboard.today() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/supervisor/contacts/:id/reassign',
      summary: 'Route a waiting contact to another queue ({queueId}) or to one agent first ({agentId}, then back to its queue after 2 minutes); recorded in the audit log',
      access: staff,
      params: uuidParam,
      body: supervisorSchemas.reassign,
      responses: { 200: '{"ok":true}', 403: 'Not a supervisor or admin', 404: 'No such contact, queue or agent', 409: 'The contact no longer waits, or the queue or agent cannot take its channel' },
      async handler({ params, body, caller }) {
        const { note, ...to } = body;
        await actions.reassign(supervisorOf(caller), params.id, to, note);
        return { body: { ok: true } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/supervisor/agents/:id/state',
      summary: "Change an agent's state (available, away, offline), with an away reason code if away; recorded in the audit log",
      access: staff,
      params: uuidParam,
      body: supervisorSchemas.agentState,
      responses: { 200: '{"state","since","reason"}', 403: 'Not a supervisor or admin', 404: 'No such agent' },
      async handler({ params, body, caller }) {
        return { body: await actions.setAgentState(supervisorOf(caller), params.id, body.state, body.reason) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/supervisor/contacts/:id/monitor',
      summary: "Join a connected call's conference to listen, whisper to the agent or barge in (voice configured)",
      access: staff,
      params: uuidParam,
      body: supervisorSchemas.monitor,
      responses: { 200: '{"participantId"}', 403: 'Not a supervisor or admin', 404: 'No such contact', 409: 'Not a connected call', 503: 'Voice is not configured' },
      async handler({ params, body, caller }) {
        return { body: await actions.monitor(supervisorOf(caller), params.id, body.mode) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kpi-targets',
      summary: 'The KPI targets per queue and period',
      access: staff,
      responses: { 200: '[{"queueId","period","metric","target"}]', 403: 'Not a supervisor or admin' },
      async handler() {
        const targets = await db.kpiTarget.findMany({ orderBy: [{ queueId: 'asc' }, { period: 'asc' }, { metric: 'asc' }] });
        return { body: targets.map(({ queueId, period, metric, target, updatedAt }) => ({ queueId, period, metric, target, updatedAt })) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/kpi-targets',
      summary: 'Set the target of one metric for one queue and period (serviceLevel and abandonRate as 0–1, times in seconds, satisfaction 1–10)',
      access: staff,
      body: supervisorSchemas.kpiTarget,
      responses: { 200: '{"queueId","period","metric","target"}', 403: 'Not a supervisor or admin', 404: 'No such queue' },
      async handler({ body, caller }) {
        const supervisor = supervisorOf(caller);
        if (!(await db.queue.findUnique({ where: { id: body.queueId }, select: { id: true } }))) throw new SentralError('NOT_FOUND', `no such queue "${body.queueId}"`);
        const where = { queueId_period_metric: { queueId: body.queueId, period: body.period, metric: body.metric } };
        await db.$transaction([
          db.kpiTarget.upsert({ where, create: { ...body, updatedBy: supervisor.id }, update: { target: body.target, updatedBy: supervisor.id } }),
          db.auditLog.create({ data: { actorId: supervisor.id, action: 'kpi-target.set', entity: 'queue', entityId: body.queueId, data: body } }),
        ]);
        return { body };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/kpi-targets/:queueId/:period/:metric',
      summary: 'Remove a KPI target',
      access: staff,
      params: z.object({ queueId: z.string().min(1).max(64), period: z.enum(kpiPeriods), metric: z.enum(kpiMetrics) }),
      responses: { 200: '{"deleted":true|false}', 403: 'Not a supervisor or admin' },
      async handler({ params, caller }) {
        const supervisor = supervisorOf(caller);
        const { count } = await db.kpiTarget.deleteMany({ where: params });
        if (count) await db.auditLog.create({ data: { actorId: supervisor.id, action: 'kpi-target.delete', entity: 'queue', entityId: params.queueId, data: params } });
        return { body: { deleted: count > 0 } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reports',
      summary:
        'Historical figures from `from` to `to` (local dates, inclusive) per 15 minutes, hour or day (`interval`, none: totals) by queue, channel, agent or segment; `format=csv` exports the rows',
      access: staff,
      query: supervisorSchemas.report,
      responses: { 200: 'JSON {"rows","totals","overall",..} or text/csv', 403: 'Not a supervisor or admin' },
      async handler({ query, res }) {
        const report = await historicalReport(db, { ...query, interval: query.interval ?? null, timeZone, wrapUpCapSeconds: deps.wrapUpSeconds });
        if (query.format === 'json') return { body: report };
        res.setHeader('Content-Disposition', `attachment; filename="sentral-${query.by}-${query.interval ?? 'total'}-${query.from}-${query.to}.csv"`);
        return { body: toCsv(query.interval ? report.rows : report.totals), contentType: 'text/csv; charset=utf-8' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reports/segments',
      summary: 'Segments A, B and C (and unidentified customers) side by side over a range of local dates',
      access: staff,
      query: supervisorSchemas.range,
      responses: { 200: '{"from","to","segments":{"A":{..},"B":{..},"C":{..},"unknown":{..}}}', 403: 'Not a supervisor or admin' },
      async handler({ query }) {
        const report = await historicalReport(db, { ...query, interval: null, by: 'segment', timeZone, wrapUpCapSeconds: deps.wrapUpSeconds });
        const segments = Object.fromEntries(
          ['A', 'B', 'C', 'unknown'].map((key) => {
            const total = report.totals.find((row) => row.key === key);
            return [key, total ? pick(total) : figures(emptyTally())];
          }),
        );
        return { body: { from: report.from, to: report.to, timeZone, segments } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/analytics/customers',
      summary: 'Customer analytics over a range of local dates: segment sizes, the ten most profitable customers, the most frequent contact and churn reasons',
      access: staff,
      query: supervisorSchemas.range,
      responses: { 200: '{"segments","topCustomers","contactReasons","churn","lastRecompute"}', 403: 'Not a supervisor or admin' },
      async handler({ query }) {
        return { body: await customerAnalytics(db, reportRange(query.from, query.to, null, timeZone), deps.currencyRates) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/analytics/segments/recompute',
      summary: 'Recompute the A/B/C segments from revenue now (they are also recomputed on a schedule)',
      access: staff,
      responses: { 200: '{"customers","changed","counts","thresholds"}', 403: 'Not a supervisor or admin', 409: 'A recompute is already running' },
      async handler({ caller }) {
        const supervisor = supervisorOf(caller);
        const result = await runSegmentRecompute(db, { thresholds: deps.segments.thresholds, currencyRates: deps.currencyRates, everyMinutes: deps.segments.recomputeMinutes, force: true });
        if (!result) throw new SentralError('CONFLICT', 'a recompute is already running');
        await db.auditLog.create({ data: { actorId: supervisor.id, action: 'segments.recompute', entity: 'customer', data: { changed: result.changed, counts: result.counts } } });
        return { body: result };
      },
    }),
  ];
}
