import DOMPurify from 'dompurify';
import { useMemo } from 'react';

// Remote content (tracking pixels, fonts) is blocked; inline images arrive as data: URLs.
const FRAME_POLICY = "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; font-src data:";
const INLINE_SOURCE = /^(data:image\/|blob:)/i;

// The frame's policy alone is not enough: a relative `src` resolves against the desktop's own origin,
// and the browser may start fetching it before the policy applies. Such sources are dropped outright.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  for (const attribute of ['src', 'poster'] as const) {
    const value = node.getAttribute(attribute);
    if (value !== null && !INLINE_SOURCE.test(value.trim())) node.removeAttribute(attribute);
  }
});

/**
 * Shows an email's HTML body. The connector sanitised it already; it is sanitised again here and
 * rendered in a sandboxed frame without scripts or same-origin access, so even markup that slipped
 * through both cannot reach the agent's session.
 */
export function SafeHtml(props: { html: string; title: string }) {
  const document = useMemo(() => {
    const clean = DOMPurify.sanitize(props.html, {
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math'],
      FORBID_ATTR: ['srcset', 'action', 'formaction', 'background'],
      ALLOW_DATA_ATTR: false,
    });
    return (
      '<!doctype html><html><head><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}">` +
      '<base target="_blank">' +
      '<style>body{font:14px/1.5 system-ui,sans-serif;color:#1d2430;margin:12px;overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}blockquote{border-left:3px solid #c7cfdb;margin:0 0 0 4px;padding-left:10px;color:#4a5568}</style>' +
      `</head><body>${clean}</body></html>`
    );
  }, [props.html]);
  return <iframe className="mail-frame" title={props.title} sandbox="allow-popups allow-popups-to-escape-sandbox" referrerPolicy="no-referrer" srcDoc={document} />;
}
