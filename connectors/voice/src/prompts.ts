import type { Language } from '@sentral/contract';

/**
 * Everything the IVR says, in Norwegian (nb-NO), Danish (da-DK) and British English (en-GB).
 * Flow-specific texts (greeting, menu labels) live in the flow; these are the fixed sentences.
 */

export const sayLanguage: Record<Language, 'nb-NO' | 'da-DK' | 'en-GB'> = { nb: 'nb-NO', da: 'da-DK', en: 'en-GB' };

/** Neural voices for each language (Amazon Polly through Twilio); a flow may choose others. */
export const defaultVoices: Record<Language, string> = { nb: 'Polly.Ida-Neural', da: 'Polly.Sofie-Neural', en: 'Polly.Amy-Neural' };

const intlLocale: Record<Language, string> = { nb: 'nb-NO', da: 'da-DK', en: 'en-GB' };

/** Digits read one by one ("1 0 4 5 2"), as callers key them; other characters are dropped. */
export function spokenDigits(value: string): string {
  return [...value.replace(/\D/g, '')].join(' ');
}

export function spokenDate(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale[language], { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(new Date(iso));
}

/** Short date for the agent's screen: "tor. 12. mars". */
export function shortDate(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale[language], { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(new Date(iso));
}

/** "1234 kroner og 50 øre": amounts read the way a person says them, not as a formatted number. */
export function spokenMoney(amount: string, currency: string, language: Language): string {
  const [whole = '0', fraction = '00'] = amount.split('.');
  const minor = Number(fraction.padEnd(2, '0').slice(0, 2));
  const krone = currency === 'NOK' || currency === 'DKK' || currency === 'SEK';
  const major = krone ? 'kroner' : currency === 'EUR' ? 'euro' : currency;
  const minorName = krone ? 'øre' : currency === 'EUR' ? 'cent' : '';
  const and = language === 'en' ? 'and' : 'og';
  return minor === 0 || !minorName ? `${whole} ${major}` : `${whole} ${major} ${and} ${minor} ${minorName}`;
}

/** Money for the agent's screen: "1 234,50 kr". */
export function writtenMoney(amount: string, currency: string, language: Language): string {
  return new Intl.NumberFormat(intlLocale[language], { style: 'currency', currency }).format(Number(amount));
}

const keyNames: Record<Language, Record<string, string>> = {
  nb: { '*': 'stjerne', '#': 'firkant' },
  da: { '*': 'stjerne', '#': 'firkant' },
  en: { '*': 'star', '#': 'hash' },
};

const press: Record<Language, string> = { nb: 'trykk', da: 'tryk', en: 'press' };

/** "For ordrestatus, trykk 1." */
export function option(language: Language, label: string, key: string): string {
  return `${label}, ${press[language]} ${keyNames[language][key] ?? key}.`;
}

const orderStatuses: Record<string, Record<Language, string>> = {
  received: { nb: 'mottatt', da: 'modtaget', en: 'received' },
  picking: { nb: 'under pakking', da: 'ved at blive pakket', en: 'being packed' },
  shipped: { nb: 'sendt', da: 'afsendt', en: 'shipped' },
  delivered: { nb: 'levert', da: 'leveret', en: 'delivered' },
  cancelled: { nb: 'kansellert', da: 'annulleret', en: 'cancelled' },
};

const shipmentStatuses: Record<string, Record<Language, string>> = {
  in_transit: { nb: 'under transport', da: 'undervejs', en: 'in transit' },
  out_for_delivery: { nb: 'ute for levering', da: 'ude til levering', en: 'out for delivery' },
  ready_for_pickup: { nb: 'klar til henting', da: 'klar til afhentning', en: 'ready for collection' },
  delayed: { nb: 'forsinket', da: 'forsinket', en: 'delayed' },
  delivered: { nb: 'levert', da: 'leveret', en: 'delivered' },
};

export function orderStatusName(status: string, language: Language): string {
  return orderStatuses[status]?.[language] ?? status.replace(/_/g, ' ');
}

export function shipmentStatusName(status: string, language: Language): string {
  return shipmentStatuses[status]?.[language] ?? status.replace(/_/g, ' ');
}

const languageNames: Record<Language, string> = { nb: 'norsk', da: 'dansk', en: 'English' };

type Phrase<A extends unknown[] = []> = Record<Language, (...args: A) => string>;

function minutes(seconds: number): number {
  return Math.max(1, Math.round(seconds / 60));
}

export const say = {
  languageOption: {
    nb: (key: string) => option('nb', `For ${languageNames.nb}`, key),
    da: (key: string) => option('da', `For ${languageNames.da}`, key),
    en: (key: string) => option('en', `For ${languageNames.en}`, key),
  } satisfies Phrase<[string]>,
  severalCustomers: {
    nb: () => 'Vi har flere kunder registrert på dette nummeret.',
    da: () => 'Vi har flere kunder registreret på dette nummer.',
    en: () => 'Several customers are registered with this number.',
  } satisfies Phrase,
  customerOption: {
    nb: (name: string, key: string) => option('nb', `For ${name}`, key),
    da: (name: string, key: string) => option('da', `For ${name}`, key),
    en: (name: string, key: string) => option('en', `For ${name}`, key),
  } satisfies Phrase<[string, string]>,
  noneOfThese: {
    nb: () => option('nb', 'Hvis du ikke er noen av disse', '0'),
    da: () => option('da', 'Hvis du ikke er nogen af dem', '0'),
    en: () => option('en', 'If you are none of these', '0'),
  } satisfies Phrase,
  noInput: {
    nb: () => 'Jeg fikk ikke med meg noe valg.',
    da: () => 'Jeg hørte ikke noget valg.',
    en: () => "Sorry, I didn't catch that.",
  } satisfies Phrase,
  invalidChoice: {
    nb: () => 'Det var ikke et gyldig valg.',
    da: () => 'Det var ikke et gyldigt valg.',
    en: () => 'That is not one of the choices.',
  } satisfies Phrase,
  enterOrderNumber: {
    nb: () => 'Tast ordrenummeret, og avslutt med firkant.',
    da: () => 'Indtast ordrenummeret, og afslut med firkant.',
    en: () => 'Please key in the order number, followed by the hash key.',
  } satisfies Phrase,
  orderNotFound: {
    nb: () => 'Vi fant ingen ordre med det nummeret.',
    da: () => 'Vi kunne ikke finde en ordre med det nummer.',
    en: () => 'We could not find an order with that number.',
  } satisfies Phrase,
  noOpenOrders: {
    nb: () => 'Du har ingen åpne ordrer hos oss.',
    da: () => 'Du har ingen åbne ordrer hos os.',
    en: () => 'You have no open orders with us.',
  } satisfies Phrase,
  orderStatus: {
    nb: (number: string, status: string, expected: string | null) =>
      `Ordre ${number} er ${status}.${expected ? ` Forventet levering er ${expected}.` : ''}`,
    da: (number: string, status: string, expected: string | null) =>
      `Ordre ${number} er ${status}.${expected ? ` Forventet levering er ${expected}.` : ''}`,
    en: (number: string, status: string, expected: string | null) =>
      `Order ${number} is ${status}.${expected ? ` Expected delivery is ${expected}.` : ''}`,
  } satisfies Phrase<[string, string, string | null]>,
  shipment: {
    nb: (number: string, carrier: string, status: string) => `Pakken med ordre ${number} er hos ${carrier}, ${status}.`,
    da: (number: string, carrier: string, status: string) => `Pakken med ordre ${number} er hos ${carrier}, ${status}.`,
    en: (number: string, carrier: string, status: string) => `The parcel for order ${number} is with ${carrier}, ${status}.`,
  } satisfies Phrase<[string, string, string]>,
  notShippedYet: {
    nb: (number: string, status: string) => `Ordre ${number} er ikke sendt ennå. Den er ${status}.`,
    da: (number: string, status: string) => `Ordre ${number} er ikke afsendt endnu. Den er ${status}.`,
    en: (number: string, status: string) => `Order ${number} has not been shipped yet. It is ${status}.`,
  } satisfies Phrase<[string, string]>,
  enterProductNumber: {
    nb: () => 'Tast varenummeret, og avslutt med firkant.',
    da: () => 'Indtast varenummeret, og afslut med firkant.',
    en: () => 'Please key in the product number, followed by the hash key.',
  } satisfies Phrase,
  productNotFound: {
    nb: () => 'Vi fant ingen vare med det nummeret.',
    da: () => 'Vi kunne ikke finde en vare med det nummer.',
    en: () => 'We could not find a product with that number.',
  } satisfies Phrase,
  inStock: {
    nb: (name: string, count: number) => `${name}: ${count} på lager.`,
    da: (name: string, count: number) => `${name}: ${count} på lager.`,
    en: (name: string, count: number) => `${name}: ${count} in stock.`,
  } satisfies Phrase<[string, number]>,
  outOfStock: {
    nb: (name: string, restock: string | null) => `${name} er ikke på lager.${restock ? ` Vi venter nye varer ${restock}.` : ''}`,
    da: (name: string, restock: string | null) => `${name} er ikke på lager.${restock ? ` Vi forventer nye varer ${restock}.` : ''}`,
    en: (name: string, restock: string | null) => `${name} is out of stock.${restock ? ` We expect new stock on ${restock}.` : ''}`,
  } satisfies Phrase<[string, string | null]>,
  enterPostcode: {
    nb: () => 'Tast postnummeret, fire siffer.',
    da: () => 'Indtast postnummeret, fire cifre.',
    en: () => 'Please key in the four-digit postcode.',
  } satisfies Phrase,
  postcodeUnknown: {
    nb: () => 'Vi kjenner ikke det postnummeret.',
    da: () => 'Vi kender ikke det postnummer.',
    en: () => 'We do not recognise that postcode.',
  } satisfies Phrase,
  delivery: {
    nb: (postcode: string, days: number, date: string) =>
      `Levering til postnummer ${postcode} tar vanligvis ${days} ${days === 1 ? 'virkedag' : 'virkedager'}. Bestiller du i dag, kan du vente varen ${date}.`,
    da: (postcode: string, days: number, date: string) =>
      `Levering til postnummer ${postcode} tager normalt ${days} ${days === 1 ? 'hverdag' : 'hverdage'}. Bestiller du i dag, kan du forvente varen ${date}.`,
    en: (postcode: string, days: number, date: string) =>
      `Delivery to postcode ${postcode} usually takes ${days} working ${days === 1 ? 'day' : 'days'}. If you order today, expect it on ${date}.`,
  } satisfies Phrase<[string, number, string]>,
  noInvoices: {
    nb: () => 'Du har ingen ubetalte fakturaer.',
    da: () => 'Du har ingen ubetalte fakturaer.',
    en: () => 'You have no unpaid invoices.',
  } satisfies Phrase,
  invoiceSummary: {
    nb: (count: number, total: string, overdue: number) =>
      `${count === 1 ? `Du har én ubetalt faktura på ${total}.` : `Du har ${count} ubetalte fakturaer på til sammen ${total}.`}${overdue ? ` ${overdue === count ? (count === 1 ? 'Den' : 'Alle') : overdue} har forfalt.` : ''}`,
    da: (count: number, total: string, overdue: number) =>
      `${count === 1 ? `Du har én ubetalt faktura på ${total}.` : `Du har ${count} ubetalte fakturaer på i alt ${total}.`}${overdue ? ` ${overdue === count ? (count === 1 ? 'Den' : 'Alle') : overdue} er forfaldet.` : ''}`,
    en: (count: number, total: string, overdue: number) =>
      `${count === 1 ? `You have one unpaid invoice of ${total}.` : `You have ${count} unpaid invoices totalling ${total}.`}${overdue ? ` ${overdue === count ? (count === 1 ? 'It is' : 'All are') : `${overdue} are`} overdue.` : ''}`,
  } satisfies Phrase<[number, string, number]>,
  invoiceOffer: {
    nb: (number: string, amount: string, due: string, overdue: boolean) => `Faktura ${number} på ${amount} ${overdue ? 'forfalt' : 'forfaller'} ${due}.`,
    da: (number: string, amount: string, due: string, overdue: boolean) => `Faktura ${number} på ${amount} ${overdue ? 'forfaldt' : 'forfalder'} ${due}.`,
    en: (number: string, amount: string, due: string, overdue: boolean) => `Invoice ${number} for ${amount} ${overdue ? 'was' : 'is'} due on ${due}.`,
  } satisfies Phrase<[string, string, string, boolean]>,
  payNow: { nb: () => 'For å betale den nå med kort', da: () => 'For at betale den nu med kort', en: () => 'To pay it now by card' } satisfies Phrase,
  nextInvoice: { nb: () => 'For neste faktura', da: () => 'For næste faktura', en: () => 'For the next invoice' } satisfies Phrase,
  goBack: { nb: () => 'For å gå tilbake', da: () => 'For at gå tilbage', en: () => 'To go back' } satisfies Phrase,
  paySucceeded: {
    nb: () => 'Takk! Betalingen er gjennomført.',
    da: () => 'Tak! Betalingen er gennemført.',
    en: () => 'Thank you. Your payment has been made.',
  } satisfies Phrase,
  payFailed: {
    nb: () => 'Betalingen gikk dessverre ikke gjennom.',
    da: () => 'Betalingen gik desværre ikke igennem.',
    en: () => 'Sorry, the payment did not go through.',
  } satisfies Phrase,
  mainMenu: { nb: () => 'For hovedmenyen', da: () => 'For hovedmenuen', en: () => 'For the main menu' } satisfies Phrase,
  speakToAdviser: { nb: () => 'For å snakke med en rådgiver', da: () => 'For at tale med en rådgiver', en: () => 'To speak to an adviser' } satisfies Phrase,
  verifyReference: {
    nb: () => 'Tast kundenummeret eller ordrenummeret ditt, og avslutt med firkant.',
    da: () => 'Indtast dit kundenummer eller ordrenummer, og afslut med firkant.',
    en: () => 'Please key in your customer number or order number, followed by the hash key.',
  } satisfies Phrase,
  verifySecret: {
    nb: () => 'Tast så PIN-koden din eller postnummeret ditt, og avslutt med firkant.',
    da: () => 'Indtast så din pinkode eller dit postnummer, og afslut med firkant.',
    en: () => 'Now key in your PIN or your postcode, followed by the hash key.',
  } satisfies Phrase,
  verifyFailed: {
    nb: () => 'Det stemte ikke. Prøv igjen.',
    da: () => 'Det passede ikke. Prøv igen.',
    en: () => 'That did not match. Please try again.',
  } satisfies Phrase,
  verified: {
    nb: () => 'Takk, nå vet vi hvem du er.',
    da: () => 'Tak, nu ved vi, hvem du er.',
    en: () => 'Thank you, you are verified.',
  } satisfies Phrase,
  verifyGaveUp: {
    nb: () => 'Vi klarte ikke å bekrefte hvem du er.',
    da: () => 'Vi kunne ikke bekræfte, hvem du er.',
    en: () => 'We could not verify who you are.',
  } satisfies Phrase,
  transferring: {
    nb: () => 'Vi setter deg over til en rådgiver.',
    da: () => 'Vi stiller dig om til en rådgiver.',
    en: () => 'We are putting you through to an adviser.',
  } satisfies Phrase,
  queuePosition: {
    nb: (position: number, waitSeconds: number) =>
      position <= 1 ? 'Du er den neste i køen.' : `Du er nummer ${position} i køen. Forventet ventetid er omtrent ${minutes(waitSeconds)} ${minutes(waitSeconds) === 1 ? 'minutt' : 'minutter'}.`,
    da: (position: number, waitSeconds: number) =>
      position <= 1 ? 'Du er den næste i køen.' : `Du er nummer ${position} i køen. Den forventede ventetid er cirka ${minutes(waitSeconds)} ${minutes(waitSeconds) === 1 ? 'minut' : 'minutter'}.`,
    en: (position: number, waitSeconds: number) =>
      position <= 1 ? 'You are next in the queue.' : `You are number ${position} in the queue. The expected wait is about ${minutes(waitSeconds)} ${minutes(waitSeconds) === 1 ? 'minute' : 'minutes'}.`,
  } satisfies Phrase<[number, number]>,
  holdOn: {
    nb: () => 'Takk for at du venter. En rådgiver er straks ledig.',
    da: () => 'Tak fordi du venter. En rådgiver er ledig om lidt.',
    en: () => 'Thank you for waiting. An adviser will be with you shortly.',
  } satisfies Phrase,
  callbackOffer: {
    nb: () => `${option('nb', 'Vil du heller at vi ringer deg opp', '1')} Du beholder plassen din i køen.`,
    da: () => `${option('da', 'Vil du hellere ringes op', '1')} Du beholder din plads i køen.`,
    en: () => `${option('en', 'If you would rather we call you back', '1')} You keep your place in the queue.`,
  } satisfies Phrase,
  callbackConfirmed: {
    nb: () => 'Takk. Vi ringer deg opp på nummeret du ringer fra når det er din tur. Ha en fin dag!',
    da: () => 'Tak. Vi ringer dig op på det nummer, du ringer fra, når det er din tur. Hav en god dag!',
    en: () => 'Thank you. We will call you back on this number when it is your turn. Goodbye!',
  } satisfies Phrase,
  callbackGreeting: {
    nb: () => 'Hei! Vi ringer deg opp igjen, slik du ba om.',
    da: () => 'Hej! Vi ringer dig op, som du bad om.',
    en: () => 'Hello! We are calling you back, as you asked.',
  } satisfies Phrase,
  connecting: {
    nb: () => 'Du blir nå satt over.',
    da: () => 'Du bliver nu stillet om.',
    en: () => 'Connecting you now.',
  } satisfies Phrase,
  surveyQuestion: {
    nb: () => 'Før du går: Hvor fornøyd er du med hjelpen du fikk? Tast en karakter fra 1 til 10, og avslutt med firkant.',
    da: () => 'Inden du går: Hvor tilfreds er du med den hjælp, du fik? Tast en karakter fra 1 til 10, og afslut med firkant.',
    en: () => 'Before you go: how satisfied are you with the help you got? Key in a score from 1 to 10, then press hash.',
  } satisfies Phrase,
  surveyThanks: {
    nb: () => 'Takk for tilbakemeldingen!',
    da: () => 'Tak for din tilbagemelding!',
    en: () => 'Thank you for your feedback!',
  } satisfies Phrase,
  goodbye: {
    nb: () => 'Takk for at du ringte. Ha en fin dag!',
    da: () => 'Tak fordi du ringede. Hav en god dag!',
    en: () => 'Thank you for calling. Goodbye!',
  } satisfies Phrase,
  technicalTrouble: {
    nb: () => 'Vi har dessverre tekniske problemer akkurat nå. Vennligst ring oss igjen om litt.',
    da: () => 'Vi har desværre tekniske problemer lige nu. Ring venligst igen om lidt.',
    en: () => 'Sorry, we are having technical problems right now. Please call again shortly.',
  } satisfies Phrase,
  callFrom: {
    nb: (name: string | null) => (name ? `Samtale fra ${name}.` : 'Samtale fra en ukjent innringer.'),
    da: (name: string | null) => (name ? `Opkald fra ${name}.` : 'Opkald fra en ukendt person.'),
    en: (name: string | null) => (name ? `Call from ${name}.` : 'Call from an unknown caller.'),
  } satisfies Phrase<[string | null]>,
  payPrompts: {
    nb: {
      'payment-card-number': 'Tast kortnummeret, og avslutt med firkant.',
      'expiration-date': 'Tast utløpsdatoen: to siffer for måned og to for år.',
      'security-code': 'Tast sikkerhetskoden på baksiden av kortet.',
      'payment-processing': 'Et øyeblikk, vi behandler betalingen.',
      retry: 'Det var ikke gyldig. Prøv igjen.',
    },
    da: {
      'payment-card-number': 'Indtast kortnummeret, og afslut med firkant.',
      'expiration-date': 'Indtast udløbsdatoen: to cifre for måned og to for år.',
      'security-code': 'Indtast sikkerhedskoden på bagsiden af kortet.',
      'payment-processing': 'Et øjeblik, vi behandler betalingen.',
      retry: 'Det var ikke gyldigt. Prøv igen.',
    },
    en: {
      'payment-card-number': 'Please key in your card number, followed by the hash key.',
      'expiration-date': 'Please key in the expiry date: two digits for the month and two for the year.',
      'security-code': 'Please key in the security code on the back of your card.',
      'payment-processing': 'One moment while we process your payment.',
      retry: 'That was not valid. Please try again.',
    },
  } satisfies Record<Language, Record<string, string>>,
};

/** What the agent reads in the journey; kept short and in the caller's language. */
export const journeyText = {
  language: { nb: () => 'valgte norsk', da: () => 'valgte dansk', en: () => 'chose English' } satisfies Phrase,
  recognised: {
    nb: () => 'gjenkjent på telefonnummeret',
    da: () => 'genkendt på telefonnummeret',
    en: () => 'recognised by phone number',
  } satisfies Phrase,
  choseCustomer: {
    nb: (count: number) => `valgte seg selv blant ${count} kunder på nummeret`,
    da: (count: number) => `valgte sig selv blandt ${count} kunder på nummeret`,
    en: (count: number) => `picked themselves among ${count} customers on the number`,
  } satisfies Phrase<[number]>,
  noneOfCustomers: {
    nb: (count: number) => `ingen av de ${count} kundene på nummeret`,
    da: (count: number) => `ingen af de ${count} kunder på nummeret`,
    en: (count: number) => `none of the ${count} customers on the number`,
  } satisfies Phrase<[number]>,
  verified: {
    nb: (factor: 'pin' | 'postcode') => `bekreftet med ${factor === 'pin' ? 'PIN-kode' : 'postnummer'}`,
    da: (factor: 'pin' | 'postcode') => `bekræftet med ${factor === 'pin' ? 'pinkode' : 'postnummer'}`,
    en: (factor: 'pin' | 'postcode') => `verified with ${factor === 'pin' ? 'PIN' : 'postcode'}`,
  } satisfies Phrase<['pin' | 'postcode']>,
  notVerified: {
    nb: (attempts: number) => `ikke bekreftet etter ${attempts} forsøk`,
    da: (attempts: number) => `ikke bekræftet efter ${attempts} forsøg`,
    en: (attempts: number) => `not verified after ${attempts} attempts`,
  } satisfies Phrase<[number]>,
  order: {
    nb: (number: string, status: string, expected: string | null) => `ordre ${number}: ${status}${expected ? `, ventet ${expected}` : ''}`,
    da: (number: string, status: string, expected: string | null) => `ordre ${number}: ${status}${expected ? `, forventet ${expected}` : ''}`,
    en: (number: string, status: string, expected: string | null) => `order ${number}: ${status}${expected ? `, expected ${expected}` : ''}`,
  } satisfies Phrase<[string, string, string | null]>,
  orderNotFound: {
    nb: (reference: string) => `fant ingen ordre ${reference}`,
    da: (reference: string) => `fandt ingen ordre ${reference}`,
    en: (reference: string) => `no order ${reference}`,
  } satisfies Phrase<[string]>,
  noOpenOrders: { nb: () => 'ingen åpne ordrer', da: () => 'ingen åbne ordrer', en: () => 'no open orders' } satisfies Phrase,
  shipment: {
    nb: (number: string, carrier: string, status: string) => `ordre ${number}: ${carrier}, ${status}`,
    da: (number: string, carrier: string, status: string) => `ordre ${number}: ${carrier}, ${status}`,
    en: (number: string, carrier: string, status: string) => `order ${number}: ${carrier}, ${status}`,
  } satisfies Phrase<[string, string, string]>,
  stock: {
    nb: (number: string, name: string, count: number) => `vare ${number} (${name}): ${count} på lager`,
    da: (number: string, name: string, count: number) => `vare ${number} (${name}): ${count} på lager`,
    en: (number: string, name: string, count: number) => `product ${number} (${name}): ${count} in stock`,
  } satisfies Phrase<[string, string, number]>,
  productNotFound: {
    nb: (number: string) => `fant ingen vare ${number}`,
    da: (number: string) => `fandt ingen vare ${number}`,
    en: (number: string) => `no product ${number}`,
  } satisfies Phrase<[string]>,
  delivery: {
    nb: (postcode: string, days: number, date: string) => `postnummer ${postcode}: ${days} virkedager, ${date}`,
    da: (postcode: string, days: number, date: string) => `postnummer ${postcode}: ${days} hverdage, ${date}`,
    en: (postcode: string, days: number, date: string) => `postcode ${postcode}: ${days} working days, ${date}`,
  } satisfies Phrase<[string, number, string]>,
  postcodeUnknown: {
    nb: (postcode: string) => `ukjent postnummer ${postcode}`,
    da: (postcode: string) => `ukendt postnummer ${postcode}`,
    en: (postcode: string) => `unknown postcode ${postcode}`,
  } satisfies Phrase<[string]>,
  invoices: {
    nb: (count: number, total: string, overdue: number) => `${count} ubetalte, til sammen ${total}${overdue ? `, ${overdue} forfalt` : ''}`,
    da: (count: number, total: string, overdue: number) => `${count} ubetalte, i alt ${total}${overdue ? `, ${overdue} forfaldne` : ''}`,
    en: (count: number, total: string, overdue: number) => `${count} unpaid, ${total} in total${overdue ? `, ${overdue} overdue` : ''}`,
  } satisfies Phrase<[number, string, number]>,
  noInvoices: { nb: () => 'ingen ubetalte fakturaer', da: () => 'ingen ubetalte fakturaer', en: () => 'no unpaid invoices' } satisfies Phrase,
  paid: {
    nb: (number: string, amount: string) => `betalte faktura ${number}: ${amount}`,
    da: (number: string, amount: string) => `betalte faktura ${number}: ${amount}`,
    en: (number: string, amount: string) => `paid invoice ${number}: ${amount}`,
  } satisfies Phrase<[string, string]>,
  paymentFailed: {
    nb: (number: string, reason: string) => `betaling av faktura ${number} feilet (${reason})`,
    da: (number: string, reason: string) => `betaling af faktura ${number} mislykkedes (${reason})`,
    en: (number: string, reason: string) => `payment of invoice ${number} failed (${reason})`,
  } satisfies Phrase<[string, string]>,
  agent: {
    nb: (queue: string) => `ba om en rådgiver (kø ${queue})`,
    da: (queue: string) => `bad om en rådgiver (kø ${queue})`,
    en: (queue: string) => `asked for an adviser (queue ${queue})`,
  } satisfies Phrase<[string]>,
  escalated: {
    nb: (queue: string) => `satt over til rådgiver (kø ${queue})`,
    da: (queue: string) => `stillet om til rådgiver (kø ${queue})`,
    en: (queue: string) => `put through to an adviser (queue ${queue})`,
  } satisfies Phrase<[string]>,
  callbackRequested: {
    nb: () => 'ba om å bli ringt opp, beholdt plassen i køen',
    da: () => 'bad om at blive ringet op, beholdt sin plads i køen',
    en: () => 'asked to be called back, kept their place in the queue',
  } satisfies Phrase,
  calledBack: { nb: () => 'vi ringte kunden opp', da: () => 'vi ringede kunden op', en: () => 'we called the customer back' } satisfies Phrase,
  callbackAnswered: { nb: () => 'kunden svarte', da: () => 'kunden svarede', en: () => 'the customer answered' } satisfies Phrase,
  callbackMissed: {
    nb: (status: string) => `kunden svarte ikke (${status})`,
    da: (status: string) => `kunden svarede ikke (${status})`,
    en: (status: string) => `the customer did not answer (${status})`,
  } satisfies Phrase<[string]>,
  callbackFailed: {
    nb: () => 'oppringningen kunne ikke startes',
    da: () => 'opkaldet kunne ikke startes',
    en: () => 'the call back could not be placed',
  } satisfies Phrase,
};

