import { useState } from 'react';
import type { Api, CustomerMatch } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { SegmentBadge } from './facts.tsx';
import { FormError } from './FormError.tsx';

/** Finds customers by name, email, phone or customer number; each match gets one action (link, open). */
export function CustomerSearch(props: { api: Api; initialQuery?: string; actionLabel: string; busy?: boolean; autoFocus?: boolean; onPick(match: CustomerMatch): void; onError(message: string): void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState(props.initialQuery ?? '');
  const [matches, setMatches] = useState<CustomerMatch[] | null>(null);
  return (
    <>
      <form
        className="search-row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          // The hub refuses shorter queries: they would list too much of the register.
          if (query.trim().length < 3) return;
          props.api
            .searchCustomers(query.trim())
            .then(setMatches)
            .catch((failure: Error) => props.onError(failure.message));
        }}
      >
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          aria-label={t('link.search')}
          placeholder={t('link.search')}
          autoFocus={props.autoFocus}
        />
        <button type="submit">{t('link.searchButton')}</button>
      </form>
      {matches ? (
        matches.length ? (
          <ul className="matches">
            {matches.map((match) => (
              <li key={match.id}>
                <div>
                  <strong>{match.name}</strong> <SegmentBadge segment={match.segment} />
                  <div className="muted small">{[match.externalId, ...match.emails, ...match.phones].filter(Boolean).slice(0, 3).join(' · ')}</div>
                </div>
                <button type="button" disabled={props.busy} onClick={() => props.onPick(match)}>
                  {props.actionLabel}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">{t('link.noResults')}</p>
        )
      ) : null}
    </>
  );
}

/** Looking a customer up without a contact (before calling back, to check a case): opens their page. */
export function CustomerLookup(props: { api: Api; onOpen(id: string): void; onClose(): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="lookup-title" onKeyDown={(event) => event.key === 'Escape' && props.onClose()}>
      <div className="dialog lookup" data-testid="customer-lookup">
        <h2 id="lookup-title">{t('lookup.title')}</h2>
        <CustomerSearch api={props.api} actionLabel={t('lookup.open')} autoFocus onPick={(match) => props.onOpen(match.id)} onError={setError} />
        <FormError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            {t('shortcuts.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
