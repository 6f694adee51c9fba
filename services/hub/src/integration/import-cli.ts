// Imports customers from a file for operators: npm run import -- customers.ndjson (or .csv).
import { createDatabase } from '@sentral/db';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { fileStream, runImport } from './import.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npm run import -- FILE (.ndjson or .csv)\n');
  process.exit(2);
}
const config = loadConfig(process.env);
if (!config.databaseUrl) {
  process.stderr.write('set DATABASE_URL to the database to import into\n');
  process.exit(2);
}
const db = createDatabase(config.databaseUrl);
const logger = createLogger(config.logLevel);
const job = await db.importJob.create({ data: { format: file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson' } });
const started = performance.now();
const result = await runImport({ db, logger, defaultCountry: config.defaultCountry }, { id: job.id, format: job.format === 'csv' ? 'csv' : 'ndjson', stream: fileStream(file) });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ id: job.id, ...result, errors: result.errors.slice(0, 20), rowsPerSecond: Math.round(result.processed / seconds) }, null, 2)}\n`);
await db.$disconnect();
process.exit((await db.importJob.findUnique({ where: { id: job.id } }))?.status === 'done' ? 0 : 1);
