import { useState, type FormEvent } from 'react';
import type { ReportFigures, ReportRow } from '@sentral/contract';
import { useI18n } from '../i18n.tsx';
import type { Report, ReportQuery, SupervisorApi } from './api.ts';
import { todayLocal, type Formats } from './format.ts';
import type { WallboardT } from './texts.ts';

const segmentColumns = ['A', 'B', 'C', 'unknown'] as const;

function FigureCells(props: { row: ReportFigures; f: Formats }) {
  const { row, f } = props;
  return (
    <>
      <td>{row.offered}</td>
      <td>{row.answered}</td>
      <td>{row.abandoned}</td>
      <td>{f.percent(row.serviceLevel)}</td>
      <td>{f.duration(row.asaSeconds)}</td>
      <td>{f.duration(row.ahtSeconds)}</td>
      <td>{row.transfers}</td>
      <td>{f.decimal(row.satisfaction)}</td>
      <td>{row.selfService}</td>
      <td>{f.percent(row.containmentRate)}</td>
    </>
  );
}

/** Historical figures per interval and group, the CSV export, and the segments side by side. */
export function Reports(props: { api: SupervisorApi; t: WallboardT; f: Formats; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t, f } = props;
  const { dateTime, time } = useI18n();
  const [query, setQuery] = useState<ReportQuery>({ from: todayLocal(), to: todayLocal(), interval: 'hour', by: 'queue' });
  const [report, setReport] = useState<Report | null>(null);
  const [segments, setSegments] = useState<Record<(typeof segmentColumns)[number], ReportFigures> | null>(null);
  const failed = (error: Error) => props.notify(t('error', { message: error.message }), 'warning');

  const run = (event?: FormEvent) => {
    event?.preventDefault();
    api.report(query).then(setReport).catch(failed);
    api
      .segments(query.from, query.to)
      .then((answer) => setSegments(answer.segments))
      .catch(failed);
  };
  const download = () =>
    api
      .reportCsv(query)
      .then((blob) => {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `sentral-${query.by}-${query.interval ?? 'total'}-${query.from}-${query.to}.csv`;
        link.click();
        URL.revokeObjectURL(link.href);
      })
      .catch(failed);

  const rows: ReportRow[] = report ? (report.interval ? report.rows : report.totals) : [];
  const period = (row: ReportRow) => (row.start ? (report?.interval === 'day' ? dateTime(row.start).split(' ')[0] : `${dateTime(row.start)}–${time(row.end)}`) : '');
  const label = (row: ReportRow) => (report?.by === 'segment' && row.key === 'unknown' ? t('reports.unknown') : row.label);

  return (
    <div className="reports">
      <section className="card">
        <h2>{t('reports.title')}</h2>
        <form className="inline-form" onSubmit={run}>
          <label>
            {t('reports.from')}
            <input type="date" required value={query.from} onChange={(event) => setQuery({ ...query, from: event.target.value })} />
          </label>
          <label>
            {t('reports.to')}
            <input type="date" required value={query.to} onChange={(event) => setQuery({ ...query, to: event.target.value })} />
          </label>
          <label>
            {t('reports.interval')}
            <select value={query.interval ?? ''} onChange={(event) => setQuery({ ...query, interval: (event.target.value || null) as ReportQuery['interval'] })}>
              <option value="">{t('reports.total')}</option>
              <option value="15m">{t('reports.15m')}</option>
              <option value="hour">{t('reports.hour')}</option>
              <option value="day">{t('reports.day')}</option>
            </select>
          </label>
          <label>
            {t('reports.by')}
            <select value={query.by} onChange={(event) => setQuery({ ...query, by: event.target.value as ReportQuery['by'] })}>
              {(['queue', 'channel', 'agent', 'segment', 'entryPoint'] as const).map((by) => (
                <option key={by} value={by}>
                  {t(`reports.${by}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            {t('reports.run')}
          </button>
          <button type="button" onClick={() => void download()}>
            {t('reports.csv')}
          </button>
        </form>
        {report ? (
          rows.length === 0 ? (
            <p className="muted">{t('reports.none')}</p>
          ) : (
            <div className="table-scroll">
              <table data-testid="report-table">
                <thead>
                  <tr>
                    {report.interval ? <th scope="col">{t('reports.period')}</th> : null}
                    <th scope="col">{t('reports.group')}</th>
                    <th scope="col">{t('reports.offered')}</th>
                    <th scope="col">{t('reports.answered')}</th>
                    <th scope="col">{t('reports.abandoned')}</th>
                    <th scope="col">{t('reports.sl')}</th>
                    <th scope="col">{t('reports.asa')}</th>
                    <th scope="col">{t('reports.aht')}</th>
                    <th scope="col">{t('reports.transfers')}</th>
                    <th scope="col">{t('reports.csat')}</th>
                    <th scope="col">{t('reports.selfService')}</th>
                    <th scope="col">{t('reports.containment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={`${row.start ?? ''}-${row.key}`}>
                      {report.interval ? <td>{period(row)}</td> : null}
                      <th scope="row">{label(row)}</th>
                      <FigureCells row={row} f={f} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : null}
      </section>
      {segments ? (
        <section className="card" aria-labelledby="segments-title">
          <h2 id="segments-title">{t('reports.segments')}</h2>
          <p className="muted">{t('reports.segmentsIntro')}</p>
          <table className="segments-table" data-testid="segments-table">
            <thead>
              <tr>
                <th scope="col" />
                {segmentColumns.map((segment) => (
                  <th key={segment} scope="col">
                    {segment === 'unknown' ? t('reports.unknown') : segment}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['reports.offered', (row: ReportFigures) => String(row.offered)],
                  ['reports.answered', (row: ReportFigures) => String(row.answered)],
                  ['reports.sl', (row: ReportFigures) => f.percent(row.serviceLevel)],
                  ['reports.asa', (row: ReportFigures) => f.duration(row.asaSeconds)],
                  ['reports.aht', (row: ReportFigures) => f.duration(row.ahtSeconds)],
                  ['reports.abandoned', (row: ReportFigures) => f.percent(row.abandonRate)],
                  ['reports.csat', (row: ReportFigures) => f.decimal(row.satisfaction)],
                  ['reports.containment', (row: ReportFigures) => f.percent(row.containmentRate)],
                ] as const
              ).map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{t(key)}</th>
                  {segmentColumns.map((segment) => (
                    <td key={segment}>{value(segments[segment])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
