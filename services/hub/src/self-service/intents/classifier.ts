import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Nlp } from '@nlpjs/nlp';
import { languages, type IntentClassifier, type IntentGuess, type Language } from '@sentral/contract';
import { emptyModel, localeOf, trainModel, type TrainingDocument } from './model.ts';

/** The intents the bot acts on; `faq` means "answer from the knowledge base". */
export const intents = [
  'order_status',
  'parcel_tracking',
  'invoice_balance',
  'invoice_due',
  'stock_check',
  'delivery_estimate',
  'human',
  'greeting',
  'thanks',
  'goodbye',
  'faq',
] as const;
export type Intent = (typeof intents)[number];

export type IntentCorpus = Partial<Record<Intent, string[]>>;

/** Below this score the classifier says it does not know; the bot then offers a person or a search. */
export const DEFAULT_CONFIDENCE_FLOOR = 0.5;
const MAX_TEXT = 500;

/**
 * The hub runs its TypeScript through tsx, and a worker does not inherit that: a small ES module registers
 * tsx in the worker and then loads the training script.
 */
function workerEntry(): URL {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const script = new URL('./train-worker.ts', import.meta.url).href;
  const source = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(script)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/** The corpus shipped beside this file, per language. */
export function shippedCorpus(language: Language): IntentCorpus {
  return JSON.parse(readFileSync(new URL(`./corpus.${language}.json`, import.meta.url), 'utf8')) as IntentCorpus;
}

export interface TrainedIntents extends IntentClassifier {
  /**
   * Starts training (once) and resolves when every language is trained or has failed. The first `classify`
   * starts it too; the composition root calls it at start where a bot is enabled.
   */
  warm(): Promise<void>;
  /**
   * Trains again in the background shortly after (article titles changed); the current models answer until the
   * new ones are in. Does nothing before the first training.
   */
  refresh(): void;
  /** Where the training ran and how long the hub's own thread was held per language (importing the model), in ms. */
  training: { where: 'worker' | 'in-process' | null; blockedMs: Partial<Record<Language, number>> };
  /** Ends a training still running (a hub stopping during start). */
  stop(): Promise<void>;
}

/**
 * Intents in nb, da and en with NLP.js, one model per language, trained from the shipped corpus plus the
 * knowledge base's published article titles (as `faq`). Training one language holds a CPU for about 100 ms,
 * so it runs on a worker thread and the finished model is imported here (a few ms); until a language is
 * ready its texts classify as `null` (after a short wait), exactly like texts the model is unsure about.
 * Where no worker can start, it trains here instead, one language per turn of the event loop. Training
 * starts on `warm()` or the first `classify`: hubs without a bot never spend the CPU.
 */
export function createIntentClassifier(options: {
  /** Article titles per language, trained as `faq`; when they cannot be read, `faq` rests on the corpus. */
  articleTitles?: (language: Language) => Promise<string[]>;
  corpus?: (language: Language) => IntentCorpus;
  confidenceFloor?: number;
  /** Train on this thread (benchmarks and tests that measure the model, not the start-up). */
  inProcess?: boolean;
  /** How long a `classify` before the training is done waits for it before answering `null`; 2000 ms unless given. */
  readyWaitMs?: number;
  /** How long `refresh()` waits for more changes before it trains again; 10 s unless given. */
  refreshDelayMs?: number;
  onError?: (error: unknown) => void;
}): TrainedIntents {
  const floor = options.confidenceFloor ?? DEFAULT_CONFIDENCE_FLOOR;
  const corpusOf = options.corpus ?? shippedCorpus;
  const models = new Map<Language, Nlp>();
  const training: TrainedIntents['training'] = { where: null, blockedMs: {} };
  let worker: Worker | null = null;

  async function documentsOf(language: Language): Promise<TrainingDocument[]> {
    const documents: TrainingDocument[] = [];
    for (const [intent, utterances] of Object.entries(corpusOf(language))) {
      for (const utterance of utterances ?? []) documents.push({ utterance, intent });
    }
    const titles = options.articleTitles
      ? await options.articleTitles(language).catch((error: unknown) => {
          options.onError?.(error);
          return [];
        })
      : [];
    for (const title of titles) documents.push({ utterance: title, intent: 'faq' });
    return documents;
  }

  type Job = { language: Language; documents: TrainingDocument[] };

  /** Trains on a worker; resolves with the languages it delivered (each swapped in as it arrives). */
  function trainOnWorker(jobs: Job[], delivered: Set<Language>): Promise<void> {
    return new Promise((resolve, reject) => {
      const thread = new Worker(workerEntry(), { workerData: jobs });
      worker = thread;
      thread.on('message', (message: { language: Language; model: string }) => {
        const started = performance.now();
        const model = emptyModel(message.language);
        model.import(message.model);
        training.blockedMs[message.language] = Math.round(performance.now() - started);
        models.set(message.language, model);
        delivered.add(message.language);
      });
      thread.once('error', reject);
      thread.once('exit', (code) => {
        if (worker === thread) worker = null;
        if (delivered.size === jobs.length) resolve();
        else reject(new Error(`intent training worker exited with code ${code} after ${delivered.size} of ${jobs.length} languages`));
      });
    });
  }

  async function trainHere(jobs: Job[], delivered: Set<Language>): Promise<void> {
    training.where = 'in-process';
    for (const job of jobs) {
      if (delivered.has(job.language)) continue;
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      models.set(job.language, await trainModel(job.language, job.documents));
      training.blockedMs[job.language] = Math.round(performance.now() - started);
    }
  }

  /** One training of every language from the corpus and the titles as they are now. */
  async function trainAll(): Promise<void> {
    try {
      const jobs = await Promise.all(languages.map(async (language) => ({ language, documents: await documentsOf(language) })));
      const delivered = new Set<Language>();
      if (options.inProcess) return await trainHere(jobs, delivered);
      try {
        training.where = 'worker';
        await trainOnWorker(jobs, delivered);
      } catch (error) {
        if (stopped) return;
        options.onError?.(error);
        await trainHere(jobs, delivered);
      }
    } catch (error) {
      options.onError?.(error);
    }
  }

  let ready: Promise<void> | null = null;
  let running: Promise<void> | null = null;
  let stale = false;
  let stopped = false;
  let refreshTimer: NodeJS.Timeout | null = null;
  const refreshDelayMs = options.refreshDelayMs ?? 10_000;
  /** Trains until the models reflect the latest titles: a refresh asked for meanwhile trains once more after. */
  function run(): Promise<void> {
    running = (async () => {
      do {
        stale = false;
        await trainAll();
      } while (stale && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }
  /** Starts the training once; later calls return the same promise. */
  function warm(): Promise<void> {
    ready ??= run();
    return ready;
  }

  const readyWaitMs = options.readyWaitMs ?? 2000;
  return {
    warm,
    training,
    refresh() {
      // Never trained yet: the first training reads the titles as they are then. Saves in a burst train once.
      if (!ready || stopped || refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        if (stopped) return;
        if (running) stale = true;
        else void run();
      }, refreshDelayMs);
      refreshTimer.unref();
    },
    async stop() {
      stopped = true;
      if (refreshTimer) clearTimeout(refreshTimer);
      await worker?.terminate();
    },
    async classify(text: string, language: Language): Promise<IntentGuess> {
      if (!models.has(language)) {
        // The first text after a start waits a moment for the training rather than being misunderstood.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([warm(), new Promise((resolve) => (timer = setTimeout(resolve, readyWaitMs)))]);
        clearTimeout(timer);
      }
      const model = models.get(language);
      const utterance = text.slice(0, MAX_TEXT).trim();
      if (!model || !utterance) return { intent: null, score: 0 };
      const result = await model.process(localeOf(language), utterance);
      if (result.intent === 'None' || !(intents as readonly string[]).includes(result.intent)) return { intent: null, score: 0 };
      const score = Number.isFinite(result.score) ? result.score : 0;
      return score >= floor ? { intent: result.intent, score } : { intent: null, score };
    },
  };
}
