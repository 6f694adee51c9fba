import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, createDatabase, type Database } from '@sentral/db';
import { testPostgresUrl } from './env.ts';

export interface TestDatabase {
  url: string;
  db: Database;
  /** The pool `db` runs on; an in-process hub shares it, as `npm start` shares its pool. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file, migrated exactly as the hub migrates at start. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sentral_t_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = withDatabase(testPostgresUrl, name);
  await applyMigrations(url);
  // Small and quick to let idle connections go: two test files run at once on a server with 100 connections.
  const pool = new pg.Pool({ connectionString: url, max: 6, idleTimeoutMillis: 5_000 });
  // Idle connections are cut when the database is dropped at the end; that is expected, not a failure.
  pool.on('error', () => undefined);
  const db = createDatabase(url, { pool });
  return {
    url,
    db,
    pool,
    async drop() {
      await db.$disconnect();
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
