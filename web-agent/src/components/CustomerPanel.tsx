import { useEffect, useState } from 'react';
import type { IdentificationMethod, ScreenPop } from '@sentral/contract';
import type { Api, CustomerView } from '../api.ts';
import type { CustomerEntry } from '../customers.ts';
import type { DeskContact } from '../desk.ts';
import { useI18n } from '../i18n.tsx';
import { CustomerSearch } from './CustomerSearch.tsx';
import { Journey, OpenItems, popFromView, Timeline, Who } from './facts.tsx';
import { FormError } from './FormError.tsx';

/**
 * The customer beside the conversation: the screen pop kept up to date from the 360 view, or, for
 * a contact nobody could identify, a search to link it to a customer or create one.
 */
export function CustomerPanel(props: {
  contact: DeskContact;
  api: Api;
  entry: CustomerEntry | undefined;
  onOpenCustomer(id: string): void;
  onLinked(view: CustomerView): void;
}) {
  const { t } = useI18n();
  const { contact, api } = props;
  const [restored, setRestored] = useState<Pick<ScreenPop, 'identification' | 'journey'> | null>(null);

  // A contact restored after a reload has no screen pop: identification and journey come from the contact itself.
  useEffect(() => {
    if (contact.screenPop) return;
    let cancelled = false;
    api
      .contact(contact.id)
      .then((detail) => {
        if (!cancelled) setRestored({ identification: { method: detail.identMethod as IdentificationMethod, confidence: detail.identConfidence }, journey: detail.journey });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, contact.id, contact.screenPop]);

  const base = contact.screenPop ?? restored ?? { identification: { method: 'none' as const, confidence: 0 }, journey: [] };
  const view = props.entry?.status === 'ready' ? props.entry.view : null;
  const pop: ScreenPop | null = view ? popFromView(view, contact.id, base) : contact.customerId ? contact.screenPop : null;

  return (
    <aside className="customer-panel" aria-label={t('customer.title')} data-testid="customer-panel">
      {pop?.customer ? (
        <>
          <Who pop={pop} onOpenCustomer={props.onOpenCustomer} />
          <OpenItems customer={pop.customer} />
          {base.journey.length ? (
            <section className="card">
              <h3 className="card-title">{t('pop.journey')}</h3>
              <Journey journey={base.journey} />
            </section>
          ) : null}
          <Timeline timeline={pop.timeline} />
        </>
      ) : contact.customerId ? (
        <p className="muted">{props.entry?.status === 'failed' ? t('customer.notFound') : t('customer.loading')}</p>
      ) : (
        <>
          <Who pop={{ ...base, customer: null, timeline: [] }} unknownHint={t('pop.unknownLinkHint')} />
          <CustomerLink contact={contact} api={api} onLinked={props.onLinked} />
        </>
      )}
    </aside>
  );
}

function CustomerLink(props: { contact: DeskContact; api: Api; onLinked(view: CustomerView): void }) {
  const { t } = useI18n();
  const { contact, api } = props;
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(contact.displayName ?? '');
  const [email, setEmail] = useState(contact.channel === 'email' ? (contact.from ?? '') : '');
  const [phone, setPhone] = useState(contact.channel === 'voice' || contact.channel === 'fax' ? (contact.from ?? '') : '');
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<CustomerView>) => {
    setBusy(true);
    setError(null);
    try {
      props.onLinked(await action());
    } catch (failure) {
      setError(t('link.failed', { message: (failure as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card link-customer" aria-label={t('link.title')}>
      <h3 className="card-title">{t('link.title')}</h3>
      <CustomerSearch
        api={api}
        initialQuery={contact.displayName ?? ''}
        actionLabel={t('link.link')}
        busy={busy}
        onPick={(match) => void run(() => api.linkCustomer(contact.id, { customerId: match.id }))}
        onError={setError}
      />
      <details>
        <summary>{t('link.create')}</summary>
        <form
          className="create-customer"
          onSubmit={(event) => {
            event.preventDefault();
            if (!name.trim()) return;
            void run(() =>
              api.linkCustomer(contact.id, {
                customer: { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) },
              }),
            );
          }}
        >
          <label>
            {t('link.name')}
            <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={200} />
          </label>
          <label>
            {t('link.email')}
            <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} maxLength={320} />
          </label>
          <label>
            {t('link.phone')}
            <input type="tel" value={phone} onChange={(event) => setPhone(event.target.value)} maxLength={40} />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {t('link.createButton')}
          </button>
        </form>
      </details>
      <FormError message={error} />
    </section>
  );
}
