import type { ArticleHit, KnowledgeBase, Language } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { plainText } from './render.ts';

/** The built-in configurations whose stop words decide which query words count (accents not folded). */
const STOPWORD_CONFIG: Record<Language, string> = { nb: 'norwegian', da: 'danish', en: 'english' };

export const MAX_QUERY_LENGTH = 200;
const MAX_WORDS = 12;
const MAX_LIMIT = 20;
/** A snippet is the article's opening, whole sentences up to about this many characters. */
const SNIPPET_CHARACTERS = 240;
/** Query words at least this long also try their first letters against titles and tags: Norwegian and Danish glue words into compounds ("returfrist"). */
const COMPOUND_MIN_LENGTH = 8;
const COMPOUND_PREFIX_LENGTH = 5;
/** Title (A) counts most, then tags and category (B), then the body (C). */
const RANK_WEIGHTS = `'{0.1, 0.3, 0.6, 1.0}'::float4[]`;
/** How much a title's trigram closeness to a query word adds to the full-text rank. */
const TRIGRAM_WEIGHT = 0.4;
/** Rows each way (full text, title trigrams) that are scored together. */
const CANDIDATES = 50;

/** A lexeme as a tsquery operand: quoted, with quotes and backslashes escaped. */
function tsqueryLiteral(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

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
      // Stop words ("hvor", "er", "the") carry no meaning; the rest become accent-folded stems.
      const terms = await db.$queryRawUnsafe<Array<{ word: string; lexemes: string[] }>>(
        `SELECT w."word", ARRAY(SELECT l."lexeme" FROM unnest(to_tsvector(sentral_kb_config($2), w."word")) AS l) AS "lexemes"
         FROM unnest($1::text[]) AS w("word") WHERE to_tsvector($3::regconfig, w."word") <> ''::tsvector`,
        words,
        language,
        STOPWORD_CONFIG[language],
      );
      const lexemes = [...new Set(terms.flatMap((term) => term.lexemes))];
      const alternatives = [
        ...lexemes.map((lexeme) => `${tsqueryLiteral(lexeme)}${lexeme.length >= 3 ? ':*' : ''}`),
        ...lexemes.filter((lexeme) => lexeme.length >= COMPOUND_MIN_LENGTH).map((lexeme) => `${tsqueryLiteral(lexeme.slice(0, COMPOUND_PREFIX_LENGTH))}:*AB`),
      ];
      const tsquery = alternatives.length ? [...new Set(alternatives)].join(' | ') : null;
      // Trigram only for meaningful words long enough to have a shape; one OR'ed term per word keeps the index usable.
      const fuzzyWords = terms.map((term) => term.word).filter((word) => word.length >= 4);
      if (!tsquery && fuzzyWords.length === 0) return [];
      const fuzzyParams = fuzzyWords.map((_, index) => `$${4 + index}`);
      const fuzzyScore = fuzzyParams.length ? `GREATEST(${fuzzyParams.map((param) => `word_similarity(${param}, a."title")`).join(', ')})` : '0';
      // Ranking every row that shares a stem would cost a trigram comparison each: only the best full-text
      // matches and the titles close to a word are scored together.
      const sql = `
WITH fts AS (
  SELECT a."id" FROM "KbArticle" a
  WHERE $1::tsquery IS NOT NULL AND a."language" = $2 AND a."status" = 'published' AND a."searchVector" @@ $1::tsquery
  ORDER BY ts_rank(${RANK_WEIGHTS}, a."searchVector", $1::tsquery, 1) DESC
  LIMIT ${CANDIDATES}
),
fuzzy AS (
  SELECT a."id" FROM "KbArticle" a
  WHERE a."language" = $2 AND a."status" = 'published' AND (${fuzzyParams.length ? fuzzyParams.map((param) => `${param} <% a."title"`).join(' OR ') : 'false'})
  LIMIT ${CANDIDATES}
),
hits AS (
  SELECT a."id", a."slug", a."title", a."language", a."body", a."updatedAt",
    COALESCE(ts_rank(${RANK_WEIGHTS}, a."searchVector", $1::tsquery, 1), 0) + ${TRIGRAM_WEIGHT} * ${fuzzyScore} AS score
  FROM "KbArticle" a
  WHERE a."id" IN (SELECT "id" FROM fts UNION SELECT "id" FROM fuzzy)
  ORDER BY score DESC, a."updatedAt" DESC
  LIMIT $3
)
SELECT h."id", h."slug", h."title", h."language", h."body"
FROM hits h
ORDER BY h.score DESC, h."updatedAt" DESC`;
      const rows = await db.$queryRawUnsafe<HitRow[]>(sql, tsquery, language, take, ...fuzzyWords);
      return rows.map((row): ArticleHit => ({
        id: row.id,
        slug: row.slug,
        title: row.title,
        language: row.language as Language,
        snippet: snippetOf(row.body),
        url: `${helpPath}/${row.language}/${row.slug}`,
      }));
    },
    async publishedTitles(language) {
      return db.kbArticle.findMany({ where: { language, status: 'published' }, select: { slug: true, title: true }, orderBy: { slug: 'asc' } });
    },
  };
}

/**
 * The article's opening as plain text: articles lead with the answer, and an agent can put the opening into
 * a reply as it stands. Whole sentences where they fit, else cut at a word.
 */
export function snippetOf(markdown: string): string {
  // Headings are not sentences: left out, they cannot run into the text that follows them.
  const blocks = markdown.slice(0, 8 * SNIPPET_CHARACTERS).split(/\n\s*\n/).filter((block) => !/^\s*#/.test(block));
  const text = plainText(blocks.join('\n\n'));
  if (text.length <= SNIPPET_CHARACTERS) return text;
  const sentences = text.match(/[^.!?]+[.!?]+(\s|$)/g) ?? [];
  let snippet = '';
  for (const sentence of sentences) {
    if ((snippet + sentence).length > SNIPPET_CHARACTERS) break;
    snippet += sentence;
  }
  if (snippet.trim()) return snippet.trim();
  return `${text.slice(0, SNIPPET_CHARACTERS).replace(/\s+\S*$/, '')} …`;
}
