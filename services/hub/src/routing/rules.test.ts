import { describe, expect, it } from 'vitest';
import { parseRuleSet, planFor, RuleSetError, type ContactFacts } from './rules.ts';

const SENIOR = '6f1c1a52-6a7d-4d4e-9a59-2f5d1d1f0a01';
const known = {
  queues: new Set(['sales', 'enterprise', 'small-business', 'support', 'second-line', 'billing', 'vip', 'overflow']),
  agents: new Set([SENIOR]),
};

/** The domain's rules: leads by company size, value-based support, keywords, escalation, a preferred agent. */
const ruleSet = parseRuleSet(
  {
    defaultQueue: 'support',
    overflow: { 'second-line': { queue: 'overflow', afterSeconds: 300 }, billing: { queue: 'support', afterSeconds: 600 } },
    filters: [
      {
        name: 'Enterprise leads',
        when: { all: [{ attribute: 'journey.menu', op: 'eq', value: 'sales' }, { attribute: 'customer.attributes.users', op: 'gt', value: 50 }] },
        targets: [{ queue: 'enterprise', skills: { sales: 4 }, timeoutSeconds: 30 }, { queue: 'enterprise' }],
      },
      { name: 'Small-business leads', when: { attribute: 'journey.menu', op: 'eq', value: 'sales' }, targets: [{ queue: 'small-business' }] },
      {
        name: 'A customers to seniors first',
        when: { attribute: 'customer.segment', op: 'eq', value: 'A' },
        targets: [
          { queue: 'support', skills: { technical: 4 }, priority: 10, timeoutSeconds: 30 },
          { queue: 'support', priority: 10, timeoutSeconds: 60 },
          { queue: 'vip', priority: 10 },
        ],
      },
      {
        name: 'Invoices',
        when: { any: [{ attribute: 'subject', op: 'containsAny', value: ['faktura', 'invoice'] }, { attribute: 'message', op: 'containsAny', value: ['faktura', 'regning'] }] },
        targets: [{ queue: 'billing', timeoutSeconds: 120 }],
      },
      { name: 'Escalation', when: { attribute: 'customer.openCase', op: 'eq', value: true }, targets: [{ queue: 'support', timeoutSeconds: 60 }, { queue: 'second-line' }] },
      {
        name: 'Danish fax',
        when: { all: [{ attribute: 'channel', op: 'eq', value: 'fax' }, { attribute: 'language', op: 'eq', value: 'da' }] },
        targets: [{ queue: 'billing', preferredAgents: [SENIOR] }],
      },
      { name: 'Replies', when: { attribute: 'subject', op: 'matches', value: '^(re|sv|vs):' }, targets: [{ queue: 'second-line' }] },
      { name: 'Unknown big spender', when: { all: [{ attribute: 'customer.known', op: 'eq', value: false }, { attribute: 'contact.attributes.basket', op: 'gte', value: 10_000 }] }, targets: [{ queue: 'sales', priority: 5 }] },
      { name: 'No credit score', when: { all: [{ attribute: 'customer.known', op: 'eq', value: true }, { attribute: 'customer.creditScore', op: 'missing' }] }, targets: [{ queue: 'billing' }] },
      { name: 'Other languages', when: { all: [{ attribute: 'channel', op: 'eq', value: 'chat' }, { not: { attribute: 'language', op: 'in', value: ['nb', 'da'] } }] }, targets: [{ queue: 'vip' }] },
    ],
  },
  known,
);

function facts(overrides: Partial<ContactFacts> & { customerOverrides?: Partial<NonNullable<ContactFacts['customer']>> | null } = {}): ContactFacts {
  const { customerOverrides, ...rest } = overrides;
  return {
    channel: 'chat',
    language: 'nb',
    queue: 'support',
    subject: null,
    message: 'Hei',
    identification: { method: 'email', confidence: 0.9 },
    customer:
      customerOverrides === null
        ? null
        : { segment: 'B', lifetimeValue: 12_000, creditScore: 640, language: 'nb', openCases: 0, attributes: {}, ...customerOverrides },
    attributes: {},
    journey: [],
    ...rest,
  };
}

const menu = (choice: string) => [{ step: 'menu', result: choice }];
const shape = (plan: ReturnType<typeof planFor>) => ({
  filter: plan.filter,
  steps: plan.steps.map((step) => [step.queue, step.skills, step.timeoutSeconds, step.priority]),
});

describe('the rule-evaluation matrix', () => {
  const cases: Array<[string, ContactFacts, { filter: string | null; steps: unknown[] }]> = [
    [
      'a lead from a company with more than 50 users goes to enterprise sales, best-skilled for 30 s, then anyone there',
      facts({ journey: menu('sales'), customerOverrides: { attributes: { users: 60 } } }),
      { filter: 'Enterprise leads', steps: [['enterprise', { sales: 4 }, 30, 0], ['enterprise', {}, null, 0]] },
    ],
    ['exactly 50 users is a small business', facts({ journey: menu('sales'), customerOverrides: { attributes: { users: 50 } } }), { filter: 'Small-business leads', steps: [['small-business', {}, null, 0]] }],
    ['a user count pushed as text by the back office still compares as a number', facts({ journey: menu('sales'), customerOverrides: { attributes: { users: '120' } } }), { filter: 'Enterprise leads', steps: [['enterprise', { sales: 4 }, 30, 0], ['enterprise', {}, null, 0]] }],
    ['an unknown caller choosing sales is a small-business lead', facts({ journey: menu('sales'), customerOverrides: null }), { filter: 'Small-business leads', steps: [['small-business', {}, null, 0]] }],
    ['the last IVR answer for a step counts', facts({ journey: [...menu('support'), ...menu('sales')], customerOverrides: { attributes: { users: 51 } } }), { filter: 'Enterprise leads', steps: [['enterprise', { sales: 4 }, 30, 0], ['enterprise', {}, null, 0]] }],
    [
      'an A customer goes to senior agents first, then anyone in support, then the VIP overflow, with extra priority',
      facts({ customerOverrides: { segment: 'A' } }),
      { filter: 'A customers to seniors first', steps: [['support', { technical: 4 }, 30, 10], ['support', {}, 60, 10], ['vip', {}, null, 10]] },
    ],
    ['filters are tried in order: an A customer asking for sales is a lead first', facts({ journey: menu('sales'), customerOverrides: { segment: 'A', attributes: { users: 500 } } }), { filter: 'Enterprise leads', steps: [['enterprise', { sales: 4 }, 30, 0], ['enterprise', {}, null, 0]] }],
    ['a B customer with nothing special matches no filter and goes to the default queue', facts(), { filter: null, steps: [['support', {}, null, 0]] }],
    ['an invoice keyword in the subject, in any case', facts({ channel: 'email', subject: 'FAKTURA 10023 er feil' }), { filter: 'Invoices', steps: [['billing', {}, 120, 0], ['support', {}, null, 0]] }],
    ['a keyword only counts as a whole word', facts({ channel: 'email', subject: 'Ny fakturaadresse' }), { filter: null, steps: [['support', {}, null, 0]] }],
    ['an invoice keyword in the first chat message', facts({ message: 'Jeg har fått en regning jeg ikke forstår' }), { filter: 'Invoices', steps: [['billing', {}, 120, 0], ['support', {}, null, 0]] }],
    [
      'a support request with an open case escalates from first to second line, then overflows',
      facts({ customerOverrides: { openCases: 2 } }),
      { filter: 'Escalation', steps: [['support', {}, 60, 0], ['second-line', {}, 300, 0], ['overflow', {}, null, 0]] },
    ],
    ['a Danish fax goes to billing with a preferred agent, then overflows to support', facts({ channel: 'fax', language: 'da' }), { filter: 'Danish fax', steps: [['billing', {}, 600, 0], ['support', {}, null, 0]] }],
    ['a Norwegian fax matches no filter', facts({ channel: 'fax', language: 'nb' }), { filter: null, steps: [['support', {}, null, 0]] }],
    ['a reply keeps going to second line (regular expression on the subject)', facts({ channel: 'email', subject: 'SV: levering' }), { filter: 'Replies', steps: [['second-line', {}, 300, 0], ['overflow', {}, null, 0]] }],
    ['an unknown visitor with a large basket goes to sales with extra priority', facts({ customerOverrides: null, attributes: { basket: 25_000 } }), { filter: 'Unknown big spender', steps: [['sales', {}, null, 5]] }],
    ['a known customer is never an unknown big spender', facts({ attributes: { basket: 25_000 } }), { filter: null, steps: [['support', {}, null, 0]] }],
    ['a known customer without a credit score is checked by billing first', facts({ customerOverrides: { creditScore: null } }), { filter: 'No credit score', steps: [['billing', {}, 600, 0], ['support', {}, null, 0]] }],
    ['an English chat goes to the VIP desk (not: in)', facts({ language: 'en' }), { filter: 'Other languages', steps: [['vip', {}, null, 0]] }],
    ['a chat with no language given counts as not nb/da', facts({ language: null }), { filter: 'Other languages', steps: [['vip', {}, null, 0]] }],
    ['an English email is not a chat', facts({ channel: 'email', language: 'en' }), { filter: null, steps: [['support', {}, null, 0]] }],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(shape(planFor(ruleSet, input))).toEqual(expected);
  });

  it('keeps the preferred agents of a target in the plan', () => {
    expect(planFor(ruleSet, facts({ channel: 'fax', language: 'da' })).steps[0]!.preferredAgents).toEqual([SENIOR]);
  });

  it('without a default queue, a contact that matches nothing stays in the queue it arrived for', () => {
    const plain = parseRuleSet({ filters: [] }, known);
    expect(shape(planFor(plain, facts({ queue: 'billing' })))).toEqual({ filter: null, steps: [['billing', {}, null, 0]] });
  });

  it('says where each step came from', () => {
    const plan = planFor(ruleSet, facts({ customerOverrides: { openCases: 1 } }));
    expect(plan.steps.map((step) => step.via)).toEqual(['filter "Escalation", target 1', 'filter "Escalation", target 2', 'overflow from second-line']);
  });
});

describe('a rule set that cannot take effect', () => {
  const problem = (raw: unknown) => {
    try {
      parseRuleSet(raw, known);
    } catch (error) {
      if (error instanceof RuleSetError) return error.message;
      throw error;
    }
    throw new Error('the rule set was accepted');
  };
  const filter = (when: unknown, targets: unknown = [{ queue: 'support' }]) => ({ filters: [{ name: 'f', when, targets }] });

  it('names an unknown queue in a target, the default and the overflow', () => {
    expect(problem(filter({ attribute: 'channel', op: 'eq', value: 'chat' }, [{ queue: 'nowhere' }]))).toBe('filters[0].targets[0].queue: unknown queue "nowhere"');
    expect(problem({ filters: [], defaultQueue: 'gone' })).toBe('defaultQueue: unknown queue "gone"');
    expect(problem({ filters: [], overflow: { support: { queue: 'gone', afterSeconds: 10 } } })).toBe('overflow.support.queue: unknown queue "gone"');
  });

  it('names an unknown attribute', () => {
    expect(problem(filter({ attribute: 'customer.shoeSize', op: 'gt', value: 44 }))).toMatch(/^filters\[0\]\.when\.attribute: unknown attribute "customer\.shoeSize"/);
    expect(problem(filter({ all: [{ attribute: 'channel', op: 'eq', value: 'chat' }, { attribute: 'weather', op: 'exists' }] }))).toMatch(/^filters\[0\]\.when\.all\[1\]\.attribute: unknown attribute "weather"/);
  });

  it('names a malformed condition', () => {
    expect(problem(filter({ attribute: 'channel', op: 'greater', value: 1 }))).toMatch(/^filters\[0\]\.when\.op: malformed condition: unknown operator "greater"/);
    expect(problem(filter({ all: [] }))).toBe('filters[0].when.all: malformed condition: must be a non-empty list of conditions');
    expect(problem(filter({ attribute: 'channel', op: 'eq', value: 'chat', any: [] }))).toBe('filters[0].when: malformed condition: expected exactly one of all, any, not or attribute');
    expect(problem(filter({ attribute: 'customer.lifetimeValue', op: 'gt', value: 'lots' }))).toBe('filters[0].when.value: malformed condition: gt needs a number');
    expect(problem(filter({ attribute: 'subject', op: 'matches', value: '(' }))).toBe('filters[0].when.value: malformed condition: not a valid regular expression: (');
    expect(problem(filter({ attribute: 'channel', op: 'eq', value: 'sms' }))).toBe('filters[0].when.value: "sms" is not a possible channel (one of voice, chat, email, fax)');
    expect(problem({ filters: [{ name: 'f', targets: [{ queue: 'support' }] }] })).toBe('filters[0].when: malformed condition: missing');
  });

  it('names an overflow cycle', () => {
    const overflow = { sales: { queue: 'support', afterSeconds: 60 }, support: { queue: 'second-line', afterSeconds: 60 }, 'second-line': { queue: 'sales', afterSeconds: 60 } };
    expect(problem({ filters: [], overflow })).toBe('overflow: overflow cycle: sales → support → second-line → sales');
    expect(problem({ filters: [], overflow: { vip: { queue: 'vip', afterSeconds: 5 } } })).toBe('overflow: overflow cycle: vip → vip');
  });

  it('refuses targets after one that waits forever, unknown agents and skill levels out of range', () => {
    expect(problem(filter({ attribute: 'channel', op: 'exists' }, [{ queue: 'support' }, { queue: 'vip' }]))).toMatch(/^filters\[0\]\.targets\[0\]\.timeoutSeconds: only the last target/);
    expect(problem(filter({ attribute: 'channel', op: 'exists' }, [{ queue: 'support', preferredAgents: ['00000000-0000-4000-8000-000000000000'] }]))).toBe(
      'filters[0].targets[0].preferredAgents[0]: unknown agent "00000000-0000-4000-8000-000000000000"',
    );
    expect(problem(filter({ attribute: 'channel', op: 'exists' }, [{ queue: 'support', skills: { sales: 9 } }]))).toBe('filters[0].targets[0].skills.sales: must be a whole number from 1 to 5');
  });

  it('takes a language rule per target and refuses an unknown one', () => {
    const strict = parseRuleSet(filter({ attribute: 'language', op: 'eq', value: 'da' }, [{ queue: 'support', language: 'required' }]), known);
    expect(planFor(strict, facts({ language: 'da' })).steps[0]).toMatchObject({ queue: 'support', language: 'required' });
    expect(problem(filter({ attribute: 'channel', op: 'exists' }, [{ queue: 'support', language: 'always' }]))).toBe(
      "filters[0].targets[0].language: must be one of preferred, required (the contact's language is preferred when absent)",
    );
  });

  it('refuses a target whose queue cannot take the only channels its filter matches, and lets uncertain ones through', () => {
    const queueChannels = new Map<string, Array<'voice' | 'chat' | 'email' | 'fax'>>([
      ['support', ['voice', 'chat', 'email']],
      ['billing', ['email', 'fax']],
      ['vip', ['voice']],
    ]);
    const withChannels = { ...known, queueChannels };
    const refused = (raw: unknown) => {
      try {
        parseRuleSet(raw, withChannels);
      } catch (error) {
        if (error instanceof RuleSetError) return error.message;
        throw error;
      }
      return null;
    };
    expect(refused(filter({ attribute: 'channel', op: 'eq', value: 'chat' }, [{ queue: 'support', timeoutSeconds: 30 }, { queue: 'billing' }]))).toBe(
      'filters[0].targets[1].queue: queue "billing" does not take chat (it takes email, fax), and filter "f" matches only chat',
    );
    expect(refused(filter({ all: [{ attribute: 'channel', op: 'in', value: ['chat', 'voice'] }, { attribute: 'language', op: 'eq', value: 'da' }] }, [{ queue: 'billing' }]))).toMatch(
      /^filters\[0\]\.targets\[0\]\.queue: queue "billing" does not take voice or chat/,
    );
    expect(refused(filter({ not: { attribute: 'channel', op: 'ne', value: 'voice' } }, [{ queue: 'billing' }]))).toMatch(/does not take voice/);
    // Not certain: the filter matches email too, or says nothing about the channel.
    expect(refused(filter({ attribute: 'channel', op: 'in', value: ['chat', 'email'] }, [{ queue: 'billing' }]))).toBeNull();
    expect(refused(filter({ attribute: 'language', op: 'eq', value: 'da' }, [{ queue: 'vip' }]))).toBeNull();
    expect(refused(filter({ any: [{ attribute: 'channel', op: 'eq', value: 'chat' }, { attribute: 'subject', op: 'exists' }] }, [{ queue: 'vip' }]))).toBeNull();
  });

  it('refuses two filters with one name and fields it does not know', () => {
    const twice = { name: 'same', when: { attribute: 'channel', op: 'exists' }, targets: [{ queue: 'support' }] };
    expect(problem({ filters: [twice, twice] })).toBe('filters[1].name: another filter is already called "same"');
    expect(problem({ filters: [], colour: 'blue' })).toMatch(/^rules: unknown field "colour"/);
  });
});
