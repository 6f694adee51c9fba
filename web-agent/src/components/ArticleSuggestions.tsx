import { useEffect, useMemo, useState } from 'react';
import type { ArticleHit } from '@sentral/contract';
import type { DeskContact } from '../desk.ts';
import { toLanguage, useI18n } from '../i18n.tsx';
import { createKnowledgeBaseApi } from '../kb.ts';

/**
 * Help-centre articles for the customer's latest message, searched in the contact's language. One click puts
 * the article's link (or its opening text) into the reply; the agent still reads and sends it.
 */
export function ArticleSuggestions(props: { contact: DeskContact; token: string; onInsert(text: string): void }) {
  const { t } = useI18n();
  const api = useMemo(() => createKnowledgeBaseApi(props.token), [props.token]);
  const language = toLanguage(props.contact.language);
  const latest = [...props.contact.messages].reverse().find((message) => message.from === 'customer')?.text.trim() ?? '';
  const [hits, setHits] = useState<ArticleHit[]>([]);

  useEffect(() => {
    if (!latest) {
      setHits([]);
      return;
    }
    let current = true;
    api
      .search(latest.slice(0, 200), language, 3)
      .then((found) => current && setHits(found))
      .catch(() => current && setHits([]));
    return () => {
      current = false;
    };
  }, [api, latest, language]);

  if (hits.length === 0) return null;
  return (
    <aside className="article-suggestions" aria-label={t('kb.suggestions')} data-testid="article-suggestions">
      <h3 className="small muted">{t('kb.suggestions')}</h3>
      <ul>
        {hits.map((hit) => (
          <li key={hit.id}>
            <a href={hit.url} target="_blank" rel="noopener noreferrer" title={hit.snippet}>
              {hit.title}
            </a>
            <span className="article-actions">
              <button type="button" className="chip" onClick={() => props.onInsert(`${hit.title}: ${new URL(hit.url, window.location.origin).href}`)}>
                {t('kb.insertLink')}
              </button>
              <button type="button" className="chip" onClick={() => props.onInsert(hit.snippet)}>
                {t('kb.insertText')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
