import { useEffect, useRef } from 'react';
import type { CustomerEntry } from '../customers.ts';
import { useI18n } from '../i18n.tsx';
import { ChannelIcon, NoteList, OrderLine, SegmentBadge } from './facts.tsx';

/** The whole customer: identities, facts, every order, invoice and warranty, and every contact on every channel. */
export function CustomerPage(props: { entry: CustomerEntry | undefined; queueName(id: string): string; onBack(): void }) {
  const { t, date, dateTime, money, number, label } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const view = props.entry?.status === 'ready' ? props.entry.view : null;
  useEffect(() => {
    heading.current?.focus();
  }, [view?.id]);

  return (
    <main className="customer-page" aria-labelledby="customer-page-title" data-testid="customer-page">
      <button type="button" className="link-button back" onClick={props.onBack}>
        ← {t('customer.back')}
      </button>
      {!view ? (
        <p className="muted">{props.entry?.status === 'failed' ? t('customer.notFound') : t('customer.loading')}</p>
      ) : (
        <>
          <header className="customer-page-head">
            <h1 id="customer-page-title" ref={heading} tabIndex={-1}>
              {view.name}
            </h1>
            <SegmentBadge segment={view.segment} />
          </header>
          <div className="customer-grid">
            <section className="card" aria-labelledby="facts-title">
              <h2 className="card-title" id="facts-title">
                {t('customer.facts')}
              </h2>
              <dl className="figures">
                <div>
                  <dt>{t('customer.externalId')}</dt>
                  <dd>{view.externalId ?? '–'}</dd>
                </div>
                <div>
                  <dt>{t('pop.lifetimeValue')}</dt>
                  <dd>{money(view.lifetimeValue, view.currency)}</dd>
                </div>
                <div>
                  <dt>{t('customer.revenue')}</dt>
                  <dd>{money(view.revenue, view.currency)}</dd>
                </div>
                <div>
                  <dt>{t('pop.creditScore')}</dt>
                  <dd>{view.creditScore === null ? '–' : number(view.creditScore)}</dd>
                </div>
                <div>
                  <dt>{t('pop.language')}</dt>
                  <dd>{view.language.toUpperCase()}</dd>
                </div>
              </dl>
              <h3>{t('customer.identities')}</h3>
              <ul className="items">
                {view.identities.map((identity) => (
                  <li key={`${identity.kind}:${identity.value}`} className="item-line">
                    <span className="muted small">{identity.kind}</span>
                    <span>{identity.value}</span>
                    <span className={`badge ${identity.verified ? 'verified' : 'unverified'}`}>{identity.verified ? `✓ ${t('pop.verified')}` : t('pop.notVerified')}</span>
                  </li>
                ))}
              </ul>
            </section>
            <section className="card" aria-labelledby="orders-title">
              <h2 className="card-title" id="orders-title">
                {t('customer.allOrders')}
              </h2>
              <ul className="items">
                {view.orders.map((order) => (
                  <OrderLine key={order.id} order={order} />
                ))}
              </ul>
            </section>
            <section className="card" aria-labelledby="invoices-title">
              <h2 className="card-title" id="invoices-title">
                {t('customer.allInvoices')}
              </h2>
              <ul className="items">
                {view.invoices.map((invoice) => (
                  <li key={invoice.id} className="item-line">
                    <strong>{t('pop.invoice', { number: invoice.number })}</strong>
                    <span className={invoice.paidAt ? 'muted small' : Date.parse(invoice.dueDate) < Date.now() ? 'status status-overdue' : 'small'}>
                      {invoice.paidAt ? t('customer.paid') : t('pop.due', { date: date(invoice.dueDate) })}
                    </span>
                    <span className="amount">{money(invoice.amount, invoice.currency)}</span>
                  </li>
                ))}
              </ul>
              <h3>{t('pop.warranties')}</h3>
              {view.warranties.length ? null : <p className="muted small">{t('pop.noWarranties')}</p>}
              <ul className="items">
                {view.warranties.map((warranty) => (
                  <li key={warranty.id} className="item-line">
                    <span>{warranty.product}</span>
                    <span className="muted small">{t(Date.parse(warranty.expiresAt) >= Date.now() ? 'pop.expires' : 'pop.expired', { date: date(warranty.expiresAt) })}</span>
                  </li>
                ))}
              </ul>
            </section>
          </div>
          <section className="card history" aria-labelledby="history-title">
            <h2 className="card-title" id="history-title">
              {t('customer.history')}
            </h2>
            {view.timeline.length ? (
              <table data-testid="customer-history">
                <thead>
                  <tr>
                    <th scope="col">{t('history.when')}</th>
                    <th scope="col">{t('history.channel')}</th>
                    <th scope="col">{t('history.queue')}</th>
                    <th scope="col">{t('history.subject')}</th>
                    <th scope="col">{t('history.status')}</th>
                    <th scope="col">{t('pop.disposition')}</th>
                    <th scope="col">{t('history.notes')}</th>
                    <th scope="col">{t('history.agent')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.timeline.map((contact) => (
                    <tr key={contact.id} data-contact-id={contact.id}>
                      <td>{dateTime(contact.createdAt)}</td>
                      <td>
                        <ChannelIcon channel={contact.channel} />
                      </td>
                      <td>{props.queueName(contact.queueId)}</td>
                      <td>{contact.subject ?? (contact.status.includes('self-serv') ? (contact.summary ?? '') : '')}</td>
                      <td>{label('status', contact.status)}</td>
                      <td>{contact.disposition ? <span className="badge disposition">{label('disposition', contact.disposition)}</span> : ''}</td>
                      <td className="notes">
                        {contact.notes ?? ''}
                        {contact.internalNotes?.length ? <NoteList notes={contact.internalNotes} /> : null}
                      </td>
                      <td>{contact.agent?.name ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">{t('customer.noHistory')}</p>
            )}
          </section>
        </>
      )}
    </main>
  );
}
