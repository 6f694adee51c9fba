import type { Request } from 'express';
import { languages, type ArticleHit, type Language } from '@sentral/contract';
import { helpTexts } from './help-texts.ts';
import { renderArticle } from './render.ts';

/** Nothing runs on these pages: no script at all, styles from one file on this origin, forms only to here. */
export const HELP_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

export const HELP_STYLESHEET_PATH = '/help-centre.css';

export const helpStylesheet = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1d2433;line-height:1.55}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid #d5dae3;padding-bottom:.5rem}
header a{color:#1d4ed8}h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.2rem;margin-top:1.6rem}
form{display:flex;gap:.5rem;margin:1rem 0}input[type=search]{flex:1;font-size:1rem;padding:.5rem;border:1px solid #8a94a6;border-radius:.3rem}
button{font-size:1rem;padding:.5rem 1rem;border:0;border-radius:.3rem;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus,input:focus,a:focus{outline:2px solid #1d4ed8;outline-offset:2px}
ul.articles{list-style:none;padding:0}ul.articles li{margin:.4rem 0}ul.articles p{margin:.1rem 0;color:#4b5565;font-size:.95rem}
article img{max-width:100%}pre{overflow:auto;background:#f3f5f8;padding:.6rem}table{border-collapse:collapse}td,th{border:1px solid #d5dae3;padding:.3rem .5rem}
.meta{color:#4b5565;font-size:.9rem}nav.languages a{margin-right:.6rem}
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** The language the visitor asked for (`?language=`), else their browser's first supported language, else Norwegian. */
export function helpLanguage(req: Request, asked: string | undefined): Language {
  if (asked && (languages as readonly string[]).includes(asked)) return asked as Language;
  const accepted = req.acceptsLanguages([...languages, 'no', 'nn']);
  if (accepted === 'da' || accepted === 'en') return accepted;
  return 'nb';
}

function layout(language: Language, title: string, main: string): string {
  const texts = helpTexts[language];
  const switcher = languages
    .filter((other) => other !== language)
    .map((other) => `<a href="/help?language=${other}" hreflang="${other}" lang="${other}">${escapeHtml(helpTexts[other].languageName)}</a>`)
    .join('');
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${HELP_STYLESHEET_PATH}"></head>
<body><header><a href="/help?language=${language}">${escapeHtml(texts.title)}</a><nav class="languages" aria-label="${escapeHtml(texts.otherLanguages)}">${switcher}</nav></header>
<main>${main}</main></body></html>`;
}

function searchForm(language: Language, query: string): string {
  const texts = helpTexts[language];
  return `<form action="/help" method="get" role="search"><input type="hidden" name="language" value="${language}">
<input id="help-q" type="search" name="q" value="${escapeHtml(query)}" aria-label="${escapeHtml(texts.searchLabel)}" maxlength="200">
<button type="submit">${escapeHtml(texts.searchButton)}</button></form>`;
}

/** The front page of one language: a search form, then every published article by category, or search results. */
export function helpIndexPage(language: Language, articles: Array<{ slug: string; title: string; category: string }>): string {
  const texts = helpTexts[language];
  const byCategory = new Map<string, typeof articles>();
  for (const article of articles) byCategory.set(article.category, [...(byCategory.get(article.category) ?? []), article]);
  const sections = [...byCategory]
    .map(
      ([category, list]) =>
        `<h2>${escapeHtml(category)}</h2><ul class="articles">${list
          .map((article) => `<li><a href="/help/${language}/${encodeURIComponent(article.slug)}">${escapeHtml(article.title)}</a></li>`)
          .join('')}</ul>`,
    )
    .join('');
  return layout(language, texts.title, `<h1>${escapeHtml(texts.title)}</h1><p>${escapeHtml(texts.intro)}</p>${searchForm(language, '')}${sections}`);
}

export function helpResultsPage(language: Language, query: string, hits: ArticleHit[]): string {
  const texts = helpTexts[language];
  const list = hits.length
    ? `<ul class="articles">${hits
        .map((hit) => `<li><a href="${escapeHtml(hit.url)}">${escapeHtml(hit.title)}</a><p>${escapeHtml(hit.snippet)}</p></li>`)
        .join('')}</ul>`
    : `<p>${escapeHtml(texts.noResults)}</p>`;
  return layout(
    language,
    `${texts.searchButton}: ${query} – ${texts.title}`,
    `<h1>${escapeHtml(texts.results(query, hits.length))}</h1>${searchForm(language, query)}<div aria-live="polite">${list}</div><p><a href="/help?language=${language}">${escapeHtml(texts.back)}</a></p>`,
  );
}

export function helpArticlePage(language: Language, article: { title: string; body: string; category: string; updatedAt: Date }): string {
  const texts = helpTexts[language];
  const updated = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, { dateStyle: 'long', timeZone: 'Europe/Oslo' }).format(article.updatedAt);
  return layout(
    language,
    `${article.title} – ${texts.title}`,
    `${searchForm(language, '')}<article><p class="meta">${escapeHtml(article.category)}</p><h1>${escapeHtml(article.title)}</h1>${renderArticle(article.body)}<p class="meta">${escapeHtml(texts.updated)} ${escapeHtml(updated)}</p></article><p><a href="/help?language=${language}">${escapeHtml(texts.back)}</a></p>`,
  );
}

export function helpNotFoundPage(language: Language): string {
  const texts = helpTexts[language];
  return layout(language, texts.notFound, `<h1>${escapeHtml(texts.notFound)}</h1>${searchForm(language, '')}<p><a href="/help?language=${language}">${escapeHtml(texts.back)}</a></p>`);
}
