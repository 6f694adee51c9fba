import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const FONT_SIZE = 11;
const LINE_HEIGHT = 15;

// The standard fonts speak WinAnsi: Norwegian and Danish letters are in it, anything else is replaced.
function printable(text: string, font: PDFFont): string {
  return [...text].map((char) => { try { font.encodeText(char); return char; } catch { return '?'; } }).join('');
}

function wrap(line: string, font: PDFFont, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/(\s+)/)) {
    const candidate = current + word;
    if (font.widthOfTextAtSize(candidate, FONT_SIZE) <= width || !current.trim()) current = candidate;
    else {
      out.push(current.trimEnd());
      current = word.trimStart();
    }
  }
  out.push(current.trimEnd());
  return out;
}

/** A plain A4 fax document from an agent's reply: a header line, then the text, paginated. */
export async function replyDocument(input: { heading: string; text: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const width = A4.width - 2 * MARGIN;
  const lines = input.text.split(/\r?\n/).flatMap((line) => wrap(printable(line, font), font, width));
  let page = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  page.drawText(printable(input.heading, bold), { x: MARGIN, y, size: FONT_SIZE + 2, font: bold });
  y -= LINE_HEIGHT * 2;
  for (const line of lines) {
    if (y < MARGIN) {
      page = doc.addPage([A4.width, A4.height]);
      y = A4.height - MARGIN;
    }
    page.drawText(line, { x: MARGIN, y, size: FONT_SIZE, font });
    y -= LINE_HEIGHT;
  }
  return doc.save();
}
