import { z } from 'zod';
import { languages, type KnowledgeBase } from '@sentral/contract';
import type { RateLimits } from '../limits/rate-limits.ts';
import { articleChange, articleInput, articleListQuery, type Articles } from '../knowledge-base/articles.ts';
import {
  HELP_CONTENT_SECURITY_POLICY,
  HELP_STYLESHEET_PATH,
  helpArticlePage,
  helpIndexPage,
  helpLanguage,
  helpNotFoundPage,
  helpResultsPage,
  helpStylesheet,
} from '../knowledge-base/help-pages.ts';
import { MAX_QUERY_LENGTH } from '../knowledge-base/search.ts';
import { renderArticle } from '../knowledge-base/render.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

const idParam = z.object({ id: z.string().uuid('must be a UUID') });
const staff = { roles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[] };
const HTML = 'text/html; charset=utf-8';
const SEARCH_RESULTS = 8;

/** The knowledge base's API (articles for staff, search for anyone) and the public help centre's pages. */
export function knowledgeBaseRoutes(deps: { articles: Articles; knowledgeBase: KnowledgeBase; limits: RateLimits }): RouteDefinition[] {
  const { articles, knowledgeBase, limits } = deps;
  const clientAddress = (ip: string | undefined) => ip ?? 'unknown';

  return [
    defineRoute({
      method: 'get',
      path: '/api/kb/search',
      summary: 'Search published knowledge-base articles of one language (public, rate-limited per client address unless signed in)',
      access: 'public',
      query: z.object({
        q: z.string().trim().min(1, 'is required').max(MAX_QUERY_LENGTH),
        language: z.enum(languages),
        limit: z.coerce.number().int().min(1).max(20).optional(),
      }),
      responses: { 200: '[{"id","slug","title","language","snippet","url"}] best first; snippet is plain text', 429: 'Too many searches from this address' },
      async handler({ query, req, caller }) {
        // Agents' article suggestions come from one office address; the per-address limit is for the public.
        if (caller?.kind !== 'agent') await limits.consume('kb:search:address', clientAddress(req.ip));
        return { body: await knowledgeBase.search(query.q, query.language, query.limit ?? SEARCH_RESULTS) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/articles',
      summary: 'Knowledge-base articles (drafts included), without their bodies',
      access: 'agent',
      query: articleListQuery,
      responses: { 200: '[{"id","slug","title","language","category","tags","status","version","updatedAt","publishedAt"}]' },
      async handler({ query }) {
        return { body: await articles.list(query) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/articles',
      summary: 'Create an article (Markdown body; slug from the title unless given)',
      access: staff,
      body: articleInput,
      responses: { 201: 'The article with its body and versions', 409: 'The slug is taken in that language' },
      async handler({ body, caller }) {
        const editor = caller?.kind === 'agent' ? caller.agent.id : null;
        return { status: 201, body: await articles.create(body, editor) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/render',
      summary: 'Preview: an article body rendered and sanitised exactly as the help centre shows it',
      access: staff,
      body: z.object({ body: z.string().max(100_000) }).strict(),
      responses: { 200: '{"html"}' },
      async handler({ body }) {
        return { body: { html: renderArticle(body.body) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/articles/:id',
      summary: 'One article with its Markdown body and its earlier versions',
      access: 'agent',
      params: idParam,
      responses: { 200: '{"id","slug","title","language","category","tags","status","version","body","versions":[..]}', 404: 'No such article' },
      async handler({ params }) {
        return { body: await articles.view(params.id) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/kb/articles/:id',
      summary: 'Change an article; the replaced version is kept. Pass "version" to refuse saving over a newer save',
      access: staff,
      params: idParam,
      body: articleChange,
      responses: { 200: 'The article as saved', 404: 'No such article', 409: 'Slug taken, or the article changed since "version"' },
      async handler({ params, body, caller }) {
        const editor = caller?.kind === 'agent' ? caller.agent.id : null;
        return { body: await articles.update(params.id, body, editor) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/kb/articles/:id',
      summary: 'Delete an article and its versions',
      access: staff,
      params: idParam,
      responses: { 204: 'Deleted', 404: 'No such article' },
      async handler({ params }) {
        await articles.remove(params.id);
        return { status: 204, body: '', contentType: 'text/plain' };
      },
    }),

    defineRoute({
      method: 'get',
      path: HELP_STYLESHEET_PATH,
      summary: "The help centre's stylesheet",
      access: 'public',
      responses: { 200: 'CSS' },
      async handler({ res }) {
        res.set('Cache-Control', 'public, max-age=3600');
        return { body: helpStylesheet, contentType: 'text/css; charset=utf-8' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/help',
      summary: 'The public help centre (HTML): published articles by category, or search results with ?q=',
      access: 'public',
      query: z.object({ language: z.string().max(5).optional(), q: z.string().max(MAX_QUERY_LENGTH).optional() }),
      responses: { 200: 'HTML page' },
      async handler({ query, req, res }) {
        const language = helpLanguage(req, query.language);
        res.set({ 'Content-Security-Policy': HELP_CONTENT_SECURITY_POLICY, 'Content-Language': language, Vary: 'Accept-Language' });
        const search = query.q?.trim();
        if (search) {
          await limits.consume('kb:search:address', clientAddress(req.ip));
          return { body: helpResultsPage(language, search, await knowledgeBase.search(search, language, SEARCH_RESULTS)), contentType: HTML };
        }
        return { body: helpIndexPage(language, await articles.publishedIndex(language)), contentType: HTML };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/help/:language',
      summary: "One language's help-centre front page (HTML)",
      access: 'public',
      params: z.object({ language: z.string().max(5) }),
      responses: { 200: 'HTML page', 404: 'HTML page: not a help-centre language' },
      async handler({ params, req, res }) {
        const language = helpLanguage(req, params.language);
        res.set({ 'Content-Security-Policy': HELP_CONTENT_SECURITY_POLICY, 'Content-Language': language });
        if (language !== params.language) return { status: 404, body: helpNotFoundPage(language), contentType: HTML };
        return { body: helpIndexPage(language, await articles.publishedIndex(language)), contentType: HTML };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/help/:language/:slug',
      summary: 'One published help-centre article (HTML), linkable and readable without JavaScript',
      access: 'public',
      params: z.object({ language: z.string().max(5), slug: z.string().max(100) }),
      responses: { 200: 'HTML page', 404: 'HTML page: no such published article' },
      async handler({ params, req, res }) {
        const language = helpLanguage(req, params.language);
        res.set({ 'Content-Security-Policy': HELP_CONTENT_SECURITY_POLICY, 'Content-Language': language });
        const article = language === params.language ? await articles.published(language, params.slug) : null;
        if (!article) return { status: 404, body: helpNotFoundPage(language), contentType: HTML };
        return { body: helpArticlePage(language, article), contentType: HTML };
      },
    }),
  ];
}
