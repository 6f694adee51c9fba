import { describe, expect, it } from 'vitest';
import type { ArticleHit, IntentClassifier, KnowledgeBase, Language, SelfService } from '@sentral/contract';
import { FlowEngine, type EngineSession } from './engine.ts';
import { botFlowSchema, demoBotFlow } from './flow.ts';
import { selfServiceSummary } from '../journey.ts';

const flow = botFlowSchema.parse(demoBotFlow);
const now = () => new Date('2026-03-10T10:00:00Z');

/** The back office stands outside the engine; these questions never reach it. */
const backOffice: SelfService = new Proxy({} as SelfService, {
  get: (_target, name) => () => Promise.reject(new Error(`the back office was asked for ${String(name)}`)),
});

/** A classifier that knows two sentences, sure of one and unsure of the other. */
const classifier: IntentClassifier = {
  async classify(text: string, language: Language) {
    expect(language).toBe('nb');
    if (text.includes('pakken min')) return { intent: 'parcel_tracking', score: 0.93 };
    if (text.includes('kanskje')) return { intent: 'product.stock', score: 0.31 };
    return { intent: null, score: 0 };
  },
};

const article: ArticleHit = { id: 'a1', slug: 'retur', title: 'Slik returnerer du en vare', language: 'nb', snippet: 'Du har 30 dagers åpent kjøp.', url: '/help/nb/retur' };
const knowledge: KnowledgeBase = {
  async search(query: string) {
    return /retur/i.test(query) ? [article] : [];
  },
};

function session(): EngineSession {
  return { v: 1, language: 'nb', awaiting: { kind: 'done' }, identity: null, verifyAttempts: 0, journey: [], misses: 0, lastSeq: 0 };
}

describe('the self-service flow engine', () => {
  it('picks a menu option from a confident intent and asks a claimed customer to verify before tracking', async () => {
    const draft = session();
    const turn = await new FlowEngine(flow, { selfService: backOffice, classifier, now }).begin(draft, { text: 'Hvor er pakken min?', optionId: null });
    expect(turn.said.at(-1)!.text).toContain('kundenummeret eller ordrenummeret');
    expect(draft.awaiting).toEqual({ kind: 'verify-reference', node: 'tracking' });
    expect(draft.journey[0]).toMatchObject({ step: 'intent', data: { option: 'tracking', via: 'intent', intent: 'parcel_tracking', score: '0.93' } });
    expect(turn.said.at(-1)!.options?.map((o) => o.id)).toEqual(['agent']);
  });

  it('does not trust an unsure intent: offers a person first', async () => {
    const draft = session();
    const engine = new FlowEngine(flow, { selfService: backOffice, classifier, now });
    await engine.begin(draft, null);
    const turn = await engine.input(draft, { text: 'kanskje noe med varen', optionId: null });
    expect(turn.outcome).toEqual({ kind: 'continue' });
    expect(turn.said[0]!.text).toContain('ikke sikker');
    expect(turn.said[0]!.options?.[0]).toEqual({ id: 'agent', label: 'Snakke med en person' });
    expect(draft.journey.at(-1)).toMatchObject({ step: 'not-understood' });
  });

  it('works without a classifier by keywords, and answers from the knowledge base with the article linked', async () => {
    const draft = session();
    const engine = new FlowEngine(flow, { selfService: backOffice, knowledge, now });
    await engine.begin(draft, null);
    const byKeyword = await engine.input(draft, { text: 'Har dere den på lager?', optionId: null });
    expect(byKeyword.said.at(-1)!.text).toBe('Skriv varenummeret.');
    await engine.input(draft, { text: 'meny', optionId: 'menu' });
    const answered = await engine.input(draft, { text: 'Hvordan gjør jeg en retur?', optionId: null });
    expect(answered.said[0]).toEqual({ text: 'Slik returnerer du en vare: Du har 30 dagers åpent kjøp.', links: [{ title: article.title, url: article.url }] });
    expect(draft.journey.at(-1)).toMatchObject({ step: 'knowledge', data: { action: 'knowledge', article: 'retur' } });
    expect(selfServiceSummary('chat', draft.journey, 'en')).toBe('Read "Slik returnerer du en vare" in chat');

    const handover = await engine.input(draft, { text: 'Jeg vil snakke med et menneske', optionId: null });
    expect(handover.outcome).toEqual({ kind: 'handover', queue: 'support' });
    expect(draft.awaiting).toEqual({ kind: 'done' });
  });
  it('speaks Danish and English from the same flow', async () => {
    for (const [language, greeting, person, menu] of [
      ['da', 'Hej! Jeg er Nordisk Varmes digitale assistent.', 'Tale med en person', 'Hvad kan jeg hjælpe dig med?'],
      ['en', "Hi! I'm Nordisk Varme's digital assistant.", 'Talk to a person', 'What can I help you with?'],
    ] as const) {
      const draft = { ...session(), language };
      const turn = await new FlowEngine(flow, { selfService: backOffice, now }).begin(draft, null);
      expect(turn.said.map((said) => said.text)).toEqual([greeting, menu]);
      expect(turn.said[1]!.options?.at(-1)).toEqual({ id: 'agent', label: person });
    }
  });
});
