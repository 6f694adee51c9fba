import type { Channel, InternalNote, JourneyStep, ScreenPop, ScreenPopCustomer } from '@sentral/contract';
import type { CustomerView } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Icon } from './icons.tsx';

const closedOrderStatuses = new Set(['delivered', 'cancelled']);
// Self-service contacts are over when they end there, and are no open case while the customer is still in them.
const closedContactStatuses = new Set(['ended', 'abandoned', 'self-service', 'self-served', 'abandoned-in-self-service']);

/** The 360 view in the screen pop's shape, so a restored or newly linked contact shows the same panel as a fresh offer. */
export function popFromView(view: CustomerView, currentContactId: string | null, base: Pick<ScreenPop, 'identification' | 'journey'>): ScreenPop {
  const now = Date.now();
  const others = view.timeline.filter((contact) => contact.id !== currentContactId);
  return {
    identification: base.identification,
    journey: base.journey,
    customer: {
      id: view.id,
      name: view.name,
      segment: view.segment,
      language: view.language,
      lifetimeValue: view.lifetimeValue,
      creditScore: view.creditScore,
      currency: view.currency,
      openOrders: view.orders
        .filter((order) => !closedOrderStatuses.has(order.status))
        .map((order) => ({
          number: order.number,
          status: order.status,
          total: order.total,
          currency: order.currency,
          expectedDelivery: order.expectedDelivery,
          shipments: order.shipments.map((s) => ({ carrier: s.carrier, trackingNumber: s.trackingNumber, status: s.status })),
        })),
      openInvoices: view.invoices
        .filter((invoice) => !invoice.paidAt)
        .map((invoice) => ({ number: invoice.number, amount: invoice.amount, currency: invoice.currency, dueDate: invoice.dueDate, overdue: Date.parse(invoice.dueDate) < now })),
      warranties: view.warranties.map((w) => ({ product: w.product, serialNumber: w.serialNumber, expiresAt: w.expiresAt, active: Date.parse(w.expiresAt) >= now })),
      openCases: others
        .filter((contact) => !closedContactStatuses.has(contact.status))
        .map((contact) => ({ contactId: contact.id, channel: contact.channel, status: contact.status, since: contact.createdAt, subject: contact.subject })),
    },
    timeline: others.slice(0, 10).map((contact) => ({
      contactId: contact.id,
      channel: contact.channel,
      at: contact.createdAt,
      summary: contact.status.startsWith('self-') || contact.status === 'abandoned-in-self-service' ? (contact.summary ?? '') : [contact.queueId, contact.subject].filter(Boolean).join(' · '),
      disposition: contact.disposition,
      notes: contact.notes,
    })),
  };
}

export function ChannelIcon(props: { channel: Channel }) {
  const { t } = useI18n();
  return (
    <span className={`channel-icon channel-${props.channel}`}>
      <Icon name={props.channel} label={t(`channelName.${props.channel}`)} />
    </span>
  );
}

export function SegmentBadge(props: { segment: string }) {
  const { t } = useI18n();
  return (
    <span className={`badge segment segment-${props.segment}`} title={t('pop.segment', { segment: props.segment })} aria-label={t('pop.segment', { segment: props.segment })}>
      {props.segment}
    </span>
  );
}

/** Who the customer is: name, verification, segment and the figures that decide how to serve them. */
export function Who(props: { pop: ScreenPop; onOpenCustomer?: (id: string) => void; headingLevel?: 2 | 3; unknownHint?: string }) {
  const { t, money, number } = useI18n();
  const { customer, identification } = props.pop;
  const Heading = props.headingLevel === 2 ? 'h2' : 'h3';
  if (!customer) {
    return (
      <section className="card who unknown" aria-label={t('pop.who')}>
        <Heading className="card-title">{t('pop.who')}</Heading>
        <p className="customer-name" data-testid="customer-name">
          {t('pop.unknown')}
        </p>
        <p className="muted">{props.unknownHint ?? t('pop.unknownHint')}</p>
      </section>
    );
  }
  const verified = identification.method === 'verified';
  return (
    <section className="card who" aria-label={t('pop.who')}>
      <Heading className="card-title">{t('pop.who')}</Heading>
      <div className="who-head">
        <p className="customer-name" data-testid="customer-name">
          {customer.name}
        </p>
        <SegmentBadge segment={customer.segment} />
        <span className={`badge ${verified ? 'verified' : 'unverified'}`}>{verified ? `✓ ${t('pop.verified')}` : t('pop.notVerified')}</span>
      </div>
      <p className="muted small">
        {identification.method === 'none'
          ? t('pop.linkedByAgent')
          : t('pop.identifiedBy', { method: t(`method.${identification.method}`), confidence: Math.round(identification.confidence * 100) })}
      </p>
      <dl className="figures">
        <div>
          <dt>{t('pop.lifetimeValue')}</dt>
          <dd>{money(customer.lifetimeValue, customer.currency)}</dd>
        </div>
        <div>
          <dt>{t('pop.creditScore')}</dt>
          <dd className={customer.creditScore !== null && customer.creditScore < 400 ? 'warn' : ''}>{customer.creditScore === null ? '–' : number(customer.creditScore)}</dd>
        </div>
        <div>
          <dt>{t('pop.language')}</dt>
          <dd>{customer.language.toUpperCase()}</dd>
        </div>
      </dl>
      {props.onOpenCustomer ? (
        <button type="button" className="link-button" onClick={() => props.onOpenCustomer!(customer.id)}>
          {t('pop.openCustomer')} →
        </button>
      ) : null}
    </section>
  );
}

export function Journey(props: { journey: JourneyStep[] }) {
  const { t, time } = useI18n();
  if (!props.journey.length) return <p className="muted small">{t('pop.noJourney')}</p>;
  return (
    <ol className="journey" aria-label={t('pop.journey')}>
      {props.journey.map((step, index) => (
        <li key={`${step.at}-${index}`}>
          <span className="muted small">{time(step.at)}</span> <strong>{step.step}</strong> → {step.result}
        </li>
      ))}
    </ol>
  );
}

/** What is open for the customer: orders, unpaid invoices, warranties and other open cases. */
export function OpenItems(props: { customer: ScreenPopCustomer; headingLevel?: 2 | 3 }) {
  const { t, date, money, label } = useI18n();
  const { customer } = props;
  const Heading = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="card open-items" aria-label={t('pop.open')}>
      <Heading className="card-title">{t('pop.open')}</Heading>
      <h4>{t('pop.orders')}</h4>
      {customer.openOrders.length ? (
        <ul className="items" data-testid="open-orders">
          {customer.openOrders.map((order) => (
            <OrderLine key={order.number} order={order} />
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('pop.noOrders')}</p>
      )}
      <h4>{t('pop.invoices')}</h4>
      {customer.openInvoices.length ? (
        <ul className="items">
          {customer.openInvoices.map((invoice) => (
            <li key={invoice.number}>
              <div className="item-line">
                <strong>{t('pop.invoice', { number: invoice.number })}</strong>
                {invoice.overdue ? <span className="status status-overdue">{t('pop.overdue')}</span> : null}
                <span className="amount">{money(invoice.amount, invoice.currency)}</span>
              </div>
              <div className="muted small">{t('pop.due', { date: date(invoice.dueDate) })}</div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('pop.noInvoices')}</p>
      )}
      <h4>{t('pop.warranties')}</h4>
      {customer.warranties.length ? (
        <ul className="items">
          {customer.warranties.map((warranty) => (
            <li key={`${warranty.product}-${warranty.serialNumber ?? ''}-${warranty.expiresAt}`} className="item-line">
              <span>{warranty.product}</span>
              <span className={warranty.active ? 'muted small' : 'status status-cancelled'}>
                {t(warranty.active ? 'pop.expires' : 'pop.expired', { date: date(warranty.expiresAt) })}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('pop.noWarranties')}</p>
      )}
      <h4>{t('pop.cases')}</h4>
      {customer.openCases.length ? (
        <ul className="items">
          {customer.openCases.map((item) => (
            <li key={item.contactId} className="item-line">
              <ChannelIcon channel={item.channel} />
              <span>{item.subject ?? label('status', item.status)}</span>
              <span className="muted small">{date(item.since)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('pop.noCases')}</p>
      )}
    </section>
  );
}

/** One order with its delivery status, expected date and the tracking of each shipment. */
export function OrderLine(props: { order: ScreenPopCustomer['openOrders'][number] & { placedAt?: string } }) {
  const { t, date, money, label } = useI18n();
  const { order } = props;
  const dates = [order.placedAt ? date(order.placedAt) : null, order.expectedDelivery ? t('pop.expected', { date: date(order.expectedDelivery) }) : null].filter(Boolean);
  return (
    <li>
      <div className="item-line">
        <strong>{t('pop.order', { number: order.number })}</strong>
        <span className={`status status-${order.status}`}>{label('status', order.status)}</span>
        <span className="amount">{money(order.total, order.currency)}</span>
      </div>
      {dates.length ? <div className="muted small">{dates.join(' · ')}</div> : null}
      {order.shipments.map((shipment) => (
        <div className="small" key={shipment.trackingNumber}>
          <Icon name="parcel" /> {t('pop.tracking', { carrier: shipment.carrier, tracking: shipment.trackingNumber, status: label('status', shipment.status) })}
        </div>
      ))}
    </li>
  );
}

/** Recent contacts on every channel with what came of them. */
/** Internal notes left during a past conversation, marked as such: the customer never saw them. */
export function NoteList(props: { notes: InternalNote[] }) {
  const { t, dateTime } = useI18n();
  return (
    <ul className="note-list" title={t('pop.internalNotes')} data-testid="internal-note-list">
      {props.notes.map((note) => (
        <li key={note.id}>
          <span className="muted small">
            {note.author?.name ?? ''} · {dateTime(note.at)}
          </span>{' '}
          {note.text}
        </li>
      ))}
    </ul>
  );
}

export function Timeline(props: { timeline: ScreenPop['timeline']; headingLevel?: 2 | 3 }) {
  const { t, dateTime, label } = useI18n();
  const Heading = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="card timeline" aria-label={t('pop.timeline')}>
      <Heading className="card-title">{t('pop.timeline')}</Heading>
      {props.timeline.length ? (
        <ol className="timeline-list">
          {props.timeline.map((entry) => (
            <li key={entry.contactId}>
              <div className="item-line">
                <ChannelIcon channel={entry.channel} />
                <span className="small">{dateTime(entry.at)}</span>
                {entry.disposition ? <span className="badge disposition">{label('disposition', entry.disposition)}</span> : null}
              </div>
              {entry.summary ? <div className="small">{entry.summary}</div> : null}
              {entry.notes ? <div className="small notes">“{entry.notes}”</div> : null}
              {entry.internalNotes?.length ? <NoteList notes={entry.internalNotes} /> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">{t('pop.noTimeline')}</p>
      )}
    </section>
  );
}
