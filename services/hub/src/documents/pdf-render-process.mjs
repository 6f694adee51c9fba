// @ts-check
/**
 * The PDF renderer's own process (started by fax-documents.ts, one per document): pdf.js is
 * synchronous and unbounded on hostile input, so it runs here, where a time limit can kill it and
 * a heap limit can stop it, and the hub's event loop never waits on it.
 *
 * Plain JavaScript on purpose: under the TypeScript loader every start would first transform
 * pdf.js's 2 MB, which took seconds of a loaded machine for each document.
 *
 * Protocol over IPC (types in fax-documents.ts): sends {kind:'ready'} once pdf.js is loaded;
 * receives {content, thumbnailWidth, maxInflatedBytes}; answers {kind:'done', pages, png} or
 * {kind:'failed', reason}, then exits.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { constants, inflateSync } from 'node:zlib';

const standardFontDataUrl = pathToFileURL(
  `${createRequire(import.meta.url).resolve('pdfjs-dist/package.json').replace(/package\.json$/, '')}standard_fonts/`,
).href;

/**
 * Inflates every Flate stream with a budget shared by all of them, and throws once the document
 * would decompress to more: a flate bomb is refused before pdf.js allocates it.
 * @param {Buffer} pdf
 * @param {number} budget
 */
function checkInflatedSize(pdf, budget) {
  let total = 0;
  let at = 0;
  for (;;) {
    at = pdf.indexOf('stream', at, 'latin1');
    if (at === -1) return;
    if (at >= 3 && pdf.toString('latin1', at - 3, at) === 'end') {
      at += 6;
      continue;
    }
    let start = at + 6;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    const end = pdf.indexOf('endstream', start, 'latin1');
    if (end === -1) return;
    const dictionary = pdf.toString('latin1', Math.max(0, pdf.lastIndexOf('obj', at, 'latin1')), at);
    if (/\/(FlateDecode|Fl)\b/.test(dictionary)) {
      try {
        // A sync flush also counts what a truncated stream would still yield.
        total += inflateSync(pdf.subarray(start, end), { maxOutputLength: Math.max(1, budget - total + 1), finishFlush: constants.Z_SYNC_FLUSH }).length;
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ERR_BUFFER_TOO_LARGE') total = budget + 1;
        // Anything else is a broken stream: pdf.js decides what to make of it.
      }
      if (total > budget) throw new Error(`the document decompresses to more than ${Math.round(budget / 1_000_000)} MB`);
    }
    at = end + 9;
  }
}

/** @param {{ content: Uint8Array; thumbnailWidth: number; maxInflatedBytes: number }} request */
async function render(request) {
  const content = Buffer.from(request.content);
  checkInflatedSize(content, request.maxInflatedBytes);
  const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = lib.getDocument({ data: new Uint8Array(content), isEvalSupported: false, disableFontFace: true, standardFontDataUrl, verbosity: 0 });
  const doc = await task.promise;
  const page = await doc.getPage(1);
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: (request.thumbnailWidth * 2) / base.width });
  // pdf.js draws onto the canvas factory it brings for Node (backed by @napi-rs/canvas).
  const factory = /** @type {any} */ (doc).canvasFactory;
  const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render(/** @type {any} */ ({ canvasContext: context, viewport, canvas })).promise;
  return { pages: doc.numPages, png: new Uint8Array(canvas.toBuffer('image/png')) };
}

/** @param {object} answer */
function send(answer) {
  return new Promise((resolve) => process.send?.(answer, undefined, {}, () => resolve(undefined)));
}

if (process.send) {
  process.once('message', (request) => {
    render(/** @type {{ content: Uint8Array; thumbnailWidth: number; maxInflatedBytes: number }} */ (request))
      .then((result) => send({ kind: 'done', ...result }))
      .catch((error) => send({ kind: 'failed', reason: (error instanceof Error ? error.message : String(error)).slice(0, 300) }))
      .finally(() => process.exit(0));
  });
  // pdf.js is loaded before the clock starts: the time limit is for the document, not for our start-up.
  void import('pdfjs-dist/legacy/build/pdf.mjs').then(() => send({ kind: 'ready' }));
}
