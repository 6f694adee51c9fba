/** The fax document types Sentral accepts, told by the file's own first bytes: a declared type proves nothing. */
export function faxDocumentType(content: Uint8Array): 'application/pdf' | 'image/tiff' | null {
  const b = content;
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d) return 'application/pdf';
  if (b.length >= 4 && b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) return 'image/tiff';
  if (b.length >= 4 && b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a) return 'image/tiff';
  return null;
}
