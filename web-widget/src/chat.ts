import { io, type Socket } from 'socket.io-client';
import type { ChatAvailability, ChatServerMessage, ChatTranscriptEntry, ChatUnavailableReason } from '@sentral/contract';
import { OPEN_KEY, READY_CALLBACK, type WidgetBundle, type WidgetController, type WidgetOptions } from './handoff.ts';
import { styles } from './styles.ts';
import { texts, type WidgetTexts } from './texts.ts';

/*
 * The chat panel. Every text from the hub (agent, bot, system) is set with textContent, never as
 * HTML; links are shown only for http(s) URLs. The conversation resumes by sequence number: after
 * every (re)connect the widget asks for whatever it has not seen.
 */

type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };
type Entry = Pick<ChatTranscriptEntry, 'from' | 'text'> & Partial<Pick<ChatServerMessage, 'options' | 'links'>> & { seq?: number };

const VISITOR_KEY = 'sentral-widget:visitor';
const TYPING_IDLE_MS = 3000;
// The hub's limit (MAX_CHAT_ATTACHMENT_BYTES); checked here too so a large file is refused before it is sent.
const MAX_ATTACHMENT_BYTES = 1_500_000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function stored(): { visitorId: string; resumeToken: string } | null {
  try {
    const value = JSON.parse(localStorage.getItem(VISITOR_KEY) ?? 'null') as { visitorId?: unknown; resumeToken?: unknown } | null;
    return typeof value?.visitorId === 'string' && typeof value.resumeToken === 'string' ? { visitorId: value.visitorId, resumeToken: value.resumeToken } : null;
  } catch {
    return null;
  }
}

function remember(key: string, value: string | null, storage: 'local' | 'session'): void {
  try {
    const target = storage === 'local' ? localStorage : sessionStorage;
    if (value === null) target.removeItem(key);
    else target.setItem(key, value);
  } catch {
    // Blocked storage: the conversation then lasts as long as the page.
  }
}

function start(options: WidgetOptions): WidgetController {
  const t: WidgetTexts = texts[options.language];
  const { root, launcher } = options;
  const style = el('style');
  style.textContent = styles;
  const panel = el('div', { class: 'panel', role: 'dialog', 'aria-label': t.title, hidden: '' });
  const header = el('div', { class: 'head' });
  const title = el('h2', { id: 'sentral-title' }, t.title);
  const closeButton = el('button', { type: 'button', class: 'x', 'aria-label': t.close }, '×');
  header.append(title, closeButton);
  const status = el('p', { class: 'status', role: 'status' });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '0' });
  const typing = el('p', { class: 'typing', 'aria-live': 'off' });
  const extra = el('div', { class: 'extra' });
  const composer = el('form', { class: 'composer' });
  const inputLabel = el('label', { class: 'sr', for: 'sentral-input' }, t.input);
  const input = el('textarea', { id: 'sentral-input', rows: '2', placeholder: t.placeholder, maxlength: '8000' });
  const sendButton = el('button', { type: 'submit', class: 'primary' }, t.send);
  // Images and PDF only; the hub checks the bytes whatever the browser says the file is.
  const fileInput = el('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf', class: 'sr', id: 'sentral-file', tabindex: '-1' });
  const attachButton = el('button', { type: 'button', class: 'attach', 'aria-label': t.attach }, '📎');
  composer.append(inputLabel, attachButton, fileInput, input, sendButton);
  const footer = el('div', { class: 'foot' });
  const endButton = el('button', { type: 'button', class: 'link' }, t.end);
  const verifyButton = el('button', { type: 'button', class: 'link' }, t.verify);
  footer.append(verifyButton, endButton);
  panel.append(header, status, log, typing, extra, composer, footer);
  root.append(style, panel);

  let socket: Socket | null = null;
  let lastSeq = 0;
  let contactId: string | null = null;
  let agentName: string | null = null;
  let ended = false;
  let typingSent = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let pendingId = 0;
  let greeted = false;
  const seen = new Set<number>();

  function setStatus(text: string): void {
    status.textContent = text;
  }

  function authorLabel(from: Entry['from']): string {
    if (from === 'customer') return t.you;
    if (from === 'agent') return agentName ?? t.agent;
    if (from === 'bot') return t.bot;
    return '';
  }

  /** Adds one message to the log; a message already shown (same sequence number) is skipped. */
  function show(entry: Entry): HTMLElement | null {
    if (entry.seq !== undefined) {
      if (seen.has(entry.seq)) return null;
      seen.add(entry.seq);
      lastSeq = Math.max(lastSeq, entry.seq);
    }
    const item = el('div', { class: `msg ${entry.from}` });
    const author = authorLabel(entry.from);
    if (author) item.append(el('span', { class: 'sr' }, `${author}: `));
    item.append(el('p', {}, entry.text));
    if (entry.links?.length) {
      const list = el('ul', { class: 'links' });
      for (const link of entry.links) {
        const href = safeUrl(link.url);
        if (!href) continue;
        const li = el('li');
        li.append(el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, link.title));
        list.append(li);
      }
      item.append(list);
    }
    if (entry.options?.length && !ended) {
      const group = el('div', { class: 'options', role: 'group' });
      for (const option of entry.options) {
        const button = el('button', { type: 'button' }, option.label);
        button.addEventListener('click', () => {
          group.remove();
          send(option.label, option.id);
        });
        group.append(button);
      }
      item.append(group);
    }
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function showNotice(text: string): void {
    show({ from: 'system', text });
  }

  function request<T extends object>(event: string, payload: unknown): Promise<Ack<T>> {
    return new Promise((resolve) => {
      if (!socket) {
        resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not connected' } });
        return;
      }
      socket.timeout(15_000).emit(event, payload, (error: Error | null, response: Ack<T>) => {
        resolve(error ? { ok: false, error: { code: 'UNAVAILABLE', message: error.message } } : response);
      });
    });
  }

  function failureText(response: Ack): string {
    return !response.ok && response.error.code === 'RATE_LIMITED' ? t.limited : t.failed;
  }

  /** Everything stored after the last message shown: what a reload, a new tab or a reconnect missed. */
  async function catchUp(): Promise<void> {
    const response = await request<{ contactId: string | null; ended?: boolean; messages: ChatTranscriptEntry[] }>('history', { afterSeq: lastSeq });
    if (!response.ok) return;
    if (response.contactId && response.contactId !== contactId) contactId = response.contactId;
    for (const entry of response.messages) show(entry);
    // A greeting only for a conversation that has not begun; a resumed one shows what was said.
    if (!greeted && lastSeq === 0 && !log.childElementCount) showNotice(t.greeting);
    greeted = true;
    // A conversation that ended while the page was away: its end and rating are shown again.
    if (response.ended && response.messages.length && !ended) {
      ended = true;
      composer.hidden = true;
      endButton.hidden = true;
      setStatus(t.ended);
      showRating();
    }
  }

  function send(text: string, optionId?: string): void {
    const clean = text.trim();
    if (!clean || !socket) return;
    if (ended) beginNew();
    const clientMessageId = `w${Date.now().toString(36)}${(pendingId += 1)}`;
    const item = show({ from: 'customer', text: clean });
    item?.classList.add('pending');
    stopTyping();
    void request<{ id: string; contactId: string; seq: number }>('message', { text: clean, clientMessageId, ...(optionId ? { optionId } : {}) }).then((response) => {
      if (!response.ok) {
        item?.classList.add('failed');
        showNotice(failureText(response));
        return;
      }
      item?.classList.remove('pending');
      contactId = response.contactId;
      // History may already have shown this message under its sequence number.
      if (seen.has(response.seq)) item?.remove();
      else {
        seen.add(response.seq);
        lastSeq = Math.max(lastSeq, response.seq);
      }
    });
  }

  function stopTyping(): void {
    clearTimeout(typingTimer);
    if (typingSent) socket?.emit('typing', { typing: false });
    typingSent = false;
  }

  function clearExtra(): void {
    extra.replaceChildren();
  }

  function field(labelText: string, control: HTMLInputElement | HTMLTextAreaElement, id: string): HTMLElement {
    control.id = id;
    const wrap = el('div', { class: 'field' });
    wrap.append(el('label', { for: id }, labelText), control);
    return wrap;
  }

  function showRating(): void {
    const box = el('div', { class: 'rating', role: 'group', 'aria-label': t.rate });
    box.append(el('p', {}, t.rate));
    const scale = el('div', { class: 'scale' });
    for (let score = 1; score <= 10; score += 1) {
      const button = el('button', { type: 'button', 'aria-label': `${score} / 10` }, String(score));
      button.addEventListener('click', () => {
        void request('rating', { score }).then((response) => {
          box.replaceChildren(el('p', {}, response.ok ? t.rated : failureText(response)));
        });
      });
      scale.append(button);
    }
    box.append(scale);
    const transcript = el('form', { class: 'row' });
    const email = el('input', { type: 'email', required: '', autocomplete: 'email' });
    transcript.append(field(t.email, email, 'sentral-transcript-email'), el('button', { type: 'submit' }, t.transcript));
    transcript.addEventListener('submit', (event) => {
      event.preventDefault();
      void request('transcript', { email: email.value }).then((response) => {
        transcript.replaceChildren(el('p', {}, response.ok ? t.transcriptSent : failureText(response)));
      });
    });
    const again = el('button', { type: 'button', class: 'link' }, t.newChat);
    again.addEventListener('click', () => {
      beginNew();
      input.focus();
    });
    extra.replaceChildren(box, transcript, again);
    (scale.firstElementChild as HTMLElement | null)?.focus();
  }

  function beginNew(): void {
    ended = false;
    agentName = null;
    contactId = null;
    clearExtra();
    log.replaceChildren();
    seen.clear();
    lastSeq = 0;
    composer.hidden = false;
    endButton.hidden = false;
    setStatus('');
  }

  function showOfflineForm(reason: ChatUnavailableReason): void {
    composer.hidden = true;
    const form = el('form', { class: 'offline' });
    const name = el('input', { type: 'text', required: '', autocomplete: 'name', maxlength: '200' });
    const email = el('input', { type: 'email', required: '', autocomplete: 'email', maxlength: '320' });
    const message = el('textarea', { required: '', rows: '4', maxlength: '8000' });
    const submit = el('button', { type: 'submit', class: 'primary' }, t.offlineSend);
    form.append(el('p', {}, t.offlineIntro[reason]), field(t.name, name, 'sentral-name'), field(t.email, email, 'sentral-email'), field(t.message, message, 'sentral-message'), submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit.disabled = true;
      void request<{ contactId: string }>('offline:message', { name: name.value, email: email.value, text: message.value }).then((response) => {
        submit.disabled = false;
        if (!response.ok) {
          setStatus(failureText(response));
          return;
        }
        // Shown only now: the hub has stored the message before it answered.
        const done = el('p', { class: 'sent', tabindex: '-1' }, t.offlineSent);
        form.replaceWith(done);
        done.focus();
      });
    });
    extra.replaceChildren(form);
    name.focus();
  }

  function showVerify(): void {
    const form = el('form', { class: 'row' });
    const email = el('input', { type: 'email', required: '', autocomplete: 'email' });
    form.append(field(t.email, email, 'sentral-verify-email'), el('button', { type: 'submit' }, t.verifySend));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void request('verify:start', { email: email.value }).then((response) => {
        if (!response.ok) {
          setStatus(failureText(response));
          return;
        }
        const codeForm = el('form', { class: 'row' });
        const code = el('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6', required: '' });
        codeForm.append(field(t.code, code, 'sentral-code'), el('button', { type: 'submit' }, t.verifyCheck));
        codeForm.addEventListener('submit', (submitted) => {
          submitted.preventDefault();
          void request<{ verification: { email: string | null } }>('verify:code', { code: code.value }).then((checked) => {
            if (checked.ok) {
              extra.replaceChildren();
              setStatus(t.verified(checked.verification.email ?? email.value));
            } else setStatus(failureText(checked));
          });
        });
        form.replaceWith(codeForm);
        code.focus();
      });
    });
    extra.replaceChildren(form);
    email.focus();
  }

  function offerFormWhileWaiting(): void {
    if (extra.querySelector('.offline, .leave')) return;
    const leave = el('button', { type: 'button', class: 'link leave' }, t.leaveMessage);
    leave.addEventListener('click', () => showOfflineForm('wait'));
    extra.append(leave);
  }

  function connect(): void {
    if (socket) return;
    setStatus(t.connecting);
    const previous = stored();
    socket = io(`${options.hubUrl}chat`, {
      auth: {
        language: options.language,
        ...(options.queue ? { queue: options.queue } : {}),
        ...(previous ?? {}),
        ...(options.identityToken ? { identityToken: options.identityToken } : {}),
      },
    });
    socket.on('connect', () => {
      setStatus('');
      void catchUp();
    });
    socket.on('disconnect', () => setStatus(t.reconnecting));
    socket.on('connect_error', () => setStatus(t.reconnecting));
    socket.on('session', (payload: { visitorId: string; contactId: string | null; resumeToken?: string }) => {
      if (payload.resumeToken) remember(VISITOR_KEY, JSON.stringify({ visitorId: payload.visitorId, resumeToken: payload.resumeToken }), 'local');
      // Handshakes carry the newest token, so a reconnect resumes as well as a reload.
      if (socket && payload.resumeToken) socket.auth = { ...(socket.auth as object), visitorId: payload.visitorId, resumeToken: payload.resumeToken };
      if (payload.contactId) {
        contactId = payload.contactId;
        return;
      }
      if (lastSeq === 0 && !ended) {
        void request<ChatAvailability>('availability', {}).then((response) => {
          if (response.ok && !response.available && response.reason && lastSeq === 0) showOfflineForm(response.reason);
        });
      }
    });
    socket.on('message', (message: ChatServerMessage) => {
      if (message.seq !== undefined && message.seq > lastSeq + 1) {
        // A gap: something was missed; the database has it.
        void catchUp();
        return;
      }
      if (message.from === 'agent') {
        typing.textContent = '';
      }
      show(message);
    });
    socket.on('queue', (place: { position: number; estimatedWaitSeconds: number }) => {
      setStatus(t.queue(place.position, Math.max(1, Math.round(place.estimatedWaitSeconds / 60))));
      offerFormWhileWaiting();
    });
    socket.on('agent', (payload: { name: string }) => {
      agentName = payload.name;
      clearExtra();
      setStatus(t.joined(payload.name));
    });
    socket.on('typing', (payload: { typing: boolean }) => {
      clearTimeout(agentTypingTimer);
      typing.textContent = payload.typing ? t.typing(agentName ?? t.someone) : '';
      // A lost "stopped" must not leave the indicator on for ever.
      if (payload.typing) agentTypingTimer = setTimeout(() => (typing.textContent = ''), 10_000);
    });
    socket.on('ended', () => {
      ended = true;
      typing.textContent = '';
      composer.hidden = true;
      endButton.hidden = true;
      setStatus(t.ended);
      showRating();
    });
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value;
    input.value = '';
    send(value);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    if (!typingSent && input.value.trim()) {
      socket?.emit('typing', { typing: true });
      typingSent = true;
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  attachButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file || !socket) return;
    if (file.size > MAX_ATTACHMENT_BYTES) {
      showNotice(t.tooLarge);
      return;
    }
    if (ended) beginNew();
    const item = show({ from: 'customer', text: `📎 ${file.name}` });
    item?.classList.add('pending');
    void file.arrayBuffer().then((data) =>
      request<{ seq: number }>('attachment', { filename: file.name.slice(0, 200), data }).then((response) => {
        item?.classList.remove('pending');
        if (!response.ok) {
          item?.classList.add('failed');
          showNotice(response.error.code === 'VALIDATION_FAILED' ? t.fileType : failureText(response));
          return;
        }
        if (seen.has(response.seq)) item?.remove();
        else {
          seen.add(response.seq);
          lastSeq = Math.max(lastSeq, response.seq);
        }
      }),
    );
  });
  endButton.addEventListener('click', () => void request('end', {}));
  verifyButton.addEventListener('click', showVerify);
  closeButton.addEventListener('click', () => toggle(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') toggle(false);
  });

  function toggle(open = panel.hidden): void {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    remember(OPEN_KEY, open ? '1' : null, 'session');
    if (open) {
      connect();
      input.focus();
    } else launcher.focus();
  }
  // A page restored from the back-forward cache, or shown again after a while, asks for what it missed.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !socket) return;
    if (socket.connected) void catchUp();
    else socket.connect();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && socket?.connected) void catchUp();
  });
  // A returning visitor's conversation is fetched at once, so nothing waits for the first click.
  if (stored()) connect();
  return { toggle };
}

const bundle: WidgetBundle = { start };
const ready = (window as unknown as Record<string, unknown>)[READY_CALLBACK];
if (typeof ready === 'function') (ready as (value: WidgetBundle) => void)(bundle);
