import type { ChannelIdentification, ContactIntake, InvoiceFact, JourneyStep, Language, OrderFact, SelfService } from '@sentral/contract';
import { flowNode, isOpen, type ActionNode, type FlowNode, type IvrFlow, type MenuNode } from './flow.ts';
import {
  journeyText,
  orderStatusName,
  option,
  say,
  shipmentStatusName,
  shortDate,
  spokenDate,
  spokenDigits,
  spokenMoney,
  writtenMoney,
} from './prompts.ts';
import type { Awaiting, CallSession, InvoiceRef } from './session.ts';
import type { Ask, Line, Turn } from './twiml.ts';

/** What the caller answered to the last prompt: keys, speech, or the outcome of a <Pay>. */
export interface CallerInput {
  digits: string | null;
  speech: string | null;
  payment: { result: string; confirmation: string | null; error: string | null } | null;
}

export interface IvrDeps {
  selfService: SelfService;
  intake: ContactIntake;
  /** Remembers which call a newly opened contact belongs to. */
  linkContact(contactId: string, callSid: string): Promise<void>;
  now(): Date;
}

const MAX_MISSES = 3;
const MAX_VERIFICATION_ATTEMPTS = 3;
const MAX_SPOKEN_ITEMS = 3;
// Recursion guard: a flow whose nodes lead to each other without asking anything would loop forever.
const MAX_HOPS = 25;
/** How sure a verification makes us: a PIN is a secret, a postcode is only hard to guess. */
const VERIFIED_CONFIDENCE = { pin: 0.95, postcode: 0.8 } as const;
/** A caller who failed verification is shown as the customer they claimed to be, flagged as barely trusted. */
const CLAIMED_CONFIDENCE = 0.2;
const DOUBTED_PHONE_CONFIDENCE = 0.3;

const timeouts = { menu: 6, number: 10 } as const;

/**
 * The IVR as a state machine over one call's session. Each method takes a draft of the session,
 * changes it, and returns what to say next; the caller of these methods stores the draft with a
 * compare-and-set. Reads of back-office facts happen here; the only writes (opening the contact,
 * recording a payment) are idempotent by the call and step they belong to.
 */
export class Ivr {
  constructor(
    private readonly flow: IvrFlow,
    private readonly deps: IvrDeps,
  ) {}

  /** A new call: greeting, then the flow's first node. `customers` are the customers on the caller's number. */
  async begin(draft: CallSession, customers: Array<{ id: string; name: string; language: Language }>, confidence: number): Promise<Turn> {
    if (customers.length === 1) {
      const [customer] = customers as [(typeof customers)[number]];
      draft.identity = { customerId: customer.id, name: customer.name, method: 'phone', confidence };
      if (this.flow.languages.includes(customer.language)) draft.language = customer.language;
      this.journey(draft, 'identification', journeyText.recognised[draft.language]());
    } else if (customers.length > 1) {
      draft.candidates = customers.slice(0, 5).map(({ id, name }) => ({ id, name }));
    }
    return this.enter(draft, this.flow.start, [this.line(draft, this.flow.greeting[draft.language])]);
  }

  /** The caller answered the prompt the session is waiting on. */
  async input(draft: CallSession, input: CallerInput): Promise<Turn> {
    const awaiting = draft.awaiting;
    if (awaiting.kind === 'paying') return this.paid(draft, awaiting, input.payment);
    const digits = input.digits?.trim() || null;
    const speech = input.speech?.trim().toLowerCase() || null;
    if (!digits && !speech) return this.miss(draft, say.noInput[draft.language]());

    switch (awaiting.kind) {
      case 'language': {
        const index = Number(digits ?? this.spokenDigit(speech)) - 1;
        const language = this.flow.languages[index];
        if (!language) return this.miss(draft, say.invalidChoice[draft.language]());
        draft.language = language;
        draft.misses = 0;
        this.journey(draft, 'language', journeyText.language[language]());
        const node = flowNode(this.flow.nodes, awaiting.node);
        return this.enter(draft, node?.type === 'language' ? node.next : this.flow.start, []);
      }
      case 'customer':
        return this.choseCustomer(draft, awaiting.node, digits ?? this.spokenDigit(speech));
      case 'menu': {
        const node = this.nodeOf(awaiting.node, 'menu');
        const chosen = node && this.matchOption(node, draft.language, digits, speech);
        if (!chosen) return this.miss(draft, say.invalidChoice[draft.language]());
        draft.misses = 0;
        return this.enter(draft, chosen.next, []);
      }
      case 'digits': {
        const node = this.nodeOf(awaiting.node, 'action');
        const keyed = (digits ?? speech ?? '').replace(/\D/g, '');
        if (!node || !keyed) return this.miss(draft, say.invalidChoice[draft.language]());
        return this.answerKeyed(draft, awaiting.node, node, keyed);
      }
      case 'verify-reference': {
        const reference = (digits ?? speech ?? '').replace(/\D/g, '');
        if (!reference) return this.miss(draft, say.invalidChoice[draft.language]());
        draft.verification = { ...this.verificationOf(draft), reference };
        draft.misses = 0;
        return this.ask(draft, { kind: 'verify-secret', node: awaiting.node }, [], [this.line(draft, say.verifySecret[draft.language]())], 'number');
      }
      case 'verify-secret':
        return this.verify(draft, awaiting.node, (digits ?? speech ?? '').replace(/\D/g, ''));
      case 'invoice':
        return this.invoiceChoice(draft, awaiting, digits ?? this.spokenDigit(speech));
      case 'after-action': {
        const node = this.nodeOf(awaiting.node, 'action');
        const key = digits ?? this.spokenDigit(speech);
        if (node && key === '1') return this.enter(draft, node.next, []);
        if (node?.agent && key === '0') return this.enter(draft, node.agent, []);
        return this.miss(draft, say.invalidChoice[draft.language]());
      }
      case 'waiting':
      case 'done':
        return this.reprompt(draft, []);
    }
  }

  /** What the caller is being asked now, said again (a late or repeated request, or after "I didn't catch that"). */
  async reprompt(draft: CallSession, lines: Line[]): Promise<Turn> {
    const awaiting = draft.awaiting;
    const language = draft.language;
    switch (awaiting.kind) {
      case 'language':
        return this.ask(draft, awaiting, lines, this.languagePrompt(), 'menu');
      case 'customer':
        return this.ask(draft, awaiting, lines, this.customerPrompt(draft), 'menu');
      case 'menu': {
        const node = this.nodeOf(awaiting.node, 'menu');
        return node ? this.ask(draft, awaiting, lines, this.menuPrompt(node, language), 'menu', this.hints(node, language)) : this.enter(draft, this.flow.start, lines);
      }
      case 'digits': {
        const node = this.nodeOf(awaiting.node, 'action');
        return node ? this.askKeyed(draft, awaiting.node, node, lines) : this.enter(draft, this.flow.start, lines);
      }
      case 'verify-reference':
        return this.ask(draft, awaiting, lines, [this.line(draft, say.verifyReference[language]())], 'number');
      case 'verify-secret':
        return this.ask(draft, awaiting, lines, [this.line(draft, say.verifySecret[language]())], 'number');
      case 'invoice':
        return this.ask(draft, awaiting, lines, this.invoicePrompt(draft, awaiting.invoice, awaiting.index), 'menu');
      case 'paying':
        return { lines, end: this.payRequest(draft, awaiting.invoice) };
      case 'after-action': {
        const node = this.nodeOf(awaiting.node, 'action');
        return node ? this.afterAction(draft, awaiting.node, node, lines) : this.enter(draft, this.flow.start, lines);
      }
      case 'waiting':
        return { lines, end: { kind: 'wait' } };
      case 'done':
        return { lines, end: { kind: 'hangup' } };
    }
  }

  // ---- moving through the flow ---------------------------------------------------------------

  private async enter(draft: CallSession, nodeId: string, lines: Line[], hops = 0): Promise<Turn> {
    if (hops > MAX_HOPS) throw new Error(`flow "${this.flow.name}" loops without asking the caller anything`);
    const node: FlowNode | undefined = flowNode(this.flow.nodes, nodeId);
    if (!node) return this.enter(draft, this.flow.start, lines, hops + 1);
    const language = draft.language;
    // Several customers on the number: settle who is calling before menus that may need it.
    if (draft.candidates.length > 1 && (node.type === 'menu' || node.type === 'action' || node.type === 'agent')) {
      return this.ask(draft, { kind: 'customer', node: nodeId }, [...lines, this.line(draft, say.severalCustomers[language]())], this.customerPrompt(draft), 'menu');
    }
    switch (node.type) {
      case 'language':
        if (this.flow.languages.length === 1) {
          draft.language = this.flow.languages[0]!;
          return this.enter(draft, node.next, lines, hops + 1);
        }
        return this.ask(draft, { kind: 'language', node: nodeId }, lines, this.languagePrompt(), 'menu');
      case 'hours':
        return this.enter(draft, isOpen(this.flow, this.deps.now()) ? node.open : node.closed, lines, hops + 1);
      case 'menu':
        return this.ask(draft, { kind: 'menu', node: nodeId }, lines, this.menuPrompt(node, language), 'menu', this.hints(node, language));
      case 'message':
        lines.push(this.line(draft, node.text[language]));
        if (node.next) return this.enter(draft, node.next, lines, hops + 1);
        draft.awaiting = { kind: 'done' };
        return { lines, end: { kind: 'hangup' } };
      case 'agent':
        return this.toAgent(draft, node.queue, node.announce?.[language] ?? say.transferring[language](), lines, 'agent');
      case 'action':
        return this.act(draft, nodeId, node, lines);
    }
  }

  private async toAgent(draft: CallSession, queue: string, announcement: string, lines: Line[], step: 'agent' | 'escalated'): Promise<Turn> {
    this.journey(draft, 'agent', journeyText[step][draft.language](queue), { handover: queue });
    const handedOver = draft.contactId && this.deps.intake.handOver
      ? await this.deps.intake.handOver(draft.contactId, {
          journey: draft.journey,
          queueId: queue,
          identified: this.identification(draft),
          language: draft.language,
          displayName: draft.identity?.name ?? null,
        })
      : null;
    if (handedOver) {
      draft.queueId = queue;
      draft.awaiting = { kind: 'waiting' };
      lines.push(this.line(draft, announcement));
      return { lines, end: { kind: 'wait' } };
    }
    const opened = await this.deps.intake.open({
      channel: 'voice',
      externalId: draft.callSid,
      from: draft.from,
      to: draft.to,
      language: draft.language,
      queueId: queue,
      displayName: draft.identity?.name ?? null,
      journey: draft.journey,
      identified: this.identification(draft),
    });
    await this.deps.linkContact(opened.contactId, draft.callSid);
    draft.contactId = opened.contactId;
    draft.queueId = queue;
    draft.awaiting = { kind: 'waiting' };
    lines.push(this.line(draft, announcement));
    return { lines, end: { kind: 'wait' } };
  }

  /** What the IVR learnt about the caller, for the hub to use instead of matching the number again. */
  private identification(draft: CallSession): ChannelIdentification {
    if (!draft.identity) return { customerId: null, method: 'none', confidence: 0 };
    return { customerId: draft.identity.customerId, method: draft.identity.method, confidence: draft.identity.confidence };
  }

  private escalate(draft: CallSession, lines: Line[]): Promise<Turn> {
    const node = flowNode(this.flow.nodes, this.flow.escalate);
    if (node?.type !== 'agent') throw new Error(`flow "${this.flow.name}" has no agent node to escalate to`);
    return this.toAgent(draft, node.queue, say.transferring[draft.language](), lines, 'escalated');
  }

  private async miss(draft: CallSession, why: string): Promise<Turn> {
    draft.misses += 1;
    const lines = [this.line(draft, why)];
    if (draft.misses >= MAX_MISSES) {
      draft.misses = 0;
      return this.escalate(draft, lines);
    }
    return this.reprompt(draft, lines);
  }

  private async choseCustomer(draft: CallSession, nodeId: string, key: string | null): Promise<Turn> {
    const count = draft.candidates.length;
    if (key === '0') {
      this.journey(draft, 'identification', journeyText.noneOfCustomers[draft.language](count));
      draft.candidates = [];
      draft.misses = 0;
      return this.enter(draft, nodeId, []);
    }
    const chosen = key ? draft.candidates[Number(key) - 1] : undefined;
    if (!chosen) return this.miss(draft, say.invalidChoice[draft.language]());
    draft.identity = { customerId: chosen.id, name: chosen.name, method: 'phone', confidence: draft.identity?.confidence ?? 0.85 };
    this.journey(draft, 'identification', journeyText.choseCustomer[draft.language](count));
    draft.candidates = [];
    draft.misses = 0;
    return this.enter(draft, nodeId, []);
  }

  // ---- prompts --------------------------------------------------------------------------------

  private ask(draft: CallSession, awaiting: Awaiting, lines: Line[], prompt: Line[], kind: 'menu' | 'number', hints: string[] = []): Turn {
    draft.awaiting = awaiting;
    const input: Ask['input'] = kind === 'menu' ? { numDigits: 1, timeoutSeconds: timeouts.menu } : { finishOnKey: '#', timeoutSeconds: timeouts.number };
    return { lines, end: { kind: 'ask', prompt, input, speech: this.flow.speech ? { language: draft.language, hints } : null } };
  }

  private line(draft: CallSession, text: string): Line {
    return { text, language: draft.language };
  }

  private languagePrompt(): Line[] {
    return this.flow.languages.map((language, index) => ({ text: say.languageOption[language](String(index + 1)), language }));
  }

  private customerPrompt(draft: CallSession): Line[] {
    const language = draft.language;
    return [
      ...draft.candidates.map((candidate, index) => this.line(draft, say.customerOption[language](candidate.name, String(index + 1)))),
      this.line(draft, say.noneOfThese[language]()),
    ];
  }

  private menuPrompt(node: MenuNode, language: Language): Line[] {
    return [
      ...(node.prompt ? [{ text: node.prompt[language], language }] : []),
      ...node.options.map((o) => ({ text: option(language, o.label[language], o.key), language })),
    ];
  }

  private hints(node: MenuNode, language: Language): string[] {
    return node.options.flatMap((o) => o.keywords?.[language] ?? []);
  }

  private matchOption(node: MenuNode, language: Language, digits: string | null, speech: string | null): MenuNode['options'][number] | undefined {
    if (digits) return node.options.find((o) => o.key === digits);
    if (!speech) return undefined;
    return (
      node.options.find((o) => (o.keywords?.[language] ?? []).some((word) => speech.includes(word.toLowerCase()))) ??
      node.options.find((o) => o.key === this.spokenDigit(speech))
    );
  }

  private spokenDigit(speech: string | null): string | null {
    return speech?.match(/\d/)?.[0] ?? null;
  }

  private nodeOf<T extends FlowNode['type']>(id: string, type: T): Extract<FlowNode, { type: T }> | undefined {
    const node = flowNode(this.flow.nodes, id);
    return node?.type === type ? (node as Extract<FlowNode, { type: T }>) : undefined;
  }

  /** `data` holds the step's facts without language, read by the hub's summaries, reports and routing. */
  private journey(draft: CallSession, step: string, result: string, data?: Record<string, string>): void {
    draft.journey.push({ at: this.deps.now().toISOString(), step, result, ...(data ? { data } : {}) } satisfies JourneyStep);
  }

  // ---- self-service actions -------------------------------------------------------------------

  /** The queue an agent node sends callers to: its calendar's holidays count for delivery estimates. */
  private queueOf(nodeId: string): string | null {
    const node = this.flow.nodes[nodeId];
    return node?.type === 'agent' ? node.queue : null;
  }

  private hasCustomer(draft: CallSession): boolean {
    return Boolean(draft.identity?.customerId) && draft.identity?.method !== 'none';
  }

  private async act(draft: CallSession, nodeId: string, node: ActionNode, lines: Line[]): Promise<Turn> {
    const needsCustomer = node.action === 'invoice-balance' || node.action === 'pay-invoice';
    const requires = needsCustomer && node.requires === 'none' ? 'identified' : node.requires;
    const satisfied = requires === 'none' || (requires === 'identified' ? this.hasCustomer(draft) : draft.identity?.method === 'verified');
    if (!satisfied) return this.startVerification(draft, nodeId, lines);
    const customerId = draft.identity?.customerId ?? null;
    const { selfService } = this.deps;
    const language = draft.language;

    switch (node.action) {
      case 'order-status':
      case 'tracking': {
        if (!customerId || !this.hasCustomer(draft)) return this.askKeyed(draft, nodeId, node, lines);
        const orders = await selfService.openOrders(customerId);
        if (orders.length === 0) {
          lines.push(this.line(draft, say.noOpenOrders[language]()));
          this.journey(draft, node.action, journeyText.noOpenOrders[language](), { action: node.action, orders: '0' });
        } else {
          this.tellOrders(draft, node.action, orders.slice(0, MAX_SPOKEN_ITEMS), lines);
        }
        return this.afterAction(draft, nodeId, node, lines);
      }
      case 'stock':
      case 'delivery-estimate':
        return this.askKeyed(draft, nodeId, node, lines);
      case 'invoice-balance': {
        const invoices = await selfService.openInvoices(customerId!);
        this.tellInvoices(draft, invoices, lines);
        return this.afterAction(draft, nodeId, node, lines);
      }
      case 'pay-invoice': {
        const invoices = await selfService.openInvoices(customerId!);
        if (invoices.length === 0) {
          lines.push(this.line(draft, say.noInvoices[language]()));
          this.journey(draft, 'payment', journeyText.noInvoices[language](), { action: 'invoice-balance', invoices: '0' });
          return this.afterAction(draft, nodeId, node, lines);
        }
        const invoice = this.invoiceRef(invoices[0]!);
        const index = invoices.length > 1 ? 0 : -1;
        return this.ask(draft, { kind: 'invoice', node: nodeId, index, invoice }, lines, this.invoicePrompt(draft, invoice, index), 'menu');
      }
    }
  }

  private askKeyed(draft: CallSession, nodeId: string, node: ActionNode, lines: Line[]): Turn {
    const language = draft.language;
    const prompt =
      node.action === 'stock' ? say.enterProductNumber[language]() : node.action === 'delivery-estimate' ? say.enterPostcode[language]() : say.enterOrderNumber[language]();
    const turn = this.ask(draft, { kind: 'digits', node: nodeId }, lines, [this.line(draft, prompt)], 'number');
    // Postcodes have a fixed length: no # needed.
    if (node.action === 'delivery-estimate' && turn.end.kind === 'ask') turn.end.input = { numDigits: 4, timeoutSeconds: timeouts.number };
    return turn;
  }

  private async answerKeyed(draft: CallSession, nodeId: string, node: ActionNode, keyed: string): Promise<Turn> {
    const { selfService } = this.deps;
    const language = draft.language;
    const lines: Line[] = [];
    switch (node.action) {
      case 'order-status':
      case 'tracking': {
        const order = await selfService.order(keyed);
        if (!order) {
          this.journey(draft, node.action, journeyText.orderNotFound[language](keyed), { action: node.action, outcome: 'not-found', order: keyed });
          return this.miss(draft, say.orderNotFound[language]());
        }
        this.tellOrders(draft, node.action, [order], lines);
        break;
      }
      case 'stock': {
        const product = await selfService.stock(keyed);
        if (!product) {
          this.journey(draft, 'stock', journeyText.productNotFound[language](keyed), { action: 'stock', outcome: 'not-found', product: keyed });
          return this.miss(draft, say.productNotFound[language]());
        }
        const restock = product.restockDate ? spokenDate(product.restockDate, language, this.flow.timeZone) : null;
        lines.push(this.line(draft, product.inStock > 0 ? say.inStock[language](product.name, product.inStock) : say.outOfStock[language](product.name, restock)));
        this.journey(draft, 'stock', journeyText.stock[language](product.productNumber, product.name, product.inStock), {
          action: 'stock',
          outcome: 'succeeded',
          product: product.productNumber,
        });
        break;
      }
      case 'delivery-estimate': {
        const estimate = await selfService.deliveryEstimate(keyed, this.flow.country, this.deps.now(), this.queueOf(node.agent ?? this.flow.escalate));
        if (!estimate) {
          this.journey(draft, 'delivery-estimate', journeyText.postcodeUnknown[language](keyed), { action: 'delivery-estimate', outcome: 'not-found', postcode: keyed });
          return this.miss(draft, say.postcodeUnknown[language]());
        }
        const date = spokenDate(estimate.expectedDate, language, this.flow.timeZone);
        lines.push(this.line(draft, say.delivery[language](spokenDigits(estimate.postcode), estimate.workingDays, date)));
        this.journey(
          draft,
          'delivery-estimate',
          journeyText.delivery[language](estimate.postcode, estimate.workingDays, shortDate(estimate.expectedDate, language, this.flow.timeZone)),
          { action: 'delivery-estimate', outcome: 'succeeded', postcode: estimate.postcode, date: estimate.expectedDate },
        );
        break;
      }
      case 'invoice-balance':
      case 'pay-invoice':
        return this.act(draft, nodeId, node, lines);
    }
    draft.misses = 0;
    return this.afterAction(draft, nodeId, node, lines);
  }

  private tellOrders(draft: CallSession, action: 'order-status' | 'tracking', orders: OrderFact[], lines: Line[]): void {
    const language = draft.language;
    const zone = this.flow.timeZone;
    const noted: string[] = [];
    for (const order of orders) {
      const number = spokenDigits(order.number);
      const status = orderStatusName(order.status, language);
      const shipment = order.shipments[0];
      if (action === 'tracking' && shipment) {
        const shipmentStatus = shipmentStatusName(shipment.status, language);
        lines.push(this.line(draft, say.shipment[language](number, shipment.carrier, shipmentStatus)));
        noted.push(journeyText.shipment[language](order.number, shipment.carrier, shipmentStatus));
      } else if (action === 'tracking') {
        lines.push(this.line(draft, say.notShippedYet[language](number, status)));
        noted.push(journeyText.order[language](order.number, status, null));
      } else {
        lines.push(this.line(draft, say.orderStatus[language](number, status, order.expectedDelivery ? spokenDate(order.expectedDelivery, language, zone) : null)));
        noted.push(journeyText.order[language](order.number, status, order.expectedDelivery ? shortDate(order.expectedDelivery, language, zone) : null));
      }
    }
    this.journey(draft, action, noted.join('; '), { action, outcome: 'succeeded', order: orders.map((order) => order.number).join(', ') });
  }

  private tellInvoices(draft: CallSession, invoices: InvoiceFact[], lines: Line[]): void {
    const language = draft.language;
    if (invoices.length === 0) {
      lines.push(this.line(draft, say.noInvoices[language]()));
      this.journey(draft, 'invoice-balance', journeyText.noInvoices[language](), { action: 'invoice-balance', outcome: 'succeeded', invoices: '0' });
      return;
    }
    // One currency per customer in practice; the first invoice's currency names the sum.
    const currency = invoices[0]!.currency;
    const total = sumAmounts(invoices.filter((invoice) => invoice.currency === currency).map((invoice) => invoice.amount));
    const overdue = invoices.filter((invoice) => invoice.overdue).length;
    lines.push(this.line(draft, say.invoiceSummary[language](invoices.length, spokenMoney(total, currency, language), overdue)));
    this.journey(draft, 'invoice-balance', journeyText.invoices[language](invoices.length, writtenMoney(total, currency, language), overdue), {
      action: 'invoice-balance',
      outcome: 'succeeded',
      invoices: String(invoices.length),
      amount: total,
      currency,
    });
  }

  private afterAction(draft: CallSession, nodeId: string, node: ActionNode, lines: Line[]): Turn {
    const language = draft.language;
    const prompt = [this.line(draft, option(language, say.mainMenu[language](), '1'))];
    if (node.agent) prompt.push(this.line(draft, option(language, say.speakToAdviser[language](), '0')));
    return this.ask(draft, { kind: 'after-action', node: nodeId }, lines, prompt, 'menu');
  }

  // ---- invoices and <Pay> -----------------------------------------------------------------------

  private invoiceRef(invoice: InvoiceFact): InvoiceRef {
    return { number: invoice.number, amount: invoice.amount, currency: invoice.currency, dueDate: invoice.dueDate, overdue: invoice.overdue };
  }

  /** `index` is -1 when this is the only open invoice (no "next invoice" option). */
  private invoicePrompt(draft: CallSession, invoice: InvoiceRef, index: number): Line[] {
    const language = draft.language;
    const lines = [
      this.line(
        draft,
        say.invoiceOffer[language](spokenDigits(invoice.number), spokenMoney(invoice.amount, invoice.currency, language), spokenDate(invoice.dueDate, language, this.flow.timeZone), invoice.overdue),
      ),
      this.line(draft, option(language, say.payNow[language](), '1')),
    ];
    if (index >= 0) lines.push(this.line(draft, option(language, say.nextInvoice[language](), '2')));
    lines.push(this.line(draft, option(language, say.goBack[language](), '0')));
    return lines;
  }

  private async invoiceChoice(draft: CallSession, awaiting: Extract<Awaiting, { kind: 'invoice' }>, key: string | null): Promise<Turn> {
    const node = this.nodeOf(awaiting.node, 'action');
    if (!node) return this.enter(draft, this.flow.start, []);
    if (key === '1') {
      draft.misses = 0;
      draft.awaiting = { kind: 'paying', node: awaiting.node, invoice: awaiting.invoice };
      return { lines: [], end: this.payRequest(draft, awaiting.invoice) };
    }
    if (key === '0') return this.enter(draft, node.next, []);
    if (key === '2') {
      const invoices = await this.deps.selfService.openInvoices(draft.identity!.customerId!);
      if (invoices.length > 1) {
        const index = (Math.max(awaiting.index, 0) + 1) % invoices.length;
        const invoice = this.invoiceRef(invoices[index]!);
        return this.ask(draft, { kind: 'invoice', node: awaiting.node, index, invoice }, [], this.invoicePrompt(draft, invoice, index), 'menu');
      }
    }
    return this.miss(draft, say.invalidChoice[draft.language]());
  }

  private payRequest(draft: CallSession, invoice: InvoiceRef): Turn['end'] {
    return {
      kind: 'pay',
      invoice,
      description: `Invoice ${invoice.number}`,
      language: draft.language,
      connector: this.flow.payment.connector,
      maxAttempts: this.flow.payment.maxAttempts,
    };
  }

  private async paid(draft: CallSession, awaiting: Extract<Awaiting, { kind: 'paying' }>, payment: CallerInput['payment']): Promise<Turn> {
    const language = draft.language;
    const { invoice } = awaiting;
    const result = payment?.result ?? 'no-result';
    const succeeded = result === 'success';
    const failure = succeeded ? null : [result, payment?.error].filter(Boolean).join(': ');
    await this.deps.selfService.recordPayment({
      invoiceNumber: invoice.number,
      // The step is part of the reference: a redelivered result is recorded once, a second attempt again.
      reference: `twilio:${draft.callSid}:${draft.seq}`,
      channel: 'voice',
      amount: invoice.amount,
      currency: invoice.currency,
      succeeded,
      confirmation: succeeded ? payment?.confirmation ?? null : null,
      failure,
    });
    const lines = [this.line(draft, succeeded ? say.paySucceeded[language]() : say.payFailed[language]())];
    this.journey(
      draft,
      'payment',
      succeeded ? journeyText.paid[language](invoice.number, writtenMoney(invoice.amount, invoice.currency, language)) : journeyText.paymentFailed[language](invoice.number, result),
      { action: 'payment', outcome: succeeded ? 'succeeded' : 'failed', invoice: invoice.number, amount: invoice.amount, currency: invoice.currency },
    );
    const node = this.nodeOf(awaiting.node, 'action');
    return node ? this.afterAction(draft, awaiting.node, node, lines) : this.enter(draft, this.flow.start, lines);
  }

  // ---- verification ----------------------------------------------------------------------------

  private verificationOf(draft: CallSession): NonNullable<CallSession['verification']> {
    return draft.verification ?? { attempts: 0, reference: null, claimedCustomerId: null, failed: false };
  }

  private startVerification(draft: CallSession, resumeNodeId: string, lines: Line[]): Promise<Turn> | Turn {
    const verification = this.verificationOf(draft);
    // Whoever failed three times in this call talks to a person instead.
    if (verification.failed) return this.escalate(draft, lines);
    draft.verification = { ...verification, reference: null };
    return this.ask(draft, { kind: 'verify-reference', node: resumeNodeId }, lines, [this.line(draft, say.verifyReference[draft.language]())], 'number');
  }

  private async verify(draft: CallSession, resumeNodeId: string, secret: string): Promise<Turn> {
    const language = draft.language;
    const verification = this.verificationOf(draft);
    const result = verification.reference && secret ? await this.deps.selfService.verify(verification.reference, secret) : { verified: false as const, claimedCustomerId: null };
    if (result.verified) {
      draft.identity = { customerId: result.customer.id, name: result.customer.name, method: 'verified', confidence: VERIFIED_CONFIDENCE[result.factor] };
      draft.verification = { ...verification, reference: null };
      draft.candidates = [];
      draft.misses = 0;
      this.journey(draft, 'verification', journeyText.verified[language](result.factor), { verification: 'verified', factor: result.factor });
      return this.enter(draft, resumeNodeId, [this.line(draft, say.verified[language]())]);
    }
    const attempts = verification.attempts + 1;
    const claimedCustomerId = result.claimedCustomerId ?? verification.claimedCustomerId;
    draft.verification = { attempts, reference: null, claimedCustomerId, failed: attempts >= MAX_VERIFICATION_ATTEMPTS };
    if (attempts < MAX_VERIFICATION_ATTEMPTS) {
      return this.ask(draft, { kind: 'verify-reference', node: resumeNodeId }, [this.line(draft, say.verifyFailed[language]())], [this.line(draft, say.verifyReference[language]())], 'number');
    }
    this.journey(draft, 'verification', journeyText.notVerified[language](attempts), { verification: 'failed', attempts: String(attempts) });
    // Routed anyway, with the agent told how little we trust the claim.
    if (claimedCustomerId) draft.identity = { customerId: claimedCustomerId, name: null, method: 'none', confidence: CLAIMED_CONFIDENCE };
    else if (draft.identity) draft.identity = { ...draft.identity, confidence: Math.min(draft.identity.confidence, DOUBTED_PHONE_CONFIDENCE) };
    return this.escalate(draft, [this.line(draft, say.verifyGaveUp[language]())]);
  }
}

/** Adds decimal amounts given as text without floating-point drift. */
export function sumAmounts(amounts: string[]): string {
  const cents = amounts.reduce((total, amount) => {
    const [whole = '0', fraction = ''] = amount.split('.');
    const sign = whole.startsWith('-') ? -1n : 1n;
    return total + BigInt(whole) * 100n + sign * BigInt(fraction.padEnd(2, '0').slice(0, 2) || '0');
  }, 0n);
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  return `${negative ? '-' : ''}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}
