import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { cannedPlaceholders, languages, type CannedAnswer } from '@sentral/contract';
import type { QueueInfo } from '../api.ts';
import type { SupervisorApi } from './api.ts';
import type { WallboardT } from './texts.ts';

interface Draft {
  id?: string;
  title: string;
  text: string;
  language: string;
  queueId: string;
}

const empty: Draft = { title: '', text: '', language: '', queueId: '' };
const languageNames = { nb: 'Norsk', da: 'Dansk', en: 'English' } as const;

/** Supervisors and admins keep the canned answers: per language and queue, with placeholders. */
export function CannedAnswersAdmin(props: { api: SupervisorApi; queues: QueueInfo[]; t: WallboardT; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t } = props;
  const [answers, setAnswers] = useState<CannedAnswer[]>([]);
  const [draft, setDraft] = useState<Draft>(empty);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => api.cannedAnswers().then(setAnswers).catch(() => undefined), [api]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const queueName = (id: string | null) => (id ? (props.queues.find((queue) => queue.id === id)?.name ?? id) : t('canned.every'));

  const save = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    api
      .saveCannedAnswer({ ...(draft.id ? { id: draft.id } : {}), title: draft.title, text: draft.text, language: draft.language || null, queueId: draft.queueId || null })
      .then(() => {
        setDraft(empty);
        props.notify(t('canned.saved'));
        return reload();
      })
      .catch((failure: Error) => setError(failure.message));
  };
  const remove = (id: string) =>
    api
      .deleteCannedAnswer(id)
      .then(() => {
        props.notify(t('canned.deleted'));
        return reload();
      })
      .catch((failure: Error) => props.notify(t('error', { message: failure.message }), 'warning'));

  return (
    <section className="card canned-admin" aria-labelledby="canned-title">
      <h2 id="canned-title">{t('canned.title')}</h2>
      <p className="muted">{t('canned.intro', { placeholders: cannedPlaceholders.map((name) => `{{${name}}}`).join(', ') })}</p>
      <form onSubmit={save} data-testid="canned-form">
        <div className="inline-form">
          <label>
            {t('canned.titleField')}
            <input required maxLength={100} value={draft.title} onChange={(event) => setDraft({ ...draft, title: event.target.value })} />
          </label>
          <label>
            {t('canned.language')}
            <select value={draft.language} onChange={(event) => setDraft({ ...draft, language: event.target.value })}>
              <option value="">{t('canned.every')}</option>
              {languages.map((language) => (
                <option key={language} value={language}>
                  {languageNames[language]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('canned.queue')}
            <select value={draft.queueId} onChange={(event) => setDraft({ ...draft, queueId: event.target.value })}>
              <option value="">{t('canned.every')}</option>
              {props.queues.map((queue) => (
                <option key={queue.id} value={queue.id}>
                  {queue.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('canned.text')}
          <textarea required maxLength={4000} value={draft.text} onChange={(event) => setDraft({ ...draft, text: event.target.value })} />
        </label>
        {error ? (
          <p className="banner warning" role="alert">
            {error}
          </p>
        ) : null}
        <div className="inline-form">
          <button type="submit" className="primary">
            {draft.id ? t('canned.save') : t('canned.add')}
          </button>
          {draft.id ? (
            <button type="button" onClick={() => setDraft(empty)}>
              {t('canned.cancel')}
            </button>
          ) : null}
        </div>
      </form>
      {answers.length === 0 ? (
        <p className="muted">{t('canned.none')}</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="canned-table">
            <thead>
              <tr>
                <th scope="col">{t('canned.titleField')}</th>
                <th scope="col">{t('canned.text')}</th>
                <th scope="col">{t('canned.language')}</th>
                <th scope="col">{t('canned.queue')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {answers.map((answer) => (
                <tr key={answer.id} data-answer={answer.id}>
                  <th scope="row">{answer.title}</th>
                  <td className="canned-text">{answer.text}</td>
                  <td>{answer.language ? languageNames[answer.language as keyof typeof languageNames] : t('canned.every')}</td>
                  <td>{queueName(answer.queueId)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="small-button"
                      onClick={() => setDraft({ id: answer.id, title: answer.title, text: answer.text, language: answer.language ?? '', queueId: answer.queueId ?? '' })}
                    >
                      {t('canned.edit')}
                    </button>
                    <button type="button" className="small-button" onClick={() => void remove(answer.id)}>
                      {t('canned.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
