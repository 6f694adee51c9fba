import type { AgentState, AwayReason, CannedAnswer, KpiTarget, PresenceReport, ReportFigures, ReportRow, SupervisorStats, TodaySeries } from '@sentral/contract';
import { request } from '../api.ts';

export interface Report {
  from: string;
  to: string;
  timeZone: string;
  interval: '15m' | 'hour' | 'day' | null;
  by: 'queue' | 'channel' | 'agent' | 'segment';
  rows: ReportRow[];
  totals: ReportRow[];
  overall: ReportFigures;
}

export interface ReportQuery {
  from: string;
  to: string;
  interval: '15m' | 'hour' | 'day' | null;
  by: Report['by'];
}

export interface CustomerAnalytics {
  segments: Record<'A' | 'B' | 'C', { customers: number; revenueNok: number }>;
  lastRecompute: { at: string; result: unknown } | null;
  topCustomers: Array<{ id: string; name: string; segment: 'A' | 'B' | 'C'; revenue: number; currency: string; revenueNok: number; lifetimeValue: number }>;
  contactReasons: Array<{ disposition: string; contacts: number }>;
  churn: { customers: number; signals: Array<{ disposition: string; contacts: number }>; reasons: Array<{ disposition: string; contacts: number }> };
}

/** The supervisor's REST calls (the live figures come over the `/supervisor` socket). */
export function createSupervisorApi(token: string) {
  const get = <T,>(path: string) => request<T>(path, { token });
  const send = <T,>(method: string, path: string, body?: unknown) => request<T>(path, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const reportParams = (query: ReportQuery, extra: Record<string, string> = {}) =>
    new URLSearchParams({ from: query.from, to: query.to, by: query.by, ...(query.interval ? { interval: query.interval } : {}), ...extra }).toString();
  return {
    stats: () => get<SupervisorStats>('/api/supervisor/stats'),
    today: () => get<TodaySeries[]>('/api/supervisor/today'),
    reassign: (contactId: string, to: { queueId: string } | { agentId: string }) => send('POST', `/api/supervisor/contacts/${encodeURIComponent(contactId)}/reassign`, to),
    setAgentState: (agentId: string, state: AgentState, reason?: string) =>
      send('POST', `/api/supervisor/agents/${encodeURIComponent(agentId)}/state`, { state, ...(reason ? { reason } : {}) }),
    awayReasons: () => get<AwayReason[]>('/api/away-reasons?all=true'),
    addAwayReason: (reason: { code: string; labels: Record<'nb' | 'da' | 'en', string> }) => send<AwayReason>('POST', '/api/away-reasons', reason),
    updateAwayReason: (code: string, change: { active?: boolean }) => send<AwayReason>('PUT', `/api/away-reasons/${encodeURIComponent(code)}`, change),
    presence: (from: string, to: string) => get<PresenceReport>(`/api/reports/presence?${new URLSearchParams({ from, to }).toString()}`),
    cannedAnswers: () => get<CannedAnswer[]>('/api/canned-answers'),
    saveCannedAnswer: (answer: { id?: string; title: string; text: string; language: string | null; queueId: string | null }) => {
      const { id, ...fields } = answer;
      return id ? send<CannedAnswer>('PUT', `/api/canned-answers/${encodeURIComponent(id)}`, fields) : send<CannedAnswer>('POST', '/api/canned-answers', fields);
    },
    deleteCannedAnswer: (id: string) => send('DELETE', `/api/canned-answers/${encodeURIComponent(id)}`),
    monitor: (contactId: string, mode: 'listen' | 'whisper' | 'barge') => send('POST', `/api/supervisor/contacts/${encodeURIComponent(contactId)}/monitor`, { mode }),
    targets: () => get<KpiTarget[]>('/api/kpi-targets'),
    setTarget: (target: KpiTarget) => send<KpiTarget>('PUT', '/api/kpi-targets', target),
    removeTarget: (target: Omit<KpiTarget, 'target'>) =>
      send('DELETE', `/api/kpi-targets/${encodeURIComponent(target.queueId)}/${target.period}/${target.metric}`),
    report: (query: ReportQuery) => get<Report>(`/api/reports?${reportParams(query)}`),
    /** The CSV comes with the bearer token, so it is fetched and handed to the browser as a file. */
    async reportCsv(query: ReportQuery): Promise<Blob> {
      const response = await fetch(`/api/reports?${reportParams(query, { format: 'csv' })}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.blob();
    },
    segments: (from: string, to: string) => get<{ segments: Record<'A' | 'B' | 'C' | 'unknown', ReportFigures> }>(`/api/reports/segments?${new URLSearchParams({ from, to }).toString()}`),
    customers: (from: string, to: string) => get<CustomerAnalytics>(`/api/analytics/customers?${new URLSearchParams({ from, to }).toString()}`),
    recompute: () => send<{ changed: number }>('POST', '/api/analytics/segments/recompute'),
  };
}

export type SupervisorApi = ReturnType<typeof createSupervisorApi>;
