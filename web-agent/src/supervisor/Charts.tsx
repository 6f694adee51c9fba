import type { TodaySeries } from '@sentral/contract';
import type { Formats } from './format.ts';
import type { WallboardT } from './texts.ts';

const WIDTH = 640;
const HEIGHT = 150;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };
const QUARTERS = 96;

/** The x position of a quarter hour of the day. */
const xOf = (index: number) => PAD.left + (index / QUARTERS) * (WIDTH - PAD.left - PAD.right);

function HourTicks(props: { starts: string[]; time: (iso: string) => string }) {
  return (
    <>
      {props.starts.map((start, index) =>
        index % 8 === 0 ? (
          <text key={start} x={xOf(index)} y={HEIGHT - 6} className="tick" textAnchor="middle">
            {props.time(start)}
          </text>
        ) : null,
      )}
    </>
  );
}

/** Two small charts of the day for one queue: the most contacts waiting at once, and the service level, per 15 minutes. */
export function TodayCharts(props: { series: TodaySeries | undefined; target: number; t: WallboardT; f: Formats; time: (iso: string) => string }) {
  const { series, t, f } = props;
  const points = series?.points ?? [];
  if (!points.some((point) => point.offered > 0 || point.peakWaiting > 0)) return <p className="muted">{t('charts.empty')}</p>;
  const starts = points.map((point) => point.start);
  const barWidth = Math.max(2, (WIDTH - PAD.left - PAD.right) / QUARTERS - 1);
  const maxWaiting = Math.max(1, ...points.map((point) => point.peakWaiting));
  const yWaiting = (value: number) => HEIGHT - PAD.bottom - (value / maxWaiting) * (HEIGHT - PAD.top - PAD.bottom);
  const ySl = (share: number) => HEIGHT - PAD.bottom - share * (HEIGHT - PAD.top - PAD.bottom);
  const slPath = points
    .map((point, index) => (point.serviceLevel === null ? null : `${xOf(index + 0.5).toFixed(1)},${ySl(point.serviceLevel).toFixed(1)}`))
    .filter((point): point is string => point !== null);
  return (
    <div className="charts-grid">
      <figure>
        <figcaption>{t('charts.waiting')}</figcaption>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('charts.waiting')} data-testid="chart-waiting">
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
          <text x={PAD.left - 6} y={yWaiting(maxWaiting) + 4} className="tick" textAnchor="end">
            {maxWaiting}
          </text>
          {points.map((point, index) =>
            point.peakWaiting > 0 ? (
              <rect key={point.start} x={xOf(index)} width={barWidth} y={yWaiting(point.peakWaiting)} height={HEIGHT - PAD.bottom - yWaiting(point.peakWaiting)} className="bar">
                <title>{`${props.time(point.start)}: ${point.peakWaiting}`}</title>
              </rect>
            ) : null,
          )}
          <HourTicks starts={starts} time={props.time} />
        </svg>
      </figure>
      <figure>
        <figcaption>{t('charts.serviceLevel')}</figcaption>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('charts.serviceLevel')} data-testid="chart-service-level">
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={ySl(props.target)} y2={ySl(props.target)} className="target-line" />
          <text x={PAD.left - 6} y={ySl(1) + 4} className="tick" textAnchor="end">
            {f.percent(1)}
          </text>
          <text x={PAD.left - 6} y={ySl(props.target) + 4} className="tick" textAnchor="end">
            {f.percent(props.target)}
          </text>
          {slPath.length > 1 ? <polyline points={slPath.join(' ')} className="sl-line" /> : null}
          {points.map((point, index) =>
            point.serviceLevel === null ? null : (
              <circle key={point.start} cx={xOf(index + 0.5)} cy={ySl(point.serviceLevel)} r={2.5} className={point.serviceLevel >= props.target ? 'dot-good' : 'dot-bad'}>
                <title>{`${props.time(point.start)}: ${f.percent(point.serviceLevel)}`}</title>
              </circle>
            ),
          )}
          <HourTicks starts={starts} time={props.time} />
        </svg>
      </figure>
    </div>
  );
}
