import { Faker, base, da, en, generateMersenne53Randomizer, nb_NO } from '@faker-js/faker';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { advisoryLocks } from '@sentral/db';
import { hashPin } from '../auth/pins.ts';
import { fromNok, toNok, type CurrencyRates } from '../reporting/currency.ts';
import type { Prisma, PrismaClient } from '../../../../prisma/generated/client.ts';
import { assignSegments } from './segments.ts';
import { seedSelfService } from './self-service.ts';
import { seedKnowledgeBase } from './knowledge-base.ts';

export interface SeedDemoTenantOptions {
  /** Number of customers to create; 3000 unless given. */
  customers?: number;
  hashPassword: (plain: string) => Promise<string>;
  /** Faker seed: the same seed gives the same tenant (dates are relative to the time of seeding). */
  seed?: number;
  /** The configured rates: Danish customers are billed in DKK, and their segments compare revenue in NOK. */
  currencyRates: CurrencyRates;
}

export interface SeedDemoTenantResult {
  seeded: boolean;
  customers: number;
  agents: number;
}

export const DEMO_LOGINS = [
  { email: 'agent@demo.test', password: 'agent', role: 'agent', name: 'Demo Agent' },
  { email: 'supervisor@demo.test', password: 'supervisor', role: 'supervisor', name: 'Demo Supervisor' },
  { email: 'admin@demo.test', password: 'admin', role: 'admin', name: 'Demo Admin' },
] as const;

/** Password of every generated agent that is not one of the demo logins. */
export const DEMO_AGENT_PASSWORD = 'demo';

type ChannelName = 'voice' | 'chat' | 'email' | 'fax';
type SkillName = 'billing' | 'technical' | 'sales';

const ALL_CHANNELS: ChannelName[] = ['voice', 'chat', 'email', 'fax'];

export const DEMO_QUEUES: ReadonlyArray<{ id: string; name: string; displayNames: Record<'nb' | 'da' | 'en', string>; channels: ChannelName[]; skill: SkillName }> = [
  { id: 'sales', name: 'Salg', displayNames: { nb: 'Salg', da: 'Salg', en: 'Sales' }, channels: ALL_CHANNELS, skill: 'sales' },
  { id: 'support', name: 'Kundeservice', displayNames: { nb: 'Kundeservice', da: 'Kundeservice', en: 'Customer service' }, channels: ALL_CHANNELS, skill: 'technical' },
  { id: 'billing', name: 'Faktura', displayNames: { nb: 'Faktura', da: 'Faktura', en: 'Billing' }, channels: ALL_CHANNELS, skill: 'billing' },
  // Key accounts talk to their account managers by phone, chat or e-mail; their faxes go to billing.
  { id: 'enterprise', name: 'Bedriftssalg', displayNames: { nb: 'Bedriftssalg', da: 'Erhvervssalg', en: 'Business sales' }, channels: ['voice', 'chat', 'email'], skill: 'sales' },
  // Escalations arrive as transferred calls or forwarded cases.
  { id: 'second-line', name: 'Andrelinje', displayNames: { nb: 'Andrelinje', da: 'Anden linje', en: 'Second line' }, channels: ['voice', 'email'], skill: 'technical' },
];

/** Canned answers of the demo tenant, per language; placeholders are filled in when an agent inserts one. */
export const DEMO_CANNED_ANSWERS: ReadonlyArray<{ title: string; text: string; language: 'nb' | 'da' | 'en'; queueId?: string }> = [
  { language: 'nb', title: 'Hilsen', text: 'Hei {{customer.firstName}}, og takk for at du tok kontakt! Jeg heter {{agent.firstName}}. Hvordan kan jeg hjelpe deg?' },
  { language: 'nb', title: 'Et øyeblikk', text: 'Et øyeblikk, jeg sjekker dette for deg.' },
  { language: 'nb', title: 'Noe mer?', text: 'Er det noe mer jeg kan hjelpe deg med?' },
  { language: 'nb', title: 'Avslutning', text: 'Takk for praten, {{customer.firstName}}, og ha en fin dag!' },
  { language: 'nb', title: 'Faktura: betalingsutsettelse', text: 'Jeg har gitt deg 14 dagers utsettelse på fakturaen. Du får en bekreftelse på e-post.', queueId: 'billing' },
  { language: 'da', title: 'Hilsen', text: 'Hej {{customer.firstName}}, og tak fordi du kontaktede os! Jeg hedder {{agent.firstName}}. Hvordan kan jeg hjælpe dig?' },
  { language: 'da', title: 'Et øjeblik', text: 'Et øjeblik, jeg undersøger det for dig.' },
  { language: 'da', title: 'Andet?', text: 'Er der andet, jeg kan hjælpe dig med?' },
  { language: 'da', title: 'Afslutning', text: 'Tak for snakken, {{customer.firstName}}, og hav en god dag!' },
  { language: 'da', title: 'Faktura: henstand', text: 'Jeg har givet dig 14 dages henstand med fakturaen. Du får en bekræftelse på e-mail.', queueId: 'billing' },
  { language: 'en', title: 'Greeting', text: 'Hello {{customer.firstName}}, and thank you for contacting us! My name is {{agent.firstName}}. How can I help you?' },
  { language: 'en', title: 'One moment', text: 'One moment, I will look into this for you.' },
  { language: 'en', title: 'Anything else?', text: 'Is there anything else I can help you with?' },
  { language: 'en', title: 'Goodbye', text: 'Thank you for chatting with us, {{customer.firstName}}, and have a nice day!' },
  { language: 'en', title: 'Invoice: extension', text: 'I have given you a 14-day extension on the invoice. You will get a confirmation by email.', queueId: 'billing' },
];


const GENERATED_AGENTS = 25;
const BATCH_SIZE = 1000;
const DAY_MS = 86_400_000;

/**
 * Fills an empty database with a believable Norwegian/Danish demo tenant: queues, customers with
 * identities, orders, shipments, invoices, warranties, and agents including the demo logins.
 * Does nothing when any agent exists, so it is safe to call on every start.
 */
export async function seedDemoTenant(db: PrismaClient, opts: SeedDemoTenantOptions): Promise<SeedDemoTenantResult> {
  const customerCount = opts.customers ?? 3000;
  if (!Number.isInteger(customerCount) || customerCount < 0) {
    throw new RangeError(`customers must be a non-negative integer, got ${customerCount}`);
  }
  const notSeeded: SeedDemoTenantResult = { seeded: false, customers: 0, agents: 0 };
  // Checked before hashing as well: hashing is deliberately slow and pointless on a seeded database.
  if ((await db.agent.count()) > 0) return notSeeded;

  // Each distinct password once: every generated agent shares the one hash of DEMO_AGENT_PASSWORD.
  const passwords = [...new Set([...DEMO_LOGINS.map((login) => login.password), DEMO_AGENT_PASSWORD])];
  const passwordHashes = new Map(await Promise.all(passwords.map(async (plain) => [plain, await opts.hashPassword(plain)] as const)));
  const tenant = buildDemoTenant({ customers: customerCount, seed: opts.seed ?? 2026, now: new Date(), passwordHashes, currencyRates: opts.currencyRates });
  await Promise.all(tenant.customers.map(async (customer) => (customer.pinHash = await hashPin(tenant.pins.get(customer.id)!))));

  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${advisoryLocks.demoTenantSeed})`;
      if ((await tx.agent.count()) > 0) return notSeeded;
      await tx.queue.createMany({ data: tenant.queues });
      await insertJsonBatches(tx, 'Customer', CUSTOMER_COLUMNS, tenant.customers);
      await insertJsonBatches(tx, 'CustomerIdentity', IDENTITY_COLUMNS, tenant.identities);
      await insertJsonBatches(tx, 'Order', ORDER_COLUMNS, tenant.orders);
      await insertJsonBatches(tx, 'Shipment', SHIPMENT_COLUMNS, tenant.shipments);
      await insertJsonBatches(tx, 'Invoice', INVOICE_COLUMNS, tenant.invoices);
      await insertJsonBatches(tx, 'Warranty', WARRANTY_COLUMNS, tenant.warranties);
      await tx.agent.createMany({ data: tenant.agents });
      await tx.agentQueue.createMany({ data: tenant.agentQueues });
      await tx.cannedAnswer.createMany({ data: DEMO_CANNED_ANSWERS.map((answer) => ({ ...answer, queueId: answer.queueId ?? null })) });
      await seedSelfService(tx, new Date());
      await seedKnowledgeBase(tx, new Date());
      return { seeded: true, customers: tenant.customers.length, agents: tenant.agents.length };
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

/**
 * Bulk rows go in as one JSON parameter per batch that PostgreSQL expands itself. Prisma 7 compiles
 * a new query plan for every createMany call (those plans are never cached), at roughly 0.25 ms per
 * row on a small machine: about 6 s for the default tenant against about 0.6 s this way. The small
 * tables still use createMany.
 */
async function insertJsonBatches<Row extends object>(
  tx: Prisma.TransactionClient,
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
): Promise<void> {
  const columnList = columns.map((column) => `"${column}"`).join(', ');
  const sql = `INSERT INTO "${table}" (${columnList}) SELECT ${columnList} FROM json_populate_recordset(NULL::"${table}", $1::json)`;
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const batch = rows.slice(start, start + BATCH_SIZE);
    const inserted = await tx.$executeRawUnsafe(sql, JSON.stringify(batch));
    if (inserted !== batch.length) throw new Error(`inserted ${inserted} of ${batch.length} ${table} rows`);
  }
}

/**
 * A row for the JSON bulk insert: every listed column present. A missing key would become NULL
 * rather than the column default, so the defaults are written out explicitly (timestamps included:
 * a database default would follow the session time zone, Prisma writes UTC).
 */
type BulkRow<Input, Column extends keyof Input> = { [Key in Column]-?: Exclude<Input[Key], undefined> };

const CUSTOMER_COLUMNS = [
  'id',
  'externalId',
  'name',
  'language',
  'creditScore',
  'lifetimeValue',
  'revenue',
  'currency',
  'segment',
  'attributes',
  'pinHash',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof Prisma.CustomerCreateManyInput>;
const IDENTITY_COLUMNS = ['id', 'customerId', 'kind', 'value', 'verified', 'createdAt'] as const satisfies ReadonlyArray<keyof Prisma.CustomerIdentityCreateManyInput>;
const ORDER_COLUMNS = ['id', 'customerId', 'number', 'status', 'total', 'currency', 'placedAt', 'expectedDelivery'] as const satisfies ReadonlyArray<keyof Prisma.OrderCreateManyInput>;
const SHIPMENT_COLUMNS = ['id', 'orderId', 'carrier', 'trackingNumber', 'status', 'updatedAt'] as const satisfies ReadonlyArray<keyof Prisma.ShipmentCreateManyInput>;
const INVOICE_COLUMNS = ['id', 'customerId', 'number', 'amount', 'currency', 'dueDate', 'paidAt'] as const satisfies ReadonlyArray<keyof Prisma.InvoiceCreateManyInput>;
const WARRANTY_COLUMNS = ['id', 'customerId', 'product', 'serialNumber', 'expiresAt'] as const satisfies ReadonlyArray<keyof Prisma.WarrantyCreateManyInput>;

export type CustomerRow = Omit<BulkRow<Prisma.CustomerCreateManyInput, (typeof CUSTOMER_COLUMNS)[number]>, 'id' | 'attributes'> & {
  id: string;
  attributes: Prisma.InputJsonObject;
};
export type IdentityRow = BulkRow<Prisma.CustomerIdentityCreateManyInput, (typeof IDENTITY_COLUMNS)[number]>;
export type OrderRow = BulkRow<Prisma.OrderCreateManyInput, (typeof ORDER_COLUMNS)[number]>;
export type ShipmentRow = BulkRow<Prisma.ShipmentCreateManyInput, (typeof SHIPMENT_COLUMNS)[number]>;
export type InvoiceRow = BulkRow<Prisma.InvoiceCreateManyInput, (typeof INVOICE_COLUMNS)[number]>;
export type WarrantyRow = BulkRow<Prisma.WarrantyCreateManyInput, (typeof WARRANTY_COLUMNS)[number]>;

export interface DemoTenant {
  queues: Prisma.QueueCreateManyInput[];
  customers: CustomerRow[];
  identities: IdentityRow[];
  orders: OrderRow[];
  shipments: ShipmentRow[];
  invoices: InvoiceRow[];
  warranties: WarrantyRow[];
  agents: Prisma.AgentCreateManyInput[];
  agentQueues: Prisma.AgentQueueCreateManyInput[];
  /** Each customer's IVR PIN by customer id, kept apart from the rows: only its hash is stored. */
  pins: Map<string, string>;
}

export interface BuildDemoTenantOptions {
  customers: number;
  seed: number;
  /** Reference time: order, invoice and warranty dates are placed around it. */
  now: Date;
  /** Hash of each password in DEMO_LOGINS and of DEMO_AGENT_PASSWORD, by the plain password. */
  passwordHashes: ReadonlyMap<string, string>;
  currencyRates: CurrencyRates;
}

/** The rows of the demo tenant, without touching a database. Same options, same rows. */
export function buildDemoTenant(options: BuildDemoTenantOptions): DemoTenant {
  const random = generateMersenne53Randomizer(options.seed);
  // Both locales draw from one random stream, so the interleaving is reproducible too.
  const markets = {
    NO: norway(new Faker({ locale: [nb_NO, en, base], randomizer: random }), options.currencyRates),
    DK: denmark(new Faker({ locale: [da, en, base], randomizer: random }), options.currencyRates),
  };
  const faker = markets.NO.faker;
  const clock = new Clock(options.now);
  const tenant: DemoTenant = {
    queues: DEMO_QUEUES.map(({ id, name, displayNames, channels }) => ({ id, name, displayNames, channels })),
    customers: [],
    identities: [],
    orders: [],
    shipments: [],
    invoices: [],
    warranties: [],
    agents: [],
    agentQueues: [],
    pins: new Map(),
  };
  const taken = { emails: new Set<string>(), phones: new Set<string>(), customerNumbers: new Set<string>() };
  const comparableRevenue: Array<{ id: string; revenue: number }> = [];
  const counters = { order: 0, invoice: 0 };

  for (let index = 0; index < options.customers; index++) {
    const market = faker.number.float() < 0.7 ? markets.NO : markets.DK;
    const draft = draftCustomer(market, index, taken, clock.now);
    comparableRevenue.push({ id: draft.row.id, revenue: toNok(draft.revenueOre / 100, market.currency, market.currencyRates) });
    tenant.customers.push(draft.row);
    tenant.pins.set(draft.row.id, draft.pin);
    tenant.identities.push(...draft.identities);
    addOrdersAndInvoices(tenant, draft, clock, counters);
    tenant.warranties.push(...draftWarranties(draft, clock));
  }

  const segments = assignSegments(comparableRevenue);
  for (const customer of tenant.customers) {
    customer.segment = segments.get(customer.id) ?? 'C';
  }

  addAgents(tenant, markets, options.passwordHashes);
  return tenant;
}

// ---------------------------------------------------------------------------------------------
// Markets

interface Market {
  faker: Faker;
  country: 'NO' | 'DK';
  callingCode: string;
  language: 'nb' | 'da';
  currency: 'NOK' | 'DKK';
  currencyRates: CurrencyRates;
  mobilePrefixes: string[];
  landlinePrefixes: string[];
  privateEmailDomains: Array<{ weight: number; value: string }>;
  companyDomain: string;
  industries: string[];
  legalForm: { small: string; large: string };
  carriers: Array<{ weight: number; value: Carrier }>;
  /** Customary invoice terms in days for consumers and businesses. */
  paymentTerms: { private: number; business: number };
  productNames: Record<ProductKey, string>;
}

type Carrier = 'Posten' | 'Bring' | 'PostNord' | 'DHL' | 'GLS';

function norway(faker: Faker, currencyRates: CurrencyRates): Market {
  return {
    faker,
    country: 'NO',
    callingCode: '+47',
    language: 'nb',
    currency: 'NOK',
    currencyRates,
    // Norwegian mobile numbers are 4xx xx xxx or 9xx xx xxx (42-44 and 49 are not yet allocated).
    mobilePrefixes: ['40', '41', '46', '47', '48', '90', '91', '92', '93', '94', '95', '96', '97', '98', '99'],
    landlinePrefixes: ['22', '23', '32', '33', '35', '38', '51', '52', '55', '56', '61', '62', '69', '71', '73', '75', '77'],
    privateEmailDomains: [
      { weight: 40, value: 'gmail.com' },
      { weight: 14, value: 'online.no' },
      { weight: 12, value: 'hotmail.com' },
      { weight: 10, value: 'outlook.com' },
      { weight: 8, value: 'icloud.com' },
      { weight: 6, value: 'live.no' },
      { weight: 5, value: 'yahoo.no' },
      { weight: 5, value: 'altibox.no' },
    ],
    companyDomain: 'no',
    industries: ['Bygg', 'Elektro', 'Rør', 'Transport', 'Regnskap', 'Eiendom', 'Maskin', 'Data', 'Handel', 'Entreprenør', 'Consulting', 'Sjømat', 'Energi'],
    legalForm: { small: 'AS', large: 'ASA' },
    carriers: [
      { weight: 45, value: 'Posten' },
      { weight: 25, value: 'Bring' },
      { weight: 18, value: 'PostNord' },
      { weight: 12, value: 'DHL' },
    ],
    paymentTerms: { private: 14, business: 30 },
    productNames: {
      airHeatPump: 'Varmepumpe Mitsubishi Electric Kirigamine Zen MSZ-LN35',
      waterHeatPump: 'Luft/vann-varmepumpe NIBE F2120-12',
      dishwasher: 'Oppvaskmaskin Bosch Serie 6 SMV6ECX51E',
      washingMachine: 'Vaskemaskin Miele WWD 320 WCS',
      fridge: 'Kjøleskap Samsung RB38C7B5CB1',
      laptop: 'Bærbar PC Lenovo ThinkPad T14 Gen 5',
      macbook: 'Bærbar PC Apple MacBook Air 13" M3',
      television: 'TV LG OLED65C4',
      coffeeMachine: 'Kaffemaskin Moccamaster KBG Select',
      monitor: 'Skjerm Dell UltraSharp U2724D',
      printer: 'Multifunksjonsskriver HP LaserJet Pro MFP 4102fdw',
    },
  };
}

function denmark(faker: Faker, currencyRates: CurrencyRates): Market {
  return {
    faker,
    country: 'DK',
    callingCode: '+45',
    language: 'da',
    currency: 'DKK',
    currencyRates,
    mobilePrefixes: ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '40', '41', '42', '50', '51', '52', '53', '60', '61', '71', '81', '91', '92', '93'],
    landlinePrefixes: ['33', '35', '36', '38', '39', '43', '44', '45', '46', '48', '56', '57', '58', '62', '63', '64', '65', '66', '74', '75', '76', '86', '87', '89', '96', '97', '98', '99'],
    privateEmailDomains: [
      { weight: 40, value: 'gmail.com' },
      { weight: 14, value: 'hotmail.com' },
      { weight: 10, value: 'outlook.dk' },
      { weight: 9, value: 'live.dk' },
      { weight: 8, value: 'icloud.com' },
      { weight: 8, value: 'mail.dk' },
      { weight: 6, value: 'yahoo.dk' },
      { weight: 5, value: 'jubii.dk' },
    ],
    companyDomain: 'dk',
    industries: ['Byg', 'El', 'VVS', 'Transport', 'Revision', 'Ejendomme', 'Maskiner', 'IT', 'Handel', 'Entreprise', 'Rådgivning', 'Fisk', 'Energi'],
    legalForm: { small: 'ApS', large: 'A/S' },
    carriers: [
      { weight: 50, value: 'PostNord' },
      { weight: 30, value: 'GLS' },
      { weight: 20, value: 'DHL' },
    ],
    paymentTerms: { private: 8, business: 30 },
    productNames: {
      airHeatPump: 'Varmepumpe Mitsubishi Electric Kirigamine Zen MSZ-LN35',
      waterHeatPump: 'Luft/vand-varmepumpe NIBE F2120-12',
      dishwasher: 'Opvaskemaskine Bosch Serie 6 SMV6ECX51E',
      washingMachine: 'Vaskemaskine Miele WWD 320 WCS',
      fridge: 'Køleskab Samsung RB38C7B5CB1',
      laptop: 'Bærbar computer Lenovo ThinkPad T14 Gen 5',
      macbook: 'Bærbar computer Apple MacBook Air 13" M3',
      television: 'TV LG OLED65C4',
      coffeeMachine: 'Kaffemaskine Moccamaster KBG Select',
      monitor: 'Skærm Dell UltraSharp U2724D',
      printer: 'Multifunktionsprinter HP LaserJet Pro MFP 4102fdw',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Customers

interface CustomerDraft {
  row: CustomerRow;
  identities: IdentityRow[];
  market: Market;
  business: boolean;
  revenueOre: number;
  pin: string;
}

interface TakenValues {
  emails: Set<string>;
  phones: Set<string>;
  customerNumbers: Set<string>;
}

function draftCustomer(market: Market, index: number, taken: TakenValues, now: Date): CustomerDraft {
  const { faker } = market;
  const id = faker.string.uuid();
  // About one in seven customers is a company; they carry most of the revenue.
  const business = faker.number.float() < 0.14;
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const personName = `${firstName} ${lastName}`;

  const revenueNok = business ? pareto(faker, 40_000, 1.15, 30_000_000) : pareto(faker, 1_200, 1.9, 250_000);
  const revenueOre = Math.round((revenueInLocalCurrency(revenueNok, market) * 100));
  // Expected remaining relationship in years: companies stay longer than consumers.
  const retentionYears = business ? faker.number.float({ min: 3, max: 8 }) : faker.number.float({ min: 1.5, max: 5 });
  const lifetimeValueOre = Math.round(revenueOre * retentionYears);

  let companyName: string | undefined;
  let emailDomain: string;
  const customerType = business ? 'business' : 'private';
  const customerNumber = uniqueValue(taken.customerNumbers, () => faker.string.numeric({ length: 7, allowLeadingZeros: false }));
  const pin = faker.string.numeric({ length: 4, allowLeadingZeros: true });
  const attributes: Record<string, string | number> = {
    customerType,
    customerNumber,
    postcode: faker.location.zipCode(),
    city: faker.location.city(),
  };
  if (business) {
    const large = revenueNok > 2_500_000;
    const owner = faker.helpers.arrayElement([faker.person.lastName(), faker.location.city()]);
    companyName = `${owner} ${faker.helpers.arrayElement(market.industries)} ${large ? market.legalForm.large : market.legalForm.small}`;
    emailDomain = `${slug(companyName.replace(/\s(AS|ASA|ApS|A\/S)$/, ''))}.${market.companyDomain}`;
    // Seats grow with what the company buys, with plenty of noise.
    attributes.users = Math.max(2, Math.min(5000, Math.round((revenueNok / 12_000) * faker.number.float({ min: 0.5, max: 1.5 }))));
    attributes.contactName = personName;
    attributes.orgNumber = market.country === 'NO' ? faker.string.numeric({ length: 9, allowLeadingZeros: false }) : faker.string.numeric({ length: 8, allowLeadingZeros: false });
  } else {
    emailDomain = faker.helpers.weightedArrayElement(market.privateEmailDomains);
  }

  const localPart = `${slug(firstName)}.${slug(lastName)}`;
  // A taken address gets digits, as people do (a birth year, a lucky number); more of them if needed.
  const email = uniqueValue(
    taken.emails,
    (attempt) => `${localPart}${attempt === 0 ? '' : faker.number.int({ min: 1, max: 99 * 10 ** Math.floor(attempt / 20) })}@${emailDomain}`,
  );
  const phone = uniqueValue(taken.phones, () => phoneNumber(market, market.mobilePrefixes));
  const identities: IdentityRow[] = [
    { id: faker.string.uuid(), customerId: id, kind: 'phone', value: phone, verified: true, createdAt: now },
    { id: faker.string.uuid(), customerId: id, kind: 'email', value: email, verified: faker.number.float() < 0.8, createdAt: now },
  ];
  // Fax survives mostly at companies (and with a few older private customers): ~10 % overall.
  if (faker.number.float() < (business ? 0.4 : 0.05)) {
    const fax = uniqueValue(taken.phones, () => phoneNumber(market, market.landlinePrefixes));
    identities.push({ id: faker.string.uuid(), customerId: id, kind: 'fax', value: fax, verified: true, createdAt: now });
  }

  return {
    row: {
      id,
      externalId: `ERP-${100_001 + index}`,
      name: companyName ?? personName,
      language: market.language,
      creditScore: creditScore(faker, business),
      revenue: oreToDecimal(revenueOre),
      lifetimeValue: oreToDecimal(lifetimeValueOre),
      currency: market.currency,
      // Set once the whole customer base is known.
      segment: 'C',
      attributes,
      // Filled in by the seed, which hashes the PINs (building the tenant stays synchronous and pure).
      pinHash: null,
      createdAt: now,
      updatedAt: now,
    },
    identities,
    market,
    business,
    revenueOre,
    pin,
  };
}

function revenueInLocalCurrency(revenueNok: number, market: Market): number {
  return fromNok(revenueNok, market.currency, market.currencyRates);
}

/** Pareto-distributed value: the long tail of a few very large customers among many small ones. */
function pareto(faker: Faker, minimum: number, shape: number, cap: number): number {
  const uniform = 1 - faker.number.float(); // (0, 1]
  return Math.min(cap, minimum / uniform ** (1 / shape));
}

function creditScore(faker: Faker, business: boolean): number {
  // The mean of three uniforms clusters around the middle like real scores do, never leaving 300-850.
  const centred = (faker.number.float() + faker.number.float() + faker.number.float()) / 3;
  const shifted = business ? Math.min(1, centred + 0.08) : centred;
  return Math.round(300 + shifted * 550);
}

function phoneNumber(market: Market, prefixes: string[]): string {
  const { faker } = market;
  for (;;) {
    const candidate = `${market.callingCode}${faker.helpers.arrayElement(prefixes)}${faker.string.numeric({ length: 6, allowLeadingZeros: true })}`;
    // The full metadata also knows unallocated blocks inside a prefix, which the lighter checks accept.
    if (isValidPhoneNumber(candidate)) return candidate;
  }
}

function uniqueValue(taken: Set<string>, generate: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    const value = generate(attempt);
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}

const FOLDED_LETTERS: Record<string, string> = { æ: 'ae', ø: 'o', å: 'aa', ä: 'a', ö: 'o', ü: 'u', ß: 'ss', ð: 'd', þ: 'th' };

/** Lower-case ASCII as Norwegians and Danes write their names in e-mail addresses (Bjørn Ås → bjorn, aas). */
export function asciiFold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[æøåäöüßðþ]/g, (letter) => FOLDED_LETTERS[letter] ?? letter)
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

function slug(text: string): string {
  return asciiFold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function oreToDecimal(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const absolute = Math.abs(ore);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Orders, shipments, invoices, warranties

class Clock {
  constructor(readonly now: Date) {}

  daysFromNow(days: number): Date {
    return new Date(this.now.getTime() + days * DAY_MS);
  }

  daysAfter(date: Date, days: number): Date {
    return new Date(date.getTime() + days * DAY_MS);
  }
}

type OrderStatus = 'received' | 'picking' | 'shipped' | 'delivered' | 'cancelled';

const ORDER_STATUSES: Array<{ weight: number; value: OrderStatus }> = [
  { weight: 13, value: 'received' },
  { weight: 10, value: 'picking' },
  { weight: 15, value: 'shipped' },
  { weight: 50, value: 'delivered' },
  { weight: 12, value: 'cancelled' },
];

function addOrdersAndInvoices(tenant: DemoTenant, customer: CustomerDraft, clock: Clock, counters: { order: number; invoice: number }): void {
  const { faker } = customer.market;
  const orderCount = faker.helpers.weightedArrayElement([
    { weight: 25, value: 0 },
    { weight: 30, value: 1 },
    { weight: 22, value: 2 },
    { weight: 13, value: 3 },
    { weight: 10, value: 4 },
  ]);
  for (let n = 0; n < orderCount; n++) {
    const status = faker.helpers.weightedArrayElement(ORDER_STATUSES);
    const placedAt = clock.daysFromNow(-placedDaysAgo(faker, status));
    const open = status === 'received' || status === 'picking' || status === 'shipped';
    const [soonest, latest] = status === 'shipped' ? [0.5, 4] : [1.5, 8];
    const expectedDelivery = open ? clock.daysFromNow(faker.number.float({ min: soonest, max: latest })) : null;
    const totalOre = orderTotalOre(customer);
    const orderId = faker.string.uuid();
    counters.order += 1;
    tenant.orders.push({
      id: orderId,
      customerId: customer.row.id,
      number: `ORD-${1_000_000 + counters.order}`,
      status,
      total: oreToDecimal(totalOre),
      currency: customer.market.currency,
      placedAt,
      expectedDelivery,
    });

    // Delivered orders keep their shipment too: "where was it left?" is a common call.
    if (status === 'shipped' || status === 'delivered') {
      const carrier = faker.helpers.weightedArrayElement(customer.market.carriers);
      tenant.shipments.push({
        id: faker.string.uuid(),
        orderId,
        carrier,
        trackingNumber: trackingNumber(faker, carrier, customer.market),
        status:
          status === 'delivered'
            ? 'delivered'
            : faker.helpers.weightedArrayElement([
                { weight: 60, value: 'in_transit' },
                { weight: 15, value: 'out_for_delivery' },
                { weight: 17, value: 'ready_for_pickup' },
                { weight: 8, value: 'delayed' },
              ]),
        updatedAt:
          status === 'delivered'
            ? clock.daysAfter(placedAt, faker.number.float({ min: 1, max: 6 }))
            : new Date(placedAt.getTime() + faker.number.float({ min: 0.3, max: 1 }) * (clock.now.getTime() - placedAt.getTime())),
      });
    }

    if (status !== 'cancelled') {
      counters.invoice += 1;
      tenant.invoices.push(invoiceFor(customer, placedAt, totalOre, clock, `INV-${2_000_000 + counters.invoice}`));
    }
  }
}

function placedDaysAgo(faker: Faker, status: OrderStatus): number {
  switch (status) {
    case 'received':
      return faker.number.float({ min: 0.02, max: 2 });
    case 'picking':
      return faker.number.float({ min: 0.2, max: 3 });
    case 'shipped':
      return faker.number.float({ min: 1, max: 6 });
    case 'delivered':
      return faker.number.float({ min: 7, max: 540 });
    case 'cancelled':
      return faker.number.float({ min: 2, max: 400 });
  }
}

function orderTotalOre(customer: CustomerDraft): number {
  const { faker } = customer.market;
  // Log-uniform: as many 300-kroner orders as 3000-kroner ones.
  const [low, high] = customer.business ? [1_500, 250_000] : [149, 35_000];
  const totalNok = Math.exp(faker.number.float({ min: Math.log(low), max: Math.log(high) }));
  return Math.round(revenueInLocalCurrency(totalNok, customer.market) * 100);
}

function invoiceFor(customer: CustomerDraft, issuedAt: Date, amountOre: number, clock: Clock, number: string): InvoiceRow {
  const { faker } = customer.market;
  const dueDate = clock.daysAfter(issuedAt, customer.business ? customer.market.paymentTerms.business : customer.market.paymentTerms.private);
  const due = dueDate.getTime() <= clock.now.getTime();
  // Most invoices past their due date are paid; the rest are overdue. Not yet due: often still open.
  const paid = faker.number.float() < (due ? 0.92 : 0.3);
  let paidAt: Date | null = null;
  if (paid) {
    const latest = Math.min(clock.now.getTime(), dueDate.getTime() + 5 * DAY_MS);
    paidAt = new Date(issuedAt.getTime() + faker.number.float() * (latest - issuedAt.getTime()));
  }
  return {
    id: faker.string.uuid(),
    customerId: customer.row.id,
    number,
    amount: oreToDecimal(amountOre),
    currency: customer.market.currency,
    dueDate,
    paidAt,
  };
}

type ProductKey =
  | 'airHeatPump'
  | 'waterHeatPump'
  | 'dishwasher'
  | 'washingMachine'
  | 'fridge'
  | 'laptop'
  | 'macbook'
  | 'television'
  | 'coffeeMachine'
  | 'monitor'
  | 'printer';

// Warranty terms: five years for heat pumps and large appliances (as consumer law expects of
// durable goods), three for business computers, two for the rest.
const PRODUCTS: Record<ProductKey, { years: number; serialPrefix: string; forBusiness: boolean; forPrivate: boolean }> = {
  airHeatPump: { years: 5, serialPrefix: 'ME', forBusiness: true, forPrivate: true },
  waterHeatPump: { years: 5, serialPrefix: 'NB', forBusiness: true, forPrivate: true },
  dishwasher: { years: 5, serialPrefix: 'FD', forBusiness: false, forPrivate: true },
  washingMachine: { years: 5, serialPrefix: 'MI', forBusiness: false, forPrivate: true },
  fridge: { years: 5, serialPrefix: 'SR', forBusiness: false, forPrivate: true },
  laptop: { years: 3, serialPrefix: 'PF', forBusiness: true, forPrivate: true },
  macbook: { years: 2, serialPrefix: 'C02', forBusiness: true, forPrivate: true },
  television: { years: 2, serialPrefix: 'LG', forBusiness: false, forPrivate: true },
  coffeeMachine: { years: 2, serialPrefix: 'TM', forBusiness: true, forPrivate: true },
  monitor: { years: 3, serialPrefix: 'CN', forBusiness: true, forPrivate: false },
  printer: { years: 2, serialPrefix: 'VNB', forBusiness: true, forPrivate: false },
};

const PRODUCT_KEYS = Object.keys(PRODUCTS) as ProductKey[];
const BUSINESS_PRODUCTS = PRODUCT_KEYS.filter((key) => PRODUCTS[key].forBusiness);
const PRIVATE_PRODUCTS = PRODUCT_KEYS.filter((key) => PRODUCTS[key].forPrivate);

function draftWarranties(customer: CustomerDraft, clock: Clock): WarrantyRow[] {
  const { faker } = customer.market;
  if (faker.number.float() >= (customer.business ? 0.5 : 0.35)) return [];
  const count = faker.number.int({ min: 1, max: customer.business ? 3 : 2 });
  const keys = faker.helpers.arrayElements(customer.business ? BUSINESS_PRODUCTS : PRIVATE_PRODUCTS, count);
  return keys.map((key) => {
    const product = PRODUCTS[key];
    // Bought up to six years ago, so some warranties have run out and others have years left.
    const purchasedAt = clock.daysFromNow(-faker.number.float({ min: 10, max: 6 * 365 }));
    return {
      id: faker.string.uuid(),
      customerId: customer.row.id,
      product: customer.market.productNames[key],
      serialNumber: `${product.serialPrefix}${faker.string.alphanumeric({ length: 10 - product.serialPrefix.length, casing: 'upper' })}`,
      expiresAt: clock.daysAfter(purchasedAt, product.years * 365),
    };
  });
}

function trackingNumber(faker: Faker, carrier: Carrier, market: Market): string {
  switch (carrier) {
    case 'Posten':
      return upuS10(faker, 'CC', 'NO');
    case 'PostNord':
      return upuS10(faker, 'CC', market.country);
    case 'Bring':
      // SSCC of the parcel label: 18 digits with a GS1 check digit.
      return gs1WithCheckDigit(`37${faker.string.numeric({ length: 15, allowLeadingZeros: true })}`);
    case 'DHL':
      return faker.string.numeric({ length: 10, allowLeadingZeros: false });
    case 'GLS':
      return faker.string.numeric({ length: 11, allowLeadingZeros: false });
  }
}

/** UPU S10 item id such as CC123456785NO, with its mod-11 check digit. */
function upuS10(faker: Faker, service: string, country: string): string {
  const serial = faker.string.numeric({ length: 8, allowLeadingZeros: true });
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...serial].reduce((total, digit, position) => total + Number(digit) * (weights[position] ?? 0), 0);
  const check = 11 - (sum % 11);
  return `${service}${serial}${check === 10 ? 0 : check === 11 ? 5 : check}${country}`;
}

function gs1WithCheckDigit(digits: string): string {
  const sum = [...digits].reverse().reduce((total, digit, position) => total + Number(digit) * (position % 2 === 0 ? 3 : 1), 0);
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

// ---------------------------------------------------------------------------------------------
// Agents

function addAgents(tenant: DemoTenant, markets: { NO: Market; DK: Market }, passwordHashes: ReadonlyMap<string, string>): void {
  const faker = markets.NO.faker;
  const everyQueue = DEMO_QUEUES.map((queue) => queue.id);
  const hashOf = (plain: string): string => {
    const hash = passwordHashes.get(plain);
    if (hash === undefined) throw new Error(`no password hash given for the demo password "${plain}"`);
    return hash;
  };

  for (const login of DEMO_LOGINS) {
    const agentId = faker.string.uuid();
    tenant.agents.push({
      id: agentId,
      email: login.email,
      name: login.name,
      passwordHash: hashOf(login.password),
      role: login.role,
      languages: ['nb', 'da', 'en'],
      skills: login.role === 'admin' ? {} : { billing: 3, technical: 3, sales: 3 },
      capacityVoice: 1,
      capacityChat: 3,
      capacityEmail: 2,
      capacityFax: 2,
      state: 'offline',
    });
    // The demo agent sits in every queue so that whatever a demo sends can reach it. The
    // supervisor and admin take no work of their own.
    if (login.role === 'agent') {
      for (const queueId of everyQueue) tenant.agentQueues.push({ agentId, queueId });
    }
  }

  const emails = new Set(tenant.agents.map((agent) => agent.email));
  const names = new Set<string>();
  const demoHash = hashOf(DEMO_AGENT_PASSWORD);
  // Round-robin home queues weighted like the traffic: customer service is the largest team.
  const homeQueues = ['support', 'sales', 'support', 'billing', 'support', 'enterprise', 'sales', 'second-line'];
  for (let index = 0; index < GENERATED_AGENTS; index++) {
    const market = index % 3 === 2 ? markets.DK : markets.NO;
    const { faker: local } = market;
    let firstName = '';
    let lastName = '';
    uniqueValue(names, () => {
      firstName = local.person.firstName();
      lastName = local.person.lastName();
      return `${firstName} ${lastName}`;
    });
    const email = uniqueValue(emails, (attempt) => `${slug(firstName)}.${slug(lastName)}${attempt === 0 ? '' : attempt + 1}@demo.test`);

    const homeQueue = homeQueues[index % homeQueues.length] ?? 'support';
    const extraQueues = faker.helpers.arrayElements(
      everyQueue.filter((queueId) => queueId !== homeQueue),
      faker.helpers.weightedArrayElement([
        { weight: 40, value: 0 },
        { weight: 45, value: 1 },
        { weight: 15, value: 2 },
      ]),
    );
    const queueIds = [homeQueue, ...extraQueues];

    const agentId = faker.string.uuid();
    tenant.agents.push({
      id: agentId,
      email,
      name: `${firstName} ${lastName}`,
      passwordHash: demoHash,
      role: 'agent',
      languages: agentLanguages(market),
      skills: agentSkills(faker, queueIds),
      // A few agents work text channels only.
      capacityVoice: faker.number.float() < 0.1 ? 0 : 1,
      capacityChat: faker.number.int({ min: 1, max: 5 }),
      capacityEmail: faker.number.int({ min: 1, max: 4 }),
      capacityFax: queueIds.includes('billing') ? faker.number.int({ min: 1, max: 3 }) : faker.number.int({ min: 0, max: 1 }),
      state: 'offline',
    });
    for (const queueId of queueIds) tenant.agentQueues.push({ agentId, queueId });
  }
}

function agentLanguages(market: Market): string[] {
  const { faker } = market;
  // Scandinavians read each other's language; English is near universal in contact centres.
  const neighbour = faker.number.float() < (market.language === 'nb' ? 0.3 : 0.2);
  const english = faker.number.float() < 0.85;
  const spoken = new Set<string>([market.language]);
  if (neighbour) spoken.add(market.language === 'nb' ? 'da' : 'nb');
  if (english) spoken.add('en');
  return ['nb', 'da', 'en'].filter((language) => spoken.has(language));
}

function agentSkills(faker: Faker, queueIds: string[]): Record<SkillName, number> {
  const trained = new Set(DEMO_QUEUES.filter((queue) => queueIds.includes(queue.id)).map((queue) => queue.skill));
  const level = (skill: SkillName): number => (trained.has(skill) ? faker.number.int({ min: 3, max: 5 }) : faker.number.int({ min: 1, max: 2 }));
  return { billing: level('billing'), technical: level('technical'), sales: level('sales') };
}
