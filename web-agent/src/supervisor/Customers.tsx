import { useCallback, useEffect, useState } from 'react';
import { SegmentBadge } from '../components/facts.tsx';
import { useI18n } from '../i18n.tsx';
import type { CustomerAnalytics, SupervisorApi } from './api.ts';
import { todayLocal, type Formats } from './format.ts';
import type { WallboardT } from './texts.ts';

/** `most`: the count a full bar stands for; lists compared side by side share it, so equal counts get equal bars. */
function Reasons(props: { rows: Array<{ disposition: string; contacts: number }>; empty: string; most?: number }) {
  const { label } = useI18n();
  if (props.rows.length === 0) return <p className="muted">{props.empty}</p>;
  const most = props.most ?? Math.max(...props.rows.map((row) => row.contacts));
  return (
    <ol className="reasons">
      {props.rows.map((row) => (
        <li key={row.disposition}>
          <span>{label('disposition', row.disposition)}</span>
          <span className="reason-bar" style={{ width: `${(row.contacts / most) * 100}%` }} aria-hidden="true" />
          <strong>{row.contacts}</strong>
        </li>
      ))}
    </ol>
  );
}

/** Customer analytics: segment sizes, the most profitable customers, contact and churn reasons. */
export function Customers(props: { api: SupervisorApi; t: WallboardT; f: Formats; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t, f } = props;
  const { money } = useI18n();
  const [from, setFrom] = useState(() => {
    const monthAgo = new Date(Date.now() - 30 * 86_400_000);
    return `${monthAgo.getFullYear()}-${String(monthAgo.getMonth() + 1).padStart(2, '0')}-${String(monthAgo.getDate()).padStart(2, '0')}`;
  });
  const [to, setTo] = useState(todayLocal);
  const [data, setData] = useState<CustomerAnalytics | null>(null);
  const failed = (error: Error) => props.notify(t('error', { message: error.message }), 'warning');
  const load = useCallback(() => api.customers(from, to).then(setData), [api, from, to]);

  useEffect(() => {
    load().catch(() => undefined);
  }, [load]);

  return (
    <div className="customers">
      <section className="card">
        <div className="section-head">
          <h2>{t('customers.title')}</h2>
          <form className="inline-form" onSubmit={(event) => (event.preventDefault(), void load().catch(failed))}>
            <label>
              {t('reports.from')}
              <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
            </label>
            <label>
              {t('reports.to')}
              <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
            </label>
            <button
              type="button"
              onClick={() =>
                void api
                  .recompute()
                  .then((result) => {
                    props.notify(t('customers.recomputed', { changed: result.changed }));
                    return load();
                  })
                  .catch(failed)
              }
            >
              {t('customers.recompute')}
            </button>
          </form>
        </div>
        {data ? (
          <>
            <div className="segment-summary">
              {(['A', 'B', 'C'] as const).map((segment) => (
                <div key={segment} className="card">
                  <SegmentBadge segment={segment} /> {t('customers.count', { count: f.whole(data.segments[segment].customers) })}
                  <div className="muted small">
                    {t('customers.revenue')}: {money(data.segments[segment].revenueNok, 'NOK')}
                  </div>
                </div>
              ))}
            </div>
            {data.lastRecompute ? <p className="muted small">{t('customers.lastRecompute', { time: f.dates.dayTime(data.lastRecompute.at) })}</p> : null}
          </>
        ) : null}
      </section>
      {data ? (
        <div className="live-columns">
          <section className="card">
            <h2>{t('customers.top')}</h2>
            <table data-testid="top-customers">
              <thead>
                <tr>
                  <th scope="col">{t('customers.name')}</th>
                  <th scope="col">{t('customers.segment')}</th>
                  <th scope="col">{t('customers.revenue')}</th>
                  <th scope="col">{t('customers.lifetime')}</th>
                </tr>
              </thead>
              <tbody>
                {data.topCustomers.map((customer) => (
                  <tr key={customer.id}>
                    <th scope="row">
                      <a href={`#/customer/${customer.id}`}>{customer.name}</a>
                    </th>
                    <td>
                      <SegmentBadge segment={customer.segment} />
                    </td>
                    <td>{money(customer.revenue, customer.currency)}</td>
                    <td>{money(customer.lifetimeValue, customer.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card">
            <h2>{t('customers.reasons')}</h2>
            <Reasons rows={data.contactReasons} empty={t('customers.none')} />
            <h2>{t('customers.churn')}</h2>
            <p className="muted small">{t('customers.churnCustomers', { count: data.churn.customers })}</p>
            <Reasons rows={data.churn.signals} empty={t('customers.none')} most={churnScale(data.churn)} />
            <Reasons rows={data.churn.reasons} empty="" most={churnScale(data.churn)} />
          </section>
        </div>
      ) : null}
    </div>
  );
}

/** One scale for both churn lists: the largest count in either. */
function churnScale(churn: CustomerAnalytics['churn']): number {
  return Math.max(1, ...churn.signals.map((row) => row.contacts), ...churn.reasons.map((row) => row.contacts));
}
