import { useBlobUrl } from '../assets.ts';
import type { PendingOffer } from '../desk.ts';
import { useI18n } from '../i18n.tsx';
import { useNow } from '../now.ts';
import { ChannelIcon, Journey, OpenItems, Timeline, Who } from './facts.tsx';

// Also used by the wallboard; it lives in now.ts.
export { useNow };

/**
 * The screen pop: everything the agent should know before saying hello, shown the moment the
 * offer arrives. It does not take the keyboard focus, so an agent typing in another conversation
 * is never interrupted; Alt+Shift+A / Alt+Shift+R answer it from anywhere.
 */
export function ScreenPop(props: {
  offers: PendingOffer[];
  queueName(id: string): string;
  token: string;
  busy: boolean;
  onAccept(offer: PendingOffer): void;
  onReject(offer: PendingOffer): void;
}) {
  const offer = props.offers[0];
  // Keyed by offer: each pop starts fresh, and nothing ticks while no offer is shown.
  return offer ? <OfferPop key={offer.offerId} {...props} offer={offer} /> : null;
}

function OfferPop(props: Parameters<typeof ScreenPop>[0] & { offer: PendingOffer }) {
  const { t, dateTime } = useI18n();
  const now = useNow();
  const { offer } = props;
  const faxPreview = useBlobUrl(offer.screenPop.fax?.thumbnailUrl, props.token);
  const { contact, screenPop } = offer;
  const total = Math.max(1, Date.parse(offer.expiresAt) - offer.receivedAt);
  const remaining = Math.max(0, Date.parse(offer.expiresAt) - now);
  const seconds = Math.ceil(remaining / 1000);
  const titleId = `offer-title-${offer.offerId}`;
  return (
    <div className="pop-layer">
      <section className="screen-pop" role="alertdialog" aria-modal="false" aria-labelledby={titleId} data-testid="screen-pop" data-offer-id={offer.offerId}>
        <header className="pop-header">
          <ChannelIcon channel={contact.channel} />
          <div className="pop-heading">
            <h2 id={titleId}>
              {t('offer.title', { channel: t(`channel.${contact.channel}`) })}
              {screenPop.customer ? ` — ${screenPop.customer.name}` : ''}
            </h2>
            <p className="muted small">
              {props.queueName(contact.queue)}
              {contact.subject ? ` · ${contact.subject}` : ''}
            </p>
          </div>
          <div className="pop-countdown" aria-live="off">
            <span className={seconds <= 5 ? 'urgent' : ''}>{t('offer.expiresIn', { seconds })}</span>
            <div className="countdown-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((remaining / total) * 100)} aria-label={t('offer.expiresIn', { seconds })}>
              <div style={{ width: `${(remaining / total) * 100}%` }} />
            </div>
          </div>
          <div className="pop-actions">
            <button type="button" className="accept" disabled={props.busy} onClick={() => props.onAccept(offer)} aria-keyshortcuts="Alt+Shift+A">
              {t('offer.accept')} <kbd>Alt+Shift+A</kbd>
            </button>
            <button type="button" className="reject" disabled={props.busy} onClick={() => props.onReject(offer)} aria-keyshortcuts="Alt+Shift+R">
              {t('offer.reject')} <kbd>Alt+Shift+R</kbd>
            </button>
          </div>
        </header>
        <div className="pop-body">
          <div className="pop-column">
            <Who pop={screenPop} />
            <section className="card why" aria-label={t('pop.why')}>
              <h3 className="card-title">{t('pop.why')}</h3>
              <dl className="figures">
                <div>
                  <dt>{t('pop.channel')}</dt>
                  <dd>{t(`channelName.${contact.channel}`)}</dd>
                </div>
                <div>
                  <dt>{t('pop.queue')}</dt>
                  <dd>{props.queueName(contact.queue)}</dd>
                </div>
                {contact.subject ? (
                  <div className="wide">
                    <dt>{t('pop.subject')}</dt>
                    <dd>{contact.subject}</dd>
                  </div>
                ) : null}
                {screenPop.firstResponseDueAt ? (
                  <div className="wide">
                    <dt>{t('pop.respondBy')}</dt>
                    <dd className={Date.parse(screenPop.firstResponseDueAt) < now ? 'warn' : ''}>{dateTime(screenPop.firstResponseDueAt)}</dd>
                  </div>
                ) : null}
                {screenPop.fax ? (
                  <div className="wide">
                    <dt>{t('fax.pages')}</dt>
                    <dd>
                      {screenPop.fax.pages ?? '–'}
                      {faxPreview.src ? <img className="fax-thumb small-thumb" src={faxPreview.src} alt={t('fax.pages')} /> : null}
                    </dd>
                  </div>
                ) : null}
              </dl>
              {screenPop.external ? (
                <>
                  <h4>{t('pop.external')}</h4>
                  {screenPop.external.external ? (
                    <dl className="facts" data-testid="pop-external">
                      {Object.entries(screenPop.external.external)
                        .slice(0, 12)
                        .map(([name, value]) => (
                          <div key={name}>
                            <dt>{name}</dt>
                            <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
                          </div>
                        ))}
                    </dl>
                  ) : null}
                  {screenPop.external.status !== 'ok' ? <p className="muted small">{t(screenPop.external.status === 'stale' ? 'pop.externalStale' : 'pop.externalMissing')}</p> : null}
                </>
              ) : null}
              <h4>{t('pop.journey')}</h4>
              <Journey journey={screenPop.journey} />
              {screenPop.transfers?.length ? (
                <>
                  <h4>{t('pop.transfers')}</h4>
                  <ul className="items transfers" data-testid="pop-transfers">
                    {screenPop.transfers.map((transfer) => (
                      <li key={transfer.at}>
                        <div className="small">
                          {t('pop.transferredBy', {
                            name: transfer.from.name ?? '–',
                            to: 'queue' in transfer.to ? props.queueName(transfer.to.queue ?? '') : (transfer.to.name ?? '–'),
                          })}
                        </div>
                        {transfer.note ? <div className="notes">“{transfer.note}”</div> : null}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
            {screenPop.conversation?.length ? (
              <section className="card" aria-label={t('pop.conversation')}>
                <h3 className="card-title">{t('pop.conversation')}</h3>
                <ol className="pop-conversation">
                  {screenPop.conversation.slice(-8).map((line, index) => (
                    <li key={`${line.at}-${index}`} className={`from-${line.from}`}>
                      <span className="muted small">{t(`ws.from.${line.from}`)}:</span> {line.text}
                    </li>
                  ))}
                </ol>
              </section>
            ) : null}
          </div>
          <div className="pop-column">{screenPop.customer ? <OpenItems customer={screenPop.customer} /> : null}</div>
          <div className="pop-column">
            <Timeline timeline={screenPop.timeline} />
          </div>
        </div>
        {props.offers.length > 1 ? <footer className="pop-more">{t('offer.more', { count: props.offers.length - 1 })}</footer> : null}
      </section>
    </div>
  );
}
