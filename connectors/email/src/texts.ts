/** Texts this connector writes into stored messages, in every language Sentral speaks. */
const texts = {
  faxReceived: {
    nb: (pages: string) => `Faks mottatt${pages}.`,
    da: (pages: string) => `Fax modtaget${pages}.`,
    en: (pages: string) => `Fax received${pages}.`,
  },
  noText: {
    nb: () => '(e-posten har ingen tekst)',
    da: () => '(e-mailen har ingen tekst)',
    en: () => '(the email has no text)',
  },
  truncated: {
    nb: () => '[… teksten er forkortet]',
    da: () => '[… teksten er forkortet]',
    en: () => '[… text shortened]',
  },
} as const;

export type Language = 'nb' | 'da' | 'en';

export function text<K extends keyof typeof texts>(key: K, language: Language, ...args: Parameters<(typeof texts)[K]['nb']>): string {
  const render = texts[key][language] as (...a: typeof args) => string;
  return render(...args);
}
