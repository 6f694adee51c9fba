import type { Language } from '@sentral/contract';

/** What the public help centre says, in every language it is served in. */
export const helpTexts: Record<Language, {
  title: string;
  intro: string;
  searchLabel: string;
  searchButton: string;
  results: (query: string, count: number) => string;
  noResults: string;
  notFound: string;
  back: string;
  updated: string;
  otherLanguages: string;
  languageName: string;
}> = {
  nb: {
    title: 'Hjelpesenter',
    intro: 'Finn svar på vanlige spørsmål om levering, retur, faktura og mer.',
    searchLabel: 'Søk i hjelpesenteret',
    searchButton: 'Søk',
    results: (query, count) => `${count} treff for «${query}»`,
    noResults: 'Fant ingen artikler. Prøv andre ord, eller ta kontakt med oss.',
    notFound: 'Fant ikke artikkelen. Den kan være flyttet eller fjernet.',
    back: 'Til hjelpesenteret',
    updated: 'Oppdatert',
    otherLanguages: 'Andre språk',
    languageName: 'Norsk',
  },
  da: {
    title: 'Hjælpecenter',
    intro: 'Find svar på almindelige spørgsmål om levering, returnering, faktura og meget mere.',
    searchLabel: 'Søg i hjælpecentret',
    searchButton: 'Søg',
    results: (query, count) => `${count} resultater for »${query}«`,
    noResults: 'Ingen artikler fundet. Prøv andre ord, eller kontakt os.',
    notFound: 'Artiklen blev ikke fundet. Den kan være flyttet eller fjernet.',
    back: 'Til hjælpecentret',
    updated: 'Opdateret',
    otherLanguages: 'Andre sprog',
    languageName: 'Dansk',
  },
  en: {
    title: 'Help centre',
    intro: 'Answers to common questions about delivery, returns, invoices and more.',
    searchLabel: 'Search the help centre',
    searchButton: 'Search',
    results: (query, count) => `${count} results for “${query}”`,
    noResults: 'No articles found. Try other words, or contact us.',
    notFound: 'Article not found. It may have been moved or removed.',
    back: 'Back to the help centre',
    updated: 'Updated',
    otherLanguages: 'Other languages',
    languageName: 'English',
  },
};
