/** What the loader hands the chat bundle once it has arrived (the two are separate scripts). */
export interface WidgetOptions {
  /** The shadow root the launcher lives in; the chat draws its panel beside it. */
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  /** The hub's URL, taken from the loader's own `src`. */
  hubUrl: string;
  queue: string | null;
  language: 'nb' | 'da' | 'en';
  /** The host site's signed identity of the customer, when it passes one. */
  identityToken: string | null;
}

export interface WidgetController {
  /** Opens the panel (or closes it when open); `open` forces a state. */
  toggle(open?: boolean): void;
}

export interface WidgetBundle {
  start(options: WidgetOptions): WidgetController;
}

/** The global through which the bundle reports in; named so no host page's globals collide. */
export const READY_CALLBACK = '__sentralWidgetReady';
/** Where the loader keeps that the panel was open, so a reload opens it again. */
export const OPEN_KEY = 'sentral-widget:open';
