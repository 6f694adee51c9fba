import { agentStates, languages, type AgentState, type AwayReason, type Language } from '@sentral/contract';
import type { Connection, DeskContact } from '../desk.ts';
import { useNow } from '../now.ts';
import { wrapUpSecondsLeft } from './WrapUp.tsx';
import { clock, useI18n } from '../i18n.tsx';

export function LanguageSelect(props: { value: Language; onChange(language: Language): void }) {
  const { t } = useI18n();
  const names: Record<Language, string> = { nb: 'Norsk', da: 'Dansk', en: 'English' };
  return (
    <label className="language">
      <span className="visually-hidden">{t('top.language')}</span>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value as Language)} aria-label={t('top.language')}>
        {languages.map((language) => (
          <option key={language} value={language} lang={language}>
            {names[language]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Who is signed in, their status, the wrap-up clock and the connection, always in view. */
export function TopBar(props: {
  agentName: string;
  state: AgentState;
  /** The away reason chosen, while away with one. */
  awayReason: string | null;
  awayReasons: AwayReason[];
  connection: Connection;
  /** Conversations waiting for wrap-up: the chip counts down the most urgent one. */
  wrapUps: DeskContact[];
  wrapUpSeconds: number;
  language: Language;
  onLanguage(language: Language): void;
  onState(state: AgentState, reason?: string): void;
  onShortcuts(): void;
  onLookup(): void;
  onSignOut(): void;
}) {
  const { t, language } = useI18n();
  const reasonLabel = (code: string) => props.awayReasons.find((reason) => reason.code === code)?.labels[language] ?? code;
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ◆
        </span>{' '}
        {t('appName')}
      </div>
      <div className="state-switcher" role="group" aria-label={t('top.state')}>
        {agentStates.map((state) => (
          <button key={state} type="button" className={`state state-${state}`} aria-pressed={props.state === state} onClick={() => props.onState(state)}>
            <span className="dot" aria-hidden="true" />{' '}
            {state === 'away' && props.state === 'away' && props.awayReason ? t('top.awayWith', { reason: reasonLabel(props.awayReason) }) : t(`state.${state}`)}
          </button>
        ))}
        {props.awayReasons.length ? (
          <select
            className="away-reason"
            aria-label={t('top.awayReason')}
            value={props.state === 'away' ? (props.awayReason ?? '') : ''}
            onChange={(event) => event.target.value && props.onState('away', event.target.value)}
            data-testid="away-reason"
          >
            <option value="">{t('top.awayReasonPlaceholder')}</option>
            {props.awayReasons.map((reason) => (
              <option key={reason.code} value={reason.code}>
                {reason.labels[language]}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {props.wrapUps.length ? <WrapUpChip wrapUps={props.wrapUps} wrapUpSeconds={props.wrapUpSeconds} /> : null}
      <span className={`connection connection-${props.connection}`} role="status" data-testid="connection">
        {t(`conn.${props.connection}`)}
      </span>
      <div className="top-right">
        <button type="button" onClick={props.onLookup} aria-keyshortcuts="Alt+Shift+K">
          {t('lookup.button')}
        </button>
        <span className="agent-name">{props.agentName}</span>
        <LanguageSelect value={props.language} onChange={props.onLanguage} />
        <button type="button" className="icon-button" onClick={props.onShortcuts} aria-keyshortcuts="Alt+Shift+H" title={t('top.shortcuts')}>
          ⌨<span className="visually-hidden">{t('top.shortcuts')}</span>
        </button>
        <button type="button" onClick={props.onSignOut}>
          {t('top.signOut')}
        </button>
      </div>
    </header>
  );
}

/** Ticks on its own, so the rest of the desktop does not re-render every second. */
function WrapUpChip(props: { wrapUps: DeskContact[]; wrapUpSeconds: number }) {
  const { t } = useI18n();
  const now = useNow(1000);
  const left = Math.min(...props.wrapUps.map((contact) => wrapUpSecondsLeft(contact, props.wrapUpSeconds, now)));
  return (
    <span className={`wrap-chip ${left < 0 ? 'over' : ''}`} role="timer" data-testid="wrap-up-countdown">
      {left >= 0 ? t('top.wrapUp', { time: clock(left) }) : t('top.wrapUpOver', { time: clock(-left) })}
    </span>
  );
}

export function ShortcutHelp(props: { onClose(): void }) {
  const { t } = useI18n();
  const rows: Array<[string, Parameters<typeof t>[0]]> = [
    ['Alt+Shift+A', 'shortcuts.accept'],
    ['Alt+Shift+R', 'shortcuts.reject'],
    ['Alt+Shift+E', 'shortcuts.end'],
    ['Alt+Shift+T', 'shortcuts.transfer'],
    ['Alt+Shift+K', 'shortcuts.lookup'],
    ['Alt+Shift+1…9', 'shortcuts.tab'],
    ['Alt+Shift+M', 'shortcuts.composer'],
    ['Alt+Shift+H', 'shortcuts.help'],
  ];
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" onKeyDown={(event) => event.key === 'Escape' && props.onClose()}>
      <div className="dialog">
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <table>
          <tbody>
            {rows.map(([keys, text]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{t(text)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="primary" onClick={props.onClose} autoFocus>
          {t('shortcuts.close')}
        </button>
      </div>
    </div>
  );
}
