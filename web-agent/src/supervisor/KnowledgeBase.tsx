import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { languages, type Language } from '@sentral/contract';
import { ApiError } from '../api.ts';
import { SafeHtml } from '../components/SafeHtml.tsx';
import { useI18n } from '../i18n.tsx';
import type { ArticleStatus, ArticleSummary } from '@sentral/contract';
import { createKnowledgeBaseApi, type Article, type ArticleDraft } from '../kb.ts';
import type { WallboardT } from './texts.ts';

const emptyDraft = (language: Language): ArticleDraft => ({ title: '', body: '', language, category: '', tags: [], status: 'draft' });

/** The knowledge base for supervisors and admins: articles listed by language, edited in Markdown with a preview. */
export function KnowledgeBase(props: { token: string; language: Language; t: WallboardT; notify(text: string, tone?: 'info' | 'warning'): void }) {
  const { t, notify } = props;
  const { dateTime } = useI18n();
  const api = useMemo(() => createKnowledgeBaseApi(props.token), [props.token]);
  const [filterLanguage, setFilterLanguage] = useState<Language | ''>(props.language);
  const [query, setQuery] = useState('');
  const [articles, setArticles] = useState<ArticleSummary[]>([]);
  const [editing, setEditing] = useState<{ article: Article | null; draft: ArticleDraft; tags: string } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const failed = useCallback((error: unknown) => notify(t('error', { message: error instanceof Error ? error.message : String(error) }), 'warning'), [notify, t]);

  const reload = useCallback(
    () =>
      api
        .list({ ...(filterLanguage ? { language: filterLanguage } : {}), ...(query.trim() ? { q: query.trim() } : {}) })
        .then(setArticles)
        .catch(failed),
    [api, filterLanguage, query, failed],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const open = (id: string) =>
    api
      .get(id)
      .then((article) => {
        setEditing({ article, draft: { title: article.title, body: article.body, language: article.language, slug: article.slug, category: article.category, tags: article.tags, status: article.status }, tags: article.tags.join(', ') });
        setPreview(null);
      })
      .catch(failed);

  const change = (patch: Partial<ArticleDraft>) => setEditing((current) => (current ? { ...current, draft: { ...current.draft, ...patch } } : current));

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    const draft = { ...editing.draft, tags: editing.tags.split(',').map((tag) => tag.trim()).filter(Boolean), ...(editing.draft.slug ? {} : { slug: undefined }) };
    setSaving(true);
    const saved = editing.article ? api.update(editing.article.id, { ...draft, version: editing.article.version }) : api.create(draft);
    saved
      .then((article) => {
        setEditing({ article, draft: { ...draft, slug: article.slug }, tags: article.tags.join(', ') });
        notify(t('kb.saved', { version: article.version }));
        return reload();
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.body.code === 'CONFLICT' && error.body.message.startsWith('version')) notify(t('kb.conflict'), 'warning');
        else failed(error);
      })
      .finally(() => setSaving(false));
  };

  const remove = () => {
    if (!editing?.article || !window.confirm(t('kb.confirmDelete', { title: editing.article.title }))) return;
    api
      .remove(editing.article.id)
      .then(() => {
        setEditing(null);
        notify(t('kb.deleted'));
        return reload();
      })
      .catch(failed);
  };

  return (
    <div className="knowledge-base">
      <section className="card">
        <div className="section-head">
          <h2>{t('kb.title')}</h2>
          <form className="inline-form" role="search" onSubmit={(event) => (event.preventDefault(), void reload())}>
            <label>
              {t('kb.language')}
              <select value={filterLanguage} onChange={(event) => setFilterLanguage(event.target.value as Language | '')}>
                <option value="">{t('kb.allLanguages')}</option>
                {languages.map((language) => (
                  <option key={language} value={language}>
                    {t(`kb.lang.${language}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('kb.searchTitles')}
              <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} maxLength={200} />
            </label>
            <button type="button" className="primary" onClick={() => (setEditing({ article: null, draft: emptyDraft(filterLanguage || props.language), tags: '' }), setPreview(null))}>
              {t('kb.new')}
            </button>
          </form>
        </div>
        {articles.length === 0 ? (
          <p className="muted">{t('kb.none')}</p>
        ) : (
          <table className="kb-articles" data-testid="kb-articles">
            <thead>
              <tr>
                <th>{t('kb.articleTitle')}</th>
                <th>{t('kb.language')}</th>
                <th>{t('kb.category')}</th>
                <th>{t('kb.status')}</th>
                <th>{t('kb.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {articles.map((article) => (
                <tr key={article.id} aria-selected={editing?.article?.id === article.id}>
                  <td>
                    <button type="button" className="link-button" onClick={() => void open(article.id)}>
                      {article.title}
                    </button>
                  </td>
                  <td>{article.language}</td>
                  <td>{article.category}</td>
                  <td>{t(`kb.status.${article.status}`)}</td>
                  <td>
                    {dateTime(article.updatedAt)} · v{article.version}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {editing ? (
        <section className="card kb-editor" aria-label={editing.article ? t('kb.edit') : t('kb.new')}>
          <h2>{editing.article ? t('kb.edit') : t('kb.new')}</h2>
          <form onSubmit={save} className="kb-form">
            <label>
              {t('kb.articleTitle')}
              <input required maxLength={200} value={editing.draft.title} onChange={(event) => change({ title: event.target.value })} />
            </label>
            <div className="inline-form">
              <label>
                {t('kb.language')}
                <select value={editing.draft.language} onChange={(event) => change({ language: event.target.value as Language })}>
                  {languages.map((language) => (
                    <option key={language} value={language}>
                      {t(`kb.lang.${language}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('kb.slug')}
                <input value={editing.draft.slug ?? ''} placeholder={t('kb.slugHint')} pattern="[a-z0-9]+(-[a-z0-9]+)*" maxLength={100} onChange={(event) => change({ slug: event.target.value })} />
              </label>
              <label>
                {t('kb.category')}
                <input required maxLength={80} value={editing.draft.category} onChange={(event) => change({ category: event.target.value })} />
              </label>
              <label>
                {t('kb.tags')}
                <input value={editing.tags} onChange={(event) => setEditing({ ...editing, tags: event.target.value })} />
              </label>
              <label>
                {t('kb.status')}
                <select value={editing.draft.status} onChange={(event) => change({ status: event.target.value as ArticleStatus })}>
                  <option value="draft">{t('kb.status.draft')}</option>
                  <option value="published">{t('kb.status.published')}</option>
                </select>
              </label>
            </div>
            <label>
              {t('kb.body')}
              <textarea rows={14} maxLength={100_000} value={editing.draft.body} onChange={(event) => change({ body: event.target.value })} />
            </label>
            <div className="kb-buttons">
              <button type="submit" className="primary" disabled={saving}>
                {t('kb.save')}
              </button>
              <button type="button" onClick={() => void api.render(editing.draft.body).then((result) => setPreview(result.html)).catch(failed)}>
                {t('kb.preview')}
              </button>
              {editing.article?.status === 'published' ? (
                <a href={`/help/${editing.article.language}/${editing.article.slug}`} target="_blank" rel="noopener noreferrer">
                  {t('kb.openPublic')}
                </a>
              ) : null}
              {editing.article ? (
                <button type="button" className="danger" onClick={remove}>
                  {t('kb.delete')}
                </button>
              ) : null}
              <button type="button" onClick={() => (setEditing(null), setPreview(null))}>
                {t('kb.close')}
              </button>
            </div>
          </form>
          {preview !== null ? (
            <div className="kb-preview" data-testid="kb-preview">
              <h3>{t('kb.preview')}</h3>
              <SafeHtml html={`<h1>${escapeText(editing.draft.title)}</h1>${preview}`} title={t('kb.preview')} />
            </div>
          ) : null}
          {editing.article && editing.article.versions.length ? (
            <details className="kb-versions">
              <summary>{t('kb.versions', { count: editing.article.versions.length })}</summary>
              <ul>
                {editing.article.versions.map((version) => (
                  <li key={version.version}>
                    v{version.version} · {dateTime(version.savedAt)} · {version.title} · {t(`kb.status.${version.status}`)}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
