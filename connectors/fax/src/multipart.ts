import busboy from 'busboy';
import { Readable } from 'node:stream';

export interface MultipartForm {
  fields: Record<string, string>;
  files: Array<{ field: string; filename: string | null; contentType: string; content: Buffer }>;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

/** Parses an already buffered multipart body (its bytes were needed whole for the signature). */
export function parseMultipart(body: Uint8Array, contentType: string, limits: { files: number; fileBytes: number }): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { files: limits.files, fileSize: limits.fileBytes, fields: 20, fieldSize: 10_000, parts: limits.files + 20 } });
    } catch (error) {
      reject(new MultipartError((error as Error).message));
      return;
    }
    // Field names are the sender's choice: a null-prototype object keeps "__proto__" an ordinary field.
    const form: MultipartForm = { fields: Object.create(null) as Record<string, string>, files: [] };
    let failure: MultipartError | null = null;
    parser.on('field', (name, value) => (form.fields[name] = value));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (failure = new MultipartError(`file "${info.filename}" is larger than ${limits.fileBytes} bytes`)));
      stream.on('end', () => form.files.push({ field, filename: info.filename ?? null, contentType: info.mimeType, content: Buffer.concat(chunks) }));
    });
    parser.on('filesLimit', () => (failure = new MultipartError(`more than ${limits.files} files`)));
    parser.on('error', (error: Error) => reject(new MultipartError(error.message)));
    parser.on('close', () => (failure ? reject(failure) : resolve(form)));
    Readable.from([Buffer.from(body)]).pipe(parser);
  });
}
