import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ChatMessage } from '@sentral/contract';
import type { DeskContact } from '../desk.ts';
import { useI18n } from '../i18n.tsx';
import { CannedAnswers } from './CannedAnswers.tsx';
import { ChannelIcon } from './facts.tsx';

/** The name a tab and a transcript show for the customer: known name, the name they typed, or their address. */
export function contactTitle(contact: DeskContact, customerName: string | null, unknown: string): string {
  return customerName ?? contact.displayName ?? contact.from ?? unknown;
}

export function WorkspaceHeader(props: {
  contact: DeskContact;
  title: string;
  queueName: string;
  children?: ReactNode;
  onEnd(): void;
  onTransfer(): void;
  ending: boolean;
}) {
  const { t, time } = useI18n();
  const { contact } = props;
  return (
    <header className="workspace-header">
      <ChannelIcon channel={contact.channel} />
      <div className="workspace-title">
        <h2>{props.title}</h2>
        <p className="muted small">
          {t(`channelName.${contact.channel}`)} · {props.queueName}
          {contact.subject ? ` · ${contact.subject}` : ''}
          {contact.acceptedAt ? ` · ${time(contact.acceptedAt)}` : ''}
        </p>
      </div>
      <div className="workspace-actions">
        {props.children}
        {contact.phase === 'conversation' ? (
          <button type="button" onClick={props.onTransfer} aria-keyshortcuts="Alt+Shift+T">
            {t('ws.transfer')} <kbd>Alt+Shift+T</kbd>
          </button>
        ) : null}
        {contact.phase === 'conversation' ? (
          <button type="button" className="danger" onClick={props.onEnd} disabled={props.ending} aria-keyshortcuts="Alt+Shift+E">
            {t('ws.end')} <kbd>Alt+Shift+E</kbd>
          </button>
        ) : null}
      </div>
    </header>
  );
}

function authorLabel(from: ChatMessage['from'], t: ReturnType<typeof useI18n>['t']): string {
  return t(`ws.from.${from}`);
}

/** A conversation's messages; new ones are announced politely to screen readers. */
export function MessageList(props: { contact: DeskContact; customerLabel: string; renderBody?: (message: ChatMessage) => ReactNode }) {
  const { t, time } = useI18n();
  const { contact } = props;
  const end = useRef<HTMLDivElement>(null);
  const count = contact.messages.length + contact.outbox.length;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count, contact.id]);
  return (
    <div className="messages" role="log" aria-live="polite" aria-label={t('ws.transcript', { name: props.customerLabel })} data-testid="messages">
      {contact.messages.length === 0 && contact.outbox.length === 0 ? <p className="muted">{t('ws.noMessages')}</p> : null}
      {contact.messages.map((message) => (
        <div key={message.id} className={`message from-${message.from}`} data-seq={message.seq}>
          <div className="message-meta">
            <span>{message.from === 'customer' ? props.customerLabel : authorLabel(message.from, t)}</span>
            <time dateTime={message.at}>{time(message.at)}</time>
            {message.delivery === 'pending' ? <span className="muted">· {t('ws.sending')}</span> : null}
            {message.delivery === 'failed' ? <span className="status status-overdue">· {t('ws.failed')}</span> : null}
          </div>
          <div className="message-body">{props.renderBody ? props.renderBody(message) : message.text}</div>
        </div>
      ))}
      {contact.outbox.map((outgoing) => (
        <div key={outgoing.clientMessageId} className={`message from-agent outgoing ${outgoing.state}`}>
          <div className="message-meta">
            <span>{t('ws.from.agent')}</span>
            <span className={outgoing.state === 'failed' ? 'status status-overdue' : 'muted'}>{outgoing.state === 'failed' ? t('ws.failed') : t('ws.sending')}</span>
          </div>
          <div className="message-body">{outgoing.text}</div>
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}

/**
 * The reply field. In chat, Enter sends and Shift+Enter breaks the line; in email and fax
 * (longer texts) Ctrl+Enter sends. `/` in an empty reply opens the canned answers of the
 * customer's language and the contact's queue.
 */
export function Composer(props: {
  contact: DeskContact;
  multiline?: boolean;
  label: string;
  sendLabel: string;
  onSend(text: string): void;
  /** Shown beside the reply field; `insert` adds text to the reply (e.g. article suggestions). */
  aside?: (insert: (text: string) => void) => ReactNode;
  onTyping?(typing: boolean): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [pickingAnswer, setPickingAnswer] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  // The customer sees "typing" from the first keystroke until a pause of a few seconds or the send.
  const typingSince = useRef(false);
  const typingPause = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stopTyping = () => {
    clearTimeout(typingPause.current);
    if (typingSince.current) props.onTyping?.(false);
    typingSince.current = false;
  };
  useEffect(() => () => clearTimeout(typingPause.current), []);
  const edit = (value: string) => {
    setText(value);
    if (!props.onTyping) return;
    if (!typingSince.current && value.trim()) {
      typingSince.current = true;
      props.onTyping(true);
    }
    clearTimeout(typingPause.current);
    typingPause.current = setTimeout(stopTyping, 3000);
  };
  const hintId = `composer-hint-${props.contact.id}`;
  const send = () => {
    const trimmed = text.trim();
    if (!trimmed) return;
    stopTyping();
    props.onSend(trimmed);
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    const sends = props.multiline ? event.ctrlKey || event.metaKey : !event.shiftKey && !event.altKey;
    if (!sends) return;
    event.preventDefault();
    send();
  };
  return (
    <form
      className={`composer ${props.multiline ? 'multiline' : ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <CannedAnswers
        contact={props.contact}
        open={pickingAnswer}
        onOpenChange={(open) => {
          setPickingAnswer(open);
          if (!open) field.current?.focus();
        }}
        onInsert={(answer) => edit(text.trim() ? `${text.trimEnd()} ${answer}` : answer)}
      />
      {props.aside?.((addition) => {
        edit(text ? `${text} ${addition}` : addition);
        field.current?.focus();
      })}
      <div className="composer-row">
        <textarea
          ref={field}
          data-composer={props.contact.id}
          value={text}
          onChange={(event) => {
            if (event.target.value === '/' && text === '') {
              setPickingAnswer(true);
              return;
            }
            edit(event.target.value);
          }}
          onKeyDown={onKeyDown}
          aria-label={props.label}
          aria-describedby={hintId}
          rows={props.multiline ? 4 : 2}
          maxLength={8000}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {props.sendLabel}
        </button>
      </div>
      <p id={hintId} className="muted small">
        {props.multiline ? t('ws.composerHintLong') : t('ws.composerHint')}
      </p>
    </form>
  );
}
