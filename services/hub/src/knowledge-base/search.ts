import type { ArticleHit, KnowledgeBase, Language } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { plainText } from './render.ts';

/** The built-in configurations whose stop words decide which query words count (accents not folded). */
const STOPWORD_CONFIG: Record<Language, string> = { nb: 'norwegian', da: 'danish', en: 'english' };

export const MAX_QUERY_LENGTH = 200;
const MAX_WORDS = 12;
const MAX_LIMIT = 20;
const SNIPPET_WORDS = 30;
/** Query words at least this long also try their first letters against titles and tags: Norwegian and Danish glue words into compounds ("returfrist"). */
const COMPOUND_MIN_LENGTH = 8;
const COMPOUND_PREFIX_LENGTH = 5;

/** The words of a query as the search uses them: lower case, letters and digits only, a bounded number. */
export function queryWords(query: string): string[] {
  const words = query
    .slice(0, MAX_QUERY_LENGTH)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && word.length <= 40);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

interface HitRow {
  id: string;
  slug: string;
  title: string;
  language: string;
  body: string;
  headline: string;
}

/**
 * Published articles in one language, best first. Every word of the query counts on its own (an OR of
 * stems, each as a prefix, so "levering" also finds "leveringstid"), the title's trigram similarity to
 * each word catches typos, and long words also try their first letters against titles and tags for compounds.
 * The stored tsvector has a GIN index, titles a trigram index: both stay fast at tens of thousands of articles.
 */
export function createKnowledgeBase(db: Database, options: { helpPath?: string } = {}): KnowledgeBase & {
  publishedTitles(language: Language): Promise<Array<{ slug: string; title: string }>>;
} {
  const helpPath = options.helpPath ?? '/help';
  return {
    async search(query, language, limit = 5) {
      const words = queryWords(query);
      if (words.length === 0) return [];
      const take = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
      // Trigram only for words long enough to have a meaningful shape; one OR'ed term per word keeps the index usable.
      const fuzzyWords = words.filter((word) => word.length >= 4);
      const fuzzyParams = fuzzyWords.map((_, index) => `$${5 + index}`);
      const fuzzyMatch = fuzzyParams.length ? ` OR ${fuzzyParams.map((param) => `${param} <% a."title"`).join(' OR ')}` : '';
      const fuzzyScore = fuzzyParams.length ? `GREATEST(${fuzzyParams.map((param) => `word_similarity(${param}, a."title")`).join(', ')})` : '0';
      const sql = `
WITH terms AS (
  SELECT DISTINCT l.lexeme
  FROM unnest($1::text[]) AS w(word)
  CROSS JOIN LATERAL unnest(to_tsvector(sentral_kb_config($2), w.word)) AS l
  WHERE to_tsvector($3::regconfig, w.word) <> ''::tsvector
),
q AS (
  SELECT NULLIF(concat_ws(' | ',
    (SELECT string_agg(quote_literal(lexeme) || CASE WHEN length(lexeme) >= 3 THEN ':*' ELSE '' END, ' | ') FROM terms),
    (SELECT string_agg(quote_literal(left(lexeme, ${COMPOUND_PREFIX_LENGTH})) || ':*AB', ' | ') FROM terms WHERE length(lexeme) >= ${COMPOUND_MIN_LENGTH})
  ), '')::tsquery AS query
),
hits AS (
  SELECT a."id", a."slug", a."title", a."language", a."body",
    COALESCE(ts_rank('{0.1, 0.3, 0.6, 1.0}', a."searchVector", q.query, 1), 0) + 0.4 * ${fuzzyScore} AS score
  FROM "KbArticle" a, q
  WHERE a."language" = $2 AND a."status" = 'published'
    AND (a."searchVector" @@ q.query${fuzzyMatch})
  ORDER BY score DESC, a."updatedAt" DESC
  LIMIT $4
)
SELECT h."id", h."slug", h."title", h."language", h."body",
  COALESCE(ts_headline(sentral_kb_config($2), h."body", q.query, 'StartSel="",StopSel="",MaxWords=${SNIPPET_WORDS},MinWords=12,MaxFragments=1'), '') AS headline
FROM hits h, q
ORDER BY h.score DESC, h."slug"`;
      const rows = await db.$queryRawUnsafe<HitRow[]>(sql, words, language, STOPWORD_CONFIG[language], take, ...fuzzyWords);
      return rows.map((row): ArticleHit => ({
        id: row.id,
        slug: row.slug,
        title: row.title,
        language: row.language as Language,
        snippet: snippetOf(row.headline || row.body),
        url: `${helpPath}/${row.language}/${row.slug}`,
      }));
    },
    async publishedTitles(language) {
      return db.kbArticle.findMany({ where: { language, status: 'published' }, select: { slug: true, title: true }, orderBy: { slug: 'asc' } });
    },
  };
}

function snippetOf(markdownExcerpt: string): string {
  const text = plainText(markdownExcerpt);
  const words = text.split(' ');
  return words.length > SNIPPET_WORDS ? `${words.slice(0, SNIPPET_WORDS).join(' ')} …` : text;
}
