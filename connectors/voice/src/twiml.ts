import twilio from 'twilio';
import type { Language } from '@sentral/contract';
import type { IvrFlow } from './flow.ts';
import { defaultVoices, say, sayLanguage } from './prompts.ts';
import type { InvoiceRef } from './session.ts';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
type SayVoice = NonNullable<Parameters<VoiceResponse['say']>[0]['voice']>;

/** One sentence and the language it is spoken in (a language menu mixes languages). */
export interface Line {
  text: string;
  language: Language;
}

export interface Ask {
  kind: 'ask';
  prompt: Line[];
  /** Single-key menus submit on the first key; free-length numbers end with #. */
  input: { numDigits?: number; finishOnKey?: string; timeoutSeconds: number };
  /** Listen for spoken answers too, in this language, with these hints. */
  speech: { language: Language; hints: string[] } | null;
}

export interface PayRequest {
  kind: 'pay';
  invoice: InvoiceRef;
  description: string;
  language: Language;
  connector: string;
  maxAttempts: number;
}

/** What one webhook answer says, and how it ends. */
export interface Turn {
  lines: Line[];
  end: Ask | PayRequest | { kind: 'wait' } | { kind: 'hangup' };
}

/** Where Twilio finds the next instructions; every URL is under PUBLIC_BASE_URL, so signatures validate behind a proxy. */
export class VoiceUrls {
  readonly base: string;

  constructor(publicBaseUrl: string) {
    this.base = `${publicBaseUrl}/webhooks/twilio/voice`;
  }

  step(seq: number): string {
    return `${this.base}/step?s=${seq}`;
  }

  /** `first`: the caller's first turn in line, straight from the IVR (the hub may still be deciding where the call goes). */
  wait(contactId: string, first = false): string {
    return `${this.base}/wait?c=${contactId}${first ? '&first=1' : ''}`;
  }

  connect(contactId: string): string {
    return `${this.base}/connect?c=${contactId}`;
  }

  agent(contactId: string): string {
    return `${this.base}/agent?c=${contactId}`;
  }

  callback(contactId: string): string {
    return `${this.base}/callback?c=${contactId}`;
  }

  after(contactId: string): string {
    return `${this.base}/after?c=${contactId}`;
  }

  survey(contactId: string): string {
    return `${this.base}/survey?c=${contactId}`;
  }

  status(leg?: { leg: 'agent' | 'callback'; contactId: string; dial?: string | null }): string {
    if (!leg) return `${this.base}/status`;
    return `${this.base}/status?leg=${leg.leg}&c=${leg.contactId}${leg.dial ? `&d=${leg.dial}` : ''}`;
  }
}

interface Sayer {
  say(attributes: { language?: (typeof sayLanguage)[Language]; voice?: SayVoice }, message: string): unknown;
}

/** Builds TwiML documents with the twilio library's VoiceResponse only. */
export class TwimlWriter {
  constructor(
    private readonly flow: IvrFlow | null,
    private readonly urls: VoiceUrls,
  ) {}

  private say(parent: Sayer, line: Line): void {
    const voice = (this.flow?.voices?.[line.language] ?? defaultVoices[line.language]) as SayVoice;
    parent.say({ language: sayLanguage[line.language], voice }, line.text);
  }

  turn(turn: Turn, seq: number, waitUrl: string | null): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const line of turn.lines) this.say(response, line);
    const end = turn.end;
    switch (end.kind) {
      case 'ask': {
        const gather = response.gather({
          action: this.urls.step(seq),
          method: 'POST',
          input: end.speech ? ['dtmf', 'speech'] : ['dtmf'],
          timeout: end.input.timeoutSeconds,
          actionOnEmptyResult: false,
          ...(end.input.numDigits ? { numDigits: end.input.numDigits } : {}),
          ...(end.input.finishOnKey ? { finishOnKey: end.input.finishOnKey } : {}),
          ...(end.speech
            ? { language: sayLanguage[end.speech.language], speechTimeout: 'auto', ...(end.speech.hints.length ? { hints: end.speech.hints.join(', ') } : {}) }
            : {}),
        });
        for (const line of end.prompt) this.say(gather, line);
        // No answer: Twilio falls through to the next verb, which reports the silence to the same step.
        response.redirect({ method: 'POST' }, this.urls.step(seq));
        break;
      }
      case 'pay':
        this.pay(response, end, seq);
        break;
      case 'wait':
        if (!waitUrl) throw new Error('a wait turn needs the contact');
        response.redirect({ method: 'POST' }, waitUrl);
        break;
      case 'hangup':
        response.hangup();
        break;
    }
    return response.toString();
  }

  /** Card data goes from the caller's keypad to Twilio's payment connector; Sentral sees only the result. */
  private pay(response: VoiceResponse, request: PayRequest, seq: number): void {
    const pay = response.pay({
      action: this.urls.step(seq),
      chargeAmount: request.invoice.amount,
      currency: request.invoice.currency.toLowerCase(),
      description: request.description,
      paymentConnector: request.connector,
      maxAttempts: request.maxAttempts,
      postalCode: 'false',
      securityCode: true,
      timeout: 10,
      // Twilio's own card prompts exist in English, not in Norwegian or Danish: those are ours below.
      ...(request.language === 'en' ? { language: 'en-GB' as const } : {}),
    });
    const prompts = say.payPrompts[request.language];
    const steps = [
      { for: 'payment-card-number', errors: ['timeout', 'invalid-card-number', 'invalid-card-type'] },
      { for: 'expiration-date', errors: ['timeout', 'invalid-date'] },
      { for: 'security-code', errors: ['timeout', 'invalid-security-code'] },
    ] as const;
    for (const step of steps) {
      this.say(pay.prompt({ for: step.for }), { text: prompts[step.for], language: request.language });
      this.say(pay.prompt({ for: step.for, errorType: [...step.errors] }), { text: `${prompts.retry} ${prompts[step.for]}`, language: request.language });
    }
    this.say(pay.prompt({ for: 'payment-processing' }), { text: prompts['payment-processing'], language: request.language });
  }

  /** Position in line, then an offer to be called back, then music or silence, then round again. */
  wait(lines: Line[], gatherLines: Line[], waitUrl: string, pauseSeconds: number, musicUrl: string | undefined): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const line of lines) this.say(response, line);
    const gather = response.gather({ action: waitUrl, method: 'POST', input: ['dtmf'], numDigits: 1, timeout: 1, actionOnEmptyResult: false });
    for (const line of gatherLines) this.say(gather, line);
    if (musicUrl) gather.play({}, musicUrl);
    else gather.pause({ length: pauseSeconds });
    response.redirect({ method: 'POST' }, waitUrl);
    return response.toString();
  }

  /**
   * Puts a leg into the contact's conference. The customer waits on hold until the agent is in;
   * either one leaving ends it. A supervisor can later join the same conference muted, as a coach
   * or fully, without touching these legs.
   */
  conference(lines: Line[], conference: string, role: 'customer' | 'agent', afterUrl: string | null): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const line of lines) this.say(response, line);
    const dial = response.dial(afterUrl ? { action: afterUrl, method: 'POST' } : {});
    dial.conference(
      { startConferenceOnEnter: role === 'agent', endConferenceOnExit: true, beep: 'false', participantLabel: role },
      conference,
    );
    return response.toString();
  }

  /** The satisfaction question after the agent has gone: up to two keys and #, then goodbye either way. */
  survey(question: Line, goodbye: Line, actionUrl: string): string {
    const response = new twilio.twiml.VoiceResponse();
    const gather = response.gather({ action: actionUrl, method: 'POST', input: ['dtmf'], numDigits: 2, finishOnKey: '#', timeout: 8, actionOnEmptyResult: false });
    this.say(gather, question);
    this.say(response, goodbye);
    response.hangup();
    return response.toString();
  }

  hangup(lines: Line[]): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const line of lines) this.say(response, line);
    response.hangup();
    return response.toString();
  }

  redirect(url: string, lines: Line[] = []): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const line of lines) this.say(response, line);
    response.redirect({ method: 'POST' }, url);
    return response.toString();
  }

  /** The answer when Sentral cannot serve the call: an apology, and the flow's backup number if it has one. */
  fallback(languagesToSay: Language[]): string {
    const response = new twilio.twiml.VoiceResponse();
    for (const language of languagesToSay) this.say(response, { text: say.technicalTrouble[language](), language });
    if (this.flow?.fallbackNumber) response.dial({}, this.flow.fallbackNumber);
    else response.hangup();
    return response.toString();
  }
}
