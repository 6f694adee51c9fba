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
/** How close (trigram similarity) a stem the articles use must be to a misspelt one to stand in for it. */
const CORRECTION_SIMILARITY = 0.45;
/** Shorter stems match only as themselves; from 3 letters a stem is also a prefix ("log" finds "login"). */
const PREFIX_MIN_LENGTH = 3;
/** Query words at least this long also try their first letters against titles and tags: Norwegian and Danish glue words into compounds ("returfrist"). */
const COMPOUND_MIN_LENGTH = 8;
const COMPOUND_PREFIX_LENGTH = 5;
/** Title (A) counts most, then tags and category (B), then the body (C). */
const RANK_WEIGHTS = `'{0.1, 0.3, 0.6, 1.0}'::float4[]`;
/** How much a title's trigram closeness to a query word adds to the full-text rank. */
const TRIGRAM_WEIGHT = 0.4;
/** Rows each way (full text, title trigrams) that are scored together. */
const CANDIDATES = 50;

/**
 * Where a compound may be split, longest first part first: "leveringstid" → levering|stid, levering|tid (a linking
 * s or e belongs to neither word), leverin|gstid … Both parts have at least 4 letters.
 */
function compoundSplits(word: string): Array<[string, string]> {
  const splits: Array<[string, string]> = [];
  for (let at = word.length - 4; at >= 4; at--) {
    const left = word.slice(0, at);
    const right = word.slice(at);
    splits.push([left, right]);
    if ((right.startsWith('s') || right.startsWith('e')) && right.length > 4) splits.push([left, right.slice(1)]);
  }
  return splits;
}

/** A lexeme as a tsquery operand: quoted, with quotes and backslashes escaped. */
function tsqueryLiteral(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The words of a query as the search uses them: lower case, letters and digits only, a bounded number. */
function queryWords(query: string): string[] {
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

  /** Each word's accent-folded stems and whether any article contains them; stop words left out when asked. */
  async function stems(pieces: string[], language: Language, dropStopWords: boolean): Promise<Array<{ word: string; lexemes: string[]; known: boolean }>> {
    if (pieces.length === 0) return [];
    const rows = await db.$queryRawUnsafe<Array<{ word: string; lexemes: string[] }>>(
      `SELECT w."word", ARRAY(SELECT l."lexeme" FROM unnest(to_tsvector(sentral_kb_config($2), w."word")) AS l) AS "lexemes"
       FROM unnest($1::text[]) AS w("word")
       WHERE $3::regconfig IS NULL OR to_tsvector($3::regconfig, w."word") <> ''::tsvector`,
      pieces,
      language,
      dropStopWords ? STOPWORD_CONFIG[language] : null,
    );
    const stemmed = rows.filter((row) => row.lexemes.length > 0);
    if (stemmed.length === 0) return rows.map((row) => ({ ...row, known: false }));
    // The vocabulary table answers from its primary key; asking the articles would read every one that matches.
    const found = await db.$queryRawUnsafe<Array<{ lexeme: string }>>(
      `SELECT "lexeme" FROM "KbLexeme" WHERE "language" = $1 AND "lexeme" = ANY($2::text[])`,
      language,
      [...new Set(stemmed.flatMap((row) => row.lexemes))],
    );
    const known = new Set(found.map((row) => row.lexeme));
    return rows.map((row) => ({ ...row, known: row.lexemes.length > 0 && row.lexemes.every((lexeme) => known.has(lexeme)) }));
  }

  /** The stems of the best split of each compound (both parts known words, the longer first part preferred), by compound. */
  async function compoundParts(compounds: string[], language: Language): Promise<Map<string, string[]>> {
    const splits = compounds.map((word) => ({ word, candidates: compoundSplits(word) }));
    const pieces = [...new Set(splits.flatMap((split) => split.candidates.flat()))];
    const parts = new Map<string, string[]>();
    if (pieces.length === 0) return parts;
    const known = new Map((await stems(pieces, language, false)).filter((piece) => piece.known).map((piece) => [piece.word, piece.lexemes]));
    for (const { word, candidates } of splits) {
      const best = candidates.find(([left, right]) => known.has(left) && known.has(right));
      if (best) parts.set(word, [...known.get(best[0])!, ...known.get(best[1])!]);
    }
    return parts;
  }

  /** For each misspelt stem, the one or two stems of the vocabulary closest to it (trigram similarity). */
  async function corrections(misspelt: string[], language: Language): Promise<string[]> {
    if (misspelt.length === 0) return [];
    const rows = await db.$queryRawUnsafe<Array<{ lexeme: string }>>(
      `SELECT v."lexeme" FROM unnest($2::text[]) AS q("stem")
       CROSS JOIN LATERAL (
         SELECT k."lexeme" FROM "KbLexeme" k WHERE k."language" = $1 AND k."lexeme" % q."stem"
         ORDER BY similarity(k."lexeme", q."stem") DESC LIMIT 2
       ) AS v
       WHERE similarity(v."lexeme", q."stem") >= ${CORRECTION_SIMILARITY}`,
      language,
      misspelt,
    );
    return rows.map((row) => row.lexeme);
  }

  return {
    async search(query, language, limit = 5) {
      const words = queryWords(query);
      if (words.length === 0) return [];
      const take = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
      // Stop words ("hvor", "er", "the") carry no meaning; the rest become accent-folded stems. A word whose stem
      // some article contains is spelled right; only the others are looked up by trigram similarity.
      const terms = await stems(words, language, true);
      const lexemes = new Set(terms.flatMap((term) => term.lexemes));
      // An unknown compound ("pakkesporing") is split where both parts are words the articles use ("pakke" + "sporing");
      // any other unknown word is taken for a typo of the closest words the articles use ("guarentee" → "guarante").
      const unknown = terms.filter((term) => !term.known && term.word.length >= 4);
      const parts = await compoundParts(unknown.filter((term) => term.word.length >= COMPOUND_MIN_LENGTH).map((term) => term.word), language);
      for (const part of [...parts.values()].flat()) lexemes.add(part);
      const misspelt = unknown.filter((term) => !parts.has(term.word)).flatMap((term) => term.lexemes);
      const corrected = new Set(await corrections(misspelt, language));
      for (const lexeme of corrected) lexemes.add(lexeme);
      const alternatives = [
        ...[...lexemes].map((lexeme) => `${tsqueryLiteral(lexeme)}${lexeme.length >= PREFIX_MIN_LENGTH ? ':*' : ''}`),
        ...[...lexemes].filter((lexeme) => lexeme.length >= COMPOUND_MIN_LENGTH).map((lexeme) => `${tsqueryLiteral(lexeme.slice(0, COMPOUND_PREFIX_LENGTH))}:*AB`),
      ];
      const tsquery = alternatives.length ? [...new Set(alternatives)].join(' | ') : null;
      // Words long enough to have a shape: every one counts towards a title's closeness, unknown ones also find titles.
      const shapedWords = terms.filter((term) => term.word.length >= 4);
      const scoredWords = shapedWords.map((term) => term.word);
      const lookedUpWords = shapedWords.filter((term) => !term.known).map((term) => term.word);
      if (!tsquery && lookedUpWords.length === 0) return [];
      const param = (index: number) => `$${4 + index}`;
      const fuzzyScore = scoredWords.length ? `GREATEST(${scoredWords.map((_, index) => `word_similarity(${param(index)}, a."title")`).join(', ')})` : '0';
      const fuzzyMatch = lookedUpWords.length
        ? lookedUpWords.map((_, index) => `${param(scoredWords.length + index)} <% a."title"`).join(' OR ')
        : 'false';
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
  WHERE a."language" = $2 AND a."status" = 'published' AND (${fuzzyMatch})
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
      const rows = await db.$queryRawUnsafe<HitRow[]>(sql, tsquery, language, take, ...scoredWords, ...lookedUpWords);
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
function snippetOf(markdown: string): string {
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
