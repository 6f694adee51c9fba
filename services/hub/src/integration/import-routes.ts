import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { audit } from './audit.ts';
import { fileStream, importBodyLimitBytes, importStatusParams, importView, runImport, type ImportFormat } from './import.ts';

/**
 * Bulk import over HTTP. The body is spooled to a temporary file first, so the client gets 202 with the
 * import's id as soon as it has sent everything; the import then runs in this process and saves its
 * progress after every batch for `GET /api/import/:id`.
 */
export function importRoutes(deps: { db: Database; logger: Logger; defaultCountry: string }): RouteDefinition[] {
  const { db, logger } = deps;
  const running = new Set<Promise<unknown>>();
  const access = { roles: ['admin' as const], scopes: ['import' as const] };

  return [
    defineRoute({
      method: 'post',
      path: '/api/import/customers',
      summary: 'Import customers (with orders, shipments, invoices, warranties) from NDJSON or CSV, one customer a line; upserts by externalId',
      access,
      responses: { 202: '{"id"}', 400: 'Not NDJSON or CSV', 413: 'Larger than 1 GB' },
      async handler({ req, caller }) {
        const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        const format: ImportFormat | null = type === 'application/x-ndjson' || type === 'application/ndjson' ? 'ndjson' : type === 'text/csv' ? 'csv' : null;
        if (!format) throw new SentralError('VALIDATION_FAILED', 'content-type: must be application/x-ndjson or text/csv');
        const directory = await mkdtemp(join(tmpdir(), 'sentral-import-'));
        const file = join(directory, 'body');
        let size = 0;
        try {
          await pipeline(
            req,
            new Transform({
              transform(chunk: Buffer, _encoding, done) {
                size += chunk.length;
                done(size > importBodyLimitBytes ? new SentralError('PAYLOAD_TOO_LARGE', 'body: larger than 1 GB') : null, chunk);
              },
            }),
            createWriteStream(file),
          );
        } catch (error) {
          await rm(directory, { recursive: true, force: true });
          throw error;
        }
        const job = await db.importJob.create({ data: { format, startedBy: caller?.kind === 'agent' ? caller.agent.id : null } });
        await audit(db, caller, 'import.start', 'import', job.id, { format, bytes: size });
        const work = runImport({ db, logger, defaultCountry: deps.defaultCountry }, { id: job.id, format, stream: fileStream(file) })
          .catch((error: unknown) => logger.error({ err: error, importId: job.id }, 'import failed'))
          .finally(() => rm(directory, { recursive: true, force: true }));
        running.add(work);
        void work.finally(() => running.delete(work));
        return { status: 202, body: { id: job.id } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/import/:id',
      summary: 'An import’s progress and its per-row error report',
      access,
      params: importStatusParams,
      responses: { 200: '{"id","status":"running"|"done"|"failed","processed","created","updated","failed","errors":[{"line","message"}]}', 404: 'No such import' },
      async handler({ params }) {
        const job = await db.importJob.findUnique({ where: { id: params.id } });
        if (!job) throw new SentralError('NOT_FOUND', 'no such import');
        return { body: importView(job) };
      },
    }),
  ];
}
