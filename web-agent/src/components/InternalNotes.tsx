import { createContext, useContext, useEffect, useState, type FormEvent } from 'react';
import { MAX_NOTE_LENGTH, type InternalNote } from '@sentral/contract';
import { request } from '../api.ts';
import { useI18n } from '../i18n.tsx';

/** Notes pushed over the agent's socket (`contact:note`), by contact: another session's or a supervisor's. */
export const PushedNotesContext = createContext<Readonly<Record<string, readonly InternalNote[]>>>({});

/** Notes for colleagues and supervisors during a conversation; stored apart from the messages, never sent to the customer. */
export function InternalNotes(props: { contactId: string; token: string }) {
  const { t, time } = useI18n();
  const [notes, setNotes] = useState<InternalNote[]>([]);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = `/api/contacts/${encodeURIComponent(props.contactId)}/notes`;
  const pushed = useContext(PushedNotesContext)[props.contactId];

  // A pushed note joins the list once, in time order, whether or not this session wrote it.
  useEffect(() => {
    if (!pushed?.length) return;
    setNotes((current) => {
      const known = new Set(current.map((note) => note.id));
      const fresh = pushed.filter((note) => !known.has(note.id));
      return fresh.length ? [...current, ...fresh].sort((a, b) => a.at.localeCompare(b.at)) : current;
    });
  }, [pushed]);

  useEffect(() => {
    let cancelled = false;
    request<InternalNote[]>(path, { token: props.token })
      .then((loaded) => !cancelled && setNotes(loaded))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [path, props.token]);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed || saving) return;
    setSaving(true);
    setError(null);
    request<InternalNote>(path, { method: 'POST', token: props.token, body: JSON.stringify({ text: trimmed }) })
      .then((note) => {
        setNotes((current) => (current.some((known) => known.id === note.id) ? current : [...current, note]));
        setText('');
      })
      .catch((failure: Error) => setError(t('notes.failed', { message: failure.message })))
      .finally(() => setSaving(false));
  };

  return (
    <section className="internal-notes" data-testid="internal-notes">
      <h3>{t('notes.title')}</h3>
      <p className="muted small">{t('notes.hint')}</p>
      {notes.length ? (
        <ol>
          {notes.map((note) => (
            <li key={note.id} data-note={note.id}>
              <span className="muted small">
                {note.author?.name ?? ''} · <time dateTime={note.at}>{time(note.at)}</time>
              </span>{' '}
              {note.text}
            </li>
          ))}
        </ol>
      ) : null}
      <form onSubmit={add}>
        <input value={text} maxLength={MAX_NOTE_LENGTH} onChange={(event) => setText(event.target.value)} aria-label={t('notes.field')} placeholder={t('notes.field')} data-testid="note-field" />
        <button type="submit" disabled={!text.trim() || saving}>
          {t('notes.add')}
        </button>
      </form>
      {error ? (
        <p className="status status-overdue" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
