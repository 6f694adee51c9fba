import { helpText, parseCommandLine, UsageError } from './options.ts';
import { statusLine, summaryText } from './report.ts';
import { runSimulation } from './simulation.ts';

/** `npm run simulate`: status lines go to stderr, the summary to stdout. */
async function main(): Promise<void> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\nRun with --help to see the options.\n`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }

  const live = process.stderr.isTTY;
  const stop = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nwinding down: customers leave, agents end their contacts (Ctrl-C again to quit at once)\n');
    stop.abort();
  });

  const { options } = command;
  process.stderr.write(`Simulating ${options.rate}/s ${options.channels.join(', ')} contacts for ${options.durationSeconds} s against ${options.url}\n`);
  const summary = await runSimulation(options, {
    signal: stop.signal,
    onNote: (note) => process.stderr.write(`note: ${note}\n`),
    // On a terminal the line is rewritten in place; in a log every status is its own line.
    onStatus: (status) => process.stderr.write(live ? `\r\x1b[K${statusLine(status)}` : `${statusLine(status)}\n`),
  });
  if (live) process.stderr.write('\n');
  // The contact ids are for programs calling runSimulation; a person wants the counts.
  const { contactIds: _ids, ...printable } = summary;
  process.stdout.write(command.json ? `${JSON.stringify(printable, null, 2)}\n` : `${summaryText(summary)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const cause = (error as { cause?: { code?: string } }).cause;
    const reason = cause?.code === 'ECONNREFUSED' ? 'the hub does not answer; start it with `npm start` or pass --url' : (error as Error).message;
    process.stderr.write(`simulation failed: ${reason}\n`);
    process.exit(1);
  },
);
