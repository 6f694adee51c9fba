import { useState, type KeyboardEvent } from 'react';
import type { DeskContact } from '../desk.ts';
import { clock, useI18n } from '../i18n.tsx';
import { useNow } from '../now.ts';
import { FormError } from './FormError.tsx';

/** Seconds left of the wrap-up time (negative once over time). */
export function wrapUpSecondsLeft(contact: DeskContact, wrapUpSeconds: number, now: number): number {
  const ended = contact.endedAt ? Date.parse(contact.endedAt) : now;
  return wrapUpSeconds - (now - ended) / 1000;
}

/**
 * After the conversation: a disposition (required) and notes, with the wrap-up time counting down.
 * Running over time is shown, never enforced: notes half-typed are not thrown away.
 */
export function WrapUp(props: { contact: DeskContact; dispositions: string[]; wrapUpSeconds: number; onSave(disposition: string, notes: string): Promise<void> }) {
  const { t, label } = useI18n();
  const now = useNow(1000);
  const [disposition, setDisposition] = useState<string | null>(null);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const left = wrapUpSecondsLeft(props.contact, props.wrapUpSeconds, now);
  const groupId = `wrap-${props.contact.id}`;

  const save = async () => {
    if (!disposition) {
      setError(t('wrap.pick'));
      document.querySelector<HTMLInputElement>(`[data-wrapup="${props.contact.id}"]`)?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await props.onSave(disposition, notes);
    } catch (failure) {
      setError(t('wrap.failed', { message: (failure as Error).message }));
      setSaving(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    }
  };

  return (
    <form
      className="wrap-up"
      aria-labelledby={`${groupId}-title`}
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      data-testid="wrap-up"
    >
      <div className="wrap-up-head">
        <h3 id={`${groupId}-title`}>{t('wrap.title')}</h3>
        <span className={`wrap-clock ${left < 0 ? 'over' : ''}`} role="timer" aria-live="off">
          {left >= 0 ? t('wrap.timeLeft', { time: clock(left) }) : t('wrap.overTime', { time: clock(-left) })}
        </span>
      </div>
      <fieldset className="dispositions">
        <legend>{t('wrap.disposition')}</legend>
        {props.dispositions.map((code, index) => (
          <label key={code} className={`disposition-option ${disposition === code ? 'selected' : ''}`}>
            <input
              type="radio"
              name={groupId}
              value={code}
              checked={disposition === code}
              onChange={() => setDisposition(code)}
              {...(index === 0 ? { 'data-wrapup': props.contact.id } : {})}
            />
            {label('disposition', code)}
          </label>
        ))}
      </fieldset>
      <label className="notes-field">
        {t('wrap.notes')}
        <textarea value={notes} onChange={(event) => setNotes(event.target.value)} rows={3} maxLength={10_000} />
      </label>
      <FormError message={error} />
      <div className="wrap-up-actions">
        <button type="submit" className="primary" disabled={saving}>
          {t('wrap.save')}
        </button>
        <span className="muted small">{t('wrap.saveHint')}</span>
      </div>
    </form>
  );
}
