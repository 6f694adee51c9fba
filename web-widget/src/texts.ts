/** Everything the widget says, in the three languages Sentral speaks. */
export interface WidgetTexts {
  title: string;
  close: string;
  log: string;
  input: string;
  placeholder: string;
  send: string;
  greeting: string;
  connecting: string;
  reconnecting: string;
  queue: (position: number, minutes: number) => string;
  joined: (name: string) => string;
  typing: (name: string) => string;
  someone: string;
  you: string;
  agent: string;
  bot: string;
  ended: string;
  end: string;
  rate: string;
  rated: string;
  transcript: string;
  transcriptSent: string;
  email: string;
  name: string;
  message: string;
  newChat: string;
  leaveMessage: string;
  offlineIntro: Record<'closed' | 'nobody' | 'wait', string>;
  offlineSend: string;
  offlineSent: string;
  verify: string;
  verifySend: string;
  code: string;
  verifyCheck: string;
  verified: (email: string) => string;
  failed: string;
  limited: string;
  attach: string;
  tooLarge: string;
  fileType: string;
}

export const texts: Record<'nb' | 'da' | 'en', WidgetTexts> = {
  nb: {
    title: 'Chat med oss',
    close: 'Lukk chat',
    log: 'Meldinger',
    input: 'Skriv en melding',
    placeholder: 'Skriv en melding …',
    send: 'Send',
    greeting: 'Hei! Hva kan vi hjelpe deg med?',
    connecting: 'Kobler til …',
    reconnecting: 'Forbindelsen er borte. Prøver igjen …',
    queue: (position: number, minutes: number) => `Du er nummer ${position} i køen. Ventetid ca. ${minutes} min.`,
    joined: (name: string) => `${name} er med i samtalen`,
    typing: (name: string) => `${name} skriver …`,
    someone: 'Rådgiveren',
    you: 'Du',
    agent: 'Rådgiver',
    bot: 'Assistent',
    ended: 'Samtalen er avsluttet.',
    end: 'Avslutt samtalen',
    rate: 'Hvor fornøyd er du? 1 = svært misfornøyd, 10 = svært fornøyd',
    rated: 'Takk for tilbakemeldingen!',
    transcript: 'Send meg samtalen på e-post',
    transcriptSent: 'Samtalen er sendt til e-posten din.',
    email: 'E-post',
    name: 'Navn',
    message: 'Melding',
    newChat: 'Start en ny samtale',
    leaveMessage: 'Legg igjen en melding i stedet',
    offlineIntro: {
      closed: 'Chatten er stengt nå. Legg igjen en melding, så svarer vi på e-post.',
      nobody: 'Ingen rådgivere er tilgjengelige nå. Legg igjen en melding, så svarer vi på e-post.',
      wait: 'Det er lang ventetid nå. Legg igjen en melding, så svarer vi på e-post.',
    },
    offlineSend: 'Send meldingen',
    offlineSent: 'Takk! Meldingen er sendt. Du får en bekreftelse på e-post.',
    verify: 'Bekreft e-postadressen din',
    verifySend: 'Send kode',
    code: 'Engangskode fra e-posten',
    verifyCheck: 'Bekreft',
    verified: (email: string) => `Bekreftet: ${email}`,
    failed: 'Det gikk ikke. Prøv igjen.',
    limited: 'Du har sendt mange meldinger. Vent litt og prøv igjen.',
    attach: 'Legg ved bilde eller PDF',
    tooLarge: 'Filen er for stor (høyst 1,5 MB).',
    fileType: 'Bare bilder og PDF kan legges ved.',
  },
  da: {
    title: 'Chat med os',
    close: 'Luk chat',
    log: 'Beskeder',
    input: 'Skriv en besked',
    placeholder: 'Skriv en besked …',
    send: 'Send',
    greeting: 'Hej! Hvad kan vi hjælpe dig med?',
    connecting: 'Forbinder …',
    reconnecting: 'Forbindelsen er væk. Prøver igen …',
    queue: (position: number, minutes: number) => `Du er nummer ${position} i køen. Ventetid ca. ${minutes} min.`,
    joined: (name: string) => `${name} deltager i samtalen`,
    typing: (name: string) => `${name} skriver …`,
    someone: 'Rådgiveren',
    you: 'Dig',
    agent: 'Rådgiver',
    bot: 'Assistent',
    ended: 'Samtalen er afsluttet.',
    end: 'Afslut samtalen',
    rate: 'Hvor tilfreds er du? 1 = meget utilfreds, 10 = meget tilfreds',
    rated: 'Tak for din tilbagemelding!',
    transcript: 'Send mig samtalen på e-mail',
    transcriptSent: 'Samtalen er sendt til din e-mail.',
    email: 'E-mail',
    name: 'Navn',
    message: 'Besked',
    newChat: 'Start en ny samtale',
    leaveMessage: 'Læg en besked i stedet',
    offlineIntro: {
      closed: 'Chatten er lukket nu. Læg en besked, så svarer vi på e-mail.',
      nobody: 'Ingen rådgivere er ledige nu. Læg en besked, så svarer vi på e-mail.',
      wait: 'Der er lang ventetid nu. Læg en besked, så svarer vi på e-mail.',
    },
    offlineSend: 'Send beskeden',
    offlineSent: 'Tak! Beskeden er sendt. Du får en bekræftelse på e-mail.',
    verify: 'Bekræft din e-mailadresse',
    verifySend: 'Send kode',
    code: 'Engangskode fra e-mailen',
    verifyCheck: 'Bekræft',
    verified: (email: string) => `Bekræftet: ${email}`,
    failed: 'Det lykkedes ikke. Prøv igen.',
    limited: 'Du har sendt mange beskeder. Vent lidt og prøv igen.',
    attach: 'Vedhæft billede eller PDF',
    tooLarge: 'Filen er for stor (højst 1,5 MB).',
    fileType: 'Kun billeder og PDF kan vedhæftes.',
  },
  en: {
    title: 'Chat with us',
    close: 'Close chat',
    log: 'Messages',
    input: 'Write a message',
    placeholder: 'Write a message …',
    send: 'Send',
    greeting: 'Hi! How can we help you?',
    connecting: 'Connecting …',
    reconnecting: 'Connection lost. Trying again …',
    queue: (position: number, minutes: number) => `You are number ${position} in the queue. Wait about ${minutes} min.`,
    joined: (name: string) => `${name} joined`,
    typing: (name: string) => `${name} is typing …`,
    someone: 'The adviser',
    you: 'You',
    agent: 'Adviser',
    bot: 'Assistant',
    ended: 'The conversation has ended.',
    end: 'End the conversation',
    rate: 'How satisfied are you? 1 = very dissatisfied, 10 = very satisfied',
    rated: 'Thank you for your feedback!',
    transcript: 'Email me the conversation',
    transcriptSent: 'The conversation was sent to your email.',
    email: 'Email',
    name: 'Name',
    message: 'Message',
    newChat: 'Start a new conversation',
    leaveMessage: 'Leave a message instead',
    offlineIntro: {
      closed: 'The chat is closed now. Leave a message and we will answer by email.',
      nobody: 'No advisers are available now. Leave a message and we will answer by email.',
      wait: 'The wait is long right now. Leave a message and we will answer by email.',
    },
    offlineSend: 'Send the message',
    offlineSent: 'Thank you! Your message was sent. You will get a confirmation by email.',
    verify: 'Confirm your email address',
    verifySend: 'Send code',
    code: 'One-time code from the email',
    verifyCheck: 'Confirm',
    verified: (email: string) => `Confirmed: ${email}`,
    failed: 'That did not work. Please try again.',
    limited: 'You have sent many messages. Wait a moment and try again.',
    attach: 'Attach an image or a PDF',
    tooLarge: 'The file is too large (at most 1.5 MB).',
    fileType: 'Only images and PDF can be attached.',
  },
};
