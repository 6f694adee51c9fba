import { Nlp } from '@nlpjs/nlp';
import { LangNo } from '@nlpjs/lang-no';
import { LangDa } from '@nlpjs/lang-da';
import { LangEn } from '@nlpjs/lang-en-min';
import type { Language } from '@sentral/contract';

export interface TrainingDocument {
  utterance: string;
  intent: string;
}

// NLP.js knows Norwegian as "no"; the language plugin is passed explicitly: the language is never guessed.
const nlpLocale: Record<Language, { locale: string; plugin: unknown }> = {
  nb: { locale: 'no', plugin: LangNo },
  da: { locale: 'da', plugin: LangDa },
  en: { locale: 'en', plugin: LangEn },
};

export const localeOf = (language: Language): string => nlpLocale[language].locale;

export function emptyModel(language: Language): Nlp {
  const nlp = new Nlp({ languages: [nlpLocale[language].locale], autoSave: false, autoLoad: false, calculateSentiment: false, nlu: { log: false } });
  nlp.use(nlpLocale[language].plugin);
  return nlp;
}

/** Trains one language's model; CPU-bound for around 100 ms, so the hub runs it on a worker thread. */
export async function trainModel(language: Language, documents: readonly TrainingDocument[]): Promise<Nlp> {
  const nlp = emptyModel(language);
  for (const document of documents) nlp.addDocument(nlpLocale[language].locale, document.utterance, document.intent);
  await nlp.train();
  return nlp;
}
