import { useEffect, useRef, useState } from 'react';
import type { Channel } from '@sentral/contract';
import type { Colleague, QueueInfo } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { FormError } from './FormError.tsx';

export type TransferTarget = { queue: string } | { agentId: string };

const stateOrder = { available: 0, away: 1, offline: 2 } as const;

/** Hands the conversation to a queue or a colleague, with a note the next agent reads in their screen pop. */
export function TransferDialog(props: {
  channel: Channel;
  currentQueue: string;
  queues: QueueInfo[];
  colleagues: Colleague[] | null;
  onTransfer(to: TransferTarget, note: string): Promise<void>;
  onClose(): void;
}) {
  const { t } = useI18n();
  const queues = props.queues.filter((queue) => queue.channels.includes(props.channel));
  const [kind, setKind] = useState<'queue' | 'agent'>('queue');
  const [queue, setQueue] = useState(queues.find((q) => q.id !== props.currentQueue)?.id ?? queues[0]?.id ?? '');
  const colleagues = [...(props.colleagues ?? [])].sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || a.name.localeCompare(b.name));
  const [agentId, setAgentId] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async () => {
    const to: TransferTarget | null = kind === 'queue' ? (queue ? { queue } : null) : agentId ? { agentId } : null;
    if (!to) {
      setError(t('transfer.pick'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onTransfer(to, note.trim());
    } catch (failure) {
      setError(t('transfer.failed', { message: (failure as Error).message }));
      setBusy(false);
    }
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="transfer-title" onKeyDown={(event) => event.key === 'Escape' && props.onClose()}>
      <form
        className="dialog transfer"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        data-testid="transfer-dialog"
      >
        <h2 id="transfer-title">{t('transfer.title')}</h2>
        <fieldset className="transfer-kind">
          <legend className="visually-hidden">{t('transfer.title')}</legend>
          <label>
            <input ref={first} type="radio" name="transfer-kind" checked={kind === 'queue'} onChange={() => setKind('queue')} /> {t('transfer.toQueue')}
          </label>
          <label>
            <input type="radio" name="transfer-kind" checked={kind === 'agent'} onChange={() => setKind('agent')} /> {t('transfer.toAgent')}
          </label>
        </fieldset>
        {kind === 'queue' ? (
          <label>
            {t('transfer.queue')}
            <select value={queue} onChange={(event) => setQueue(event.target.value)} aria-label={t('transfer.queue')}>
              {queues.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {t('transfer.agent')}
            <select value={agentId} onChange={(event) => setAgentId(event.target.value)} aria-label={t('transfer.agent')}>
              <option value="">—</option>
              {colleagues.map((colleague) => (
                <option key={colleague.id} value={colleague.id}>
                  {colleague.name} ({t(`state.${colleague.state}`)})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('transfer.note')}
          <textarea value={note} onChange={(event) => setNote(event.target.value)} rows={3} maxLength={2000} placeholder={t('transfer.notePlaceholder')} />
        </label>
        <FormError message={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('transfer.submit')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('transfer.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
