import { useEffect, useState } from 'react';
import { type AgentState, type AgentStatus, type AwayReason, type QueueStats, type SupervisorStats, type TodaySeries, type WaitingContact } from '@sentral/contract';
import type { QueueInfo } from '../api.ts';
import { ChannelIcon, SegmentBadge } from '../components/facts.tsx';
import { useNow } from '../components/ScreenPop.tsx';
import { useI18n } from '../i18n.tsx';
import type { SupervisorApi } from './api.ts';
import { TodayCharts } from './Charts.tsx';
import type { Formats } from './format.ts';
import type { WallboardT } from './texts.ts';

const TODAY_REFRESH_MS = 30_000;
const CHART_SETTLE_MS = 1_000;
// Busy agents first, then those in wrap-up, free, away; offline agents last and folded away.
const activityOrder = { busy: 0, wrapup: 1, available: 2, away: 3, offline: 4 } as const;
const activities = ['available', 'busy', 'wrapup', 'away', 'offline'] as const;

interface LiveProps {
  stats: SupervisorStats;
  queues: QueueInfo[];
  /** Every away reason, retired ones too: an agent may still be away for one. */
  awayReasons: AwayReason[];
  api: SupervisorApi;
  t: WallboardT;
  f: Formats;
  notify(text: string, tone?: 'info' | 'warning'): void;
}

/** The live wallboard: every queue, today's charts, who waits, and every agent. */
export function Live(props: LiveProps) {
  const { stats, t, f } = props;
  const now = useNow(1000);
  const [today, setToday] = useState<TodaySeries[]>([]);
  const [chartQueue, setChartQueue] = useState<string>('');
  const { time } = useI18n();

  // The charts are re-read as the day's traffic grows (settling for a moment) and every half minute.
  const movedToday = stats.queues.reduce((sum, queue) => sum + queue.offered + queue.answered + queue.abandoned, 0);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      props.api
        .today()
        .then((series) => !cancelled && setToday(series))
        .catch(() => undefined);
    const soon = setTimeout(load, CHART_SETTLE_MS);
    const timer = setInterval(load, TODAY_REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(soon);
      clearInterval(timer);
    };
  }, [props.api, movedToday]);

  const shownQueue = stats.queues.find((queue) => queue.id === chartQueue) ?? stats.queues.find((queue) => queue.offered > 0) ?? stats.queues[0];
  const agentName = (id: string | null) => stats.agents.find((agent) => agent.id === id)?.name ?? '';
  // The queue's name in the reader's language, from /api/queues; the pushed stats carry the stored name.
  const queueName = (id: string) => props.queues.find((queue) => queue.id === id)?.name ?? stats.queues.find((queue) => queue.id === id)?.name ?? id;

  return (
    <div className="wallboard-live">
      <section className="queue-grid" aria-label={t('nav.live')}>
        {stats.queues.map((queue) => (
          <QueueCard key={queue.id} queue={queue} name={queueName(queue.id)} t={t} f={f} />
        ))}
      </section>
      <section className="card charts">
        <div className="section-head">
          <h2>{t('charts.title')}</h2>
          <label>
            {t('charts.queue')}{' '}
            <select value={shownQueue?.id ?? ''} onChange={(event) => setChartQueue(event.target.value)}>
              {stats.queues.map((queue) => (
                <option key={queue.id} value={queue.id}>
                  {queueName(queue.id)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {shownQueue ? (
          <TodayCharts series={today.find((series) => series.queueId === shownQueue.id)} target={shownQueue.serviceLevelTarget} t={t} f={f} time={time} />
        ) : null}
      </section>
      <div className="live-columns">
        <WaitingList waiting={stats.waiting} now={now} agents={stats.agents} queueName={queueName} agentName={agentName} {...props} />
        <AgentsTable agents={stats.agents} now={now} queueName={queueName} {...props} />
      </div>
    </div>
  );
}

function QueueCard(props: { queue: QueueStats; name: string; t: WallboardT; f: Formats }) {
  const { queue, t, f } = props;
  const staffing = queue.staffing;
  const short = staffing.required - staffing.staffed;
  const slClass = queue.serviceLevel === null ? '' : queue.serviceLevel >= queue.serviceLevelTarget ? 'good' : 'bad';
  return (
    <article className="card queue-card" data-queue={queue.id} aria-labelledby={`queue-${queue.id}`}>
      <header>
        <h2 id={`queue-${queue.id}`}>{props.name}</h2>
        <div className="waiting-now">
          <span className="big" data-testid="waiting">
            {queue.waiting}
          </span>
          <span className="muted small">{t('queue.waiting')}</span>
        </div>
      </header>
      <dl className="queue-figures">
        <div>
          <dt>{t('queue.longest')}</dt>
          <dd data-testid="longest">{f.duration(queue.longestWaitSeconds)}</dd>
        </div>
        <div>
          <dt>{t('queue.overdue')}</dt>
          <dd className={queue.overdue > 0 ? 'bad' : ''} data-testid="overdue">
            {queue.overdue}
          </dd>
        </div>
        <div>
          <dt>{t('queue.serviceLevel')}</dt>
          <dd className={slClass} data-testid="service-level">
            {f.percent(queue.serviceLevel)}
          </dd>
          <dd className="muted small">{t('queue.slGoal', { target: f.percent(queue.serviceLevelTarget), seconds: queue.serviceLevelSeconds })}</dd>
        </div>
        <div>
          <dt>{t('queue.asa')}</dt>
          <dd>{f.duration(queue.asaSeconds)}</dd>
        </div>
        <div>
          <dt>{t('queue.aht')}</dt>
          <dd>{f.duration(queue.ahtSeconds)}</dd>
        </div>
        <div>
          <dt>{t('queue.abandon')}</dt>
          <dd>{f.percent(queue.abandonRate)}</dd>
        </div>
        <div>
          <dt>{t('queue.csat')}</dt>
          <dd>{f.decimal(queue.satisfaction)}</dd>
        </div>
        <div>
          <dt>{t('queue.occupancy')}</dt>
          <dd>{f.percent(queue.occupancy)}</dd>
        </div>
        {queue.selfService && queue.selfService.contacts > 0 ? (
          <div>
            <dt>{t('queue.containment')}</dt>
            <dd data-testid="containment">{f.percent(queue.selfService.containmentRate)}</dd>
            <dd className="muted small">
              {t('queue.selfService', { served: queue.selfService.selfServed, transferred: queue.selfService.transferred, abandoned: queue.selfService.abandoned })}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('queue.offered')}</dt>
          <dd data-testid="offered">{queue.offered}</dd>
          <dd className="muted small" data-testid="answered">
            {t('queue.answered', { count: queue.answered })}
          </dd>
        </div>
      </dl>
      <ul className="agent-states" aria-label={t('agents.title')}>
        {activities.map((activity) => (
          <li key={activity} className={`activity activity-${activity}`}>
            <span className="dot" aria-hidden="true" /> {t(`agents.${activity}`)} <strong>{queue.agents[activity]}</strong>
          </li>
        ))}
      </ul>
      <div className={`staffing ${staffing.trafficErlangs === 0 ? '' : short > 0 ? 'short' : 'enough'}`} data-testid="staffing">
        <div className="staffing-head">
          <span>{t('queue.staffing')}</span>
          <strong>{t('queue.required', { required: staffing.required, staffed: staffing.staffed })}</strong>
          {staffing.trafficErlangs > 0 ? <span className="badge">{short > 0 ? t('queue.short', { count: short }) : t('queue.enough')}</span> : null}
        </div>
        <p className="muted small">
          {staffing.trafficErlangs > 0
            ? t('queue.staffingDetail', {
                perHour: f.decimal(staffing.arrivalsPerHour),
                aht: f.duration(staffing.ahtSeconds),
                erlangs: f.decimal(staffing.trafficErlangs),
                staffed: staffing.staffed,
                expected: f.percent(staffing.expectedServiceLevel),
                seconds: queue.serviceLevelSeconds,
              })
            : t('queue.noTraffic')}
        </p>
      </div>
      {queue.targets.length ? (
        <ul className="kpis">
          {queue.targets.map((target) => (
            <li key={`${target.period}-${target.metric}`} className={target.met === null ? 'kpi' : target.met ? 'kpi met' : 'kpi missed'}>
              <span>
                {t(`kpi.${target.period}`)} · {t(`kpi.${target.metric}`)}
              </span>
              <strong>
                {f.kpi(target.metric, target.actual)} / {f.kpi(target.metric, target.target)}
              </strong>
              <span className="small">{target.met === null ? t('kpi.noData') : target.met ? t('kpi.met') : t('kpi.missed')}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

function WaitingList(
  props: LiveProps & {
    waiting: WaitingContact[];
    now: number;
    agents: AgentStatus[];
    queueName(id: string): string;
    agentName(id: string | null): string;
  },
) {
  const { t, f } = props;
  const reassign = (contactId: string, to: { queueId: string } | { agentId: string }) =>
    props.api
      .reassign(contactId, to)
      .then(() => props.notify(t('waiting.moved')))
      .catch((error: Error) => props.notify(t('error', { message: error.message }), 'warning'));
  return (
    <section className="card waiting-list" aria-labelledby="waiting-title">
      <h2 id="waiting-title">{t('waiting.title')}</h2>
      {props.waiting.length === 0 ? (
        <p className="muted">{t('waiting.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('waiting.customer')}</th>
              <th scope="col">{t('charts.queue')}</th>
              <th scope="col">{t('waiting.since')}</th>
              <th scope="col">{t('waiting.reassign')}</th>
            </tr>
          </thead>
          <tbody>
            {props.waiting.map((contact) => (
              <tr key={contact.id} data-contact={contact.id}>
                <td>
                  <ChannelIcon channel={contact.channel} /> {contact.customer ? contact.customer.name : t('waiting.unknown')}{' '}
                  {contact.customer ? <SegmentBadge segment={contact.customer.segment} /> : null}
                  {contact.offeredTo ? <div className="muted small">{t('waiting.offeredTo', { name: props.agentName(contact.offeredTo) })}</div> : null}
                </td>
                <td>{props.queueName(contact.queue)}</td>
                <td>{f.duration((props.now - new Date(contact.since).getTime()) / 1000)}</td>
                <td className="actions">
                  <select aria-label={`${t('waiting.toQueue')} ${contact.customer?.name ?? t('waiting.unknown')}`} value="" onChange={(event) => void reassign(contact.id, { queueId: event.target.value })}>
                    <option value="">{t('waiting.toQueue')}</option>
                    {props.queues
                      .filter((queue) => queue.id !== contact.queue && queue.channels.includes(contact.channel))
                      .map((queue) => (
                        <option key={queue.id} value={queue.id}>
                          {queue.name}
                        </option>
                      ))}
                  </select>
                  <select aria-label={`${t('waiting.toAgent')} ${contact.customer?.name ?? t('waiting.unknown')}`} value="" onChange={(event) => void reassign(contact.id, { agentId: event.target.value })}>
                    <option value="">{t('waiting.toAgent')}</option>
                    {props.agents
                      .filter((agent) => agent.activity !== 'offline')
                      .map((agent) => (
                        <option key={agent.id} value={agent.id}>
                          {agent.name}
                        </option>
                      ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AgentsTable(props: LiveProps & { agents: AgentStatus[]; now: number; queueName(id: string): string }) {
  const { t, f } = props;
  const [showOffline, setShowOffline] = useState(false);
  const sorted = [...props.agents].sort((a, b) => activityOrder[a.activity] - activityOrder[b.activity] || a.name.localeCompare(b.name));
  const offline = sorted.filter((agent) => agent.activity === 'offline').length;
  const shown = showOffline ? sorted : sorted.filter((agent) => agent.activity !== 'offline');
  const { language } = useI18n();
  const reasonLabel = (code: string) => props.awayReasons.find((reason) => reason.code === code)?.labels[language] ?? code;
  // The selector's values: a state, or `away:<reason code>`.
  const setState = (agent: AgentStatus, choice: string) => {
    const [state, reason] = choice.split(':') as [AgentState, string | undefined];
    props.api.setAgentState(agent.id, state, reason).catch((error: Error) => props.notify(t('error', { message: error.message }), 'warning'));
  };
  const monitor = (contactId: string, mode: 'listen' | 'whisper' | 'barge') =>
    props.api
      .monitor(contactId, mode)
      .then(() => props.notify(t('monitor.joined', { mode: t(`monitor.${mode}`) })))
      .catch((error: Error) => props.notify(t('error', { message: error.message }), 'warning'));
  return (
    <section className="card agents-table" aria-labelledby="agents-title">
      <h2 id="agents-title">{t('agents.title')}</h2>
      {props.agents.length === 0 ? (
        <p className="muted">{t('agents.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('agents.name')}</th>
              <th scope="col">{t('agents.state')}</th>
              <th scope="col">{t('agents.time')}</th>
              <th scope="col">{t('agents.contacts')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((agent) => (
              <tr key={agent.id} data-agent={agent.id}>
                <th scope="row">
                  {agent.name}
                  <div className="muted small">{agent.queues.map(props.queueName).join(', ')}</div>
                </th>
                <td>
                  <span className={`activity activity-${agent.activity}`} data-testid="agent-activity">
                    <span className="dot" aria-hidden="true" /> {agent.activity === 'away' && agent.reason ? t('agents.awayWith', { reason: reasonLabel(agent.reason) }) : t(`agents.${agent.activity}`)}
                  </span>
                  <select className="state-select" aria-label={t('agents.setState', { name: agent.name })} value="" onChange={(event) => setState(agent, event.target.value)}>
                    <option value="">{t('agents.statePlaceholder')}</option>
                    <option value="available">{t('agents.available')}</option>
                    <option value="away">{t('agents.away')}</option>
                    {props.awayReasons
                      .filter((reason) => reason.active)
                      .map((reason) => (
                        <option key={reason.code} value={`away:${reason.code}`}>
                          {t('agents.awayWith', { reason: reason.labels[language] })}
                        </option>
                      ))}
                    <option value="offline">{t('agents.offline')}</option>
                  </select>
                </td>
                <td data-testid="agent-time">{f.duration((props.now - new Date(agent.since).getTime()) / 1000)}</td>
                <td>
                  {agent.contacts.map((contact) => (
                    <div key={contact.id} className="agent-contact">
                      <ChannelIcon channel={contact.channel} /> {props.queueName(contact.queue)}{' '}
                      <span className="muted small">{f.duration((props.now - new Date(contact.since).getTime()) / 1000)}</span>
                      {contact.channel === 'voice' && contact.status === 'accepted'
                        ? (['listen', 'whisper', 'barge'] as const).map((mode) => (
                            <button key={mode} type="button" className="small-button" onClick={() => void monitor(contact.id, mode)}>
                              {t(`monitor.${mode}`)}
                            </button>
                          ))
                        : null}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {offline ? (
        <button type="button" className="link-button" aria-expanded={showOffline} onClick={() => setShowOffline((open) => !open)}>
          {showOffline ? t('agents.hideOffline') : t('agents.showOffline', { count: offline })}
        </button>
      ) : null}
    </section>
  );
}
