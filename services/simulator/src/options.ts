import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Channel } from '@sentral/contract';
import { channelDrivers } from './channels/index.ts';
import { includedLogin } from './roster.ts';
import type { SimulationOptions } from './simulation.ts';

interface OptionSpec {
  flag: string;
  value: string;
  help: string;
}

const specs: OptionSpec[] = [
  { flag: 'url', value: '<url>', help: 'the running hub (default http://localhost:3000)' },
  { flag: 'rate', value: '<n>', help: 'new contacts per second, Poisson arrivals (default 1)' },
  { flag: 'duration', value: '<s>', help: 'seconds during which contacts arrive; open ones may then finish (default 60)' },
  { flag: 'agents', value: '<n>', help: 'simulated agents of the demo tenant to sign in (default 10); never the README logins or anyone already signed in' },
  { flag: 'include', value: '<list>', help: 'comma-separated accounts to use too, email[:password], e.g. agent@demo.test; one already signed in is left as it was' },
  { flag: 'channels', value: '<list>', help: `comma-separated channels (default chat; available: ${channelDrivers.map((d) => d.channel).join(', ')})` },
  { flag: 'accept-ratio', value: '<0..1>', help: 'share of offers agents accept; the rest are rejected and re-offered (default 0.9)' },
  { flag: 'handle-time', value: '<s>', help: 'mean seconds an agent spends on a contact, each 0.5-1.5x this (default 10)' },
  { flag: 'known-ratio', value: '<0..1>', help: 'share of contacts from seeded customers; the rest are unknown visitors (default 0.8)' },
  { flag: 'patience', value: '<s>', help: 'seconds a customer waits for an agent before leaving (default 120)' },
  { flag: 'json', value: '', help: 'print the summary as JSON instead of a table' },
  { flag: 'help', value: '', help: 'show this help' },
];

const number = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

const cliSchema = z
  .object({
    url: z.string().url('must be a URL such as http://localhost:3000').default('http://localhost:3000'),
    rate: number(0.001, 10_000).default(1),
    duration: number(0.1, 7 * 24 * 3600).default(60),
    agents: z.coerce.number().int().min(0).max(10_000).default(10),
    include: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^\s@:,]+@[^\s@:,]+(:.+)?$/, 'must be email or email:password, comma-separated')).max(100)),
    channels: z
      .string()
      .default('chat')
      .transform((value) => [...new Set(value.split(',').map((channel) => channel.trim()).filter(Boolean))])
      .pipe(z.array(z.enum(channelDrivers.map((driver) => driver.channel) as [Channel, ...Channel[]])).min(1, 'must name at least one channel')),
    'accept-ratio': number(0, 1).default(0.9),
    'handle-time': number(0, 24 * 3600).default(10),
    'known-ratio': number(0, 1).default(0.8),
    patience: number(0.1, 24 * 3600).default(120),
    json: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .strict();

export type CliCommand = { kind: 'help' } | { kind: 'run'; options: SimulationOptions; json: boolean };

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads the command line; every value is checked, and a wrong one is named. */
export function parseCommandLine(argv: string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        specs.map((spec) => [spec.flag, spec.value ? { type: 'string' as const } : { type: 'boolean' as const, ...(spec.flag === 'help' ? { short: 'h' } : {}) }]),
      ),
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = cliSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'options')}: ${issue.message}`);
  }
  const cli = parsed.data;
  if (cli.help) return { kind: 'help' };
  return {
    kind: 'run',
    json: cli.json,
    options: {
      url: cli.url.replace(/\/$/, ''),
      rate: cli.rate,
      durationSeconds: cli.duration,
      agents: cli.agents,
      include: cli.include.map(includedLogin),
      channels: cli.channels,
      acceptRatio: cli['accept-ratio'],
      handleTimeSeconds: cli['handle-time'],
      knownRatio: cli['known-ratio'],
      patienceSeconds: cli.patience,
    },
  };
}

export function helpText(): string {
  const width = Math.max(...specs.map((spec) => `--${spec.flag} ${spec.value}`.length));
  const lines = specs.map((spec) => `  ${`--${spec.flag} ${spec.value}`.padEnd(width)}  ${spec.help}`);
  return [
    'Usage: npm run simulate -- [options]',
    '',
    'Drives a running Sentral hub through its public HTTP and Socket.IO endpoints: simulated',
    'customers (mostly seeded ones, some unknown visitors) write in Norwegian, Danish or English,',
    'and simulated agents from the demo tenant accept offers, answer and end the contacts.',
    'The README\'s demo logins are left alone unless named with --include.',
    '',
    'Options:',
    ...lines,
    '',
    'Channels:',
    ...channelDrivers.map((driver) => `  ${driver.channel.padEnd(width)}  ${driver.description}`),
    '',
  ].join('\n');
}
