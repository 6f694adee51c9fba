import { useState, type FormEvent } from 'react';
import { languages, type AwayReason } from '@sentral/contract';
import type { SupervisorApi } from './api.ts';
import type { WallboardT } from './texts.ts';

const languageNames = { nb: 'Norsk', da: 'Dansk', en: 'English' } as const;

/** The away reasons agents choose from: added with a label per language, retired or offered again. */
export function AwayReasonsAdmin(props: { api: SupervisorApi; reasons: AwayReason[]; onChanged(): void; t: WallboardT; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { api, t } = props;
  const [code, setCode] = useState('');
  const [labels, setLabels] = useState({ nb: '', da: '', en: '' });
  const [error, setError] = useState<string | null>(null);
  const failed = (failure: Error) => props.notify(t('error', { message: failure.message }), 'warning');

  const add = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    api
      .addAwayReason({ code, labels })
      .then(() => {
        setCode('');
        setLabels({ nb: '', da: '', en: '' });
        props.notify(t('reasons.saved'));
        props.onChanged();
      })
      .catch((failure: Error) => setError(failure.message));
  };
  const setActive = (reason: AwayReason, active: boolean) =>
    api
      .updateAwayReason(reason.code, { active })
      .then(() => props.onChanged())
      .catch(failed);

  return (
    <section className="card" aria-labelledby="reasons-title">
      <h2 id="reasons-title">{t('reasons.title')}</h2>
      <p className="muted">{t('reasons.intro')}</p>
      <form className="inline-form" onSubmit={add}>
        <label>
          {t('reasons.code')}
          <input required pattern="[a-z0-9][a-z0-9-]{0,39}" value={code} onChange={(event) => setCode(event.target.value)} />
        </label>
        {languages.map((language) => (
          <label key={language}>
            {languageNames[language]}
            <input required maxLength={60} value={labels[language]} onChange={(event) => setLabels({ ...labels, [language]: event.target.value })} />
          </label>
        ))}
        <button type="submit" className="primary">
          {t('canned.add')}
        </button>
      </form>
      {error ? (
        <p className="banner warning" role="alert">
          {error}
        </p>
      ) : null}
      <table data-testid="reasons-table">
        <thead>
          <tr>
            <th scope="col">{t('reasons.code')}</th>
            {languages.map((language) => (
              <th key={language} scope="col">
                {languageNames[language]}
              </th>
            ))}
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {props.reasons.map((reason) => (
            <tr key={reason.code} className={reason.active ? '' : 'muted'}>
              <th scope="row">{reason.code}</th>
              {languages.map((language) => (
                <td key={language}>{reason.labels[language]}</td>
              ))}
              <td className="actions">
                <button type="button" className="small-button" onClick={() => void setActive(reason, !reason.active)}>
                  {reason.active ? t('reasons.retire') : t('reasons.restore')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
