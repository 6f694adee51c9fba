import type {
  ChatLink,
  ChatOption,
  IdentificationMethod,
  IntentClassifier,
  JourneyStep,
  KnowledgeBase,
  Language,
  OrderFact,
  SelfService,
} from '@sentral/contract';
import { orderStatusName, shipmentStatusName, writtenMoney } from '@sentral/connector-voice';
import { personalActions, type BotAction, type BotFlow, type BotMenuNode, type BotNode } from './flow.ts';
import { botJourney, botSays, goodbyeWords, personWords } from './texts.ts';

/** Where a conversation is in its flow and who the customer is, kept between messages. */
export interface EngineSession {
  v: 1;
  language: Language;
  awaiting:
    | { kind: 'menu'; node: string }
    | { kind: 'value'; node: string }
    | { kind: 'question'; node: string }
    | { kind: 'verify-reference'; node: string }
    | { kind: 'verify-secret'; node: string; reference: string }
    | { kind: 'after'; node: string }
    | { kind: 'done' };
  identity: { customerId: string | null; method: IdentificationMethod; confidence: number } | null;
  verifyAttempts: number;
  journey: JourneyStep[];
  misses: number;
  /** The newest customer message answered: a redelivered one is not answered twice. */
  lastSeq: number;
}

export interface EngineInput {
  text: string | null;
  optionId: string | null;
}

/** One bot message as a channel renders it: text, buttons and links. */
export interface Said {
  text: string;
  options?: ChatOption[];
  links?: ChatLink[];
}

type Outcome = { kind: 'continue' } | { kind: 'handover'; queue: string } | { kind: 'finished' };

export interface EngineTurn {
  said: Said[];
  outcome: Outcome;
}

export interface EngineDeps {
  selfService: SelfService;
  /** Reads intents from free text; without it, options and keywords still work. */
  classifier?: IntentClassifier | null;
  knowledge?: KnowledgeBase | null;
  /** Queue whose calendar counts for delivery estimates. */
  calendarQueue?: string | null;
  now(): Date;
}

const MAX_MISSES = 3;
const MAX_VERIFICATION_ATTEMPTS = 3;
const MAX_LISTED = 3;
/** A classifier guess below this is not trusted: keywords, then the knowledge base, then "talk to a person". */
const INTENT_FLOOR = 0.6;
const MAX_HOPS = 20;
const VERIFIED_CONFIDENCE = { pin: 0.95, postcode: 0.8 } as const;

const intlLocale: Record<Language, string> = { nb: 'nb-NO', da: 'da-DK', en: 'en-GB' };

/**
 * The self-service flow engine: flows as data, the same node meanings as the IVR, channel-neutral
 * input (a chosen option or free text) and output (texts with options and links). Each call takes a
 * draft of the session, changes it, and says what to answer; the caller stores the draft with a
 * compare-and-set, like the IVR's sessions.
 */
export class FlowEngine {
  constructor(
    private readonly flow: BotFlow,
    private readonly deps: EngineDeps,
  ) {}

  /** A new conversation: greeting and the first node; `first` is the customer's opening message, if any. */
  async begin(draft: EngineSession, first: EngineInput | null): Promise<EngineTurn> {
    const said: Said[] = [{ text: this.flow.greeting[draft.language] }];
    // An opening message that already says what the customer wants is answered at once.
    if (first && (first.optionId || first.text)) {
      const choice = await this.chooseFromMenu(draft, this.flow.start, first);
      if (choice) return this.enter(draft, choice, said);
      if (this.wantsPerson(draft, first)) return this.toAgent(draft, this.flow.escalate, said);
    }
    return this.enter(draft, this.flow.start, said);
  }

  async input(draft: EngineSession, input: EngineInput): Promise<EngineTurn> {
    const awaiting = draft.awaiting;
    if (awaiting.kind === 'done') return { said: [], outcome: { kind: 'continue' } };
    if (this.wantsPerson(draft, input)) return this.toAgent(draft, 'node' in awaiting ? this.agentFor(awaiting.node) : this.flow.escalate, []);
    if (input.optionId === 'done' || this.saysGoodbye(draft, input.text)) return this.finish(draft);
    if (input.optionId === 'menu') return this.enter(draft, this.flow.start, []);
    // Proven meanwhile another way (a one-time code in the widget): the question for a number is moot.
    if ((awaiting.kind === 'verify-reference' || awaiting.kind === 'verify-secret') && this.verified(draft)) return this.enter(draft, awaiting.node, []);
    const text = input.text?.trim() ?? '';
    switch (awaiting.kind) {
      case 'menu':
      case 'after': {
        const menuNode = awaiting.kind === 'menu' ? awaiting.node : this.flow.start;
        const choice = await this.chooseFromMenu(draft, menuNode, input);
        if (choice) return this.enter(draft, choice, []);
        const answer = text ? await this.answerFromKnowledge(draft, text) : null;
        if (answer) return this.afterAnswer(draft, awaiting.node, answer);
        return this.miss(draft, text, menuNode);
      }
      case 'value':
        return this.answerValue(draft, awaiting.node, text);
      case 'question': {
        const node = this.flow.nodes[awaiting.node];
        const answer = text ? await this.answerFromKnowledge(draft, text) : null;
        if (answer) return this.afterAnswer(draft, awaiting.node, answer);
        this.step(draft, 'knowledge', botSays.noArticle[draft.language](), { action: 'knowledge', outcome: 'not-found' });
        return this.afterAnswer(draft, node?.type === 'knowledge' ? awaiting.node : this.flow.start, [{ text: botSays.noArticle[draft.language]() }]);
      }
      case 'verify-reference': {
        const reference = text.replace(/\s/g, '');
        if (!reference) return this.ask(draft, awaiting, [{ text: botSays.verifyReference[draft.language]() }]);
        return this.ask(draft, { kind: 'verify-secret', node: awaiting.node, reference }, [{ text: botSays.verifySecret[draft.language]() }]);
      }
      case 'verify-secret':
        return this.verify(draft, awaiting.node, awaiting.reference, text.replace(/\s/g, ''));
    }
  }

  // ---- moving through the flow ---------------------------------------------------------------

  private async enter(draft: EngineSession, nodeId: string, said: Said[], hops = 0): Promise<EngineTurn> {
    if (hops > MAX_HOPS) throw new Error(`bot flow "${this.flow.name}" loops without asking anything`);
    const node: BotNode | undefined = this.flow.nodes[nodeId];
    if (!node) return this.enter(draft, this.flow.start, said, hops + 1);
    const language = draft.language;
    draft.misses = 0;
    switch (node.type) {
      case 'menu':
        return this.ask(draft, { kind: 'menu', node: nodeId }, [...said, { text: node.prompt[language], options: this.menuOptions(node, language) }]);
      case 'agent':
        return this.toAgent(draft, nodeId, said);
      case 'message':
        said.push({ text: node.text[language] });
        if (node.next) return this.enter(draft, node.next, said, hops + 1);
        return this.finish(draft, said);
      case 'knowledge':
        return this.ask(draft, { kind: 'question', node: nodeId }, [...said, { text: node.prompt?.[language] ?? botSays.askQuestion[language]() }]);
      case 'action':
        return this.act(draft, nodeId, node.action, said);
    }
  }

  private ask(draft: EngineSession, awaiting: EngineSession['awaiting'], said: Said[]): EngineTurn {
    draft.awaiting = awaiting;
    return { said: this.withPersonOption(draft, said), outcome: { kind: 'continue' } };
  }

  /** "Talk to a person" is always one tap away: the last message of every turn carries it. */
  private withPersonOption(draft: EngineSession, said: Said[]): Said[] {
    const last = said.at(-1);
    if (!last) return said;
    const options = last.options ?? [];
    if (!options.some((o) => o.id === 'agent')) last.options = [...options, { id: 'agent', label: botSays.talkToPerson[draft.language]() }];
    return said;
  }

  private menuOptions(node: BotMenuNode, language: Language): ChatOption[] {
    return node.options.map((o) => ({ id: o.id, label: o.label[language] }));
  }

  private async toAgent(draft: EngineSession, nodeId: string, said: Said[]): Promise<EngineTurn> {
    const node = this.flow.nodes[nodeId];
    const queue = node?.type === 'agent' ? node.queue : this.escalateQueue();
    this.step(draft, 'agent', botJourney.handover[draft.language](queue), { handover: queue });
    draft.awaiting = { kind: 'done' };
    const announce = node?.type === 'agent' ? node.announce?.[draft.language] : undefined;
    return { said: [...said, { text: announce ?? botSays.handover[draft.language]() }], outcome: { kind: 'handover', queue } };
  }

  private escalateQueue(): string {
    const node = this.flow.nodes[this.flow.escalate];
    return node?.type === 'agent' ? node.queue : 'support';
  }

  /** The agent node an action leads to when the customer wants a person there, else the flow's. */
  private agentFor(nodeId: string): string {
    const node = this.flow.nodes[nodeId];
    return node?.type === 'action' && node.agent ? node.agent : this.flow.escalate;
  }

  private finish(draft: EngineSession, said: Said[] = []): EngineTurn {
    draft.awaiting = { kind: 'done' };
    return { said: [...said, { text: botSays.goodbye[draft.language]() }], outcome: { kind: 'finished' } };
  }

  private miss(draft: EngineSession, text: string, menuNode: string): Promise<EngineTurn> | EngineTurn {
    draft.misses += 1;
    if (text) this.step(draft, 'not-understood', botJourney.notUnderstood[draft.language](text.slice(0, 200)));
    const node = this.flow.nodes[menuNode];
    const options = node?.type === 'menu' ? this.menuOptions(node, draft.language) : [];
    // Low confidence: the person is offered first.
    const personFirst: ChatOption[] = [{ id: 'agent', label: botSays.talkToPerson[draft.language]() }, ...options];
    if (draft.misses >= MAX_MISSES) return this.toAgent(draft, this.flow.escalate, []);
    return this.ask(draft, { kind: 'menu', node: node?.type === 'menu' ? menuNode : this.flow.start }, [{ text: botSays.notSure[draft.language](), options: personFirst }]);
  }

  private afterAnswer(draft: EngineSession, nodeId: string, said: Said[]): EngineTurn {
    draft.misses = 0;
    const language = draft.language;
    const options: ChatOption[] = [
      { id: 'menu', label: botSays.mainMenu[language]() },
      { id: 'done', label: botSays.thatsAll[language]() },
    ];
    return this.ask(draft, { kind: 'after', node: nodeId }, [...said, { text: botSays.anythingElse[language](), options }]);
  }

  // ---- understanding ----------------------------------------------------------------------------

  private matches(text: string | null | undefined, words: readonly string[]): boolean {
    const lower = text?.toLowerCase() ?? '';
    return lower.length > 0 && words.some((word) => lower.includes(word.toLowerCase()));
  }

  private wantsPerson(draft: EngineSession, input: EngineInput): boolean {
    return input.optionId === 'agent' || (!input.optionId && this.matches(input.text, personWords[draft.language]));
  }

  private saysGoodbye(draft: EngineSession, text: string | null): boolean {
    return this.matches(text, goodbyeWords[draft.language]);
  }

  /** The menu option a tapped button, an intent or a keyword picks; null when nothing does. */
  private async chooseFromMenu(draft: EngineSession, menuId: string, input: EngineInput): Promise<string | null> {
    const node = this.flow.nodes[menuId];
    if (node?.type !== 'menu') return null;
    const language = draft.language;
    const record = (option: BotMenuNode['options'][number], via: Record<string, string>) => {
      this.step(draft, 'intent', botJourney.intent[language](option.label[language]), { option: option.id, ...via });
      return option.next;
    };
    if (input.optionId) {
      const option = node.options.find((o) => o.id === input.optionId);
      return option ? record(option, { via: 'option' }) : null;
    }
    const text = input.text?.trim();
    if (!text) return null;
    if (this.deps.classifier) {
      const guess = await this.deps.classifier.classify(text, language);
      const option = guess.intent && guess.score >= INTENT_FLOOR ? node.options.find((o) => o.intents?.includes(guess.intent!)) : undefined;
      if (option) return record(option, { via: 'intent', intent: guess.intent!, score: guess.score.toFixed(2) });
    }
    const byKeyword = node.options.find((o) => this.matches(text, o.keywords?.[language] ?? []));
    return byKeyword ? record(byKeyword, { via: 'keyword' }) : null;
  }

  /** The answer from the knowledge base with the article linked; null when nothing fits or there is no knowledge base. */
  private async answerFromKnowledge(draft: EngineSession, question: string): Promise<Said[] | null> {
    if (!this.deps.knowledge) return null;
    const [hit] = await this.deps.knowledge.search(question, draft.language, 3);
    if (!hit) return null;
    this.step(draft, 'knowledge', hit.title, { action: 'knowledge', outcome: 'succeeded', article: hit.slug, title: hit.title });
    return [{ text: botSays.article[draft.language](hit.title, hit.snippet), links: [{ title: hit.title, url: hit.url }] }];
  }

  // ---- self-service actions -----------------------------------------------------------------------

  private verified(draft: EngineSession): boolean {
    return draft.identity?.method === 'verified' && Boolean(draft.identity.customerId);
  }

  private async act(draft: EngineSession, nodeId: string, action: BotAction, said: Said[]): Promise<EngineTurn> {
    const language = draft.language;
    // Orders and invoices only to a verified identity; anything else (an email typed in the chat) is only claimed.
    if (personalActions.has(action) && !this.verified(draft)) {
      if (draft.verifyAttempts >= MAX_VERIFICATION_ATTEMPTS) return this.toAgent(draft, this.agentFor(nodeId), said);
      return this.ask(draft, { kind: 'verify-reference', node: nodeId }, [...said, { text: botSays.verifyReference[language]() }]);
    }
    const customerId = draft.identity?.customerId ?? '';
    switch (action) {
      case 'order-status':
      case 'tracking': {
        const orders = await this.deps.selfService.openOrders(customerId);
        if (orders.length === 0) {
          this.step(draft, action, botSays.noOpenOrders[language](), { action, outcome: 'succeeded', orders: '0' });
          return this.afterAnswer(draft, nodeId, [...said, { text: botSays.noOpenOrders[language]() }]);
        }
        const listed = orders.slice(0, MAX_LISTED);
        const lines = listed.map((order) => this.orderLine(action, order, language));
        this.step(draft, action, lines.join(' '), { action, outcome: 'succeeded', order: listed.map((order) => order.number).join(', ') });
        return this.afterAnswer(draft, nodeId, [...said, { text: lines.join('\n') }]);
      }
      case 'invoice-balance': {
        const invoices = await this.deps.selfService.openInvoices(customerId);
        const text =
          invoices.length === 0
            ? botSays.noInvoices[language]()
            : invoices
                .slice(0, MAX_LISTED)
                .map((invoice) => botSays.invoice[language](invoice.number, writtenMoney(invoice.amount, invoice.currency, language), this.date(invoice.dueDate, language), invoice.overdue))
                .join('\n');
        this.step(draft, 'invoice-balance', text, { action: 'invoice-balance', outcome: 'succeeded', invoices: String(invoices.length) });
        return this.afterAnswer(draft, nodeId, [...said, { text }]);
      }
      case 'stock':
        return this.ask(draft, { kind: 'value', node: nodeId }, [...said, { text: botSays.askProduct[language]() }]);
      case 'delivery-estimate':
        return this.ask(draft, { kind: 'value', node: nodeId }, [...said, { text: botSays.askPostcode[language]() }]);
    }
  }

  private orderLine(action: 'order-status' | 'tracking', order: OrderFact, language: Language): string {
    const status = orderStatusName(order.status, language);
    const shipment = order.shipments[0];
    if (action === 'tracking') {
      return shipment
        ? botSays.shipment[language](order.number, shipment.carrier, shipmentStatusName(shipment.status, language), shipment.trackingNumber)
        : botSays.notShipped[language](order.number, status);
    }
    return botSays.order[language](order.number, status, order.expectedDelivery ? this.date(order.expectedDelivery, language) : null);
  }

  private async answerValue(draft: EngineSession, nodeId: string, text: string): Promise<EngineTurn> {
    const node = this.flow.nodes[nodeId];
    const language = draft.language;
    if (node?.type !== 'action') return this.enter(draft, this.flow.start, []);
    const value = text.replace(/\s/g, '');
    if (node.action === 'stock') {
      const product = value ? await this.deps.selfService.stock(value) : null;
      if (!product) {
        this.step(draft, 'stock', botSays.productNotFound[language](), { action: 'stock', outcome: 'not-found', product: value.slice(0, 40) });
        return this.valueMiss(draft, nodeId, botSays.productNotFound[language](), botSays.askProduct[language]());
      }
      const restock = product.restockDate ? this.date(product.restockDate, language) : null;
      const answer = product.inStock > 0 ? botSays.inStock[language](product.name, product.inStock) : botSays.outOfStock[language](product.name, restock);
      this.step(draft, 'stock', answer, { action: 'stock', outcome: 'succeeded', product: product.productNumber });
      return this.afterAnswer(draft, nodeId, [{ text: answer }]);
    }
    const estimate = /^\d{4,5}$/.test(value) ? await this.deps.selfService.deliveryEstimate(value, this.flow.country, this.deps.now(), this.queueOf(node.agent)) : null;
    if (!estimate) {
      this.step(draft, 'delivery-estimate', botSays.postcodeUnknown[language](), { action: 'delivery-estimate', outcome: 'not-found', postcode: value.slice(0, 10) });
      return this.valueMiss(draft, nodeId, botSays.postcodeUnknown[language](), botSays.askPostcode[language]());
    }
    const answer = botSays.delivery[language](estimate.postcode, estimate.workingDays, this.date(estimate.expectedDate, language));
    this.step(draft, 'delivery-estimate', answer, { action: 'delivery-estimate', outcome: 'succeeded', postcode: estimate.postcode, date: estimate.expectedDate });
    return this.afterAnswer(draft, nodeId, [{ text: answer }]);
  }

  private valueMiss(draft: EngineSession, nodeId: string, why: string, again: string): Promise<EngineTurn> | EngineTurn {
    draft.misses += 1;
    if (draft.misses >= MAX_MISSES) return this.toAgent(draft, this.agentFor(nodeId), [{ text: why }]);
    return this.ask(draft, { kind: 'value', node: nodeId }, [{ text: `${why} ${again}` }]);
  }

  private queueOf(nodeId: string | undefined): string | null {
    const node = nodeId ? this.flow.nodes[nodeId] : undefined;
    return node?.type === 'agent' ? node.queue : (this.deps.calendarQueue ?? null);
  }

  private async verify(draft: EngineSession, nodeId: string, reference: string, secret: string): Promise<EngineTurn> {
    const language = draft.language;
    const result = reference && secret ? await this.deps.selfService.verify(reference, secret) : { verified: false as const, claimedCustomerId: null };
    if (result.verified) {
      draft.identity = { customerId: result.customer.id, method: 'verified', confidence: VERIFIED_CONFIDENCE[result.factor] };
      draft.verifyAttempts = 0;
      this.step(draft, 'verification', botJourney.verified[language](result.factor), { verification: 'verified', factor: result.factor });
      return this.enter(draft, nodeId, [{ text: botSays.verified[language]() }]);
    }
    draft.verifyAttempts += 1;
    if (draft.verifyAttempts < MAX_VERIFICATION_ATTEMPTS) {
      return this.ask(draft, { kind: 'verify-reference', node: nodeId }, [{ text: botSays.verifyFailed[language]() }, { text: botSays.verifyReference[language]() }]);
    }
    this.step(draft, 'verification', botJourney.notVerified[language](draft.verifyAttempts), { verification: 'failed', attempts: String(draft.verifyAttempts) });
    return this.toAgent(draft, this.agentFor(nodeId), [{ text: botSays.verifyGaveUp[language]() }]);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private step(draft: EngineSession, step: string, result: string, data?: Record<string, string>): void {
    draft.journey.push({ at: this.deps.now().toISOString(), step, result: result.slice(0, 2000), ...(data ? { data } : {}) });
  }

  private date(iso: string, language: Language): string {
    return new Intl.DateTimeFormat(intlLocale[language], { day: 'numeric', month: 'long', timeZone: this.flow.timeZone }).format(new Date(iso));
  }
}
