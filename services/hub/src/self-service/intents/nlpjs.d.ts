// NLP.js ships no TypeScript types; these declare the small part Sentral uses.
declare module '@nlpjs/nlp' {
  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NlpResult {
    locale: string;
    utterance: string;
    intent: string;
    score: number;
    classifications?: NlpClassification[];
  }
  export interface NlpSettings {
    languages?: string[];
    autoSave?: boolean;
    autoLoad?: boolean;
    calculateSentiment?: boolean;
    threshold?: number;
    nlu?: { log?: boolean };
  }
  export class Nlp {
    constructor(settings?: NlpSettings);
    /** Registers a plugin class (a language's tokenizer, stemmer and stop words). */
    use(plugin: unknown): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    /** The trained model as JSON (minified when true). */
    export(minified?: boolean): string;
    import(model: string): void;
  }
}
declare module '@nlpjs/lang-no' {
  export const LangNo: unknown;
}
declare module '@nlpjs/lang-da' {
  export const LangDa: unknown;
}
declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}
