import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` while the component is mounted: countdowns and timers. */
export function useNow(everyMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
