import { useEffect, useState } from 'react';

/**
 * Attachments and fax pages are served to signed-in agents only, so an <img src> cannot load them:
 * they are fetched with the token and shown from a local object URL, released when unused.
 */
export function useBlobUrl(url: string | null | undefined, token: string): { src: string | null; failed: boolean } {
  const [result, setResult] = useState<{ src: string | null; failed: boolean }>({ src: null, failed: false });
  useEffect(() => {
    if (!url) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    fetch(url, { headers: { authorization: `Bearer ${token}` } })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setResult({ src: objectUrl, failed: false });
      })
      .catch(() => !cancelled && setResult({ src: null, failed: true }));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, token]);
  return result;
}

export function formatBytes(size: number, locale: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}
