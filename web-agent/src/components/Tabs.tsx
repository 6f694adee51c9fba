import { channels, type Channel } from '@sentral/contract';
import type { DeskContact } from '../desk.ts';
import { clock, useI18n } from '../i18n.tsx';
import { ChannelIcon } from './facts.tsx';
import { wrapUpSecondsLeft } from './WrapUp.tsx';
import { useNow } from '../now.ts';

/** One tab per open contact; several at once within the agent's capacity. */
export function ContactTabs(props: {
  contacts: DeskContact[];
  activeId: string | null;
  titleOf(contact: DeskContact): string;
  wrapUpSeconds: number;
  capacity: Record<Channel, number> | null;
  onSelect(id: string): void;
}) {
  const { t } = useI18n();
  const now = useNow(1000);
  const inConversation = (channel: Channel) => props.contacts.filter((contact) => contact.channel === channel && contact.phase === 'conversation').length;
  const load = props.capacity ? channels.filter((channel) => inConversation(channel) > 0).map((channel) => ({ channel, used: inConversation(channel), capacity: props.capacity![channel] })) : [];
  return (
    <nav className="tabs-bar" aria-label={t('tabs.label')}>
      <div role="tablist" aria-label={t('tabs.label')} className="tabs">
        {props.contacts.map((contact, index) => {
          const selected = contact.id === props.activeId;
          return (
            <button
              key={contact.id}
              type="button"
              role="tab"
              id={`tab-${contact.id}`}
              aria-selected={selected}
              aria-controls="workspace-panel"
              tabIndex={selected ? 0 : -1}
              className={`tab ${selected ? 'active' : ''} tab-${contact.phase}`}
              {...(index < 9 ? { 'aria-keyshortcuts': `Alt+Shift+${index + 1}`, title: `Alt+Shift+${index + 1}` } : {})}
              onClick={() => props.onSelect(contact.id)}
              onKeyDown={(event) => {
                if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
                const next = props.contacts[(index + (event.key === 'ArrowRight' ? 1 : props.contacts.length - 1)) % props.contacts.length];
                if (next) {
                  props.onSelect(next.id);
                  document.getElementById(`tab-${next.id}`)?.focus();
                }
              }}
              data-testid="contact-tab"
            >
              <ChannelIcon channel={contact.channel} />
              <span className="tab-title">{props.titleOf(contact)}</span>
              {contact.unread ? (
                <span className="unread" aria-label={`${contact.unread} ${t('tabs.unread')}`}>
                  {contact.unread}
                </span>
              ) : null}
              {contact.typing ? <span className="typing-dot" aria-hidden="true" /> : null}
              {contact.phase === 'wrap-up' ? <span className="tab-wrap">{`${t('tabs.wrapUp')} ${clock(Math.abs(wrapUpSecondsLeft(contact, props.wrapUpSeconds, now)))}`}</span> : null}
            </button>
          );
        })}
      </div>
      {load.length ? (
        <ul className="capacity" aria-label={t('tabs.capacityLabel')}>
          {load.map((item) => (
            <li key={item.channel} className={item.used >= item.capacity ? 'full' : ''}>
              {t('tabs.capacity', { channel: t(`channelName.${item.channel}`), used: item.used, capacity: item.capacity })}
            </li>
          ))}
        </ul>
      ) : null}
    </nav>
  );
}
