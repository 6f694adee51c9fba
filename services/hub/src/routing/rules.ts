import { channels, identificationMethods, segments, type Channel } from '@sentral/contract';

/**
 * Routing rules as data. A rule set is an ordered list of filters; the first filter whose
 * condition matches a contact gives its targets, tried in order: each target waits up to its
 * timeout for an agent to accept, then the contact moves on to the next (and finally along the
 * queue's overflow chain). Everything here is pure: the store validates references against the
 * database, the planner gathers the facts.
 */

export const conditionOps = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'containsAny', 'matches', 'exists', 'missing'] as const;
export type ConditionOp = (typeof conditionOps)[number];

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { attribute: string; op: ConditionOp; value?: unknown };

export interface Target {
  queue: string;
  /** Required skills with minimum levels (1–5). */
  skills?: Record<string, number>;
  /** Agents offered the contact first when free, in this order. */
  preferredAgents?: string[];
  /** Added to the priority the customer's segment gives. */
  priority?: number;
  /** How long this target waits for an accepted offer before the next one; absent on the last: no limit. */
  timeoutSeconds?: number;
  /** The contact's language: preferred (default: a free agent speaking it goes first) or required (only speakers). */
  language?: LanguageRule;
}

export const languageRules = ['preferred', 'required'] as const;
export type LanguageRule = (typeof languageRules)[number];

export interface Filter {
  name: string;
  when: Condition;
  targets: Target[];
}

export interface RoutingSettings {
  /** How far back the customer's last agent is offered the contact first; 0 turns it off. */
  stickyWindowHours: number;
  /** Offers an agent lets run out in a row before they are set away. */
  missedOffersBeforeAway: number;
  /** While an agent has a call, they get no chats, emails or faxes. */
  voiceBlocksOtherChannels: boolean;
}

export interface RuleSet {
  filters: Filter[];
  /** Where a contact that matches no filter goes; absent: the queue it arrived for. */
  defaultQueue?: string;
  /** After the last target of a plan in queue X times out, it continues in overflow[X].queue. */
  overflow: Record<string, { queue: string; afterSeconds: number }>;
  settings: RoutingSettings;
}

export const defaultSettings: RoutingSettings = Object.freeze({ stickyWindowHours: 168, missedOffersBeforeAway: 3, voiceBlocksOtherChannels: false });
export const emptyRuleSet: RuleSet = Object.freeze({ filters: [], overflow: {}, settings: defaultSettings });

/** One step of a contact's plan: a target with everything filled in, and where it came from. */
export interface PlanStep {
  queue: string;
  skills: Record<string, number>;
  preferredAgents: string[];
  /** Set for a transfer to one agent: nobody else is offered the contact in this step. */
  agent: string | null;
  priority: number;
  timeoutSeconds: number | null;
  /** Absent in plans stored before languages counted: preferred. */
  language?: LanguageRule;
  via: string;
}

// ---- facts --------------------------------------------------------------------------------

/** What a condition can read about a contact and its customer. */
export interface ContactFacts {
  channel: Channel;
  language: string | null;
  /** The queue the contact arrived for (an IVR menu choice, the chat widget's queue). */
  queue: string;
  subject: string | null;
  /** The customer's first message (chat, email body, fax cover text). */
  message: string | null;
  identification: { method: string; confidence: number };
  customer: null | {
    segment: string;
    lifetimeValue: number;
    creditScore: number | null;
    language: string;
    /** Other contacts of this customer still open on any channel. */
    openCases: number;
    /** Back-office facts pushed through POST /api/customers or seeded (e.g. users). */
    attributes: Record<string, unknown>;
    /**
     * The customer's self-service of the last days (IVR, bot), this contact included: the outcome of
     * the latest attempt per action, e.g. `{ payment: 'failed', 'order-status': 'succeeded' }`.
     */
    recentSelfService?: Record<string, string>;
  };
  attributes: Record<string, unknown>;
  journey: Array<{ step: string; result: string }>;
}

type AttributeType = 'string' | 'number' | 'boolean' | 'any';
interface AttributeSpec {
  type: AttributeType;
  values?: readonly string[];
  read(facts: ContactFacts): unknown;
}

const fixedAttributes: Record<string, AttributeSpec> = {
  channel: { type: 'string', values: channels, read: (f) => f.channel },
  language: { type: 'string', read: (f) => f.language },
  queue: { type: 'string', read: (f) => f.queue },
  subject: { type: 'string', read: (f) => f.subject },
  message: { type: 'string', read: (f) => f.message },
  'identification.method': { type: 'string', values: identificationMethods, read: (f) => f.identification.method },
  'identification.confidence': { type: 'number', read: (f) => f.identification.confidence },
  'customer.known': { type: 'boolean', read: (f) => f.customer !== null },
  'customer.segment': { type: 'string', values: segments, read: (f) => f.customer?.segment ?? null },
  'customer.lifetimeValue': { type: 'number', read: (f) => f.customer?.lifetimeValue ?? null },
  'customer.creditScore': { type: 'number', read: (f) => f.customer?.creditScore ?? null },
  'customer.language': { type: 'string', read: (f) => f.customer?.language ?? null },
  'customer.openCase': { type: 'boolean', read: (f) => (f.customer ? f.customer.openCases > 0 : null) },
  'customer.openCases': { type: 'number', read: (f) => f.customer?.openCases ?? null },
};

/** Attribute families whose names are open: back-office facts, channel details, IVR/bot steps. */
const openAttributes: Array<{ prefix: string; read(facts: ContactFacts, name: string): unknown }> = [
  { prefix: 'customer.attributes.', read: (f, name) => (f.customer ? ownValue(f.customer.attributes, name) : null) },
  { prefix: 'contact.attributes.', read: (f, name) => ownValue(f.attributes, name) },
  { prefix: 'customer.recentSelfService.', read: (f, name) => (f.customer?.recentSelfService ? ownValue(f.customer.recentSelfService, name) : null) },
  { prefix: 'journey.', read: (f, name) => [...f.journey].reverse().find((step) => step.step === name)?.result ?? null },
];

const KEY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_ .:-]{0,99}$/;

export const knownAttributes = [...Object.keys(fixedAttributes), ...openAttributes.map((family) => `${family.prefix}<name>`)];

/** A named entry of a plain object, never something inherited from Object.prototype ("constructor"). */
function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function attributeSpec(name: string): AttributeSpec | null {
  const fixed = ownValue(fixedAttributes, name);
  if (fixed) return fixed;
  for (const family of openAttributes) {
    if (name.startsWith(family.prefix) && KEY_NAME.test(name.slice(family.prefix.length))) {
      const key = name.slice(family.prefix.length);
      return { type: 'any', read: (facts) => family.read(facts, key) };
    }
  }
  return null;
}

// ---- validation ---------------------------------------------------------------------------

/** A rule set that cannot take effect; `path` names the offending part, e.g. filters[2].targets[0].queue. */
export class RuleSetError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'RuleSetError';
  }
}

export interface KnownReferences {
  queues: ReadonlySet<string>;
  agents: ReadonlySet<string>;
  /** The channels each queue takes; when given, a target that can never take what its filter matches is refused. */
  queueChannels?: ReadonlyMap<string, readonly Channel[]>;
}

/**
 * The channels a contact matching `condition` can be on, when the condition says so for certain
 * (`exact`: the condition is nothing but a channel test, so its negation is known too).
 */
function channelsOf(condition: Condition): { channels: ReadonlySet<Channel>; exact: boolean } {
  const every = { channels: new Set<Channel>(channels), exact: false };
  if ('all' in condition) {
    const parts = condition.all.map(channelsOf);
    return { channels: new Set(channels.filter((channel) => parts.every((part) => part.channels.has(channel)))), exact: parts.every((part) => part.exact) };
  }
  if ('any' in condition) {
    const parts = condition.any.map(channelsOf);
    return { channels: new Set(channels.filter((channel) => parts.some((part) => part.channels.has(channel)))), exact: parts.every((part) => part.exact) };
  }
  if ('not' in condition) {
    const inner = channelsOf(condition.not);
    return inner.exact ? { channels: new Set(channels.filter((channel) => !inner.channels.has(channel))), exact: true } : every;
  }
  if (condition.attribute !== 'channel') return every;
  const listed = (condition.op === 'eq' || condition.op === 'ne' ? [condition.value] : Array.isArray(condition.value) ? condition.value : []).map((value) => String(value).toLowerCase());
  switch (condition.op) {
    case 'eq':
    case 'in':
      return { channels: new Set(channels.filter((channel) => listed.includes(channel))), exact: true };
    case 'ne':
    case 'notIn':
      return { channels: new Set(channels.filter((channel) => !listed.includes(channel))), exact: true };
    default:
      return every;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function onlyKeys(value: Record<string, unknown>, allowed: string[], path: string): void {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw new RuleSetError(path, `unknown field "${extra}" (allowed: ${allowed.join(', ')})`);
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RuleSetError(path, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseCondition(raw: unknown, path: string, depth = 0): Condition {
  if (depth > 20) throw new RuleSetError(path, 'malformed condition: nested too deeply');
  if (!isObject(raw)) throw new RuleSetError(path, 'malformed condition: expected an object with all, any, not or attribute');
  const kinds = ['all', 'any', 'not', 'attribute'].filter((key) => key in raw);
  if (kinds.length !== 1) throw new RuleSetError(path, 'malformed condition: expected exactly one of all, any, not or attribute');
  const kind = kinds[0]!;
  if (kind === 'all' || kind === 'any') {
    onlyKeys(raw, [kind], path);
    const list = raw[kind];
    if (!Array.isArray(list) || list.length === 0) throw new RuleSetError(`${path}.${kind}`, 'malformed condition: must be a non-empty list of conditions');
    const parsed = list.map((item, i) => parseCondition(item, `${path}.${kind}[${i}]`, depth + 1));
    return kind === 'all' ? { all: parsed } : { any: parsed };
  }
  if (kind === 'not') {
    onlyKeys(raw, ['not'], path);
    return { not: parseCondition(raw['not'], `${path}.not`, depth + 1) };
  }
  onlyKeys(raw, ['attribute', 'op', 'value'], path);
  const attribute = raw['attribute'];
  if (typeof attribute !== 'string') throw new RuleSetError(`${path}.attribute`, 'malformed condition: must be a string');
  const spec = attributeSpec(attribute);
  if (!spec) throw new RuleSetError(`${path}.attribute`, `unknown attribute "${attribute}" (known: ${knownAttributes.join(', ')})`);
  const op = raw['op'];
  if (typeof op !== 'string' || !(conditionOps as readonly string[]).includes(op)) {
    throw new RuleSetError(`${path}.op`, `malformed condition: unknown operator ${JSON.stringify(op)} (known: ${conditionOps.join(', ')})`);
  }
  const value = raw['value'];
  checkOperand(spec, attribute, op as ConditionOp, value, 'value' in raw, `${path}.value`);
  return 'value' in raw ? { attribute, op: op as ConditionOp, value } : { attribute, op: op as ConditionOp };
}

function checkOperand(spec: AttributeSpec, attribute: string, op: ConditionOp, value: unknown, present: boolean, path: string): void {
  const malformed = (problem: string) => new RuleSetError(path, `malformed condition: ${problem}`);
  const member = (candidate: unknown) => {
    if (spec.values && !spec.values.includes(String(candidate))) {
      throw new RuleSetError(path, `"${String(candidate)}" is not a possible ${attribute} (one of ${spec.values.join(', ')})`);
    }
    if (spec.type === 'number' && typeof candidate !== 'number') throw malformed(`${attribute} is a number`);
    if (spec.type === 'boolean' && typeof candidate !== 'boolean') throw malformed(`${attribute} is true or false`);
  };
  switch (op) {
    case 'exists':
    case 'missing':
      if (present) throw malformed(`${op} takes no value`);
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (spec.type !== 'number' && spec.type !== 'any') throw malformed(`${op} compares numbers, and ${attribute} is not one`);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(`${op} needs a number`);
      return;
    case 'eq':
    case 'ne':
      if (!isScalar(value)) throw malformed(`${op} needs a string, number or boolean`);
      member(value);
      return;
    case 'in':
    case 'notIn':
      if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) throw malformed(`${op} needs a non-empty list of values`);
      value.forEach(member);
      return;
    case 'contains':
      if (spec.type !== 'string' && spec.type !== 'any') throw malformed(`contains reads text, and ${attribute} is not text`);
      if (typeof value !== 'string' || value.length === 0) throw malformed('contains needs a non-empty string');
      return;
    case 'containsAny':
      if (spec.type !== 'string' && spec.type !== 'any') throw malformed(`containsAny reads text, and ${attribute} is not text`);
      if (!Array.isArray(value) || value.length === 0 || !value.every((word) => typeof word === 'string' && word.trim().length > 0)) {
        throw malformed('containsAny needs a non-empty list of words');
      }
      return;
    case 'matches':
      if (spec.type !== 'string' && spec.type !== 'any') throw malformed(`matches reads text, and ${attribute} is not text`);
      if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw malformed('matches needs a regular expression of at most 200 characters');
      try {
        new RegExp(value, 'iu');
      } catch {
        throw malformed(`not a valid regular expression: ${value}`);
      }
      return;
  }
}

function parseTarget(raw: unknown, path: string, known: KnownReferences): Target {
  if (!isObject(raw)) throw new RuleSetError(path, 'must be an object with a queue');
  onlyKeys(raw, ['queue', 'skills', 'preferredAgents', 'priority', 'timeoutSeconds', 'language'], path);
  const queue = raw['queue'];
  if (typeof queue !== 'string') throw new RuleSetError(`${path}.queue`, 'must be a queue id');
  if (!known.queues.has(queue)) throw new RuleSetError(`${path}.queue`, `unknown queue "${queue}"`);
  const target: Target = { queue };
  if (raw['skills'] !== undefined) {
    if (!isObject(raw['skills'])) throw new RuleSetError(`${path}.skills`, 'must map skill names to minimum levels');
    const skills: Record<string, number> = {};
    for (const [name, level] of Object.entries(raw['skills'])) {
      if (!/^[A-Za-z0-9_-]{1,50}$/.test(name)) throw new RuleSetError(`${path}.skills`, `"${name}" is not a skill name (letters, digits, _ and -)`);
      skills[name] = integer(level, `${path}.skills.${name}`, 1, 5);
    }
    target.skills = skills;
  }
  if (raw['preferredAgents'] !== undefined) {
    const agents = raw['preferredAgents'];
    if (!Array.isArray(agents) || agents.length > 20) throw new RuleSetError(`${path}.preferredAgents`, 'must be a list of at most 20 agent ids');
    agents.forEach((agent, i) => {
      if (typeof agent !== 'string' || !UUID.test(agent)) throw new RuleSetError(`${path}.preferredAgents[${i}]`, 'must be an agent id (UUID)');
      if (!known.agents.has(agent.toLowerCase())) throw new RuleSetError(`${path}.preferredAgents[${i}]`, `unknown agent "${agent}"`);
    });
    target.preferredAgents = (agents as string[]).map((agent) => agent.toLowerCase());
  }
  if (raw['priority'] !== undefined) target.priority = integer(raw['priority'], `${path}.priority`, -1000, 1000);
  if (raw['timeoutSeconds'] !== undefined) target.timeoutSeconds = integer(raw['timeoutSeconds'], `${path}.timeoutSeconds`, 1, 86_400);
  if (raw['language'] !== undefined) {
    const language = raw['language'];
    if (typeof language !== 'string' || !(languageRules as readonly string[]).includes(language)) {
      throw new RuleSetError(`${path}.language`, `must be one of ${languageRules.join(', ')} (the contact's language is preferred when absent)`);
    }
    target.language = language as LanguageRule;
  }
  return target;
}

/** Agent ids a raw rule set refers to, so the caller can look exactly those up before validating. */
export function referencedAgents(raw: unknown): string[] {
  const found = new Set<string>();
  const filters = isObject(raw) && Array.isArray(raw['filters']) ? raw['filters'] : [];
  for (const filter of filters) {
    const targets = isObject(filter) && Array.isArray(filter['targets']) ? filter['targets'] : [];
    for (const target of targets) {
      const agents = isObject(target) && Array.isArray(target['preferredAgents']) ? target['preferredAgents'] : [];
      for (const agent of agents) if (typeof agent === 'string' && UUID.test(agent)) found.add(agent.toLowerCase());
    }
  }
  return [...found];
}

/**
 * Checks a whole rule set and returns it normalised, or throws a RuleSetError naming the first
 * problem. Nothing of a rejected set is used: the caller stores a set only once this returns.
 */
export function parseRuleSet(raw: unknown, known: KnownReferences): RuleSet {
  if (!isObject(raw)) throw new RuleSetError('rules', 'must be an object with filters');
  onlyKeys(raw, ['filters', 'defaultQueue', 'overflow', 'settings'], 'rules');
  const rawFilters = raw['filters'];
  if (!Array.isArray(rawFilters) || rawFilters.length > 500) throw new RuleSetError('filters', 'must be a list of at most 500 filters');
  const names = new Set<string>();
  const filters = rawFilters.map((rawFilter, i): Filter => {
    const path = `filters[${i}]`;
    if (!isObject(rawFilter)) throw new RuleSetError(path, 'must be an object with name, when and targets');
    onlyKeys(rawFilter, ['name', 'when', 'targets'], path);
    const name = rawFilter['name'];
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 100) throw new RuleSetError(`${path}.name`, 'must be a name of 1 to 100 characters');
    if (names.has(name)) throw new RuleSetError(`${path}.name`, `another filter is already called "${name}"`);
    names.add(name);
    if (!('when' in rawFilter)) throw new RuleSetError(`${path}.when`, 'malformed condition: missing');
    const when = parseCondition(rawFilter['when'], `${path}.when`);
    const rawTargets = rawFilter['targets'];
    if (!Array.isArray(rawTargets) || rawTargets.length === 0 || rawTargets.length > 10) {
      throw new RuleSetError(`${path}.targets`, 'must be a list of 1 to 10 targets');
    }
    const targets = rawTargets.map((target, t) => parseTarget(target, `${path}.targets[${t}]`, known));
    if (known.queueChannels) {
      // Refused only where the filter makes it certain; otherwise the planner skips the target and says so in the trace.
      const matched = [...channelsOf(when).channels];
      targets.forEach((target, t) => {
        const takes = known.queueChannels!.get(target.queue) ?? [];
        if (matched.length > 0 && !matched.some((channel) => takes.includes(channel))) {
          throw new RuleSetError(
            `${path}.targets[${t}].queue`,
            `queue "${target.queue}" does not take ${matched.join(' or ')} (it takes ${takes.join(', ') || 'no channel'}), and filter "${name}" matches only ${matched.join(', ')}`,
          );
        }
      });
    }
    targets.slice(0, -1).forEach((target, t) => {
      if (target.timeoutSeconds === undefined) {
        throw new RuleSetError(`${path}.targets[${t}].timeoutSeconds`, 'only the last target may wait without a timeout (the ones after it could never be reached)');
      }
    });
    return { name, when, targets };
  });

  const ruleSet: RuleSet = { filters, overflow: {}, settings: { ...defaultSettings } };
  if (raw['defaultQueue'] !== undefined) {
    const queue = raw['defaultQueue'];
    if (typeof queue !== 'string' || !known.queues.has(queue)) throw new RuleSetError('defaultQueue', `unknown queue ${JSON.stringify(queue)}`);
    ruleSet.defaultQueue = queue;
  }
  if (raw['overflow'] !== undefined) {
    if (!isObject(raw['overflow'])) throw new RuleSetError('overflow', 'must map a queue id to {"queue","afterSeconds"}');
    for (const [from, rawRule] of Object.entries(raw['overflow'])) {
      const path = `overflow.${from}`;
      if (!known.queues.has(from)) throw new RuleSetError(path, `unknown queue "${from}"`);
      if (!isObject(rawRule)) throw new RuleSetError(path, 'must be {"queue","afterSeconds"}');
      onlyKeys(rawRule, ['queue', 'afterSeconds'], path);
      const to = rawRule['queue'];
      if (typeof to !== 'string' || !known.queues.has(to)) throw new RuleSetError(`${path}.queue`, `unknown queue ${JSON.stringify(to)}`);
      ruleSet.overflow[from] = { queue: to, afterSeconds: integer(rawRule['afterSeconds'], `${path}.afterSeconds`, 1, 86_400) };
    }
    const cycle = overflowCycle(ruleSet.overflow);
    if (cycle) throw new RuleSetError('overflow', `overflow cycle: ${cycle.join(' → ')}`);
  }
  if (raw['settings'] !== undefined) {
    const settings = raw['settings'];
    if (!isObject(settings)) throw new RuleSetError('settings', 'must be an object');
    onlyKeys(settings, Object.keys(defaultSettings), 'settings');
    if (settings['stickyWindowHours'] !== undefined) ruleSet.settings.stickyWindowHours = integer(settings['stickyWindowHours'], 'settings.stickyWindowHours', 0, 8_760);
    if (settings['missedOffersBeforeAway'] !== undefined) {
      ruleSet.settings.missedOffersBeforeAway = integer(settings['missedOffersBeforeAway'], 'settings.missedOffersBeforeAway', 1, 100);
    }
    if (settings['voiceBlocksOtherChannels'] !== undefined) {
      if (typeof settings['voiceBlocksOtherChannels'] !== 'boolean') throw new RuleSetError('settings.voiceBlocksOtherChannels', 'must be true or false');
      ruleSet.settings.voiceBlocksOtherChannels = settings['voiceBlocksOtherChannels'];
    }
  }
  return ruleSet;
}

/** The first chain that comes back to a queue it passed, e.g. [sales, support, sales]. */
export function overflowCycle(overflow: RuleSet['overflow']): string[] | null {
  for (const start of Object.keys(overflow).sort()) {
    const seen = [start];
    let at = ownValue(overflow, start)?.queue;
    while (at !== undefined) {
      if (seen.includes(at)) return [...seen.slice(seen.indexOf(at)), at];
      seen.push(at);
      at = ownValue(overflow, at)?.queue;
    }
  }
  return null;
}

// ---- evaluation ---------------------------------------------------------------------------

/** Patterns and keywords look at the start of a text only: enough to route by, and it bounds the work. */
const MAX_MATCHED_TEXT = 2_000;

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let compiled = regexCache.get(source);
  if (!compiled) {
    compiled = new RegExp(source, 'iu');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, compiled);
  }
  return compiled;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A keyword matches as a whole word, in any case, in Norwegian and Danish text too. */
const wordPattern = (word: string) => `(?<![\\p{L}\\p{N}])${escapeRegex(word.trim())}(?![\\p{L}\\p{N}])`;

function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function same(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof expected === 'number') return numeric(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return false;
}

export function evaluate(condition: Condition, facts: ContactFacts): boolean {
  if ('all' in condition) return condition.all.every((part) => evaluate(part, facts));
  if ('any' in condition) return condition.any.some((part) => evaluate(part, facts));
  if ('not' in condition) return !evaluate(condition.not, facts);
  const actual = attributeSpec(condition.attribute)?.read(facts);
  const present = actual !== null && actual !== undefined && actual !== '';
  const { value } = condition;
  switch (condition.op) {
    case 'exists':
      return present;
    case 'missing':
      return !present;
    case 'eq':
      return present && same(actual, value);
    case 'ne':
      return !present || !same(actual, value);
    case 'in':
      return present && (value as unknown[]).some((candidate) => same(actual, candidate));
    case 'notIn':
      return !present || !(value as unknown[]).some((candidate) => same(actual, candidate));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const number = numeric(actual);
      if (number === null) return false;
      const limit = value as number;
      return condition.op === 'gt' ? number > limit : condition.op === 'gte' ? number >= limit : condition.op === 'lt' ? number < limit : number <= limit;
    }
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => same(item, value));
      return typeof actual === 'string' && actual.toLowerCase().includes(String(value).toLowerCase());
    case 'containsAny': {
      const words = value as string[];
      if (Array.isArray(actual)) return actual.some((item) => words.some((word) => same(item, word)));
      return typeof actual === 'string' && words.some((word) => regex(wordPattern(word)).test(actual.slice(0, MAX_MATCHED_TEXT)));
    }
    case 'matches':
      return typeof actual === 'string' && regex(value as string).test(actual.slice(0, MAX_MATCHED_TEXT));
  }
}

/** The plan a contact gets: its first matching filter's targets (or the default), then overflow. */
export function planFor(ruleSet: RuleSet, facts: ContactFacts): { filter: string | null; steps: PlanStep[] } {
  const filter = ruleSet.filters.find((candidate) => evaluate(candidate.when, facts)) ?? null;
  const steps: PlanStep[] = filter
    ? filter.targets.map((target, i) => ({
        queue: target.queue,
        skills: { ...target.skills },
        preferredAgents: [...(target.preferredAgents ?? [])],
        agent: null,
        priority: target.priority ?? 0,
        timeoutSeconds: target.timeoutSeconds ?? null,
        ...(target.language ? { language: target.language } : {}),
        via: `filter "${filter.name}", target ${i + 1}`,
      }))
    : [plainStep(ruleSet.defaultQueue ?? facts.queue, ruleSet.defaultQueue ? 'default queue (no filter matched)' : 'the queue it arrived for (no filter matched)')];
  return { filter: filter?.name ?? null, steps: withOverflow(steps, ruleSet.overflow) };
}

export function plainStep(queue: string, via: string, priority = 0): PlanStep {
  return { queue, skills: {}, preferredAgents: [], agent: null, priority, timeoutSeconds: null, via };
}

/** Appends the overflow chain of the last step's queue; the last step then waits `afterSeconds`. */
export function withOverflow(steps: PlanStep[], overflow: RuleSet['overflow']): PlanStep[] {
  const result = steps.map((step) => ({ ...step }));
  const visited = new Set(result.map((step) => step.queue));
  for (;;) {
    const last = result[result.length - 1]!;
    const next = ownValue(overflow, last.queue);
    if (!next || visited.has(next.queue)) return result;
    visited.add(next.queue);
    if (last.timeoutSeconds === null) last.timeoutSeconds = next.afterSeconds;
    result.push(plainStep(next.queue, `overflow from ${last.queue}`, last.priority));
  }
}
