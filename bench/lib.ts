import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { percentile } from '@sentral/simulator';

/** One row of the benchmark table; every module returns a list of these. */
export interface BenchResult {
  /** What was measured, e.g. `chat arrival → offer @100/s`. */
  name: string;
  /** `postgres` or `redis` for the queue backend, `-` when it does not apply. */
  backend: string;
  /** Samples (latency) or operations (throughput) behind the figures. */
  n: number;
  p50Ms: number | null;
  p99Ms: number | null;
  throughputPerSec: number | null;
  /** How it was measured and anything that qualifies the figure. */
  notes: string;
}

/** A benchmark module: `bench/run.ts` imports it and calls `run()`. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** The one-minute load average: figures from a machine busy with other work are not comparable. */
export const oneMinuteLoad = () => Number(loadavg()[0]!.toFixed(2));

export const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** p50/p99 of latency samples in ms, for a result row. */
export function latencyFigures(samples: readonly number[]): { n: number; p50Ms: number | null; p99Ms: number | null } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** A line on stderr so a long run shows where it is; the tables go to stdout. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `send` `rate` times a second for `seconds` (evenly spaced, open loop) and waits for every call to finish. */
export async function paced(rate: number, seconds: number, send: (index: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const pending: Array<Promise<void>> = [];
  for (let index = 0; index < total; index++) {
    const wait = started + (index * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(index));
  }
  await Promise.all(pending);
}

const formatMs = (value: number | null) => (value === null ? '-' : value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const formatRate = (value: number | null) => (value === null ? '-' : value < 100 ? value.toFixed(1) : value.toFixed(0));

export function table(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'backend', 'n', 'p50 ms', 'p99 ms', 'per s', 'notes'];
  const rows = results.map((r) => [r.name, r.backend, String(r.n), formatMs(r.p50Ms), formatMs(r.p99Ms), formatRate(r.throughputPerSec), r.notes]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ');
  return [line(header), line(widths.map((width, column) => '-'.repeat(column === header.length - 1 ? header[column]!.length : width))), ...rows.map(line)].join('\n');
}

/** Writes one JSON file per run under bench/results/ (git-ignored) and returns its path. */
export async function writeResults(modules: string[], results: readonly BenchResult[], startedAt: Date, loadAtStart: number): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const path = `${resultsDir}${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, node: process.version, platform: process.platform, loadAverage: { atStart: loadAtStart, atEnd: oneMinuteLoad() } };
  await writeFile(path, `${JSON.stringify({ startedAt: startedAt.toISOString(), machine, modules, results }, null, 2)}\n`);
  return path;
}
