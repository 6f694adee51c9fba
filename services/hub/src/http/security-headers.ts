import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Response headers per route group. Each group gets its own policy rather than one for the whole app,
 * because what may embed or call the hub differs: the desktop and the customer pages may not be framed
 * at all, while the chat widget's script and its API are meant to be used from any customer's site (those
 * routes set their own headers and get none of these).
 */
export const securityHeaders: Record<'desktop' | 'page' | 'api', RequestHandler> = {
  /**
   * The agent desktop and wallboard (the built web app). The Twilio Voice SDK signals over wss to *.twilio.com,
   * reports call quality over https to *.twilio.com, and plays its ringtones from sdk.twilio.com; call media
   * goes over WebRTC, which CSP does not govern. Mail bodies are shown in a sandboxed srcdoc frame, which
   * inherits this policy: they need inline styles and data:/blob: images.
   */
  desktop: helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:', 'https://sdk.twilio.com', 'https://media.twiliocdn.com'],
        connectSrc: ["'self'", 'https://*.twilio.com', 'wss://*.twilio.com'],
        workerSrc: ["'self'", 'blob:'],
        frameSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  }),
  /** Pages a customer opens from a link (the satisfaction rating): plain HTML with inline styles and a form. */
  page: helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }),
  /**
   * JSON and attachments under /api: nothing in a response may run or be framed, even an attachment opened
   * directly. No Cross-Origin-Resource-Policy: some /api routes are called from customers' sites (CORS).
   */
  api: helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], sandbox: [] } },
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }),
};
