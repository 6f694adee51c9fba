import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { SentralError } from '@sentral/contract';
import { Prisma, type Database } from '@sentral/db';
import type { Logger } from '../logger.ts';
import { customerInput, identities, type CustomerInput } from '../http/customers.ts';

export type ImportFormat = 'ndjson' | 'csv';

const BATCH_ROWS = 1000;
/** The report keeps this many row errors; `failed` counts them all. */
const MAX_REPORTED_ERRORS = 1000;

export interface ImportProgress {
  processed: number;
  created: number;
  updated: number;
  failed: number;
  errors: Array<{ line: number; message: string }>;
}

interface ReadyRow {
  line: number;
  input: CustomerInput & { externalId: string };
  identities: Array<{ kind: 'phone' | 'email' | 'fax'; value: string }>;
}

/** CSV cells are text: lists are `;`-separated, nested parts (orders, invoices, warranties, attributes) are JSON. */
const listColumns = new Set(['phones', 'emails', 'faxNumbers']);
const jsonColumns = new Set(['orders', 'invoices', 'warranties', 'attributes']);
const numberColumns = new Set(['creditScore', 'lifetimeValue', 'revenue']);

function fromCsvRecord(record: Record<string, string>): unknown {
  const out: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const value = raw.trim();
    if (value === '') continue;
    if (listColumns.has(column)) out[column] = value.split(';').map((part) => part.trim()).filter(Boolean);
    else if (jsonColumns.has(column)) {
      try {
        out[column] = JSON.parse(value) as unknown;
      } catch {
        throw new SentralError('VALIDATION_FAILED', `${column}: not valid JSON`);
      }
    } else if (numberColumns.has(column)) out[column] = Number(value);
    else out[column] = value;
  }
  return out;
}

/** Each record of the body with its line number (CSV: the header is line 1). */
async function* records(stream: Readable, format: ImportFormat): AsyncGenerator<{ line: number; value: () => unknown }> {
  if (format === 'ndjson') {
    let line = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      yield {
        line,
        value: () => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            throw new SentralError('VALIDATION_FAILED', 'not valid JSON');
          }
        },
      };
    }
    return;
  }
  const parser = stream.pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
  for await (const entry of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: entry.info.lines, value: () => fromCsvRecord(entry.record) };
  }
}

function prepare(line: number, raw: () => unknown, defaultCountry: string): ReadyRow {
  const parsed = customerInput.safeParse(raw());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SentralError('VALIDATION_FAILED', `${issue.path.join('.') || 'row'}: ${issue.message}`);
  }
  if (!parsed.data.externalId) throw new SentralError('VALIDATION_FAILED', 'externalId: required for import (rows are matched by it)');
  return { line, input: parsed.data as ReadyRow['input'], identities: identities(parsed.data, defaultCountry) };
}

/**
 * Upserts a batch of customers and their back-office facts with a handful of set-based statements
 * (jsonb_to_recordset feeding multi-row INSERT … ON CONFLICT), not one round trip per row.
 * Returns the lines that failed (an order or invoice number that belongs to another customer).
 */
async function writeBatch(db: Database, rows: ReadyRow[]): Promise<{ created: number; updated: number; errors: Array<{ line: number; message: string }> }> {
  // The last row for an externalId wins within a batch, as it would one row after another.
  const byExternalId = new Map<string, ReadyRow>();
  for (const row of rows) byExternalId.set(row.input.externalId, row);
  const unique = [...byExternalId.values()];
  const customers = unique.map(({ input }) => ({
    externalId: input.externalId,
    name: input.name,
    language: input.language ?? null,
    currency: input.currency ?? null,
    creditScore: input.creditScore ?? null,
    lifetimeValue: input.lifetimeValue ?? null,
    revenue: input.revenue ?? null,
    segment: input.segment ?? null,
    attributes: input.attributes ?? null,
  }));
  const errors: Array<{ line: number; message: string }> = [];
  let created = 0;
  await db.$transaction(
    async (tx) => {
      const inserted = await tx.$queryRaw<Array<{ externalId: string }>>`
        INSERT INTO "Customer" (id, "externalId", name, language, currency, "creditScore", "lifetimeValue", revenue, segment, attributes, "createdAt", "updatedAt")
        SELECT gen_random_uuid(), d."externalId", d.name, coalesce(d.language, 'nb'), coalesce(d.currency, 'NOK'), d."creditScore",
               coalesce(d."lifetimeValue", 0), coalesce(d.revenue, 0), coalesce(d.segment, 'C')::"Segment", coalesce(d.attributes, '{}'::jsonb), now(), now()
        FROM jsonb_to_recordset(${JSON.stringify(customers)}::jsonb) AS d("externalId" text, name text, language text, currency text, "creditScore" int,
             "lifetimeValue" numeric, revenue numeric, segment text, attributes jsonb)
        ON CONFLICT ("externalId") DO NOTHING
        RETURNING "externalId"`;
      created = inserted.length;
      const fresh = new Set(inserted.map((row) => row.externalId));
      const existing = customers.filter((customer) => !fresh.has(customer.externalId));
      if (existing.length) {
        await tx.$executeRaw`
          UPDATE "Customer" c SET name = d.name, language = coalesce(d.language, c.language), currency = coalesce(d.currency, c.currency),
            "creditScore" = coalesce(d."creditScore", c."creditScore"), "lifetimeValue" = coalesce(d."lifetimeValue", c."lifetimeValue"),
            revenue = coalesce(d.revenue, c.revenue), segment = coalesce(d.segment::"Segment", c.segment),
            attributes = coalesce(d.attributes, c.attributes), "updatedAt" = now()
          FROM jsonb_to_recordset(${JSON.stringify(existing)}::jsonb) AS d("externalId" text, name text, language text, currency text, "creditScore" int,
               "lifetimeValue" numeric, revenue numeric, segment text, attributes jsonb)
          WHERE c."externalId" = d."externalId"`;
      }

      const identityRows = unique.flatMap((row) => row.identities.map((identity) => ({ externalId: row.input.externalId, ...identity })));
      if (identityRows.length) {
        await tx.$executeRaw`
          INSERT INTO "CustomerIdentity" (id, "customerId", kind, value, verified, "createdAt")
          SELECT gen_random_uuid(), c.id, d.kind::"IdentityKind", d.value, false, now()
          FROM jsonb_to_recordset(${JSON.stringify(identityRows)}::jsonb) AS d("externalId" text, kind text, value text)
          JOIN "Customer" c ON c."externalId" = d."externalId"
          ON CONFLICT ("customerId", kind, value) DO NOTHING`;
      }

      const orders = unique.flatMap((row) =>
        (row.input.orders ?? []).map((order) => ({
          line: row.line,
          externalId: row.input.externalId,
          number: order.number,
          status: order.status,
          total: order.total,
          currency: order.currency ?? row.input.currency ?? null,
          placedAt: order.placedAt.toISOString(),
          expectedDelivery: order.expectedDelivery?.toISOString() ?? null,
          shipments: order.shipments ?? null,
        })),
      );
      if (orders.length) {
        const saved = await tx.$queryRaw<Array<{ number: string }>>`
          INSERT INTO "Order" (id, "customerId", number, status, total, currency, "placedAt", "expectedDelivery")
          SELECT gen_random_uuid(), c.id, d.number, d.status, d.total, coalesce(d.currency, c.currency), d."placedAt", d."expectedDelivery"
          FROM jsonb_to_recordset(${JSON.stringify(orders)}::jsonb) AS d("externalId" text, number text, status text, total numeric, currency text,
               "placedAt" timestamp, "expectedDelivery" timestamp)
          JOIN "Customer" c ON c."externalId" = d."externalId"
          ON CONFLICT (number) DO UPDATE SET status = EXCLUDED.status, total = EXCLUDED.total, currency = EXCLUDED.currency,
            "placedAt" = EXCLUDED."placedAt", "expectedDelivery" = EXCLUDED."expectedDelivery"
          WHERE "Order"."customerId" = EXCLUDED."customerId"
          RETURNING number`;
        const ok = new Set(saved.map((row) => row.number));
        for (const order of orders) if (!ok.has(order.number)) errors.push({ line: order.line, message: `orders: order ${order.number} belongs to another customer` });
        const shipments = orders.filter((order) => order.shipments && ok.has(order.number));
        if (shipments.length) {
          const numbers = shipments.map((order) => order.number);
          await tx.$executeRaw`DELETE FROM "Shipment" s USING "Order" o WHERE s."orderId" = o.id AND o.number = ANY(${numbers})`;
          const rowsOfShipments = shipments.flatMap((order) => order.shipments!.map((shipment) => ({ number: order.number, ...shipment })));
          if (rowsOfShipments.length) {
            await tx.$executeRaw`
              INSERT INTO "Shipment" (id, "orderId", carrier, "trackingNumber", status, "updatedAt")
              SELECT gen_random_uuid(), o.id, d.carrier, d."trackingNumber", d.status, now()
              FROM jsonb_to_recordset(${JSON.stringify(rowsOfShipments)}::jsonb) AS d(number text, carrier text, "trackingNumber" text, status text)
              JOIN "Order" o ON o.number = d.number`;
          }
        }
      }

      const invoices = unique.flatMap((row) =>
        (row.input.invoices ?? []).map((invoice) => ({
          line: row.line,
          externalId: row.input.externalId,
          number: invoice.number,
          amount: invoice.amount,
          currency: invoice.currency ?? row.input.currency ?? null,
          dueDate: invoice.dueDate.toISOString(),
          paidAt: invoice.paidAt?.toISOString() ?? null,
        })),
      );
      if (invoices.length) {
        const saved = await tx.$queryRaw<Array<{ number: string }>>`
          INSERT INTO "Invoice" (id, "customerId", number, amount, currency, "dueDate", "paidAt")
          SELECT gen_random_uuid(), c.id, d.number, d.amount, coalesce(d.currency, c.currency), d."dueDate", d."paidAt"
          FROM jsonb_to_recordset(${JSON.stringify(invoices)}::jsonb) AS d("externalId" text, number text, amount numeric, currency text, "dueDate" timestamp, "paidAt" timestamp)
          JOIN "Customer" c ON c."externalId" = d."externalId"
          ON CONFLICT (number) DO UPDATE SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, "dueDate" = EXCLUDED."dueDate", "paidAt" = EXCLUDED."paidAt"
          WHERE "Invoice"."customerId" = EXCLUDED."customerId"
          RETURNING number`;
        const ok = new Set(saved.map((row) => row.number));
        for (const invoice of invoices) if (!ok.has(invoice.number)) errors.push({ line: invoice.line, message: `invoices: invoice ${invoice.number} belongs to another customer` });
      }

      const withWarranties = unique.filter((row) => row.input.warranties);
      if (withWarranties.length) {
        const owners = withWarranties.map((row) => row.input.externalId);
        await tx.$executeRaw`DELETE FROM "Warranty" w USING "Customer" c WHERE w."customerId" = c.id AND c."externalId" = ANY(${owners})`;
        const warranties = withWarranties.flatMap((row) =>
          row.input.warranties!.map((warranty) => ({ externalId: row.input.externalId, product: warranty.product, serialNumber: warranty.serialNumber ?? null, expiresAt: warranty.expiresAt.toISOString() })),
        );
        if (warranties.length) {
          await tx.$executeRaw`
            INSERT INTO "Warranty" (id, "customerId", product, "serialNumber", "expiresAt")
            SELECT gen_random_uuid(), c.id, d.product, d."serialNumber", d."expiresAt"
            FROM jsonb_to_recordset(${JSON.stringify(warranties)}::jsonb) AS d("externalId" text, product text, "serialNumber" text, "expiresAt" timestamp)
            JOIN "Customer" c ON c."externalId" = d."externalId"`;
        }
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  // Rows for one externalId beyond the first in the batch count as updates of it.
  return { created, updated: rows.length - created, errors };
}

/**
 * Streams one import through: rows are validated one by one (a bad row is reported with its line and
 * skipped), good rows are written in batches, and progress is saved after every batch.
 */
export async function runImport(deps: { db: Database; logger: Logger; defaultCountry: string }, input: { id: string; format: ImportFormat; stream: Readable }): Promise<ImportProgress> {
  const { db, logger } = deps;
  const progress: ImportProgress = { processed: 0, created: 0, updated: 0, failed: 0, errors: [] };
  const fail = (line: number, message: string) => {
    progress.failed += 1;
    if (progress.errors.length < MAX_REPORTED_ERRORS) progress.errors.push({ line, message });
  };
  const save = (status: 'running' | 'done' | 'failed') =>
    db.importJob.update({
      where: { id: input.id },
      data: { status, ...progress, errors: progress.errors.sort((a, b) => a.line - b.line) as unknown as Prisma.InputJsonValue, ...(status === 'running' ? {} : { finishedAt: new Date() }) },
    });
  let batch: ReadyRow[] = [];
  // One batch is written while the next is parsed and validated: the database and this process work side by side.
  let writing: Promise<void> = Promise.resolve();
  const write = async (rows: ReadyRow[]) => {
    const result = await writeBatch(db, rows);
    // A row whose order or invoice belongs to another customer is reported failed, though its own facts were written.
    const failedLines = new Set(result.errors.map((error) => error.line));
    for (const error of result.errors) fail(error.line, error.message);
    progress.created += result.created;
    progress.updated += Math.max(0, result.updated - failedLines.size);
    progress.processed += rows.length;
    await save('running');
  };
  const flush = async () => {
    await writing;
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    writing = write(rows);
    // Keeps a failed write from being an unhandled rejection until the next flush awaits it.
    writing.catch(() => undefined);
  };
  try {
    for await (const record of records(input.stream, input.format)) {
      try {
        batch.push(prepare(record.line, record.value, deps.defaultCountry));
      } catch (error) {
        progress.processed += 1;
        fail(record.line, error instanceof SentralError ? error.message : 'unreadable row');
      }
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await writing;
    await save('done');
    logger.info({ importId: input.id, processed: progress.processed, created: progress.created, updated: progress.updated, failed: progress.failed }, 'import finished');
  } catch (error) {
    logger.error({ err: error, importId: input.id }, 'import failed');
    progress.errors.push({ line: 0, message: error instanceof SentralError ? error.message : 'the import stopped: see the hub log' });
    await save('failed').catch(() => undefined);
  }
  return progress;
}

export const importView = (row: { id: string; status: string; processed: number; created: number; updated: number; failed: number; errors: Prisma.JsonValue }) => ({
  id: row.id,
  status: row.status,
  processed: row.processed,
  created: row.created,
  updated: row.updated,
  failed: row.failed,
  errors: row.errors,
});

export const importStatusParams = z.object({ id: z.string().uuid('must be a UUID') });

/** Reads a file for the command line. */
export const fileStream = (path: string): Readable => createReadStream(path);

export const importBodyLimitBytes = 1024 * 1024 * 1024;
