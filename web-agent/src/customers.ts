import { useCallback, useMemo, useRef, useState } from 'react';
import type { Api, CustomerView } from './api.ts';

export type CustomerEntry = { status: 'loading' } | { status: 'ready'; view: CustomerView } | { status: 'failed' };

/** 360 views by customer id, fetched once and refreshed on demand (after a wrap-up, a link, opening the customer page). */
export function useCustomers(api: Api) {
  const [entries, setEntries] = useState<Record<string, CustomerEntry>>({});
  const known = useRef(new Set<string>());
  const inFlight = useRef(new Set<string>());
  // A refresh asked for while a fetch runs is done right after it, so the newest state always lands last.
  const again = useRef(new Set<string>());

  const load = useCallback(
    (id: string, force = false) => {
      if (inFlight.current.has(id)) {
        if (force) again.current.add(id);
        return;
      }
      if (known.current.has(id) && !force) return;
      inFlight.current.add(id);
      known.current.add(id);
      setEntries((current) => (current[id] ? current : { ...current, [id]: { status: 'loading' } }));
      api
        .customer(id)
        .then((view) => setEntries((latest) => ({ ...latest, [id]: { status: 'ready', view } })))
        .catch(() => {
          known.current.delete(id);
          setEntries((latest) => ({ ...latest, [id]: { status: 'failed' } }));
        })
        .finally(() => {
          inFlight.current.delete(id);
          if (again.current.delete(id)) load(id, true);
        });
    },
    [api],
  );
  const put = useCallback((view: CustomerView) => {
    known.current.add(view.id);
    setEntries((current) => ({ ...current, [view.id]: { status: 'ready', view } }));
  }, []);
  return useMemo(() => ({ entries, load, put }), [entries, load, put]);
}
