import { useState, type FormEvent } from 'react';
import type { AwayReason, PresenceReport, ReportFigures, ReportRow } from '@sentral/contract';
import { useI18n } from '../i18n.tsx';
import type { Report, ReportQuery, SupervisorApi } from './api.ts';
import { dateFormats, todayLocal, type Formats } from './format.ts';
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
export function Reports(props: { api: SupervisorApi; awayReasons: AwayReason[]; t: WallboardT; f: Formats; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t, f } = props;
  const [presence, setPresence] = useState<PresenceReport | null>(null);
  const { locale, language } = useI18n();
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
    api.presence(query.from, query.to).then(setPresence).catch(failed);
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
  // Intervals are local to the report's time zone, so they are shown in it.
  const dates = dateFormats(locale, report?.timeZone);
  const period = (row: ReportRow) => (row.start ? dates.period(row.start, row.end, report?.interval === 'day') : '');
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
      {presence ? <PresenceSection report={presence} awayReasons={props.awayReasons} language={language} t={t} f={f} /> : null}
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

/** Time per away reason over every agent, then available and away time per agent. */
function PresenceSection(props: { report: PresenceReport; awayReasons: AwayReason[]; language: 'nb' | 'da' | 'en'; t: WallboardT; f: Formats }) {
  const { report, t, f } = props;
  const reasonLabel = (code: string | null) => (code ? (props.awayReasons.find((reason) => reason.code === code)?.labels[props.language] ?? code) : t('agents.noReason'));
  const secondsOf = (agentId: string, state: 'available' | 'away') =>
    report.rows.filter((row) => row.agentId === agentId && row.state === state).reduce((sum, row) => sum + row.seconds, 0);
  // Agents who were only offline in the range have nothing to show.
  const agents = [...new Map(report.rows.filter((row) => row.state !== 'offline' && row.seconds > 0).map((row) => [row.agentId, row.agentName])).entries()];
  return (
    <section className="card" aria-labelledby="presence-title">
      <h2 id="presence-title">{t('presence.title')}</h2>
      <p className="muted">{t('presence.intro')}</p>
      {report.reasons.length === 0 ? (
        <p className="muted">{t('presence.none')}</p>
      ) : (
        <table data-testid="presence-reasons">
          <thead>
            <tr>
              <th scope="col">{t('presence.reason')}</th>
              <th scope="col">{t('presence.time')}</th>
            </tr>
          </thead>
          <tbody>
            {report.reasons.map((row) => (
              <tr key={row.reason ?? ''} data-reason={row.reason ?? ''}>
                <th scope="row">{reasonLabel(row.reason)}</th>
                <td>{f.duration(row.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {agents.length ? (
        <div className="table-scroll">
          <table data-testid="presence-agents" className="presence-agents">
            <thead>
              <tr>
                <th scope="col">{t('presence.agent')}</th>
                <th scope="col">{t('presence.available')}</th>
                <th scope="col">{t('presence.away')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map(([agentId, name]) => (
                <tr key={agentId}>
                  <th scope="row">{name}</th>
                  <td>{f.duration(secondsOf(agentId, 'available'))}</td>
                  <td>{f.duration(secondsOf(agentId, 'away'))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
