/** Texts this connector writes, in every language Sentral speaks. */
const texts = {
  faxReceived: {
    nb: (files: number) => (files === 1 ? 'Faks mottatt.' : `Faks mottatt (${files} dokumenter).`),
    da: (files: number) => (files === 1 ? 'Fax modtaget.' : `Fax modtaget (${files} dokumenter).`),
    en: (files: number) => (files === 1 ? 'Fax received.' : `Fax received (${files} documents).`),
  },
  replyHeading: {
    nb: (reference: string) => `Svar på din henvendelse (ref. ${reference})`,
    da: (reference: string) => `Svar på din henvendelse (ref. ${reference})`,
    en: (reference: string) => `Reply to your inquiry (ref. ${reference})`,
  },
} as const;

export type Language = 'nb' | 'da' | 'en';

export function toLanguage(value: string | null | undefined, fallback: Language): Language {
  return value === 'nb' || value === 'da' || value === 'en' ? value : fallback;
}

export function text<K extends keyof typeof texts>(key: K, language: Language, ...args: Parameters<(typeof texts)[K]['nb']>): string {
  const render = texts[key][language] as (...a: typeof args) => string;
  return render(...args);
}
