// Subscribes a component to a Dexie liveQuery and re-renders with each value.
import type { Observable } from 'dexie';
import { useEffect, useState } from 'react';

/** `undefined` until the first value arrives. `deps` decide when to resubscribe (as in useEffect). */
export function useObservable<T>(make: () => Observable<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = make().subscribe({
      next: setValue,
      error: (error) => console.error('[anclora] live query failed', error),
    });
    return () => subscription.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}
