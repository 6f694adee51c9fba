import { z } from 'zod';
import { articleStatuses, languages, SentralError, type ArticleStatus, type ArticleSummary, type ArticleView, type Language } from '@sentral/contract';
import type { Database } from '@sentral/db';

const slugSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

export const articleInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(100_000),
    language: z.enum(languages),
    slug: slugSchema.optional(),
    category: z.string().trim().min(1).max(80),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
    status: z.enum(articleStatuses).default('draft'),
  })
  .strict();

export const articleChange = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(100_000),
    language: z.enum(languages),
    slug: slugSchema,
    category: z.string().trim().min(1).max(80),
    tags: z.array(z.string().trim().min(1).max(50)).max(20),
    status: z.enum(articleStatuses),
    /** The version the editor started from; a save over someone else's newer save is refused. */
    version: z.number().int().min(1),
  })
  .partial()
  .strict();

export const articleListQuery = z
  .object({
    language: z.enum(languages).optional(),
    status: z.enum(articleStatuses).optional(),
    q: z.string().trim().max(200).optional(),
  })
  .strict();

export type ArticleInput = z.infer<typeof articleInput>;
export type ArticleChange = z.infer<typeof articleChange>;


/** A slug from a title: "Åpningstider i påsken" → "apningstider-i-pasken". */
export function slugify(title: string): string {
  const folded = title
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100).replace(/-+$/, '');
  return slug || 'article';
}

type ArticleRow = {
  id: string;
  slug: string;
  title: string;
  language: string;
  category: string;
  tags: string[];
  status: ArticleStatus;
  version: number;
  updatedAt: Date;
  publishedAt: Date | null;
};

function summary(row: ArticleRow): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    language: row.language as Language,
    category: row.category,
    tags: row.tags,
    status: row.status,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
  };
}

const summaryFields = {
  id: true,
  slug: true,
  title: true,
  language: true,
  category: true,
  tags: true,
  status: true,
  version: true,
  updatedAt: true,
  publishedAt: true,
} as const;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'P2002';
}

const slugTaken = (slug: string) => new SentralError('CONFLICT', `slug: "${slug}" is already used by another article in that language`, { field: 'slug' });

/** Articles as supervisors and admins edit them; every save keeps the replaced version. */
export function createArticles(db: Database, options: { /** After any article was created, changed or deleted. */ onChange?: () => void } = {}) {
  const changed = () => options.onChange?.();
  async function view(id: string): Promise<ArticleView> {
    const row = await db.kbArticle.findUnique({
      where: { id },
      select: { ...summaryFields, body: true, versions: { orderBy: { version: 'desc' }, select: { version: true, title: true, status: true, savedAt: true, savedById: true } } },
    });
    if (!row) throw new SentralError('NOT_FOUND', 'no such article');
    return {
      ...summary(row),
      body: row.body,
      versions: row.versions.map((version) => ({ ...version, savedAt: version.savedAt.toISOString() })),
    };
  }

  return {
    async list(filter: z.infer<typeof articleListQuery>): Promise<ArticleSummary[]> {
      const rows = await db.kbArticle.findMany({
        where: {
          ...(filter.language ? { language: filter.language } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.q ? { title: { contains: filter.q, mode: 'insensitive' as const } } : {}),
        },
        orderBy: [{ language: 'asc' }, { category: 'asc' }, { title: 'asc' }],
        take: 1000,
        select: summaryFields,
      });
      return rows.map(summary);
    },

    view,

    async create(input: ArticleInput, editorId: string | null): Promise<ArticleView> {
      const slug = input.slug ?? slugify(input.title);
      try {
        const created = await db.kbArticle.create({
          data: {
            slug,
            title: input.title,
            body: input.body,
            language: input.language,
            category: input.category,
            tags: input.tags,
            status: input.status,
            publishedAt: input.status === 'published' ? new Date() : null,
            updatedById: editorId,
          },
          select: { id: true },
        });
        changed();
        return view(created.id);
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(slug);
        throw error;
      }
    },

    async update(id: string, change: ArticleChange, editorId: string | null): Promise<ArticleView> {
      try {
        await db.$transaction(async (tx) => {
          // The row lock orders concurrent saves, so each one keeps exactly the version it replaced.
          const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "KbArticle" WHERE "id" = ${id}::uuid FOR UPDATE`;
          if (locked.length === 0) throw new SentralError('NOT_FOUND', 'no such article');
          const current = await tx.kbArticle.findUniqueOrThrow({ where: { id } });
          if (change.version !== undefined && change.version !== current.version) {
            throw new SentralError('CONFLICT', `version: the article was saved by someone else meanwhile (now version ${current.version})`, {
              field: 'version',
              currentVersion: current.version,
            });
          }
          await tx.kbArticleVersion.create({
            data: {
              articleId: id,
              version: current.version,
              slug: current.slug,
              title: current.title,
              body: current.body,
              category: current.category,
              tags: current.tags,
              status: current.status,
              savedAt: current.updatedAt,
              savedById: current.updatedById,
            },
          });
          const status = change.status ?? current.status;
          await tx.kbArticle.update({
            where: { id },
            data: {
              ...(change.title !== undefined ? { title: change.title } : {}),
              ...(change.body !== undefined ? { body: change.body } : {}),
              ...(change.language !== undefined ? { language: change.language } : {}),
              ...(change.slug !== undefined ? { slug: change.slug } : {}),
              ...(change.category !== undefined ? { category: change.category } : {}),
              ...(change.tags !== undefined ? { tags: change.tags } : {}),
              status,
              publishedAt: status === 'published' ? (current.publishedAt ?? new Date()) : null,
              version: current.version + 1,
              updatedById: editorId,
            },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(change.slug ?? '');
        throw error;
      }
      changed();
      return view(id);
    },

    async remove(id: string): Promise<void> {
      const deleted = await db.kbArticle.deleteMany({ where: { id } });
      if (deleted.count === 0) throw new SentralError('NOT_FOUND', 'no such article');
      changed();
    },

    /** A published article for the help centre, or null. */
    async published(language: Language, slug: string): Promise<{ id: string; title: string; body: string; category: string; updatedAt: Date } | null> {
      return db.kbArticle.findFirst({
        where: { language, slug, status: 'published' },
        select: { id: true, title: true, body: true, category: true, updatedAt: true },
      });
    },

    /** The help centre's front page: published articles of a language by category. */
    async publishedIndex(language: Language): Promise<Array<{ slug: string; title: string; category: string }>> {
      return db.kbArticle.findMany({
        where: { language, status: 'published' },
        orderBy: [{ category: 'asc' }, { title: 'asc' }],
        select: { slug: true, title: true, category: true },
        take: 2000,
      });
    },
  };
}

export type Articles = ReturnType<typeof createArticles>;
