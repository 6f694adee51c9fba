import { createContext, useContext, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { fillPlaceholders, type CannedAnswer } from '@sentral/contract';
import { request } from '../api.ts';
import type { DeskContact } from '../desk.ts';
import { toLanguage, useI18n } from '../i18n.tsx';

/** What inserting a canned answer needs from the desktop: the token to fetch with, who writes, and who to. */
export interface CannedAnswerSource {
  token: string;
  agentName: string;
  /** The customer's name as the desktop knows it (identified customer, or the name typed into the chat). */
  customerName(contact: DeskContact): string | null;
}

const CannedAnswerContext = createContext<CannedAnswerSource | null>(null);

export function CannedAnswerProvider(props: { value: CannedAnswerSource; children: ReactNode }) {
  return <CannedAnswerContext.Provider value={props.value}>{props.children}</CannedAnswerContext.Provider>;
}

const firstWord = (name: string | null | undefined) => (name ? (name.trim().split(/\s+/)[0] ?? null) : null);

/** The answer's text with its placeholders filled for this conversation; unknown values stay visible. */
export function fillAnswer(answer: CannedAnswer, contact: DeskContact, source: CannedAnswerSource): string {
  const customerName = source.customerName(contact);
  return fillPlaceholders(answer.text, {
    'customer.name': customerName,
    'customer.firstName': firstWord(customerName),
    'agent.name': source.agentName,
    'agent.firstName': firstWord(source.agentName),
    'contact.subject': contact.subject,
  });
}

/**
 * The canned answers of the conversation's language and queue: a button (or `/` typed into an empty
 * reply) opens a searchable list; Enter or a click inserts the chosen answer, filled in.
 */
export function CannedAnswers(props: { contact: DeskContact; open: boolean; onOpenChange(open: boolean): void; onInsert(text: string): void }) {
  const { t } = useI18n();
  const source = useContext(CannedAnswerContext);
  const [answers, setAnswers] = useState<CannedAnswer[] | null>(null);
  const [query, setQuery] = useState('');
  const [highlighted, setHighlighted] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const language = toLanguage(props.contact.language);
  const { queue } = props.contact;
  const token = source?.token;

  useEffect(() => {
    if (!props.open || !token) return;
    let cancelled = false;
    request<CannedAnswer[]>(`/api/canned-answers?${new URLSearchParams({ language, queueId: queue }).toString()}`, { token })
      .then((loaded) => !cancelled && setAnswers(loaded))
      .catch(() => !cancelled && setAnswers([]));
    return () => {
      cancelled = true;
    };
  }, [props.open, token, language, queue]);

  useEffect(() => {
    if (props.open) {
      setQuery('');
      setHighlighted(0);
      search.current?.focus();
    }
  }, [props.open]);

  const matches = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return (answers ?? []).filter((answer) => words.every((word) => `${answer.title} ${answer.text}`.toLowerCase().includes(word)));
  }, [answers, query]);

  if (!source) return null;
  const choose = (answer: CannedAnswer) => {
    props.onInsert(fillAnswer(answer, props.contact, source));
    props.onOpenChange(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onOpenChange(false);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setHighlighted((current) => (matches.length ? (current + step + matches.length) % matches.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const answer = matches[Math.min(highlighted, matches.length - 1)];
      if (answer) choose(answer);
    }
  };
  const listId = `canned-list-${props.contact.id}`;
  return (
    <div className="canned">
      <button type="button" className="chip" aria-expanded={props.open} aria-controls={listId} onClick={() => props.onOpenChange(!props.open)} data-testid="canned-button">
        {t('ws.canned')} <kbd>/</kbd>
      </button>
      {props.open ? (
        <div className="canned-picker" role="dialog" aria-label={t('ws.canned')}>
          <input
            ref={search}
            type="search"
            value={query}
            placeholder={t('canned.search')}
            aria-label={t('canned.search')}
            aria-controls={listId}
            aria-activedescendant={matches[highlighted] ? `${listId}-${matches[highlighted]!.id}` : undefined}
            onChange={(event) => {
              setQuery(event.target.value);
              setHighlighted(0);
            }}
            onKeyDown={onKeyDown}
            data-testid="canned-search"
          />
          <ul id={listId} role="listbox" aria-label={t('ws.canned')}>
            {answers === null ? <li className="muted">{t('canned.loading')}</li> : null}
            {answers !== null && matches.length === 0 ? <li className="muted">{t('canned.none')}</li> : null}
            {matches.map((answer, index) => (
              <li
                key={answer.id}
                id={`${listId}-${answer.id}`}
                role="option"
                aria-selected={index === highlighted}
                className={index === highlighted ? 'highlighted' : ''}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(answer)}
              >
                <strong>{answer.title}</strong>
                <span className="muted small">{answer.text}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
