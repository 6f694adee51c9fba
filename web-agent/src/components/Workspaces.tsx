import { useEffect, useState } from 'react';
import type { ChatMessage } from '@sentral/contract';
import { formatBytes, useBlobUrl } from '../assets.ts';
import type { DeskContact } from '../desk.ts';
import type { BrowserPhone } from '../phone.ts';
import { clock, useI18n } from '../i18n.tsx';
import { ArticleSuggestions } from './ArticleSuggestions.tsx';
import { Composer, MessageList, WorkspaceHeader } from './Conversation.tsx';
import { Icon } from './icons.tsx';
import { InternalNotes } from './InternalNotes.tsx';
import { SafeHtml } from './SafeHtml.tsx';
import { useNow } from '../now.ts';
import { WrapUp } from './WrapUp.tsx';

export interface WorkspaceProps {
  contact: DeskContact;
  title: string;
  queueName: string;
  token: string;
  phone: BrowserPhone;
  dispositions: string[];
  wrapUpSeconds: number;
  onSend(text: string): void;
  onTyping?(typing: boolean): void;
  onEnd(): Promise<void>;
  onTransfer(): void;
  onWrapUp(disposition: string, notes: string): Promise<void>;
}

/** One workspace per channel; each renders what its contact carries, so a channel lights up as its connector lands. */
export function Workspace(props: WorkspaceProps) {
  const { t } = useI18n();
  const [ending, setEnding] = useState(false);
  const end = () => {
    setEnding(true);
    props.onEnd().finally(() => setEnding(false));
  };
  const { contact } = props;
  const body = {
    chat: <ChatBody {...props} />,
    email: <EmailBody {...props} />,
    fax: <FaxBody {...props} />,
    voice: <VoiceBody {...props} onHangUp={end} />,
  }[contact.channel];
  return (
    <section className={`workspace workspace-${contact.channel}`} aria-label={props.title} data-testid="workspace" data-contact-id={contact.id}>
      <WorkspaceHeader contact={contact} title={props.title} queueName={props.queueName} onEnd={end} onTransfer={props.onTransfer} ending={ending} />
      {body}
      <InternalNotes contactId={contact.id} token={props.token} />
      {contact.phase === 'wrap-up' ? (
        <>
          <p className="ended-note" role="status">
            {contact.endedBy === 'customer' ? t('ws.customerLeft') : t('ws.ended')}
          </p>
          <WrapUp contact={contact} dispositions={props.dispositions} wrapUpSeconds={props.wrapUpSeconds} onSave={props.onWrapUp} />
        </>
      ) : null}
    </section>
  );
}

function ChatBody(props: WorkspaceProps) {
  const { t } = useI18n();
  const { contact } = props;
  return (
    <>
      <MessageList contact={contact} customerLabel={props.title} />
      <div className="typing" aria-live="polite">
        {contact.typing && contact.phase === 'conversation' ? t('ws.typing', { name: props.title }) : ''}
      </div>
      {contact.phase === 'conversation' ? (
        <Composer
          contact={contact}
          label={t('ws.composer')}
          sendLabel={t('ws.send')}
          onSend={props.onSend}
          onTyping={props.onTyping}
          aside={(insert) => <ArticleSuggestions contact={contact} token={props.token} onInsert={insert} />}
        />
      ) : null}
    </>
  );
}

function Attachments(props: { message: ChatMessage; token: string }) {
  const { t, locale } = useI18n();
  const attachments = props.message.attachments ?? [];
  if (!attachments.length) return null;
  return (
    <ul className="attachments" aria-label={t('email.attachments')}>
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <AttachmentLink url={attachment.url} token={props.token} name={attachment.filename ?? attachment.contentType} />
          <span className="muted small"> {formatBytes(attachment.size, locale)}</span>
        </li>
      ))}
    </ul>
  );
}

function AttachmentLink(props: { url: string; token: string; name: string }) {
  const [wanted, setWanted] = useState(false);
  const { src } = useBlobUrl(wanted ? props.url : null, props.token);
  useEffect(() => {
    if (src) window.open(src, '_blank', 'noopener');
  }, [src]);
  return (
    <button type="button" className="link-button" onClick={() => setWanted(true)}>
      <Icon name="clip" /> {props.name}
    </button>
  );
}

function EmailBody(props: WorkspaceProps) {
  const { t } = useI18n();
  const { contact } = props;
  return (
    <>
      <dl className="mail-head">
        <div>
          <dt>{t('email.from')}</dt>
          <dd>{contact.displayName ? `${contact.displayName} <${contact.from ?? ''}>` : (contact.from ?? '')}</dd>
        </div>
        <div>
          <dt>{t('email.subject')}</dt>
          <dd data-testid="mail-subject">{contact.subject ?? t('email.noSubject')}</dd>
        </div>
      </dl>
      <MessageList
        contact={contact}
        customerLabel={props.title}
        renderBody={(message) => (
          <>
            {message.html ? <SafeHtml html={message.html} title={t('email.thread')} /> : <div className="plain-text">{message.text}</div>}
            <Attachments message={message} token={props.token} />
          </>
        )}
      />
      {contact.phase === 'conversation' ? (
        <Composer
          contact={contact}
          multiline
          label={t('email.replyEditor')}
          sendLabel={t('email.sendReply')}
          onSend={props.onSend}
          aside={(insert) => <ArticleSuggestions contact={contact} token={props.token} onInsert={insert} />}
        />
      ) : null}
    </>
  );
}

function FaxPage(props: { url: string; token: string; label: string }) {
  const { src, failed } = useBlobUrl(props.url, props.token);
  if (failed) return null;
  return src ? <img className="fax-thumb" src={src} alt={props.label} /> : <div className="fax-thumb placeholder" aria-hidden="true" />;
}

function FaxBody(props: WorkspaceProps) {
  const { t } = useI18n();
  const { contact } = props;
  const documents = contact.messages.flatMap((message) => (message.from === 'customer' ? (message.attachments ?? []) : []));
  const pages = documents.filter((file) => file.contentType.startsWith('image/'));
  const pdfs = documents.filter((file) => file.contentType === 'application/pdf');
  const thumbnail = contact.screenPop?.fax?.thumbnailUrl ?? null;
  return (
    <>
      <section className="fax-pages" aria-label={t('fax.pages')}>
        <h3>
          {t('fax.pages')}
          {contact.screenPop?.fax?.pages ? ` (${contact.screenPop.fax.pages})` : ''}
        </h3>
        <div className="thumbs">
          {pages.map((page, index) => (
            <FaxPage key={page.id} url={page.url} token={props.token} label={`${t('fax.pages')} ${index + 1}`} />
          ))}
          {!pages.length && thumbnail ? <FaxPage url={thumbnail} token={props.token} label={`${t('fax.pages')} 1`} /> : null}
          {!pages.length && !thumbnail ? <p className="muted">{t('fax.noPages')}</p> : null}
        </div>
        {pdfs.map((pdf) => (
          <AttachmentLink key={pdf.id} url={pdf.url} token={props.token} name={`${t('fax.openPdf')}: ${pdf.filename ?? 'fax.pdf'}`} />
        ))}
      </section>
      <MessageList contact={contact} customerLabel={props.title} />
      {contact.phase === 'conversation' ? <Composer contact={contact} multiline label={t('fax.reply')} sendLabel={t('fax.replyByFax')} onSend={props.onSend} /> : null}
    </>
  );
}

function VoiceBody(props: WorkspaceProps & { onHangUp(): void }) {
  const { t } = useI18n();
  const now = useNow(1000);
  const { contact, phone } = props;
  const call = phone.call;
  const hangUp = () => {
    call?.hangUp();
    props.onHangUp();
  };
  const started = contact.acceptedAt ? Date.parse(contact.acceptedAt) : now;
  const stopped = contact.endedAt ? Date.parse(contact.endedAt) : now;
  return (
    <section className="voice" aria-label={t('channelName.voice')}>
      <dl className="figures">
        <div>
          <dt>{t('voice.caller')}</dt>
          <dd>{contact.from && /^\+?\d/.test(contact.from) ? contact.from : t('voice.withheld')}</dd>
        </div>
        <div>
          <dt>{t('voice.duration')}</dt>
          <dd role="timer">{clock((stopped - started) / 1000)}</dd>
        </div>
      </dl>
      {contact.phase === 'conversation' ? (
        <>
          {phone.status === 'ready' ? (
            <p className="call-state" role="status">
              {call ? (call.state === 'ringing' ? t('voice.ringing') : t('voice.connected')) : t('voice.waiting')}
            </p>
          ) : (
            <p className="muted">{phone.status === 'starting' ? t('voice.waiting') : t('voice.notConfigured')}</p>
          )}
          <div className="call-controls" role="group" aria-label={t('channelName.voice')}>
            {call?.state === 'ringing' ? (
              <>
                <button type="button" className="accept" onClick={call.answer} aria-keyshortcuts="Alt+Shift+A">
                  {t('voice.answer')} <kbd>Alt+Shift+A</kbd>
                </button>
                <button type="button" onClick={call.decline}>
                  {t('voice.decline')}
                </button>
              </>
            ) : null}
            {call?.state === 'open' ? (
              <button type="button" aria-pressed={call.muted} onClick={() => call.mute(!call.muted)}>
                {call.muted ? t('voice.unmute') : t('voice.mute')}
              </button>
            ) : null}
            <button type="button" className="danger" onClick={hangUp}>
              {t('voice.hangUp')}
            </button>
          </div>
        </>
      ) : null}
      {contact.messages.length ? <MessageList contact={contact} customerLabel={props.title} /> : null}
    </section>
  );
}
