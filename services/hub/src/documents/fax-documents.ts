import { fork } from 'node:child_process';
import sharp from 'sharp';

export interface DocumentPreview {
  pages: number | null;
  /** PNG of the first page, about THUMBNAIL_WIDTH pixels wide. */
  thumbnail: Buffer;
  /** True when the first page could not be rendered and a generic page image stands in. */
  placeholder: boolean;
}

/** How far one PDF may go in its renderer process before it is killed and the outline stands in. */
export interface RenderLimits {
  /** From handing over the document to the answer. */
  timeoutMs: number;
  /** The renderer's JavaScript heap. */
  memoryMb: number;
  /** All Flate streams of the document together, decompressed. */
  maxInflatedBytes: number;
}

const defaultRenderLimits: RenderLimits = Object.freeze({ timeoutMs: 10_000, memoryMb: 256, maxInflatedBytes: 64_000_000 });

const THUMBNAIL_WIDTH = 240;
const MAX_PIXELS = 40_000_000;
// Loading pdf.js in a fresh process is our own start-up, not the document's time; it gets its own bound.
const STARTUP_TIMEOUT_MS = 30_000;
// Renderers at once: each may use memoryMb and a core while it lasts; more documents wait their turn.
const MAX_RENDERERS = 2;

const rendererUrl = new URL('./pdf-render-process.mjs', import.meta.url);

/** What the renderer process is sent, and what it answers (pdf-render-process.mjs). */
interface RenderRequest {
  content: Uint8Array;
  thumbnailWidth: number;
  maxInflatedBytes: number;
}
type RenderAnswer = { kind: 'ready' } | { kind: 'done'; pages: number; png: Uint8Array } | { kind: 'failed'; reason: string };

let running = 0;
const waiting: Array<() => void> = [];
async function renderSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RENDERERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Renders page 1 and counts pages in a child process that is killed when it overruns its limits. */
function renderInProcess(content: Uint8Array, limits: RenderLimits): Promise<{ pages: number; png: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = fork(rendererUrl, [], {
      execArgv: [`--max-old-space-size=${limits.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let settled = false;
    const finish = (outcome: { ok: true; pages: number; png: Buffer } | { ok: false; reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (outcome.ok) resolve({ pages: outcome.pages, png: outcome.png });
      else reject(new Error(outcome.reason));
    };
    let timer = setTimeout(() => finish({ ok: false, reason: `the renderer did not start within ${STARTUP_TIMEOUT_MS} ms` }), STARTUP_TIMEOUT_MS);
    child.on('message', (answer: RenderAnswer) => {
      if (answer.kind === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ ok: false, reason: `rendering took longer than ${limits.timeoutMs} ms` }), limits.timeoutMs);
        const request: RenderRequest = { content, thumbnailWidth: THUMBNAIL_WIDTH, maxInflatedBytes: limits.maxInflatedBytes };
        child.send(request);
      } else if (answer.kind === 'done') finish({ ok: true, pages: answer.pages, png: Buffer.from(answer.png) });
      else finish({ ok: false, reason: answer.reason });
    });
    child.on('error', (error) => finish({ ok: false, reason: `the renderer failed: ${error.message}` }));
    child.on('exit', (code, signal) =>
      finish({ ok: false, reason: `the renderer stopped (${signal ?? `exit code ${code}`}), most likely over its ${limits.memoryMb} MB memory limit` }),
    );
  });
}

/** A plain page outline: what the agent sees when a document cannot be rendered. */
async function placeholderPage(): Promise<Buffer> {
  const height = Math.round(THUMBNAIL_WIDTH * 1.414);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${THUMBNAIL_WIDTH}" height="${height}">
    <rect x="4" y="4" width="${THUMBNAIL_WIDTH - 8}" height="${height - 8}" fill="#ffffff" stroke="#9aa0a6" stroke-width="3"/>
    ${Array.from({ length: 9 }, (_, i) => `<rect x="28" y="${48 + i * 28}" width="${THUMBNAIL_WIDTH - 56 - (i % 3) * 30}" height="8" fill="#d0d4d8"/>`).join('')}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function previewPdf(content: Uint8Array, limits: RenderLimits): Promise<{ pages: number; thumbnail: Buffer }> {
  const { pages, png } = await renderSlot(() => renderInProcess(content, limits));
  const thumbnail = await sharp(png, { limitInputPixels: MAX_PIXELS }).flatten({ background: '#ffffff' }).resize({ width: THUMBNAIL_WIDTH }).png().toBuffer();
  return { pages, thumbnail };
}

async function previewTiff(content: Uint8Array): Promise<{ pages: number; thumbnail: Buffer }> {
  const image = sharp(content, { page: 0, limitInputPixels: MAX_PIXELS });
  const meta = await sharp(content, { limitInputPixels: MAX_PIXELS }).metadata();
  const thumbnail = await image.flatten({ background: '#ffffff' }).resize({ width: THUMBNAIL_WIDTH }).png().toBuffer();
  return { pages: meta.pages ?? 1, thumbnail };
}

/**
 * Page count and a first-page thumbnail of a fax document, for the screen pop. A document that
 * cannot be read still reaches the agent: with a generic page image and the reason logged.
 */
export async function previewFaxDocument(
  contentType: 'application/pdf' | 'image/tiff',
  content: Uint8Array,
  onFailure: (reason: string) => void,
  limits: RenderLimits = defaultRenderLimits,
): Promise<DocumentPreview> {
  try {
    const preview = contentType === 'application/pdf' ? await previewPdf(content, limits) : await previewTiff(content);
    return { ...preview, placeholder: false };
  } catch (error) {
    onFailure((error as Error).message.slice(0, 300));
    return { pages: null, thumbnail: await placeholderPage(), placeholder: true };
  }
}
