import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languages, type Language } from '@sentral/contract';
import { createIntentClassifier, intents, shippedCorpus, type TrainedIntents } from '../services/hub/src/self-service/intents/classifier.ts';
import { DEMO_ARTICLES } from '../services/hub/src/seed/knowledge-base.ts';

type HeldOut = Record<Language, Record<string, string[]>>;
const heldOut = JSON.parse(readFileSync(new URL('./fixtures/intents-held-out.json', import.meta.url), 'utf8')) as HeldOut & { about: string };
const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').replace(/\s+/g, ' ').trim();
const titlesOf = async (language: Language) => DEMO_ARTICLES.filter((article) => article.language === language).map((article) => article.title);

describe('intent classifier', () => {
  let classifier: TrainedIntents;

  beforeAll(async () => {
    // Trained as the hub trains it: on a worker thread, from the shipped corpus and the demo tenant's article titles.
    classifier = createIntentClassifier({ articleTitles: titlesOf });
    await classifier.warm();
  }, 60_000);
  afterAll(async () => {
    await classifier?.stop();
  });

  it('ships a held-out set of at least 300 texts in nb, da and en that training never sees', () => {
    let total = 0;
    for (const language of languages) {
      const training = new Set(Object.values(shippedCorpus(language)).flat().map(normalise));
      for (const article of DEMO_ARTICLES.filter((candidate) => candidate.language === language)) training.add(normalise(article.title));
      for (const [intent, texts] of Object.entries(heldOut[language])) {
        expect(intents).toContain(intent);
        for (const text of texts) expect(training.has(normalise(text)), `${language} "${text}" is also a training text`).toBe(false);
        total += texts.length;
      }
      expect(Object.keys(heldOut[language]).sort()).toEqual([...intents].sort());
    }
    expect(total).toBeGreaterThanOrEqual(300);
  });

  it('trains off the event loop: the hub thread is held only to import each finished model', () => {
    expect(classifier.training.where).toBe('worker');
    for (const language of languages) expect(classifier.training.blockedMs[language]).toBeLessThan(100);
  });

  it('classifies at least 90 % of the held-out texts correctly (top 1)', async () => {
    const misses: string[] = [];
    let total = 0;
    for (const language of languages) {
      for (const [intent, texts] of Object.entries(heldOut[language])) {
        for (const text of texts) {
          total++;
          const guess = await classifier.classify(text, language);
          if (guess.intent !== intent) misses.push(`${language} "${text}" → ${guess.intent ?? 'null'} ${guess.score.toFixed(2)} (expected ${intent})`);
        }
      }
    }
    const accuracy = 1 - misses.length / total;
    console.log(`intent accuracy: ${total - misses.length}/${total} (${(accuracy * 100).toFixed(1)} %)${misses.length ? `\n  ${misses.join('\n  ')}` : ''}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('reads the examples the bot is built around, and says null for what it does not know', async () => {
    expect((await classifier.classify('hvor er pakken min?', 'nb')).intent).toBe('parcel_tracking');
    expect((await classifier.classify('snakke med en person', 'nb')).intent).toBe('human');
    expect((await classifier.classify('hvornår kommer min pakke', 'da')).intent).toBe('parcel_tracking');
    expect((await classifier.classify('where is my order', 'en')).intent).toBe('order_status');
    for (const nonsense of ['xqzv plokk wemb', '']) expect((await classifier.classify(nonsense, 'nb')).intent).toBeNull();
  });

  it('answers null, without waiting long, while a language is not trained yet', async () => {
    const cold = createIntentClassifier({ readyWaitMs: 0, corpus: () => ({ greeting: ['hei'] }) });
    try {
      expect(await cold.classify('hei', 'nb')).toEqual({ intent: null, score: 0 });
      await cold.warm();
      expect((await cold.classify('hei', 'nb')).intent).toBe('greeting');
    } finally {
      await cold.stop();
    }
  }, 30_000);

  it('trains again, in the background, when article titles change', async () => {
    const titles: string[] = [];
    const classifier = createIntentClassifier({
      inProcess: true,
      refreshDelayMs: 0,
      corpus: () => ({ greeting: ['hei', 'god morgen'], human: ['snakke med en person', 'kan jeg få et menneske'] }),
      articleTitles: async () => [...titles],
    });
    try {
      classifier.refresh(); // before the first training: nothing to do
      await classifier.warm();
      expect((await classifier.classify('gavekort gyldighet', 'nb')).intent).not.toBe('faq');
      titles.push('Gavekort og gyldighet', 'Tilgodelapp og gavekort');
      classifier.refresh();
      await expect.poll(async () => (await classifier.classify('gavekort gyldighet', 'nb')).intent, { timeout: 10_000 }).toBe('faq');
      expect((await classifier.classify('hei', 'nb')).intent).toBe('greeting');
    } finally {
      await classifier.stop();
    }
  }, 30_000);
});
