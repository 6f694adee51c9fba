import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AwayReason, Language } from '@sentral/contract';
import { createApi, localizeQueues, type QueueInfo } from '../api.ts';
import { LanguageSelect } from '../components/TopBar.tsx';
import { useI18n } from '../i18n.tsx';
import { createSupervisorApi } from './api.ts';
import { AwayReasonsAdmin } from './AwayReasonsAdmin.tsx';
import { CannedAnswersAdmin } from './CannedAnswersAdmin.tsx';
import { Customers } from './Customers.tsx';
import { KnowledgeBase } from './KnowledgeBase.tsx';
import { Integration } from './Integration.tsx';
import { formats } from './format.ts';
import { Live } from './Live.tsx';
import { Reports } from './Reports.tsx';
import { Targets } from './Targets.tsx';
import { wallboardTexts } from './texts.ts';
import { useWallboard } from './useWallboard.ts';
import './wallboard.css';

export const WALLBOARD_ROUTE = '#/wallboard';
const sections = ['live', 'targets', 'reports', 'customers', 'canned', 'reasons', 'articles', 'integration'] as const;
type Section = (typeof sections)[number];

interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

/** The supervisor's page: live queues and agents, KPI targets, reports and customer analytics. */
export function Wallboard(props: { token: string; hash: string; language: Language; onLanguage(language: Language): void; onSignOut(expired: boolean): void }) {
  const { locale, time } = useI18n();
  const t = useMemo(() => wallboardTexts(props.language), [props.language]);
  const f = useMemo(() => formats(locale), [locale]);
  const api = useMemo(() => createSupervisorApi(props.token), [props.token]);
  const [storedQueues, setQueues] = useState<QueueInfo[]>([]);
  const queues = useMemo(() => localizeQueues(storedQueues, props.language), [storedQueues, props.language]);
  const [notices, setNotices] = useState<Notice[]>([]);
  const { onSignOut } = props;
  const expired = useCallback(() => onSignOut(true), [onSignOut]);
  const { stats, connection } = useWallboard(props.token, expired);
  const section: Section = sections.find((name) => props.hash === `${WALLBOARD_ROUTE}/${name}`) ?? 'live';

  const [awayReasons, setAwayReasons] = useState<AwayReason[]>([]);
  const loadAwayReasons = useCallback(() => api.awayReasons().then(setAwayReasons).catch(() => undefined), [api]);
  useEffect(() => {
    createApi(props.token).queues().then(setQueues).catch(() => undefined);
    void loadAwayReasons();
  }, [props.token, loadAwayReasons]);
  useEffect(() => {
    document.title = `${t('title')} — Sentral`;
  }, [t]);

  const notify = useCallback((text: string, tone: 'info' | 'warning' = 'info') => {
    const id = Date.now() + Math.random();
    setNotices((current) => [...current.slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((current) => current.filter((notice) => notice.id !== id)), 6_000);
  }, []);

  return (
    <div className="wallboard">
      <header className="top-bar wallboard-bar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Sentral · {t('title')}
        </div>
        <nav className="wallboard-nav" aria-label={t('title')}>
          {sections.map((name) => (
            <a key={name} href={name === 'live' ? WALLBOARD_ROUTE : `${WALLBOARD_ROUTE}/${name}`} aria-current={section === name ? 'page' : undefined}>
              {t(`nav.${name}`)}
            </a>
          ))}
          <a href="#/">{t('nav.desk')}</a>
        </nav>
        <span className={`connection wallboard-connection-${connection}`} data-testid="wallboard-connection" role="status">
          <span className="dot" aria-hidden="true" /> {connection === 'online' ? t('conn.online') : connection === 'forbidden' ? t('conn.forbidden') : connection === 'lost' ? t('conn.lost') : t('conn.connecting')}
          {stats && connection === 'online' ? <span className="muted small"> · {t('updated', { time: time(stats.at) })}</span> : null}
        </span>
        <LanguageSelect value={props.language} onChange={props.onLanguage} />
        <button type="button" onClick={() => props.onSignOut(false)}>
          {t('signOut')}
        </button>
      </header>
      <main className="wallboard-main">
        {connection === 'forbidden' ? (
          <p className="banner warning" role="alert">
            {t('conn.forbidden')}
          </p>
        ) : section === 'live' ? (
          stats ? (
            <Live stats={stats} queues={queues} awayReasons={awayReasons} api={api} t={t} f={f} notify={notify} />
          ) : (
            <p className="muted">{t('conn.connecting')}</p>
          )
        ) : section === 'targets' ? (
          <Targets api={api} queues={queues} t={t} f={f} notify={notify} />
        ) : section === 'reports' ? (
          <Reports api={api} awayReasons={awayReasons} t={t} f={f} notify={notify} />
        ) : section === 'canned' ? (
          <CannedAnswersAdmin api={api} queues={queues} t={t} notify={notify} />
        ) : section === 'reasons' ? (
          <AwayReasonsAdmin api={api} reasons={awayReasons} onChanged={() => void loadAwayReasons()} t={t} notify={notify} />
        ) : section === 'articles' ? (
          <KnowledgeBase token={props.token} language={props.language} t={t} notify={notify} />
        ) : section === 'integration' ? (
          <Integration token={props.token} language={props.language} notify={notify} />
        ) : (
          <Customers api={api} t={t} f={f} notify={notify} />
        )}
      </main>
      <div className="notices" aria-live="polite">
        {notices.map((notice) => (
          <div key={notice.id} className={`notice ${notice.tone}`} role={notice.tone === 'warning' ? 'alert' : 'status'}>
            {notice.text}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Supervisors and admins start on the wallboard after signing in; the token says who signed in. */
export function startsOnWallboard(token: string): boolean {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return claims.role === 'supervisor' || claims.role === 'admin';
  } catch {
    return false;
  }
}
