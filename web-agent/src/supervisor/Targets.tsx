import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { kpiMetrics, kpiPeriods, type KpiMetric, type KpiPeriod, type KpiTarget } from '@sentral/contract';
import type { QueueInfo } from '../api.ts';
import type { SupervisorApi } from './api.ts';
import type { Formats } from './format.ts';
import type { WallboardT } from './texts.ts';

const isShare = (metric: KpiMetric) => metric === 'serviceLevel' || metric === 'abandonRate';

/** KPI targets per queue and period: listed, set and removed. */
export function Targets(props: { api: SupervisorApi; queues: QueueInfo[]; t: WallboardT; f: Formats; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t, f } = props;
  const [targets, setTargets] = useState<KpiTarget[]>([]);
  const [queueId, setQueueId] = useState('');
  const [period, setPeriod] = useState<KpiPeriod>('day');
  const [metric, setMetric] = useState<KpiMetric>('serviceLevel');
  const [value, setValue] = useState('80');
  const queueName = (id: string) => props.queues.find((queue) => queue.id === id)?.name ?? id;

  const reload = useCallback(() => api.targets().then(setTargets).catch(() => undefined), [api]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    const number = Number(value.replace(',', '.'));
    const target = { queueId: queueId || props.queues[0]?.id || '', period, metric, target: isShare(metric) ? number / 100 : number };
    api
      .setTarget(target)
      .then(() => {
        props.notify(t('targets.saved'));
        return reload();
      })
      .catch((error: Error) => props.notify(t('error', { message: error.message }), 'warning'));
  };

  return (
    <section className="card targets">
      <h2>{t('targets.title')}</h2>
      <p className="muted">{t('targets.intro')}</p>
      <form className="inline-form" onSubmit={save}>
        <label>
          {t('targets.queue')}
          <select value={queueId || props.queues[0]?.id || ''} onChange={(event) => setQueueId(event.target.value)}>
            {props.queues.map((queue) => (
              <option key={queue.id} value={queue.id}>
                {queue.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('targets.period')}
          <select value={period} onChange={(event) => setPeriod(event.target.value as KpiPeriod)}>
            {kpiPeriods.map((p) => (
              <option key={p} value={p}>
                {t(`kpi.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('targets.metric')}
          <select value={metric} onChange={(event) => setMetric(event.target.value as KpiMetric)}>
            {kpiMetrics.map((m) => (
              <option key={m} value={m}>
                {t(`kpi.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('targets.target')} ({isShare(metric) ? '%' : metric === 'satisfaction' ? '1–10' : 's'})
          <input inputMode="decimal" required value={value} onChange={(event) => setValue(event.target.value)} />
        </label>
        <button type="submit" className="primary">
          {t('targets.save')}
        </button>
      </form>
      {targets.length === 0 ? (
        <p className="muted">{t('targets.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('targets.queue')}</th>
              <th scope="col">{t('targets.period')}</th>
              <th scope="col">{t('targets.metric')}</th>
              <th scope="col">{t('targets.target')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {targets.map((target) => (
              <tr key={`${target.queueId}-${target.period}-${target.metric}`}>
                <td>{queueName(target.queueId)}</td>
                <td>{t(`kpi.${target.period}`)}</td>
                <td>{t(`kpi.${target.metric}`)}</td>
                <td>{f.kpi(target.metric, target.target)}</td>
                <td>
                  <button
                    type="button"
                    className="danger small-button"
                    onClick={() =>
                      void api
                        .removeTarget(target)
                        .then(reload)
                        .catch((error: Error) => props.notify(t('error', { message: error.message }), 'warning'))
                    }
                  >
                    {t('targets.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
