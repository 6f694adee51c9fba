import { toLocale } from '../i18n.ts';

export const closedActions = ['message', 'voicemail', 'callback', 'auto-reply'] as const;
export type ClosedAction = (typeof closedActions)[number];

/** What a customer is told when they reach a closed queue, by what happens next. */
const closedTexts: Record<ClosedAction, Record<'nb' | 'da' | 'en', string>> = {
  message: {
    nb: 'Vi har dessverre stengt nå. Ta gjerne kontakt igjen i åpningstiden.',
    da: 'Vi har desværre lukket nu. Kontakt os gerne igen i åbningstiden.',
    en: 'We are closed right now. Please contact us again during opening hours.',
  },
  voicemail: {
    nb: 'Vi har stengt nå. Legg igjen en beskjed, så tar vi kontakt når vi åpner.',
    da: 'Vi har lukket nu. Læg en besked, så kontakter vi dig, når vi åbner.',
    en: 'We are closed right now. Leave a message and we will get back to you when we open.',
  },
  callback: {
    nb: 'Vi har stengt nå. Vi ringer deg tilbake så snart vi åpner.',
    da: 'Vi har lukket nu. Vi ringer dig op, så snart vi åbner.',
    en: 'We are closed right now. We will call you back as soon as we open.',
  },
  'auto-reply': {
    nb: 'Takk for henvendelsen! Vi har stengt nå og svarer deg så snart vi åpner.',
    da: 'Tak for din henvendelse! Vi har lukket nu og svarer dig, så snart vi åbner.',
    en: 'Thank you for your message! We are closed right now and will answer as soon as we open.',
  },
};

export function closedText(action: ClosedAction, language: string | null | undefined, custom: Partial<Record<string, string>>): string {
  const locale = toLocale(language);
  return custom[locale] ?? closedTexts[action][locale];
}
