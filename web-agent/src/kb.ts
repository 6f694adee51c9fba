import type { ArticleHit, ArticleStatus, ArticleSummary, ArticleView, Language } from '@sentral/contract';
import { request } from './api.ts';

/** `GET /api/kb/articles/:id`. */
export type Article = ArticleView;

export interface ArticleDraft {
  title: string;
  body: string;
  language: Language;
  slug?: string;
  category: string;
  tags: string[];
  status: ArticleStatus;
}

/** The knowledge base's REST calls: search for agents, articles for supervisors and admins. */
export function createKnowledgeBaseApi(token: string) {
  const send = <T,>(method: string, path: string, body?: unknown) => request<T>(path, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return {
    search: (q: string, language: Language, limit = 3) => request<ArticleHit[]>(`/api/kb/search?${new URLSearchParams({ q, language, limit: String(limit) }).toString()}`, { token }),
    list: (filter: { language?: Language; q?: string } = {}) =>
      request<ArticleSummary[]>(`/api/kb/articles?${new URLSearchParams(Object.entries(filter).filter(([, value]) => value) as Array<[string, string]>).toString()}`, { token }),
    get: (id: string) => request<Article>(`/api/kb/articles/${encodeURIComponent(id)}`, { token }),
    create: (draft: ArticleDraft) => send<Article>('POST', '/api/kb/articles', draft),
    update: (id: string, change: Partial<ArticleDraft> & { version: number }) => send<Article>('PUT', `/api/kb/articles/${encodeURIComponent(id)}`, change),
    remove: (id: string) => send<null>('DELETE', `/api/kb/articles/${encodeURIComponent(id)}`),
    render: (body: string) => send<{ html: string }>('POST', '/api/kb/render', { body }),
  };
}

