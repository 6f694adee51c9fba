import { useCallback, useEffect, useMemo, useState } from 'react';
import { webhookEventTypes, type Language, type WebhookDeliveryView, type WebhookEndpointView } from '@sentral/contract';
import { request } from '../api.ts';

interface AuditRow {
  id: number;
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  data: Record<string, unknown>;
}

const texts = {
  en: {
    webhooks: 'Webhook endpoints',
    url: 'URL',
    events: 'Events',
    description: 'Description',
    add: 'Add endpoint',
    secretShown: 'Signing secret (shown once): {secret}',
    enabled: 'Enabled',
    disabled: 'Disabled',
    'reason.gone': 'the receiver answered 410 Gone',
    'reason.failing': 'failed for days',
    failingSince: 'failing since {time}',
    enable: 'Enable',
    disable: 'Disable',
    rotate: 'Rotate secret',
    remove: 'Remove',
    deliveries: 'Deliveries',
    redeliver: 'Send again',
    noDeliveries: 'No deliveries yet.',
    audit: 'Audit log',
    action: 'Action',
    filter: 'Filter',
    adminsOnly: 'Only admins manage integrations.',
    error: 'Something went wrong: {message}',
  },
  nb: {
    webhooks: 'Webhook-mottakere',
    url: 'URL',
    events: 'Hendelser',
    description: 'Beskrivelse',
    add: 'Legg til mottaker',
    secretShown: 'Signeringsnøkkel (vises én gang): {secret}',
    enabled: 'På',
    disabled: 'Av',
    'reason.gone': 'mottakeren svarte 410 Gone',
    'reason.failing': 'har feilet i flere dager',
    failingSince: 'feiler siden {time}',
    enable: 'Slå på',
    disable: 'Slå av',
    rotate: 'Bytt nøkkel',
    remove: 'Fjern',
    deliveries: 'Leveranser',
    redeliver: 'Send på nytt',
    noDeliveries: 'Ingen leveranser ennå.',
    audit: 'Revisjonslogg',
    action: 'Handling',
    filter: 'Filtrer',
    adminsOnly: 'Bare administratorer styrer integrasjoner.',
    error: 'Noe gikk galt: {message}',
  },
  da: {
    webhooks: 'Webhook-modtagere',
    url: 'URL',
    events: 'Hændelser',
    description: 'Beskrivelse',
    add: 'Tilføj modtager',
    secretShown: 'Signeringsnøgle (vises én gang): {secret}',
    enabled: 'Til',
    disabled: 'Fra',
    'reason.gone': 'modtageren svarede 410 Gone',
    'reason.failing': 'har fejlet i flere dage',
    failingSince: 'fejler siden {time}',
    enable: 'Slå til',
    disable: 'Slå fra',
    rotate: 'Skift nøgle',
    remove: 'Fjern',
    deliveries: 'Leverancer',
    redeliver: 'Send igen',
    noDeliveries: 'Ingen leverancer endnu.',
    audit: 'Revisionslog',
    action: 'Handling',
    filter: 'Filtrér',
    adminsOnly: 'Kun administratorer styrer integrationer.',
    error: 'Noget gik galt: {message}',
  },
} as const satisfies Record<Language, Record<string, string>>;

type Key = keyof (typeof texts)['en'];

function textsFor(language: Language) {
  return (key: Key, values: Record<string, string> = {}) => (texts[language][key] as string).replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The admin's integration page: webhook endpoints with their delivery log, and the audit log. */
export function Integration(props: { token: string; language: Language; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const t = useMemo(() => textsFor(props.language), [props.language]);
  const call = useCallback(<T,>(method: string, path: string, body?: unknown) => request<T>(path, { method, token: props.token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }), [props.token]);
  const [endpoints, setEndpoints] = useState<WebhookEndpointView[] | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[]>([]);
  const [audit, setAudit] = useState<AuditRow[]>([]);
  const [action, setAction] = useState('');
  const [draft, setDraft] = useState({ url: '', description: '', events: [] as string[] });
  const [secret, setSecret] = useState<string | null>(null);
  const { notify } = props;
  const fail = useCallback((error: unknown) => notify(t('error', { message: (error as Error).message }), 'warning'), [notify, t]);

  const load = useCallback(async () => {
    try {
      setEndpoints(await call<WebhookEndpointView[]>('GET', '/api/webhooks/endpoints'));
      setAudit(await call<AuditRow[]>('GET', `/api/audit?limit=50${action ? `&action=${encodeURIComponent(action)}` : ''}`));
    } catch (error) {
      if ((error as { status?: number }).status === 403) setForbidden(true);
      else fail(error);
    }
  }, [call, action, fail]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (!open) return;
    call<WebhookDeliveryView[]>('GET', `/api/webhooks/endpoints/${open}/deliveries?limit=50`).then(setDeliveries, fail);
  }, [open, call, fail]);

  if (forbidden) return <p className="banner warning">{t('adminsOnly')}</p>;
  const change = (id: string, body: Record<string, unknown>) =>
    call<{ secret?: string }>('PUT', `/api/webhooks/endpoints/${id}`, body).then((answer) => {
      if (answer.secret) setSecret(answer.secret);
      return load();
    }, fail);

  return (
    <section className="integration">
      <h2>{t('webhooks')}</h2>
      {secret ? <p className="banner">{t('secretShown', { secret })}</p> : null}
      <table>
        <thead>
          <tr>
            <th>{t('url')}</th>
            <th>{t('events')}</th>
            <th>{t('enabled')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(endpoints ?? []).map((endpoint) => (
            <tr key={endpoint.id} data-testid="webhook-endpoint">
              <td>
                <button type="button" className="link" onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                  {endpoint.url}
                </button>
                {endpoint.description ? <div className="muted small">{endpoint.description}</div> : null}
              </td>
              <td className="small">{endpoint.events.join(', ')}</td>
              <td>
                {endpoint.enabled ? t('enabled') : `${t('disabled')}${endpoint.disabledReason === 'gone' || endpoint.disabledReason === 'failing' ? ` — ${t(`reason.${endpoint.disabledReason}`)}` : ''}`}
                {endpoint.failingSince ? <div className="warning small">{t('failingSince', { time: new Date(endpoint.failingSince).toLocaleString(props.language) })}</div> : null}
              </td>
              <td>
                <button type="button" onClick={() => void change(endpoint.id, { enabled: !endpoint.enabled })}>
                  {endpoint.enabled ? t('disable') : t('enable')}
                </button>{' '}
                <button type="button" onClick={() => void change(endpoint.id, { rotateSecret: true })}>
                  {t('rotate')}
                </button>{' '}
                <button type="button" onClick={() => void call('DELETE', `/api/webhooks/endpoints/${endpoint.id}`).then(load, fail)}>
                  {t('remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? (
        <div>
          <h3>{t('deliveries')}</h3>
          {deliveries.length === 0 ? <p className="muted">{t('noDeliveries')}</p> : null}
          <ul className="deliveries">
            {deliveries.map((delivery) => (
              <li key={delivery.id}>
                {new Date(delivery.createdAt).toLocaleString(props.language)} · {delivery.type} · {delivery.status} · {delivery.responseCode ?? '—'} · {delivery.latencyMs ?? '—'} ms · {delivery.attempts}
                {delivery.status !== 'pending' ? (
                  <button type="button" onClick={() => void call('POST', `/api/webhooks/deliveries/${delivery.id}/redeliver`).then(() => setOpen(open), fail)}>
                    {t('redeliver')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          call<{ secret: string }>('POST', '/api/webhooks/endpoints', { url: draft.url, events: draft.events, ...(draft.description ? { description: draft.description } : {}) }).then((created) => {
            setSecret(created.secret);
            setDraft({ url: '', description: '', events: [] });
            return load();
          }, fail);
        }}
      >
        <h3>{t('add')}</h3>
        <label>
          {t('url')} <input type="url" required value={draft.url} onChange={(event) => setDraft({ ...draft, url: event.currentTarget.value })} />
        </label>
        <label>
          {t('description')} <input value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.currentTarget.value })} />
        </label>
        <fieldset>
          <legend>{t('events')}</legend>
          {webhookEventTypes.map((type) => (
            <label key={type} className="small">
              <input
                type="checkbox"
                checked={draft.events.includes(type)}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setDraft((current) => ({ ...current, events: checked ? [...current.events, type] : current.events.filter((e) => e !== type) }));
                }}
              />{' '}
              {type}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!draft.url || draft.events.length === 0}>
          {t('add')}
        </button>
      </form>

      <h2>{t('audit')}</h2>
      <label>
        {t('filter')} ({t('action')}) <input value={action} placeholder="customer.erase" onChange={(event) => setAction(event.currentTarget.value)} />
      </label>
      <table data-testid="audit-log">
        <tbody>
          {audit.map((row) => (
            <tr key={row.id}>
              <td>{new Date(row.at).toLocaleString(props.language)}</td>
              <td>{row.action}</td>
              <td>
                {row.entity} {row.entityId ?? ''}
              </td>
              <td className="small">{row.actorId ?? String(row.data['via'] ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
