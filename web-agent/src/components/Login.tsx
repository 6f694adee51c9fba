import { useState } from 'react';
import { ApiError, login } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { unlockSound } from '../sound.ts';
import { FormError } from './FormError.tsx';

export function Login(props: { notice: string | null; onSignedIn(token: string): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(props.notice);
  const [busy, setBusy] = useState(false);
  return (
    <main className="login">
      <form
        className="login-card"
        aria-labelledby="login-title"
        onSubmit={(event) => {
          event.preventDefault();
          // The sign-in click is the interaction browsers require before a page may play the offer chime.
          unlockSound();
          setBusy(true);
          setError(null);
          login(email.trim(), password)
            .then((result) => props.onSignedIn(result.token))
            .catch((failure: unknown) => {
              setError(failure instanceof ApiError && failure.status < 500 ? t('login.failed') : t('login.unreachable'));
              setBusy(false);
            });
        }}
      >
        <h1 id="login-title">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          {t('appName')}
        </h1>
        <p className="muted">{t('login.title')}</p>
        <label>
          {t('login.email')}
          <input type="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.target.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        </label>
        <FormError message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}
