import type { RequestHandler } from 'express';

// The diamond of the top bar on the desk's blue: small enough to keep in code, so every page
// (desk, wallboard, rating and help pages) has an icon without a built file.
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M16 5 27 16 16 27 5 16Z" fill="#fff"/></svg>`;

/** `/favicon.svg`, and `/favicon.ico` that browsers ask for on their own. */
export function faviconHandler(): RequestHandler {
  const body = Buffer.from(FAVICON_SVG);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path !== '/favicon.ico' && req.path !== '/favicon.svg') return next();
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').send(body);
  };
}
