import { DeliveryError } from '@sentral/contract';

/** What every outbound fax provider does: send one document to one number, idempotently by reference. */
export interface FaxProvider {
  send(fax: { to: string; from: string | null; document: Uint8Array; contentType: 'application/pdf'; reference: string }): Promise<{ providerId: string | null }>;
}

/**
 * A provider reached over HTTP: `POST <url>` with JSON `{to, from, reference, document: {contentType, base64}}`,
 * a bearer token and an `Idempotency-Key`. 2xx is sent; 408, 429 and 5xx are retried; other 4xx are final.
 */
export function httpFaxProvider(options: { url: string; token: string | null; timeoutMs?: number }): FaxProvider {
  return {
    async send(fax) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': fax.reference,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({
            to: fax.to,
            from: fax.from,
            reference: fax.reference,
            document: { contentType: fax.contentType, base64: Buffer.from(fax.document).toString('base64') },
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        throw new DeliveryError(`fax provider unreachable: ${(error as Error).message}`, false);
      }
      const body = (await response.json().catch(() => null)) as { id?: unknown; error?: unknown } | null;
      if (response.ok) return { providerId: typeof body?.id === 'string' ? body.id : null };
      const reason = `fax provider answered ${response.status}${typeof body?.error === 'string' ? `: ${body.error.slice(0, 200)}` : ''}`;
      const transient = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new DeliveryError(reason, !transient);
    },
  };
}
