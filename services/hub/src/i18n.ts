/** Texts a customer reads, in every language Sentral speaks. */
const texts = {
  agentJoined: {
    nb: (name: string) => `${name} er nå med i samtalen.`,
    da: (name: string) => `${name} deltager nu i samtalen.`,
    en: (name: string) => `${name} has joined the conversation.`,
  },
  /** An agent took a conversation over from the bot. */
  agentTookOver: {
    nb: (name: string) => `${name} har tatt over samtalen.`,
    da: (name: string) => `${name} har overtaget samtalen.`,
    en: (name: string) => `${name} has taken over the conversation.`,
  },
  endedByAgent: {
    nb: () => 'Samtalen er avsluttet. Takk for at du kontaktet oss!',
    da: () => 'Samtalen er afsluttet. Tak fordi du kontaktede os!',
    en: () => 'The conversation has ended. Thank you for contacting us!',
  },
  emailAcknowledgement: {
    nb: (reference: string) =>
      `Takk for henvendelsen! Vi har mottatt e-posten din og svarer så snart vi kan.\n\nReferansen din er ${reference}. Svar gjerne på denne e-posten hvis du vil legge til noe.\n\nDette er et automatisk svar.`,
    da: (reference: string) =>
      `Tak for din henvendelse! Vi har modtaget din e-mail og svarer så hurtigt som muligt.\n\nDin reference er ${reference}. Svar gerne på denne e-mail, hvis du vil tilføje noget.\n\nDette er et automatisk svar.`,
    en: (reference: string) =>
      `Thank you for contacting us! We have received your email and will answer as soon as we can.\n\nYour reference is ${reference}. Reply to this email if you want to add anything.\n\nThis is an automatic reply.`,
  },
  waiting: {
    nb: () => 'Takk! Du er i kø, og en rådgiver er med deg straks.',
    da: () => 'Tak! Du er i kø, og en rådgiver er hos dig om lidt.',
    en: () => 'Thank you! You are in the queue and an adviser will be with you shortly.',
  },
  ratingRequest: {
    nb: () => 'Hvor fornøyd er du med hjelpen du fikk? Gi oss en karakter fra 1 (svært misfornøyd) til 10 (svært fornøyd).',
    da: () => 'Hvor tilfreds er du med den hjælp, du fik? Giv os en karakter fra 1 (meget utilfreds) til 10 (meget tilfreds).',
    en: () => 'How satisfied are you with the help you got? Rate us from 1 (very dissatisfied) to 10 (very satisfied).',
  },
  ratingRequestEmail: {
    nb: (link: string) => `Hvor fornøyd er du med hjelpen du fikk? Gi oss en karakter fra 1 til 10 her:\n\n${link}\n\nDet tar bare et øyeblikk. Takk!`,
    da: (link: string) => `Hvor tilfreds er du med den hjælp, du fik? Giv os en karakter fra 1 til 10 her:\n\n${link}\n\nDet tager kun et øjeblik. Tak!`,
    en: (link: string) => `How satisfied are you with the help you got? Rate us from 1 to 10 here:\n\n${link}\n\nIt only takes a moment. Thank you!`,
  },
  ratingThanks: {
    nb: () => 'Takk for tilbakemeldingen!',
    da: () => 'Tak for din tilbagemelding!',
    en: () => 'Thank you for your feedback!',
  },
  ratingPageTitle: {
    nb: () => 'Hvordan var hjelpen du fikk?',
    da: () => 'Hvordan var den hjælp, du fik?',
    en: () => 'How was the help you got?',
  },
  ratingScale: {
    nb: () => '1 = svært misfornøyd, 10 = svært fornøyd',
    da: () => '1 = meget utilfreds, 10 = meget tilfreds',
    en: () => '1 = very dissatisfied, 10 = very satisfied',
  },
  ratingAlreadyGiven: {
    nb: () => 'Du har allerede gitt en karakter for denne henvendelsen. Takk!',
    da: () => 'Du har allerede givet en karakter for denne henvendelse. Tak!',
    en: () => 'You have already rated this contact. Thank you!',
  },
  ratingLinkInvalid: {
    nb: () => 'Lenken er ugyldig eller utløpt.',
    da: () => 'Linket er ugyldigt eller udløbet.',
    en: () => 'This link is invalid or has expired.',
  },
  verificationCodeSubject: {
    nb: () => 'Din engangskode',
    da: () => 'Din engangskode',
    en: () => 'Your one-time code',
  },
  verificationCode: {
    nb: (code: string) => `Engangskoden din er ${code}.\n\nSkriv den inn i chatten. Koden gjelder i 10 minutter. Har du ikke bedt om den, kan du se bort fra denne e-posten.`,
    da: (code: string) => `Din engangskode er ${code}.\n\nSkriv den i chatten. Koden gælder i 10 minutter. Har du ikke bedt om den, kan du se bort fra denne e-mail.`,
    en: (code: string) => `Your one-time code is ${code}.\n\nType it into the chat. The code is valid for 10 minutes. If you did not ask for it, you can ignore this email.`,
  },
  transcriptSubject: {
    nb: () => 'Chatten din med oss',
    da: () => 'Din chat med os',
    en: () => 'Your chat with us',
  },
  transcriptIntro: {
    nb: () => 'Her er samtalen du hadde med oss i chatten:',
    da: () => 'Her er den samtale, du havde med os i chatten:',
    en: () => 'Here is the conversation you had with us in the chat:',
  },
  transcriptAuthor: {
    nb: (author: string) => ({ customer: 'Du', agent: 'Rådgiver', bot: 'Assistent', system: 'Melding' })[author] ?? author,
    da: (author: string) => ({ customer: 'Dig', agent: 'Rådgiver', bot: 'Assistent', system: 'Besked' })[author] ?? author,
    en: (author: string) => ({ customer: 'You', agent: 'Adviser', bot: 'Assistant', system: 'Notice' })[author] ?? author,
  },
  offlineSubject: {
    nb: (name: string) => `Melding fra chatten: ${name}`,
    da: (name: string) => `Besked fra chatten: ${name}`,
    en: (name: string) => `Message from the chat: ${name}`,
  },
  offlineTranscriptHeading: {
    nb: () => 'Chatten før meldingen ble lagt igjen:',
    da: () => 'Chatten før beskeden blev lagt:',
    en: () => 'The chat before the message was left:',
  },
} as const;

export type TextKey = keyof typeof texts;
export type Locale = 'nb' | 'da' | 'en';

export function toLocale(language: string | null | undefined): Locale {
  if (language === 'da') return 'da';
  if (language === 'en') return 'en';
  return 'nb';
}

export function text<K extends TextKey>(key: K, language: string | null | undefined, ...args: Parameters<(typeof texts)[K]['nb']>): string {
  const render = texts[key][toLocale(language)] as (...a: typeof args) => string;
  return render(...args);
}
