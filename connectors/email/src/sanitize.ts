import sanitizeHtml from 'sanitize-html';

const SAFE_STYLE = /^[#a-z0-9 .,%()-]{1,60}$/i;

/**
 * Mail HTML is hostile until proven otherwise: only an allow-list of formatting elements and
 * attributes survives. Scripts, event handlers, forms, frames, `javascript:` links and style
 * sheets go; images load only from the message itself (`cid:`) unless remote images are allowed,
 * so opening a mail never tells the sender it was read.
 */
export function sanitizeMailHtml(html: string, options: { remoteImages: boolean }): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'div', 'dl', 'dt',
      'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'li', 'ol', 'p', 'pre', 'q', 's', 'small',
      'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      font: ['color'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      '*': ['style', 'align', 'dir', 'lang'],
    },
    // Only plain properties with plain values: url(), expression() and the like never match.
    allowedStyles: {
      '*': Object.fromEntries(
        ['color', 'background-color', 'text-align', 'font-weight', 'font-style', 'text-decoration', 'font-size', 'margin', 'padding', 'width', 'border'].map(
          (property) => [property, [SAFE_STYLE]],
        ),
      ),
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: options.remoteImages ? ['cid', 'data', 'http', 'https'] : ['cid', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // The text inside these is code or markup, not content. `noscript`, `textarea` and `template` are not
    // among them: a mail that opens one and never closes it would otherwise lose everything after it.
    nonTextTags: ['script', 'style', 'option', 'title', 'head', 'iframe', 'object'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    },
    // Relative image URLs would load from wherever the agent's screen runs: only the message's own images stay.
    exclusiveFilter: (frame) => frame.tag === 'img' && !(options.remoteImages ? /^(cid:|data:image\/|https?:)/i : /^(cid:|data:image\/)/i).test(frame.attribs['src'] ?? ''),
  });
}
