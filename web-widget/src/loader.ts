import { OPEN_KEY, READY_CALLBACK, type WidgetBundle, type WidgetController, type WidgetOptions } from './handoff.ts';

/*
 * The script a site embeds: it draws only the launcher button (in its own Shadow DOM) and fetches the
 * chat bundle on idle, on hover or focus, or on click. Everything else lives in the bundle.
 */

type Language = WidgetOptions['language'];
const labels: Record<Language, string> = { nb: 'Åpne chat', da: 'Åbn chat', en: 'Open chat' };

function pickLanguage(script: HTMLScriptElement): Language {
  // The site says which language the page is in; the customer's text is never used to guess it.
  const declared = (script.dataset['language'] || document.documentElement.lang || '').toLowerCase().slice(0, 2);
  if (declared === 'da' || declared === 'en') return declared;
  return 'nb';
}

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const globals = window as unknown as Record<string, unknown>;
  if (!script || globals['__sentralWidget']) return;
  globals['__sentralWidget'] = true;
  const hubUrl = script.src.replace(/widget\.js(\?.*)?$/, '');
  const language = pickLanguage(script);

  const host = document.createElement('sentral-chat');
  const root = host.attachShadow({ mode: 'open' });
  // `all: initial !important` on the host: a host page's rules (even !important ones) cannot restyle it.
  root.innerHTML =
    '<style>:host{all:initial!important;position:fixed!important;inset:auto 16px 16px auto!important;z-index:2147483000!important;display:block!important}' +
    '.l{all:initial;display:flex;align-items:center;justify-content:center;width:56px;height:56px;border-radius:50%;background:#1d4ed8;color:#fff;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.3)}' +
    '.l:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}.l svg{width:28px;height:28px;fill:currentColor}</style>' +
    '<button class="l" type="button" aria-haspopup="dialog" aria-expanded="false"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16v12H7l-3 3z"/></svg></button>';
  const launcher = root.querySelector('button') as HTMLButtonElement;
  launcher.setAttribute('aria-label', labels[language]);
  (document.body || document.documentElement).appendChild(host);

  const options: WidgetOptions = {
    root,
    launcher,
    hubUrl,
    queue: script.dataset['queue'] || null,
    language,
    identityToken: script.dataset['identityToken'] || null,
  };
  let loading: Promise<WidgetController> | null = null;
  const load = (): Promise<WidgetController> =>
    (loading ??= new Promise<WidgetBundle>((resolve, reject) => {
      globals[READY_CALLBACK] = resolve;
      const bundle = document.createElement('script');
      bundle.src = hubUrl + '__SENTRAL_CHAT_BUNDLE__';
      bundle.async = true;
      bundle.onerror = () => {
        loading = null;
        reject(new Error('chat bundle failed to load'));
      };
      document.head.appendChild(bundle);
    }).then((bundle) => bundle.start(options)));
  const warm = () => void load().catch(() => undefined);

  launcher.addEventListener('click', () => void load().then((chat) => chat.toggle(), () => undefined));
  launcher.addEventListener('mouseenter', warm, { once: true });
  launcher.addEventListener('focus', warm, { once: true });
  let wasOpen = false;
  try {
    wasOpen = sessionStorage.getItem(OPEN_KEY) === '1';
  } catch {
    // Storage can be blocked; the chat then simply starts closed.
  }
  if (wasOpen) void load().then((chat) => chat.toggle(true), () => undefined);
  else if ('requestIdleCallback' in window) requestIdleCallback(warm, { timeout: 5000 });
  else setTimeout(warm, 2000);
})();
