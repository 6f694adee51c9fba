import express, { type Response, type Router } from 'express';
import { ratingSchema, SentralError } from '@sentral/contract';
import type { Database } from '@sentral/db';
import { text, toLocale, type Locale, type TextKey } from '../i18n.ts';
import type { Satisfaction } from './satisfaction.ts';

// Nothing but inline styles and a form to this same page: no script runs here.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(res: Response, status: number, locale: Locale, body: string): void {
  res
    .status(status)
    .set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
    .type('html')
    .send(`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text('ratingPageTitle', locale)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.4rem}.scale{display:flex;flex-wrap:wrap;gap:.5rem;margin:1.5rem 0}
button{font-size:1.1rem;width:3rem;height:3rem;border:1px solid #8a94a6;border-radius:.4rem;background:#fff;cursor:pointer}
button:hover,button:focus{background:#1d4ed8;color:#fff;outline:2px solid #1d4ed8}p.hint{color:#4b5565}
</style></head><body><main>${body}</main></body></html>`);
}

const message = (res: Response, status: number, locale: Locale, key: TextKey & ('ratingThanks' | 'ratingAlreadyGiven' | 'ratingLinkInvalid')) =>
  page(res, status, locale, `<h1>${text(key, locale)}</h1>`);

/** The page a rating link opens (email): ten buttons, one form post, a thank-you; in the customer's language. */
export function csatPages(deps: { db: Database; satisfaction: Satisfaction }): Router {
  const { db, satisfaction } = deps;
  const router = express.Router();

  async function resolve(token: string): Promise<{ contactId: string; locale: Locale; rated: boolean } | null> {
    const contactId = await satisfaction.contactOfLink(token).catch(() => null);
    if (!contactId) return null;
    const contact = await db.contact.findUnique({ where: { id: contactId }, select: { language: true, rating: { select: { score: true } } } });
    return contact ? { contactId, locale: toLocale(contact.language), rated: contact.rating?.score != null } : null;
  }

  router.get('/csat/:token', async (req, res, next) => {
    try {
      const found = await resolve(req.params.token);
      if (!found) return message(res, 404, 'nb', 'ratingLinkInvalid');
      if (found.rated) return message(res, 200, found.locale, 'ratingAlreadyGiven');
      const buttons = Array.from({ length: 10 }, (_, index) => `<button type="submit" name="score" value="${index + 1}">${index + 1}</button>`).join('');
      page(
        res,
        200,
        found.locale,
        `<h1>${text('ratingPageTitle', found.locale)}</h1><form method="post"><div class="scale" role="group" aria-label="${text('ratingScale', found.locale)}">${buttons}</div></form><p class="hint">${text('ratingScale', found.locale)}</p>`,
      );
    } catch (error) {
      next(error);
    }
  });

  router.post('/csat/:token', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const found = await resolve(req.params.token);
      if (!found) return message(res, 404, 'nb', 'ratingLinkInvalid');
      const parsed = ratingSchema.safeParse({ score: Number((req.body as { score?: unknown } | undefined)?.score) });
      if (!parsed.success) throw new SentralError('VALIDATION_FAILED', 'score: must be a whole number from 1 to 10', { field: 'score' });
      try {
        await satisfaction.rate(found.contactId, parsed.data.score, { link: true });
      } catch (error) {
        if (error instanceof SentralError && error.code === 'CONFLICT') return message(res, 409, found.locale, 'ratingAlreadyGiven');
        throw error;
      }
      message(res, 200, found.locale, 'ratingThanks');
    } catch (error) {
      next(error);
    }
  });
  return router;
}
