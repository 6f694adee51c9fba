import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AgentState, AwayReason, InternalNote, Language, WrapUpSettings } from '@sentral/contract';
import { createApi, localizeQueues, type Colleague, type QueueInfo } from './api.ts';
import { useCustomers } from './customers.ts';
import { AckError, useDesk, type DeskContact, type PendingOffer } from './desk.ts';
import { I18nProvider, toLanguage, useI18n } from './i18n.tsx';
import { useBrowserPhone } from './phone.ts';
import { playOfferCue } from './sound.ts';
import { CannedAnswerProvider, type CannedAnswerSource } from './components/CannedAnswers.tsx';
import { contactTitle } from './components/Conversation.tsx';
import { PushedNotesContext } from './components/InternalNotes.tsx';
import { CustomerPage } from './components/CustomerPage.tsx';
import { CustomerPanel } from './components/CustomerPanel.tsx';
import { CustomerLookup } from './components/CustomerSearch.tsx';
import { Login } from './components/Login.tsx';
import { ScreenPop } from './components/ScreenPop.tsx';
import { ContactTabs } from './components/Tabs.tsx';
import { LanguageSelect, ShortcutHelp, TopBar } from './components/TopBar.tsx';
import { TransferDialog } from './components/Transfer.tsx';
import { Workspace } from './components/Workspaces.tsx';
import { startsOnWallboard, Wallboard, WALLBOARD_ROUTE } from './supervisor/Wallboard.tsx';

const TOKEN_KEY = 'sentral.agent.token';
const LANGUAGE_KEY = 'sentral.agent.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  return stored === 'nb' || stored === 'da' || stored === 'en' ? stored : toLanguage(navigator.language);
}

export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  // Per browser tab: a reload keeps the agent signed in, closing the tab signs them out.
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [expired, setExpired] = useState(false);
  const [hash] = useHashRoute();

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language]);

  const signIn = (next: string) => {
    if (!window.location.hash && startsOnWallboard(next)) window.location.hash = WALLBOARD_ROUTE;
    sessionStorage.setItem(TOKEN_KEY, next);
    setExpired(false);
    setToken(next);
  };
  const signOut = useCallback((sessionExpired: boolean) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setExpired(sessionExpired);
    setToken(null);
  }, []);

  return (
    <I18nProvider language={language}>
      {token && hash.startsWith(WALLBOARD_ROUTE) ? (
        <Wallboard key={token} token={token} hash={hash} language={language} onLanguage={setLanguage} onSignOut={signOut} />
      ) : token ? (
        <Desktop key={token} token={token} language={language} onLanguage={setLanguage} onSignOut={signOut} />
      ) : (
        <>
          <div className="login-language">
            <LanguageSelect value={language} onChange={setLanguage} />
          </div>
          <LoginWithNotice expired={expired} onSignedIn={signIn} />
        </>
      )}
    </I18nProvider>
  );
}

function LoginWithNotice(props: { expired: boolean; onSignedIn(token: string): void }) {
  const { t } = useI18n();
  return <Login notice={props.expired ? t('login.expired') : null} onSignedIn={props.onSignedIn} />;
}

function useHashRoute(): [string, (hash: string) => void] {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [hash, (next) => (window.location.hash = next)];
}

/**
 * Moves focus once the next screen is painted, unless the agent has meanwhile put it in a field of
 * their own: a search typed into the customer panel right after accepting must not end up in the reply.
 */
function focusSoon(selector: string) {
  const before = document.activeElement;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const now = document.activeElement;
      if (now !== before && now instanceof HTMLElement && now.matches('input, textarea, select, [contenteditable="true"]')) return;
      document.querySelector<HTMLElement>(selector)?.focus();
    }),
  );
}

function Desktop(props: { token: string; language: Language; onLanguage(language: Language): void; onSignOut(expired: boolean): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMemo(() => createApi(props.token), [props.token]);
  const [storedQueues, setQueues] = useState<QueueInfo[]>([]);
  const queues = useMemo(() => localizeQueues(storedQueues, props.language), [storedQueues, props.language]);
  const [wrapUp, setWrapUp] = useState<WrapUpSettings>({ dispositions: ['resolved'], wrapUpSeconds: 60 });
  const [answering, setAnswering] = useState(false);
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [lookingUp, setLookingUp] = useState(false);
  const [transferring, setTransferring] = useState<DeskContact | null>(null);
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [hash, navigate] = useHashRoute();
  const customers = useCustomers(api);
  const phone = useBrowserPhone(props.token);

  const texts = useMemo(
    () => ({
      withdrawn: (reason: 'expired' | 'abandoned' | 'reassigned') => t(`offer.withdrawn.${reason}`),
      restored: () => t('conn.restored'),
      deliveryFailed: (reason: string) => t('error.generic', { message: reason }),
    }),
    [t],
  );
  const [pushedNotes, setPushedNotes] = useState<Record<string, InternalNote[]>>({});
  const onNote = useCallback((contactId: string, note: InternalNote) => {
    setPushedNotes((current) => ({ ...current, [contactId]: [...(current[contactId] ?? []), note] }));
  }, []);
  const desk = useDesk({ token: props.token, api, texts, onOffer: playOfferCue, onUnauthenticated: () => props.onSignOut(true), onNote });
  const { state } = desk;

  const [awayReasons, setAwayReasons] = useState<AwayReason[]>([]);
  useEffect(() => {
    api.queues().then(setQueues).catch(() => undefined);
    api.wrapUpSettings().then(setWrapUp).catch(() => undefined);
    api.awayReasons().then(setAwayReasons).catch(() => undefined);
  }, [api]);

  // Every contact's customer is loaded for the side panel.
  const loadCustomer = customers.load;
  useEffect(() => {
    for (const contact of state.contacts) if (contact.customerId) loadCustomer(contact.customerId);
  }, [state.contacts, loadCustomer]);

  // The customer page always shows the latest history: fetched again each time it is opened.
  const customerPageId = /^#\/customer\/([0-9a-f-]{36})$/.exec(hash)?.[1] ?? null;
  useEffect(() => {
    if (customerPageId) loadCustomer(customerPageId, true);
  }, [customerPageId, loadCustomer]);

  // The tab title tells an agent in another window that something waits.
  useEffect(() => {
    document.title = state.offers.length ? `(${state.offers.length}) ${t('offer.title', { channel: t(`channel.${state.offers[0]!.contact.channel}`) })} — Sentral` : 'Sentral';
  }, [state.offers, t]);

  const queueName = useCallback((id: string) => queues.find((queue) => queue.id === id)?.name ?? id, [queues]);
  const titleOf = useCallback(
    (contact: DeskContact) => {
      const entry = contact.customerId ? customers.entries[contact.customerId] : undefined;
      const name = entry?.status === 'ready' ? entry.view.name : (contact.screenPop?.customer?.name ?? null);
      return contactTitle(contact, name, t('pop.unknown'));
    },
    [customers.entries, t],
  );

  const active = state.contacts.find((contact) => contact.id === state.activeId) ?? null;
  const agentName = state.agent?.name ?? '';
  const cannedSource = useMemo<CannedAnswerSource>(
    () => ({
      token: props.token,
      agentName,
      customerName(contact) {
        const entry = contact.customerId ? customers.entries[contact.customerId] : undefined;
        return entry?.status === 'ready' ? entry.view.name : (contact.screenPop?.customer?.name ?? contact.displayName ?? null);
      },
    }),
    [props.token, agentName, customers.entries],
  );

  const accept = useCallback(
    (offer: PendingOffer) => {
      if (answering) return;
      setAnswering(true);
      desk
        .accept(offer)
        .then(() => {
          if (window.location.hash) navigate('');
          focusSoon(`[data-composer="${offer.contact.id}"]`);
        })
        .catch((error: unknown) => desk.notify(t('offer.failed', { message: error instanceof AckError ? error.body.message : String(error) }), 'warning'))
        .finally(() => setAnswering(false));
    },
    [answering, desk, navigate, t],
  );
  const reject = useCallback(
    (offer: PendingOffer) => {
      desk.reject(offer).catch(() => undefined);
    },
    [desk],
  );
  const end = useCallback(
    async (contact: DeskContact) => {
      try {
        await desk.end(contact.id);
        focusSoon(`[data-wrapup="${contact.id}"]`);
      } catch (error) {
        desk.notify(t('error.generic', { message: (error as Error).message }), 'warning');
      }
    },
    [desk, t],
  );
  const openTransfer = useCallback(
    (contact: DeskContact) => {
      setTransferring(contact);
      api.colleagues().then(setColleagues).catch(() => setColleagues([]));
    },
    [api],
  );
  const changeState = useCallback(
    (next: AgentState, reason?: string) => {
      desk.setAgentState(next, reason).catch((error: Error) => desk.notify(t('error.generic', { message: error.message }), 'warning'));
    },
    [desk, t],
  );

  // Keyboard: Alt+Shift+letter works from anywhere, including inside the message field.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
      const offer = state.offers[0];
      const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
      let handled = true;
      if (event.code === 'KeyA' && offer) accept(offer);
      else if (event.code === 'KeyA' && phone.call?.state === 'ringing') phone.call.answer();
      else if (event.code === 'KeyR' && offer) reject(offer);
      else if (event.code === 'KeyE' && active) {
        if (active.phase === 'conversation') void end(active);
        else focusSoon(`[data-wrapup="${active.id}"]`);
      } else if (event.code === 'KeyT' && active?.phase === 'conversation') openTransfer(active);
      else if (event.code === 'KeyM' && active) focusSoon(`[data-composer="${active.id}"]`);
      else if (event.code === 'KeyH') setShowShortcuts((shown) => !shown);
      else if (event.code === 'KeyK') setLookingUp(true);
      else if (digit && state.contacts[Number(digit) - 1]) {
        const target = state.contacts[Number(digit) - 1]!;
        desk.activate(target.id);
        if (window.location.hash) navigate('');
        focusSoon(`[data-composer="${target.id}"], [data-wrapup="${target.id}"]`);
      } else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [state.offers, state.contacts, active, accept, reject, end, desk, navigate, phone.call, openTransfer]);

  const wrapUps = state.contacts.filter((contact) => contact.phase === 'wrap-up');

  return (
    <div className="desktop">
      <a className="skip-link" href="#workspace-panel">
        {t('tabs.label')}
      </a>
      <TopBar
        agentName={state.agent?.name ?? ''}
        state={state.state}
        awayReason={state.awayReason}
        awayReasons={awayReasons}
        connection={state.connection}
        wrapUps={wrapUps}
        wrapUpSeconds={wrapUp.wrapUpSeconds}
        language={props.language}
        onLanguage={props.onLanguage}
        onState={changeState}
        onShortcuts={() => setShowShortcuts(true)}
        onLookup={() => setLookingUp(true)}
        onSignOut={() => {
          // Signing out also stops offers; a dropped connection must not keep the agent waiting to leave.
          const offline = state.connection === 'online' ? desk.setAgentState('offline').catch(() => undefined) : Promise.resolve();
          void Promise.race([offline, new Promise((resolve) => setTimeout(resolve, 1_500))]).then(() => props.onSignOut(false));
        }}
      />
      {state.connection !== 'online' && state.synced ? (
        <div className="banner warning" role="alert">
          {t('conn.lost')}
        </div>
      ) : null}
      <ContactTabs
        contacts={state.contacts}
        activeId={customerPageId ? null : state.activeId}
        titleOf={titleOf}
        wrapUpSeconds={wrapUp.wrapUpSeconds}
        capacity={state.agent?.capacity ?? null}
        onSelect={(id) => {
          desk.activate(id);
          if (window.location.hash) navigate('');
        }}
      />
      {customerPageId ? (
        <CustomerPage entry={customers.entries[customerPageId]} queueName={queueName} onBack={() => navigate('')} />
      ) : active ? (
        <main className="work-area" id="workspace-panel" role="tabpanel" aria-labelledby={`tab-${active.id}`}>
          <PushedNotesContext.Provider value={pushedNotes}>
          <CannedAnswerProvider value={cannedSource}>
          <Workspace
            key={`workspace-${active.id}`}
            contact={active}
            title={titleOf(active)}
            queueName={queueName(active.queue)}
            token={props.token}
            phone={phone}
            dispositions={wrapUp.dispositions}
            wrapUpSeconds={wrapUp.wrapUpSeconds}
            onSend={(text) => desk.send(active.id, text)}
            onTyping={(typing) => desk.typing(active.id, typing)}
            onEnd={() => end(active)}
            onTransfer={() => openTransfer(active)}
            onWrapUp={async (disposition, notes) => {
              await desk.wrapUp(active.id, disposition, notes);
              if (active.customerId) customers.load(active.customerId, true);
            }}
          />
          </CannedAnswerProvider>
          </PushedNotesContext.Provider>
          <CustomerPanel
            key={`customer-${active.id}`}
            contact={active}
            api={api}
            entry={active.customerId ? customers.entries[active.customerId] : undefined}
            onOpenCustomer={(id) => navigate(`#/customer/${id}`)}
            onLinked={(view) => {
              customers.put(view);
              desk.linked(active.id, view.id);
            }}
          />
        </main>
      ) : (
        <main className="idle" id="workspace-panel" tabIndex={-1}>
          <h1>{t('idle.title')}</h1>
          <p className="muted">{state.state === 'available' ? t('idle.available') : t('idle.notAvailable')}</p>
          <p className="muted small">
            <kbd>Alt+Shift+A</kbd> {t('shortcuts.accept')} · <kbd>Alt+Shift+R</kbd> {t('shortcuts.reject')} · <kbd>Alt+Shift+E</kbd> {t('shortcuts.end')} ·{' '}
            <kbd>Alt+Shift+H</kbd> {t('shortcuts.help')}
          </p>
        </main>
      )}
      <ScreenPop offers={state.offers} queueName={queueName} token={props.token} busy={answering} onAccept={accept} onReject={reject} />
      <div className="notices" aria-live="polite">
        {state.notices.map((notice) => (
          <div key={notice.id} className={`notice ${notice.tone}`} role={notice.tone === 'warning' ? 'alert' : 'status'}>
            {notice.text}
            <button type="button" className="icon-button" aria-label={t('tabs.close')} onClick={() => desk.dismiss(notice.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
      {showShortcuts ? <ShortcutHelp onClose={() => setShowShortcuts(false)} /> : null}
      {lookingUp ? (
        <CustomerLookup
          api={api}
          onClose={() => setLookingUp(false)}
          onOpen={(id) => {
            setLookingUp(false);
            navigate(`#/customer/${id}`);
          }}
        />
      ) : null}
      {transferring ? (
        <TransferDialog
          channel={transferring.channel}
          currentQueue={transferring.queue}
          queues={queues}
          colleagues={colleagues}
          onClose={() => {
            setTransferring(null);
            focusSoon(`[data-composer="${transferring.id}"]`);
          }}
          onTransfer={async (to, note) => {
            await desk.transfer(transferring.id, to, note);
            setTransferring(null);
            desk.notify(t('transfer.done'));
          }}
        />
      ) : null}
    </div>
  );
}
