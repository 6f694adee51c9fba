import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { SentralError } from '@sentral/contract';
import type { Logger } from '../logger.ts';

/** Where the loader fetches the chat bundle from, relative to the hub's URL. */
const BUNDLE_PATH = 'widget/chat.js';
const LOADER_PLACEHOLDER = '__SENTRAL_CHAT_BUNDLE__';

interface BuiltWidget {
  loader: string;
  bundle: Buffer;
  bundleVersion: string;
}

/** Reads web-widget/dist once; the loader names the bundle with its content hash so browsers may keep it for a year. */
function readWidget(distDir: string, logger: Logger): BuiltWidget | null {
  try {
    const bundle = readFileSync(join(distDir, 'chat.js'));
    const bundleVersion = createHash('sha256').update(bundle).digest('hex').slice(0, 12);
    const loader = readFileSync(join(distDir, 'widget.js'), 'utf8').replace(LOADER_PLACEHOLDER, `${BUNDLE_PATH}?v=${bundleVersion}`);
    return { loader, bundle, bundleVersion };
  } catch (error) {
    logger.warn({ err: error, distDir }, 'the chat widget is not built (npm run build -w @sentral/web-widget); /widget.js answers 404');
    return null;
  }
}

/**
 * `GET /widget.js`, the chat bundle and `GET /demo`, in a router of their own: they are loaded by
 * other sites' pages, so they say so (Cross-Origin-Resource-Policy) whatever the desktop's headers are.
 */
export function widgetRouter(deps: { distDir: string; allowedOrigins: '*' | readonly string[]; demo: boolean; logger: Logger }): Router {
  const router = Router();
  let widget: BuiltWidget | null | undefined;
  const built = () => (widget === undefined ? (widget = readWidget(deps.distDir, deps.logger)) : widget);

  function embeddable(res: Response): void {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.removeHeader('Content-Security-Policy');
    res.removeHeader('X-Frame-Options');
  }

  // Browsers send Origin with cross-origin fetches and sockets; a classic <script src> sends none and is let through.
  router.use(['/widget.js', '/widget'], (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin && deps.allowedOrigins !== '*' && !deps.allowedOrigins.includes(origin)) {
      next(new SentralError('FORBIDDEN', `origin: ${origin} may not embed the chat (WIDGET_ALLOWED_ORIGINS)`));
      return;
    }
    next();
  });

  router.get('/widget.js', (_req, res, next) => {
    const current = built();
    if (!current) return next(new SentralError('NOT_FOUND', 'the chat widget is not built'));
    embeddable(res);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/javascript').send(current.loader);
  });

  router.get(`/${BUNDLE_PATH}`, (req, res, next) => {
    const current = built();
    if (!current) return next(new SentralError('NOT_FOUND', 'the chat widget is not built'));
    embeddable(res);
    res.setHeader('Cache-Control', req.query['v'] === current.bundleVersion ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.type('application/javascript').send(current.bundle);
  });

  if (deps.demo) {
    router.get('/demo', (_req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:");
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(demoPage);
    });
  }
  return router;
}

/** A small Norwegian shop with the widget embedded exactly as a site would embed it. */
const demoPage = `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fjellsport – demobutikk</title>
<style>
body{margin:0;font-family:Georgia,serif;background:#f7f5f0;color:#222}
header{background:#2f4f3a;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:24px}
main{max-width:900px;margin:0 auto;padding:24px;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
article{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
article h2{font-size:18px;margin:0 0 8px}
.price{font-weight:bold;color:#2f4f3a}
footer{text-align:center;padding:24px;color:#555}
</style>
</head>
<body>
<header><h1>Fjellsport</h1><p>Alt du trenger til tur – levert på døra.</p></header>
<main>
<article><h2>Turjakke Lett</h2><p>Vindtett og vannavstøtende, 320 g.</p><p class="price">1 499 kr</p></article>
<article><h2>Fjellsko Tind</h2><p>Goretex, god støtte i ulendt terreng.</p><p class="price">2 199 kr</p></article>
<article><h2>Sovepose Vinter</h2><p>Komforttemperatur −12 °C.</p><p class="price">2 899 kr</p></article>
<article><h2>Termos 0,75 l</h2><p>Holder kaffen varm i 24 timer.</p><p class="price">349 kr</p></article>
</main>
<footer>Spørsmål om en bestilling? Trykk på chatknappen nede til høyre.</footer>
<script src="/widget.js" data-queue="support" data-language="nb" async></script>
</body>
</html>
`;
