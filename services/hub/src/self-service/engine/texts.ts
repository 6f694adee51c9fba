import type { Language } from '@sentral/contract';

type Phrase<A extends unknown[] = []> = Record<Language, (...args: A) => string>;

/** What the bot writes, in every language Sentral speaks. Journey texts are for the agent's screen. */
export const botSays = {
  talkToPerson: { nb: () => 'Snakke med en person', da: () => 'Tale med en person', en: () => 'Talk to a person' },
  mainMenu: { nb: () => 'Hovedmeny', da: () => 'Hovedmenu', en: () => 'Main menu' },
  thatsAll: { nb: () => 'Det var alt, takk', da: () => 'Det var alt, tak', en: () => "That's all, thanks" },
  anythingElse: { nb: () => 'Kan jeg hjelpe med noe mer?', da: () => 'Kan jeg hjælpe med andet?', en: () => 'Can I help with anything else?' },
  notSure: {
    nb: () => 'Jeg er ikke sikker på at jeg forstod. Velg et av alternativene, eller snakk med en person.',
    da: () => 'Jeg er ikke sikker på, at jeg forstod. Vælg en af mulighederne, eller tal med en person.',
    en: () => "I'm not sure I understood. Pick one of the options, or talk to a person.",
  },
  handover: {
    nb: () => 'Jeg setter deg over til en person. Du får svar så snart noen er ledig.',
    da: () => 'Jeg sætter dig over til en person. Du får svar, så snart nogen er ledig.',
    en: () => "I'm passing you to a person. You'll get an answer as soon as someone is free.",
  },
  goodbye: { nb: () => 'Takk for praten, ha en fin dag!', da: () => 'Tak for snakken, hav en god dag!', en: () => 'Thanks for chatting, have a nice day!' },
  verifyReference: {
    nb: () => 'For å vise dine opplysninger må jeg vite hvem du er. Skriv kundenummeret eller ordrenummeret ditt.',
    da: () => 'For at vise dine oplysninger skal jeg vide, hvem du er. Skriv dit kundenummer eller ordrenummer.',
    en: () => 'To show your details I need to know who you are. Type your customer number or order number.',
  },
  verifySecret: { nb: () => 'Skriv PIN-koden eller postnummeret ditt.', da: () => 'Skriv din PIN-kode eller dit postnummer.', en: () => 'Type your PIN or your postcode.' },
  verified: { nb: () => 'Takk, nå vet jeg hvem du er.', da: () => 'Tak, nu ved jeg, hvem du er.', en: () => 'Thank you, I know who you are now.' },
  verifyFailed: { nb: () => 'Det stemte ikke. Prøv igjen.', da: () => 'Det passede ikke. Prøv igen.', en: () => "That didn't match. Please try again." },
  verifyGaveUp: {
    nb: () => 'Jeg klarte ikke å bekrefte hvem du er, så en person hjelper deg videre.',
    da: () => 'Jeg kunne ikke bekræfte, hvem du er, så en person hjælper dig videre.',
    en: () => "I couldn't confirm who you are, so a person will help you from here.",
  },
  noOpenOrders: { nb: () => 'Du har ingen åpne ordrer.', da: () => 'Du har ingen åbne ordrer.', en: () => 'You have no open orders.' },
  order: {
    nb: (number: string, status: string, expected: string | null) => `Ordre ${number} er ${status}${expected ? `, forventet levert ${expected}` : ''}.`,
    da: (number: string, status: string, expected: string | null) => `Ordre ${number} er ${status}${expected ? `, forventet leveret ${expected}` : ''}.`,
    en: (number: string, status: string, expected: string | null) => `Order ${number} is ${status}${expected ? `, expected ${expected}` : ''}.`,
  } satisfies Phrase<[string, string, string | null]>,
  shipment: {
    nb: (number: string, carrier: string, status: string, tracking: string) => `Pakken til ordre ${number} er hos ${carrier}: ${status} (sporingsnummer ${tracking}).`,
    da: (number: string, carrier: string, status: string, tracking: string) => `Pakken til ordre ${number} er hos ${carrier}: ${status} (sporingsnummer ${tracking}).`,
    en: (number: string, carrier: string, status: string, tracking: string) => `The parcel for order ${number} is with ${carrier}: ${status} (tracking number ${tracking}).`,
  } satisfies Phrase<[string, string, string, string]>,
  notShipped: {
    nb: (number: string, status: string) => `Ordre ${number} er ikke sendt ennå (${status}).`,
    da: (number: string, status: string) => `Ordre ${number} er ikke afsendt endnu (${status}).`,
    en: (number: string, status: string) => `Order ${number} has not shipped yet (${status}).`,
  } satisfies Phrase<[string, string]>,
  noInvoices: { nb: () => 'Du har ingen ubetalte fakturaer.', da: () => 'Du har ingen ubetalte fakturaer.', en: () => 'You have no unpaid invoices.' },
  invoice: {
    nb: (number: string, amount: string, due: string, overdue: boolean) => `Faktura ${number}: ${amount}, forfall ${due}${overdue ? ' (forfalt)' : ''}.`,
    da: (number: string, amount: string, due: string, overdue: boolean) => `Faktura ${number}: ${amount}, forfald ${due}${overdue ? ' (forfalden)' : ''}.`,
    en: (number: string, amount: string, due: string, overdue: boolean) => `Invoice ${number}: ${amount}, due ${due}${overdue ? ' (overdue)' : ''}.`,
  } satisfies Phrase<[string, string, string, boolean]>,
  askProduct: { nb: () => 'Skriv varenummeret.', da: () => 'Skriv varenummeret.', en: () => 'Type the product number.' },
  productNotFound: { nb: () => 'Jeg fant ingen vare med det nummeret.', da: () => 'Jeg fandt ingen vare med det nummer.', en: () => "I couldn't find a product with that number." },
  inStock: {
    nb: (name: string, count: number) => `${name}: ${count} på lager.`,
    da: (name: string, count: number) => `${name}: ${count} på lager.`,
    en: (name: string, count: number) => `${name}: ${count} in stock.`,
  } satisfies Phrase<[string, number]>,
  outOfStock: {
    nb: (name: string, restock: string | null) => `${name} er utsolgt${restock ? `, ventes inn ${restock}` : ''}.`,
    da: (name: string, restock: string | null) => `${name} er udsolgt${restock ? `, forventes på lager ${restock}` : ''}.`,
    en: (name: string, restock: string | null) => `${name} is out of stock${restock ? `, expected back ${restock}` : ''}.`,
  } satisfies Phrase<[string, string | null]>,
  askPostcode: { nb: () => 'Skriv postnummeret du vil ha levert til.', da: () => 'Skriv det postnummer, du vil have leveret til.', en: () => 'Type the postcode to deliver to.' },
  postcodeUnknown: { nb: () => 'Jeg kjenner ikke det postnummeret.', da: () => 'Jeg kender ikke det postnummer.', en: () => "I don't know that postcode." },
  delivery: {
    nb: (postcode: string, days: number, date: string) => `Levering til ${postcode} tar vanligvis ${days} virkedag${days === 1 ? '' : 'er'}. Bestiller du i dag, kommer den ${date}.`,
    da: (postcode: string, days: number, date: string) => `Levering til ${postcode} tager normalt ${days} arbejdsdag${days === 1 ? '' : 'e'}. Bestiller du i dag, kommer den ${date}.`,
    en: (postcode: string, days: number, date: string) => `Delivery to ${postcode} usually takes ${days} working day${days === 1 ? '' : 's'}. Order today and it arrives ${date}.`,
  } satisfies Phrase<[string, number, string]>,
  askQuestion: { nb: () => 'Hva lurer du på?', da: () => 'Hvad vil du gerne vide?', en: () => 'What would you like to know?' },
  noArticle: {
    nb: () => 'Jeg fant dessverre ikke noe svar på det.',
    da: () => 'Jeg fandt desværre ikke noget svar på det.',
    en: () => "Sorry, I couldn't find an answer to that.",
  },
  article: {
    nb: (title: string, snippet: string) => `${title}: ${snippet}`,
    da: (title: string, snippet: string) => `${title}: ${snippet}`,
    en: (title: string, snippet: string) => `${title}: ${snippet}`,
  } satisfies Phrase<[string, string]>,
};

/** Words that always mean "a person, please", whatever the bot asked. */
export const personWords: Record<Language, string[]> = {
  nb: ['person', 'menneske', 'rådgiver', 'kundebehandler', 'agent'],
  da: ['person', 'menneske', 'rådgiver', 'medarbejder', 'agent'],
  en: ['person', 'human', 'agent', 'adviser', 'advisor', 'someone'],
};

/** Words that end a conversation politely. */
export const goodbyeWords: Record<Language, string[]> = {
  nb: ['ha det', 'det var alt', 'takk for hjelpen', 'hadet'],
  da: ['farvel', 'det var alt', 'tak for hjælpen', 'hej hej'],
  en: ['bye', "that's all", 'thats all', 'thanks for the help', 'goodbye'],
};

/** What the agent reads in the journey, in the customer's language like the IVR's. */
export const botJourney = {
  intent: { nb: (label: string) => `valgte «${label}»`, da: (label: string) => `valgte »${label}«`, en: (label: string) => `chose "${label}"` },
  verified: { nb: (factor: string) => `bekreftet i chat (${factor})`, da: (factor: string) => `bekræftet i chat (${factor})`, en: (factor: string) => `verified in chat (${factor})` },
  notVerified: { nb: (n: number) => `ikke bekreftet etter ${n} forsøk`, da: (n: number) => `ikke bekræftet efter ${n} forsøg`, en: (n: number) => `not verified after ${n} attempts` },
  handover: { nb: (queue: string) => `ba om en person (${queue})`, da: (queue: string) => `bad om en person (${queue})`, en: (queue: string) => `asked for a person (${queue})` },
  notUnderstood: { nb: (text: string) => `ikke forstått: «${text}»`, da: (text: string) => `ikke forstået: »${text}«`, en: (text: string) => `not understood: "${text}"` },
};
