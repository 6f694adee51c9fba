import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { isValidPhoneNumber } from 'libphonenumber-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../../../prisma/generated/client.ts';
import { loadConfig } from '../config.ts';
import { toNok } from '../reporting/currency.ts';
import { buildDemoTenant, seedDemoTenant, type SeedDemoTenantResult } from './demo-tenant.ts';
import { assignSegments } from './segments.ts';

// The configured default (CURRENCY_RATES unset), as a hub started without it would use.
const currencyRates = loadConfig({}).currencyRates;

// The same server the rest of the suite uses; each run makes its own scratch database on it.
const SERVER_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations/', import.meta.url));
const CUSTOMERS = 500;

const fakeHash = async (plain: string): Promise<string> => `test$${plain}`;

describe('seedDemoTenant', () => {
  let scratch: ScratchDatabase | undefined;
  let db: PrismaClient | undefined;
  let firstRun: SeedDemoTenantResult;
  let seededAt = new Date();
  const hashed: string[] = [];

  const database = (): PrismaClient => {
    if (!db) throw new Error('database not connected');
    return db;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    db = scratch.connect();

    seededAt = new Date();
    firstRun = await seedDemoTenant(db, {
      customers: CUSTOMERS,
      currencyRates,
      hashPassword: (plain) => {
        hashed.push(plain);
        return fakeHash(plain);
      },
    });
  }, 300_000);

  afterAll(async () => {
    await scratch?.drop();
  });

  it('reports what it created, hashing each distinct password once', async () => {
    expect(firstRun).toEqual({ seeded: true, customers: CUSTOMERS, agents: expect.any(Number) });
    expect(firstRun.agents).toBeGreaterThanOrEqual(24);
    expect(await database().customer.count()).toBe(CUSTOMERS);
    expect(await database().agent.count()).toBe(firstRun.agents);
    expect([...hashed].sort()).toEqual(['admin', 'agent', 'demo', 'supervisor']);
  });

  it('creates the demo logins with their roles and passwords', async () => {
    const logins = await database().agent.findMany({
      where: { email: { in: ['agent@demo.test', 'supervisor@demo.test', 'admin@demo.test'] } },
      orderBy: { email: 'asc' },
    });
    expect(logins.map(({ email, role, passwordHash }) => ({ email, role, passwordHash }))).toEqual([
      { email: 'admin@demo.test', role: 'admin', passwordHash: 'test$admin' },
      { email: 'agent@demo.test', role: 'agent', passwordHash: 'test$agent' },
      { email: 'supervisor@demo.test', role: 'supervisor', passwordHash: 'test$supervisor' },
    ]);
  });

  it('puts agent@demo.test in every queue with the demo capacities', async () => {
    const queues = await database().queue.findMany({ orderBy: { id: 'asc' } });
    expect(queues.map((queue) => queue.id)).toEqual(['billing', 'enterprise', 'sales', 'second-line', 'support']);
    const agent = await database().agent.findUniqueOrThrow({ where: { email: 'agent@demo.test' }, include: { queues: true } });
    expect(agent.queues.map((membership) => membership.queueId).sort()).toEqual(queues.map((queue) => queue.id));
    expect(agent).toMatchObject({ languages: ['nb', 'da', 'en'], capacityVoice: 1, capacityChat: 3, capacityEmail: 2, capacityFax: 2 });
  });

  it('gives the other agents unique ASCII demo.test addresses, the demo password, skills and queues, all offline', async () => {
    const agents = await database().agent.findMany({ include: { queues: true } });
    expect(agents.every((agent) => agent.state === 'offline')).toBe(true);
    const generated = agents.filter((agent) => !['agent@demo.test', 'supervisor@demo.test', 'admin@demo.test'].includes(agent.email));
    expect(generated.length).toBeGreaterThanOrEqual(21);
    for (const agent of generated) {
      expect(agent.email).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+\d*@demo\.test$/);
      expect(agent.passwordHash).toBe('test$demo');
      expect(agent.queues.length).toBeGreaterThan(0);
      expect(agent.languages.length).toBeGreaterThan(0);
      expect(agent.languages.every((language) => ['nb', 'da', 'en'].includes(language))).toBe(true);
      const levels = Object.values(agent.skills as Record<string, number>);
      expect(levels.length).toBeGreaterThan(0);
      expect(levels.every((level) => Number.isInteger(level) && level >= 1 && level <= 5)).toBe(true);
    }
    // Every queue is staffed beyond the demo login.
    const staffed = new Set(generated.flatMap((agent) => agent.queues.map((membership) => membership.queueId)));
    expect(staffed.size).toBe(5);
  });

  it('gives every customer a valid E.164 phone matching the market, and unique e-mail addresses', async () => {
    const customers = await database().customer.findMany({ include: { identities: true } });
    const emails = new Set<string>();
    for (const customer of customers) {
      const phones = customer.identities.filter((identity) => identity.kind === 'phone');
      expect(phones).toHaveLength(1);
      const phone = phones[0]?.value ?? '';
      expect(phone).toMatch(/^\+\d{10}$/);
      expect(isValidPhoneNumber(phone)).toBe(true);
      if (customer.language === 'nb') {
        expect(customer.currency).toBe('NOK');
        expect(phone).toMatch(/^\+47[49]\d{7}$/);
      } else {
        expect(customer).toMatchObject({ language: 'da', currency: 'DKK' });
        expect(phone).toMatch(/^\+45\d{8}$/);
      }
      for (const fax of customer.identities.filter((identity) => identity.kind === 'fax')) {
        expect(isValidPhoneNumber(fax.value)).toBe(true);
      }
      const email = customer.identities.find((identity) => identity.kind === 'email')?.value ?? '';
      expect(email).toMatch(/^[a-z0-9.-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/);
      expect(emails.has(email)).toBe(false);
      emails.add(email);
      expect(customer.externalId).toMatch(/^ERP-\d{6}$/);
      expect(customer.creditScore).toBeGreaterThanOrEqual(300);
      expect(customer.creditScore).toBeLessThanOrEqual(850);
      expect(customer.attributes).toMatchObject({ postcode: expect.any(String), customerNumber: expect.any(String) });
      // The IVR PIN is stored only as its hash.
      expect(customer.attributes).not.toHaveProperty('pin');
      expect(customer.pinHash).toMatch(/^\$argon2id\$/);
    }
    const norwegian = customers.filter((customer) => customer.language === 'nb').length / customers.length;
    expect(norwegian).toBeGreaterThan(0.6);
    expect(norwegian).toBeLessThan(0.8);
  });

  it('stores the segments that assignSegments gives for the stored revenue', async () => {
    const customers = await database().customer.findMany({ select: { id: true, revenue: true, currency: true, segment: true } });
    const expected = assignSegments(customers.map(({ id, revenue, currency }) => ({ id, revenue: toNok(Number(revenue), currency, currencyRates) })));
    for (const customer of customers) expect(customer.segment).toBe(expected.get(customer.id));
    const counts = { A: 0, B: 0, C: 0 };
    for (const customer of customers) counts[customer.segment] += 1;
    // The long tail: a minority of customers brings in 80 % of the revenue.
    expect(counts.A).toBeGreaterThan(0);
    expect(counts.A).toBeLessThan(counts.C);
  });

  it('has a customer with an open order on its way and an unpaid invoice', async () => {
    const now = new Date();
    const customer = await database().customer.findFirst({
      where: {
        orders: { some: { status: { in: ['received', 'picking', 'shipped'] }, expectedDelivery: { gt: now } } },
        invoices: { some: { paidAt: null } },
      },
    });
    expect(customer).not.toBeNull();
    expect(await database().invoice.count({ where: { paidAt: null, dueDate: { lt: now } } })).toBeGreaterThan(0);
    expect(await database().order.count({ where: { status: { in: ['delivered', 'cancelled'] }, expectedDelivery: { not: null } } })).toBe(0);
    const shippedWithoutShipment = await database().order.count({ where: { status: 'shipped', shipments: { none: {} } } });
    expect(shippedWithoutShipment).toBe(0);
    expect(await database().warranty.count({ where: { expiresAt: { lt: now } } })).toBeGreaterThan(0);
    expect(await database().warranty.count({ where: { expiresAt: { gt: now } } })).toBeGreaterThan(0);
  });

  it('stores timestamps as the client wrote them, whatever the session time zone', async () => {
    const customer = await database().customer.findFirstOrThrow({ include: { identities: true } });
    for (const stamp of [customer.createdAt, customer.updatedAt, ...customer.identities.map((identity) => identity.createdAt)]) {
      expect(Math.abs(stamp.getTime() - seededAt.getTime())).toBeLessThan(60_000);
    }
    const openOrders = await database().order.findMany({ where: { status: { in: ['received', 'picking', 'shipped'] } } });
    expect(openOrders.length).toBeGreaterThan(0);
    for (const order of openOrders) {
      expect(order.placedAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(order.expectedDelivery?.getTime()).toBeGreaterThan(seededAt.getTime());
    }
  });

  it('does nothing the second time', async () => {
    const before = await database().customer.count();
    const calls = hashed.length;
    const second = await seedDemoTenant(database(), { customers: CUSTOMERS, hashPassword: fakeHash, currencyRates });
    expect(second).toEqual({ seeded: false, customers: 0, agents: 0 });
    expect(await database().customer.count()).toBe(before);
    expect(await database().agent.count()).toBe(firstRun.agents);
    expect(hashed.length).toBe(calls);
  });
});

describe('seedDemoTenant on hub replicas starting together', () => {
  let scratch: ScratchDatabase | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  }, 300_000);

  afterAll(async () => {
    await scratch?.drop();
  });

  it('seeds once', async () => {
    if (!scratch) throw new Error('no database');
    const replicas = [scratch.connect(), scratch.connect(), scratch.connect()];
    const results = await Promise.all(replicas.map((db) => seedDemoTenant(db, { customers: 50, hashPassword: fakeHash, currencyRates })));
    expect(results.filter((result) => result.seeded)).toHaveLength(1);
    expect(await replicas[0]?.customer.count()).toBe(50);
  });
});

describe('buildDemoTenant', () => {
  const passwordHashes = new Map(['agent', 'supervisor', 'admin', 'demo'].map((plain) => [plain, `hash:${plain}`]));
  const now = new Date('2026-03-01T12:00:00Z');

  it('builds the same tenant from the same seed, and another from another seed', () => {
    const first = buildDemoTenant({ customers: 200, seed: 7, now, passwordHashes, currencyRates });
    expect(buildDemoTenant({ customers: 200, seed: 7, now, passwordHashes, currencyRates })).toEqual(first);
    expect(buildDemoTenant({ customers: 200, seed: 8, now, passwordHashes, currencyRates }).customers).not.toEqual(first.customers);
  });

  it('keeps order, invoice and shipment currencies and references consistent', () => {
    const tenant = buildDemoTenant({ customers: 300, seed: 2026, now, passwordHashes, currencyRates });
    const currencyOf = new Map(tenant.customers.map((customer) => [customer.id, customer.currency]));
    for (const order of tenant.orders) expect(order.currency).toBe(currencyOf.get(order.customerId));
    for (const invoice of tenant.invoices) expect(invoice.currency).toBe(currencyOf.get(invoice.customerId));
    const orderIds = new Set(tenant.orders.map((order) => order.id));
    for (const shipment of tenant.shipments) expect(orderIds.has(shipment.orderId)).toBe(true);
    const carriers = new Set(tenant.shipments.map((shipment) => shipment.carrier));
    for (const carrier of carriers) expect(['Posten', 'Bring', 'PostNord', 'DHL', 'GLS']).toContain(carrier);
  });
});

interface ScratchDatabase {
  /** A new client; dropping the database disconnects every client it handed out. */
  connect(): PrismaClient;
  drop(): Promise<void>;
}

/** An empty database with the checked-in migrations applied, as the hub would find it on first start. */
async function createScratchDatabase(): Promise<ScratchDatabase> {
  const migrations = await waitForMigrations(MIGRATIONS_DIR, 240_000);
  const name = `sentral_seed_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const clients: PrismaClient[] = [];
  const drop = async (): Promise<void> => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  try {
    const migrator = new pg.Client({ connectionString: url.toString() });
    await migrator.connect();
    try {
      for (const file of migrations) await migrator.query(await readFile(file, 'utf8'));
    } finally {
      await migrator.end();
    }
  } catch (error) {
    await drop();
    throw error;
  }
  // A session time zone other than UTC shows up any timestamp that is not written as UTC.
  const clientUrl = new URL(url);
  clientUrl.searchParams.set('options', '-c TimeZone=Europe/Oslo');
  return {
    connect() {
      const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: clientUrl.toString() }) });
      clients.push(client);
      return client;
    },
    drop,
  };
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The migration files in name order; waits while the migrations directory is still being generated. */
async function waitForMigrations(dir: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(dir)) {
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
      const files = names.map((name) => join(dir, name, 'migration.sql'));
      if (files.length > 0 && files.every((file) => existsSync(file))) return files;
    }
    if (Date.now() > deadline) throw new Error(`no migrations appeared in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
