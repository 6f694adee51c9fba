const PHONE = /(?:\+|00)?\d[\d\s().-]{6,18}\d/g;
const SIGNATURE_LINES = 12;

/**
 * Phone numbers in a mail's signature: the part after the `-- ` delimiter, or else its last
 * lines. Quoted history is skipped. Only weak evidence: a signature can be anybody's.
 */
export function signaturePhones(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => !line.startsWith('>'));
  const delimiter = lines.findIndex((line) => line === '-- ' || line === '--');
  const tail = delimiter >= 0 ? lines.slice(delimiter + 1, delimiter + 1 + SIGNATURE_LINES) : lines.slice(-SIGNATURE_LINES);
  const found = new Set<string>();
  for (const line of tail) {
    // A line that is mostly a date or a reference is not a phone line.
    if (/\d{4}-\d{2}-\d{2}|\b(ordre|order|faktura|invoice|ref)\b/i.test(line)) continue;
    for (const match of line.matchAll(PHONE)) found.add(match[0].replace(/[\s().-]/g, ''));
  }
  return [...found].slice(0, 5);
}
