-- Knowledge-base search: accent folding and trigram similarity (both ship with PostgreSQL's contrib).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The built-in norwegian, danish and english configurations with accents folded before stemming,
-- so "kjope" finds "kjøpe" and "garantie" finds "garanti" alike on both sides of a match.
CREATE TEXT SEARCH CONFIGURATION sentral_nb (COPY = norwegian);
ALTER TEXT SEARCH CONFIGURATION sentral_nb ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, norwegian_stem;
CREATE TEXT SEARCH CONFIGURATION sentral_da (COPY = danish);
ALTER TEXT SEARCH CONFIGURATION sentral_da ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, danish_stem;
CREATE TEXT SEARCH CONFIGURATION sentral_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION sentral_en ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, english_stem;

-- CreateEnum
CREATE TYPE "KbArticleStatus" AS ENUM ('draft', 'published');

-- CreateTable
CREATE TABLE "KbArticle" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "KbArticleStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" UUID,
    "searchVector" tsvector,

    CONSTRAINT "KbArticle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KbLexeme" (
    "language" TEXT NOT NULL,
    "lexeme" TEXT NOT NULL,

    CONSTRAINT "KbLexeme_pkey" PRIMARY KEY ("language","lexeme")
);

-- CreateTable
CREATE TABLE "KbArticleVersion" (
    "articleId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "tags" TEXT[],
    "status" "KbArticleStatus" NOT NULL,
    "savedAt" TIMESTAMP(3) NOT NULL,
    "savedById" UUID,

    CONSTRAINT "KbArticleVersion_pkey" PRIMARY KEY ("articleId","version")
);

-- CreateIndex
CREATE INDEX "KbArticle_searchVector_idx" ON "KbArticle" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "KbArticle_title_idx" ON "KbArticle" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "KbLexeme_lexeme_idx" ON "KbLexeme" USING GIN ("lexeme" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "KbArticle_language_status_updatedAt_idx" ON "KbArticle"("language", "status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "KbArticle_language_slug_key" ON "KbArticle"("language", "slug");

-- AddForeignKey
ALTER TABLE "KbArticleVersion" ADD CONSTRAINT "KbArticleVersion_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "KbArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The article's language picks its configuration.
CREATE FUNCTION "sentral_kb_config"(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE language WHEN 'nb' THEN 'sentral_nb'::regconfig WHEN 'da' THEN 'sentral_da'::regconfig ELSE 'sentral_en'::regconfig END
$$;

-- Title weighs most, then tags and category, then the body.
CREATE FUNCTION "sentral_kb_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  config regconfig := "sentral_kb_config"(NEW."language");
BEGIN
  NEW."searchVector" :=
    setweight(to_tsvector(config, NEW."title"), 'A') ||
    setweight(to_tsvector(config, array_to_string(NEW."tags", ' ') || ' ' || NEW."category"), 'B') ||
    setweight(to_tsvector(config, NEW."body"), 'C');
  INSERT INTO "KbLexeme" ("language", "lexeme")
    SELECT NEW."language", l."lexeme" FROM unnest(NEW."searchVector") AS l
    ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$$;
CREATE TRIGGER "sentral_kb_search_vector" BEFORE INSERT OR UPDATE OF "title", "body", "tags", "category", "language" ON "KbArticle"
  FOR EACH ROW EXECUTE FUNCTION "sentral_kb_search_vector"();
