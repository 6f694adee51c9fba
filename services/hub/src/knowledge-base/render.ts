import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// One parser of our own: nobody else's marked options (or extensions) leak into article rendering.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];

/**
 * An article's Markdown as HTML that cannot run anything: Markdown lets authors write raw HTML, so the
 * output goes through an allow-list — no script or style elements, no event-handler attributes, and links
 * and images only to http(s), mailto and tel (never javascript: or data:).
 */
export function renderArticle(body: string): string {
  const html = markdown.parse(body) as string;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], th: ['align'], td: ['align'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      // Links leave the help centre without handing it the opener or the referrer.
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
  });
}

/** Plain text of an article's Markdown for snippets and the bot: markup, links' targets and HTML dropped. */
export function plainText(body: string): string {
  const html = markdown.parse(body) as string;
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
