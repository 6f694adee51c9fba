import { XMLValidator } from 'fast-xml-parser';
import { parseTwimlRoots, type TwimlElement } from '../../services/simulator/src/voice/twiml.ts';

export { findAll, spoken, type TwimlElement } from '../../services/simulator/src/voice/twiml.ts';

/**
 * Checks TwiML the way Twilio reads it: well-formed XML, a <Response> root, only Twilio's voice
 * verbs and nouns where they may appear, and only their documented attributes with valid values.
 * The table follows Twilio's TwiML voice reference.
 */

type AttributeCheck = (value: string) => boolean;

const bool: AttributeCheck = (v) => v === 'true' || v === 'false';
const posInt: AttributeCheck = (v) => /^[1-9]\d*$/.test(v);
const nonNegInt: AttributeCheck = (v) => /^\d+$/.test(v);
const method: AttributeCheck = (v) => v === 'GET' || v === 'POST';
const url: AttributeCheck = (v) => /^https?:\/\/[^\s]+$/.test(v);
const any: AttributeCheck = (v) => v.length > 0;
const oneOf =
  (...values: string[]): AttributeCheck =>
  (v) =>
    values.includes(v);
const listOf =
  (...values: string[]): AttributeCheck =>
  (v) =>
    v.split(/\s+/).every((part) => values.includes(part));
const sayLanguages = ['da-DK', 'de-DE', 'en-AU', 'en-CA', 'en-GB', 'en-IN', 'en-US', 'es-ES', 'es-MX', 'fi-FI', 'fr-CA', 'fr-FR', 'is-IS', 'it-IT', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR', 'pt-PT', 'sv-SE'];

interface VerbSpec {
  attributes: Record<string, AttributeCheck>;
  children: string[];
  /** Whether the element may hold text (a sentence, a URL, a number, a conference name). */
  text: 'required' | 'optional' | 'none';
}

const gatherChildren = ['Say', 'Play', 'Pause'];

export const voiceTwiml: Record<string, VerbSpec> = {
  Response: { attributes: {}, children: ['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Hangup', 'Dial', 'Pay', 'Enqueue', 'Leave', 'Record', 'Reject', 'Connect', 'Refer', 'Start', 'Stop'], text: 'none' },
  Say: { attributes: { voice: any, language: oneOf(...sayLanguages), loop: nonNegInt }, children: [], text: 'required' },
  Play: { attributes: { loop: nonNegInt, digits: (v) => /^[0-9wW*#]+$/.test(v) }, children: [], text: 'optional' },
  Pause: { attributes: { length: posInt }, children: [], text: 'none' },
  Gather: {
    attributes: {
      action: url,
      actionOnEmptyResult: bool,
      bargeIn: bool,
      debug: bool,
      enhanced: bool,
      finishOnKey: (v) => /^[0-9*#]?$/.test(v),
      hints: any,
      input: listOf('dtmf', 'speech'),
      language: any,
      maxSpeechTime: posInt,
      method,
      numDigits: posInt,
      partialResultCallback: url,
      partialResultCallbackMethod: method,
      profanityFilter: bool,
      speechModel: any,
      speechTimeout: (v) => v === 'auto' || nonNegInt(v),
      timeout: nonNegInt,
    },
    children: gatherChildren,
    text: 'none',
  },
  Redirect: { attributes: { method }, children: [], text: 'required' },
  Hangup: { attributes: {}, children: [], text: 'none' },
  Reject: { attributes: { reason: oneOf('rejected', 'busy') }, children: [], text: 'none' },
  Dial: {
    attributes: {
      action: url,
      answerOnBridge: bool,
      callerId: any,
      hangupOnStar: bool,
      method,
      record: oneOf('do-not-record', 'record-from-answer', 'record-from-ringing', 'record-from-answer-dual', 'record-from-ringing-dual'),
      recordingStatusCallback: url,
      recordingStatusCallbackMethod: method,
      recordingStatusCallbackEvent: listOf('in-progress', 'completed', 'absent'),
      recordingTrack: oneOf('both', 'inbound', 'outbound'),
      ringTone: any,
      sequential: bool,
      timeLimit: posInt,
      timeout: posInt,
      trim: oneOf('trim-silence', 'do-not-trim'),
    },
    children: ['Number', 'Client', 'Conference', 'Queue', 'Sip', 'Application'],
    text: 'optional',
  },
  Conference: {
    attributes: {
      muted: bool,
      beep: oneOf('true', 'false', 'onEnter', 'onExit'),
      startConferenceOnEnter: bool,
      endConferenceOnExit: bool,
      waitUrl: (v) => v === '' || url(v),
      waitMethod: method,
      maxParticipants: posInt,
      record: oneOf('do-not-record', 'record-from-start'),
      region: any,
      coach: any,
      trim: oneOf('trim-silence', 'do-not-trim'),
      statusCallbackEvent: listOf('start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'),
      statusCallback: url,
      statusCallbackMethod: method,
      recordingStatusCallback: url,
      recordingStatusCallbackMethod: method,
      recordingStatusCallbackEvent: listOf('in-progress', 'completed', 'absent'),
      eventCallbackUrl: url,
      jitterBufferSize: oneOf('large', 'medium', 'small', 'off'),
      participantLabel: any,
    },
    children: [],
    text: 'required',
  },
  Number: { attributes: { sendDigits: any, url, method, statusCallbackEvent: any, statusCallback: url, statusCallbackMethod: method }, children: [], text: 'required' },
  Client: { attributes: { url, method, statusCallbackEvent: any, statusCallback: url, statusCallbackMethod: method }, children: ['Identity', 'Parameter'], text: 'optional' },
  Pay: {
    attributes: {
      action: url,
      bankAccountType: oneOf('consumer-checking', 'consumer-savings', 'commercial-checking'),
      chargeAmount: (v) => /^\d+(\.\d{1,2})?$/.test(v),
      currency: (v) => /^[a-z]{3}$/.test(v),
      description: any,
      input: oneOf('dtmf'),
      language: oneOf('de-DE', 'en-AU', 'en-CA', 'en-GB', 'en-IN', 'en-IE', 'en-NZ', 'en-PH', 'en-ZA', 'en-US', 'es-ES', 'es-US', 'fr-CA', 'fr-FR', 'it-IT'),
      maxAttempts: oneOf('1', '2', '3'),
      minPostalCodeLength: posInt,
      paymentConnector: any,
      paymentMethod: oneOf('ach-debit', 'credit-card'),
      postalCode: any,
      securityCode: bool,
      statusCallback: url,
      statusCallbackMethod: method,
      timeout: posInt,
      tokenType: oneOf('one-time', 'reusable', 'payment-method'),
      validCardTypes: listOf('visa', 'mastercard', 'amex', 'maestro', 'discover', 'optima', 'jcb', 'diners-club', 'enroute'),
    },
    children: ['Prompt', 'Parameter'],
    text: 'none',
  },
  Prompt: {
    attributes: {
      for: oneOf('payment-card-number', 'expiration-date', 'security-code', 'postal-code', 'payment-processing', 'bank-account-number', 'bank-routing-number'),
      errorType: listOf(
        'timeout',
        'invalid-card-number',
        'invalid-card-type',
        'invalid-date',
        'invalid-security-code',
        'invalid-postal-code',
        'invalid-bank-routing-number',
        'invalid-bank-account-number',
        'input-matching-failed',
      ),
      cardType: listOf('visa', 'mastercard', 'amex', 'maestro', 'discover', 'optima', 'jcb', 'diners-club', 'enroute'),
      attempt: (v) => v.split(/\s+/).every(posInt),
      requireMatchingInputs: bool,
    },
    children: gatherChildren,
    text: 'none',
  },
  Parameter: { attributes: { name: any, value: any }, children: [], text: 'none' },
};

/** Parses and checks one TwiML document; throws naming the first problem. Returns the <Response>. */
export function checkTwiml(xml: string): TwimlElement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`TwiML is not well-formed XML: ${valid.err.msg}\n${xml}`);
  if (!xml.startsWith('<?xml')) throw new Error(`TwiML lacks the XML declaration:\n${xml}`);
  const roots = parseTwimlRoots(xml);
  if (roots.length !== 1 || roots[0]!.name !== 'Response') throw new Error(`TwiML must have one <Response> root:\n${xml}`);
  const check = (element: TwimlElement, parent: string | null) => {
    const spec = voiceTwiml[element.name];
    if (!spec) throw new Error(`<${element.name}> is not a Twilio voice verb or noun:\n${xml}`);
    if (parent && !voiceTwiml[parent]!.children.includes(element.name)) throw new Error(`<${element.name}> may not appear inside <${parent}>:\n${xml}`);
    for (const [attribute, value] of Object.entries(element.attributes)) {
      const valid = spec.attributes[attribute];
      if (!valid) throw new Error(`<${element.name}> has no attribute "${attribute}":\n${xml}`);
      if (!valid(value)) throw new Error(`<${element.name} ${attribute}="${value}"> is not a valid value:\n${xml}`);
    }
    if (spec.text === 'required' && !element.text.trim()) throw new Error(`<${element.name}> needs text:\n${xml}`);
    if (spec.text === 'none' && element.text.trim()) throw new Error(`<${element.name}> may not hold text:\n${xml}`);
    for (const child of element.children) check(child, element.name);
  };
  check(roots[0]!, null);
  return roots[0]!;
}
