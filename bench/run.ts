import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { oneMinuteLoad, table, writeResults, type BenchModule, type BenchResult } from './lib.ts';

/** Every benchmark, in the order a full run takes them. Add a module here (see bench/README.md). */
const benchmarks: ReadonlyArray<{ name: string; about: string; load: () => Promise<BenchModule> }> = [
  { name: 'spine', about: 'chat arrival → offer on both backends, beside BullMQ and Socket.IO baselines', load: () => import('./spine.ts') },
  { name: 'voice', about: 'IVR webhook answer time with 200 simultaneous calls, beside a bare express endpoint', load: () => import('./voice.ts') },
  { name: 'routing', about: 'routing decision p50/p99 at 100/1,000/10,000 agents with 50,000 waiting, beside the spine\'s SQL matcher; the claim; chat end to end, engine vs spine', load: () => import('./routing.ts') },
  { name: 'email', about: 'mail delivered → offer latency and messages/s ingested from one mailbox (Dovecot)', load: () => import('./email.ts') },
  { name: 'self-service', about: 'knowledge-base search p50/p95 at 10,000 articles; intent accuracy on the held-out set', load: () => import('./self-service.ts') },
  { name: 'integration', about: 'change → first webhook delivery p50/p99, deliveries/s, import rows/s, screen pop with a 5 s ERP lookup against none', load: () => import('./integration.ts') },
  { name: 'wallboard', about: 'wallboard snapshot and a day\'s report at 1,000/10,000/50,000 contacts a day; Erlang C', load: () => import('./wallboard.ts') },
];

function usage(): string {
  return [
    'usage: npm run bench [-- --only <name>[,<name>...]] [-- --list] [-- --help]',
    '',
    '  (no option)   run every benchmark, print a table per module, write JSON under bench/results/',
    '  --only NAME   run only these (repeat the option or separate names with commas)',
    '  --list        list the benchmarks',
    '  --help, -h    this text',
    '',
    'benchmarks:',
    ...benchmarks.map((bench) => `  ${bench.name.padEnd(12)}${bench.about}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let values: { only?: string[]; list?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { only: { type: 'string', multiple: true }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    // An unknown or malformed option: say what was wrong and how to call it, without a stack trace.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  if (values.list) {
    for (const bench of benchmarks) process.stdout.write(`${bench.name.padEnd(12)} ${bench.about}\n`);
    return;
  }
  const wanted = new Set((values.only ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean));
  const unknown = [...wanted].filter((name) => !benchmarks.some((bench) => bench.name === name));
  if (unknown.length) throw new Error(`no benchmark named ${unknown.join(', ')}; there are: ${benchmarks.map((bench) => bench.name).join(', ')}`);
  const chosen = benchmarks.filter((bench) => wanted.size === 0 || wanted.has(bench.name));

  const startedAt = new Date();
  const loadAtStart = oneMinuteLoad();
  const cores = cpus().length;
  process.stderr.write(`load average ${loadAtStart} on ${cores} cores${loadAtStart > cores / 2 ? ': other work is running, the figures will be lower than on an idle machine' : ''}\n`);
  const results: BenchResult[] = [];
  for (const bench of chosen) {
    process.stderr.write(`running ${bench.name}: ${bench.about}\n`);
    const started = performance.now();
    const module = await bench.load();
    const rows = await module.run();
    results.push(...rows);
    process.stdout.write(`\n${bench.name} (${((performance.now() - started) / 1000).toFixed(0)} s)\n${table(rows)}\n`);
  }
  const path = await writeResults(
    chosen.map((bench) => bench.name),
    results,
    startedAt,
    loadAtStart,
  );
  process.stdout.write(`\nresults written to ${path}\n`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
