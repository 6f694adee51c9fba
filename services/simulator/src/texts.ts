import type { Language } from '@sentral/contract';

/** What simulated customers and agents say, in every language Sentral speaks. */
export interface SampleTexts {
  openings: readonly string[];
  followUps: readonly string[];
  agentReplies: readonly string[];
  notes: readonly string[];
  visitorNames: readonly string[];
}

export const sampleTexts: Readonly<Record<Language, SampleTexts>> = {
  nb: {
    openings: [
      'Hei! Hvor er pakken min? Den skulle ha kommet i går.',
      'Jeg har fått en faktura jeg ikke kjenner igjen.',
      'Kan dere hjelpe meg å bytte til et annet abonnement?',
      'Gjelder garantien på oppvaskmaskinen fortsatt?',
      'Vi vil gjerne bestille flere lisenser til firmaet.',
      'Jeg får ikke logget inn på Min side.',
    ],
    followUps: ['Ordrenummeret står i e-posten jeg fikk.', 'Takk, det høres bra ut.', 'Kan jeg betale med faktura i stedet?', 'Flott, da venter jeg på det.'],
    agentReplies: [
      'Hei, takk for at du tok kontakt! Jeg ser på saken nå.',
      'Jeg ser bestillingen din her, den er på vei og kommer i morgen.',
      'Fakturaen gjelder abonnementet fra forrige måned. Jeg sender deg en oversikt.',
      'Det ordner jeg for deg med en gang.',
    ],
    notes: ['Kunden fikk status på leveransen.', 'Forklarte fakturaen.', 'Byttet abonnement.', 'Sendt til andrelinje for oppfølging.'],
    visitorNames: ['Kari', 'Ola', 'Ingrid', 'Lars', 'Nora', 'Jonas'],
  },
  da: {
    openings: [
      'Hej! Hvor er min pakke? Den skulle være kommet i går.',
      'Jeg har fået en faktura, som jeg ikke kan genkende.',
      'Kan I hjælpe mig med at skifte abonnement?',
      'Gælder garantien på min opvaskemaskine stadig?',
      'Vi vil gerne købe flere licenser til firmaet.',
      'Jeg kan ikke logge ind på Min side.',
    ],
    followUps: ['Ordrenummeret står i den e-mail, jeg fik.', 'Tak, det lyder godt.', 'Kan jeg betale med faktura i stedet?', 'Fint, så venter jeg på det.'],
    agentReplies: [
      'Hej, tak fordi du skriver! Jeg kigger på sagen nu.',
      'Jeg kan se din ordre her, den er på vej og kommer i morgen.',
      'Fakturaen gælder abonnementet fra sidste måned. Jeg sender dig en oversigt.',
      'Det ordner jeg for dig med det samme.',
    ],
    notes: ['Kunden fik status på leveringen.', 'Forklarede fakturaen.', 'Skiftede abonnement.', 'Sendt videre til anden linje.'],
    visitorNames: ['Mette', 'Søren', 'Freja', 'Mads', 'Ida', 'Rasmus'],
  },
  en: {
    openings: [
      'Hi! Where is my parcel? It should have arrived yesterday.',
      "I've received an invoice I don't recognise.",
      'Can you help me switch to another subscription?',
      'Is the warranty on my dishwasher still valid?',
      'We would like to order more licences for our company.',
      "I can't log in to My page.",
    ],
    followUps: ['The order number is in the email I got.', 'Thanks, that sounds good.', 'Can I pay by invoice instead?', "Great, I'll wait for that then."],
    agentReplies: [
      'Hi, thanks for getting in touch! I am looking into it now.',
      'I can see your order here; it is on its way and arrives tomorrow.',
      "The invoice is for last month's subscription. I'll send you a breakdown.",
      "I'll sort that out for you right away.",
    ],
    notes: ['Gave the customer a delivery status.', 'Explained the invoice.', 'Changed the subscription.', 'Passed to second line for follow-up.'],
    visitorNames: ['Emma', 'James', 'Olivia', 'Noah'],
  },
};

export function textsFor(language: string | null | undefined): SampleTexts {
  return language === 'da' || language === 'en' ? sampleTexts[language] : sampleTexts.nb;
}

export function pick<T>(items: readonly T[], random: () => number = Math.random): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('cannot pick from an empty list');
  return item;
}
