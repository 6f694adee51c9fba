import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';

export interface DocumentPreview {
  pages: number | null;
  /** PNG of the first page, about THUMBNAIL_WIDTH pixels wide. */
  thumbnail: Buffer;
  /** True when the first page could not be rendered and a generic page image stands in. */
  placeholder: boolean;
}

const THUMBNAIL_WIDTH = 240;
const RENDER_TIMEOUT_MS = 15_000;
const MAX_PIXELS = 40_000_000;

const standardFontDataUrl = (() => {
  const root = createRequire(import.meta.url).resolve('pdfjs-dist/package.json').replace(/package\.json$/, '');
  return pathToFileURL(`${root}standard_fonts/`).href;
})();

// Loaded on first use: the PDF engine is large and most hubs receive no fax for minutes.
let pdfjs: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([work, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
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

async function previewPdf(content: Uint8Array): Promise<{ pages: number; thumbnail: Buffer }> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const lib = await pdfjs;
  const task = lib.getDocument({ data: new Uint8Array(content), isEvalSupported: false, disableFontFace: true, standardFontDataUrl, verbosity: 0 });
  try {
    const doc = await withTimeout(task.promise, RENDER_TIMEOUT_MS, 'opening the PDF');
    const page = await doc.getPage(1);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (THUMBNAIL_WIDTH * 2) / base.width });
    // pdf.js draws onto the canvas factory it brings for Node (backed by @napi-rs/canvas).
    const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: { toBuffer(type: 'image/png'): Buffer }; context: unknown } } }).canvasFactory;
    const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    await withTimeout(page.render({ canvasContext: context, viewport, canvas } as unknown as Parameters<typeof page.render>[0]).promise, RENDER_TIMEOUT_MS, 'rendering the first page');
    const thumbnail = await sharp(canvas.toBuffer('image/png')).flatten({ background: '#ffffff' }).resize({ width: THUMBNAIL_WIDTH }).png().toBuffer();
    return { pages: doc.numPages, thumbnail };
  } finally {
    await task.destroy();
  }
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
): Promise<DocumentPreview> {
  try {
    const preview = contentType === 'application/pdf' ? await previewPdf(content) : await previewTiff(content);
    return { ...preview, placeholder: false };
  } catch (error) {
    onFailure((error as Error).message.slice(0, 300));
    return { pages: null, thumbnail: await placeholderPage(), placeholder: true };
  }
}
